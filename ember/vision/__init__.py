"""ember.vision: torchvision's datasets, transforms, utils and models on ember.

    >>> from ember.vision import datasets, transforms
    >>> ds = datasets.FashionMNIST("data", train=True, transform=transforms.ToTensor())
"""
try:
    import PIL  # noqa: F401
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError("ember.vision needs Pillow: pip install 'ember[vision]' "
                      "(or pip install pillow)") from e

from . import datasets, models, transforms, utils  # noqa: E402

__all__ = ["datasets", "models", "transforms", "utils"]
