"""ember: PyTorch's user-facing API on NumPy (CPU) and CuPy (GPU).

    >>> import ember as torch
    >>> x = torch.ones(2, 2, requires_grad=True)
    >>> (x * 3).sum().backward()
    >>> x.grad
    tensor([[3., 3.],
            [3., 3.]])
"""
__version__ = "0.1.0"

from . import _malloc
from . import dtypes as _dtypes
from .dtypes import *  # noqa: F401,F403
from .device import device  # noqa: F401
from ._tensor import Size, Tensor, _attach_methods  # noqa: F401
from .autograd.grad_mode import (no_grad, enable_grad, set_grad_enabled,  # noqa: F401
                                 inference_mode, is_grad_enabled, is_inference_mode_enabled)
from .ops.creation import *  # noqa: F401,F403
from .ops.elementwise import *  # noqa: F401,F403
from .ops.binary import *  # noqa: F401,F403
from .ops.reduce import *  # noqa: F401,F403
from .ops.sort import *  # noqa: F401,F403
from .ops.shape import *  # noqa: F401,F403
from .ops.join import *  # noqa: F401,F403
from .ops.indexing import *  # noqa: F401,F403
from .ops.linalg import *  # noqa: F401,F403
from .random import *  # noqa: F401,F403
from ._tensor_str import set_printoptions, get_printoptions  # noqa: F401
from . import autograd, cuda, linalg, return_types, testing  # noqa: F401,E402

_attach_methods()
_malloc.tune()

from . import nn, optim, utils  # noqa: F401,E402
from ._tensor import _attach_nn_methods  # noqa: E402
from .nn.functional.softmax import tensor_log_softmax as log_softmax  # noqa: E402,F401
from .nn.functional.softmax import tensor_softmax as softmax  # noqa: E402,F401

_attach_nn_methods()
from .serialization import load, save  # noqa: F401,E402

float = _dtypes.float
int = _dtypes.int
bool = _dtypes.bool


def __getattr__(name):
    # ember.vision needs Pillow, an optional dependency: import it on first use.
    if name == "vision":
        import importlib
        return importlib.import_module(".vision", __name__)
    raise AttributeError(f"module 'ember' has no attribute {name!r}")
