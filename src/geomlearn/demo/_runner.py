"""Run showcases, print the table, write the HTML report."""

import dataclasses
import fnmatch
import html
import time
import traceback
from pathlib import Path

from geomlearn.demo._registry import registered_showcases
from geomlearn.utils._optional import MissingExtraError

__all__ = ["format_table", "run_showcases", "write_report"]


@dataclasses.dataclass
class _Record:
    showcase: object
    seconds: float
    result: object = None
    error: str = ""
    skipped: str = ""

    @property
    def ok(self):
        return not self.error and not self.skipped


def _use_agg():
    """Select matplotlib's file-only backend; return False if matplotlib is absent."""
    try:
        import matplotlib
    except ImportError:
        return False
    matplotlib.use("Agg")
    return True


def run_showcases(showcases=None, *, only=None, plot=True, verbose=True):
    """Run showcases one after the other, timing each.

    Parameters
    ----------
    showcases : list of Showcase, default=None
        What to run; ``None`` runs every registered showcase.
    only : list of str, default=None
        Keep showcases whose name, area or method matches one of these
        shell-style patterns (``"clustering"``, ``"*kmedoids*"``).
    plot : bool, default=True
        Ask showcases for figures (needs matplotlib; off when it is absent).
    verbose : bool, default=True
        Print a line as each showcase finishes.

    Returns
    -------
    records : list
        One record per showcase with ``showcase``, ``seconds``, ``result``
        (a :class:`ShowcaseResult`) and ``error`` (a traceback, or ``""``).
        A failing showcase is recorded, not raised, so the tour goes on.

    Examples
    --------
    >>> from geomlearn.demo import Showcase, ShowcaseResult, run_showcases
    >>> def constant(plot):
    ...     return ShowcaseResult(quality_name="score", quality=1.0)
    >>> records = run_showcases(
    ...     [Showcase("constant", "demo", "constant", "none", constant)],
    ...     plot=False, verbose=False)
    >>> records[0].result.quality, records[0].ok
    (1.0, True)
    """
    if showcases is None:
        showcases = registered_showcases()
    if only:
        showcases = [
            s
            for s in showcases
            if any(
                fnmatch.fnmatch(field, pattern) or pattern in field
                for pattern in only
                for field in (s.name, s.area, s.method)
            )
        ]
    plot = plot and _use_agg()
    records = []
    for item in showcases:
        start = time.perf_counter()
        try:
            result = item.func(plot=plot)
            record = _Record(item, time.perf_counter() - start, result)
        except MissingExtraError as exc:  # an optional extra is not installed
            record = _Record(item, time.perf_counter() - start, skipped=str(exc))
        except Exception:  # a failing showcase must not stop the tour
            record = _Record(
                item, time.perf_counter() - start, error=traceback.format_exc()
            )
        records.append(record)
        if verbose:
            status = "ok" if record.ok else "skipped" if record.skipped else "FAILED"
            print(f"  [{status}] {item.area}: {item.method} ({record.seconds:.1f} s)")
    return records


def _rows(records):
    header = ("area", "method", "data", "quality", "seconds")
    rows = []
    for r in records:
        if r.ok:
            quality = f"{r.result.quality_name} = {r.result.quality:.4g}"
        elif r.skipped:
            quality = "skipped: needs pip install geomlearn[extra] (see report)"
        else:
            quality = "FAILED: " + r.error.strip().splitlines()[-1]
        s = r.showcase
        rows.append((s.area, s.method, s.data, quality, f"{r.seconds:.2f}"))
    return header, rows


def format_table(records):
    """Format records as a plain-text table.

    Parameters
    ----------
    records : list
        Output of :func:`run_showcases`.

    Returns
    -------
    table : str
        Columns area, method, data, quality, seconds.

    Examples
    --------
    >>> from geomlearn.demo import Showcase, ShowcaseResult, run_showcases
    >>> from geomlearn.demo._runner import format_table
    >>> def constant(plot):
    ...     return ShowcaseResult(quality_name="score", quality=1.0)
    >>> records = run_showcases(
    ...     [Showcase("constant", "demo", "constant", "none", constant)],
    ...     plot=False, verbose=False)
    >>> print(format_table(records))  # doctest: +ELLIPSIS
    area  method    data  quality    seconds
    ----  --------  ----  ---------  -------
    demo  constant  none  score = 1  0...
    """
    header, rows = _rows(records)
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(5)]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>geomlearn tour</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; }}
table {{ border-collapse: collapse; }} td, th {{ padding: .3em .8em; border-bottom: 1px solid #ccc; }}
.failed {{ color: #b00; }} figure img {{ max-width: 100%; }} pre {{ background: #f6f6f6; padding: 1em; }}
</style></head><body>
<h1>geomlearn tour</h1>
<p>Every registered showcase, run on built-in data. Quality figures are computed against
an oracle (true labels, analytic solutions or a peer library).</p>
<table><tr>{header}</tr>
{rows}
</table>
{sections}
</body></html>
"""


def write_report(records, output_dir):
    """Write ``index.html`` and the figures (PNG) of a tour to a folder.

    Parameters
    ----------
    records : list
        Output of :func:`run_showcases`.
    output_dir : str or path-like
        Folder to write to; created if missing.

    Returns
    -------
    index : pathlib.Path
        Path of the written ``index.html``.

    Examples
    --------
    >>> import tempfile
    >>> from geomlearn.demo import Showcase, ShowcaseResult, run_showcases, write_report
    >>> def constant(plot):
    ...     return ShowcaseResult(quality_name="score", quality=1.0)
    >>> records = run_showcases(
    ...     [Showcase("constant", "demo", "constant", "none", constant)],
    ...     plot=False, verbose=False)
    >>> write_report(records, tempfile.mkdtemp()).name
    'index.html'
    """
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    header, rows = _rows(records)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body_rows = []
    sections = []
    for record, row in zip(records, rows, strict=True):
        css = "" if record.ok else ' class="failed"'
        cells = "".join(f"<td>{html.escape(str(c))}</td>" for c in row)
        body_rows.append(f"<tr{css}>{cells}</tr>")
        s = record.showcase
        parts = [
            (
                f"<h2 id='{html.escape(s.name)}'>{html.escape(s.area)}: "
                f"{html.escape(s.method)}</h2>"
            )
        ]
        if record.ok:
            if record.result.details:
                parts.append(f"<p>{html.escape(record.result.details)}</p>")
            for i, fig in enumerate(record.result.figures):
                png = f"{s.name}_{i}.png"
                fig.savefig(output_dir / png, dpi=100, bbox_inches="tight")
                parts.append(
                    f"<figure><img src='{png}' alt='{html.escape(s.name)}'></figure>"
                )
                _close(fig)
        else:
            text = record.skipped or record.error
            parts.append(f"<pre class='failed'>{html.escape(text)}</pre>")
        sections.append("\n".join(parts))
    index = output_dir / "index.html"
    index.write_text(
        _PAGE.format(
            header=head, rows="\n".join(body_rows), sections="\n".join(sections)
        ),
        encoding="utf-8",
    )
    return index


def _close(fig):
    import matplotlib.pyplot as plt

    plt.close(fig)
