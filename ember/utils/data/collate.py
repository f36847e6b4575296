"""default_collate / default_convert: how a list of samples becomes a batch, as torch's."""
import collections.abc
import copy
import re

import numpy as np

import ember
from .dataset import _StackedSamples

__all__ = ["default_collate", "default_convert"]

_np_str = re.compile(r"[SaUO]")
_ERR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        "found {}")


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def default_convert(data):
    """Convert NumPy arrays inside ``data`` to tensors, keeping the structure (used when
    automatic batching is off, ``batch_size=None``)."""
    if isinstance(data, ember.Tensor):
        return data
    if isinstance(data, (np.ndarray, np.generic)) and not isinstance(data, (np.str_, np.bytes_)):
        if isinstance(data, np.ndarray) and _np_str.search(data.dtype.str):
            return data
        return ember.as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        try:
            if isinstance(data, collections.abc.MutableMapping):
                out = copy.copy(data)
                out.update({k: default_convert(v) for k, v in data.items()})
                return out
            return type(data)({k: default_convert(v) for k, v in data.items()})
        except TypeError:
            return {k: default_convert(v) for k, v in data.items()}
    if _is_namedtuple(data):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            if isinstance(data, collections.abc.MutableSequence):
                out = copy.copy(data)
                for i, d in enumerate(data):
                    out[i] = default_convert(d)
                return out
            return type(data)([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data


def default_collate(batch):
    """Stack a list of samples into a batch: tensors are stacked, Python floats become a
    float64 tensor, ints int64, NumPy arrays tensors, strings stay a list; dicts, tuples
    (returned as lists, as torch), named tuples and lists are collated field by field.

    Example:
        >>> default_collate([(ember.tensor([1., 2.]), 0), (ember.tensor([3., 4.]), 1)])
        [tensor([[1., 2.],
                [3., 4.]]), tensor([0, 1])]
    """
    if isinstance(batch, _StackedSamples):
        return list(batch.tensors)
    elem = batch[0]
    if isinstance(elem, ember.Tensor):
        return ember.stack(list(batch), 0)
    if isinstance(elem, np.ndarray) and type(elem).__module__ == "numpy":
        if _np_str.search(elem.dtype.str):
            raise TypeError(_ERR.format(elem.dtype))
        return ember.stack([ember.as_tensor(b) for b in batch], 0)
    if isinstance(elem, np.generic) and not isinstance(elem, (np.str_, np.bytes_)):
        return ember.as_tensor(np.array(batch))
    if isinstance(elem, bool):
        return ember.tensor(list(batch))
    if isinstance(elem, float):
        return ember.tensor(list(batch), dtype=ember.float64)
    if isinstance(elem, int):
        return ember.tensor(list(batch))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                out = copy.copy(elem)
                out.update({k: default_collate([d[k] for d in batch]) for k in elem})
                return out
            return type(elem)({k: default_collate([d[k] for d in batch]) for k in elem})
        except TypeError:
            return {k: default_collate([d[k] for d in batch]) for k in elem}
    if _is_namedtuple(elem):
        return type(elem)(*(default_collate(s) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if not all(len(e) == size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [default_collate(s) for s in transposed]
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                out = copy.copy(elem)
                for i, s in enumerate(transposed):
                    out[i] = default_collate(s)
                return out
            return type(elem)([default_collate(s) for s in transposed])
        except TypeError:
            return [default_collate(s) for s in transposed]
    raise TypeError(_ERR.format(type(elem)))
