"""Dropout layers: active in training mode, the identity in eval mode (``model.eval()``).

Example:
    >>> import ember
    >>> drop = ember.nn.Dropout(p=0.2)
    >>> drop
    Dropout(p=0.2, inplace=False)
    >>> drop.eval()(ember.ones(3))
    tensor([1., 1., 1.])
"""
from ..functional.dropout import (alpha_dropout, dropout, dropout1d, dropout2d, dropout3d,
                                 feature_alpha_dropout)
from .module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
           "FeatureAlphaDropout"]


class _DropoutNd(Module):
    fn = None

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input):
        return type(self).fn(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zero each element with probability ``p`` (training only), scaling the rest by
    ``1 / (1 - p)``; masks match torch's after the same ``manual_seed``."""

    fn = staticmethod(dropout)


class Dropout1d(_DropoutNd):
    """Zero whole channels of ``(N, C, L)`` / ``(C, L)`` inputs."""

    fn = staticmethod(dropout1d)


class Dropout2d(_DropoutNd):
    """Zero whole channels of ``(N, C, H, W)`` inputs (mask ``(N, C, 1, 1)``)."""

    fn = staticmethod(dropout2d)


class Dropout3d(_DropoutNd):
    """Zero whole channels of ``(N, C, D, H, W)`` / ``(C, D, H, W)`` inputs."""

    fn = staticmethod(dropout3d)


class AlphaDropout(_DropoutNd):
    """Dropout for SELU networks (keeps zero mean, unit variance)."""

    def forward(self, input):
        return alpha_dropout(input, self.p, self.training)


class FeatureAlphaDropout(_DropoutNd):
    """alpha dropout of whole channels."""

    def forward(self, input):
        return feature_alpha_dropout(input, self.p, self.training)
