"""Dropout: zero elements (or whole channels) at random in training, scaling the rest by
``1 / (1 - p)``. The masks are torch's, bit for bit, after the same ``manual_seed``
(``ember.random._dropout_noise``: ``bernoulli_(1 - p)`` drawn in the input's memory order).

Example:
    >>> import ember
    >>> import ember.nn.functional as F
    >>> _ = ember.manual_seed(0)
    >>> F.dropout(ember.arange(1., 9.), 0.2)
    tensor([ 0.0000,  2.5000,  3.7500,  0.0000,  6.2500,  7.5000,  8.7500, 10.0000])
"""
import math
import warnings

import numpy as np

from ..._tensor import Tensor, _wrap
from ...ops._util import type_word, xp_of
from ...random import _dropout_noise
from .activation import not_tensor

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
           "feature_alpha_dropout"]

_ALPHA = 1.7580993408473766  # SELU's alpha * scale


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _noise(input, p, feature):
    """The multiplier torch draws: ``bernoulli(1 - p) / (1 - p)`` per element, or per
    (batch, channel) for feature dropout (shape ``(N, C, 1, ...)``)."""
    a = input._data
    if a.dtype.kind != "f":  # torch: the float noise cannot be written into an integer tensor
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{type_word(a.dtype)}")
    if feature:
        if a.ndim < 2:
            raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
        shape = a.shape[:2] + (1,) * (a.ndim - 2)
        return _dropout_noise(shape, p, a.dtype, device=input.device)
    if isinstance(a, np.ndarray):
        return _dropout_noise(a.shape, p, a.dtype, like=a)
    return _dropout_noise(a.shape, p, a.dtype, device=input.device)


def _dropout(input, p, training, inplace, feature=False, alpha=False):
    if not isinstance(input, Tensor):
        raise not_tensor("dropout", input)
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        noise, shift = xp_of(input).zeros((), input._data.dtype), None
    else:
        noise = _noise(input, p, feature)
        shift = None
        if alpha:  # torch: a = 1/sqrt((alpha^2 p + 1)(1 - p)); b = (mask - 1) alpha a + alpha a p
            mask = (noise != 0).astype(noise.dtype)
            a = 1.0 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
            shift = _wrap((mask - 1) * (_ALPHA * a) + _ALPHA * a * p)
            noise = mask * a
    noise = _wrap(noise)
    out = input.mul_(noise) if inplace else input * noise
    if shift is not None:
        out = out.add_(shift)
    return out


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``
    (only when ``training``; otherwise ``input`` itself is returned).

    Example: ``F.dropout(ember.ones(4), 0.5)``
    """
    _check_p(p)
    return _dropout(input, p, training, inplace)


def _channel_dropout(input, p, training, inplace, batched):
    if not batched:
        input = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
    result = _dropout(input, p, training, inplace, feature=True)
    if not batched:
        result = result.squeeze_(0) if inplace else result.squeeze(0)
    return result


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of a ``(N, C, L)`` or ``(C, L)`` input with probability ``p``.

    Example: ``F.dropout1d(ember.ones(2, 3, 5), 0.5)``
    """
    _check_p(p)
    nd = input.ndim
    if nd not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {nd}D input. "
                           "Note that dropout1d exists to provide channel-wise dropout on inputs "
                           "with 1 spatial dimension, a channel dimension, and an optional batch "
                           "dimension (i.e. 2D or 3D inputs).")
    return _channel_dropout(input, p, training, inplace, nd == 3)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of a ``(N, C, H, W)`` input with probability ``p`` (the mask has
    shape ``(N, C, 1, 1)``). A 3-D input is taken as ``(N, C, L)``, with torch's warning.

    Example: ``F.dropout2d(ember.ones(2, 3, 4, 4), 0.5)``
    """
    _check_p(p)
    nd = input.ndim
    if nd not in (3, 4):
        warnings.warn(f"dropout2d: Received a {nd}-D input to dropout2d, which is deprecated and "
                      "will result in an error in a future release. To retain the behavior and "
                      "silence this warning, please use dropout instead. Note that dropout2d "
                      "exists to provide channel-wise dropout on inputs with 2 spatial "
                      "dimensions, a channel dimension, and an optional batch dimension (i.e. 3D "
                      "or 4D inputs).", stacklevel=2)
    if nd == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise "
                      "1D dropout behavior is desired - input is interpreted as shape (N, C, L), "
                      "where C is the channel dim. This behavior will change in a future release "
                      "to interpret the input as one without a batch dimension, i.e. shape (C, H, "
                      "W). To maintain the 1D channel-wise dropout behavior, please switch to "
                      "using dropout1d instead.", stacklevel=2)
    return _dropout(input, p, training, inplace, feature=True)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of a ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input.

    Example: ``F.dropout3d(ember.ones(2, 3, 2, 2, 2), 0.5)``
    """
    _check_p(p)
    nd = input.ndim
    if nd not in (4, 5):
        warnings.warn(f"dropout3d: Received a {nd}-D input to dropout3d, which is deprecated and "
                      "will result in an error in a future release. To retain the behavior and "
                      "silence this warning, please use dropout instead. Note that dropout3d "
                      "exists to provide channel-wise dropout on inputs with 3 spatial "
                      "dimensions, a channel dimension, and an optional batch dimension (i.e. 4D "
                      "or 5D inputs).", stacklevel=2)
    return _channel_dropout(input, p, training, inplace, nd == 5)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout that keeps SELU's zero mean and unit variance (dropped values go to SELU's
    negative saturation, then an affine map restores the statistics).

    Example: ``F.alpha_dropout(ember.randn(8), 0.2, training=True)``
    """
    _check_p(p)
    return _dropout(input, p, training, inplace, alpha=True)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """alpha_dropout of whole channels (mask shape ``(N, C, 1, ...)``)."""
    _check_p(p)
    return _dropout(input, p, training, inplace, feature=True, alpha=True)
