"""make_shapes: shapes, determinism, and the topology each shape should have."""

import numpy as np
import pytest
from scipy.optimize import least_squares

from geomlearn.datasets import make_shapes
from geomlearn.datasets._shapes import BETTI_NUMBERS


def test_shapes_balance_and_determinism():
    X, y = make_shapes(23, n_points=40, random_state=0)
    assert X.shape == (23, 40, 3)
    assert y.shape == (23,)
    counts = {s: int((y == s).sum()) for s in BETTI_NUMBERS}
    assert max(counts.values()) - min(counts.values()) <= 1
    X2, y2 = make_shapes(23, n_points=40, random_state=0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = make_shapes(23, n_points=40, random_state=1)
    assert not np.allclose(X, X3)
    # the legacy global generator is what users' old code draws from: it must
    # not move (NPY002 warns about using it, which is the point here)
    state = np.random.get_state()[1].copy()  # noqa: NPY002
    make_shapes(3, random_state=0)
    np.testing.assert_array_equal(state, np.random.get_state()[1])  # noqa: NPY002


def test_noiseless_shapes_lie_on_their_surfaces():
    X, y = make_shapes(10, n_points=100, noise=0.0, random_state=0)
    for cloud, shape in zip(X, y, strict=True):
        r = np.linalg.norm(cloud, axis=1)
        if shape in ("circle", "sphere"):
            np.testing.assert_allclose(r, 1.0)
        if shape == "circle":  # planar: rank-2 point set
            assert np.linalg.svd(cloud, compute_uv=False)[2] < 1e-10
        if shape == "torus":  # some axis puts every point at 0.4 from the core
            normal0 = np.linalg.svd(cloud)[2][2]

            def tube(angles, cloud=cloud, r=r):
                a, b = angles
                n = np.array([np.sin(a) * np.cos(b), np.sin(a) * np.sin(b), np.cos(a)])
                height = cloud @ n
                planar = np.sqrt(np.maximum(r**2 - height**2, 0))
                return np.hypot(planar - 1.0, height) - 0.4

            start = [np.arccos(normal0[2]), np.arctan2(normal0[1], normal0[0])]
            fit = least_squares(tube, start, xtol=1e-15, ftol=1e-15, gtol=1e-15)
            assert np.abs(fit.fun).max() < 1e-7


@pytest.mark.parametrize("shape", sorted(BETTI_NUMBERS))
def test_each_shape_has_its_betti_numbers(shape):
    pytest.importorskip("gudhi")
    from geomlearn.topology import AlphaPersistence

    X, _ = make_shapes(1, n_points=600, shapes=[shape], noise=0.01, random_state=0)
    dgms = AlphaPersistence((0, 1, 2)).fit_transform(X)[0]
    for degree, (dgm, betti) in enumerate(zip(dgms, BETTI_NUMBERS[shape], strict=True)):
        lengths = np.sort(dgm[:, 1] - dgm[:, 0])[::-1]
        # features that persist over a scale of 0.15 (radius) are the real ones
        assert (lengths > 0.15).sum() == betti, (shape, degree, lengths[:4])


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"n_samples": 0}, ValueError),
        ({"n_points": 0}, ValueError),
        ({"noise": -1.0}, ValueError),
        ({"shapes": ["cube"]}, ValueError),
        ({"shapes": []}, ValueError),
        ({"shapes": "circle"}, TypeError),
    ],
)
def test_bad_parameters(kwargs, error):
    with pytest.raises(error):
        make_shapes(**kwargs)
