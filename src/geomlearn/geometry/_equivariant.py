# requires: torch, torch_geometric
"""Equivariant regression on point clouds: PONITA and PNITA as an estimator."""

import types

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from geomlearn.utils._optional import import_optional
from geomlearn.utils._param_validation import (
    Integral,
    Interval,
    Real,
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

torch = import_optional("torch", extra="torch", caller="EquivariantRegressor")

__all__ = ["EquivariantRegressor"]

_EPS = 1e-12


def _fingerprint(clouds, y):
    ys = y if isinstance(y, tuple) else (y,)
    return data_fingerprint(clouds.pos, clouds.x, clouds.vec, clouds.ptr, *ys)


def _as_float_array(a, what):
    if isinstance(a, torch.Tensor):
        a = a.detach().cpu().numpy()
    try:
        a = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be a numeric array: {exc}") from exc
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{what} contains NaN or infinity.")
    return a


def _get(cloud, key):
    if isinstance(cloud, dict):
        return cloud.get(key)
    return getattr(cloud, key, None)


class _Clouds:
    """A collection of point clouds concatenated along the node axis."""

    def __init__(self, pos, x, vec, ptr):
        self.pos, self.x, self.vec, self.ptr = pos, x, vec, ptr

    def __len__(self):
        return len(self.ptr) - 1

    @property
    def sizes(self):
        return np.diff(self.ptr)

    def input_stats(self):
        """Scales that make the inputs of order one without breaking symmetry.

        One length (root-mean-square distance of the points to the centroid
        of their cloud), one scale per vector channel (its root-mean-square
        norm), a mean and a standard deviation per scalar feature.
        """
        centred = self.pos - np.repeat(
            np.add.reduceat(self.pos, self.ptr[:-1], axis=0) / self.sizes[:, None],
            self.sizes,
            axis=0,
        )
        length = float(np.sqrt(np.mean(np.sum(centred**2, axis=1))))
        stats = {"length": length if length > _EPS else 1.0}
        if self.vec is not None:
            scale = np.sqrt(np.mean(np.sum(self.vec**2, axis=2), axis=0))
            stats["vec_scale"] = np.where(scale > _EPS, scale, 1.0).tolist()
        if self.x is not None:
            std = self.x.std(axis=0)
            stats["x_mean"] = self.x.mean(axis=0).tolist()
            stats["x_std"] = np.where(std > _EPS, std, 1.0).tolist()
        return stats

    def to_torch(self, device, stats):
        def t(a):
            return None if a is None else torch.as_tensor(a, dtype=torch.float32)

        x, vec = self.x, self.vec
        if x is not None:
            x = (x - np.asarray(stats["x_mean"])) / np.asarray(stats["x_std"])
        if vec is not None:
            vec = vec / np.asarray(stats["vec_scale"])[:, None]
        out = types.SimpleNamespace(
            pos=t(self.pos / stats["length"]),
            x=t(x),
            vec=t(vec),
            ptr=torch.as_tensor(self.ptr, dtype=torch.long),
        )
        for key in ("pos", "x", "vec", "ptr"):
            value = getattr(out, key)
            if value is not None:
                setattr(out, key, value.to(device))
        return out


def _gather(data, idx):
    """Gather the graphs ``idx`` of concatenated clouds into one graph batch."""
    start, stop = data.ptr[idx], data.ptr[idx + 1]
    counts = stop - start
    graph = torch.repeat_interleave(torch.arange(len(idx), device=idx.device), counts)
    offsets = torch.cumsum(counts, 0) - counts
    nodes = start[graph] + torch.arange(int(counts.sum()), device=idx.device)
    nodes = nodes - offsets[graph]
    batch = types.SimpleNamespace(
        pos=data.pos[nodes],
        x=None if data.x is None else data.x[nodes],
        vec=None if data.vec is None else data.vec[nodes],
        batch=graph,
        num_graphs=len(idx),
    )
    return batch, nodes


class EquivariantRegressor(ResumableTorchEstimatorMixin, RegressorMixin, BaseEstimator):
    """Equivariant regression on point clouds with PONITA or PNITA.

    Learns a map from point clouds (positions, optional scalar features and
    vector features per point) to either **graph-level invariant targets**
    (energies, molecular properties: one row per cloud) or **node-level
    equivariant vector targets** (forces, velocities, displacements: one
    vector per point). The network is :class:`~geomlearn.geometry.nn.PONITA`
    (message passing in position-orientation space) or
    :class:`~geomlearn.geometry.nn.PNITA` (positions only), so the
    predictions are invariant (scalars) or equivariant (vectors) under
    rotations, reflections, translations and permutations of the points:
    exactly for ``model="pnita"`` and for ``model="ponita"`` with
    ``n_orientations=None``, up to the orientation grid otherwise. With
    ``forces=True`` it learns energies and forces together, the forces being
    minus the gradient of the energy.

    Parameters
    ----------
    model : {"ponita", "pnita"}, default="ponita"
        The network: PONITA (expressive, each point carries orientations) or
        PNITA (distances and vector invariants only; cheaper).
    target : {"auto", "graph", "node_vector"}, default="auto"
        What ``y`` holds (see Notes): ``"graph"``, one row of invariant
        targets per cloud; ``"node_vector"``, one vector per point;
        ``"auto"`` decides from the shape of ``y``.
    radius : float or None, default=None
        Cutoff radius of the neighbourhood graphs (and of the smooth kernel
        envelope); ``None`` connects every pair of points of a cloud.
    n_layers : int, default=3
        Number of ConvNeXt message-passing blocks.
    hidden : int, default=64
        Hidden channels (also the size of the shared kernel basis).
    n_orientations : int or None, default=None
        PONITA only: size of the orientation grid on the sphere
        (fibre-bundle mode: approximately equivariant, error falling with the
        grid size), or ``None`` for the exactly equivariant point-cloud mode
        (orientations are the directions to the neighbours). Ignored by PNITA.
    degree : int, default=3
        Degree of the polynomial features of the pair invariants.
    widening : int, default=4
        Width factor of the MLP of each block.
    layer_scale : float or None, default=None
        Initial layer-scale factor of the blocks (the PONITA N-body setting
        uses 1e-6); ``None`` disables it.
    pool : {"sum", "mean"}, default="sum"
        Pooling of per-point scalars into graph-level targets: ``"sum"`` for
        extensive targets (energies), ``"mean"`` for intensive ones. Unused
        for vector targets.
    forces : bool, default=False
        Train on energies and forces together: ``y = (energies, forces)``,
        the network predicts one invariant energy per cloud and the forces
        are its negative gradient in the positions (see Notes). Needs
        ``target`` "auto" or "graph".
    max_epochs : int, default=100
        Total epochs of training. With ``warm_start`` the epochs already
        done count (see Notes).
    batch_size : int, default=32
        Point clouds per mini-batch (also used to predict).
    learning_rate : float, default=1e-3
        Initial learning rate of AdamW.
    weight_decay : float, default=0.0
        Decoupled weight decay of AdamW.
    lr_schedule : {"cosine", "step", "constant"}, default="cosine"
        Learning-rate schedule, stepped once per epoch: ``"cosine"`` anneals
        from ``learning_rate`` to 0 over ``max_epochs`` epochs
        (:class:`torch.optim.lr_scheduler.CosineAnnealingLR`); ``"step"``
        multiplies it by ``lr_gamma`` every ``lr_step_size`` epochs;
        ``"constant"`` keeps it.
    lr_step_size : int, default=100
        Epochs between two multiplications by ``lr_gamma`` (``"step"``).
    lr_gamma : float, default=0.5
        Factor of the step schedule.
    validation_fraction : float, default=0.0
        Fraction of the training clouds held out to compute
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
    module_ : PONITA or PNITA
        The trained torch module (in eval mode).
    target_ : {"graph", "node_vector", "energy_forces"}
        The kind of target learnt.
    n_targets_ : int
        Columns of a graph-level target (1 for vector targets).
    dim_ : int
        Space dimension of the points.
    n_features_ : int
        Scalar features per point (``"x"``).
    n_vectors_ : int
        Vector features per point (``"vec"``).
    loss_curve_ : list of float
        Mean per-cloud training loss of each epoch (mean squared error of the
        normalised targets).
    validation_scores_ : list of float or None
        Minus the mean loss on the held-out clouds after each epoch; ``None``
        when ``validation_fraction=0``.
    n_iter_ : int
        Epochs trained in total.
    device_ : torch.device
        Device of ``module_``.

    See Also
    --------
    geomlearn.geometry.nn.PONITA : The torch module on its own.
    geomlearn.geometry.nn.PNITA : The positions-only torch module.
    geomlearn.datasets.make_nbody : The charged-particle N-body data.

    Notes
    -----
    **Inputs.** ``X`` is a list of point clouds, each a dict with ``"pos"``
    of shape ``(n_i, dim)`` and optionally ``"x"`` (scalar features, shape
    ``(n_i, C)`` or ``(n_i,)``) and ``"vec"`` (vector features, shape
    ``(n_i, V, dim)`` or ``(n_i, dim)`` for one vector), or a list of PyTorch
    Geometric ``Data`` objects with the same attributes (their
    ``edge_index`` is ignored: graphs are built from ``radius``). All clouds
    need the same ``dim``, ``C`` and ``V``; the numbers of points may differ.
    A 3-D array of shape ``(n_clouds, n_points, dim)`` is read as positions
    only.

    **Input scaling.** The network sees positions divided by one length,
    the root-mean-square distance of the training points to the centroid of
    their cloud (``radius`` is divided by it too), each vector channel
    divided by its root-mean-square norm, and standardised scalar features.
    Uniform scalings commute with rotations, reflections and translations,
    so the symmetry is untouched; the kernels' polynomial features of the
    invariants would otherwise blow up on clouds a few units wide.

    **Targets** (``target="auto"`` decides by this rule). If every ``y[i]``
    is a 2-D array of shape ``(n_i, dim)`` (a list of them, or an array of
    shape ``(n_clouds, n_points, dim)``), the targets are node vectors and
    :meth:`predict` returns a list of ``(n_i, dim)`` arrays (an array of
    shape ``(n_clouds, n_points, dim)`` if ``y`` was one). Otherwise ``y``
    must be of shape ``(n_clouds,)`` or ``(n_clouds, T)``: graph targets,
    predicted in the same layout. A graph row is never 2-D, so the rule is
    unambiguous.

    **Normalisation.** Graph targets are standardised per column (mean and
    standard deviation), which keeps them invariant. Vector targets are
    divided by one scale, their root-mean-square component, and never
    shifted: a mean vector would break rotation equivariance. The loss is
    the mean squared error of the normalised targets, per cloud, averaged
    over each batch.

    **Warm start and checkpoints.** ``max_epochs`` is the total epoch
    budget. With ``warm_start=True``, ``fit`` continues the saved run
    (optimiser moments, learning-rate schedule, random generator, validation
    split, early-stopping counters) until ``max_epochs`` epochs in total; on
    the CPU, 3 epochs then a warm-started fit with ``max_epochs=6`` give
    exactly the model of one 6-epoch fit with the ``"step"`` or
    ``"constant"`` schedules. The cosine schedule keeps the length of the
    fit that started the run (its ``T_max`` is part of the saved state), so
    with it the continued run differs from a single long one. Only
    ``max_epochs``, ``n_iter_no_change``, ``tol``, ``verbose``, ``device``
    and ``checkpoint_path`` may change between the two fits; the
    architecture and data layout must match (else ``ValueError``).
    Resuming from a checkpoint needs the same data (a hash of ``X`` and
    ``y`` is stored). With ``warm_start=False`` an existing checkpoint is
    never read, and it is overwritten after the first epoch.

    **Energies and forces** (``forces=True``). ``y`` is a pair
    ``(energies, forces)``: energies of shape ``(n_clouds,)``, forces one
    ``(n_i, dim)`` array per cloud (or an array of shape ``(n_clouds,
    n_points, dim)``). The network outputs one energy per cloud (pooled with
    ``pool``, ``"sum"`` for energies) and the forces are minus its gradient
    in the positions (:func:`~geomlearn.geometry.nn.energy_and_forces`), so
    they are conservative, and exactly equivariant in the exact modes.
    Forces are divided by their root-mean-square component ``f``, energies
    are shifted by their mean and divided by ``f`` times the length of the
    input scaling (so that the normalised forces are the gradient of the
    normalised energy); the loss is the sum of the energy and force mean
    squared errors in those units. :meth:`predict` returns ``(energies,
    forces)``. Use the exact modes (``model="pnita"`` or
    ``n_orientations=None``): only there is the energy exactly invariant.

    **Not included.** There is no gradient clipping and no exponential
    moving average of the weights (both used by the PONITA reference
    scripts).

    Torch's global random state is never touched.

    References
    ----------
    .. [1] E. J. Bekkers, S. Vadgama, R. D. Hesselink, P. A. van der Linden
       and D. W. Romero, "Fast, expressive SE(n) equivariant networks through
       weight-sharing in position-orientation space", ICLR 2024.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.geometry import EquivariantRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = [{"pos": rng.normal(size=(5, 3))} for _ in range(8)]
    >>> y = [c["pos"] - c["pos"].mean(0) for c in X]  # node vectors
    >>> model = EquivariantRegressor(
    ...     hidden=8, n_layers=1, max_epochs=2, device="cpu", random_state=0
    ... ).fit(X, y)
    >>> model.target_, model.predict(X)[0].shape
    ('node_vector', (5, 3))
    >>> energies = [float(np.sum(c["pos"] ** 2)) for c in X]  # graph targets
    >>> model = EquivariantRegressor(
    ...     model="pnita", hidden=8, n_layers=1, max_epochs=2, random_state=0
    ... ).fit(X, energies)
    >>> model.target_, model.predict(X).shape
    ('graph', (8,))

    Energies and forces, the forces being minus the gradient of the energy:

    >>> forces = [-2 * c["pos"] for c in X]
    >>> model = EquivariantRegressor(
    ...     model="pnita", forces=True, hidden=8, n_layers=1, max_epochs=2,
    ...     random_state=0,
    ... ).fit(X, (energies, forces))
    >>> e_pred, f_pred = model.predict(X)
    >>> e_pred.shape, f_pred[0].shape
    ((8,), (5, 3))
    """

    _stats_attributes = ("_input_stats", "_y_stats")
    _samples_name = "point clouds"

    _parameter_constraints = {
        "model": [StrOptions({"ponita", "pnita"})],
        "target": [StrOptions({"auto", "graph", "node_vector"})],
        "radius": [Interval(Real, 0, None, closed="neither"), None],
        "n_layers": [Interval(Integral, 1, None, closed="left")],
        "hidden": [Interval(Integral, 1, None, closed="left")],
        "n_orientations": [Interval(Integral, 1, None, closed="left"), None],
        "degree": [Interval(Integral, 1, None, closed="left")],
        "widening": [Interval(Integral, 1, None, closed="left")],
        "layer_scale": [Interval(Real, 0, None, closed="neither"), None],
        "pool": [StrOptions({"sum", "mean"})],
        "forces": ["boolean"],
        "lr_schedule": [StrOptions({"cosine", "step", "constant"})],
        **TRAINING_PARAMETER_CONSTRAINTS,
    }

    def __init__(
        self,
        *,
        model="ponita",
        target="auto",
        radius=None,
        n_layers=3,
        hidden=64,
        n_orientations=None,
        degree=3,
        widening=4,
        layer_scale=None,
        pool="sum",
        forces=False,
        max_epochs=100,
        batch_size=32,
        learning_rate=1e-3,
        weight_decay=0.0,
        lr_schedule="cosine",
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
        self.model = model
        self.target = target
        self.radius = radius
        self.n_layers = n_layers
        self.hidden = hidden
        self.n_orientations = n_orientations
        self.degree = degree
        self.widening = widening
        self.layer_scale = layer_scale
        self.pool = pool
        self.forces = forces
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
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
        # lists of point clouds, never a 2-D matrix
        tags.input_tags.two_d_array = False
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        tags.regressor_tags.poor_score = True
        return tags

    # ------------------------------------------------------------ validation
    def _check_X(self, X, *, reset):
        if isinstance(X, np.ndarray) and X.ndim == 3 and X.dtype != object:
            X = [{"pos": p} for p in X]
        if isinstance(X, (str, bytes, dict)) or not hasattr(X, "__len__"):
            raise TypeError(
                "X must be a list of point clouds (dicts with 'pos' and optional "
                "'x', 'vec', or torch_geometric Data); got "
                f"{type(X).__name__}."
            )
        if len(X) == 0:
            raise ValueError("X is empty: at least one point cloud is needed.")
        pos_l, x_l, vec_l, sizes = [], [], [], []
        layout = None
        for i, cloud in enumerate(X):
            if not isinstance(cloud, dict) and not hasattr(cloud, "pos"):
                raise TypeError(
                    f"X[{i}] must be a dict with 'pos' or a torch_geometric Data; "
                    f"got {type(cloud).__name__}."
                )
            pos = _get(cloud, "pos")
            if pos is None:
                raise ValueError(f"X[{i}] has no 'pos'.")
            pos = _as_float_array(pos, f"X[{i}]['pos']")
            if pos.ndim != 2 or pos.shape[0] < 1 or pos.shape[1] < 1:
                raise ValueError(
                    f"X[{i}]['pos'] must have shape (n_points, dim) with at least "
                    f"one point; got shape {pos.shape}."
                )
            n, dim = pos.shape
            x = _get(cloud, "x")
            if x is not None:
                x = _as_float_array(x, f"X[{i}]['x']")
                x = x[:, None] if x.ndim == 1 else x
                if x.ndim != 2 or x.shape[0] != n:
                    raise ValueError(
                        f"X[{i}]['x'] must have shape ({n}, n_features) or ({n},); "
                        f"got shape {x.shape}."
                    )
            vec = _get(cloud, "vec")
            if vec is not None:
                vec = _as_float_array(vec, f"X[{i}]['vec']")
                vec = vec[:, None, :] if vec.ndim == 2 else vec
                if vec.ndim != 3 or vec.shape[0] != n or vec.shape[2] != dim:
                    raise ValueError(
                        f"X[{i}]['vec'] must have shape ({n}, n_vectors, {dim}) or "
                        f"({n}, {dim}); got shape {vec.shape}."
                    )
            this = (
                dim,
                0 if x is None else x.shape[1],
                0 if vec is None else vec.shape[1],
            )
            if layout is None:
                layout = this
            elif this != layout:
                raise ValueError(
                    "all point clouds need the same dim, number of scalar features "
                    f"and of vectors: X[0] has (dim, n_features, n_vectors) = "
                    f"{layout}, X[{i}] has {this}."
                )
            pos_l.append(pos)
            x_l.append(x)
            vec_l.append(vec)
            sizes.append(n)
        dim, n_features, n_vectors = layout
        if reset:
            if self.model == "ponita" and dim not in (2, 3):
                raise ValueError(
                    f"model='ponita' needs points in 2-D or 3-D; got dim={dim}. "
                    "Use model='pnita' for other dimensions."
                )
        else:
            fitted = (self.dim_, self.n_features_, self.n_vectors_)
            if layout != fitted:
                raise ValueError(
                    f"X has (dim, n_features, n_vectors) = {layout} but the model "
                    f"was fitted with {fitted}."
                )
        ptr = np.concatenate([[0], np.cumsum(sizes)])
        return _Clouds(
            np.concatenate(pos_l),
            np.concatenate(x_l) if n_features else None,
            np.concatenate(vec_l) if n_vectors else None,
            ptr,
        )

    def _check_y(self, y, clouds):
        """Return (kind, y as float array, y_is_array, n_targets)."""
        n, dim = len(clouds), clouds.pos.shape[1]
        if y is None:
            raise ValueError("y is required.")
        if isinstance(y, (str, bytes, dict)):
            raise TypeError(f"y must be array-like; got {type(y).__name__}.")
        sizes = clouds.sizes
        if self.forces:
            return self._check_energy_forces(y, clouds)
        is_array = isinstance(y, (np.ndarray, torch.Tensor))
        items = list(y) if not is_array else None
        if is_array:
            y_arr = _as_float_array(y, "y")
            node = y_arr.ndim == 3
            items = list(y_arr)
        else:
            try:
                item_dims = {np.ndim(item) for item in items}
            except Exception as exc:  # ragged or odd inputs
                raise ValueError(f"y could not be read as arrays: {exc}") from exc
            node = item_dims == {2}
        if len(y) != n:
            raise ValueError(f"X has {n} point clouds but y has {len(y)} entries.")
        kind = self.target
        if kind == "auto":
            kind = "node_vector" if node else "graph"
        if kind == "node_vector":
            out = []
            for i, item in enumerate(items):
                item = _as_float_array(item, f"y[{i}]")
                if item.shape != (sizes[i], dim):
                    raise ValueError(
                        f"node-vector targets need y[{i}] of shape ({sizes[i]}, "
                        f"{dim}) (one vector per point of X[{i}]); got shape "
                        f"{item.shape}."
                    )
                out.append(item)
            return kind, np.concatenate(out), is_array, 1
        y_arr = _as_float_array(y, "y")
        if y_arr.ndim not in (1, 2):
            raise ValueError(
                "graph targets must have shape (n_clouds,) or (n_clouds, "
                f"n_targets); got shape {y_arr.shape}. Node-vector targets are "
                "one (n_points, dim) array per cloud."
            )
        n_targets = 1 if y_arr.ndim == 1 else y_arr.shape[1]
        return kind, y_arr.reshape(n, n_targets), y_arr.ndim == 2, n_targets

    def _check_energy_forces(self, y, clouds):
        if self.target == "node_vector":
            raise ValueError("forces=True needs target='auto' or 'graph'.")
        if isinstance(y, np.ndarray) or not hasattr(y, "__len__") or len(y) != 2:
            raise ValueError(
                "with forces=True, y must be a pair (energies, forces): energies "
                "of shape (n_clouds,) and one (n_points, dim) force array per cloud."
            )
        energies = _as_float_array(y[0], "energies y[0]")
        n, dim = len(clouds), clouds.pos.shape[1]
        if energies.shape != (n,):
            raise ValueError(
                f"the energies y[0] must have shape ({n},); got {energies.shape}."
            )
        forces = y[1]
        if len(forces) != n:
            raise ValueError(
                f"X has {n} point clouds but y[1] has {len(forces)} force arrays."
            )
        out = []
        for i, f in enumerate(forces):
            f = _as_float_array(f, f"forces y[1][{i}]")
            if f.shape != (clouds.sizes[i], dim):
                raise ValueError(
                    f"the forces y[1][{i}] must have shape ({clouds.sizes[i]}, "
                    f"{dim}); got shape {f.shape}."
                )
            out.append(f)
        is_array = isinstance(forces, np.ndarray) and forces.ndim == 3
        return "energy_forces", (energies[:, None], np.concatenate(out)), is_array, 1

    # ------------------------------------------------------------ model
    def _config(self, clouds, kind, n_targets):
        return {
            "model": self.model,
            "target": kind,
            "n_targets": int(n_targets),
            "dim": int(clouds.pos.shape[1]),
            "n_features": 0 if clouds.x is None else int(clouds.x.shape[1]),
            "n_vectors": 0 if clouds.vec is None else int(clouds.vec.shape[1]),
            "radius": None if self.radius is None else float(self.radius),
            "n_layers": int(self.n_layers),
            "hidden": int(self.hidden),
            "n_orientations": (
                None if self.n_orientations is None else int(self.n_orientations)
            ),
            "degree": int(self.degree),
            "widening": int(self.widening),
            "layer_scale": (
                None if self.layer_scale is None else float(self.layer_scale)
            ),
            "pool": self.pool,
        }

    @staticmethod
    def _build_module(config, seed, length):
        from geomlearn.geometry.nn import PNITA, PONITA

        vector = config["target"] == "node_vector"
        radius = config["radius"]
        kwargs = {
            "in_channels": config["n_features"],
            "hidden": config["hidden"],
            "out_scalars": 0 if vector else config["n_targets"],
            "out_vectors": 1 if vector else 0,
            "n_layers": config["n_layers"],
            "radius": None if radius is None else radius / length,
            "dim": config["dim"],
            "in_vectors": config["n_vectors"],
            "degree": config["degree"],
            "widening": config["widening"],
            "layer_scale": config["layer_scale"],
            "scalar_pool": config["pool"],
            "vector_pool": None,
        }
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)  # only inside the fork: global state restored
            if config["model"] == "pnita":
                return PNITA(**kwargs)
            return PONITA(n_orientations=config["n_orientations"], **kwargs)

    @staticmethod
    def _fit_stats(kind, y, length=1.0):
        if kind == "energy_forces":
            energies, forces = y
            scale = float(np.sqrt(np.mean(forces**2)))
            scale = scale if scale > _EPS else 1.0
            return {
                "mean": torch.as_tensor(energies.mean(axis=0), dtype=torch.float32),
                "std": torch.tensor([scale * length], dtype=torch.float32),
                "force_scale": torch.tensor([scale], dtype=torch.float32),
            }
        if kind == "node_vector":
            scale = float(np.sqrt(np.mean(y**2)))
            scale = scale if scale > _EPS else 1.0
            return {
                "mean": torch.zeros(1, dtype=torch.float32),
                "std": torch.tensor([scale], dtype=torch.float32),
            }
        std = y.std(axis=0)
        std = np.where(std > _EPS, std, 1.0)
        return {
            "mean": torch.as_tensor(y.mean(axis=0), dtype=torch.float32),
            "std": torch.as_tensor(std, dtype=torch.float32),
        }

    def _forward(self, data, idx):
        """Normalised outputs of the graphs ``idx``: (n_nodes, dim) or (b, T)."""
        batch, nodes = _gather(data, idx)
        if self._config_["target"] == "energy_forces":
            from geomlearn.geometry.nn import energy_and_forces

            energy, forces = energy_and_forces(self.module_, batch)
            return (energy[:, None], forces), nodes
        scalars, vectors = self.module_(batch)
        if self._config_["target"] == "node_vector":
            return vectors[:, 0, :], nodes
        return scalars, nodes

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the network on point clouds and their targets.

        Parameters
        ----------
        X : list of dict or list of torch_geometric.data.Data
            Point clouds: ``"pos"`` of shape (n_i, dim), optional ``"x"`` of
            shape (n_i, n_features) and ``"vec"`` of shape
            (n_i, n_vectors, dim) (see Notes of the class).
        y : array-like of shape (n_clouds,) or (n_clouds, n_targets), or \
list of arrays of shape (n_i, dim)
            Graph-level targets, or one target vector per point.

        Returns
        -------
        self : EquivariantRegressor
            The fitted estimator.
        """
        clouds = self._check_X(X, reset=True)
        kind, y_arr, y_is_2d, n_targets = self._check_y(y, clouds)
        config = self._config(clouds, kind, n_targets)
        rng = check_random_state(self.random_state)
        init_seed, train_seed = (int(s) for s in rng.randint(2**31 - 1, size=2))
        resume = self._resume_source(
            config, len(clouds), lambda: _fingerprint(clouds, y_arr)
        )
        device = resolve_device(self.device)
        if resume is None:
            input_stats = clouds.input_stats()
            state = None
            y_stats = self._fit_stats(kind, y_arr, input_stats["length"])
        else:
            module_state, state, (input_stats, y_stats) = resume
        module = self._build_module(config, init_seed, input_stats["length"])
        if resume is not None:
            module.load_state_dict(module_state)

        self.device_ = device
        self.module_ = module.to(device)
        self._config_ = config
        self._y_stats = y_stats
        self._input_stats = input_stats
        self._y_layout = y_is_2d
        self.target_ = kind
        self.n_targets_ = config["n_targets"]
        self.dim_ = config["dim"]
        self.n_features_ = config["n_features"]
        self.n_vectors_ = config["n_vectors"]

        data = clouds.to_torch(device, input_stats)
        mean = y_stats["mean"].to(device)
        std = y_stats["std"].to(device)
        vector = kind == "node_vector"
        if kind == "energy_forces":
            e_norm = (
                torch.as_tensor(y_arr[0], dtype=torch.float32).to(device) - mean
            ) / std
            f_norm = torch.as_tensor(y_arr[1], dtype=torch.float32).to(device)
            f_norm = f_norm / y_stats["force_scale"].to(device)
        else:
            y_norm = (
                torch.as_tensor(y_arr, dtype=torch.float32).to(device) - mean
            ) / std

        def per_node_mean(err, idx):
            counts = data.ptr[idx + 1] - data.ptr[idx]
            graph = torch.repeat_interleave(
                torch.arange(len(idx), device=device), counts
            )
            total = err.new_zeros(len(idx)).index_add_(0, graph, err)
            return total / counts.to(err.dtype)

        def per_sample_loss(module, idx):
            idx = idx.to(device)
            pred, nodes = self._forward(data, idx)
            if kind == "energy_forces":
                energy, forces = pred
                e_loss = ((energy - e_norm[idx]) ** 2).mean(-1)
                f_loss = per_node_mean(((forces - f_norm[nodes]) ** 2).mean(-1), idx)
                return e_loss + f_loss
            if vector:
                return per_node_mean(((pred - y_norm[nodes]) ** 2).mean(-1), idx)
            return ((pred - y_norm[idx]) ** 2).mean(-1)

        learning_rate, weight_decay = self.learning_rate, self.weight_decay
        schedule = self.lr_schedule
        step_size, gamma = self.lr_step_size, self.lr_gamma
        t_max = max(1, int(self.max_epochs))

        def make_scheduler(optimizer):
            if schedule == "cosine":
                return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, t_max)
            if schedule == "step":
                return torch.optim.lr_scheduler.StepLR(optimizer, step_size, gamma)
            return None

        extra = self._checkpoint_extra(
            config, _fingerprint(clouds, y_arr) if self.checkpoint_path else None
        )
        state = train(
            self.module_,
            (torch.arange(len(clouds)),),
            per_sample_loss,
            make_optimizer=lambda p: torch.optim.AdamW(
                p, lr=learning_rate, weight_decay=weight_decay
            ),
            make_scheduler=make_scheduler if schedule != "constant" else None,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            seed=train_seed,
            state=state,
            reduction="mean",
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

    # ------------------------------------------------------------ outputs
    def predict(self, X):
        """Predict graph-level targets or one vector per point.

        Parameters
        ----------
        X : list of dict or list of torch_geometric.data.Data
            Point clouds with the features used in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_clouds,) or (n_clouds, n_targets), or \
