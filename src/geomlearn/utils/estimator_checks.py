"""Checks of the geomlearn contract that scikit-learn's own checks do not cover.

scikit-learn's :func:`~sklearn.utils.estimator_checks.parametrize_with_checks`
tests estimators on 2-D feature matrices. Many geomlearn estimators take other
inputs (collections of point clouds, persistence diagrams, fields on grids),
and some promises of ours go beyond scikit-learn's. The checks here take the
estimator *and the data to test it on*, so each area's tests stay a few lines
long::

    from geomlearn.utils.estimator_checks import check_pickle_roundtrip

    def test_pickle(point_clouds):
        check_pickle_roundtrip(RipsPersistence(), point_clouds)

Every check raises :class:`AssertionError` with an explanation on failure.
Area-specific kits (equivariance, diagram transformers, vector-field kernels)
are added here as the areas land.
"""

import copy
import pickle
import sys

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

__all__ = [
    "check_collection_transformer",
    "check_equivariance",
    "check_no_global_random_state",
    "check_pickle_roundtrip",
    "check_predict_matches_labels",
    "check_random_state_reproducible",
]

_OUTPUT_METHODS = ("predict", "transform", "predict_proba", "decision_function")


def _fit(estimator, X, y):
    return estimator.fit(X) if y is None else estimator.fit(X, y)


def _outputs(estimator, X):
    """Return {method: output} for every output method the estimator has."""
    return {
        method: getattr(estimator, method)(X)
        for method in _OUTPUT_METHODS
        if hasattr(estimator, method)
    }


def _assert_same(a, b, what):
    if hasattr(a, "toarray"):  # scipy sparse
        assert hasattr(b, "toarray"), f"{what}: a sparse matrix became {type(b)}"
        a, b = a.toarray(), b.toarray()
    if isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)), f"{what}: a sequence became {type(b)}"
        assert len(a) == len(b), f"{what}: lengths differ ({len(a)} vs {len(b)})"
        for i, (ai, bi) in enumerate(zip(a, b, strict=True)):
            _assert_same(ai, bi, f"{what}[{i}]")
        return
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b), err_msg=what)


def check_predict_matches_labels(estimator, X):
    """Check that ``predict`` on the training data gives back ``labels_``.

    The scikit-learn clustering contract; the ``kmedoids`` package breaks it
    (its ``predict`` returns medoid indices, not cluster labels).

    Parameters
    ----------
    estimator : estimator instance
        A clusterer with ``fit``, ``predict`` and ``labels_``.
    X : object
        Training data in the form the estimator takes.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.cluster import KMeans
    >>> from geomlearn.utils.estimator_checks import check_predict_matches_labels
    >>> X = np.random.RandomState(0).normal(size=(30, 2))
    >>> check_predict_matches_labels(KMeans(3, n_init=1, random_state=0), X)
    """
    fitted = clone(estimator).fit(X)
    labels = np.asarray(fitted.labels_)
    predicted = np.asarray(fitted.predict(X))
    mismatches = int(np.sum(labels != predicted))
    assert mismatches == 0, (
        f"{type(estimator).__name__}.predict(X_train) disagrees with labels_ on "
        f"{mismatches} of {len(labels)} samples."
    )


def check_pickle_roundtrip(estimator, X, y=None):
    """Check that a fitted estimator pickles, reloads and gives the same outputs.

    Parameters
    ----------
    estimator : estimator instance
        The estimator to check.
    X : object
        Data in the form the estimator takes (also passed to the outputs).
    y : array-like, default=None
        Targets, for supervised estimators.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.decomposition import PCA
    >>> from geomlearn.utils.estimator_checks import check_pickle_roundtrip
    >>> check_pickle_roundtrip(PCA(2), np.random.RandomState(0).normal(size=(20, 4)))
    """
    fitted = _fit(clone(estimator), X, y)
    before = _outputs(fitted, X)
    reloaded = pickle.loads(pickle.dumps(fitted))
    after = _outputs(reloaded, X)
    assert before.keys() == after.keys()
    for method in before:
        _assert_same(
            before[method],
            after[method],
            f"{type(estimator).__name__}.{method} changed after a pickle round trip",
        )


