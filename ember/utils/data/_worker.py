"""The loop run in each DataLoader worker process, and what it sends back."""
import os
import queue
import random
import sys
import traceback

import numpy as np

import ember

from .collate import default_collate
from .dataset import _StackedSamples

__all__ = ["WorkerInfo", "get_worker_info"]

_worker_info = None
_POLL = 1.0


class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker: ``id``, ``num_workers``, ``seed``,
    ``dataset`` (this worker's copy)."""

    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)

    def __repr__(self):
        fields = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items() if k != "dataset")
        return f"WorkerInfo({fields})"


def get_worker_info():
    """In a DataLoader worker: its ``WorkerInfo``; in the main process: ``None``."""
    return _worker_info


class ExceptionWrapper:
    """An exception raised in a worker, carried to the main process with its traceback."""

    def __init__(self, exc_info, where):
        self.exc_type = exc_info[0]
        self.msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        try:
            exc = self.exc_type(msg)
        except Exception:
            exc = None
        if not isinstance(exc, BaseException) or getattr(exc, "args", None) != (msg,):
            raise RuntimeError(msg) from None
        raise exc


class KeyErrorMessage(str):
    """KeyError quotes its message with repr; this keeps the traceback readable."""

    def __repr__(self):
        return str(self)


class IterableStop:
    """Sent by a worker whose copy of an IterableDataset is exhausted."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


def numpy_seed(base_seed, worker_id):
    """The seed torch gives NumPy in a worker (a SeedSequence of the worker's id and base
    seed)."""
    mask = 0xFFFFFFFF
    ss = np.random.SeedSequence([worker_id, base_seed & mask, (base_seed >> 32) & mask, 0])
    return ss.generate_state(4)


class _Fetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last, iterable):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.iterable = iterable
        self.it = iter(dataset) if iterable else None
        self.ended = False

    def fetch(self, index):
        if self.iterable:
            if self.ended:
                raise StopIteration
            if self.auto_collation:
                data = []
                for _ in index:
                    try:
                        data.append(next(self.it))
                    except StopIteration:
                        self.ended = True
                        break
                if not data or (self.ended and self.drop_last and len(data) < len(index)):
                    raise StopIteration
            else:
                data = next(self.it)
            return self.collate_fn(data)
        if self.auto_collation:
            getitems = getattr(self.dataset, "__getitems__", None)
            data = getitems(index) if callable(getitems) else [self.dataset[i] for i in index]
            if isinstance(data, _StackedSamples) and self.collate_fn is not default_collate:
                data = list(data)   # a custom collate_fn gets torch's list of samples
        else:
            data = self.dataset[index]
        return self.collate_fn(data)


def worker_loop(dataset, index_queue, result_queue, auto_collation, collate_fn, drop_last,
                base_seed, init_fn, worker_id, num_workers, iterable, parent_pid):
    """Serve ``(epoch, task_id, index)`` tasks until told to stop (``None``)."""
    global _worker_info
    try:
        seed = base_seed + worker_id
        random.seed(seed)
        ember.manual_seed(seed)
        np.random.seed(numpy_seed(base_seed, worker_id))
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                                  dataset=dataset)
        init_error = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = _Fetcher(dataset, auto_collation, collate_fn, drop_last, iterable)
        except Exception:
            init_error = ExceptionWrapper(sys.exc_info(),
                                          f"in DataLoader worker process {worker_id}")
            fetcher = None
        while True:
            try:
                task = index_queue.get(timeout=_POLL)
            except queue.Empty:
                if os.getppid() != parent_pid:
                    return
                continue
            if task is None:
                break
            epoch, task_id, index = task
            if task_id == "reset":
                if iterable and fetcher is not None:
                    fetcher.it = iter(dataset)
                    fetcher.ended = False
                continue
            if init_error is not None:
                result_queue.put((epoch, task_id, init_error))
                init_error = None
                fetcher = None
                continue
            if fetcher is None:
                continue
            try:
                data = fetcher.fetch(index)
            except StopIteration:
                data = IterableStop(worker_id)
            except Exception:
                data = ExceptionWrapper(sys.exc_info(),
                                        f"in DataLoader worker process {worker_id}")
            result_queue.put((epoch, task_id, data))
    except KeyboardInterrupt:
        pass
    result_queue.cancel_join_thread()
    result_queue.close()
