"""Op-table entries for the unary elementwise family (ember/ops/elementwise.py)."""
import numpy as np

from tests.ops.opinfo import OpInfo, Sample, randn, register, unary


def between(lo, hi):
    """A sample maker for a function's domain, e.g. between(-0.9, 0.9) for asin."""
    return lambda rng, *shape: np.asarray(rng.uniform(lo, hi, shape), dtype=np.float32)


def scaled(k):
    return lambda rng, *shape: np.asarray(rng.standard_normal(shape) * k, dtype=np.float32)


def nonzero(rng, *shape):
    """Away from 0 (for 1/x): |x| in [0.3, 2], either sign."""
    mag = rng.uniform(0.3, 2.0, shape)
    return np.asarray(mag * rng.choice([-1.0, 1.0], shape), dtype=np.float32)


def with_nonfinite(rng, *shape):
    x = randn(rng, *shape)
    flat = x.reshape(-1)
    flat[::3] = np.nan
    flat[1::4] = np.inf
    flat[2::5] = -np.inf
    return x


def _fn(name):
    return lambda lib, a: getattr(lib, name)(a)


def _method_and_inplace(name, inplace_grad):
    # the Tensor method, and the in-place form on a non-leaf (gradient flows through it;
    # torch has no derivative for a few in-place forms: those run on a detached copy)
    def op(lib, a):
        b = a * 1 if inplace_grad else a.detach() * 1
        return getattr(a, name)(), getattr(b, name + "_")()
    return op


def unary_entries(name, make=randn, aliases=(), gradgrad=False, inplace_grad=True, **kw):
    """Entries for ember.<name>, Tensor.<name>, Tensor.<name>_ and each alias (and its _)."""
    entries = [
        OpInfo(name, _fn(name), unary(make), gradgrad=gradgrad, **kw),
        OpInfo(f"Tensor.{name}_", _method_and_inplace(name, inplace_grad),
               unary(make, shapes=((3, 4),)), covers=(name + "_",),
               gradcheck=inplace_grad, **kw),
    ]
    for alias in aliases:
        entries.append(OpInfo(alias, lambda lib, a, alias=alias: (
            getattr(lib, alias)(a), getattr(a, alias)()), unary(make, shapes=((3, 4),)), **kw))
        entries.append(OpInfo(f"Tensor.{alias}_", _method_and_inplace(alias, inplace_grad),
                              unary(make, shapes=((3, 4),)), covers=(alias + "_",),
                              gradcheck=inplace_grad, **kw))
    return entries