def _global_states():
    """Snapshot numpy's and (when imported) torch's global random states."""
    states = {"numpy": np.random.get_state()}
    torch = sys.modules.get("torch")
    if torch is not None:
        states["torch"] = torch.random.get_rng_state().clone()
    return states


def _same_state(a, b):
    if isinstance(a, tuple):
        return all(_same_state(x, y) for x, y in zip(a, b, strict=True))
    if hasattr(a, "equal"):
        return bool(a.equal(b))
    return bool(np.array_equal(a, b))


def check_no_global_random_state(estimator, X, y=None):
    """Check that fitting and predicting with a set random_state leaves global RNGs alone.

    geomlearn estimators draw from generators made from ``random_state``;
    they never seed or draw from numpy's or torch's global generators, so a
    user's own random stream is not disturbed.

    Parameters
    ----------
    estimator : estimator instance
        The estimator to check; its ``random_state`` is set to 0 if it has one.
    X : object
        Data in the form the estimator takes.
    y : array-like, default=None
        Targets, for supervised estimators.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.cluster import KMeans
    >>> from geomlearn.utils.estimator_checks import check_no_global_random_state
    >>> X = np.random.RandomState(0).normal(size=(30, 2))
    >>> check_no_global_random_state(KMeans(3, n_init=2), X)
    """
    estimator = clone(estimator)
    if "random_state" in estimator.get_params():
        estimator.set_params(random_state=0)
    before = _global_states()
    _outputs(_fit(estimator, X, y), X)
    after = _global_states()
    for library, state in before.items():
        assert _same_state(state, after[library]), (
            f"{type(estimator).__name__} changed {library}'s global random state; "
            f"use a generator made from random_state instead."
        )


def check_random_state_reproducible(estimator, X, y=None):
    """Check that two fits with the same integer random_state agree exactly.

    Parameters
    ----------
    estimator : estimator instance
        A stochastic estimator with a ``random_state`` parameter.
    X : object
        Data in the form the estimator takes.
    y : array-like, default=None
        Targets, for supervised estimators.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.cluster import KMeans
    >>> from geomlearn.utils.estimator_checks import check_random_state_reproducible
    >>> X = np.random.RandomState(0).normal(size=(30, 2))
    >>> check_random_state_reproducible(KMeans(3, n_init=1), X)
    """
    assert "random_state" in estimator.get_params(), (
        f"{type(estimator).__name__} has no random_state parameter."
    )
    first = _fit(clone(estimator).set_params(random_state=7), X, y)
    second = _fit(clone(estimator).set_params(random_state=7), X, y)
    out1, out2 = _outputs(first, X), _outputs(second, X)
    for method in out1:
        _assert_same(
            out1[method],
            out2[method],
            f"{type(estimator).__name__}.{method} differs between two fits with "
            f"random_state=7",
        )


def _subset(X, index):
    """Take samples ``index`` of a collection, keeping an array an array."""
    if isinstance(X, np.ndarray):
        return X[index]
    return [X[i] for i in index]


def _collection_fit_returns_self(estimator, X):
    fitted = estimator.fit(X)
    assert fitted is estimator, "fit must return self"


def _collection_unfitted_transform_raises(estimator, X):
    try:
        estimator.transform(X)
    except NotFittedError:
        return
    raise AssertionError("transform before fit must raise NotFittedError")


def _collection_fit_transform_consistent(estimator, X):
    a = clone(estimator).fit_transform(X)
    b = clone(estimator).fit(X).transform(X)
    what = "fit_transform(X) differs from fit(X).transform(X)"
    if isinstance(a, np.ndarray) and a.dtype.kind == "f":
        # fit_transform may take a shortcut (a symmetric Gram matrix computed
        # once per pair): equal up to rounding, as in scikit-learn's check
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15, err_msg=what)
    else:
        _assert_same(a, b, what)


def _collection_one_output_per_sample(estimator, X):
    out = clone(estimator).fit(X).transform(X)
    assert len(out) == len(X), f"transform gave {len(out)} outputs for {len(X)} samples"


