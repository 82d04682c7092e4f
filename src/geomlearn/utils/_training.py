# requires: torch
"""A reusable mini-batch training loop for geomlearn's torch estimators.

Private: estimators call :func:`train`; users see its results as the
estimator's ``loss_curve_``, ``validation_scores_`` and ``n_iter_``.

Design
------
The whole mutable state of a run that is not the module's weights lives in a
:class:`TrainingState`: epochs done, losses, validation scores, the early
stopping counters, the train/validation split, the state of the shuffling
generator and of the optimiser and learning-rate schedule. :func:`train`
takes an optional state to continue from and returns the new one, so an
estimator implements ``warm_start`` by keeping the state (it pickles: only
tensors, numbers and lists) and resume-from-disk by :func:`load_checkpoint`.

* ``max_epochs`` is the **total** number of epochs of the run, counting the
  epochs already in the state (as ``n_estimators`` in scikit-learn's
  warm-started gradient boosting): continuing a 3-epoch state with
  ``max_epochs=6`` runs 3 more, and gives on the CPU exactly the model a
  single 6-epoch run gives.
* Every epoch draws its batch order, and a seed for the module's own random
  draws (dropout...), from one seeded :class:`torch.Generator`; the epoch
  runs inside :func:`torch.random.fork_rng`, so torch's global random state
  is never changed.
* With ``checkpoint_path``, the module, the state and the caller's
  ``checkpoint_extra`` are written after every epoch with :func:`torch.save`
  (to a temporary file, then renamed: a crash never leaves half a file).
  Checkpoints are loaded with ``weights_only=True``.
* Early stopping: with a validation split, the score is minus the mean
  validation loss (higher is better); without, minus the mean training loss.
  Training stops when the score has not improved by more than ``tol`` for
  ``n_iter_no_change`` consecutive epochs. A state that stopped early and is
  continued gets its counter reset: asking for more epochs means training
  more.
"""

import copy
import dataclasses
import hashlib
import math
import os
import tempfile

import numpy as np

from geomlearn.utils._optional import import_optional
from geomlearn.utils._param_validation import Integral, Interval, Real

torch = import_optional("torch", extra="torch", caller="geomlearn's training loop")

__all__ = [
    "TRAINING_PARAMETER_CONSTRAINTS",
    "ResumableTorchEstimatorMixin",
    "TrainingState",
    "data_fingerprint",
    "load_checkpoint",
    "save_checkpoint",
    "to_cpu",
    "train",
]

_FORMAT = 1


@dataclasses.dataclass
class TrainingState:
    """Everything of a training run but the module's weights.

    Attributes
    ----------
    epoch : int
        Epochs done.
    loss_curve : list of float
        Mean per-sample training loss of each epoch.
    validation_scores : list of float or None
        Minus the mean per-sample validation loss of each epoch; ``None``
        without a validation split.
    best_score : float
        Best score so far (validation score, or minus the training loss).
    n_no_improvement : int
        Consecutive epochs without an improvement of more than ``tol``.
    stopped_early : bool
        Whether the last run ended by early stopping.
    train_indices, validation_indices : torch.Tensor of int64
        The split of the samples (``validation_indices`` may be empty).
    generator_state : torch.Tensor
        State of the shuffling generator.
    optimizer_state, scheduler_state : dict or None
        ``state_dict()`` of the optimiser and of the schedule.
    """

    epoch: int
    loss_curve: list
    validation_scores: list | None
    best_score: float
    n_no_improvement: int
    stopped_early: bool
    train_indices: object
    validation_indices: object
    generator_state: object
    optimizer_state: dict | None = None
    scheduler_state: dict | None = None

    def to_dict(self):
        """Return the state as a dict of tensors, numbers and lists (torch.save)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data):
        """Rebuild a state from :meth:`to_dict`'s output."""
        return cls(**data)


def _split(n_samples, validation_fraction, generator):
    order = torch.randperm(n_samples, generator=generator)
    n_validation = (
        math.ceil(validation_fraction * n_samples) if validation_fraction else 0
    )
    if validation_fraction and not 1 <= n_validation < n_samples:
        raise ValueError(
            f"validation_fraction={validation_fraction} leaves "
            f"{n_samples - n_validation} training and {n_validation} validation "
            f"samples out of {n_samples}; both need at least one."
        )
    return order[n_validation:].sort().values, order[:n_validation].sort().values


