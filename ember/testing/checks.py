"""assert_close and finite-difference gradient checks (torch.testing / torch.autograd style)."""
import numpy as np

from .._tensor import Tensor, _wrap

_TOL = {"float16": (1e-3, 1e-5), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7)}


def _np(x):
    if isinstance(x, Tensor):
        return x.detach()._host()
    if hasattr(x, "detach") and hasattr(x, "numpy"):  # a foreign tensor, e.g. torch's
        return x.detach().cpu().numpy()
    return np.asarray(x)


def assert_close(actual, expected, *, rtol=None, atol=None, equal_nan=False, check_dtype=True,
                 msg=None):
    """Raise AssertionError unless ``actual`` and ``expected`` are close elementwise.

    Example: ``ember.testing.assert_close(ember.tensor([1.]), ember.tensor([1.0000001]))``
    """
    a, e = _np(actual), _np(expected)
    if check_dtype and isinstance(actual, Tensor) and isinstance(expected, Tensor) \
            and a.dtype != e.dtype:
        raise AssertionError(f"The values for attribute 'dtype' do not match: {a.dtype} != "
                             f"{e.dtype}.")
    if a.shape != e.shape:
        raise AssertionError(f"The values for attribute 'shape' do not match: {a.shape} != "
                             f"{e.shape}.")
    if rtol is None or atol is None:
        rtol, atol = _TOL.get(a.dtype.name, (0.0, 0.0))
    if a.dtype.kind in "fc" or e.dtype.kind in "fc":
        ok = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
    else:
        ok = a == e
    if not np.all(ok):
        bad = int(np.size(ok) - np.count_nonzero(ok))
        diff = np.abs(a.astype(np.float64) - e.astype(np.float64))
        raise AssertionError(msg or f"Tensor-likes are not close!\n\nMismatched elements: {bad} / "
                             f"{np.size(ok)}\nGreatest absolute difference: {np.nanmax(diff)}")


def _flat_inputs(inputs):
    return [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]


def _outputs(fn, inputs):
    out = fn(*inputs)
    return (out,) if isinstance(out, Tensor) else tuple(o for o in out if isinstance(o, Tensor))


def _numerical_jacobian(fn, inputs, eps):
    """d(out_j)/d(in_i) by central differences, one column per input element."""
    outs = _outputs(fn, inputs)  # with grad on: fn may itself call autograd.grad
    jac = []
    for t in _flat_inputs(inputs):
        flat = t._data.reshape(-1)  # a view: writes reach the input
        cols = []
        for k in range(flat.size):
            orig = flat[k].copy()
            flat[k] = orig + eps
            plus = [o._host().astype(np.float64).ravel() for o in _outputs(fn, inputs)]
            flat[k] = orig - eps
            minus = [o._host().astype(np.float64).ravel() for o in _outputs(fn, inputs)]
            flat[k] = orig
            cols.append(np.concatenate([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
                        if plus else np.zeros(0))
        jac.append(np.stack(cols, axis=1) if cols else
                   np.zeros((sum(o._data.size for o in outs), 0)))
    return jac


def _analytical_jacobian(fn, inputs):
    from ..autograd import grad
    ins = _flat_inputs(inputs)
    outs = [o for o in _outputs(fn, inputs)]
    sizes = [o._data.size for o in outs]
    total = sum(sizes)
    jac = [np.zeros((total, t._data.size)) for t in ins]
    row = 0
    for o, n in zip(outs, sizes):
        if not o.requires_grad:
            row += n
            continue
        for k in range(n):
            g = np.zeros(o._data.shape, dtype=o._data.dtype)
            g.reshape(-1)[k] = 1
            grads = grad(o, ins, grad_outputs=_wrap(g), retain_graph=True,
                         allow_unused=True)
            for j, gi in enumerate(grads):
                if gi is not None:
                    jac[j][row + k] = gi._host().astype(np.float64).ravel()
        row += n
    return jac


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              **kwargs):
    """Compare autograd's gradients of ``func`` with finite differences (use float64 inputs).

    Example: ``ember.autograd.gradcheck(ember.sin, (ember.rand(3, dtype=ember.float64,
    requires_grad=True),))`` returns True.
    """
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    for t in _flat_inputs(inputs):
        if t.dtype.name != "float64":
            import warnings
            warnings.warn("gradcheck on a tensor that is not float64 is likely to fail")
    numerical = _numerical_jacobian(func, inputs, eps)
    analytical = _analytical_jacobian(func, inputs)
    for i, (n, a) in enumerate(zip(numerical, analytical)):
        if not np.allclose(a, n, rtol=rtol, atol=atol):
            if raise_exception:
                raise RuntimeError(f"Jacobian mismatch for output 0 with respect to input {i},\n"
                                   f"numerical:{n}\nanalytical:{a}\n")
            return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  raise_exception=True, **kwargs):
    """gradcheck of the gradient of ``func`` (checks second derivatives)."""
    from ..autograd import grad
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    outs = _outputs(func, inputs)
    rng = np.random.default_rng(0)
    if grad_outputs is None:
        grad_outputs = [_wrap(rng.standard_normal(o._data.shape).astype(o._data.dtype))
                        for o in outs if o.requires_grad]
    n_in = len(inputs)

    def first_grad(*args):
        ins, gos = args[:n_in], args[n_in:]
        outs = [o for o in _outputs(func, ins) if o.requires_grad]
        diff_ins = _flat_inputs(ins)
        gs = grad(outs, diff_ins, grad_outputs=gos, create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    gos = tuple(g.requires_grad_() for g in grad_outputs)
    return gradcheck(first_grad, tuple(inputs) + gos, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