def _collection_fit_idempotent(estimator, X):
    est = clone(estimator).fit(X)
    first = est.transform(X)
    second = est.fit(X).transform(X)
    _assert_same(first, second, "a second fit on the same data changed the output")


def _collection_input_not_modified(estimator, X):
    original = copy.deepcopy(X)
    est = clone(estimator).fit(X)
    est.transform(X)
    _assert_same(original, X, "fit or transform modified its input")


def _collection_params_not_modified(estimator, X):
    est = clone(estimator)
    before = {k: copy.deepcopy(v) for k, v in est.get_params(deep=False).items()}
    est.fit(X)
    after = est.get_params(deep=False)
    for name, value in before.items():
        same = value is after[name] or (
            type(value) is type(after[name]) and repr(value) == repr(after[name])
        )
        assert same, f"fit changed the parameter {name}: {value!r} -> {after[name]!r}"


def _collection_transform_keeps_state(estimator, X):
    est = clone(estimator).fit(X)
    state = {k: copy.deepcopy(v) for k, v in vars(est).items()}
    est.transform(X)
    assert vars(est).keys() == state.keys(), "transform added or removed attributes"
    for name, value in state.items():
        _assert_same_object(value, vars(est)[name], f"transform changed {name}")


def _assert_same_object(a, b, what):
    if isinstance(a, (np.ndarray, list, tuple)) or np.isscalar(a):
        try:
            _assert_same(a, b, what)
            return
        except (TypeError, ValueError):
            pass
    assert repr(a) == repr(b), what


def _collection_fitted_attributes_end_with_underscore(estimator, X):
    est = clone(estimator)
    params = set(est.get_params(deep=False))
    est.fit(X)
    new = set(vars(est)) - params
    public = [a for a in new if not a.startswith("_")]
    bad = [a for a in public if not a.endswith("_")]
    assert not bad, f"fit set public attributes without a trailing underscore: {bad}"
    assert public, "fit set no fitted attribute (check_is_fitted cannot work)"


def _collection_sample_order_invariance(estimator, X):
    est = clone(estimator).fit(X)
    order = np.random.RandomState(0).permutation(len(X))
    full = est.transform(X)
    permuted = est.transform(_subset(X, order))
    _assert_same(
        _subset(full, order)
        if isinstance(full, np.ndarray)
        else [full[i] for i in order],
        permuted,
        "transform of permuted samples is not the permuted transform",
    )


def _collection_subset_invariance(estimator, X):
    est = clone(estimator).fit(X)
    full = est.transform(X)
    half = list(range(0, len(X), 2))
    part = est.transform(_subset(X, half))
    expected = full[half] if isinstance(full, np.ndarray) else [full[i] for i in half]
    _assert_same(
        expected, part, "transform of a subset differs from the subset of transform"
    )


def _collection_n_jobs_invariance(estimator, X):
    if "n_jobs" not in estimator.get_params():
        return
    one = clone(estimator).set_params(n_jobs=1).fit(X).transform(X)
    two = clone(estimator).set_params(n_jobs=2).fit(X).transform(X)
    _assert_same(one, two, "n_jobs=2 gives another output than n_jobs=1")


def _collection_empty_raises(estimator, X):
    empties = [[]]
    if isinstance(X, np.ndarray):
        empties.append(np.empty((0, *X.shape[1:])))
    for bad in empties:
        try:
            clone(estimator).fit(bad)
        except ValueError as exc:
            message = str(exc)
        else:
            raise AssertionError("fit on an empty collection must raise ValueError")
        assert "empty" in message, f"unclear message for an empty collection: {message}"


def _collection_non_collection_raises(estimator, X):
    for bad in (3.0, "abc", None):
        try:
            clone(estimator).fit(bad)
        except (TypeError, ValueError):
            continue
        raise AssertionError(f"fit({bad!r}) must raise TypeError or ValueError")


def _collection_pickle(estimator, X):
    check_pickle_roundtrip(estimator, X)


def _collection_clone_unfitted(estimator, X):
    fitted = clone(estimator).fit(X)
    fresh = clone(fitted)
    try:
        fresh.transform(X)
    except NotFittedError:
        return
    raise AssertionError("clone of a fitted estimator must be unfitted")


