"""The restricted unpickler behind ``ember.load``: torch's globals become ember objects, and with
``weights_only`` (the default) nothing else can be named, called or mutated.

Like torch's weights-only unpickler: only the allowlisted globals below can be named, only they
can be called (REDUCE), BUILD only sets attributes of OrderedDicts, APPEND/SETITEM/ADDITEMS only
touch lists, dicts and sets, NEWOBJ only makes Parameters and containers, INST/OBJ/EXT are
refused. Anything else raises ``pickle.UnpicklingError``; a file can never run code.
"""
import codecs
import collections
import pickle
import struct

from . import dtypes as _dt
from ._pickle_compat import (_STORAGE_TYPES, StorageType, rebuild_from_type_v2,
                             rebuild_parameter, rebuild_parameter_with_state, rebuild_tensor,
                             rebuild_tensor_v2, rebuild_tensor_v3)
from ._tensor import Size, Tensor
from .device import device as _device

_TEXT_CODECS = {"latin1", "latin-1", "iso-8859-1", "utf-8", "utf8", "ascii"}


def _encode(obj, encoding="utf-8", errors="strict"):
    """``_codecs.encode``, which protocol-2 pickles use to rebuild ``bytes``: text codecs only."""
    if type(obj) is not str or type(encoding) is not str or \
            encoding.lower().replace("_", "-") not in _TEXT_CODECS or errors != "strict":
        raise pickle.UnpicklingError(f"refusing _codecs.encode({type(obj).__name__}, "
                                     f"{encoding!r}): only text codecs rebuild bytes")
    return codecs.encode(obj, encoding, errors)


def _bytearray(*args):
    """``bytearray`` from pickled contents, never ``bytearray(huge_int)``."""
    if args and not isinstance(args[0], (bytes, str, list)):
        raise pickle.UnpicklingError("bytearray() may only be rebuilt from its contents")
    return bytearray(*args)


def _make_device(kind, index=None):
    if not isinstance(kind, str) or not (index is None or index.__class__ is int):
        raise pickle.UnpicklingError(f"bad device arguments {kind!r}, {index!r}")
    return _device(kind, index)


# -- what a file may name ------------------------------------------------------------------------
def _allowed_globals():
    from .nn.parameter import Parameter
    g = {
        "torch._utils._rebuild_tensor_v2": rebuild_tensor_v2,
        "torch._utils._rebuild_tensor_v3": rebuild_tensor_v3,
        "torch._utils._rebuild_tensor": rebuild_tensor,
        "torch._utils._rebuild_parameter": rebuild_parameter,
        "torch._utils._rebuild_parameter_with_state": rebuild_parameter_with_state,
        "torch._tensor._rebuild_from_type_v2": rebuild_from_type_v2,
        "torch.Tensor": Tensor, "torch._tensor.Tensor": Tensor,
        "torch.nn.parameter.Parameter": Parameter,
        "torch.Size": Size,
        "torch.device": _make_device,
        "collections.OrderedDict": collections.OrderedDict,
        "collections.Counter": collections.Counter,
        "_codecs.encode": _encode,
        "builtins.set": set, "builtins.frozenset": frozenset, "builtins.bytearray": _bytearray,
        "builtins.complex": complex,
    }
    for d in _dt._ALL:
        g["torch." + d.name] = d
    g["torch.bfloat16"] = _dt.float32   # ember has no bfloat16 (see Storage.typed)
    for name, st in _STORAGE_TYPES.items():
        g["torch." + name] = st
        g["torch.cuda." + name] = st
        g["torch.storage." + name] = st
    return g


# torch allows these, ember has nothing to build them into: say so rather than "unsafe".
_UNSUPPORTED = {
    "torch._utils._rebuild_sparse_tensor": "sparse tensors",
    "torch.serialization._get_layout": "sparse tensors",
    "torch._utils._rebuild_qtensor": "quantized tensors",
    "torch._utils._rebuild_nested_tensor": "nested tensors",
    "torch._utils._rebuild_meta_tensor_no_storage": "meta tensors",
    "torch._utils._rebuild_wrapper_subclass": "tensor subclasses",
    "torch._utils._rebuild_device_tensor_from_numpy": "tensors on devices other than cpu/cuda",
    "torch._utils._rebuild_device_tensor_from_cpu_tensor": "tensors on devices other than "
                                                            "cpu/cuda",
}