def _batches(indices, batch_size):
    """Split indices into batches; a last batch of one sample joins the previous.

    Batch normalisation cannot train on a batch of one sample when the
    coarsest feature map has a single point; merging keeps every batch at two
    samples or more whenever there are two samples at all.
    """
    batches = list(torch.split(indices, batch_size))
    if len(batches) > 1 and len(batches[-1]) == 1:
        batches[-2] = torch.cat(batches[-2:])
        batches.pop()
    return batches


def _mean_loss(module, per_sample_loss, tensors, indices, batch_size, device):
    module.eval()
    total = 0.0
    with torch.no_grad():
        for batch in torch.split(indices, batch_size):
            data = [t[batch].to(device) for t in tensors]
            total += float(per_sample_loss(module, *data).sum())
    return total / len(indices)


def save_checkpoint(path, module, state, extra=None):
    """Write module weights, training state and caller data to ``path`` atomically.

    Parameters
    ----------
    path : str or path-like
        Destination file.
    module : torch.nn.Module
        The module whose ``state_dict`` is saved.
    state : TrainingState
        The training state.
    extra : dict, default=None
        Anything else the caller needs to rebuild its model (tensors,
        numbers, strings, lists, dicts of those).
    """
    payload = {
        "format": _FORMAT,
        "module": {k: v.detach().cpu() for k, v in module.state_dict().items()},
        "state": state.to_dict(),
        "extra": extra or {},
    }
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".checkpoint-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(payload, f)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def load_checkpoint(path):
    """Read a checkpoint written by :func:`save_checkpoint`.

    Parameters
    ----------
    path : str or path-like
        The checkpoint file.

    Returns
    -------
    module_state : dict
        The module's ``state_dict``.
    state : TrainingState
        The training state.
    extra : dict
        The caller's data.
    """
    try:
        payload = torch.load(os.fspath(path), map_location="cpu", weights_only=True)
    except Exception as exc:
        raise ValueError(f"cannot read the checkpoint {path!r}: {exc}") from exc
    if not isinstance(payload, dict) or payload.get("format") != _FORMAT:
        raise ValueError(f"{path!r} is not a geomlearn training checkpoint.")
    return (
        payload["module"],
        TrainingState.from_dict(payload["state"]),
        payload["extra"],
    )


