"""ember.nn: modules, parameters, initialisation and the functional API (torch.nn's API).

Example:
    >>> import ember
    >>> model = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.ReLU(), ember.nn.Linear(8, 2))
    >>> model(ember.randn(3, 4)).shape
    torch.Size([3, 2])
"""
from .parameter import Buffer, Parameter  # noqa: F401
from .modules import *  # noqa: F401,F403
from .modules import Module  # noqa: F401
from . import functional, init, utils  # noqa: F401,E402
