"""Comparisons, closeness tests, float predicates, logical and bitwise ops (no gradients).

Re-exported by ``binary.py`` (the family's entry point). Results are bool tensors (the bitwise
ops keep the promoted integer dtype); ``equal`` and ``allclose`` return Python bools.

Example:
    >>> import ember
    >>> ember.tensor([1., 2., 3.]) > 1.5
    tensor([False,  True,  True])
"""
import operator

from .. import dtypes as _dt
from .._tensor import Tensor
from ..autograd.function import Op
from ._util import arg_type_error, binary_op, cast2, kernel_error, quiet, type_word, write_out
from .creation import zeros_like as _zeros_like

__all__ = [
    "eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
    "not_equal", "isclose", "allclose", "equal", "isnan", "isinf", "isfinite", "isposinf",
    "isneginf", "isreal", "logical_and", "logical_or", "logical_xor", "logical_not",
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift",
    "bitwise_right_shift"]

_CMP_NAMES = ["eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less",
              "less_equal", "not_equal"]
_IN_PLACE = _CMP_NAMES + ["logical_and", "logical_or", "logical_xor", "logical_not",
                          "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
                          "bitwise_left_shift", "bitwise_right_shift"]
TENSOR_METHODS = _IN_PLACE + [n + "_" for n in _IN_PLACE] + [
    "isclose", "allclose", "equal", "isnan", "isinf", "isfinite", "isposinf", "isneginf",
    "isreal"]


# -- comparisons --------------------------------------------------------------------------------
def _comparison(name, fn, ordered):
    """The Op classes of one comparison: out of place (bool, no gradient) and the in-place
    form's (result in self's dtype, zero gradient, node named as torch's: EqBackward0/1)."""

    def forward(ctx, a, b, dt, out_dt=None):
        if ordered and dt.kind == "c":
            raise kernel_error(f"{name}_cpu", dt)
        a, b = cast2(a, b, dt)
        r = fn(a, b)
        return r if out_dt is None else r.astype(out_dt)

    def backward(ctx, grad):
        need = ctx.needs_input_grad
        return tuple(_zeros_like(grad) if n else None for n in need)

    node = name.capitalize() + "Backward"
    plain = type(name.capitalize(), (Op,), {"differentiable": False, "name_": node + "1",
                                            "forward": staticmethod(forward)})
    attrs = {"forward": staticmethod(forward), "backward": staticmethod(backward)}
    scalar = type(name.capitalize() + "Scalar_", (Op,), dict(attrs, name_=node + "0"))
    tensor = type(name.capitalize() + "Tensor_", (Op,), dict(attrs, name_=node + "1"))
    return plain, scalar, tensor


_OPS = {name: _comparison(name, fn, ordered) for name, fn, ordered in (
    ("eq", operator.eq, False), ("ne", operator.ne, False), ("lt", operator.lt, True),
    ("le", operator.le, True), ("gt", operator.gt, True), ("ge", operator.ge, True))}


def _compare(name, input, other, out):
    if not isinstance(input, Tensor):
        raise arg_type_error(name, "input", 1, input)
    return binary_op(_OPS[name][0], name, input, other, out)


def _compare_(name, self, other):
    def fn(s, o):
        cls = _OPS[name][2 if isinstance(o, Tensor) else 1]
        return binary_op(cls, name, s, o, out_dt=self._data.dtype)
    return self._inplace(fn, other)


def eq(input, other, *, out=None):
    """``input == other`` elementwise (``other`` may be a number): a bool tensor."""
    return _compare("eq", input, other, out)


def ne(input, other, *, out=None):
    """``input != other`` elementwise: a bool tensor."""
    return _compare("ne", input, other, out)


def lt(input, other, *, out=None):
    """``input < other`` elementwise: a bool tensor."""
    return _compare("lt", input, other, out)


def le(input, other, *, out=None):
    """``input <= other`` elementwise: a bool tensor."""
    return _compare("le", input, other, out)


def gt(input, other, *, out=None):
    """``input > other`` elementwise: a bool tensor."""
    return _compare("gt", input, other, out)


def ge(input, other, *, out=None):
    """``input >= other`` elementwise: a bool tensor."""
    return _compare("ge", input, other, out)


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def eq_(self, other):
    return _compare_("eq", self, other)


def ne_(self, other):
    return _compare_("ne", self, other)


def lt_(self, other):
    return _compare_("lt", self, other)


def le_(self, other):
    return _compare_("le", self, other)