list of ndarray of shape (n_i, dim), or tuple
            Predictions (float32) in the layout of the ``y`` given to
            ``fit``: graph targets as an array; node vectors as a list of
            arrays, or one array of shape (n_clouds, n_points, dim) when
            ``y`` was such an array; with ``forces=True`` the pair
            ``(energies, forces)``.
        """
        check_is_fitted(self)
        clouds = self._check_X(X, reset=False)
        data = clouds.to_torch(self.device_, self._input_stats)
        mean = self._y_stats["mean"].to(self.device_)
        std = self._y_stats["std"].to(self.device_)
        self.module_.eval()
        out = []
        with torch.no_grad():
            for start in range(0, len(clouds), self.batch_size):
                idx = torch.arange(
                    start,
                    min(start + self.batch_size, len(clouds)),
                    device=self.device_,
                )
                pred, _ = self._forward(data, idx)
                if self.target_ == "energy_forces":
                    energy, forces = pred
                    force_scale = self._y_stats["force_scale"].to(self.device_)
                    out.append(
                        (to_numpy(energy * std + mean), to_numpy(forces * force_scale))
                    )
                else:
                    out.append(to_numpy(pred * std + mean))
        if self.target_ == "energy_forces":
            energies = np.concatenate([e for e, _ in out])[:, 0]
            forces = np.split(np.concatenate([f for _, f in out]), clouds.ptr[1:-1])
            if self._y_layout and len(set(clouds.sizes.tolist())) == 1:
                forces = np.stack(forces)
            return energies, forces
        pred = np.concatenate(out)
        if self.target_ == "graph":
            return pred if self._y_layout else pred[:, 0]
        vectors = np.split(pred, clouds.ptr[1:-1])
        if self._y_layout and len(set(clouds.sizes.tolist())) == 1:
            return np.stack(vectors)
        return vectors

    def score(self, X, y, sample_weight=None):
        """R² of graph targets, or minus the mean squared error of vector targets.

        For graph-level targets the score is scikit-learn's coefficient of
        determination R² (:func:`sklearn.metrics.r2_score`, averaged
        uniformly over the target columns). For node-vector targets R² would
        need a mean vector, which is not rotation-invariant; the score is
        then minus the mean squared error over all points and coordinates
        (the N-body metric of EGNN and PONITA), averaged over the clouds with
        ``sample_weight``, so that higher is better and 0 is perfect. With
        ``forces=True`` it is minus the mean squared error of the forces
        (energies are not scored).

        Parameters
        ----------
        X : list of dict or list of torch_geometric.data.Data
            Point clouds.
        y : array-like or list of arrays
            True targets, in the layout used in ``fit``.
        sample_weight : array-like of shape (n_clouds,), default=None
            Weights of the clouds.

        Returns
        -------
        score : float
            R² (graph targets) or ``-MSE`` (node-vector targets).
        """
        y_pred = self.predict(X)
        if self.target_ == "energy_forces":
            if not hasattr(y, "__len__") or len(y) != 2:
                raise ValueError("with forces=True, y is a pair (energies, forces).")
            y, y_pred = y[1], y_pred[1]
        if self.target_ == "graph":
            y = _as_float_array(y, "y")
            if y.shape != np.shape(y_pred):
                raise ValueError(
                    f"y has shape {y.shape}; the predictions have shape "
                    f"{np.shape(y_pred)}."
                )
            return float(r2_score(y, y_pred, sample_weight=sample_weight))
        if len(y) != len(y_pred):
            raise ValueError(
                f"y has {len(y)} entries; there are {len(y_pred)} point clouds."
            )
        errors = []
        for i, (t, p) in enumerate(zip(y, y_pred, strict=True)):
            t = _as_float_array(t, f"y[{i}]")
            if t.shape != p.shape:
                raise ValueError(
                    f"y[{i}] has shape {t.shape}; the prediction has shape {p.shape}."
                )
            errors.append(np.mean((p.astype(np.float64) - t) ** 2))
        return -float(np.average(errors, weights=sample_weight))
