"""Plots of persistence diagrams, barcodes and Betti curves (matplotlib).

matplotlib is imported when a function is called, never at import time.
Every function draws on the given axes (or a new figure) and returns them.
"""

import numpy as np

from geomlearn.utils._optional import import_optional
from geomlearn.utils.validation import check_diagrams

__all__ = ["plot_barcode", "plot_betti_curve", "plot_diagram", "plot_signed_measure"]


def _axes(ax, caller):
    plt = import_optional("matplotlib.pyplot", extra="plot", caller=caller)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    return ax


def _degrees(diagrams, labels, caller):
    (dgms,) = check_diagrams([diagrams], input_name="diagrams")
    if labels is None:
        labels = [f"H{k}" for k in range(len(dgms))]
    labels = list(labels)
    if len(labels) != len(dgms):
        raise ValueError(
            f"{caller}: got {len(labels)} labels for {len(dgms)} diagrams."
        )
    return dgms, labels


def _finite_extent(dgms):
    values = np.concatenate([d[np.isfinite(d)] for d in dgms] + [np.zeros(0)])
    if values.size == 0:
        return 0.0, 1.0
    lo, hi = float(values.min()), float(values.max())
    if hi == lo:
        hi = lo + 1.0
    return lo, hi


def plot_diagram(diagrams, *, labels=None, ax=None, title=None):
    """Draw persistence diagrams: one point per bar, death against birth.

    Bars that never die are drawn on a dashed line labelled "inf" above the
    finite points (below them for superlevel diagrams, death ``-inf``).

    Parameters
    ----------
    diagrams : array-like of shape (n_bars, 2), or list of them
        One diagram, or one per homology degree (as one sample of the output
        of a persistence transformer).
    labels : list of str, default=None
        Legend entry per diagram; ``"H0", "H1", ...`` by default.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new figure when ``None``.
    title : str, default=None
        Axes title.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes drawn on.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import plot_diagram
    >>> ax = plot_diagram([np.array([[0.0, 1.0], [0.0, np.inf]]), np.array([[0.4, 0.9]])])
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['H0', 'H1']
    """
    ax = _axes(ax, "plot_diagram")
    dgms, labels = _degrees(diagrams, labels, "plot_diagram")
    lo, hi = _finite_extent(dgms)
    pad = 0.05 * (hi - lo)
    top, bottom = hi + 2 * pad, lo - 2 * pad
    ax.plot([bottom, top], [bottom, top], color="0.5", lw=1)
    has_up = any(np.isposinf(d[:, 1]).any() for d in dgms)
    has_down = any(np.isneginf(d[:, 1]).any() for d in dgms)
    for dgm, label in zip(dgms, labels, strict=True):
        deaths = np.where(np.isposinf(dgm[:, 1]), top, dgm[:, 1])
        deaths = np.where(np.isneginf(deaths), bottom, deaths)
        ax.scatter(dgm[:, 0], deaths, s=14, label=label, alpha=0.8)
    for flag, level in ((has_up, top), (has_down, bottom)):
        if flag:
            ax.axhline(level, color="0.3", ls="--", lw=0.8)
            ax.text(
                top, level, "inf " if level == top else "-inf ", ha="right", va="bottom"
            )
    ax.set_xlim(bottom - pad, top + pad)
    ax.set_ylim(bottom - pad, top + pad)
    ax.set_xlabel("birth")
    ax.set_ylabel("death")
    ax.set_aspect("equal")
    # the empty triangle: below the diagonal for sublevel diagrams, above for
    # superlevel ones
    superlevel = any((d[:, 0] > d[:, 1]).any() for d in dgms)
    ax.legend(loc="upper left" if superlevel else "lower right")
    if title is not None:
        ax.set_title(title)
    return ax


def plot_barcode(diagrams, *, labels=None, ax=None, title=None, max_bars=None):
    """Draw barcodes: one horizontal segment per bar, grouped by degree.

    Parameters
    ----------
    diagrams : array-like of shape (n_bars, 2), or list of them
        One diagram, or one per homology degree.
    labels : list of str, default=None
        Legend entry per diagram; ``"H0", "H1", ...`` by default.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new figure when ``None``.
    title : str, default=None
        Axes title.
    max_bars : int, default=None
        Draw only the longest ``max_bars`` bars of each degree.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes drawn on.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import plot_barcode
    >>> ax = plot_barcode(np.array([[0.0, 1.0], [0.2, np.inf]]))
    >>> len(ax.collections)
    1
    """
    ax = _axes(ax, "plot_barcode")
    dgms, labels = _degrees(diagrams, labels, "plot_barcode")
    lo, hi = _finite_extent(dgms)
    right = hi + 0.1 * (hi - lo)
    left = lo - 0.1 * (hi - lo)
    y = 0
    colors = [f"C{k}" for k in range(len(dgms))]
    for dgm, label, color in zip(dgms, labels, colors, strict=True):
        ends = np.clip(dgm, left, right)
        length = np.abs(ends[:, 1] - ends[:, 0])
        order = np.argsort(-length, kind="stable")
        if max_bars is not None:
            order = order[:max_bars]
        if order.size == 0:
            continue
        rows = y + np.arange(order.size)
        ax.hlines(rows, ends[order, 0], ends[order, 1], color=color, lw=2, label=label)
        y += order.size + 1
    ax.set_xlim(left, right)
    ax.set_xlabel("filtration value")
    ax.set_yticks([])
    ax.invert_yaxis()
    if y and len(dgms) > 1:
        ax.legend(loc="best")
    elif y:
        ax.set_ylabel(labels[0])
    if title is not None:
        ax.set_title(title)
    return ax