register(
    *unary_entries("abs", randn, aliases=("absolute",), gradgrad=True),
    *unary_entries("neg", randn, aliases=("negative",)),
    *unary_entries("sign", randn),
    # torch's sgn gradient is a ZeroTensor the harness cannot turn into NumPy: add x
    OpInfo("sgn", lambda lib, a: (lib.sgn(a) + a, a.sgn() + a, (a * 1).sgn_() + a),
           unary(randn), covers=("sgn_",)),
    *unary_entries("exp", randn, gradgrad=True),
    *unary_entries("exp2", randn),
    *unary_entries("expm1", randn, gradgrad=True),
    *unary_entries("log", between(0.1, 3.0), gradgrad=True),
    *unary_entries("log2", between(0.1, 3.0)),
    *unary_entries("log10", between(0.1, 3.0)),
    *unary_entries("log1p", between(-0.8, 3.0), gradgrad=True),
    *unary_entries("sqrt", between(0.1, 3.0), gradgrad=True),
    *unary_entries("rsqrt", between(0.2, 3.0), gradgrad=True),
    *unary_entries("sin", randn, gradgrad=True),
    *unary_entries("cos", randn, gradgrad=True),
    *unary_entries("tan", between(-1.2, 1.2), gradgrad=True),
    *unary_entries("asin", between(-0.9, 0.9), aliases=("arcsin",), gradgrad=True),
    *unary_entries("acos", between(-0.9, 0.9), aliases=("arccos",), gradgrad=True),
    *unary_entries("atan", scaled(2), aliases=("arctan",), gradgrad=True),
    *unary_entries("sinh", randn, gradgrad=True),
    *unary_entries("cosh", randn, gradgrad=True),
    *unary_entries("tanh", scaled(2), gradgrad=True),
    *unary_entries("asinh", scaled(2), aliases=("arcsinh",), gradgrad=True,
                   inplace_grad=False),
    *unary_entries("acosh", between(1.1, 4.0), aliases=("arccosh",), gradgrad=True,
                   inplace_grad=False),
    *unary_entries("atanh", between(-0.9, 0.9), aliases=("arctanh",), gradgrad=True,
                   inplace_grad=False),
    *unary_entries("sigmoid", scaled(4), gradgrad=True),
    *unary_entries("relu", randn, gradgrad=True),
    *unary_entries("floor", scaled(3)),
    *unary_entries("ceil", scaled(3)),
    *unary_entries("round", scaled(3)),
    *unary_entries("trunc", scaled(3), aliases=("fix",)),
    *unary_entries("frac", scaled(3)),
    *unary_entries("reciprocal", nonzero, gradgrad=True),
    *unary_entries("square", randn, gradgrad=True),
    *unary_entries("erf", scaled(1.5), gradgrad=True),
    *unary_entries("erfc", scaled(1.5), gradgrad=True),
    *unary_entries("erfinv", between(-0.95, 0.95), gradgrad=True),
    *unary_entries("deg2rad", scaled(100)),
    *unary_entries("rad2deg", randn),
    *unary_entries("logit", between(0.05, 0.95), gradgrad=True),
)

_x34 = unary(randn, shapes=((3, 4),))


def _three(rng, a=(3, 4), b=(3, 4), c=(3, 4), shift=(0.0, -0.5, 0.5)):
    return Sample(tuple(randn(rng, *s) + k for s, k in zip((a, b, c), shift)))


