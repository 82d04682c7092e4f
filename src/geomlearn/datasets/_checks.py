"""Parameter checks shared by the data generators."""

from numbers import Integral, Real

import numpy as np


def _check_int(value, name, minimum):
    """Return ``value`` as an int, or raise if it is not an int >= ``minimum``."""
    if not isinstance(value, Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}; got {value!r}.")
    return int(value)


def _check_positive(value, name):
    """Return ``value`` as a float, or raise if it is not positive and finite."""
    if (
        not isinstance(value, Real)
        or isinstance(value, bool)
        or not (np.isfinite(value) and value > 0)
    ):
        raise ValueError(f"{name} must be a positive finite number; got {value!r}.")
    return float(value)
