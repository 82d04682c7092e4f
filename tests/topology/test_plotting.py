"""Plots draw what the diagrams hold."""

import numpy as np
import pytest

from geomlearn.topology import (
    plot_barcode,
    plot_betti_curve,
    plot_diagram,
    plot_signed_measure,
)

plt = pytest.importorskip("matplotlib.pyplot")


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


DGMS = [np.array([[0.0, 1.0], [0.0, 0.5], [0.0, np.inf]]), np.array([[0.3, 0.9]])]


def test_plot_diagram_draws_every_bar_and_the_infinity_line():
    ax = plot_diagram(DGMS, labels=["H0", "H1"], title="t")
    offsets = [c.get_offsets() for c in ax.collections]
    assert [len(o) for o in offsets] == [3, 1]
    top = ax.get_lines()[0].get_ydata().max()
    assert np.isclose(offsets[0][2, 1], top)  # the infinite bar sits on the top line
    assert ax.get_title() == "t"
    assert any(t.get_text().strip() == "inf" for t in ax.texts)


def test_plot_barcode_one_segment_per_bar():
    ax = plot_barcode(DGMS)
    segments = [len(c.get_segments()) for c in ax.collections]
    assert segments == [3, 1]
    ax = plot_barcode(DGMS, max_bars=1)
    assert [len(c.get_segments()) for c in ax.collections] == [1, 1]
    ax = plot_barcode(DGMS[1], labels=["H1"])  # one degree: no legend, a y label
    assert ax.get_legend() is None
    assert ax.get_ylabel() == "H1"


def test_plot_betti_curve_counts_bars():
    ax = plot_betti_curve(DGMS, resolution=11)
    y0 = ax.get_lines()[0].get_ydata()
    assert y0[0] == 3
    assert y0[-1] == 1
    assert len(ax.get_lines()) == 2


def test_plot_superlevel_and_bad_labels():
    ax = plot_diagram(np.array([[3.0, 1.0], [2.0, -np.inf]]))
    assert any(t.get_text().strip() == "-inf" for t in ax.texts)
    with pytest.raises(ValueError, match="labels"):
        plot_diagram(DGMS, labels=["only one"])


def test_plot_signed_measure_splits_positive_and_negative_atoms():
    mu = (np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]), np.array([2, -1, -1]))
    nu = (np.array([[0.5, 0.5]]), np.array([0]))
    axes = plot_signed_measure([mu, nu], labels=["H0", "H1"], title="t")
    pos, neg = (c.get_offsets() for c in axes[0].collections)
    np.testing.assert_array_equal(pos, [[0.0, 0.0]])
    np.testing.assert_array_equal(neg, [[1.0, 0.0], [1.0, 1.0]])
    assert [ax.get_title() for ax in axes] == ["H0", "H1"]
    with pytest.raises(ValueError, match="labels"):
        plot_signed_measure(mu, labels=["a", "b"])
    with pytest.raises(ValueError, match="points"):
        plot_signed_measure((np.zeros((2, 3)), np.zeros(2)))


def test_plot_signed_measure_marks_the_zero_mass_box():
    # atoms on the box's far sides (here x = 2) are drawn hollow, apart
    mu = (np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 1.0]]), np.array([1, -1, -1]))
    (ax,) = plot_signed_measure(
        mu, mass_corner=[2.0, 3.0], axis_labels=("scale", "codensity"), legend=False
    )
    offsets = [c.get_offsets().tolist() for c in ax.collections]
    assert offsets == [[[0.0, 0.0]], [[1.0, 1.0]], [[2.0, 0.0]]]
    assert ax.collections[2].get_facecolors().size == 0  # hollow
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("scale", "codensity")
    assert ax.get_legend() is None