register(
    OpInfo("positive", lambda lib, a: (lib.positive(a * 1), (a * 2).positive()), _x34),
    # ember.relu_ / ember.sigmoid_ as functions (torch has them in its namespace)
    OpInfo("relu_", lambda lib, a: lib.relu_(a * 1), _x34),
    OpInfo("sigmoid_", lambda lib, a: lib.sigmoid_(a * 1), _x34),
    # round with decimals (RoundBackward1)
    OpInfo("round", lambda lib, a: lib.round(a, decimals=2), unary(scaled(10))),
    OpInfo("round", lambda lib, a: lib.round(a, decimals=-1), unary(scaled(300))),
    OpInfo("Tensor.round_", lambda lib, a: (a.round(decimals=1), (a * 1).round_(decimals=1)),
           unary(scaled(10), shapes=((3, 4),))),
    # logit with eps: clamped input, zero gradient outside [eps, 1 - eps]
    OpInfo("logit", lambda lib, a: lib.logit(a, eps=0.2), unary(between(0.01, 0.99)),
           gradgrad=True),
    OpInfo("logit", lambda lib, a: lib.logit(a, 0.7), unary(between(-0.5, 1.5))),
    OpInfo("Tensor.logit_", lambda lib, a: (a.logit(0.1), (a * 1).logit_(eps=0.1)),
           unary(between(0.01, 0.99), shapes=((3, 4),))),
    # nan_to_num
    OpInfo("nan_to_num", lambda lib, a: lib.nan_to_num(a), unary(randn)),
    OpInfo("nan_to_num", lambda lib, a: lib.nan_to_num(a), unary(with_nonfinite),
           gradcheck=False),
    OpInfo("nan_to_num", lambda lib, a: lib.nan_to_num(a, nan=1.5, posinf=10., neginf=-10),
           unary(with_nonfinite), gradcheck=False),
    OpInfo("Tensor.nan_to_num_", lambda lib, a: (a.nan_to_num(posinf=3.), (a * 1).nan_to_num_(
        neginf=-3.)), unary(with_nonfinite, shapes=((3, 4),)), covers=("nan_to_num_",),
           gradcheck=False),
    # clamp with numbers
    OpInfo("clamp", lambda lib, a: lib.clamp(a, -0.5, 0.5), unary(randn), covers=("clip",),
           gradgrad=True),
    OpInfo("clamp", lambda lib, a: lib.clamp(a, min=-0.3), unary(randn)),
    OpInfo("clamp", lambda lib, a: lib.clamp(a, max=0.3), unary(randn)),
    OpInfo("clamp", lambda lib, a: lib.clamp(a, 0.5, -0.5), unary(randn)),  # min > max
    OpInfo("clip", lambda lib, a: (lib.clip(a, -1, 1), a.clip(max=0.2), a.clamp(min=0),
                                   (a * 1).clip_(-0.1, 0.1)),
           _x34, covers=("clip_",)),
    OpInfo("Tensor.clamp_", lambda lib, a: (a * 1).clamp_(min=-0.5, max=0.2), _x34,
           covers=("clamp_",)),
    OpInfo("clamp_min", lambda lib, a: (lib.clamp_min(a, 0.1), a.clamp_min(-0.2),
                                        (a * 1).clamp_min_(0.3)),
           unary(randn), covers=("clamp_min_",)),
    OpInfo("clamp_max", lambda lib, a: (lib.clamp_max(a, 0.1), a.clamp_max(-0.2),
                                        (a * 1).clamp_max_(0.3)),
           unary(randn), covers=("clamp_max_",)),
    # clamp with tensors (ClampBackward0 and friends), broadcasting, min > max in places
    OpInfo("clamp", lambda lib, a, lo, hi: lib.clamp(a, lo, hi),
           lambda rng: [_three(rng), _three(rng, (2, 3, 4), (4,), (3, 1)),
                        _three(rng, shift=(0.0, 0.3, -0.3))], gradgrad=True),
    OpInfo("clamp", lambda lib, a, lo: lib.clamp(a, min=lo),
           lambda rng: [Sample((randn(rng, 3, 4), randn(rng, 4)))]),
    OpInfo("clamp", lambda lib, a, hi: (lib.clamp(a, max=hi), (a * 1).clamp_(max=hi)),
           lambda rng: [Sample((randn(rng, 3, 4), randn(rng, 3, 1)))]),
    OpInfo("clamp_min", lambda lib, a, lo: lib.clamp_min(a, lo),
           lambda rng: [Sample((randn(rng, 3, 4), randn(rng, 4)))]),
    OpInfo("clamp_max", lambda lib, a, hi: (lib.clamp_max(a, hi), (a * 1).clamp_max_(hi)),
           lambda rng: [Sample((randn(rng, 3, 4), randn(rng, 4)))]),
    # lerp: number weight on both of torch's formulas, tensor weight with broadcasting
    OpInfo("lerp", lambda lib, a, b: (lib.lerp(a, b, 0.3), lib.lerp(a, b, 0.7)),
           lambda rng: [Sample((randn(rng, 3, 4), randn(rng, 3, 4))),
                        Sample((randn(rng, 2, 1, 4), randn(rng, 3, 1)))], gradgrad=True),
    OpInfo("lerp", lambda lib, a, b, w: lib.lerp(a, b, w),
           lambda rng: [Sample((randn(rng, 3, 4), randn(rng, 3, 4), randn(rng, 3, 4))),
                        Sample((randn(rng, 3, 4), randn(rng, 4), randn(rng, 2, 1, 1))),
                        Sample((randn(rng, 3), randn(rng, 3), randn(rng)))], gradgrad=True),
    OpInfo("Tensor.lerp_", lambda lib, a, b, w: (a.lerp(b, 2.0), (a * 1).lerp_(b, w),
                                                 (a * 1).lerp_(b, -0.25)),
           lambda rng: [Sample((randn(rng, 3, 4), randn(rng, 4), randn(rng, 3, 1)))],
           covers=("lerp_",)),
)
