"""``ember.save`` / ``ember.load`` in PyTorch's own checkpoint format (the zip ``.pt`` layout).

``torch.load`` reads what ``ember.save`` writes and ``ember.load`` reads what ``torch.save``
writes, without ember importing torch. Loading is safe by default (``weights_only=True``: a
restricted unpickler that never runs code from the file); saving to a path is atomic.

Example:
    >>> import ember, io
    >>> buf = io.BytesIO()
    >>> ember.save({"w": ember.ones(2)}, buf)
    >>> _ = buf.seek(0)
    >>> ember.load(buf)
    {'w': tensor([1., 1.])}

The file layout (what ``torch.save`` writes since PyTorch 1.6)::

    <name>/data.pkl                  the object, pickled (protocol 2); tensors refer to storages
                                     by persistent id ('storage', torch.FloatStorage, key,
                                     location, numel) and are rebuilt by
                                     torch._utils._rebuild_tensor_v2(storage, offset, size,
                                     stride, requires_grad, backward_hooks)
    <name>/.format_version           "1"
    <name>/.storage_alignment        "64": each record's bytes start at a multiple of 64
    <name>/byteorder                 "little" or "big"
    <name>/data/<key>                raw bytes of one storage
    <name>/version                   "3"
    <name>/.data/serialization_id    40 random digits
"""
import io
import mmap as _mmap
import os
import pickle
import re
import secrets

from . import _checkpoint_io as _io
from . import _pickle_compat as _pc
from . import _unpickler
from .device import device as _device

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals",
           "safe_globals"]


def add_safe_globals(safe_globals):
    """Trust these classes/functions when loading with ``weights_only=True``: their instances
    can then be rebuilt from a file, e.g. ``add_safe_globals([MyConfig])``. Modules ``os``,
    ``sys``, ``posix`` and ``nt`` stay blocked whatever is added."""
    _unpickler.add_safe_globals(safe_globals)


def get_safe_globals():
    """What ``add_safe_globals`` has allowed so far."""
    return list(_unpickler._USER_ALLOWED.values())


def clear_safe_globals():
    """Forget everything ``add_safe_globals`` allowed."""
    _unpickler._USER_ALLOWED.clear()


class safe_globals:
    """``with ember.serialization.safe_globals([MyConfig]): ember.load(f)`` allows them for the
    block only."""

    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        self._saved = dict(_unpickler._USER_ALLOWED)
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc):
        _unpickler._USER_ALLOWED.clear()
        _unpickler._USER_ALLOWED.update(self._saved)