_UNSAFE_HINT = ("ember.load(f) (weights_only=True, the default) only rebuilds tensors, "
                "nn.Parameters, dtypes, devices, torch.Size and plain containers (dict, "
                "OrderedDict, list, tuple, set, str, bytes, numbers, None), and refuses to execute "
                "code from the file. If you trust the source of the file, "
                "ember.load(f, weights_only=False) will load it, but that can run arbitrary code.")


# ``ember.serialization.add_safe_globals``: "module.qualname" -> object the user trusts
_USER_ALLOWED = {}
_BLOCKED_MODULES = ("sys", "os", "posix", "nt")   # never, even if the user allowlists them


def _user_allowed(obj):
    return any(obj is v for v in _USER_ALLOWED.values())


class RefusedError(pickle.UnpicklingError):
    """The file asked for something weights-only loading does not allow."""


def weights_only_error(msg):
    return RefusedError(f"Weights only load failed: ember refuses to execute code from the file. "
                        f"WeightsUnpickler error: {msg}\n\n{_UNSAFE_HINT}")


class Unpickler(pickle._Unpickler):
    """Reads torch's pickles into ember objects; ``weights_only`` makes it refuse everything
    that is not data. ``load_storage(storage_type, key, location, numel, view_metadata)`` turns
    a persistent id into a ``Storage``."""

    dispatch = dict(pickle._Unpickler.dispatch)

    def __init__(self, file, load_storage, weights_only=True, encoding="utf-8",
                 errors="strict"):
        super().__init__(file, encoding=encoding, errors=errors)
        self._load_storage = load_storage
        self.weights_only = weights_only
        _init_allowed()

    # globals ---------------------------------------------------------------------------------
    def find_class(self, module, name):
        if (module, name) in _COMPAT_NAMES:                # Python 2 names in protocol-2 pickles
            module, name = _COMPAT_NAMES[(module, name)]
        elif module in _COMPAT_MODULES:
            module = _COMPAT_MODULES[module]
        full = f"{module}.{name}"
        obj = _ALLOWED.get(full)
        if obj is not None:
            return obj
        if full in _UNSUPPORTED:
            raise pickle.UnpicklingError(f"ember cannot load {_UNSUPPORTED[full]} ({full} in the "
                                         "file)")
        if full.startswith("torch.") and full.endswith("Storage"):
            raise pickle.UnpicklingError(f"ember cannot load tensors stored as {full}: ember has "
                                         "no such dtype")
        if full.startswith("torch.") and name in _TORCH_DTYPE_NAMES:
            raise pickle.UnpicklingError(f"ember has no dtype {full} (the file uses it)")
        if self.weights_only:
            if module.split(".")[0] in _BLOCKED_MODULES:
                raise weights_only_error(f"Trying to load unsupported GLOBAL {full} whose module "
                                         f"{module} is blocked.")
            if full in _USER_ALLOWED:
                return _USER_ALLOWED[full]
            shown = name if module == "builtins" else full
            raise weights_only_error(
                f"Unsupported global: GLOBAL {shown} was not an allowed global by default. "
                f"Please use `ember.serialization.add_safe_globals([{shown}])` or the "
                f"`ember.serialization.safe_globals([{shown}])` context manager to allowlist "
                "this global if you trust this class/function.")
        if module == "torch" or module.startswith("torch."):
            raise pickle.UnpicklingError(
                f"the file needs {full}, which ember does not provide (ember never imports torch). "
                "Files that pickle whole torch modules or other torch objects can only be read "
                "by torch; save a state_dict() instead.")
        return super().find_class(module, name)

    # persistent ids: tensor data ---------------------------------------------------------------
    def persistent_load(self, pid):
        if type(pid) is not tuple or not pid:
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r}: the file is corrupt")
        kind = pid[0].decode("ascii") if isinstance(pid[0], bytes) else pid[0]
        if kind == "module" and not self.weights_only and len(pid) == 4:
            return pid[1]  # legacy files name the class of each pickled torch module
        if kind != "storage" or len(pid) not in (5, 6):
            raise pickle.UnpicklingError(f"only persistent ids of storages are allowed, got "
                                         f"{kind!r}")
        storage_type, key, location, numel = pid[1:5]
        if isinstance(location, bytes):
            location = location.decode("ascii")
        if not isinstance(storage_type, StorageType) or not isinstance(location, str) or \
                type(numel) is not int or numel < 0 or not isinstance(key, (str, int)):
            raise pickle.UnpicklingError(f"bad storage id {pid!r}: the file is corrupt")
        return self._load_storage(storage_type, str(key), location, numel,
                                  pid[5] if len(pid) == 6 else None)

    # the opcodes that call or mutate objects: restricted when weights_only -----------------------
    def _safe(self, what):
        if self.weights_only:
            raise weights_only_error(what)

    def load_reduce(self):
        if self.weights_only:
            func = self.stack[-2]
            if not any(func is v for v in _ALLOWED_VALUES) and not _user_allowed(func):
                raise weights_only_error(f"Trying to call reduce for unrecognized function "
                                         f"{func!r}")
            if type(self.stack[-1]) is not tuple:
                raise weights_only_error("REDUCE arguments must be a tuple")
        pickle._Unpickler.load_reduce(self)

    def load_build(self):
        if self.weights_only and not _user_allowed(type(self.stack[-2])):
            state, inst = self.stack[-1], self.stack[-2]
            if type(inst) not in (collections.OrderedDict, collections.Counter):
                raise weights_only_error(f"Can only build OrderedDict, but got "
                                         f"{type(inst).__name__}")
            if isinstance(state, tuple) and len(state) == 2 and state[1] is None:
                state = state[0]
            if state is not None and (type(state) is not dict or not all(
                    type(k) is str and not k.startswith("__") for k in state)):
                raise weights_only_error("OrderedDict state must be a dict of plain attribute "
                                         "names")
            self.stack.pop()
            if state:
                inst.__dict__.update(state)
            return
        pickle._Unpickler.load_build(self)

    def load_newobj(self):
        if self.weights_only:
            cls, args = self.stack[-2], self.stack[-1]
            from .nn.parameter import Parameter
            if cls is Parameter and type(args) is tuple and 1 <= len(args) <= 2:
                del self.stack[-2:]
                self.append(rebuild_parameter(args[0], args[1] if len(args) == 2 else True))
                return
            if cls not in (collections.OrderedDict, collections.Counter, set, frozenset) and \
                    not (_user_allowed(cls) and isinstance(cls, type)) or type(args) is not tuple:
                raise weights_only_error(f"Can only create new object for nn.Parameter or plain "
                                         f"containers but got {cls!r}")
        pickle._Unpickler.load_newobj(self)

    def load_newobj_ex(self):
        self._safe("NEWOBJ_EX is not allowed")
        pickle._Unpickler.load_newobj_ex(self)

    def load_inst(self):
        self._safe("INST is not allowed")
        pickle._Unpickler.load_inst(self)

    def load_obj(self):
        self._safe("OBJ is not allowed")
        pickle._Unpickler.load_obj(self)

    def get_extension(self, code):
        self._safe("EXT (copyreg extension codes) is not allowed")
        pickle._Unpickler.get_extension(self, code)

    def load_bytearray8(self):
        # pickle's own version allocates the claimed length before reading: read, then check
        n, = struct.unpack("<Q", self.read(8))
        data = self.read(n)
        if len(data) != n:
            raise pickle.UnpicklingError("BYTEARRAY8 runs past the end of the data")
        self.append(bytearray(data))

    def load_append(self):
        if self.weights_only and type(self.stack[-2]) is not list:
            raise weights_only_error(f"Can only append to lists, but got "
                                     f"{type(self.stack[-2]).__name__}")
        pickle._Unpickler.load_append(self)

    def load_appends(self):
        if self.weights_only and (not self.metastack or not self.metastack[-1] or
                                  type(self.metastack[-1][-1]) is not list):
            raise weights_only_error("Can only extend lists")
        pickle._Unpickler.load_appends(self)

    def _check_mapping(self, target):
        if self.weights_only and type(target) not in (dict, collections.OrderedDict,
                                                      collections.Counter):
            raise weights_only_error(f"Can only set items of dict, OrderedDict or Counter, but "
                                     f"got {type(target).__name__}")

    def load_setitem(self):
        self._check_mapping(self.stack[-3])
        pickle._Unpickler.load_setitem(self)

    def load_setitems(self):
        if self.weights_only:
            self._check_mapping(self.metastack[-1][-1] if self.metastack and
                                self.metastack[-1] else None)
        pickle._Unpickler.load_setitems(self)

    def load_additems(self):
        if self.weights_only and (not self.metastack or not self.metastack[-1] or
                                  type(self.metastack[-1][-1]) is not set):
            raise weights_only_error("Can only add items to sets")
        pickle._Unpickler.load_additems(self)

    for _name, _op in [("load_reduce", pickle.REDUCE), ("load_build", pickle.BUILD),
                       ("load_newobj", pickle.NEWOBJ), ("load_newobj_ex", pickle.NEWOBJ_EX),
                       ("load_inst", pickle.INST), ("load_obj", pickle.OBJ),
                       ("load_append", pickle.APPEND), ("load_appends", pickle.APPENDS),
                       ("load_setitem", pickle.SETITEM), ("load_setitems", pickle.SETITEMS),
                       ("load_additems", pickle.ADDITEMS),
                       ("load_bytearray8", pickle.BYTEARRAY8)]:
        dispatch[_op[0]] = locals()[_name]
    del _name, _op


