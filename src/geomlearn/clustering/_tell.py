# requires: torch
"""TELL: interpretable neural k-means (Peng et al., JMLR 2022) as an estimator."""

import copy
import itertools

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.cluster import KMeans
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from geomlearn.clustering.nn import ClusterLayer
from geomlearn.utils._optional import import_optional
from geomlearn.utils._param_validation import (
    HasMethods,
    Integral,
    Interval,
    Real,
    StrOptions,
    _fit_context,
)
from geomlearn.utils._torch import resolve_device, to_numpy

torch = import_optional("torch", extra="torch", caller="TELL")
nn = torch.nn
F = torch.nn.functional

__all__ = ["TELL"]


def _mlp(sizes):
    layers = []
    for i, (a, b) in enumerate(itertools.pairwise(sizes)):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class TELL(ClusterMixin, TransformerMixin, BaseEstimator):
    """TELL: k-means made a neural network layer, trained with an autoencoder.

    An encoder maps samples to unit-norm embeddings; a :class:`ClusterLayer`
    (bias-free, its weights the scaled cluster centres) scores them by their
    distance to each centre; a decoder reconstructs the input. Training
    minimises the reconstruction error plus ``cluster_weight`` times the
    k-means loss on the sphere, alternating by epoch as in the paper: in even
    epochs the k-means loss moves only the centres (a step of ``0.2 alpha``
    along each row's normalised gradient, then back onto the sphere), in odd
    epochs only the encoder (with Adadelta, like the decoder). Every weight of the cluster
    layer is a centre, and :meth:`decode_centers` maps the centres back to
    the input space: what each cluster "looks like".

    Parameters
    ----------
    n_clusters : int, default=10
        Number of clusters.
    latent_dim : int, default=10
        Dimension of the embedding.
    hidden_layer_sizes : tuple of int, default=(256, 128)
        Hidden layers of the default MLP encoder (the decoder mirrors them).
    encoder : torch.nn.Module, default=None
        Your own encoder, mapping ``(batch, n_features)`` to
        ``(batch, latent_dim)``; it is deep-copied in ``fit``. ``None`` builds
        an MLP.
    decoder : torch.nn.Module, default=None
        Your own decoder, mapping ``(batch, latent_dim)`` back to
        ``(batch, n_features)``; ``None`` builds the mirror MLP.
    alpha : float, default=1e-3
        Scale of the cluster layer's weights (see :class:`ClusterLayer`).
    cluster_weight : float, default=0.01
        Weight of the k-means loss against the reconstruction loss.
    init : {"kmeans", "random"}, default="kmeans"
        Initial centres: k-means on the initial embeddings, or random unit
        vectors (the paper's code).
    max_epochs : int, default=50
        Passes over the data in ``fit``, pre-training included.
    pretrain_epochs : int, default=20
        Epochs that train the autoencoder alone before the centres are
        initialised (k-means on the embeddings) and clustering starts. Not
        in the paper's code, which starts from random centres; without it
        the initial centres describe an untrained encoder.
    batch_size : int, default=256
        Mini-batch size.
    learning_rate : float, default=1.0
        Learning rate of Adadelta (the paper's optimiser).
    device : str or torch.device, default="auto"
        Where to train: "auto" (CUDA, then MPS, else CPU), "cpu", "cuda", ...
    random_state : int, RandomState instance or None, default=None
        Seed of the weights, the initial centres and the batch order. On the
        CPU, the same seed gives the same model.
    verbose : bool, default=False
        Print the losses of each epoch.

    Attributes
    ----------
    module_ : torch.nn.ModuleDict
        The trained ``encoder``, ``decoder`` and ``cluster`` layer.
    cluster_centers_ : ndarray of shape (n_clusters, latent_dim)
        The unit-norm centres in embedding space.
    labels_ : ndarray of shape (n_samples,)
        Cluster of each training sample.
    loss_curve_ : list of tuple of float
        (reconstruction, k-means) loss of each epoch.
    n_iter_ : int
        Epochs run (``fit``) or batches seen (``partial_fit``).
    n_features_in_ : int
        Number of features seen in ``fit``.

    See Also
    --------
    sklearn.cluster.KMeans : The k-means of scikit-learn, on the raw features.
    geomlearn.clustering.nn.ClusterLayer : The cluster layer on its own.

    Notes
    -----
    Inputs are used as given (scale them first, e.g. with
    :class:`~sklearn.preprocessing.MinMaxScaler`); the decoder's output is
    linear. Torch's global random state is never touched: modules are built
    inside :func:`torch.random.fork_rng`, batches are drawn from a generator
    made from ``random_state``.

    References
    ----------
    .. [1] X. Peng, Y. Li, I. W. Tsang, H. Zhu, J. Lv and J. T. Zhou, "XAI
       beyond classification: interpretable neural clustering", JMLR 23(6),
       2022.

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> from geomlearn.clustering import TELL
    >>> X, y = make_blobs(300, centers=3, n_features=8, random_state=0)
    >>> model = TELL(n_clusters=3, max_epochs=5, device="cpu", random_state=0).fit(X)
    >>> model.cluster_centers_.shape, model.decode_centers().shape
    ((3, 10), (3, 8))
    """

    _parameter_constraints = {
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": [tuple, list],
        "encoder": [HasMethods(["forward"]), None],
        "decoder": [HasMethods(["forward"]), None],
        "alpha": [Interval(Real, 0, None, closed="neither")],
        "cluster_weight": [Interval(Real, 0, None, closed="left")],
        "init": [StrOptions({"kmeans", "random"})],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "pretrain_epochs": [Interval(Integral, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "device": [str, object],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        n_clusters=10,
        *,
        latent_dim=10,
        hidden_layer_sizes=(256, 128),
        encoder=None,
        decoder=None,
        alpha=1e-3,
        cluster_weight=0.01,
        init="kmeans",
        max_epochs=50,
        pretrain_epochs=20,
        batch_size=256,
        learning_rate=1.0,
        device="auto",
        random_state=None,
        verbose=False,
    ):
        self.n_clusters = n_clusters
        self.latent_dim = latent_dim
        self.hidden_layer_sizes = hidden_layer_sizes
        self.encoder = encoder
        self.decoder = decoder
        self.alpha = alpha
        self.cluster_weight = cluster_weight
        self.init = init
        self.max_epochs = max_epochs
        self.pretrain_epochs = pretrain_epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ setup
    def _build(self, X, rng):
        """Build the modules, the optimiser and the initial centres."""
        self.device_ = resolve_device(self.device)
        seed = int(rng.randint(np.iinfo(np.int32).max))
        self._generator = torch.Generator().manual_seed(seed)
        n_features = X.shape[1]
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)  # only inside the fork: global state restored
            sizes = [n_features, *self.hidden_layer_sizes, self.latent_dim]
            encoder = copy.deepcopy(self.encoder) if self.encoder else _mlp(sizes)
            decoder = copy.deepcopy(self.decoder) if self.decoder else _mlp(sizes[::-1])
            cluster = ClusterLayer(self.latent_dim, self.n_clusters, self.alpha)
        self.module_ = nn.ModuleDict(
            {"encoder": encoder, "decoder": decoder, "cluster": cluster}
        ).to(self.device_)
        self._seed = seed
        self._optimizer = self._make_optimizer()
        self.loss_curve_ = []
        self.n_iter_ = 0

    def _init_centers(self, X):
        """k-means on the current embeddings (``init="kmeans"``)."""
        if self.init != "kmeans":
            return
        z = self._embed(X)
        k = min(self.n_clusters, z.shape[0])
        centers = KMeans(k, n_init=3, random_state=self._seed).fit(z).cluster_centers_
        if k < self.n_clusters:
            extra = torch.randn(
                self.n_clusters - k, self.latent_dim, generator=self._generator
            ).numpy()
            centers = np.vstack([centers, extra])
        self.module_["cluster"].set_centers(
            torch.as_tensor(centers, dtype=torch.float32)
        )

    def _make_optimizer(self):
        """Adadelta on the encoder and decoder; the centres take their own steps."""
        parameters = [
            *self.module_["encoder"].parameters(),
            *self.module_["decoder"].parameters(),
        ]
        return torch.optim.Adadelta(parameters, lr=self.learning_rate)

    def _tensor(self, X):
        return torch.as_tensor(np.asarray(X, dtype=np.float32), device=self.device_)

    def _embed(self, X):
        """Unit-norm embeddings of X, as numpy."""
        out = []
        self.module_.eval()
        with torch.no_grad():
            for start in range(0, X.shape[0], 4096):
                z = self.module_["encoder"](self._tensor(X[start : start + 4096]))
                out.append(to_numpy(F.normalize(z, dim=1)))
        return np.concatenate(out)

    # ------------------------------------------------------------------ training
    def _step(self, batch, centres_phase, pretrain=False):
        """One optimiser step on a batch; returns (reconstruction, k-means) losses."""
        module = self.module_
        module.train()
        # the embedding lives on the unit sphere: the decoder reads it there,
        # so that decoding a centre (a unit vector) is meaningful
        zn = F.normalize(module["encoder"](batch), dim=1)
        reconstruction = F.mse_loss(module["decoder"](zn), batch)
        kmeans = module["cluster"].kmeans_loss(zn.detach() if centres_phase else zn)
        if pretrain:  # the autoencoder alone
            kmeans = kmeans.detach()
        weight = module["cluster"].weight
        self._optimizer.zero_grad()
        weight.grad = None
        (reconstruction + self.cluster_weight * kmeans).backward()
        self._optimizer.step()
        if centres_phase and weight.grad is not None:
            # the paper's centre update: a step of 0.2 alpha (a tenth of the
            # rows' norm 2 alpha) along each row's normalised gradient
            with torch.no_grad():
                norms = weight.grad.norm(dim=1, keepdim=True).clamp_min(1e-12)
                weight -= weight.grad / norms * (0.2 * self.alpha)
            module["cluster"].normalize_()
        return reconstruction.item(), kmeans.item()

    def _epoch(self, X, centres_phase, pretrain=False):
        order = torch.randperm(X.shape[0], generator=self._generator).numpy()
        losses = []
        for start in range(0, X.shape[0], self.batch_size):
            batch = self._tensor(X[order[start : start + self.batch_size]])
            losses.append(self._step(batch, centres_phase, pretrain))
        return tuple(float(v) for v in np.mean(losses, axis=0))

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the encoder, decoder and centres.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (scaled).
        y : None
            Ignored.

        Returns
        -------
        self : TELL
            The fitted estimator.
        """
        X = validate_data(self, X, dtype=[np.float32, np.float64])
        self._build(X, check_random_state(self.random_state))
        if self.pretrain_epochs >= self.max_epochs:
            self._init_centers(X)
        for epoch in range(self.max_epochs):
            pretrain = epoch < self.pretrain_epochs
            if epoch == self.pretrain_epochs:
                self._init_centers(X)
            losses = self._epoch(X, centres_phase=epoch % 2 == 0, pretrain=pretrain)
            self.loss_curve_.append(losses)
            if self.verbose:
                print(
                    f"epoch {epoch + 1}/{self.max_epochs}: reconstruction "
                    f"{losses[0]:.4g}, k-means {losses[1]:.4g}"
                )
        self.n_iter_ = self.max_epochs
        self._finish(X)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """Update the model with one mini-batch (online clustering).

        The first call builds the model. The first ``pretrain_epochs`` calls
        train the autoencoder alone; the next one initialises the centres
        from its batch; later calls alternate between moving the centres and
        moving the encoder, as epochs do in ``fit``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            A mini-batch.
        y : None
            Ignored.

        Returns
        -------
        self : TELL
            The updated estimator.
        """
        first = not hasattr(self, "module_")
        X = validate_data(self, X, dtype=[np.float32, np.float64], reset=first)
        if first:
            self._build(X, check_random_state(self.random_state))
        pretrain = self.n_iter_ < self.pretrain_epochs
        if self.n_iter_ == self.pretrain_epochs:
            self._init_centers(X)
        losses = self._step(
            self._tensor(X), centres_phase=self.n_iter_ % 2 == 0, pretrain=pretrain
        )
        self.loss_curve_.append(losses)
        self.n_iter_ += 1
        self._finish(X)
        return self

    def _finish(self, X):
        self.cluster_centers_ = to_numpy(self.module_["cluster"].centers)
        self.labels_ = self._assign(X)

    def _assign(self, X):
        return np.argmax(self._embed(X) @ self.cluster_centers_.T, axis=1)

    # ------------------------------------------------------------------ outputs
    def transform(self, X):
        """Unit-norm embeddings of samples.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        Z : ndarray of shape (n_samples, latent_dim)
            The embeddings on which the clusters are defined.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float32, np.float64], reset=False)
        return self._embed(X)

    def predict(self, X):
        """Nearest centre of each sample's embedding.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Cluster of each sample (consistent with ``labels_``).
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float32, np.float64], reset=False)
        return self._assign(X)

    def decode_centers(self):
        """Map the centres back to the input space through the decoder.

        Returns
        -------
        centers : ndarray of shape (n_clusters, n_features)
            What each cluster's centre looks like as a sample.
        """
        check_is_fitted(self)
        self.module_.eval()
        with torch.no_grad():
            centres = self.module_["cluster"].centers
            return to_numpy(self.module_["decoder"](centres))

    def __getstate__(self):
        state = self.__dict__.copy()
        if "module_" in state:  # store on the CPU so any machine can load it
            state["module_"] = copy.deepcopy(self.module_).to("cpu")
            state["device_"] = torch.device("cpu")
            state.pop("_optimizer", None)
            state.pop("_generator", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "module_" in state and "_optimizer" not in state:
            self._optimizer = self._make_optimizer()
            self._generator = torch.Generator().manual_seed(0)
