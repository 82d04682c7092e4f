"""The one place that imports scikit-learn's parameter-validation machinery.

scikit-learn's ``_parameter_constraints`` / ``_fit_context`` machinery is
private API. We use it (option (a) in CONTRIBUTING.md) because it gives our
estimators the same error messages as scikit-learn's, and we pin
``scikit-learn>=1.6``, where it has been stable since 1.3. Every geomlearn
module imports these names from here, never from sklearn directly, so that a
change upstream is fixed in one file.
"""

from numbers import Integral, Real

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    Options,
    StrOptions,
    validate_params,
)

__all__ = [
    "HasMethods",
    "Hidden",
    "Integral",
    "Interval",
    "Options",
    "Real",
    "StrOptions",
    "_fit_context",
    "validate_params",
]