_COMPAT_NAMES = {k: v for k, v in __import__("_compat_pickle").NAME_MAPPING.items()}
_COMPAT_MODULES = dict(__import__("_compat_pickle").IMPORT_MAPPING)
_TORCH_DTYPE_NAMES = {"uint16", "uint32", "uint64", "complex32", "chalf", "float8_e4m3fn",
                      "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "qint8", "quint8",
                      "qint32", "quint4x2", "bits8", "bits16"}
_ALLOWED = {}
_ALLOWED_VALUES = ()


def _init_allowed():
    global _ALLOWED_VALUES
    if not _ALLOWED:   # on first use: ember.nn must be importable by then
        from .nn.parameter import Parameter
        allowed = _allowed_globals()
        # what REDUCE may call; Tensor and Parameter are only type markers for
        # _rebuild_from_type_v2 and NEWOBJ
        _ALLOWED_VALUES = tuple(v for v in allowed.values() if callable(v) and
                                v is not Tensor and v is not Parameter and
                                not isinstance(v, (StorageType, _dt.dtype)))
        _ALLOWED.update(allowed)


def add_safe_globals(safe_globals):
    """Allow ``ember.load(weights_only=True)`` to rebuild these classes/functions (each an object,
    or ``(object, "module.name")`` for the name the file uses)."""
    for g in safe_globals:
        if isinstance(g, tuple):
            if len(g) != 2 or type(g[1]) is not str:
                raise ValueError(f"Expected (global, 'module.name'), got {g!r}")
            obj, name = g
        else:
            obj, name = g, f"{g.__module__}.{g.__qualname__}"
        _USER_ALLOWED[name] = obj


def unpickle(fileobj, load_storage, weights_only, encoding, name):
    up = Unpickler(fileobj, load_storage, weights_only, encoding=encoding)
    if not weights_only:
        return up.load()
    try:
        return up.load()
    except (pickle.UnpicklingError, RuntimeError, MemoryError):
        raise
    except EOFError:
        raise pickle.UnpicklingError(f"ember.load: the pickle data in {name} ends early: the "
                                     "file is truncated or corrupt") from None
    except Exception as e:
        raise pickle.UnpicklingError(f"ember.load: the pickle data in {name} is truncated or "
                                     f"corrupt ({type(e).__name__}: {e})") from None