def plot_betti_curve(diagrams, *, labels=None, ax=None, title=None, resolution=200):
    """Draw Betti curves: the number of bars alive at each filtration value.

    Parameters
    ----------
    diagrams : array-like of shape (n_bars, 2), or list of them
        One diagram, or one per homology degree.
    labels : list of str, default=None
        Legend entry per diagram; ``"H0", "H1", ...`` by default.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new figure when ``None``.
    title : str, default=None
        Axes title.
    resolution : int, default=200
        Number of filtration values sampled over the finite range.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes drawn on.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import plot_betti_curve
    >>> ax = plot_betti_curve(np.array([[0.0, 1.0], [0.5, np.inf]]))
    >>> len(ax.lines)
    1
    """
    from geomlearn.topology._vectorizers import BettiCurve

    ax = _axes(ax, "plot_betti_curve")
    dgms, labels = _degrees(diagrams, labels, "plot_betti_curve")
    lo, hi = _finite_extent(dgms)
    curve = BettiCurve(resolution=resolution, sample_range=(lo, hi)).fit([dgms])
    values = curve.transform([dgms]).reshape(len(dgms), resolution)
    for k, label in enumerate(labels):
        ax.step(curve.grids_[k], values[k], where="post", label=label)
    ax.set_xlabel("filtration value")
    ax.set_ylabel("Betti number")
    ax.legend(loc="upper right")
    if title is not None:
        ax.set_title(title)
    return ax


def plot_signed_measure(
    measures,
    *,
    labels=None,
    axes=None,
    title=None,
    axis_labels=("parameter 1", "parameter 2"),
    mass_corner=None,
    legend=True,
):
    """Draw 2-parameter signed measures: positive and negative atoms, per degree.

    Positive atoms are red upward triangles, negative ones blue downward
    triangles, with areas proportional to ``|weight|``.

    Parameters
    ----------
    measures : tuple (ndarray of shape (n_atoms, 2), ndarray of shape (n_atoms,)) \
or list of them
        One measure or one per homology degree, as one sample of the output
        of :class:`~geomlearn.topology.SignedMeasure`.
    labels : list of str, default=None
        Title per measure; ``"H0", "H1", ...`` by default.
    axes : list of matplotlib.axes.Axes, default=None
        One axes per measure; a new figure with a row of axes when ``None``.
    title : str, default=None
        Figure title (``suptitle``) when the figure is created here.
    axis_labels : tuple of str, default=("parameter 1", "parameter 2")
        Labels of the two axes.
    mass_corner : array-like of shape (2,), default=None
        The ``mass_corner_`` of the :class:`~geomlearn.topology.SignedMeasure`
        that made the measures: atoms on the far sides of its zero-mass box
        (added by ``zero_mass=True``, not features of the data) are drawn
        hollow.
    legend : bool, default=True
        Draw a legend on each axes.

    Returns
    -------
    axes : list of matplotlib.axes.Axes
        The axes drawn on.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import plot_signed_measure
    >>> mu = (np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([1, -1]))
    >>> (ax,) = plot_signed_measure(mu)
    >>> len(ax.collections)
    2
    """
    plt = import_optional(
        "matplotlib.pyplot", extra="plot", caller="plot_signed_measure"
    )
    if isinstance(measures, tuple):
        measures = [measures]
    measures = [(np.asarray(p, dtype=float), np.asarray(w)) for p, w in measures]
    for k, (points, weights) in enumerate(measures):
        if points.ndim != 2 or points.shape[1] != 2 or weights.shape != (len(points),):
            raise ValueError(
                f"measure {k} must be (points (n_atoms, 2), weights (n_atoms,)); got "
                f"{points.shape} and {weights.shape}."
            )
    if labels is None:
        labels = [f"H{k}" for k in range(len(measures))]
    if len(labels) != len(measures):
        raise ValueError(
            f"plot_signed_measure: got {len(labels)} labels for {len(measures)} measures."
        )
    if axes is None:
        fig, axes = plt.subplots(
            1, len(measures), figsize=(4.2 * len(measures), 4), squeeze=False
        )
        axes = list(axes[0])
        if title is not None:
            fig.suptitle(title)
    scale = max((np.abs(w).max() for _, w in measures if w.size), default=1)
    for ax, (points, weights), label in zip(axes, measures, labels, strict=True):
        on_box = np.zeros(len(points), dtype=bool)
        if mass_corner is not None:
            on_box = np.any(points == np.asarray(mass_corner, dtype=float), axis=1)
        for sign, color, marker in ((1, "tab:red", "^"), (-1, "tab:blue", "v")):
            for box in (False, True):
                keep = (np.sign(weights) == sign) & (on_box == box)
                if box and not keep.any():
                    continue
                ax.scatter(
                    points[keep, 0],
                    points[keep, 1],
                    s=30 * np.abs(weights[keep]) / scale + 6,
                    c="none" if box else color,
                    edgecolors=color,
                    marker=marker,
                    alpha=0.7,
                    label=("positive" if sign > 0 else "negative")
                    + (" (zero-mass box)" if box else ""),
                )
        ax.set_title(label)
        ax.set_xlabel(axis_labels[0])
        ax.set_ylabel(axis_labels[1])
        if legend:
            ax.legend(loc="best", fontsize=8)
    return axes
