"""Testing helpers: ``assert_close``, finite-difference ``gradcheck`` and ``gradgradcheck``.

Example:
    >>> import ember
    >>> x = ember.randn(3, dtype=ember.float64, requires_grad=True)
    >>> ember.autograd.gradcheck(ember.exp, (x,))  # doctest: +SKIP
    True
"""
from .checks import assert_close, gradcheck, gradgradcheck  # noqa: F401

__all__ = ["assert_close", "gradcheck", "gradgradcheck"]
