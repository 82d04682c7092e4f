"""TELL: a neural k-means whose centres decode into images (torch extra)."""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import MinMaxScaler

from geomlearn.demo._registry import ShowcaseResult, showcase


@showcase(
    area="clustering", method="TELL (neural k-means, CPU)", data="digits, 1797 x 64"
)
def tell_digits(plot):
    """Train TELL briefly on the digits; show the decoded centres."""
    from geomlearn.clustering import TELL  # needs the torch extra

    X, y = load_digits(return_X_y=True)
    X = MinMaxScaler().fit_transform(X)
    model = TELL(10, max_epochs=40, pretrain_epochs=15, device="cpu", random_state=0)
    model.fit(X)
    ari = adjusted_rand_score(y, model.labels_)
    figures = []
    if plot:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 10, figsize=(10, 1.4))
        for c, (ax, image) in enumerate(zip(axes, model.decode_centers(), strict=True)):
            ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            members = y[model.labels_ == c]
            ax.set_title(f"'{np.bincount(members, minlength=10).argmax()}'", fontsize=9)
            ax.axis("off")
        fig.suptitle(f"TELL's centres decoded into images (ARI {ari:.3f})")
        figures.append(fig)
    return ShowcaseResult(
        quality_name="ARI vs true digits",
        quality=float(ari),
        figures=figures,
        details=(
            "40 epochs of TELL (15 of autoencoder pre-training) on the CPU; the "
            "cluster layer's weights are the centres, decoded here into images."
        ),
    )
