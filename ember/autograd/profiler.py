"""A small op-level profiler: every op call with its CPU time.

Example:
    >>> import ember
    >>> x = ember.ones(100, 100)
    >>> with ember.autograd.profiler.profile() as prof:
    ...     y = (x @ x).sum()
    >>> print(prof.key_averages().table(sort_by="self_cpu_time_total"))  # doctest: +SKIP
"""
import time

from .function import Op

__all__ = ["profile", "record_function"]

_plain_apply = Op.__dict__["apply"]
_active = []   # the profiles currently recording
_stack = []    # [name, start, child_time] of the ops running now


def _op_name(cls):
    name = cls.name_ or cls.__name__
    for suffix in ("Backward0", "Backward1", "Backward2", "Backward"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "aten::" + "".join(out)


def _profiled_apply(cls, *tensors, **params):
    shapes = [tuple(t.shape) if t is not None else () for t in tensors]
    frame = [_op_name(cls), time.perf_counter(), 0.0]
    _stack.append(frame)
    try:
        return _plain_apply.__func__(cls, *tensors, **params)
    finally:
        _stack.pop()
        _record(frame, shapes)


def _record(frame, shapes):
    total = time.perf_counter() - frame[1]
    if _stack:
        _stack[-1][2] += total
    for prof in _active:
        prof._events.append(FunctionEvent(frame[0], total, total - frame[2], shapes))


class FunctionEvent:
    def __init__(self, name, cpu_time, self_cpu_time, input_shapes):
        self.name, self.key = name, name
        self.cpu_time_total = cpu_time * 1e6        # microseconds, as torch reports
        self.self_cpu_time_total = self_cpu_time * 1e6
        self.input_shapes = input_shapes
        self.count = 1

    def __repr__(self):
        return f"<FunctionEvent name={self.name} cpu_time={self.cpu_time_total:.3f}us>"


class FunctionEventAvg:
    def __init__(self, key):
        self.key = key
        self.count = 0
        self.cpu_time_total = 0.0
        self.self_cpu_time_total = 0.0
        self.input_shapes = None

    def add(self, ev):
        self.count += 1
        self.cpu_time_total += ev.cpu_time_total
        self.self_cpu_time_total += ev.self_cpu_time_total

    @property
    def cpu_time(self):
        return self.cpu_time_total / max(self.count, 1)

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={self.self_cpu_time_total:.3f}us "
                f"cpu_time={self.cpu_time:.3f}us count={self.count}>")


def _fmt_time(us):
    if us >= 1e6:
        return f"{us / 1e6:.3f}s"
    if us >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


class EventList(list):
    """A list of events with torch's ``table()`` and ``key_averages()``."""

    def key_averages(self, group_by_input_shape=False):
        groups = {}
        for ev in self:
            key = (ev.key, tuple(ev.input_shapes)) if group_by_input_shape else ev.key
            if key not in groups:
                groups[key] = FunctionEventAvg(ev.key)
                if group_by_input_shape:
                    groups[key].input_shapes = ev.input_shapes
            groups[key].add(ev)
        return EventList(groups.values())

    def total_average(self):
        avg = FunctionEventAvg("Total")
        for ev in self:
            avg.add(ev)
        return avg

    def table(self, sort_by=None, row_limit=100, header=None, top_level_events_only=False,
              **kwargs):
        rows = list(self)
        if sort_by:
            key = sort_by.replace("cpu_time_total", "cpu_time_total")
            rows.sort(key=lambda e: getattr(e, key, 0.0), reverse=True)
        if row_limit is not None and row_limit >= 0:
            rows = rows[:row_limit]
        self_total = sum(e.self_cpu_time_total for e in self) or 1.0
        cols = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg",
                "# of Calls"]
        data = [[e.key, f"{100 * e.self_cpu_time_total / self_total:.2f}%",
                 _fmt_time(e.self_cpu_time_total),
                 f"{100 * e.cpu_time_total / self_total:.2f}%", _fmt_time(e.cpu_time_total),
                 _fmt_time(e.cpu_time_total / max(e.count, 1)), str(e.count)] for e in rows]
        widths = [max([len(c)] + [len(r[i]) for r in data]) + 2 for i, c in enumerate(cols)]
        line = "-" * (sum(widths) + len(widths) - 1)
        parts = [line, " ".join(c.rjust(w) if i else c.ljust(w)
                                for i, (c, w) in enumerate(zip(cols, widths))), line]
        for r in data:
            parts.append(" ".join(v.rjust(w) if i else v.ljust(w)
                                  for i, (v, w) in enumerate(zip(r, widths))))
        parts.append(line)
        parts.append(f"Self CPU time total: {_fmt_time(self_total if self else 0.0)}")
        return "\n".join(parts) + "\n"

    def __str__(self):
        return self.table()


class profile:
    """Record every ember op run inside the block, with CPU times (torch's autograd profiler).

    ``prof.key_averages().table(sort_by="self_cpu_time_total")`` prints one row per op.
    """

    def __init__(self, enabled=True, *, use_cuda=False, use_device=None, record_shapes=False,
                 with_flops=False, profile_memory=False, with_stack=False, use_kineto=False,
                 use_cpu=True, experimental_config=None):
        self.enabled = enabled
        self.record_shapes = record_shapes
        self._events = []
        self._function_events = None

    def __enter__(self):
        if self.enabled:
            _active.append(self)
            Op.apply = classmethod(_profiled_apply)
        return self

    def __exit__(self, *exc):
        if self.enabled:
            _active.remove(self)
            if not _active:
                Op.apply = _plain_apply
        self._function_events = EventList(self._events)
        return False

    def _check_finished(self):
        if self._function_events is None:
            raise RuntimeError("Profiler didn't finish running")

    def function_events(self):
        self._check_finished()
        return self._function_events

    def events(self):
        return self.function_events()

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        self._check_finished()
        return self._function_events.key_averages(group_by_input_shape)

    def total_average(self):
        self._check_finished()
        return self._function_events.total_average()

    def table(self, **kwargs):
        self._check_finished()
        return self._function_events.table(**kwargs)

    def __str__(self):
        return self.table() if self._function_events is not None else "<unfinished profile>"


class record_function:
    """Label a block in the profile: ``with record_function("my_block"): ...``."""

    def __init__(self, name, args=None):
        self.name = name

    def __enter__(self):
        self._frame = [self.name, time.perf_counter(), 0.0]
        _stack.append(self._frame)
        return self

    def __exit__(self, *exc):
        _stack.pop()
        _record(self._frame, [])
        return False
