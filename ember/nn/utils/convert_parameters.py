"""Flatten parameters into one vector and back.

Example:
    >>> import ember
    >>> lin = ember.nn.Linear(3, 2)
    >>> v = ember.nn.utils.parameters_to_vector(lin.parameters())
    >>> v.shape
    torch.Size([8])
    >>> ember.nn.utils.vector_to_parameters(ember.zeros(8), lin.parameters())
    >>> lin.bias.tolist()
    [0.0, 0.0]
"""
from ..._tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_param_device(param, old):
    dev = param.get_device() if param.device.type == "cuda" else -1
    if old is not None and dev != old:
        raise TypeError("Found two parameters on different devices, this is currently not "
                        "supported.")
    return dev


def parameters_to_vector(parameters):
    """All parameters flattened and concatenated into one 1-d tensor (differentiable)."""
    import ember
    device = None
    vec = []
    for param in parameters:
        device = _check_param_device(param, device)
        vec.append(param.view(-1))
    return ember.cat(vec)


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the 1-d ``vec`` into the parameters' ``.data``."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    device = None
    pointer = 0
    for param in parameters:
        device = _check_param_device(param, device)
        n = param.numel()
        param.data = vec[pointer:pointer + n].view_as(param).data
        pointer += n