COLLECTION_CHECKS = (
    _collection_fit_returns_self,
    _collection_unfitted_transform_raises,
    _collection_fit_transform_consistent,
    _collection_one_output_per_sample,
    _collection_fit_idempotent,
    _collection_input_not_modified,
    _collection_params_not_modified,
    _collection_transform_keeps_state,
    _collection_fitted_attributes_end_with_underscore,
    _collection_sample_order_invariance,
    _collection_subset_invariance,
    _collection_n_jobs_invariance,
    _collection_empty_raises,
    _collection_non_collection_raises,
    _collection_pickle,
    _collection_clone_unfitted,
)


def check_collection_transformer(estimator, X):
    """Check the scikit-learn transformer contract on a collection input.

    scikit-learn's checks feed 2-D feature matrices; transformers of
    collections (point clouds, images, graphs, diagrams) declare
    ``input_tags.two_d_array = False`` and are skipped there. This kit
    replays the data-dependent part of those checks on a collection that the
    estimator takes: ``fit`` returns ``self``; ``transform`` before ``fit``
    raises :class:`~sklearn.exceptions.NotFittedError`; ``fit_transform``
    equals ``fit().transform()``; one output per sample; refitting is
    idempotent; neither the input, the parameters nor (in ``transform``) the
    fitted state change; fitted attributes end with ``_``; outputs do not
    depend on the order of the samples or on the other samples of the batch;
    ``n_jobs`` does not change results; empty and non-collection inputs raise
    clear errors; the fitted estimator pickles; a clone is unfitted.

    Parameters
    ----------
    estimator : estimator instance
        A transformer of collections.
    X : object
        A collection of at least four samples that the estimator takes.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import PersistenceEntropy
    >>> from geomlearn.utils.estimator_checks import check_collection_transformer
    >>> rng = np.random.default_rng(0)
    >>> diagrams = [rng.uniform(0, 1, (5, 2)).cumsum(axis=1) for _ in range(6)]
    >>> check_collection_transformer(PersistenceEntropy(), diagrams)
    """
    for check in COLLECTION_CHECKS:
        check(clone(estimator), X)


# --------------------------------------------------------------------------- equivariance
_GROUPS = {
    # name: (dimension, translations, reflections)
    "SO2": (2, False, False),
    "O2": (2, False, True),
    "SE2": (2, True, False),
    "E2": (2, True, True),
    "SO3": (3, False, False),
    "O3": (3, False, True),
    "SE3": (3, True, False),
    "E3": (3, True, True),
}


def _as_numpy(a):
    """Copy an array or (detached) torch tensor into a float64 numpy array."""
    if hasattr(a, "detach"):
        a = a.detach().cpu().numpy()
    return np.array(a, dtype=np.float64)


def _like(values, template):
    """``values`` (numpy) in the container and dtype of ``template``."""
    if hasattr(template, "new_tensor"):  # a torch tensor; torch is not imported here
        return template.new_tensor(values)
    template = np.asarray(template)
    return values.astype(template.dtype, copy=False)


def _random_orthogonal(rng, dim, proper):
    """Draw a Haar-random matrix of O(dim) with determinant +1 (proper) or -1."""
    q, r = np.linalg.qr(rng.standard_normal((dim, dim)))
    q = q * np.sign(np.diag(r))
    if (np.linalg.det(q) > 0) != proper:
        q[:, 0] = -q[:, 0]
    return q


def _split_outputs(out, what):
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise TypeError(
            f"{what} must return a pair (scalars, vectors), either of them None; "
            f"got {type(out).__name__}"
        )
    return [None if o is None else _as_numpy(o) for o in out]


