# requires: torch
"""Neural operators as estimators: the Latent Spectral Model (Wu et al., 2023)."""

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_array, check_is_fitted

from geomlearn.pde.nn import LatentSpectralModel
from geomlearn.utils._optional import import_optional
from geomlearn.utils._param_validation import (
    Integral,
    Interval,
    StrOptions,
    _fit_context,
)
from geomlearn.utils._torch import resolve_device, to_numpy
from geomlearn.utils._training import (
    TRAINING_PARAMETER_CONSTRAINTS,
    ResumableTorchEstimatorMixin,
    data_fingerprint,
    train,
)

torch = import_optional("torch", extra="torch", caller="LatentSpectralOperator")
F = torch.nn.functional

__all__ = ["LatentSpectralOperator"]

_EPS = 1e-5  # added to standard deviations, as UnitGaussianNormalizer does
_TINY = 1e-12  # floor of ||y|| in the relative error


def _relative_l2(pred, target):
    """Per-sample ||pred - target|| / ||target|| over all grid points and channels."""
    dims = tuple(range(1, target.ndim))
    num = torch.linalg.vector_norm(pred - target, dim=dims)
    return num / torch.linalg.vector_norm(target, dim=dims).clamp_min(_TINY)


class LatentSpectralOperator(
    ResumableTorchEstimatorMixin, RegressorMixin, BaseEstimator
):
    """Latent Spectral Model: a neural operator between fields on a regular grid.

    Learns a map from input fields ``X`` (one sample per PDE instance, e.g.
    Darcy coefficients, initial conditions, past vorticity snapshots) to
    output fields ``y`` on the same 1-D or 2-D grid, with the Latent Spectral
    Model of Wu et al. (2023) (:class:`~geomlearn.pde.nn.LatentSpectralModel`:
    a U-Net whose skip connections go through attention to a few latent
    tokens and a learned trigonometric transition of those tokens). The
    training protocol is the paper's: Adam with L2 weight decay, a step
    learning-rate schedule, and the per-sample relative L2 error of the
    decoded output, summed over each batch.

    Parameters
    ----------
    width : int, default=32
        Channels of the finest scale (the paper's ``d_model``: 64 for Darcy
        and Navier-Stokes, 32 for elasticity and airfoil); divisible by
        ``n_heads``.
    n_heads : int, default=8
        Attention heads of the spectral blocks.
    n_tokens : int, default=4
        Latent tokens per head.
    n_basis : int, default=12
        Trigonometric frequencies of the latent transition.
    n_levels : int, default=4
        Halvings of the U-Net (``n_levels + 1`` scales, 5 in the paper).
        Each grid axis needs at least ``2 ** n_levels`` points; use fewer
        levels for small grids. Padding and patch size follow automatically
        (see Notes).
    norm : {"batch", "instance"}, default="batch"
        Normalisation layers of the convolutions: batch normalisation (the
        paper) or instance normalisation (independent of the batch: better
        for tiny batches and autoregressive use).
    normalize : {"channel", "point"} or None, default="channel"
        Standardisation of inputs and outputs, learnt on the training data.
        ``"point"`` is the paper's ``UnitGaussianNormalizer``: a mean and a
        standard deviation per grid point and channel (on another grid they
        are interpolated linearly); ``"channel"`` one per channel (over
        samples and grid points), which does not depend on the resolution;
        ``None`` uses the fields as given. Outputs are decoded before the
        loss, as in the paper.
    max_epochs : int, default=100
        Total epochs of training (the paper trains 501). With ``warm_start``
        the epochs already done count (see Notes).
    batch_size : int, default=20
        Samples per mini-batch (also used to predict).
    learning_rate : float, default=5e-4
        Initial learning rate of Adam.
    weight_decay : float, default=1e-4
        L2 penalty added to the gradients by Adam (not decoupled, as in the
        paper).
    lr_step_size : int, default=100
        Epochs between two multiplications of the learning rate by
        ``lr_gamma``.
    lr_gamma : float, default=0.5
        Factor of the step learning-rate schedule.
    validation_fraction : float, default=0.0
        Fraction of the training samples held out to compute
        ``validation_scores_`` (and to stop early); ``0`` holds out none.
    n_iter_no_change : int, default=None
        Stop when the validation score (or, without a validation set, minus
        the training loss) has not improved by more than ``tol`` for this many
        epochs. ``None`` trains for ``max_epochs``.
    tol : float, default=1e-4
        Minimal improvement for early stopping.
    device : str or torch.device, default="auto"
        Where to train and predict: "auto" (CUDA, then MPS, else CPU),
        "cpu", "cuda", ...
    random_state : int, RandomState instance or None, default=None
        Seed of the weights, the validation split and the batch order. On the
        CPU the same integer gives the same model.
    verbose : bool, default=False
        Show a progress bar (tqdm) over epochs with the last losses.
    checkpoint_path : str or path-like, default=None
        File where the model, the optimiser, the schedule, the generator and
        the epoch count are saved after every epoch (``torch.save``), to
        resume an interrupted run with ``warm_start=True``.
    warm_start : bool, default=False
        Continue training instead of starting afresh: from the fitted state
        of this estimator if it is fitted, else from ``checkpoint_path`` if
        that file exists, else from scratch. See Notes.

    Attributes
    ----------
    module_ : LatentSpectralModel
        The trained torch module (in eval mode).
    n_dims_ : int
        Dimension of the grid (1 or 2).
    grid_shape_ : tuple of int
        Grid of the training fields.
    n_channels_in_ : int
        Channels of the input fields.
    n_channels_out_ : int
        Channels of the output fields.
    loss_curve_ : list of float
        Mean per-sample relative L2 training error of each epoch.
    validation_scores_ : list of float or None
        Minus the mean relative L2 error on the held-out samples after each
        epoch (the :meth:`score` of the validation set); ``None`` when
        ``validation_fraction=0``.
    n_iter_ : int
        Epochs trained in total.
    device_ : torch.device
        Device of ``module_``.

    See Also
    --------
    geomlearn.pde.nn.LatentSpectralModel : The torch module on its own.
    geomlearn.datasets.make_darcy : Darcy flow data (2-D).
    geomlearn.datasets.make_burgers : Burgers data (1-D).

    Notes
    -----
    **Layout.** ``X`` has shape ``(n_samples, *grid, n_channels_in)`` with a
    1-D grid ``(s,)`` or a 2-D grid ``(s1, s2)``; the channel axis is
    required, so a 2-D ``X`` is refused (write ``X[..., None]`` for a 1-D
    single-channel field). ``y`` has shape ``(n_samples, *grid,
    n_channels_out)``, or ``(n_samples, *grid)`` for one output channel;
    :meth:`predict` returns the layout of ``y``, in float32.

    **Automatic padding and patches.** With ``m = 2 ** n_levels`` each axis
    of ``n`` points is zero-padded to ``n + (-n mod m)`` and split into
    patches of ``(n + pad) / m`` points at every scale: ``m`` patches per
    axis on the finest scale, one on the coarsest. Darcy at 85 x 85: padded
    to 96, patches of 6 (the paper's setting); Burgers at 1024: patches of
    64.

    **Other resolutions.** The module takes normalised coordinates and
    computes padding and patches from the grid it is given, so
    :meth:`predict` accepts grids of another size than the training one.
    The convolutions are 3-point stencils, though, whose physical reach
    shrinks with the spacing: accuracy at another resolution is good for
    smooth maps and moderate changes of resolution, never guaranteed.

    **Warm start and checkpoints.** ``max_epochs`` is the total epoch
    budget (as ``n_estimators`` in scikit-learn's warm-started gradient
    boosting). With ``warm_start=True``, ``fit`` continues the saved run,
    optimiser moments, learning-rate schedule, random generator, validation
    split and early-stopping counters included, until ``max_epochs`` epochs
    in total; on the CPU, 3 epochs then a warm-started fit with
    ``max_epochs=6`` give exactly the model of one 6-epoch fit. Only
    ``max_epochs``, ``n_iter_no_change``, ``tol``, ``verbose``, ``device``
    and ``checkpoint_path`` may change between the two fits: the
    architecture and normalisation must match (else ``ValueError``) and the
    optimiser's hyper-parameters are those saved. Resuming needs the same
    number of samples; resuming from a checkpoint needs the same data (it
    stores a hash of ``X`` and ``y``). A run that stopped early and is
    warm-started trains again. With ``warm_start=False`` an existing
    checkpoint file is never read, and it is overwritten after the first
    epoch. A script that survives interruptions sets both
    ``checkpoint_path`` and ``warm_start=True``.

    Torch's global random state is never touched: the module is built
    inside :func:`torch.random.fork_rng`, batches are drawn from a generator
    made from ``random_state``.

    References
    ----------
    .. [1] H. Wu, T. Hu, H. Luo, J. Wang and M. Long, "Solving high-dimensional
       PDEs with latent spectral models", Proceedings of the 40th
       International Conference on Machine Learning (ICML), PMLR 202, 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.pde import LatentSpectralOperator
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(8, 16, 16, 1))
    >>> y = np.cumsum(X, axis=1) / 4
    >>> model = LatentSpectralOperator(
    ...     width=8, n_heads=4, n_levels=2, max_epochs=2, device="cpu", random_state=0
    ... ).fit(X, y)
    >>> model.predict(X).shape
    (8, 16, 16, 1)
    >>> len(model.loss_curve_)
    2
    """

    _stats_attributes = ("_x_stats", "_y_stats")

    _parameter_constraints = {
        "width": [Interval(Integral, 1, None, closed="left")],
        "n_heads": [Interval(Integral, 1, None, closed="left")],
        "n_tokens": [Interval(Integral, 1, None, closed="left")],
        "n_basis": [Interval(Integral, 1, None, closed="left")],
        "n_levels": [Interval(Integral, 0, None, closed="left")],
        "norm": [StrOptions({"batch", "instance"})],
        "normalize": [StrOptions({"channel", "point"}), None],
        **TRAINING_PARAMETER_CONSTRAINTS,
    }

    def __init__(
        self,
        *,
        width=32,
        n_heads=8,
        n_tokens=4,
        n_basis=12,
        n_levels=4,
        norm="batch",
        normalize="channel",
        max_epochs=100,
        batch_size=20,
        learning_rate=5e-4,
        weight_decay=1e-4,
        lr_step_size=100,
        lr_gamma=0.5,
        validation_fraction=0.0,
        n_iter_no_change=None,
        tol=1e-4,
        device="auto",
        random_state=None,
        verbose=False,
        checkpoint_path=None,
        warm_start=False,
    ):
        self.width = width
        self.n_heads = n_heads
        self.n_tokens = n_tokens
        self.n_basis = n_basis
        self.n_levels = n_levels
        self.norm = norm
        self.normalize = normalize
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.lr_step_size = lr_step_size
        self.lr_gamma = lr_gamma
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.checkpoint_path = checkpoint_path
        self.warm_start = warm_start

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # fields on grids: (n_samples, *grid, n_channels), never a 2-D matrix
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.target_tags.multi_output = True
        tags.regressor_tags.poor_score = True
        return tags

    # ------------------------------------------------------------ validation
    @staticmethod
    def _check_fields(A, name):
        if A is None or isinstance(A, (str, bytes)) or np.isscalar(A):
            raise TypeError(
                f"{name} must be an array of fields, got {type(A).__name__}."
            )
        A = check_array(
            A,
            allow_nd=True,
            ensure_2d=False,
            dtype=[np.float32, np.float64],
            ensure_all_finite=True,
            input_name=name,
        )
        return A

    def _check_grid(self, grid, training):
        m = 2**self.n_levels
        if min(grid) < m:
            raise ValueError(
                f"the grid {tuple(grid)} is too small for n_levels={self.n_levels}: "
                f"each axis needs at least 2**n_levels = {m} points; set n_levels "
                f"to at most {int(np.log2(min(grid)))}."
            )
        coarsest = int(np.prod([-(-n // m) for n in grid]))
        if training and coarsest == 1 and self.norm == "instance":
            raise ValueError(
                f"with n_levels={self.n_levels} the coarsest map of the grid "
                f"{tuple(grid)} is a single point, which instance normalisation "
                f"cannot normalise; use fewer levels or norm='batch'."
            )

    def _check_X(self, X, *, reset):
        X = self._check_fields(X, "X")
        if X.ndim not in (3, 4):
            raise ValueError(
                f"X must have shape (n_samples, *grid, n_channels) with a 1-D or "
                f"2-D grid, i.e. 3 or 4 dimensions; got {X.ndim} dimensions, shape "
                f"{X.shape}. A single-channel field needs its channel axis: "
                f"X[..., None]."
            )
        if not reset:
            if X.ndim - 2 != self.n_dims_:
                raise ValueError(
                    f"X has a {X.ndim - 2}-D grid (shape {X.shape}) but the model "
                    f"was fitted on a {self.n_dims_}-D grid."
                )
            if X.shape[-1] != self.n_channels_in_:
                raise ValueError(
                    f"X has {X.shape[-1]} channels but the model was fitted with "
                    f"{self.n_channels_in_}."
                )
        self._check_grid(X.shape[1:-1], training=reset)
        return X.astype(np.float32, copy=False)

    def _check_Xy(self, X, y):
        X = self._check_X(X, reset=True)
        y = self._check_fields(y, "y")
        if y.ndim == X.ndim - 1:
            y_channel_axis = False
            y = y[..., None]
        elif y.ndim == X.ndim:
            y_channel_axis = True
        else:
            raise ValueError(
                f"y must have shape (n_samples, *grid, n_channels) or "
                f"(n_samples, *grid) on the grid of X {X.shape[1:-1]}; got shape "
                f"{y.shape}."
            )
        if y.shape[:-1] != X.shape[:-1]:
            raise ValueError(
                f"X and y must hold the same samples on the same grid: X has "
                f"shape {X.shape}, y has shape {y.shape}."
            )
        return X, y.astype(np.float32, copy=False), y_channel_axis

    # ------------------------------------------------------------ normalisation
    def _fit_stats(self, A):
        if self.normalize is None:
            return None
        axes = 0 if self.normalize == "point" else tuple(range(A.ndim - 1))
        mean = A.mean(axis=axes, dtype=np.float64)
        std = A.std(axis=axes, dtype=np.float64) + _EPS
        return (
            torch.as_tensor(mean, dtype=torch.float32),
            torch.as_tensor(std, dtype=torch.float32),
        )

    def _stats_on(self, stats, grid):
        """Mean and std broadcastable to (batch, *grid, channels)."""
        if stats is None:
            return None
        mean, std = stats
        if self.normalize == "point" and tuple(mean.shape[:-1]) != tuple(grid):
            mode = ("linear", "bilinear")[len(grid) - 1]
            out = []
            for s in (mean, std):
                s = F.interpolate(
                    s.movedim(-1, 0)[None],
                    size=tuple(grid),
                    mode=mode,
                    align_corners=True,
                )
                out.append(s[0].movedim(0, -1))
            mean, std = out
        return mean.to(self.device_), std.to(self.device_)

    # ------------------------------------------------------------ model
    def _config(self, X, y):
        """Return what a checkpoint or a warm start must agree with."""
        return {
            "n_dims": X.ndim - 2,
            "n_channels_in": int(X.shape[-1]),
            "n_channels_out": int(y.shape[-1]),
            "width": int(self.width),
            "n_heads": int(self.n_heads),
            "n_tokens": int(self.n_tokens),
            "n_basis": int(self.n_basis),
            "n_levels": int(self.n_levels),
            "norm": self.norm,
            "normalize": self.normalize,
        }

    def _build_module(self, config, seed):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)  # only inside the fork: global state restored
            return LatentSpectralModel(
                config["n_channels_in"],
                config["n_channels_out"],
                n_dims=config["n_dims"],
                width=config["width"],
                n_heads=config["n_heads"],
                n_tokens=config["n_tokens"],
                n_basis=config["n_basis"],
                n_levels=config["n_levels"],
                norm=config["norm"],
            )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the operator on pairs of input and output fields.

        Parameters
        ----------
        X : array-like of shape (n_samples, grid..., n_channels_in)
            Input fields on a 1-D or 2-D grid, channels last.
        y : array-like of shape (n_samples, grid..., n_channels_out) or \
(n_samples, grid...)
            Output fields on the same grid (without channel axis: one
            channel).

        Returns
        -------
        self : LatentSpectralOperator
            The fitted estimator.
        """
        if self.width % self.n_heads:
            raise ValueError(
                f"width ({self.width}) must be divisible by n_heads ({self.n_heads})."
            )
        X, y, y_channel_axis = self._check_Xy(X, y)
        if self.norm == "batch" and len(X) == 1:
            grid = X.shape[1:-1]
            if int(np.prod([-(-n // 2**self.n_levels) for n in grid])) == 1:
                raise ValueError(
                    "batch normalisation cannot train on a single sample whose "
                    "coarsest map is one point; give more samples, fewer levels "
                    "or norm='instance'."
                )
        config = self._config(X, y)
        rng = check_random_state(self.random_state)
        init_seed, train_seed = (int(s) for s in rng.randint(2**31 - 1, size=2))
        resume = self._resume_source(config, len(X), lambda: data_fingerprint(X, y))
        device = resolve_device(self.device)
        module = self._build_module(config, init_seed)
        if resume is None:
            state = None
            x_stats, y_stats = self._fit_stats(X), self._fit_stats(y)
        else:
            module_state, state, (x_stats, y_stats) = resume
            module.load_state_dict(module_state)

        self.device_ = device
        self.module_ = module.to(device)
        self._config_ = config
        self._x_stats, self._y_stats = x_stats, y_stats
        self._y_channel_axis = y_channel_axis
        self.n_dims_ = config["n_dims"]
        self.grid_shape_ = tuple(int(n) for n in X.shape[1:-1])
        self.n_channels_in_ = config["n_channels_in"]
        self.n_channels_out_ = config["n_channels_out"]

        grid = self.grid_shape_
        X_t = self._encode(torch.as_tensor(X), grid)
        y_t = torch.as_tensor(y)
        y_mean_std = self._stats_on(y_stats, grid)

        def per_sample_loss(module, xb, yb):
            pred = module(xb)
            if y_mean_std is not None:
                pred = pred * y_mean_std[1] + y_mean_std[0]
            return _relative_l2(pred, yb)

        weight_decay, learning_rate = self.weight_decay, self.learning_rate
        step_size, gamma = self.lr_step_size, self.lr_gamma
        extra = self._checkpoint_extra(
            config, data_fingerprint(X, y) if self.checkpoint_path else None
        )
        state = train(
            self.module_,
            (X_t, y_t),
            per_sample_loss,
            make_optimizer=lambda p: torch.optim.Adam(
                p, lr=learning_rate, weight_decay=weight_decay
            ),
            make_scheduler=lambda o: torch.optim.lr_scheduler.StepLR(
                o, step_size=step_size, gamma=gamma
            ),
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            seed=train_seed,
            state=state,
            reduction="sum",
            validation_fraction=self.validation_fraction,
            n_iter_no_change=self.n_iter_no_change,
            tol=self.tol,
            device=device,
            checkpoint_path=self.checkpoint_path,
            checkpoint_extra=extra,
            verbose=self.verbose,
            description=type(self).__name__,
        )
        self._training_state = state
        self.loss_curve_ = list(state.loss_curve)
        self.validation_scores_ = (
            None if state.validation_scores is None else list(state.validation_scores)
        )
        self.n_iter_ = state.epoch
        return self

    def _encode(self, X_t, grid):
        stats = self._stats_on(self._x_stats, grid)
        if stats is None:
            return X_t
        mean, std = (s.to(X_t.device) for s in stats)
        return (X_t - mean) / std

    # ------------------------------------------------------------ outputs
    def predict(self, X):
        """Predict the output fields.

        Parameters
        ----------
        X : array-like of shape (n_samples, grid..., n_channels_in)
            Input fields; the grid may differ from the training grid (see
            Notes of the class).

        Returns
        -------
        y_pred : ndarray of shape (n_samples, grid..., n_channels_out) or \
(n_samples, grid...)
            Predicted fields (float32), in the layout of the ``y`` given to
            ``fit``.
        """
        check_is_fitted(self)
        X = self._check_X(X, reset=False)
        grid = X.shape[1:-1]
        y_stats = self._stats_on(self._y_stats, grid)
        self.module_.eval()
        out = []
        with torch.no_grad():
            for start in range(0, len(X), self.batch_size):
                xb = torch.as_tensor(X[start : start + self.batch_size])
                xb = self._encode(xb, grid).to(self.device_)
                pred = self.module_(xb)
                if y_stats is not None:
                    pred = pred * y_stats[1] + y_stats[0]
                out.append(to_numpy(pred))
        y_pred = np.concatenate(out)
        return y_pred if self._y_channel_axis else y_pred[..., 0]

    def score(self, X, y, sample_weight=None):
        """Minus the mean relative L2 error of the predictions.

        Unlike scikit-learn's regressors (R²), the score is the paper's
        metric: for each sample, ``||y_pred - y|| / ||y||`` over all grid
        points and channels, averaged over the samples (weighted by
        ``sample_weight``), with the sign flipped so that higher is better
        (0 is perfect).

        Parameters
        ----------
        X : array-like of shape (n_samples, grid..., n_channels_in)
            Input fields.
        y : array-like of shape (n_samples, grid..., n_channels_out) or \
(n_samples, grid...)
            True output fields, in the layout used in ``fit``.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples.

        Returns
        -------
        score : float
            ``-mean_i ||y_pred_i - y_i|| / ||y_i||``.
        """
        y_pred = self.predict(X)
        y = self._check_fields(y, "y")
        if y.shape != y_pred.shape:
            raise ValueError(
                f"y has shape {y.shape}; the predictions have shape {y_pred.shape}."
            )
        axes = tuple(range(1, y.ndim))
        diff = np.sqrt(np.sum((y_pred.astype(np.float64) - y) ** 2, axis=axes))
        norm = np.maximum(
            np.sqrt(np.sum(np.asarray(y, np.float64) ** 2, axis=axes)), _TINY
        )
        return -float(np.average(diff / norm, weights=sample_weight))
