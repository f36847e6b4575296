"""TensorBoard logging, as ``torch.utils.tensorboard``: ``from ember.utils.tensorboard import
SummaryWriter``. Needs the ``tensorboard`` package (``pip install ember[tensorboard]``)."""

try:
    import tensorboard  # noqa: F401
except ImportError as exc:
    raise ImportError(
        "ember.utils.tensorboard needs the 'tensorboard' package: "
        "pip install tensorboard (or pip install 'ember[tensorboard]')"
    ) from exc

from .writer import FileWriter, SummaryWriter

__all__ = ["FileWriter", "SummaryWriter"]