def check_equivariance(
    model_or_fn,
    inputs,
    *,
    group="SE3",
    n_trials=3,
    atol=1e-5,
    rtol=1e-5,
    permute=True,
    per_point=None,
    random_state=None,
):
    """Check that a model's scalars are invariant and its vectors equivariant.

    The model sees a point cloud and returns invariant scalars and
    equivariant vectors. For ``n_trials`` random elements ``g`` of ``group``
    (a rotation or, when the group has them, a rotation-reflection ``Q``,
    Haar-distributed; a Gaussian translation ``t``; a random permutation
    ``P`` of the points), the inputs are transformed as ``pos -> P (pos Q^T
    + t)``, ``vec -> P vec Q^T``, ``x -> P x`` and the outputs must satisfy
    ``scalars(g.in) = P scalars(in)``, ``vectors(g.in) = P vectors(in) Q^T``
    (``P`` only for per-point outputs; vectors are not translated). When
    the group has reflections, every other trial (starting with the first)
    uses one, so that a single trial already tests a reflection.

    The check needs neither torch nor a fitted estimator: it works on any
    callable, and keeps the container (numpy array or torch tensor) and the
    dtype of the inputs. Errors are computed in float64.

    Parameters
    ----------
    model_or_fn : callable
        Called as ``model_or_fn(pos, vec=vec, x=x, **extras)``, where only
        the keys present in ``inputs`` are passed, and returning a pair
        ``(scalars, vectors)``, either of them ``None``: ``scalars`` of
        shape ``(n_points, ...)`` (per point) or ``(n_graphs, ...)`` (per
        graph), ``vectors`` of shape ``(..., dim)``. Wrap a torch module or
        an estimator into such a function.
    inputs : dict
        ``"pos"``: array-like of shape ``(n_points, dim)``; optional
        ``"vec"``: vector features of shape ``(n_points, n_vectors, dim)``;
        optional ``"x"``: scalar features of shape ``(n_points, ...)``. Any
        other key is passed on as a keyword argument, permuted along with
        the points when it is an array whose leading dimension is
        ``n_points`` (a ``batch`` vector, masks). Do not pass graph
        connectivity (``edge_index``): it would have to be relabelled; let
        the model build its graph from ``pos``.
    group : {"SE3", "E3", "SO3", "O3", "SE2", "E2", "SO2", "O2"}, default="SE3"
        The symmetry group: ``SO`` rotations, ``O`` rotations and
        reflections, ``SE`` rotations and translations, ``E`` all three.
    n_trials : int, default=3
        Number of random group elements.
    atol, rtol : float, default=1e-5
        Tolerances of :func:`numpy.testing.assert_allclose`. Pass
        ``atol=np.inf`` to only measure the errors (for approximately
        equivariant models); nothing is asserted then but the shapes.
    permute : bool, default=True
        Whether to permute the points too.
    per_point : bool, default=None
        Whether the outputs are per point (permuted with the points) or per
        graph. ``None`` decides for each output from its leading dimension
        (per point when it equals ``n_points``); pass it explicitly when a
        per-graph output could have ``n_points`` rows.
    random_state : int, numpy.random.Generator or None, default=None
        Seed of the group elements (numpy's ``default_rng``).

    Returns
    -------
    errors : dict
        ``"scalars"`` and ``"vectors"``: the largest absolute deviation over
        the trials (``nan`` when the model has no such output);
        ``"scalars_relative"`` and ``"vectors_relative"``: the same divided
        by the largest absolute value of that output.

    Raises
    ------
    AssertionError
        If an output deviates beyond the tolerances, or changes shape.

    Examples
    --------
    Distances to the centroid are invariant, positions minus the centroid
    equivariant:

    >>> import numpy as np
    >>> from geomlearn.utils.estimator_checks import check_equivariance
    >>> def f(pos):
    ...     centred = pos - pos.mean(axis=0)
    ...     return np.linalg.norm(centred, axis=1), centred
    >>> pos = np.random.default_rng(0).normal(size=(6, 3))
    >>> errors = check_equivariance(f, {"pos": pos}, group="E3", random_state=0)
    >>> errors["vectors"] < 1e-12
    True

    Raw positions are not translation-equivariant:

    >>> check_equivariance(lambda pos: (None, pos), {"pos": pos}, random_state=0)
    Traceback (most recent call last):
    ...
    AssertionError: ...
    """
    if group not in _GROUPS:
        raise ValueError(f"group must be one of {sorted(_GROUPS)}; got {group!r}")
    if not callable(model_or_fn):
        raise TypeError(
            "model_or_fn must be a callable f(pos, vec=None, x=None) -> "
            f"(scalars, vectors); got {type(model_or_fn).__name__}"
        )
    if "pos" not in inputs:
        raise ValueError("inputs needs a 'pos' entry of shape (n_points, dim)")
    dim, translate, reflect = _GROUPS[group]
    pos = _as_numpy(inputs["pos"])
    if pos.ndim != 2 or pos.shape[1] != dim:
        raise ValueError(
            f"inputs['pos'] must have shape (n_points, {dim}) for group {group}; "
            f"got {pos.shape}"
        )
    n = pos.shape[0]
    vec = inputs.get("vec")
    if vec is not None:
        vec_np = _as_numpy(vec)
        if vec_np.ndim != 3 or vec_np.shape[0] != n or vec_np.shape[2] != dim:
            raise ValueError(
                f"inputs['vec'] must have shape ({n}, n_vectors, {dim}); got {vec_np.shape}"
            )
    rng = np.random.default_rng(random_state)

    def call(values):
        return _split_outputs(
            model_or_fn(
                values["pos"], **{k: v for k, v in values.items() if k != "pos"}
            ),
            "model_or_fn",
        )

    def is_per_point(out):
        if per_point is not None:
            return per_point
        return out.ndim >= 1 and out.shape[0] == n

    reference = call(dict(inputs))
    if reference[0] is None and reference[1] is None:
        raise AssertionError("model_or_fn returned neither scalars nor vectors")
    errors = {"scalars": np.nan, "vectors": np.nan}
    scale = [
        None
        if out is None
        else max(float(np.abs(out).max(initial=0.0)), np.finfo(float).tiny)
        for out in reference
    ]
    for trial in range(int(n_trials)):
        proper = not (reflect and trial % 2 == 0)
        q = _random_orthogonal(rng, dim, proper)
        t = rng.normal(scale=max(1.0, float(pos.std())), size=dim) if translate else 0.0
        perm = rng.permutation(n) if permute else np.arange(n)
        moved = {}
        for key, value in inputs.items():
            if key == "pos":
                moved[key] = _like((pos @ q.T + t)[perm], value)
            elif key == "vec" and value is not None:
                moved[key] = _like((_as_numpy(value) @ q.T)[perm], value)
            elif (
                value is not None
                and hasattr(value, "shape")
                and len(value.shape) >= 1
                and value.shape[0] == n
            ):
                moved[key] = (
                    value[perm.tolist()]
                    if hasattr(value, "new_tensor")
                    else (np.asarray(value)[perm])
                )
            else:
                moved[key] = value
        outputs = call(moved)
        kind = f"trial {trial} ({'reflection' if not proper else 'rotation'}"
        kind += ", translation" if translate else ""
        kind += ", permutation)" if permute else ")"
        for index, name in enumerate(("scalars", "vectors")):
            ref, out = reference[index], outputs[index]
            if (ref is None) != (out is None):
                raise AssertionError(
                    f"{name}: returned None for only one input ({kind})"
                )
            if ref is None:
                continue
            expected = ref @ q.T if name == "vectors" else ref
            if is_per_point(ref):
                expected = expected[perm]
            if out.shape != expected.shape:
                raise AssertionError(
                    f"{name}: shape {out.shape} after the transformation, "
                    f"{expected.shape} expected ({kind})"
                )
            err = float(np.abs(out - expected).max(initial=0.0))
            errors[name] = err if np.isnan(errors[name]) else max(errors[name], err)
            if np.isinf(atol) or np.isinf(rtol):
                continue  # measuring only
            np.testing.assert_allclose(
                out,
                expected,
                rtol=rtol,
                atol=atol,
                err_msg=f"{name} not {'invariant' if name == 'scalars' else 'equivariant'}"
                f" under {group}: {kind}",
            )
    errors["scalars_relative"] = (
        np.nan if scale[0] is None else errors["scalars"] / scale[0]
    )
    errors["vectors_relative"] = (
        np.nan if scale[1] is None else errors["vectors"] / scale[1]
    )
    return errors
