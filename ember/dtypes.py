"""dtype objects, their NumPy counterparts, and torch's type-promotion rules.

Example:
    >>> import ember
    >>> ember.promote_types(ember.int64, ember.float32)
    torch.float32
"""
import numpy as np

__all__ = [
    "dtype", "float16", "half", "float32", "float", "float64", "double", "int8", "int16", "short",
    "int32", "int", "int64", "long", "uint8", "bool", "complex64", "complex128",
    "get_default_dtype", "set_default_dtype", "promote_types", "result_type", "can_cast",
    "finfo", "iinfo",
]

_builtin_bool = bool
_builtin_float = float
_builtin_int = int

# Promotion categories, lowest first: a higher category always wins (torch's rule).
_BOOL, _INT, _FLOAT, _COMPLEX = 0, 1, 2, 3


class dtype:
    """A tensor element type, e.g. ``ember.float32``; ``.np`` is the NumPy dtype."""

    __slots__ = ("name", "np", "itemsize", "is_floating_point", "is_complex", "is_signed",
                 "_category")

    def __init__(self, name, np_dtype, category):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.itemsize = self.np.itemsize
        self.is_floating_point = category == _FLOAT
        self.is_complex = category == _COMPLEX
        self.is_signed = name not in ("uint8", "bool")
        self._category = category

    def __repr__(self):
        # Printed exactly as torch prints it, so tutorial output matches line for line.
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))

    def to_real(self):
        return {"complex64": float32, "complex128": float64}.get(self.name, self)


def _by_name(name):
    return _BY_NAME[name]


bool = dtype("bool", np.bool_, _BOOL)
uint8 = dtype("uint8", np.uint8, _INT)
int8 = dtype("int8", np.int8, _INT)
int16 = short = dtype("int16", np.int16, _INT)
int32 = int = dtype("int32", np.int32, _INT)
int64 = long = dtype("int64", np.int64, _INT)
float16 = half = dtype("float16", np.float16, _FLOAT)
float32 = float = dtype("float32", np.float32, _FLOAT)
float64 = double = dtype("float64", np.float64, _FLOAT)
complex64 = dtype("complex64", np.complex64, _COMPLEX)
complex128 = dtype("complex128", np.complex128, _COMPLEX)

_ALL = (bool, uint8, int8, int16, int32, int64, float16, float32, float64, complex64, complex128)
_BY_NAME = {d.name: d for d in _ALL}
_BY_NP = {d.np: d for d in _ALL}
_BY_NP_TYPE = {d.np.type: d for d in _ALL}

_default_float = float32


def from_numpy_dtype(np_dtype):
    """The ember dtype of a NumPy dtype; TypeError for types ember has no tensor for."""
    try:
        return _BY_NP[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(
            f"can't convert np.ndarray of type {np.dtype(np_dtype)}. The only supported types are: "
            "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, "
            "and bool.") from None


def to_dtype(d):
    """Accept an ember dtype, a NumPy dtype/type or a Python type (float, int, bool)."""
    if d.__class__ is dtype:
        return d
    if d is None:
        return None
    if d is _builtin_float:
        return _default_float
    if d is _builtin_int:
        return int64
    if d is _builtin_bool:
        return bool
    if isinstance(d, str):
        raise TypeError(f"argument 'dtype' must be torch.dtype, not str ({d!r}); "
                        f"write ember.{d} instead")
    return from_numpy_dtype(d)


def get_default_dtype():
    """The dtype of floating tensors created from Python floats (float32 unless changed)."""
    return _default_float


def set_default_dtype(d):
    """Set the default floating dtype: ``ember.set_default_dtype(ember.float64)``."""
    global _default_float
    d = to_dtype(d)
    if d not in (float16, float32, float64):
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default_float = d


def promote_types(type1, type2):
    """The smallest dtype both ``type1`` and ``type2`` can be cast to (torch's table).

    Example: ``ember.promote_types(ember.uint8, ember.int8)`` is ``ember.int16``.
    """
    a, b = to_dtype(type1), to_dtype(type2)
    if a is b:
        return a
    # Across categories the higher one's type wins (int32 + float16 is float16, unlike NumPy);
    # within a category NumPy's table is torch's.
    if a._category != b._category:
        hi, lo = (a, b) if a._category > b._category else (b, a)
        if hi._category == _COMPLEX and lo._category == _FLOAT:
            return _BY_NP[np.promote_types(a.np, b.np)]
        return hi
    return _BY_NP[np.promote_types(a.np, b.np)]


def _scalar_category(x):
    if isinstance(x, _builtin_bool) or isinstance(x, np.bool_):
        return _BOOL
    if isinstance(x, (_builtin_int, np.integer)):
        return _INT
    if isinstance(x, complex):
        return _COMPLEX
    return _FLOAT


def _scalar_default(cat):
    complex_default = complex64 if _default_float is float32 else complex128
    return (bool, int64, _default_float, complex_default)[cat]


def _combine(higher, lower):
    """Merge a higher-priority result with a lower one the way torch does (ResultTypeState)."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher._category == _COMPLEX:
        return higher
    if lower._category == _COMPLEX:
        return {float64: complex128}.get(higher, complex64) if higher._category == _FLOAT else lower
    if higher._category == _FLOAT:
        return higher
    if higher is bool or lower._category == _FLOAT:
        return promote_types(higher, lower)
    return higher


def result_type_of(operands):
    """torch's promotion over a mix of tensors and Python numbers.

    Tensors with dim > 0 outrank zero-dim tensors, which outrank Python numbers; a lower rank only
    matters when it brings a higher category (bool < int < float < complex).
    """
    dim_t = zero_t = wrapped = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if d.__class__ is dtype and hasattr(x, "dim"):
            if x.dim() > 0:
                dim_t = d if dim_t is None else promote_types(dim_t, d)
            else:
                zero_t = d if zero_t is None else promote_types(zero_t, d)
        else:
            s = _scalar_default(_scalar_category(x))
            wrapped = s if wrapped is None else promote_types(wrapped, s)
    return _combine(dim_t, _combine(zero_t, wrapped))


def result_type(tensor1, tensor2):
    """The dtype torch gives to an arithmetic op on ``tensor1`` and ``tensor2``.

    Example: ``ember.result_type(ember.tensor([1, 2]), 2.5)`` is ``ember.float32``.
    """
    return result_type_of((tensor1, tensor2))


def can_cast(from_, to):
    """Whether torch's casting rules allow ``from_`` to be cast to ``to`` (no category drop)."""
    return to_dtype(from_)._category <= to_dtype(to)._category


class finfo:
    """Machine limits of a floating dtype: ``ember.finfo(ember.float32).eps``."""

    def __init__(self, type=None):
        type = to_dtype(type) if type is not None else _default_float
        info = np.finfo(type.np)
        self.bits, self.eps, self.max, self.min = info.bits, _builtin_float(info.eps), \
            _builtin_float(info.max), _builtin_float(info.min)
        self.tiny = self.smallest_normal = _builtin_float(info.tiny)
        self.resolution = _builtin_float(info.resolution)
        self.dtype = type.name


class iinfo:
    """Limits of an integer dtype: ``ember.iinfo(ember.int64).max``."""

    def __init__(self, type):
        type = to_dtype(type)
        info = np.iinfo(type.np) if type is not bool else None
        self.bits = type.itemsize * 8
        self.max = _builtin_int(info.max) if info else 1
        self.min = _builtin_int(info.min) if info else 0
        self.dtype = type.name
