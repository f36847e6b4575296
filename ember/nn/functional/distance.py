"""normalize, cosine_similarity, pairwise_distance and one_hot (composed from ember ops).

Part of the activation family (``activation.py`` re-exports it).

Example:
    >>> import ember
    >>> import ember.nn.functional as F
    >>> F.cosine_similarity(ember.tensor([[1., 0.]]), ember.tensor([[1., 1.]]))
    tensor([0.7071])
    >>> F.one_hot(ember.tensor([0, 2]))
    tensor([[1, 0, 0],
            [0, 0, 1]])
"""
import numpy as np

from ... import dtypes as _dt
from ..._tensor import Tensor, _wrap
from ...autograd.grad_mode import no_grad
from ...ops import join as _join
from ...ops._util import type_word, xp_of
from .activation import not_tensor

__all__ = ["normalize", "cosine_similarity", "pairwise_distance", "one_hot"]

_INT64 = np.dtype(np.int64)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``input / max(||input||_p, eps)`` along ``dim``.

    Example: ``F.normalize(ember.tensor([[3., 4.]]))`` gives ``[[0.6, 0.8]]``
    """
    if not isinstance(input, Tensor):
        raise not_tensor("normalize", input)
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is None:
        return input / denom
    return _binary().div(input, denom, out=out)


def _binary():
    from ...ops import binary
    return binary


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim`` (they broadcast).

    As torch 2.13 computes it: each input is divided by its own norm (clamped to ``eps``, the
    clamp invisible to autograd) and the products are summed.

    Example: ``F.cosine_similarity(ember.tensor([1., 0.]), ember.tensor([1., 1.]), dim=0)``
    """
    if not isinstance(x1, Tensor):
        raise not_tensor("cosine_similarity", x1, "x1")
    if not isinstance(x2, Tensor):
        raise TypeError(f"cosine_similarity(): argument 'x2' (position 2) must be Tensor, not "
                        f"{type(x2).__name__}")
    common = _dt.result_type_of((x1, x2))
    if common.np.kind != "f":
        raise RuntimeError("expected common dtype to be floating point, yet common dtype is "
                           f"{type_word(common.np)}")
    if x1._data.dtype.kind in "biu":
        x1 = x1.to(common)
    if x2._data.dtype.kind in "biu":
        x2 = x2.to(common)
    if x1.shape != x2.shape:
        x1, x2 = _join.broadcast_tensors(x1, x2)
    from ... import linalg
    n1 = linalg.vector_norm(x1, 2, dim, True).clone()
    n2 = linalg.vector_norm(x2, 2, dim, True).clone()
    with no_grad():
        n1.clamp_min_(eps)
        n2.clamp_min_(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``||x1 - x2 + eps||_p`` over the last dimension.

    Example: ``F.pairwise_distance(ember.tensor([[0., 0.]]), ember.tensor([[3., 4.]]))``
    """
    if not isinstance(x1, Tensor):
        raise not_tensor("pairwise_distance", x1, "x1")
    from ... import linalg
    return linalg.vector_norm(x1 - x2 + eps, p, -1, keepdim)


def one_hot(tensor, num_classes=-1):
    """int64 one-hot encoding of class indices: a new last dimension of size ``num_classes``
    (-1: the largest index + 1).

    Example: ``F.one_hot(ember.tensor([1, 0]), 3)`` gives ``[[0, 1, 0], [1, 0, 0]]``
    """
    if not isinstance(tensor, Tensor):
        raise not_tensor("one_hot", tensor)
    a = tensor._data
    if a.dtype != _INT64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    num_classes = int(num_classes)
    xp = xp_of(tensor)
    if a.size == 0:
        if num_classes <= 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        return _wrap(xp.zeros(a.shape + (num_classes,), _INT64))
    if int(a.min()) < 0:
        raise RuntimeError("Class values must be non-negative.")
    top = int(a.max())
    if num_classes == -1:
        num_classes = top + 1
    elif num_classes <= top:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = xp.zeros(a.shape + (num_classes,), _INT64)
    xp.put_along_axis(out, a[..., None], 1, axis=-1)
    return _wrap(out)
