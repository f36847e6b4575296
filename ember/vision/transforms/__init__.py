"""Image transforms with torchvision's interface (PIL images and tensors)."""
from . import functional
from .transforms import *  # noqa: F401,F403
from .transforms import __all__ as _all

__all__ = ["functional", *_all]
