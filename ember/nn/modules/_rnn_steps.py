"""One time step of each recurrent cell, shared by nn.RNN/LSTM/GRU and their cells.

The recurrent matrix product (all gates at once) is an ember op; the pointwise gate math of
LSTM and GRU is one fused op each (``_LSTMGates``, ``_GRUGates``), since a step is otherwise a
dozen tiny ops whose per-op cost dominates small recurrent nets. Their backward computes the
gradient directly on arrays when no graph is being built (the usual ``backward()``); with
``create_graph=True`` it recomputes the same formulas with ember ops, so gradients of
gradients still work.
"""
import numpy as np

from ..._tensor import _wrap
from ...autograd.function import Op
from ...autograd.grad_mode import is_grad_enabled
from ...ops.addmm import addmm
from ...ops.elementwise import _sigmoid
from ...ops.join import cat


def rnn_step(gi, h, w_hh_t, act):
    """Elman step; ``gi`` is this step's input projection with both biases."""
    pre = addmm(gi, h, w_hh_t)
    return pre.tanh() if act == "tanh" else pre.relu()


def lstm_step(gi, h, c, w_hh_t, w_hr_t=None):
    """LSTM step; ``gi`` holds the input projection with both biases (gates i, f, g, o)."""
    h, c = _LSTMGates.apply(addmm(gi, h, w_hh_t), c)
    if w_hr_t is not None:
        h = h.mm(w_hr_t)
    return h, c


def gru_step(gi, h, w_hh_t, b_hh):
    """GRU step; ``gi`` holds the input projection with b_ih (gates r, z, n); b_hh stays inside
    ``r * (W_hn h + b_hn)``."""
    gh = h.mm(w_hh_t) if b_hh is None else addmm(b_hh, h, w_hh_t)
    return _GRUGates.apply(gi, gh, h)


def _dsig(s):
    return s * (1 - s)


class _LSTMGates(Op):
    """(gates (N, 4H) before activation, c_prev) -> (h, c):
    ``c = sigmoid(f) * c_prev + sigmoid(i) * tanh(g)``, ``h = sigmoid(o) * tanh(c)``."""

    name_ = "LSTMGatesBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, gates, c_prev):
        xp = ctx.xp
        H = c_prev.shape[1]
        with np.errstate(over="ignore"):
            acts = _sigmoid(xp, gates)
        acts[:, 2 * H:3 * H] = xp.tanh(gates[:, 2 * H:3 * H])
        i, f, g, o = (acts[:, k * H:(k + 1) * H] for k in range(4))
        c = f * c_prev
        c += i * g
        tc = xp.tanh(c)
        ctx.acts, ctx.tc = acts, tc
        return o * tc, c

    @staticmethod
    def backward(ctx, gh, gc):
        gates, c_prev = ctx.saved_tensors
        if is_grad_enabled():  # create_graph: the same formulas as ember ops
            i, f, g, o = gates.chunk(4, 1)
            i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
            tc = (f * c_prev + i * g).tanh()
            dc = _zero_if_none(gc, c_prev)
            d_o = None
            if gh is not None:
                dc = dc + gh * o * (1 - tc * tc)
                d_o = gh * tc * _dsig(o)
            d_o = _zero_if_none(d_o, c_prev)
            d_gates = cat([dc * g * _dsig(i), dc * c_prev * _dsig(f), dc * i * (1 - g * g),
                           d_o], 1)
            return d_gates, dc * f
        xp, acts, tc, cp = ctx.xp, ctx.acts, ctx.tc, c_prev._data
        H = cp.shape[1]
        i, f, g, o = (acts[:, k * H:(k + 1) * H] for k in range(4))
        dc = xp.zeros_like(cp) if gc is None else gc._data.copy()
        d = xp.empty_like(acts)
        if gh is not None:
            ghd = gh._data
            dc += ghd * o * (1 - tc * tc)
            d[:, 3 * H:] = ghd * tc * o * (1 - o)
        else:
            d[:, 3 * H:] = 0
        d[:, :H] = dc * g * i * (1 - i)
        d[:, H:2 * H] = dc * cp * f * (1 - f)
        d[:, 2 * H:3 * H] = dc * i * (1 - g * g)
        return _wrap(d), _wrap(dc * f)


class _GRUGates(Op):
    """(gi, gh (N, 3H) with their biases, h_prev) -> h:
    ``r, z = sigmoid(gi_rz + gh_rz)``, ``n = tanh(gi_n + r * gh_n)``,
    ``h = n + z * (h_prev - n)``."""

    name_ = "GRUGatesBackward0"
    save_inputs = (0, 1, 2)

    @staticmethod
    def forward(ctx, gi, gh, h_prev):
        xp = ctx.xp
        H = h_prev.shape[1]
        with np.errstate(over="ignore"):
            rz = _sigmoid(xp, gi[:, :2 * H] + gh[:, :2 * H])
        r, z = rz[:, :H], rz[:, H:]
        n = xp.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
        ctx.rz, ctx.n = rz, n
        return n + z * (h_prev - n)

    @staticmethod
    def backward(ctx, dh):
        gi, gh, h_prev = ctx.saved_tensors
        if is_grad_enabled():  # create_graph: the same formulas as ember ops
            i_r, i_z, i_n = gi.chunk(3, 1)
            h_r, h_z, h_n = gh.chunk(3, 1)
            r, z = (i_r + h_r).sigmoid(), (i_z + h_z).sigmoid()
            n = (i_n + r * h_n).tanh()
            dn = dh * (1 - z) * (1 - n * n)
            dr = dn * h_n * _dsig(r)
            dz = dh * (h_prev - n) * _dsig(z)
            return cat([dr, dz, dn], 1), cat([dr, dz, dn * r], 1), dh * z
        xp, rz, n = ctx.xp, ctx.rz, ctx.n
        H = n.shape[1]
        r, z = rz[:, :H], rz[:, H:]
        d, hp = dh._data, h_prev._data
        dn = d * (1 - z) * (1 - n * n)
        d_gi = xp.empty_like(gi._data)
        d_gi[:, :H] = dn * gh._data[:, 2 * H:] * r * (1 - r)
        d_gi[:, H:2 * H] = d * (hp - n) * z * (1 - z)
        d_gi[:, 2 * H:] = dn
        d_gh = d_gi.copy()
        d_gh[:, 2 * H:] *= r
        return _wrap(d_gi), _wrap(d_gh), _wrap(d * z)


def _zero_if_none(g, like):
    return like * 0 if g is None else g