def gt_(self, other):
    return _compare_("gt", self, other)


def ge_(self, other):
    return _compare_("ge", self, other)


greater_, greater_equal_, less_, less_equal_, not_equal_ = gt_, ge_, lt_, le_, ne_


# -- closeness and equality ---------------------------------------------------------------------
def _two_tensors(fname, a, b):
    if not isinstance(a, Tensor):
        raise arg_type_error(fname, "input", 1, a)
    if not isinstance(b, Tensor):
        raise arg_type_error(fname, "other", 2, b)


class IsClose(Op):
    differentiable = False

    @staticmethod
    def forward(ctx, a, b, dt, rtol, atol, equal_nan):
        xp = ctx.xp
        close = a == b
        if equal_nan and a.dtype.kind in "fc":
            close = close | (xp.isnan(a) & xp.isnan(b))
        if rtol == 0 and atol == 0:
            return close
        if a.dtype.kind in "iub":  # torch: the error is integer, the tolerance default-float
            fdt = _dt.get_default_dtype().np
            with quiet():
                allowed = atol + abs(rtol * b.astype(fdt))
                actual = abs(a.astype(xp.int64) - b.astype(xp.int64)).astype(fdt)
            return close | (actual <= allowed)
        with quiet():
            allowed = atol + abs(rtol * b)
            actual = abs(a - b)
            return close | (xp.isfinite(actual) & (actual <= allowed))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise ``|input - other| <= atol + rtol * |other|`` (same dtypes required)."""
    _two_tensors("isclose", input, other)
    if input._data.dtype != other._data.dtype:
        raise RuntimeError(f"{type_word(input._data.dtype)} did not match "
                           f"{type_word(other._data.dtype)}")
    for name, v in (("rtol", rtol), ("atol", atol)):
        if v < 0:
            raise RuntimeError(f"{name} must be greater than or equal to zero, but got {v:g}")
    return binary_op(IsClose, "isclose", input, other, rtol=rtol, atol=atol,
                     equal_nan=bool(equal_nan))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether all elements are close (see ``isclose``): a Python bool."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input, other):
    """True when both tensors have the same shape and the same values (NaN is unequal)."""
    _two_tensors("equal", input, other)
    a, b = input._data, other._data
    if a.shape != b.shape:
        return False
    if a.dtype != b.dtype:
        a, b = cast2(a, b, _dt.result_type_of((input, other)).np)
    return bool((a == b).all())


# -- float predicates ---------------------------------------------------------------------------
def _predicate(name, real_fn, other_kinds_value, complex_error=False):
    def forward(ctx, x):
        xp = ctx.xp
        k = x.dtype.kind
        if k == "c" and complex_error:
            raise RuntimeError(f"{name} does not support complex inputs.")
        if k in "fc":
            return real_fn(xp, x)
        return xp.full(x.shape, other_kinds_value, dtype=bool)

    cls = type(name.capitalize(), (Op,), {"differentiable": False,
                                          "forward": staticmethod(forward)})

    def fn(input):
        if not isinstance(input, Tensor):
            raise arg_type_error(name, "input", 1, input)
        return cls.apply(input)

    fn.__name__ = fn.__qualname__ = name
    return fn


isnan = _predicate("isnan", lambda xp, x: xp.isnan(x), False)
isinf = _predicate("isinf", lambda xp, x: xp.isinf(x), False)
isfinite = _predicate("isfinite", lambda xp, x: xp.isfinite(x), True)
isposinf = _predicate("isposinf", lambda xp, x: xp.isposinf(x), False, complex_error=True)
isneginf = _predicate("isneginf", lambda xp, x: xp.isneginf(x), False, complex_error=True)
isreal = _predicate("isreal", lambda xp, x: x.imag == 0 if x.dtype.kind == "c" else
                    xp.ones(x.shape, dtype=bool), True)
isnan.__doc__ = "Where the elements are NaN: ``ember.isnan(x)`` (bool tensor)."
isinf.__doc__ = "Where the elements are +-inf (bool tensor)."
isfinite.__doc__ = "Where the elements are neither inf nor NaN (bool tensor)."
isposinf.__doc__ = "Where the elements are +inf (bool tensor)."
isneginf.__doc__ = "Where the elements are -inf (bool tensor)."
isreal.__doc__ = "Where the elements have a zero imaginary part (all True for real dtypes)."


# -- logical ops --------------------------------------------------------------------------------
def _logical(name):
    def forward(ctx, a, b, dt):
        return getattr(ctx.xp, name)(a, b)

    cls = type(name, (Op,), {"differentiable": False, "forward": staticmethod(forward)})

    def fn(input, other, *, out=None):
        _two_tensors(name, input, other)
        return binary_op(cls, name, input, other, out)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise {name.split('_')[1].upper()} of the truth values (bool tensor)."
    return fn


logical_and = _logical("logical_and")
logical_or = _logical("logical_or")
logical_xor = _logical("logical_xor")


class LogicalNot(Op):
    differentiable = False

    @staticmethod
    def forward(ctx, x):
        return ctx.xp.logical_not(x)


def logical_not(input, *, out=None):
    """Elementwise NOT of the truth values (bool tensor)."""
    if not isinstance(input, Tensor):
        raise arg_type_error("logical_not", "input", 1, input)
    r = LogicalNot.apply(input)
    return r if out is None else write_out(out, r)


# -- bitwise ops --------------------------------------------------------------------------------
def _bitwise(name, ufunc):
    def forward(ctx, a, b, dt):
        if dt.kind in "fc":
            raise kernel_error(f"{name}_cpu", dt)
        a, b = cast2(a, b, dt)
        return getattr(ctx.xp, ufunc)(a, b)

    cls = type(name, (Op,), {"differentiable": False, "forward": staticmethod(forward)})

    def fn(input, other, *, out=None):
        return binary_op(cls, name, input, other, out)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise bitwise {name.split('_')[1].upper()} of integer or bool tensors."
    return fn


bitwise_and = _bitwise("bitwise_and", "bitwise_and")
bitwise_or = _bitwise("bitwise_or", "bitwise_or")
bitwise_xor = _bitwise("bitwise_xor", "bitwise_xor")


class BitwiseNot(Op):
    differentiable = False

    @staticmethod
    def forward(ctx, x):
        if x.dtype.kind in "fc":
            raise kernel_error("bitwise_not_cpu", x.dtype)
        return ctx.xp.invert(x)


def bitwise_not(input, *, out=None):
    """Elementwise bitwise NOT (``~x``) of an integer or bool tensor."""
    if not isinstance(input, Tensor):
        raise arg_type_error("bitwise_not", "input", 1, input)
    r = BitwiseNot.apply(input)
    return r if out is None else write_out(out, r)


class _Shift(Op):
    differentiable = False
    left = True

    @classmethod
    def forward(cls, ctx, a, b, dt):
        xp = ctx.xp
        if dt.kind in "bfc":
            raise kernel_error("lshift_cpu" if cls.left else "rshift_cpu", dt)
        a, b = cast2(a, b, dt)
        bits = dt.itemsize * 8
        out_of_range = (b < 0) | (b >= bits)  # torch defines these; C and NumPy do not
        shift = xp.where(out_of_range, 0, b) if out_of_range.any() else b
        if cls.left:
            out, fill = xp.left_shift(a, shift), 0
        else:
            out = xp.right_shift(a, shift)
            fill = xp.right_shift(a, bits - 1) if dt.kind == "i" else 0  # the sign, or 0
        if out_of_range.any():
            out = xp.where(out_of_range, fill, out).astype(dt)
        return out


class _RightShift(_Shift):
    left = False


def bitwise_left_shift(input, other, *, out=None):
    """``input << other`` for integer tensors (shifts past the width give 0)."""
    return binary_op(_Shift, "bitwise_left_shift", input, other, out)


def bitwise_right_shift(input, other, *, out=None):
    """``input >> other`` for integer tensors (arithmetic shift: keeps the sign)."""
    return binary_op(_RightShift, "bitwise_right_shift", input, other, out)


def _inplace_method(fn):
    def method(self, *args):
        return self._inplace(fn, *args)
    method.__name__ = method.__qualname__ = fn.__name__ + "_"
    return method


logical_and_ = _inplace_method(logical_and)
logical_or_ = _inplace_method(logical_or)
logical_xor_ = _inplace_method(logical_xor)
logical_not_ = _inplace_method(logical_not)
bitwise_and_ = _inplace_method(bitwise_and)
bitwise_or_ = _inplace_method(bitwise_or)
bitwise_xor_ = _inplace_method(bitwise_xor)
bitwise_not_ = _inplace_method(bitwise_not)
bitwise_left_shift_ = _inplace_method(bitwise_left_shift)
bitwise_right_shift_ = _inplace_method(bitwise_right_shift)
