"""The geomlearn tour: every registered showcase, run on built-in data.

Run it with ``python -m geomlearn.demo`` (or ``make demo``). It prints a table
(area, method, data, quality figure, seconds) and writes an HTML report with
the figures to ``demo-output/index.html``.

A showcase is a small function in a module of :mod:`geomlearn.demo.showcases`,
registered with the :func:`showcase` decorator. The runner imports every
module of that package, so adding a showcase means adding a file there and
never touching the runner::

    from geomlearn.demo import ShowcaseResult, showcase

    @showcase(area="clustering", method="KMedoids (FasterPAM)", data="digits")
    def kmedoids_digits(plot):
        ...
        return ShowcaseResult(quality_name="ARI", quality=ari, figures=[fig])
"""

from geomlearn.demo._registry import (
    Showcase,
    ShowcaseResult,
    registered_showcases,
    showcase,
)
from geomlearn.demo._runner import run_showcases, write_report

__all__ = [
    "Showcase",
    "ShowcaseResult",
    "registered_showcases",
    "run_showcases",
    "showcase",
    "write_report",
]
