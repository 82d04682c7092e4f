"""Clustering: the k-medoids family, PPP and TELL.

Importing this package never imports torch; the torch-backed TELL estimator
is loaded on first access.
"""

from geomlearn._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    submodules=["nn"],
    submod_attrs={
        "_kmedoids": [
            "KMedoids",
            "KMedoidsResult",
            "fasterpam",
            "fastpam1",
            "fastpam2",
            "pam",
            "alternating",
            "build",
            "lab",
        ],
        "_clara": ["CLARA", "CLARANS"],
        "_ppp": ["PPP", "PPPNode"],
        "_tell": ["TELL"],
    },
)
