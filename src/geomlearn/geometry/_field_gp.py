# requires: torch
"""Gaussian processes of scalar and vector fields on sampled manifolds.

The prior of a field is built from the low spectrum of a graph Laplacian
(scalar fields) or a connection Laplacian (tangent vector fields, RVGP,
Peach et al., ICLR 2024): with ``k`` eigenpairs ``(lambda_l, u_l)`` lifted to
features ``Phi`` (for vector fields ``Phi_i = F_i U_i``, ``F_i`` the tangent
frame of point ``i``), the kernel is ``Phi S Phi^T`` with ``S`` a Matérn or
diffusion spectrum. It has rank ``k``, so the process is Bayesian linear
regression on ``k`` features and exact inference costs ``O(N k^2 + k^3)``.

Hyperparameters are fitted by maximising the exact marginal likelihood with
torch autograd and L-BFGS on three numbers. gpytorch is not used: the rank-k
structure is exploited directly on ``k x k`` matrices, which needs nothing
beyond a Cholesky factorisation, and gpytorch's low-rank operators would add
a dependency and overhead without changing the result.
"""

import numpy as np
from scipy.optimize import minimize
from scipy.spatial import cKDTree
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils import check_array, check_random_state
from sklearn.utils.validation import (
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from geomlearn.geometry._connection_laplacian import (
    connection_laplacian,
    graph_laplacian,
    laplacian_eigenpairs,
)
from geomlearn.geometry._graphs import _graph_rows, knn_graph
from geomlearn.geometry._tangent import (
    _local_pca,
    _polar,
    parallel_transport,
    tangent_frames,
)
from geomlearn.utils._optional import import_optional
from geomlearn.utils._param_validation import (
    Integral,
    Interval,
    Real,
    StrOptions,
    _fit_context,
)

torch = import_optional("torch", extra="gp", caller="VectorFieldGP")

__all__ = ["ScalarFieldGP", "VectorFieldGP"]

# A new point closer than this (relative to the data's scale) to a training
# point is that training point: its features are taken as they are.
_SAME_POINT_RTOL = 1e-12
# Density normalisation of the Laplacians (Coifman-Lafon alpha).
_ALPHA = 1.0


def _observed_rows(y, name):
    """Mask of the points that carry a target; NaN rows mark those that do not.

    Such points shape the graph (and so the kernel) but add nothing to the
    likelihood: the semi-supervised setting of RVGP's inpainting, where the
    whole point cloud is known and vectors are missing on part of it.
    """
    if np.isinf(y).any():
        raise ValueError(f"Input {name} contains infinity.")
    nan = np.isnan(y)
    if y.ndim == 2:
        partial = nan.any(axis=1) & ~nan.all(axis=1)
        if partial.any():
            raise ValueError(
                f"{name} has rows that are partly NaN (first: row "
                f"{int(np.flatnonzero(partial)[0])}); a point either carries a "
                f"whole vector or none (a row of NaN)."
            )
        nan = nan.all(axis=1)
    observed = ~nan
    if not observed.any():
        raise ValueError(
            f"Input {name} contains NaN at every point: no point carries a target."
        )
    return observed


def _log_spectrum(lam, log_kappa, kernel, nu, dim, lib):
    """Unnormalised log spectral density at the eigenvalues ``lam``."""
    if kernel == "matern":
        kappa2 = lib.exp(2 * log_kappa)
        return -(nu + dim / 2) * lib.log(2 * nu / kappa2 + lam)
    return -lib.exp(2 * log_kappa) * lam / 2


def _nll_torch(theta, lam, gram, z, yy, m, n_points, kernel, nu, dim, noise_floor):
    """Negative log marginal likelihood of ``y ~ N(0, Phi S Phi^T + s2 I)``.

    ``theta = (log kappa, log output_scale, log(noise - noise_floor))``;
    ``gram = Phi^T Phi``, ``z = Phi^T y``, ``yy = y^T y``, ``m = len(y)``.
    With ``A = I + S^1/2 gram S^1/2 / s2`` (Woodbury and the matrix
    determinant lemma): ``y^T K^-1 y = (yy - z^T S^1/2 A^-1 S^1/2 z / s2) /
    s2`` and ``log det K = m log s2 + log det A``.
    """
    log_g = _log_spectrum(lam, theta[0], kernel, nu, dim, torch)
    log_s = theta[1] + np.log(n_points) + torch.log_softmax(log_g, dim=0)
    s2 = torch.exp(theta[2]) + noise_floor
    half = torch.exp(log_s / 2)
    A = torch.eye(lam.shape[0], dtype=lam.dtype) + half[:, None] * gram * half / s2
    chol = torch.linalg.cholesky(A)
    b = torch.cholesky_solve((half * z)[:, None], chol)[:, 0]
    quad = (yy - (half * z) @ b / s2) / s2
    logdet = 2 * torch.log(torch.diagonal(chol)).sum() + m * torch.log(s2)
    return 0.5 * (quad + logdet + m * np.log(2 * np.pi))


class _FieldGP(RegressorMixin, BaseEstimator):
    """Shared machinery of the scalar and vector field GPs."""

    _parameter_constraints = {
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "n_eigenpairs": [Interval(Integral, 1, None, closed="left")],
        "kernel": [StrOptions({"matern", "diffusion"})],
        "nu": [Interval(Real, 0, None, closed="neither")],
        "lengthscale": [Interval(Real, 0, None, closed="neither"), None],
        "output_scale": [Interval(Real, 0, None, closed="neither"), None],
        "noise": [Interval(Real, 0, None, closed="neither"), None],
        "optimizer": [StrOptions({"lbfgs"}), None],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "dim": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    _vector = False

    def __init__(
        self,
        n_neighbors=10,
        n_eigenpairs=50,
        *,
        kernel="matern",
        nu=1.5,
        lengthscale=None,
        output_scale=None,
        noise=None,
        optimizer="lbfgs",
        max_iter=100,
        dim=None,
        random_state=None,
    ):
        self.n_neighbors = n_neighbors
        self.n_eigenpairs = n_eigenpairs
        self.kernel = kernel
        self.nu = nu
        self.lengthscale = lengthscale
        self.output_scale = output_scale
        self.noise = noise
        self.optimizer = optimizer
        self.max_iter = max_iter
        self.dim = dim
        self.random_state = random_state

    # ------------------------------------------------------------------ fit

    def _fit(self, X, y):
        n = X.shape[0]
        observed = _observed_rows(y, "V" if self._vector else "y")
        k_nn = min(self.n_neighbors, n - 1)
        G = knn_graph(X, k_nn)
        frames = tangent_frames(X, G, dim=self.dim)
        d = frames.shape[2]
        rows = _graph_rows(G)
        sq = G.data**2
        eps = float(np.median(sq))
        if eps <= 0:
            raise ValueError(
                "the median squared edge length of the neighbourhood graph is 0 "
                "(many duplicate points); remove duplicates or use more "
                "neighbours."
            )
        # Density-normalised (alpha = 1) random-walk Laplacian, computed
        # through its symmetric form: eigenvectors D^-1/2 phi.
        if self._vector:
            transports = parallel_transport(frames, G)
            L = connection_laplacian(
                G, transports, epsilon=eps, alpha=_ALPHA, normalized=True
            )
        else:
            L = graph_laplacian(G, epsilon=eps, alpha=_ALPHA, normalized=True)
        k = min(self.n_eigenpairs, L.shape[0])
        values, vectors = laplacian_eigenpairs(
            L, k, random_state=check_random_state(self.random_state)
        )
        w = np.exp(-sq / eps)
        q = np.bincount(rows, w, minlength=n)
        w_alpha = w / (q[rows] * q[G.indices]) ** _ALPHA
        d_alpha = np.bincount(rows, w_alpha, minlength=n)
        vectors = vectors / np.repeat(np.sqrt(d_alpha), L.shape[0] // n)[:, None]
        vectors /= np.linalg.norm(vectors, axis=0)
        # Scale of the discrete operator: for f = |x - x_i|^2 / 2 (whose
        # Laplace-Beltrami Laplacian is -dim on flat space), ((I - P) f)_i =
        # -sum_j P_ij |x_i - x_j|^2 / 2, so I - P ~ -c Delta with c below.
        c_i = np.bincount(rows, w_alpha * sq, minlength=n) / (2 * d * d_alpha)
        scale = float(np.median(c_i))
        self.X_fit_ = X
        self.observed_ = observed
        self._degrees = q
        self.n_neighbors_ = k_nn
        self.epsilon_ = eps
        self.frames_ = frames
        self.dim_ = d
        self.laplacian_scale_ = scale
        self.eigenvalues_ = np.maximum(values, 0.0) / scale
        self.eigenvectors_ = vectors.reshape(n, d, k) if self._vector else vectors
        phi = self._train_features()[observed]  # (n_obs, k) or (n_obs, D, k)
        Phi = phi.reshape(-1, k)
        Y = y[observed].reshape(-1)
        self._fit_hyperparameters(Phi, Y, n)
        return self

    def _train_features(self):
        if self._vector:
            return np.einsum("nDd,ndk->nDk", self.frames_, self.eigenvectors_)
        return self.eigenvectors_

    def _stats(self, Phi, Y):
        return Phi.T @ Phi, Phi.T @ Y, float(Y @ Y), Y.size

    def _theta0(self, yy, m):
        lam = self.eigenvalues_
        n_obs = int(self.observed_.sum())
        if self.output_scale is None:
            amp = max(yy / n_obs, 1e-12)
        else:
            amp = float(self.output_scale)
        noise = 1e-2 * amp / (m / n_obs) if self.noise is None else (float(self.noise))
        return lam, amp, noise

    def _fit_hyperparameters(self, Phi, Y, n):
        gram, z, yy, m = self._stats(Phi, Y)
        lam_np, amp, noise = self._theta0(yy, m)
        self._noise_floor = 1e-10 * max(yy / m, 1e-300)
        noise = max(noise, 2 * self._noise_floor)
        lam = torch.as_tensor(lam_np, dtype=torch.float64)
        args = (
            lam,
            torch.as_tensor(gram, dtype=torch.float64),
            torch.as_tensor(z, dtype=torch.float64),
            torch.as_tensor(yy, dtype=torch.float64),
            m,
            n,
            self.kernel,
            float(self.nu),
            self.dim_,
            self._noise_floor,
        )

        def nll(theta):
            return _nll_torch(theta, *args)

        positive = lam_np[lam_np > 0]
        lo = 1.0 / np.sqrt(positive.max()) if positive.size else 1.0
        hi = 10.0 / np.sqrt(positive.min()) if positive.size else 1.0
        log_noise = np.log(noise - self._noise_floor)
        if self.lengthscale is not None:
            kappa0 = float(self.lengthscale)
        else:
            # A coarse search over the lengthscale starts L-BFGS in the right
            # basin; each evaluation costs O(k^3).
            grid = np.geomspace(lo, max(hi, lo * 1.01), 24)
            with torch.no_grad():
                vals = [
                    float(nll(torch.tensor([np.log(g), np.log(amp), log_noise])))
                    for g in grid
                ]
            kappa0 = float(grid[int(np.nanargmin(vals))])
        theta = torch.tensor(
            [np.log(kappa0), np.log(amp), log_noise], dtype=torch.float64
        )
        self.n_iter_ = 0
        if self.optimizer == "lbfgs":
            # scipy's L-BFGS-B on gradients from torch autograd; the bounds
            # keep the lengthscale within two decades of the spectrum's
            # scales and the output scale and noise finite.
            log_amp = np.log(amp)
            bounds = [
                (np.log(lo) - np.log(10.0), np.log(hi) + np.log(10.0)),
                (log_amp - 25.0, log_amp + 25.0),
                (np.log(self._noise_floor) - 5.0, log_amp + 25.0),
            ]

            def value_and_grad(t):
                t = torch.tensor(t, dtype=torch.float64, requires_grad=True)
                loss = nll(t)
                loss.backward()
                return float(loss.detach()), t.grad.numpy().copy()

            x0 = np.clip(theta.numpy(), *np.array(bounds).T)
            res = minimize(
                value_and_grad,
                x0,
                jac=True,
                method="L-BFGS-B",
                bounds=bounds,
                options={"maxiter": self.max_iter},
            )
            theta = torch.tensor(res.x, dtype=torch.float64)
            self.n_iter_ = int(res.nit)
        log_theta = theta.detach().numpy()
        self.lengthscale_ = float(np.exp(log_theta[0]))
        self.output_scale_ = float(np.exp(log_theta[1]))
        self.noise_ = float(np.exp(log_theta[2])) + self._noise_floor
        with torch.no_grad():
            self.log_marginal_likelihood_value_ = -float(nll(theta))
        # Posterior of the feature weights: N(mean, cov).
        s = self._prior_variances(self.lengthscale_, self.output_scale_)
        half = np.sqrt(s)
        A = np.eye(s.size) + half[:, None] * gram * half / self.noise_
        A_inv = np.linalg.inv(np.linalg.cholesky(A))
        A_inv = A_inv.T @ A_inv
        cov = half[:, None] * A_inv * half
        self.weights_ = cov @ z / self.noise_
        self.weights_cov_ = (cov + cov.T) / 2

    def _prior_variances(self, lengthscale, output_scale):
        """Prior variances ``S`` of the feature weights (numpy)."""
        log_g = _log_spectrum(
            self.eigenvalues_,
            np.log(lengthscale),
            self.kernel,
            float(self.nu),
            self.dim_,
            np,
        )
        log_g = log_g - log_g.max()
        g = np.exp(log_g)
        return output_scale * self.X_fit_.shape[0] * g / g.sum()

    def log_marginal_likelihood(self, theta=None):
        """Return the log marginal likelihood of the training data.

        Computed exactly in ``O(N k^2 + k^3)`` through the rank-``k``
        structure of the kernel (Woodbury identity and matrix determinant
        lemma), ``N`` the number of scalar observations.

        Parameters
        ----------
        theta : array-like of shape (3,), default=None
            ``log`` of (lengthscale, output scale, noise variance); the
            fitted values when None.

        Returns
        -------
        log_likelihood : float
            The log marginal likelihood of the training targets.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry import ScalarFieldGP
        >>> t = np.linspace(0, 2 * np.pi, 60, endpoint=False)
        >>> X = np.c_[np.cos(t), np.sin(t)]
        >>> gp = ScalarFieldGP(n_neighbors=4, n_eigenpairs=15).fit(X, np.sin(t))
        >>> bool(np.isclose(gp.log_marginal_likelihood(),
        ...                 gp.log_marginal_likelihood_value_))
        True
        """
        check_is_fitted(self)
        if theta is None:
            theta = np.log([self.lengthscale_, self.output_scale_, self.noise_])
        theta = np.asarray(theta, dtype=np.float64).reshape(3)
        noise = np.exp(theta[2])
        if noise <= self._noise_floor:
            raise ValueError(
                f"the noise variance must exceed {self._noise_floor:.3g}; got "
                f"{noise:.3g}."
            )
        observed = self.observed_
        Phi = self._train_features()[observed].reshape(-1, self.eigenvalues_.size)
        Y = self._y_fit[observed].reshape(-1)
        gram, z, yy, m = self._stats(Phi, Y)
        t = torch.tensor(
            [theta[0], theta[1], np.log(noise - self._noise_floor)],
            dtype=torch.float64,
        )
        with torch.no_grad():
            return -float(
                _nll_torch(
                    t,
                    torch.as_tensor(self.eigenvalues_),
                    torch.as_tensor(gram),
                    torch.as_tensor(z),
                    torch.as_tensor(yy, dtype=torch.float64),
                    m,
                    self.X_fit_.shape[0],
                    self.kernel,
                    float(self.nu),
                    self.dim_,
                    self._noise_floor,
                )
            )

    # -------------------------------------------------------------- predict

    def _features(self, X):
        """Features of new points: training rows as they are, Nyström otherwise."""
        Xf = self.X_fit_
        k_nn = self.n_neighbors_
        dist, idx = cKDTree(Xf).query(X, k=k_nn)
        dist = dist.reshape(len(X), k_nn)
        idx = idx.reshape(len(X), k_nn)
        tol = _SAME_POINT_RTOL * max(1.0, float(np.abs(Xf).max()))
        same = dist[:, 0] <= tol
        # The random-walk weights of the new point: Gaussian weights (relative
        # to the nearest neighbour's, so that they do not underflow far from
        # the data) over the neighbours' degrees, normalised to sum to 1.
        w = np.exp(-(dist**2 - dist[:, :1] ** 2) / self.epsilon_)
        w /= self._degrees[idx] ** _ALPHA
        w /= w.sum(axis=1, keepdims=True)
        lam = self.eigenvalues_ * self.laplacian_scale_  # the graph's eigenvalues
        factor = np.broadcast_to(1.0 / np.maximum(1.0 - lam, 0.5), (len(X), lam.size))
        U = self.eigenvectors_
        if not self._vector:
            phi = np.einsum("nm,nmk->nk", w, U[idx]) * factor
            phi[same] = U[idx[same, 0]]
            return phi
        # Frames of the new points: local PCA of each point with its
        # neighbours, as tangent_frames does for training points.
        n_new = len(X)
        both = np.vstack([Xf, X])
        nbhd = np.concatenate([len(Xf) + np.arange(n_new)[:, None], idx], axis=1)
        _, basis = _local_pca(both, nbhd, full=False)
        F = basis[:, : self.dim_].transpose(0, 2, 1)  # (n_new, D, d)
        O = _polar(np.einsum("nDa,nmDb->nmab", F, self.frames_[idx]))
        u = np.einsum("nm,nmab,nmbk->nak", w, O, U[idx]) * factor[:, None, :]
        phi = np.einsum("nDa,nak->nDk", F, u)
        phi[same] = np.einsum(
            "nDa,nak->nDk", self.frames_[idx[same, 0]], U[idx[same, 0]]
        )
        return phi

    def _predict(self, X, return_std):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        phi = self._features(X)
        mean = phi @ self.weights_
        if not return_std:
            return mean
        var = np.einsum("...k,kl,...l->...", phi, self.weights_cov_, phi)
        return mean, np.sqrt(np.maximum(var, 0.0))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = False
        return tags


_PARAMS_DOC = """
    n_neighbors : int, default=10
        Neighbours of each point in the k-nearest-neighbour graph (made
        symmetric by the union rule), and of each new point in the
        out-of-sample extension; at most ``n_samples - 1`` are used.
    n_eigenpairs : int, default=50
        Number ``k`` of Laplacian eigenpairs, the rank of the kernel; at most
        the size of the Laplacian are used.
    kernel : {"matern", "diffusion"}, default="matern"
        Spectrum of the prior: Matérn ``(2 nu / kappa^2 + lambda)^-(nu +
        dim / 2)`` or diffusion (heat) ``exp(-kappa^2 lambda / 2)``.
    nu : float, default=1.5
        Smoothness of the Matérn kernel (as in scikit-learn's ``Matern``).
    lengthscale : float, default=None
        Initial lengthscale ``kappa`` (fixed with ``optimizer=None``), in the
        units of ``X``; None searches a grid of values first.
    output_scale : float, default=None
        Initial output scale: the prior's mean squared norm of the field over
        the training points. None takes the targets' mean squared norm.
    noise : float, default=None
        Initial variance of the Gaussian noise on every target coordinate.
        None takes 1% of the initial output scale per coordinate.
    optimizer : {"lbfgs"} or None, default="lbfgs"
        Maximise the marginal likelihood over the three hyperparameters
        (their logarithms, within wide bounds) with scipy's L-BFGS-B on
        gradients from torch autograd, or keep the initial values
        (None; then unset values take their defaults, and the lengthscale the
        best value of the grid).
    max_iter : int, default=100
        Largest number of L-BFGS iterations.
    dim : int, default=None
        Intrinsic dimension of the manifold; estimated by
        :func:`tangent_frames` when None.
    random_state : int, RandomState instance or None, default=None
        Seed of the eigensolver's starting vector (ARPACK, for Laplacians of
        more than 500 rows).
"""

_ATTRS_DOC = """
    X_fit_ : ndarray of shape (n_samples, n_features)
        The training points, the vertices of the graph.
    observed_ : ndarray of shape (n_samples,), dtype=bool
        Which training points carry a target (the others were given NaN).
    n_neighbors_ : int
        Number of neighbours used.
    epsilon_ : float
        Bandwidth of the Gaussian edge weights ``exp(-r^2 / epsilon)``, the
        median squared edge length of the graph.
    frames_ : ndarray of shape (n_samples, n_features, dim)
        Tangent frames of the training points.
    dim_ : int
        Intrinsic dimension used.
    laplacian_scale_ : float
        ``c`` such that the random-walk operator ``I - P`` approximates
        ``-c`` times the Laplace-Beltrami operator (the median over points
        of ``sum_j P_ij |x_i - x_j|^2 / (2 dim)``).
    eigenvalues_ : ndarray of shape (k,)
        The Laplacian's lowest eigenvalues divided by ``laplacian_scale_``:
        estimates of the continuous eigenvalues, in inverse squared units
        of ``X``.
    lengthscale_, output_scale_, noise_ : float
        The fitted hyperparameters.
    log_marginal_likelihood_value_ : float
        Log marginal likelihood at the fitted hyperparameters.
    weights_ : ndarray of shape (k,)
        Posterior mean of the feature weights.
    weights_cov_ : ndarray of shape (k, k)
        Posterior covariance of the feature weights.
    n_iter_ : int
        L-BFGS iterations run (0 with ``optimizer=None``).
    n_features_in_ : int
        Number of features of ``X``.
"""

_NYSTROM_DOC = """
    Out-of-sample extension (Nyström through the graph). A new point ``x``
    equal to a training point takes that point's features, so predictions
    at the training points (with or without a target) are the exact
    posterior. Otherwise ``x`` is joined to its ``n_neighbors_`` nearest
    training points ``j`` with the random-walk weights of the fit, ``P_xj``
    proportional to ``exp(-|x - x_j|^2 / epsilon_) / q_j`` (``q_j`` the
    degree of ``j`` before the density normalisation) and summing to 1,
    and each eigenvector is extended by the eigenvalue equation ``(1 -
    lambda) u_i = sum_j P_ij O_ij u_j`` written at the new node: ``u(x) =
    sum_j P_xj O_xj u_j / (1 - lambda)``, with ``lambda`` the graph
    eigenvalue. The divisor is kept at least 1/2; modes with larger eigenvalues oscillate at the scale
    of the graph, where the extension is unreliable, and carry little prior
    variance. For vector fields ``O_xj`` is the transport from frame ``j``
    to the new point's frame ``F_x``, the local PCA of ``x`` and its
    neighbours (as in :func:`tangent_frames`), and the features are ``F_x
    u(x)``; predictions lie exactly in the estimated tangent planes. For
    scalar fields ``O_xj = 1``. Far from the data the extension copies the
    nearest training points: the model has no features away from its graph,
    so neither the mean nor the standard deviation there is a statement
    about the manifold. To predict over a region without targets, put points
    of the region in ``X`` with NaN targets (they shape the graph).
"""


class VectorFieldGP(_FieldGP):
    __doc__ = f"""Gaussian process of a tangent vector field on a sampled manifold.

    The RVGP model (Peach et al., ICLR 2024) with exact inference and
    out-of-sample prediction. ``fit(X, V)`` takes points ``X`` near an
    unknown manifold of dimension ``dim`` and tangent vectors ``V`` at
    them. It builds the k-nearest-neighbour graph, the tangent frames
    ``F_i`` (:func:`tangent_frames`), the transports
    (:func:`parallel_transport`) and the connection Laplacian
    (:func:`connection_laplacian` with Gaussian weights, density-normalised
    with ``alpha=1`` and in its random-walk form ``I - D^-1 W``, whose limit
    does not depend on the sampling density), takes its ``k`` lowest
    eigenpairs ``(lambda_l, u_l)`` and lifts each eigenvector to an
    ambient field, ``Phi_i = F_i U_i`` (``U_i`` the ``dim x k`` block of
    point ``i``). The prior is ``f = Phi w`` with independent weights ``w_l
    ~ N(0, S_l)``, ``S_l`` proportional to the spectrum at the eigenvalue
    and scaled so that the prior mean of ``|f(x_i)|^2`` over the training
    points is the output scale: the kernel is ``Phi S Phi^T``, of rank
    ``k``. Every coordinate of ``V`` is observed with Gaussian noise.

    Parameters
    ----------
{_PARAMS_DOC}
    Attributes
    ----------
{_ATTRS_DOC}
    eigenvectors_ : ndarray of shape (n_samples, dim, k)
        The connection Laplacian's eigenvectors, in the frames.

    See Also
    --------
    ScalarFieldGP : The same with the graph Laplacian, for functions.
    connection_laplacian : The operator behind the kernel.

    Notes
    -----
    Inference is Bayesian linear regression on the ``k`` features: with
    ``A = I + S^1/2 Phi^T Phi S^1/2 / sigma^2``, the marginal likelihood
    needs ``Phi^T Phi``, ``Phi^T y``, ``y^T y`` and the Cholesky factor of
    ``A`` (Woodbury identity and matrix determinant lemma), so a fit costs
    ``O(n D k^2 + k^3)`` per likelihood evaluation after the eigensolver
    (see :func:`laplacian_eigenpairs` for its cost), never ``O(n^3)``.

    The Matérn spectrum has exponent ``nu + dim / 2``, as the Matérn
    kernels on manifolds of Borovitskiy et al. (2020), so that on flat
    space ``nu`` and the lengthscale mean what they mean for scikit-learn's
    ``Matern`` kernel; RVGP's code uses the exponent ``nu``. For the
    lengthscale to be in the units of ``X``, eigenvalues are divided by
    ``laplacian_scale_``.

    RVGP's reference code takes the unnormalised Laplacian ``D - W`` of a
    binary graph, whose eigenvectors depend on the sampling density. The
    density normalisation matters on randomly sampled surfaces: with 1500
    random points on the unit sphere and 10 neighbours, the 50 lowest
    eigenvectors miss a degree-one field by 6 % without it and by 4 % with
    it, and inpainting a disc improves accordingly (see the benchmarks).
    With noisy points, take more neighbours (20-30): the frames, hence the
    tangency of the predictions, improve markedly.
{_NYSTROM_DOC}
    References
    ----------
    .. [1] D. Peach, M. Vinao-Carl, N. Grossman, et al., "Implicit Gaussian
       process representation of vector fields over arbitrary latent
       manifolds", ICLR 2024.
    .. [2] V. Borovitskiy, A. Terenin, P. Mostowsky, M. P. Deisenroth,
       "Matérn Gaussian processes on Riemannian manifolds", NeurIPS 2020.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.geometry import VectorFieldGP
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 3))
    >>> X /= np.linalg.norm(X, axis=1, keepdims=True)  # the unit sphere
    >>> V = np.cross([0.0, 0.0, 1.0], X)  # rotation about the z axis
    >>> gp = VectorFieldGP(n_neighbors=10, n_eigenpairs=30, random_state=0)
    >>> gp = gp.fit(X, V)
    >>> x = np.array([[1.0, 0.0, 0.0]])
    >>> v = gp.predict(x)  # the field there is (0, 1, 0)
    >>> bool(np.linalg.norm(v - [0.0, 1.0, 0.0]) < 0.1)
    True
    """

    _vector = True

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, V):
        """Fit the Gaussian process to tangent vectors at points.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Points sampled on or near a manifold.
        V : array-like of shape (n_samples, n_features)
            The vector at each point, in ambient coordinates; components
            normal to the estimated tangent space count as noise. A row of
            NaN marks a point without a vector: it takes part in the graph
            and the frames (so the kernel knows the manifold there) but not
            in the likelihood. Predicting at such points is transductive
            inpainting, as in RVGP.

        Returns
        -------
        self : VectorFieldGP
            The fitted estimator.
        """
        if V is None:
            raise ValueError(
                "VectorFieldGP requires V to be passed, but the target V is None."
            )
        X = validate_data(self, X, dtype=np.float64, ensure_min_samples=2)
        V = check_array(
            V,
            dtype=np.float64,
            input_name="V",
            ensure_2d=False,
            ensure_all_finite="allow-nan",
        )
        if V.shape != X.shape:
            raise ValueError(
                f"V must hold one vector of {X.shape[1]} coordinates per point, "
                f"shape {X.shape}; got shape {V.shape}."
            )
        self._y_fit = V
        return self._fit(X, V)

    def predict(self, X, return_std=False):
        """Predict the vector field at points.

        Parameters
        ----------
        X : array-like of shape (n_new, n_features)
            Points on or near the manifold: training points or new ones.
        return_std : bool, default=False
            Also return the posterior standard deviation of each coordinate
            of the field (noise excluded).

        Returns
        -------
        V : ndarray of shape (n_new, n_features)
            Posterior mean of the field, tangent to the estimated frames.
        std : ndarray of shape (n_new, n_features)
            Only with ``return_std=True``: posterior standard deviation of
            each ambient coordinate; ``np.linalg.norm(std, axis=1)`` is the
            root of the trace of the point's posterior covariance.
        """
        return self._predict(X, return_std)

    def score(self, X, V, sample_weight=None):
        """Coefficient of determination R^2 of the predicted field.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Points.
        V : array-like of shape (n_samples, n_features)
            True vectors at the points.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the points.

        Returns
        -------
        score : float
            R^2 of :meth:`predict` averaged uniformly over the coordinates
            (:func:`sklearn.metrics.r2_score`).
        """
        return super().score(X, V, sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags


class ScalarFieldGP(_FieldGP):
    __doc__ = f"""Gaussian process of a function on a sampled manifold.

    The scalar counterpart of :class:`VectorFieldGP`: the kernel is ``U S
    U^T`` with ``(lambda_l, u_l)`` the ``k`` lowest eigenpairs of the graph
    Laplacian (:func:`graph_laplacian`, Gaussian weights, density-normalised
    random-walk form as in :class:`VectorFieldGP`) of the
    k-nearest-neighbour graph of ``X``, ``S`` a Matérn or diffusion
    spectrum scaled so that the prior mean of ``f(x_i)^2`` over the
    training points is the output scale, and Gaussian noise. Exact
    inference in ``O(n k^2 + k^3)``; hyperparameters by marginal
    likelihood; prediction at new points by a Nyström extension.

    Parameters
    ----------
{_PARAMS_DOC}
    Attributes
    ----------
{_ATTRS_DOC}
    eigenvectors_ : ndarray of shape (n_samples, k)
        The graph Laplacian's eigenvectors.

    See Also
    --------
    VectorFieldGP : The same for tangent vector fields.
    graph_laplacian : The operator behind the kernel.

    Notes
    -----
    The frames are estimated only for the intrinsic dimension, which sets
    the Matérn exponent ``nu + dim / 2`` and the eigenvalue scale (see
    :class:`VectorFieldGP`).
{_NYSTROM_DOC}
    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.geometry import ScalarFieldGP
    >>> t = np.linspace(0, 2 * np.pi, 100, endpoint=False)
    >>> X = np.c_[np.cos(t), np.sin(t)]  # a circle
    >>> gp = ScalarFieldGP(n_neighbors=4, n_eigenpairs=20).fit(X, np.sin(2 * t))
    >>> x = np.array([[0.0, 1.0], [np.sqrt(0.5), np.sqrt(0.5)]])
    >>> y = gp.predict(x)  # sin(2t) at t = pi/2 and pi/4: 0 and 1
    >>> bool(np.abs(y - [0.0, 1.0]).max() < 0.05)
    True
    """

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the Gaussian process to values at points.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Points sampled on or near a manifold.
        y : array-like of shape (n_samples,)
            The value at each point. NaN marks a point without a value: it
            takes part in the graph (so the kernel knows the manifold there)
            but not in the likelihood.

        Returns
        -------
        self : ScalarFieldGP
            The fitted estimator.
        """
        if y is None:
            raise ValueError(
                "ScalarFieldGP requires y to be passed, but the target y is None."
            )
        X = validate_data(self, X, dtype=np.float64, ensure_min_samples=2)
        y = check_array(
            y,
            dtype=np.float64,
            input_name="y",
            ensure_2d=False,
            ensure_all_finite="allow-nan",
        )
        y = column_or_1d(y, warn=True)
        check_consistent_length(X, y)
        self._y_fit = y
        return self._fit(X, y)

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R^2 of the predicted function.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Points.
        y : array-like of shape (n_samples,)
            True values at the points.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the points.

        Returns
        -------
        score : float
            R^2 of :meth:`predict` (:func:`sklearn.metrics.r2_score`).
        """
        return super().score(X, y, sample_weight=sample_weight)

    def predict(self, X, return_std=False):
        """Predict the function at points.

        Parameters
        ----------
        X : array-like of shape (n_new, n_features)
            Points on or near the manifold: training points or new ones.
        return_std : bool, default=False
            Also return the posterior standard deviation (noise excluded).

        Returns
        -------
        y : ndarray of shape (n_new,)
            Posterior mean.
        std : ndarray of shape (n_new,)
            Only with ``return_std=True``: posterior standard deviation.
        """
        return self._predict(X, return_std)
