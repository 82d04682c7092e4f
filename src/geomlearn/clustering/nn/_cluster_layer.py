# requires: torch
"""The differentiable k-means layer of TELL (Peng et al., JMLR 2022)."""

from geomlearn.utils._optional import import_optional

torch = import_optional("torch", extra="torch", caller="ClusterLayer")
nn = torch.nn
F = torch.nn.functional

__all__ = ["ClusterLayer"]


class ClusterLayer(nn.Module):
    r"""The k-means of TELL as a bias-free linear layer on the unit sphere.

    For unit vectors :math:`z` and centres :math:`\Omega_j`,
    :math:`\alpha \lVert z - \Omega_j \rVert^2 = 2\alpha - W_j^\top z` with
    :math:`W_j = 2\alpha\,\Omega_j`. The layer holds :math:`W` (rows of norm
    :math:`2\alpha`), so its output :math:`Wz` is, up to the constant
    :math:`2\alpha`, minus :math:`\alpha` times the squared distances to the
    centres: the largest output is the nearest centre, and every weight has a
    k-means meaning (the interpretability TELL claims).

    Parameters
    ----------
    in_features : int
        Dimension of the embeddings.
    n_clusters : int
        Number of centres.
    alpha : float, default=1e-3
        Scale of the weights (rows of norm ``2 * alpha``).

    Notes
    -----
    .. rubric:: Shapes

    - input: ``(batch, in_features)``, normalised to unit length inside;
    - output: ``(batch, n_clusters)``, equal to
      ``2 * alpha - alpha * ||z - centers||^2``.

    Call :meth:`normalize_` after every optimiser step to keep the centres on
    the sphere.

    References
    ----------
    .. [1] X. Peng, Y. Li, I. W. Tsang, H. Zhu, J. Lv and J. T. Zhou, "XAI
       beyond classification: interpretable neural clustering", JMLR 23(6),
       2022.

    Examples
    --------
    >>> import torch
    >>> from geomlearn.clustering.nn import ClusterLayer
    >>> layer = ClusterLayer(in_features=4, n_clusters=3)
    >>> z = torch.nn.functional.normalize(torch.randn(5, 4), dim=1)
    >>> layer(z).shape
    torch.Size([5, 3])
    >>> bool(torch.allclose(layer.centers.norm(dim=1), torch.ones(3)))
    True
    """

    def __init__(self, in_features, n_clusters, alpha=1e-3):
        super().__init__()
        self.in_features = int(in_features)
        self.n_clusters = int(n_clusters)
        self.alpha = float(alpha)
        self.weight = nn.Parameter(torch.empty(self.n_clusters, self.in_features))
        nn.init.xavier_uniform_(self.weight)
        self.normalize_()

    @torch.no_grad()
    def normalize_(self):
        """Put the centres back on the unit sphere (rows of norm 2 alpha).

        Returns
        -------
        self : ClusterLayer
            The layer, modified in place.
        """
        self.weight.copy_(F.normalize(self.weight, dim=1) * (2 * self.alpha))
        return self

    @torch.no_grad()
    def set_centers(self, centers):
        """Set the centres, normalised to unit length.

        Parameters
        ----------
        centers : array-like or torch.Tensor of shape (n_clusters, in_features)
            The new centres (any length; they are normalised).

        Returns
        -------
        self : ClusterLayer
            The layer, modified in place.
        """
        centers = torch.as_tensor(
            centers, dtype=self.weight.dtype, device=self.weight.device
        )
        self.weight.copy_(F.normalize(centers, dim=1) * (2 * self.alpha))
        return self

    @property
    def centers(self):
        r"""The unit-norm centres :math:`\Omega = W / (2\alpha)`, ``(k, d)``."""
        return self.weight / (2 * self.alpha)

    def forward(self, z):
        """Score embeddings against every centre.

        Parameters
        ----------
        z : torch.Tensor of shape (batch, in_features)
            Embeddings; normalised to unit length here.

        Returns
        -------
        scores : torch.Tensor of shape (batch, n_clusters)
            ``W z``, equal to ``2 alpha - alpha * ||z - centers||^2``.
        """
        return F.normalize(z, dim=1) @ self.weight.T

    def kmeans_loss(self, z):
        """Mean squared distance from each normalised embedding to its nearest centre.

        Parameters
        ----------
        z : torch.Tensor of shape (batch, in_features)
            Embeddings; normalised to unit length here.

        Returns
        -------
        loss : torch.Tensor
            ``mean(2 alpha - max_j W_j z) / alpha``, a scalar differentiable in
            both the embeddings and the centres.
        """
        logits = self(z)
        return (2 * self.alpha - logits.max(dim=1).values).mean() / self.alpha

    def extra_repr(self):
        return (
            f"in_features={self.in_features}, n_clusters={self.n_clusters}, "
            f"alpha={self.alpha:g}"
        )