def train(
    module,
    tensors,
    per_sample_loss,
    *,
    make_optimizer,
    make_scheduler=None,
    max_epochs,
    batch_size,
    seed,
    state=None,
    reduction="sum",
    validation_fraction=0.0,
    n_iter_no_change=None,
    tol=1e-4,
    device="cpu",
    checkpoint_path=None,
    checkpoint_extra=None,
    verbose=False,
    description="training",
):
    """Train ``module`` with mini-batches until ``max_epochs`` epochs in total.

    Parameters
    ----------
    module : torch.nn.Module
        The model, already on ``device``; trained in place.
    tensors : sequence of torch.Tensor
        The data, samples along the first axis (kept where they are; each
        batch is moved to ``device``).
    per_sample_loss : callable
        ``per_sample_loss(module, *batch) -> Tensor of shape (batch,)``.
    make_optimizer : callable
        ``make_optimizer(parameters) -> torch.optim.Optimizer``.
    make_scheduler : callable, default=None
        ``make_scheduler(optimizer) -> lr scheduler``, stepped once per epoch.
    max_epochs : int
        Total epochs of the run, those of ``state`` included.
    batch_size : int
        Samples per batch.
    seed : int
        Seed of the generator that splits and shuffles (only used when
        ``state`` is ``None``; a state carries its generator).
    state : TrainingState, default=None
        State to continue from; ``None`` starts a run.
    reduction : {"sum", "mean"}, default="sum"
        How the per-sample losses of a batch make the loss that is
        differentiated.
    validation_fraction : float, default=0.0
        Fraction of the samples held out (drawn once, at the start of the
        run) to compute ``validation_scores``.
    n_iter_no_change : int, default=None
        Early stopping patience in epochs; ``None`` never stops early.
    tol : float, default=1e-4
        Minimum improvement of the score that resets the patience.
    device : torch.device or str, default="cpu"
        Where batches go.
    checkpoint_path : str or path-like, default=None
        Where to save a checkpoint after every epoch.
    checkpoint_extra : dict, default=None
        Caller data saved in every checkpoint.
    verbose : bool, default=False
        Show a tqdm progress bar over epochs with the last losses.
    description : str, default="training"
        Label of the progress bar.

    Returns
    -------
    state : TrainingState
        The state after the last epoch (also saved in the checkpoint).
    """
    n_samples = len(tensors[0])
    optimizer = make_optimizer(module.parameters())
    scheduler = make_scheduler(optimizer) if make_scheduler is not None else None
    generator = torch.Generator()
    if state is None:
        generator.manual_seed(int(seed))
        train_idx, val_idx = _split(n_samples, validation_fraction, generator)
        state = TrainingState(
            epoch=0,
            loss_curve=[],
            validation_scores=[] if len(val_idx) else None,
            best_score=-math.inf,
            n_no_improvement=0,
            stopped_early=False,
            train_indices=train_idx,
            validation_indices=val_idx,
            generator_state=generator.get_state(),
        )
    else:
        state = copy.deepcopy(state)
        generator.set_state(state.generator_state)
        if state.optimizer_state is not None:
            optimizer.load_state_dict(state.optimizer_state)
        if scheduler is not None and state.scheduler_state is not None:
            scheduler.load_state_dict(state.scheduler_state)
        if state.stopped_early:
            state.n_no_improvement = 0
            state.stopped_early = False
        if int(state.train_indices.max()) >= n_samples or (
            len(state.validation_indices)
            and int(state.validation_indices.max()) >= n_samples
        ):
            raise ValueError("the training state was made for more samples.")

    fork_devices = [device] if torch.device(device).type == "cuda" else []
    progress = None
    if verbose:
        from tqdm.auto import tqdm

        progress = tqdm(
            total=max_epochs, initial=state.epoch, desc=description, unit="epoch"
        )
    try:
        while state.epoch < max_epochs:
            epoch_seed = int(torch.randint(2**62, (1,), generator=generator))
            order = state.train_indices[
                torch.randperm(len(state.train_indices), generator=generator)
            ]
            with torch.random.fork_rng(devices=fork_devices):
                torch.manual_seed(epoch_seed)
                module.train()
                total = 0.0
                for batch in _batches(order, batch_size):
                    data = [t[batch].to(device) for t in tensors]
                    losses = per_sample_loss(module, *data)
                    loss = losses.sum() if reduction == "sum" else losses.mean()
                    optimizer.zero_grad(set_to_none=True)
                    loss.backward()
                    optimizer.step()
                    total += float(losses.detach().sum())
            if scheduler is not None:
                scheduler.step()
            state.epoch += 1
            state.loss_curve.append(total / len(order))
            if state.validation_scores is not None:
                score = -_mean_loss(
                    module,
                    per_sample_loss,
                    tensors,
                    state.validation_indices,
                    batch_size,
                    device,
                )
                state.validation_scores.append(score)
            else:
                score = -state.loss_curve[-1]
            if score > state.best_score + tol:
                state.n_no_improvement = 0
            else:
                state.n_no_improvement += 1
            state.best_score = max(state.best_score, score)
            state.generator_state = generator.get_state()
            state.optimizer_state = optimizer.state_dict()
            state.scheduler_state = scheduler.state_dict() if scheduler else None
            stop = (
                n_iter_no_change is not None
                and state.n_no_improvement >= n_iter_no_change
            )
            state.stopped_early = stop
            if checkpoint_path is not None:
                save_checkpoint(checkpoint_path, module, state, checkpoint_extra)
            if progress is not None:
                postfix = {"loss": f"{state.loss_curve[-1]:.4g}"}
                if state.validation_scores is not None:
                    postfix["val"] = f"{-state.validation_scores[-1]:.4g}"
                progress.set_postfix(postfix)
                progress.update(1)
            if stop:
                break
    finally:
        if progress is not None:
            progress.close()
    module.eval()
    # detach the optimiser's state from the live optimiser
    state.optimizer_state = copy.deepcopy(state.optimizer_state)
    return state


