"""The backward pass: walk the graph from the roots in dependency order, summing gradients.

Broadcasting is undone here, once for every op: a gradient whose shape differs from its input's
is summed down to that shape, and cast back to the input's dtype.
"""
from collections import deque

import numpy as np

from .._tensor import Tensor, _wrap
from ..device import writable
from ..dtypes import from_numpy_dtype
from ..ops.reduce import sum_to_size
from .function import AccumulateGrad
from .grad_mode import _Mode

_anomaly = {"enabled": False, "check_nan": True}


def _collect(roots):
    """Dependency counts (how many edges lead into each node) of the graph below ``roots``."""
    deps = {}
    seen = set()
    stack = list(dict.fromkeys(n for n in roots if n is not None))  # a node may root twice
    for n in stack:
        seen.add(n)
    while stack:
        node = stack.pop()
        for nxt, _ in node.next_functions:
            if nxt is None:
                continue
            deps[nxt] = deps.get(nxt, 0) + 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return deps, seen


def _needed(seen, targets):
    """Nodes from which a target node can be reached (only those must run for autograd.grad)."""
    parents = {}
    for node in seen:
        for nxt, _ in node.next_functions:
            if nxt is not None:
                parents.setdefault(nxt, []).append(node)
    needed = set()
    stack = [t for t in targets if t in seen]
    needed.update(stack)
    while stack:
        node = stack.pop()
        for p in parents.get(node, ()):
            if p not in needed:
                needed.add(p)
                stack.append(p)
    return needed


def run_backward(roots, grads, retain_graph, create_graph, capture=None, accumulate=True,
                 only_leaves=None):
    """Propagate ``grads`` from ``roots`` (tensors) through the graph.

    capture: list of (node, output_nr) whose incoming gradient is returned (autograd.grad).
    accumulate: write leaf gradients into ``.grad`` (backward) or not (autograd.grad).
    only_leaves: when given, the AccumulateGrad nodes allowed to accumulate (backward(inputs=)).
    """
    prev_mode = _Mode.enabled
    _Mode.enabled = create_graph
    # Gradients at infinities legitimately produce inf - inf; torch stays silent there too.
    errstate = np.errstate(invalid="ignore", divide="ignore", over="ignore")
    errstate.__enter__()
    try:
        buffers = {}
        root_nodes = []
        for t, g in zip(roots, grads):
            edge = (t.grad_fn, t._output_nr) if t.grad_fn is not None else (t._accumulator(), 0)
            node, nr = edge
            buf = buffers.setdefault(node, {})
            buf[nr] = g if nr not in buf else buf[nr] + g
            root_nodes.append(node)
        deps, seen = _collect(root_nodes)
        targets = None
        if capture is not None or only_leaves is not None:
            targets = {n for n, _ in capture or ()} | set(only_leaves or ())
        needed = _needed(seen, targets) if targets is not None else None
        captured = {}
        stolen = set()
        ready = deque(n for n in dict.fromkeys(root_nodes) if deps.get(n, 0) == 0)
        while ready:
            node = ready.popleft()
            buf = buffers.pop(node, {})
            if needed is not None and node not in needed:
                _release(node, deps, ready, retain_graph)
                continue
            if node._pre_hooks:
                for nr, hooks in node._pre_hooks.items():
                    if nr in buf:
                        for hook in hooks:
                            new = hook(buf[nr])
                            if new is not None:
                                buf[nr] = new
            if capture is not None:
                for cn, nr in capture:
                    if cn is node and nr in buf:
                        captured[(cn, nr)] = buf[nr]
            if node.__class__ is AccumulateGrad:
                if accumulate and (only_leaves is None or node in only_leaves) and 0 in buf:
                    _accumulate(node.variable, buf[0], create_graph, stolen)
                continue
            n_out = _num_outputs(node, buf)
            grads_out = tuple(buf.get(i) for i in range(n_out))
            if node._node_pre_hooks:
                for hook in node._node_pre_hooks:
                    new = hook(grads_out)
                    if new is not None:
                        grads_out = tuple(new)
            if all(g is None for g in grads_out):
                _release(node, deps, ready, retain_graph)
                continue
            grads_in = _call_node(node, grads_out)
            if node._post_hooks:
                for hook in node._post_hooks:
                    new = hook(grads_in, grads_out)
                    if new is not None:
                        grads_in = tuple(new)
            if not retain_graph:
                node._free()
            meta = node._input_meta
            for i, (nxt, nr) in enumerate(node.next_functions):
                if nxt is None:
                    continue
                g = grads_in[i] if i < len(grads_in) else None
                if g is not None:
                    if not isinstance(g, Tensor):
                        raise TypeError(f"{node.name()} returned a gradient of type "
                                        f"{type(g).__name__}, expected a Tensor or None")
                    shape, dt = meta[i]
                    if g._data.shape != shape:
                        g = sum_to_size(g, shape)
                    if g._data.dtype != dt:
                        g = g.to(from_numpy_dtype(dt))
                    buf = buffers.setdefault(nxt, {})
                    buf[nr] = g if nr not in buf else buf[nr] + g
                deps[nxt] -= 1
                if deps[nxt] == 0:
                    ready.append(nxt)
        return captured
    finally:
        errstate.__exit__(None, None, None)
        _Mode.enabled = prev_mode


def _num_outputs(node, buf):
    n = getattr(node, "_n_outputs", None)
    if n is None:
        n = max(buf) + 1 if buf else 1
    return n


def _call_node(node, grads_out):
    if any(g is None for g in grads_out) and getattr(node, "_out_meta", None) is not None:
        grads_out = tuple(_wrap(node.xp.zeros(*m)) if g is None else g
                          for g, m in zip(grads_out, node._out_meta))
    if not _anomaly["enabled"]:
        return node._apply_backward(grads_out)
    from .anomaly_mode import run_with_anomaly_check
    return run_with_anomaly_check(node, grads_out)


def _release(node, deps, ready, retain_graph):
    """Skip a node: its successors lose one dependency each."""
    if not retain_graph:
        node._free()
    for nxt, _ in node.next_functions:
        if nxt is None:
            continue
        deps[nxt] -= 1
        if deps[nxt] == 0:
            ready.append(nxt)


def _accumulate(var, g, create_graph, stolen):
    """Add ``g`` into ``var.grad`` (in place unless building a graph, as torch does)."""
    if var._hooks:
        for hook in var._hooks:
            new = hook(g)
            if new is not None:
                g = new
    if var._grad is None:
        if create_graph:
            var._grad = g
        else:
            arr = g._data
            # Reuse a fresh gradient buffer; copy one that is a view or already handed out.
            if arr.base is not None or not writable(arr) or id(arr) in stolen \
                    or g._requires_grad or getattr(g, "_user_grad", False):
                arr = arr.copy()
            stolen.add(id(arr))
            var._grad = _wrap(arr)
    elif create_graph or _Mode.enabled:
        var._grad = var._grad + g
    else:
        var._grad._data += g._data
        var._grad._bump_version()
