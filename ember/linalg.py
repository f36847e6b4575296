"""ember.linalg: norms, inverses, solvers and decompositions (torch.linalg's API).

This module is the namespace; the ops live in ``ember/ops``: inverse.py (inv, det, slogdet,
solve, matrix_power), decomp.py (svd, svdvals, eigh, eigvalsh, qr, cholesky, matrix_rank, pinv),
norms.py (norm, vector_norm, matrix_norm), matmul.py (matmul, multi_dot) and linalg.py (cross).

Example:
    >>> import ember
    >>> A = ember.tensor([[2., 0.], [0., 4.]])
    >>> ember.linalg.inv(A)
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
"""
from .ops._linalg_util import LinAlgError  # noqa: F401
from .ops.decomp import cholesky, eigh, eigvalsh, matrix_rank, pinv, qr, svd, svdvals  # noqa: F401
from .ops.inverse import det, inv, matrix_power, slogdet, solve  # noqa: F401
from .ops.linalg import _linalg_cross
from .ops.matmul import matmul, multi_dot  # noqa: F401
from .ops.norms import matrix_norm, norm, vector_norm  # noqa: F401

# LinAlgError is public too, but __all__ lists the ops (the op-table coverage test reads it).
__all__ = ["norm", "vector_norm", "matrix_norm", "inv", "det", "slogdet", "solve",
           "svd", "svdvals", "qr", "eigh", "eigvalsh", "cholesky", "matmul", "cross", "multi_dot",
           "pinv", "matrix_rank", "matrix_power"]


def cross(input, other, *, dim=-1, out=None):
    """Cross product of 3-vectors along ``dim`` (default the last), with broadcasting."""
    return _linalg_cross(input, other, dim, out)
