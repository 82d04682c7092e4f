"""Topology: persistent homology, one- and multi-parameter, and vectorizations.

Persistence transformers turn collections of point clouds, images, graphs or
time series into persistence diagrams; vectorizers and kernels turn diagrams
into features for scikit-learn models. The computations need the ``tda``
extra (gudhi, ripser); plotting needs matplotlib. Importing this package
never imports torch.
"""

from geomlearn._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    submod_attrs={
        "_persistence": [
            "RipsPersistence",
            "AlphaPersistence",
            "CubicalPersistence",
            "GraphPersistence",
            "greedy_landmarks",
        ],
        "_time_series": ["TimeDelayEmbedding"],
        "_vectorizers": [
            "PersistenceImage",
            "PersistenceLandscape",
            "BettiCurve",
            "PersistenceSilhouette",
            "PersistenceEntropy",
        ],
        "_kernels": ["SlicedWassersteinKernel", "PersistenceScaleSpaceKernel"],
        "_distances": [
            "bottleneck_distance",
            "wasserstein_distance",
            "sliced_wasserstein_distance",
            "pairwise_diagram_distances",
        ],
        "_plotting": [
            "plot_diagram",
            "plot_barcode",
            "plot_betti_curve",
            "plot_signed_measure",
        ],
        "_multiparameter": [
            "FilteredComplex",
            "FilteredCubicalComplex",
            "RipsLowerStar",
            "RipsCodensity",
            "GraphLowerStar",
            "CubicalBifiltration",
            "mobius_inversion",
            "integrate_measure",
        ],
        "_signed_measures": [
            "SignedMeasure",
            "SignedMeasureConvolution",
            "SlicedWassersteinSignedMeasureKernel",
            "signed_measure_distance",
            "pairwise_signed_measure_distances",
        ],
    },
)
