"""Named tuples returned by ops with several results, as ``torch.return_types``.

``ember.sort(x)`` returns a ``sort`` tuple with fields ``values`` and ``indices``; it prints,
compares and pickles like torch's. Every type is made here, once, from the table below (with an
``<name>_out`` twin for calls with ``out=``), and is an attribute of this module:
``ember.return_types.sort``.

Example:
    >>> import ember
    >>> r = ember.tensor([[1., 3.], [4., 2.]]).max(dim=1)
    >>> r.indices
    tensor([1, 0])
    >>> type(r) is ember.return_types.max, r.n_fields
    (True, 2)
"""
import collections

_VALUES_INDICES = ("values", "indices")
_FIELDS = {
    **{name: _VALUES_INDICES for name in ("max", "min", "sort", "topk", "kthvalue", "median",
                                           "nanmedian", "mode", "cummax", "cummin")},
    "aminmax": ("min", "max"),
    "svd": ("U", "S", "V"), "qr": ("Q", "R"), "slogdet": ("sign", "logabsdet"),
    "linalg_svd": ("U", "S", "Vh"), "linalg_qr": ("Q", "R"),
    "linalg_eigh": ("eigenvalues", "eigenvectors"), "linalg_slogdet": ("sign", "logabsdet"),
}
_TYPES = {}


def return_type(name):
    """The named tuple type ``torch.return_types.<name>``: ``return_type("sort")(values, idx)``."""
    return _TYPES[name]


def _make(name, fields):
    base = collections.namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    def __reduce__(self):
        return (_make_return, (name, tuple(self)))

    _TYPES[name] = type(name, (base,), {
        "__slots__": (), "__repr__": __repr__, "__str__": __repr__, "__reduce__": __reduce__,
        "__module__": "torch.return_types", "n_fields": len(fields),
        "n_sequence_fields": len(fields), "n_unnamed_fields": 0})


def _make_return(name, values):
    """Rebuild a pickled return value."""
    return _TYPES[name](*values)


def __getattr__(name):  # ember.return_types.max (module attributes would shadow builtins here)
    try:
        return _TYPES[name]
    except KeyError:
        raise AttributeError(f"module 'ember.return_types' has no attribute '{name}'") from None


def __dir__():
    return sorted(set(globals()) | set(_TYPES))


for _name, _fields in _FIELDS.items():
    _make(_name, _fields)
    _make(_name + "_out", _fields)
del _name, _fields
