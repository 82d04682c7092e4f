r"""Lie groups for estimation: SO(2), SE(2), SO(3), SE(3), SE_2(3) and R^n.

Each group is a namespace of functions on plain arrays, in the style of
Solà, Deray and Atchuthan's "micro Lie theory" (the manif library):
``SO3.exp(tau)``, ``SO3.log(X)``, ``SO3.compose(X, Y)``, ``SO3.act(X, v)``...
Elements and tangent vectors are numpy arrays or torch tensors whose last
axis holds the coordinates and whose leading axes are batch axes (they
broadcast). One implementation serves both libraries: the result has the
library, dtype (float32 or float64) and device of the inputs, torch results
carry autograd, and importing this module never imports torch.

Representations (last axis):

=========  =====================  ===================  ==========  ========
group      element                tangent              matrix      acts on
=========  =====================  ===================  ==========  ========
``SO2``    (cos, sin)             (theta,)             2x2         2-vectors
``SE2``    (x, y, cos, sin)       (rho_x, rho_y, th)   3x3         2D points
``SO3``    quaternion (x,y,z,w)   rotation vector (3)  3x3         3-vectors
``SE3``    (t(3), q(4))           (rho(3), theta(3))   4x4         3D points
``SE23``   (p(3), q(4), v(3))     (rho, nu, theta)     5x5         3D points
``Rn(n)``  x (n)                  x (n)                (n+1)^2     n-vectors
=========  =====================  ===================  ==========  ========

Quaternions use scipy's scalar-last order; ``q`` and ``-q`` are the same
rotation and every function accepts both.

**Operations.** ``identity``, ``random``, ``compose``, ``inverse``, ``act``,
``exp``, ``log``, ``adjoint``, ``hat``/``vee``, ``rplus``/``rminus`` (also
``plus``/``minus``), ``lplus``/``lminus``, ``between``, ``interpolate``,
``rjac``/``ljac``/``rjacinv``/``ljacinv``, ``to_matrix``/``from_matrix``,
``normalize``; rotations add quaternion, axis-angle and scipy conversions,
poses ``from_parts``/``to_parts``. :func:`frechet_mean` averages elements;
:class:`LieEKF` is an error-state extended Kalman filter on any group.

**Jacobians.** Every operation between elements, tangent vectors and points
(``exp``, ``log``, ``compose``, ``inverse``, ``act``, ``between``, the
plus and minus operators, ``interpolate``) takes ``jacobians=False``; with
``jacobians=True`` it returns ``(result, J_1, J_2, ...)``, one Jacobian per
input in argument order. They are *right* Jacobians, the convention of the
paper and of manif: derivatives with respect to local perturbations

.. math::

    J^{f}_{X} = \lim_{\delta\to 0}\frac{f(X\oplus\delta)\ominus f(X)}{\delta},
    \quad X\oplus\delta = X\,\mathrm{Exp}(\delta),
    \quad Y\ominus X = \mathrm{Log}(X^{-1}Y),

with plain + and - for inputs and outputs that live in a vector space.
Hence ``f(X Exp(d)) ≈ f(X) Exp(J d)``, and a covariance ``P`` of the local
error of ``X`` propagates as ``J P J^T``. The rules used (``tau`` the
tangent argument or result):

- ``exp``: ``J_r(tau)``; ``log``: ``J_r(tau)^{-1}``;
- ``inverse``: ``-Ad(X)``; ``compose``: ``J_X = Ad(Y)^{-1}``, ``J_Y = I``;
- ``between`` (``X^{-1} Y``): ``J_X = -Ad(Y^{-1} X)``, ``J_Y = I``;
- ``rplus``: ``J_X = Ad(Exp(tau))^{-1}``, ``J_tau = J_r(tau)``;
- ``rminus`` (``Y ⊖ X``): ``J_Y = J_r(tau)^{-1}``, ``J_X = -J_l(tau)^{-1}``;
- ``lplus`` (``Exp(tau) X``): ``J_X = I``, ``J_tau = Ad(X)^{-1} J_r(tau)``;
- ``lminus`` (``Log(Y X^{-1})``): ``J_Y = -J_X = J_r(tau)^{-1} Ad(X)``;
- ``act``: group-specific (see each group).

``J_l(tau) = J_r(-tau)``, and ``Ad(X)`` satisfies
``X Exp(tau) = Exp(Ad(X) tau) X``.

**Numerics.** The closed forms (sin t / t, (1 - cos t)/t^2, ...) switch to
Taylor series near the identity, so values and torch gradients are exact
(finite, no NaN) at exactly zero rotation; ``log`` of rotations goes through
``atan2`` on the quaternion (or the (cos, sin) pair), accurate up to and at
angle pi.

References
----------
.. [1] J. Solà, J. Deray, D. Atchuthan, "A micro Lie theory for state
   estimation in robotics", arXiv:1812.01537, 2018.
"""

from geomlearn._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    submod_attrs={
        "_base": ["LieGroup"],
        "_so2": ["SO2"],
        "_se2": ["SE2"],
        "_so3": ["SO3"],
        "_se3": ["SE3", "SE23"],
        "_rn": ["Rn"],
        "_mean": ["frechet_mean"],
        "_ekf": ["LieEKF"],
    },
)
