# requires: torch
"""TELL and its cluster layer."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import MinMaxScaler

torch = pytest.importorskip("torch")

from geomlearn.clustering import TELL
from geomlearn.clustering.nn import ClusterLayer
from geomlearn.utils.estimator_checks import (
    check_no_global_random_state,
    check_pickle_roundtrip,
    check_predict_matches_labels,
    check_random_state_reproducible,
)

FAST = {
    "max_epochs": 30,
    "pretrain_epochs": 10,
    "hidden_layer_sizes": (32,),
    "latent_dim": 4,
    "batch_size": 64,
    "device": "cpu",
}


@pytest.fixture(scope="module")
def blobs():
    centers = np.array([[0.0] * 6, [8.0] * 6, [0.0, 8.0] * 3, [8.0, 0.0] * 3])
    X, y = make_blobs(600, centers=centers, cluster_std=0.6, random_state=0)
    scaler = MinMaxScaler().fit(X)
    return scaler.transform(X), y, scaler.transform(centers)


def test_layer_output_is_minus_scaled_squared_distance(global_random_seed):
    gen = torch.Generator().manual_seed(global_random_seed)
    layer = ClusterLayer(5, 4, alpha=0.01)
    layer.set_centers(torch.randn(4, 5, generator=gen))
    z = torch.nn.functional.normalize(torch.randn(7, 5, generator=gen), dim=1)
    squared = torch.cdist(z, layer.centers) ** 2
    assert torch.allclose(layer(z), 2 * layer.alpha - layer.alpha * squared, atol=1e-7)
    assert torch.allclose(
        layer.kmeans_loss(z), squared.min(dim=1).values.mean(), atol=1e-6
    )
    assert torch.allclose(layer.centers.norm(dim=1), torch.ones(4))
    with torch.no_grad():
        layer.weight.mul_(3.0)
    layer.normalize_()
    assert torch.allclose(layer.weight.norm(dim=1), torch.full((4,), 0.02))


def test_finds_separated_clusters_and_centres_decode_to_them(blobs):
    X, y, true_centers = blobs
    model = TELL(4, random_state=0, **FAST).fit(X)
    assert adjusted_rand_score(y, model.labels_) > 0.95
    assert_allclose(np.linalg.norm(model.cluster_centers_, axis=1), 1.0, rtol=1e-5)
    decoded = model.decode_centers()
    # each decoded centre lies near one true centre (in the scaled input space)
    gaps = np.linalg.norm(decoded[:, None] - true_centers[None], axis=-1)
    assert sorted(gaps.argmin(axis=1).tolist()) == [0, 1, 2, 3]
    assert gaps.min(axis=1).max() < 0.25 * np.linalg.norm(
        true_centers[0] - true_centers[1]
    )


def test_contract_kits(blobs):
    X, _, _ = blobs
    model = TELL(4, random_state=0, **{**FAST, "max_epochs": 4, "pretrain_epochs": 2})
    check_predict_matches_labels(model, X)
    check_pickle_roundtrip(model, X)
    check_no_global_random_state(model, X)
    check_random_state_reproducible(model, X)


def test_partial_fit_on_a_stream_is_comparable_to_fit(blobs):
    X, y, _ = blobs
    rng = np.random.RandomState(0)
    online = TELL(4, random_state=0, **FAST)
    # the first 10 batches train the autoencoder, the 11th initialises the centres
    for _ in range(150):
        online.partial_fit(X[rng.choice(len(X), 64, replace=False)])
    batch = TELL(4, random_state=0, **FAST).fit(X)
    assert adjusted_rand_score(y, online.predict(X)) > 0.9
    assert adjusted_rand_score(y, batch.labels_) > 0.9
    assert online.n_iter_ == 150


def test_user_modules(blobs):
    X, _, _ = blobs
    encoder = torch.nn.Sequential(
        torch.nn.Linear(6, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3)
    )
    decoder = torch.nn.Sequential(
        torch.nn.Linear(3, 16), torch.nn.Tanh(), torch.nn.Linear(16, 6)
    )
    model = TELL(
        4,
        encoder=encoder,
        decoder=decoder,
        latent_dim=3,
        max_epochs=30,
        pretrain_epochs=10,
        batch_size=64,
        device="cpu",
        random_state=0,
    ).fit(X)
    assert model.transform(X).shape == (600, 3)
    assert encoder[0].weight.grad is None  # the user's module is copied, not trained


def test_bad_parameters(blobs):
    X, _, _ = blobs
    with pytest.raises(ValueError, match="unknown device"):
        TELL(4, device="gpu-please", max_epochs=1).fit(X)
    with pytest.raises(ValueError, match="init"):
        TELL(4, init="spectral").fit(X)
