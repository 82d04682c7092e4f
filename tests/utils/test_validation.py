import numpy as np
import pytest
from numpy.testing import assert_array_equal

from geomlearn.utils import check_distance_matrix, check_grid_fields, check_point_clouds


# ----------------------------------------------------------------- point clouds
def test_point_clouds_list_and_3d_array(global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    clouds = [rng.normal(size=(n, 3)) for n in (4, 9)]
    out = check_point_clouds(clouds)
    assert [c.shape for c in out] == [(4, 3), (9, 3)]
    for a, b in zip(out, clouds, strict=True):
        assert_array_equal(a, b)
    stacked = rng.normal(size=(5, 6, 2)).astype(np.float32)
    out = check_point_clouds(stacked)
    assert len(out) == 5
    assert out[0].dtype == np.float32


def test_point_clouds_integer_input_becomes_float64():
    out = check_point_clouds([np.arange(6).reshape(3, 2)])
    assert out[0].dtype == np.float64


@pytest.mark.parametrize(
    ("X", "error", "match"),
    [
        (np.zeros((4, 2)), ValueError, "single 2-D array"),
        (np.zeros((2, 3, 4, 5)), ValueError, "must be 3-D"),
        ([], ValueError, "empty collection"),
        ([np.zeros(3)], ValueError, r"X\[0\] must be a 2-D array"),
        ([np.zeros((3, 2)), np.zeros((3, 3))], ValueError, r"X\[1\] has 3 features"),
        ([np.array([[0.0, np.nan]])], ValueError, "NaN"),
        ([np.array([[0.0, np.inf]])], ValueError, "infinity"),
        ([np.zeros((2, 2), dtype=complex)], TypeError, "complex"),
        ("abc", TypeError, "must be a list"),
        (3.0, TypeError, "must be a list"),
    ],
)
def test_point_clouds_bad_input(X, error, match):
    with pytest.raises(error, match=match):
        check_point_clouds(X)


def test_point_clouds_min_points_and_n_features():
    with pytest.raises(ValueError, match="at least 3 needed"):
        check_point_clouds([np.zeros((2, 2))], min_points=3)
    with pytest.raises(ValueError, match="as seen in fit"):
        check_point_clouds([np.zeros((2, 2))], n_features=3)


# ----------------------------------------------------------------- distances
def _distances(rng, n, dtype=np.float64):
    P = rng.normal(size=(n, 3))
    return np.sqrt(((P[:, None] - P[None]) ** 2).sum(-1)).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_distance_matrix_keeps_dtype_without_copy(dtype, global_random_seed):
    D = _distances(np.random.RandomState(global_random_seed), 30, dtype)
    out = check_distance_matrix(D)
    assert out.dtype == dtype
    assert np.shares_memory(out, D)


@pytest.mark.parametrize("n", [1, 5, 63, 64, 65, 130])
def test_one_pass_summary_matches_brute_force(n, global_random_seed):
    from geomlearn.utils._validation_kernels import dissimilarity_summary

    rng = np.random.RandomState(global_random_seed)
    A = rng.uniform(-1, 3, size=(n, n))
    lowest, largest, diagonal, asym, nonfinite = dissimilarity_summary(A)
    assert lowest == A.min()
    assert largest == np.abs(A).max()
    assert diagonal == np.abs(np.diag(A)).max()
    assert asym == np.abs(A - A.T).max()
    assert nonfinite == 0
    A[n // 2, n - 1] = np.nan
    A[0, 0] = np.inf
    assert dissimilarity_summary(A)[4] == 2 - (n == 1)


@pytest.mark.parametrize(
    ("D", "error", "match"),
    [
        (np.zeros((3, 4)), ValueError, "square"),
        (np.zeros(4), ValueError, "2-D square"),
        (np.array([[0.0, -1.0], [-1.0, 0.0]]), ValueError, "negative"),
        (np.array([[1.0, 1.0], [1.0, 0.0]]), ValueError, "non-zero diagonal"),
        (np.array([[0.0, 1.0], [1.5, 0.0]]), ValueError, "not symmetric"),
        (np.array([[0.0, np.nan], [np.nan, 0.0]]), ValueError, "NaN"),
        (np.zeros((0, 0)), ValueError, "0 sample"),
    ],
)
def test_distance_matrix_bad_input(D, error, match):
    with pytest.raises(error, match=match):
        check_distance_matrix(D)


def test_distance_matrix_sparse_is_rejected():
    sp = pytest.importorskip("scipy.sparse")
    with pytest.raises(TypeError, match="sparse"):
        check_distance_matrix(sp.csr_matrix(np.zeros((3, 3))))


def test_distance_matrix_asymmetry_allowed_when_not_checked():
    D = np.array([[0.0, 1.0], [2.0, 0.0]])
    assert check_distance_matrix(D, check_symmetric=False) is not None
    with pytest.raises(ValueError, match="tol must be"):
        check_distance_matrix(D, tol=-1.0)


def test_distance_matrix_tolerance_scales_with_values():
    D = np.array([[0.0, 1e6], [1e6 + 1e-9, 0.0]])  # a few ulps of noise
    check_distance_matrix(D)
    with pytest.raises(ValueError, match="not symmetric"):
        check_distance_matrix(np.array([[0.0, 1e6], [1e6 + 1.0, 0.0]]))


# ----------------------------------------------------------------- grid fields
def test_grid_fields_adds_channel_axis():
    X, had = check_grid_fields(np.zeros((3, 8, 9)), n_spatial_dims=2)
    assert X.shape == (3, 8, 9, 1)
    assert not had
    X, had = check_grid_fields(np.zeros((3, 8, 9, 2)), n_spatial_dims=2)
    assert X.shape == (3, 8, 9, 2)
    assert had


@pytest.mark.parametrize(
    ("X", "kwargs", "match"),
    [
        (np.zeros((3, 8)), {"n_spatial_dims": 2}, "must have shape"),
        (
            np.zeros((3, 8, 9)),
            {"n_spatial_dims": 2, "channels": "required"},
            "n_channels",
        ),
        (
            np.zeros((3, 8, 9, 2)),
            {"n_spatial_dims": 2, "channels": "forbidden"},
            "shape",
        ),
        (np.zeros((3, 1, 9)), {"n_spatial_dims": 2}, "at least 2 nodes"),
        (np.full((3, 4, 4), np.nan), {"n_spatial_dims": 2}, "NaN"),
        (np.zeros((3, 4, 4)), {"n_spatial_dims": 0}, "n_spatial_dims"),
        (np.zeros((3, 4, 4)), {"n_spatial_dims": 2, "channels": "maybe"}, "channels"),
    ],
)
def test_grid_fields_bad_input(X, kwargs, match):
    with pytest.raises(ValueError, match=match):
        check_grid_fields(X, **kwargs)