def _atomic_write(path, write):
    """Write through ``write(fileobj)`` to a temporary file beside ``path``, fsync it, then
    rename it over ``path``: a crash at any point leaves the old file (or none) and no debris."""
    target = os.path.realpath(path) if os.path.islink(path) else os.path.abspath(path)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise RuntimeError(f"Parent directory {folder} does not exist.")
    if os.path.isdir(target):
        raise IsADirectoryError(f"[Errno 21] Is a directory: '{path}'")
    tmp = os.path.join(folder, f".{os.path.basename(target)}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if os.path.exists(target):
            try:
                os.chmod(tmp, os.stat(target).st_mode & 0o7777)
            except OSError:
                pass
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if hasattr(os, "O_DIRECTORY"):   # make the rename itself durable
        try:
            dfd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:
            pass


def save(obj, f, pickle_module=pickle, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Save ``obj`` (tensors, state dicts, optimizer states, nested containers...) to ``f`` (a
    path or a binary file object) in PyTorch's checkpoint format: ``torch.load`` can read it.

    Saving to a path is atomic: the file appears complete or not at all.

    Example:
        >>> import ember, io
        >>> buf = io.BytesIO()
        >>> ember.save({"weight": ember.zeros(2, 3)}, buf)
    """
    if pickle_module is not pickle:
        raise ValueError("ember.save only supports the standard pickle module")
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("ember.save writes only the zip format "
                                  "(_use_new_zipfile_serialization=True)")
    # pickle first: an object that cannot be pickled raises before any file is touched
    pkl, storages = _pc.pickle_obj(obj, pickle_protocol)
    if isinstance(f, (str, bytes, os.PathLike)):
        path = os.fsdecode(f)
        stem = os.path.splitext(os.path.basename(path))[0]
        prefix = stem if re.fullmatch(r"[A-Za-z0-9_.\-]+", stem) and stem.strip(".") else \
            "archive"
        _atomic_write(path, lambda fh: _io.write_zip(fh, prefix, pkl, storages,
                                                     not _disable_byteorder_record))
    else:
        if not hasattr(f, "write"):
            raise AttributeError(f"ember.save: expected a path or a file object with a write() "
                                 f"method, got {type(f).__name__}")
        _io.write_zip(f, "archive", pkl, storages, not _disable_byteorder_record)


# -- loading ---------------------------------------------------------------------------------------
_CUDA_UNAVAILABLE = (
    "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. "
    "If you are running on a CPU-only machine, please use torch.load with "
    "map_location=torch.device('cpu') to map your storages to the CPU.")


def _default_restore(storage, location):
    location = str(location)
    if location == "cpu":
        return storage.cpu()
    if re.match(r"cuda(:|[0-9]+|$)", location):
        from . import cuda
        if not cuda.is_available():
            raise RuntimeError(_CUDA_UNAVAILABLE)
        dev = _device(location)
        index = dev.index if dev.index is not None else cuda.current_device()
        count = cuda.device_count()
        if index >= count:
            raise RuntimeError(
                f"Attempting to deserialize object on CUDA device {index} but "
                f"torch.cuda.device_count() is {count}. Please use torch.load with map_location "
                "to map your storages to an existing device.")
        return storage.to(_device("cuda", index))
    raise RuntimeError(f"don't know how to restore data location of torch.storage.UntypedStorage "
                       f"(tagged with {location}): ember keeps tensors on 'cpu' or 'cuda'; pass "
                       "map_location='cpu' to load them on the CPU")


def _restore_fn(map_location):
    if map_location is None:
        return _default_restore
    if isinstance(map_location, dict):
        return lambda s, loc: _default_restore(s, map_location.get(loc, loc))
    if isinstance(map_location, (str, bytes, _device)):
        where = map_location.decode() if isinstance(map_location, bytes) else str(map_location)
        return lambda s, loc: _default_restore(s, where)
    if callable(map_location):
        def restore(s, loc):
            out = map_location(s, loc)
            if out is None:
                return _default_restore(s, loc)
            if not isinstance(out, _pc.Storage):
                raise TypeError(f"map_location returned {type(out).__name__}; it must return "
                                "the storage it was given (or storage.cpu()/.cuda()/.to()) or None")
            return _default_restore(out, str(out.device)) if out.device != s.device else out
        return restore
    raise TypeError(f"map_location must be None, a string, a device, a dict or a callable, "
                    f"not {type(map_location).__name__}")


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """Load an object saved with ``ember.save`` or ``torch.save`` from ``f`` (a path or a binary
    file object). Tensors come back as ember Tensors, ``nn.Parameter`` as ember's.

    ``weights_only=True`` (the default) never executes code from the file: only tensors,
    Parameters, dtypes, devices and plain containers can be loaded. ``map_location`` ('cpu', a
    device, a dict like ``{'cuda:0': 'cpu'}`` or a callable ``(storage, location)``) says where
    tensors go; ``mmap=True`` maps a file's tensor bytes instead of reading them.

    Example:
        >>> import ember, io
        >>> buf = io.BytesIO(); ember.save([ember.arange(3)], buf); _ = buf.seek(0)
        >>> ember.load(buf, map_location="cpu")
        [tensor([0, 1, 2])]
    """
    if weights_only is None:
        weights_only = pickle_module is None
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    if pickle_module not in (None, pickle):
        raise ValueError("ember.load only supports the standard pickle module")
    encoding = pickle_load_args.pop("encoding", "utf-8")
    if pickle_load_args:
        raise TypeError(f"load() got unexpected keyword arguments {sorted(pickle_load_args)}")
    restore = _restore_fn(map_location)
    is_path = isinstance(f, (str, bytes, os.PathLike))
    name = repr(os.fsdecode(f)) if is_path else getattr(f, "name", type(f).__name__)
    if mmap and not is_path and not isinstance(getattr(f, "name", None), str):
        raise ValueError("f must be a file path in order to use the mmap argument")
    fh = open(f, "rb") if is_path else f
    try:
        if not is_path:
            if not hasattr(fh, "read"):
                raise AttributeError(f"ember.load: expected a path or a file object with read(), "
                                     f"got {type(f).__name__}")
            if not (getattr(fh, "seekable", lambda: False)()):
                fh = io.BytesIO(fh.read())
        start = fh.tell()
        magic = fh.read(4)
        fh.seek(start)
        if isinstance(magic, str):
            raise TypeError("ember.load needs a file opened in binary mode ('rb')")
        if not magic:
            raise RuntimeError(f"ember.load: {name} is empty: there is nothing to load (was "
                               "the save interrupted?)")
        if magic == b"PK\x03\x04":
            mm = None
            if mmap:
                with open(f if is_path else f.name, "rb") as raw:
                    mm = _mmap.mmap(raw.fileno(), 0, access=_mmap.ACCESS_COPY)
            return _io.load_zip(_io.ZipReader(fh, name, mm), restore, weights_only, encoding)
        if mmap:
            raise RuntimeError("mmap can only be used with files saved with "
                               "`torch.save(_use_new_zipfile_serialization=True)`")
        if len(magic) == 4 and magic[:2] != b"\x80\x02":
            fh.seek(start + 257)
            if fh.read(5) == b"ustar":
                raise RuntimeError(f"ember.load: {name} is in PyTorch's oldest (tar) format, "
                                   "which ember cannot read; re-save it with torch.save")
            fh.seek(start)
        return _io.load_legacy(fh, name, restore, weights_only, encoding)
    finally:
        if is_path:
            fh.close()