# Parameter constraints of the estimators trained by `train` (optimiser,
# step schedule, validation, early stopping, device, checkpoints).
TRAINING_PARAMETER_CONSTRAINTS = {
    "max_epochs": [Interval(Integral, 0, None, closed="left")],
    "batch_size": [Interval(Integral, 1, None, closed="left")],
    "learning_rate": [Interval(Real, 0, None, closed="neither")],
    "weight_decay": [Interval(Real, 0, None, closed="left")],
    "lr_step_size": [Interval(Integral, 1, None, closed="left")],
    "lr_gamma": [Interval(Real, 0, None, closed="neither")],
    "validation_fraction": [Interval(Real, 0, 1, closed="left")],
    "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), None],
    "tol": [Interval(Real, 0, None, closed="left")],
    "device": [str, object],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
    "checkpoint_path": [str, os.PathLike, None],
    "warm_start": ["boolean"],
}


def to_cpu(obj):
    """Copy the tensors of a nested structure (dicts, sequences, dataclasses) to the CPU."""
    if isinstance(obj, torch.Tensor):
        return obj.detach().cpu()
    if isinstance(obj, dict):
        return {k: to_cpu(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_cpu(v) for v in obj)
    if hasattr(obj, "__dataclass_fields__"):
        return type(obj)(
            **{k: to_cpu(getattr(obj, k)) for k in obj.__dataclass_fields__}
        )
    return obj


def data_fingerprint(*arrays):
    """SHA-1 of the shapes and bytes of numpy arrays (None entries skipped).

    Written into checkpoints so that a run is only resumed on its own data.
    """
    digest = hashlib.sha1()
    for A in arrays:
        if A is not None:
            digest.update(str(A.shape).encode())
            digest.update(np.ascontiguousarray(A).data)
    return digest.hexdigest()


class ResumableTorchEstimatorMixin:
    """Warm start, checkpoint resume and pickling of estimators trained by `train`.

    The estimator stores ``module_``, ``_config_`` (a JSON-like description of
    the architecture and data layout), ``_training_state`` and the
    normalisation statistics named by ``_stats_attributes``; its checkpoints
    carry ``config``, ``data`` (a :func:`data_fingerprint`) and the same
    statistics under the attribute names without the leading underscore.
    """

    _stats_attributes = ()
    _samples_name = "samples"

    def _checkpoint_extra(self, config, fingerprint):
        extra = {
            "config": config,
            "data": fingerprint if self.checkpoint_path else None,
        }
        for name in self._stats_attributes:
            extra[name.lstrip("_")] = getattr(self, name)
        return extra

    def _resume_source(self, config, n_samples, fingerprint):
        """(module_state, training_state, stats) to continue from, or None.

        ``fingerprint`` is a callable computing the data's fingerprint (only
        called when a checkpoint is read).
        """
        if not self.warm_start:
            return None
        if hasattr(self, "module_"):
            if self._config_ != config:
                raise ValueError(
                    "warm_start=True needs the architecture and data layout of "
                    f"the previous fit: {self._config_} != {config}; set "
                    "warm_start=False to start afresh."
                )
            state = self._training_state
            n_before = len(state.train_indices) + len(state.validation_indices)
            if n_before != n_samples:
                raise ValueError(
                    f"warm_start=True continues a run on {n_before} "
                    f"{self._samples_name}; got {n_samples}. Set warm_start=False "
                    "to start afresh."
                )
            stats = tuple(getattr(self, name) for name in self._stats_attributes)
            return copy.deepcopy(self.module_.state_dict()), state, stats
        if self.checkpoint_path is not None and os.path.exists(self.checkpoint_path):
            module_state, state, extra = load_checkpoint(self.checkpoint_path)
            if extra.get("config") != config:
                raise ValueError(
                    f"the checkpoint {self.checkpoint_path!r} was written for "
                    f"another model: {extra.get('config')} != {config}."
                )
            if extra.get("data") != fingerprint():
                raise ValueError(
                    f"the checkpoint {self.checkpoint_path!r} was written for other "
                    "training data; resume with the same X and y, or set "
                    "warm_start=False to start afresh."
                )
            stats = tuple(extra[name.lstrip("_")] for name in self._stats_attributes)
            return module_state, state, stats
        return None

    def __getstate__(self):
        state = super().__getstate__()
        if "module_" in state:  # store on the CPU so any machine can load it
            state["module_"] = copy.deepcopy(self.module_).to("cpu")
            state["device_"] = torch.device("cpu")
            state["_training_state"] = to_cpu(self._training_state)
        return state
