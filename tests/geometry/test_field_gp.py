# requires: torch
"""Oracles for the Gaussian processes of fields on sampled manifolds."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import Matern

from geomlearn.geometry import ScalarFieldGP, VectorFieldGP


def _fibonacci_sphere(n):
    i = np.arange(n) + 0.5
    z = 1 - 2 * i / n
    r = np.sqrt(1 - z**2)
    phi = np.pi * (1 + 5**0.5) * i
    return np.c_[r * np.cos(phi), r * np.sin(phi), z]


def _sphere_field(X):
    # rotation about a tilted axis plus a gradient field: smooth, tangent
    omega = np.array([0.3, -0.5, 1.0])
    a = np.array([1.0, 0.2, -0.4])
    grad = a - (X @ a)[:, None] * X
    return np.cross(omega, X) + 0.5 * grad


@pytest.fixture(scope="module")
def sphere_fit():
    X = _fibonacci_sphere(600)
    V = _sphere_field(X)
    rng = np.random.default_rng(0)
    test = rng.choice(len(X), 60, replace=False)
    train = np.setdiff1d(np.arange(len(X)), test)
    gp = VectorFieldGP(n_neighbors=10, n_eigenpairs=60, random_state=0)
    gp.fit(X[train], V[train])
    return X, V, train, test, gp


def test_predictions_lie_in_the_tangent_planes(sphere_fit):
    X, _, train, test, gp = sphere_fit
    # at training points: normal to the frames = 0 to rounding
    P = gp.predict(X[train])
    normal = P - np.einsum("nDd,nEd,nE->nD", gp.frames_, gp.frames_, P)
    assert np.abs(normal).max() < 1e-10
    # at new points: tangent to the sphere up to the frames' estimation error
    Pn = gp.predict(X[test])
    leak = np.abs(np.einsum("nD,nD->n", Pn, X[test])) / np.linalg.norm(Pn, axis=1)
    assert np.median(leak) < 0.05


def test_inductive_prediction_on_the_sphere(sphere_fit):
    X, V, train, test, gp = sphere_fit
    P, std = gp.predict(X[test], return_std=True)
    assert P.shape == std.shape == (len(test), 3)
    err = np.linalg.norm(P - V[test]) / np.linalg.norm(V[test])
    mean_err = np.linalg.norm(V[train].mean(0) - V[test]) / np.linalg.norm(V[test])
    assert err < 0.15  # zero predictor: 1.0
    assert err < 0.2 * mean_err
    # transductive: the held-out points in the graph without their vectors
    # (NaN rows), with the same hyperparameters; the Nystrom extension
    # should agree with it
    V_nan = V.copy()
    V_nan[test] = np.nan
    full = VectorFieldGP(
        n_neighbors=10,
        n_eigenpairs=60,
        lengthscale=gp.lengthscale_,
        output_scale=gp.output_scale_,
        noise=gp.noise_,
        optimizer=None,
        random_state=0,
    ).fit(X, V_nan)
    trans = full.predict(X[test])
    gap = np.linalg.norm(P - trans) / np.linalg.norm(trans)
    assert gap < 0.15


def test_nystrom_reproduces_training_eigenvectors():
    # the extension applied at a point with the training neighbourhood
    # reproduces the eigenvector there up to the graph's asymmetry; at the
    # training points themselves it is exact
    X = _fibonacci_sphere(300)
    V = _sphere_field(X)
    gp = VectorFieldGP(n_neighbors=8, n_eigenpairs=20, random_state=0).fit(X, V)
    phi = gp._features(X)
    np.testing.assert_allclose(phi, gp._train_features(), atol=1e-12)
    moved = X + 1e-7 * np.cross([0.0, 0.0, 1.0], X)  # a tiny tangent shift
    phi_new = gp._features(moved)
    rel = np.linalg.norm(phi_new - phi) / np.linalg.norm(phi)
    assert rel < 0.2


def test_small_noise_interpolates_training_data():
    X = _fibonacci_sphere(150)
    V = _sphere_field(X)
    # project the targets onto the estimated frames: then they are
    # representable up to the truncation of the spectrum
    gp = VectorFieldGP(n_neighbors=8, n_eigenpairs=300, random_state=0)
    gp.set_params(noise=1e-8, optimizer=None, lengthscale=0.5).fit(X, V)
    F = gp.frames_
    Vt = np.einsum("nDd,nEd,nE->nD", F, F, V)
    gp.fit(X, Vt)
    P = gp.predict(X)
    assert np.abs(P - Vt).max() < 1e-3 * np.abs(Vt).max()

    t = np.linspace(0, 2 * np.pi, 80, endpoint=False)
    Xc = np.c_[np.cos(t), np.sin(t)]
    y = np.sin(3 * t) + 0.3 * np.cos(t)
    sgp = ScalarFieldGP(n_neighbors=4, n_eigenpairs=80, noise=1e-8, optimizer=None)
    np.testing.assert_allclose(sgp.fit(Xc, y).predict(Xc), y, atol=1e-4)


@pytest.mark.parametrize("kernel", ["matern", "diffusion"])
def test_low_rank_marginal_likelihood_equals_dense(kernel):
    X = _fibonacci_sphere(80)
    V = _sphere_field(X) + 0.05 * np.random.default_rng(1).normal(size=(80, 3))
    gp = VectorFieldGP(n_neighbors=6, n_eigenpairs=25, kernel=kernel, random_state=0)
    gp.fit(X, V)
    Phi = gp._train_features().reshape(-1, 25)
    y = V.ravel()
    for theta in (None, np.log([0.7, 0.3, 0.02]), np.log([2.0, 1.5, 0.1])):
        if theta is None:
            ls, amp, noise = gp.lengthscale_, gp.output_scale_, gp.noise_
        else:
            ls, amp, noise = np.exp(theta)
        S = gp._prior_variances(ls, amp)
        K = Phi @ np.diag(S) @ Phi.T + noise * np.eye(len(y))
        sign, logdet = np.linalg.slogdet(K)
        assert sign > 0
        dense = -0.5 * (y @ np.linalg.solve(K, y) + logdet + len(y) * np.log(2 * np.pi))
        assert gp.log_marginal_likelihood(theta) == pytest.approx(dense, rel=1e-9)


def test_flat_domain_agrees_with_euclidean_gp():
    # On a flat square the connection Laplacian acts coordinatewise and its
    # rescaled eigenvalues approximate those of -Delta (Neumann), so the
    # Matérn spectrum (2 nu / l^2 + lambda)^-(nu + 1) is that of
    # scikit-learn's Matern(l, nu) on the plane. Differences: the boundary
    # (Neumann modes vs the unbounded plane), the truncation to k modes and
    # the discretisation; they are small at interior points for l = 0.4 on
    # a unit square, so compare there with a 10% relative tolerance.
    g = np.linspace(0, 1, 24)
    P2 = np.array(np.meshgrid(g, g)).reshape(2, -1).T
    X = np.c_[P2, np.zeros(len(P2))]
    rng = np.random.default_rng(0)
    V = np.c_[
        np.sin(2 * P2[:, 0]) + P2[:, 1],
        np.cos(3 * P2[:, 1]) * P2[:, 0],
        np.zeros(len(P2)),
    ]
    V[:, :2] += 0.05 * rng.normal(size=(len(P2), 2))
    test = np.flatnonzero(np.all(np.abs(P2 - 0.5) < 0.3, axis=1))[::7]
    train = np.setdiff1d(np.arange(len(P2)), test)
    ls, var, noise = 0.4, 1.0, 0.05**2
    gp = VectorFieldGP(
        n_neighbors=8,
        n_eigenpairs=150,
        lengthscale=ls,
        output_scale=2 * var,  # two tangent coordinates of variance var
        noise=noise,
        optimizer=None,
        dim=2,
        random_state=0,
    ).fit(X[train], V[train])
    ours = gp.predict(X[test])
    ref = GaussianProcessRegressor(
        kernel=var * Matern(length_scale=ls, nu=1.5), alpha=noise, optimizer=None
    ).fit(P2[train], V[train, :2])
    theirs = ref.predict(P2[test])
    assert np.abs(ours[:, 2]).max() < 1e-8
    rel = np.linalg.norm(ours[:, :2] - theirs) / np.linalg.norm(theirs)
    assert rel < 0.1


# ------------------------------------------- points without targets (NaN rows)


@pytest.mark.parametrize("vector", [True, False])
def test_points_without_targets_give_the_dense_posterior(vector):
    # Oracle: with the kernel K = Phi S Phi^T on every graph point, the GP
    # conditioned on the observed rows only, computed densely:
    # mean_u = K_uo (K_oo + s2 I)^-1 y_o, and the log likelihood of y_o.
    X = _fibonacci_sphere(120)
    rng = np.random.default_rng(3)
    hole = X @ np.array([0.0, 0.6, 0.8]) > 0.75  # a cap without targets
    assert 5 < hole.sum() < 40
    if vector:
        y = _sphere_field(X) + 0.05 * rng.normal(size=X.shape)
        est = VectorFieldGP(n_neighbors=8, n_eigenpairs=30, random_state=0)
    else:
        y = np.sin(3 * X[:, 0]) + X[:, 1] + 0.05 * rng.normal(size=len(X))
        est = ScalarFieldGP(n_neighbors=8, n_eigenpairs=30, random_state=0)
    y_nan = y.copy()
    y_nan[hole] = np.nan
    gp = est.fit(X, y_nan)
    assert gp.observed_.sum() == (~hole).sum()
    assert np.array_equal(gp.X_fit_, X)  # the cap's points are in the graph
    Phi = gp._train_features().reshape(len(X), -1, 30)  # (n, D or 1, k)
    S = gp._prior_variances(gp.lengthscale_, gp.output_scale_)
    obs = Phi[~hole].reshape(-1, 30)
    K_oo = obs @ np.diag(S) @ obs.T + gp.noise_ * np.eye(len(obs))
    y_o = y[~hole].ravel()
    mean = Phi[hole].reshape(-1, 30) @ np.diag(S) @ obs.T @ np.linalg.solve(K_oo, y_o)
    np.testing.assert_allclose(gp.predict(X[hole]).ravel(), mean, atol=1e-8)
    _, logdet = np.linalg.slogdet(K_oo)
    dense = -0.5 * (
        y_o @ np.linalg.solve(K_oo, y_o) + logdet + y_o.size * np.log(2 * np.pi)
    )
    assert gp.log_marginal_likelihood() == pytest.approx(dense, rel=1e-9)
    # a model that never saw the cap's points is a different model
    other = clone(est).fit(X[~hole], y[~hole])
    assert other.X_fit_.shape[0] == (~hole).sum()


def test_extension_far_from_the_data_copies_the_nearest_points():
    # Far away the normalised weights pick the nearest training point, whose
    # eigenvalue equation gives its own features up to the factor
    # 1 / (1 - lambda / deg): predictions stay of the size of the data.
    X = _fibonacci_sphere(200)
    y = np.sin(3 * X[:, 0]) + X[:, 1]
    gp = ScalarFieldGP(n_neighbors=6, n_eigenpairs=20, random_state=0).fit(X, y)
    far = 50.0 * X[:5]
    pred = gp.predict(far)
    assert np.all(np.isfinite(pred))
    assert np.abs(pred).max() <= 2.5 * np.abs(gp.predict(X)).max()


# ---------------------------------------------------------- the contract with V


def _small():
    X = _fibonacci_sphere(40)
    return X, _sphere_field(X)


def test_vector_gp_contract():
    X, V = _small()
    gp = VectorFieldGP(n_neighbors=5, n_eigenpairs=10, random_state=0)
    with pytest.raises(Exception, match="not fitted"):
        gp.predict(X)
    a = gp.fit(X, V)
    assert a is gp
    assert gp.n_features_in_ == 3
    p1 = gp.predict(X)
    p2 = clone(gp).fit(X, V).predict(X)
    np.testing.assert_allclose(p1, p2, atol=1e-10)  # idempotent, deterministic
    np.testing.assert_allclose(pickle.loads(pickle.dumps(gp)).predict(X), p1)
    perm = np.random.default_rng(0).permutation(len(X))
    np.testing.assert_allclose(gp.predict(X[perm]), p1[perm], atol=1e-12)
    with pytest.raises(ValueError, match="features"):
        gp.predict(X[:, :2])
    with pytest.raises(ValueError, match="V must hold"):
        gp.fit(X, V[:, :2])
    Vn = V.copy()
    Vn[0, 0] = np.nan
    with pytest.raises(ValueError, match="partly NaN"):
        gp.fit(X, Vn)
    with pytest.raises(ValueError, match="NaN at every point"):
        gp.fit(X, np.full_like(V, np.nan))
    Vn[0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        gp.fit(X, Vn)
    with pytest.raises(ValueError, match="kernel"):
        VectorFieldGP(kernel="rbf").fit(X, V)


def test_vector_gp_contract_on_other_inputs():
    # scikit-learn's checks that pass scalar targets, replayed with vectors:
    # array-likes, dtypes, memory layouts and read-only inputs give the same
    # fit; fit leaves params alone; predict leaves the estimator unchanged
    import copy

    from sklearn.utils._testing import create_memmap_backed_data

    X, V = _small()
    params = {"n_neighbors": 5, "n_eigenpairs": 10, "random_state": 0}
    reference = VectorFieldGP(**params).fit(X, V).predict(X)
    variants = {
        "lists": (X.tolist(), V.tolist()),
        "fortran": (np.asfortranarray(X), np.asfortranarray(V)),
        "read-only memmap": create_memmap_backed_data((X, V)),
    }
    for name, (Xv, Vv) in variants.items():
        got = VectorFieldGP(**params).fit(Xv, Vv).predict(X)
        np.testing.assert_allclose(got, reference, atol=1e-8, err_msg=name)
    # float32 data are fitted as their float64 values (the hyperparameter
    # optimum is sensitive to the rounding on 40 points, so compare with the
    # rounded data, not with the original)
    X32, V32 = X.astype(np.float32), V.astype(np.float32)
    got32 = VectorFieldGP(**params).fit(X32, V32).predict(X)
    rounded = VectorFieldGP(**params).fit(X32.astype(float), V32.astype(float))
    np.testing.assert_allclose(got32, rounded.predict(X), atol=1e-8)
    gp = VectorFieldGP(**params)
    before = copy.deepcopy(gp.get_params())
    gp.fit(X, V)
    assert gp.get_params() == before  # fit does not overwrite parameters
    state = copy.deepcopy(gp.__dict__)
    gp.predict(X[:7])
    assert state.keys() == gp.__dict__.keys()  # predict adds no attribute
    assert gp.n_iter_ >= 1
    with pytest.raises((TypeError, ValueError)):
        VectorFieldGP(**params).fit(X.astype(object) * "a", V)
    np.testing.assert_allclose(gp.predict(X[3:9]), reference[3:9], atol=1e-10)
