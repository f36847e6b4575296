"""The MT19937 engine behind ``ember.Generator``, with torch's seeding and state layout.

NumPy's ``MT19937`` bit generator is the standard algorithm, so it produces the raw 32-bit
stream; this module adds what torch does around it: seeding from a 64-bit seed, the
5056-byte state that ``get_rng_state`` returns, and the cached normal sample.

Example:
    >>> e = Engine(0)
    >>> e.u32(2).tolist()
    [2357136044, 2546248239]
"""
import os

import numpy as np

N = 624
DEFAULT_SEED = 67280421310721
_M32 = 0xFFFFFFFF
_M64 = 0xFFFFFFFFFFFFFFFF

# torch's CPUGeneratorImplState: the legacy THGeneratorState (whose normal_y holds the cached
# normal) plus a float normal cache. torch 2.13 no longer accepts the 5048-byte legacy size.
_FIELDS = ["seed", "left", "seeded", "next", "state", "normal_x", "normal_y", "normal_rho",
           "normal_valid", "float_normal", "float_valid"]
_FORMATS = ["<u8", "<i4", "<i4", "<u8", ("<u8", N), "<f8", "<f8", "<f8", "<i4", "<f4", "u1"]
_OFFSETS = [0, 8, 12, 16, 24, 5016, 5024, 5032, 5040, 5048, 5052]
STATE_DTYPE = np.dtype({"names": _FIELDS, "formats": _FORMATS, "offsets": _OFFSETS,
                        "itemsize": 5056})


def init_genrand(seed32):
    """The reference MT19937 seeding of 624 state words from a 32-bit seed."""
    key = [seed32]
    prev = seed32
    for i in range(1, N):
        prev = (1812433253 * (prev ^ (prev >> 30)) + i) & _M32
        key.append(prev)
    return np.array(key, dtype=np.uint32)


def nondeterministic_seed():
    """A fresh 64-bit seed from the OS (torch reads /dev/urandom the same way)."""
    return int.from_bytes(os.urandom(8), "little")


def to_seed(seed):
    """A Python int seed as torch stores it: unsigned 64 bits, negative ones wrapped."""
    seed = int(seed)
    if not -(1 << 63) <= seed <= _M64:
        raise ValueError("Overflow when unpacking long long")
    return seed & _M64


class Engine:
    """MT19937 state plus torch's normal cache; ``u32``/``u64`` draw from it."""

    __slots__ = ("_bg", "seed", "_next_at_624", "normal", "float_normal")

    def __init__(self, seed=DEFAULT_SEED):
        self._bg = np.random.MT19937()
        self.manual_seed(seed)

    def manual_seed(self, seed):
        self.seed = to_seed(seed)
        if hasattr(self._bg, "_legacy_seeding"):   # NumPy's C init_genrand, 100x faster
            self._bg._legacy_seeding(self.seed & _M32)
        else:
            self._set_words(init_genrand(self.seed & _M32), N)
        # torch reports next=0 for a fresh seed and next=624 after a full block; both mean
        # "twist before the next draw", which NumPy spells pos=624.
        self._next_at_624 = 0
        self.normal = None          # the cached second Box-Muller value (double)
        self.float_normal = None    # torch's float cache: never used, kept for round trips

    def _set_words(self, key, pos):
        self._bg.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}

    def raw(self, n):
        """``n`` 32-bit draws as uint64 (handy for 64-bit arithmetic)."""
        if n <= 0:
            return np.empty(0, np.uint64)
        self._next_at_624 = N
        return self._bg.random_raw(n)

    def u32(self, n):
        return self.raw(n).astype(np.uint32)

    def u64(self, n):
        """``n`` 64-bit draws: (first << 32) | second, as torch's ``random64``."""
        r = self.raw(2 * n)
        return (r[0::2] << np.uint64(32)) | r[1::2]

    # -- state bytes ---------------------------------------------------------------------------
    def get_state(self):
        """The 5056 bytes torch's ``get_rng_state`` returns for the same generator."""
        st = self._bg.state["state"]
        pos = int(st["pos"])
        s = np.zeros((), STATE_DTYPE)
        s["seed"] = self.seed
        s["left"] = 1 if pos == N else N + 1 - pos
        s["seeded"] = 1
        s["next"] = self._next_at_624 if pos == N else pos
        s["state"] = st["key"]
        if self.normal is not None:
            s["normal_valid"] = 1
            s["normal_y"] = self.normal
        if self.float_normal is not None:
            s["float_valid"] = 1
            s["float_normal"] = self.float_normal
        return np.frombuffer(s.tobytes(), np.uint8).copy()

    def set_state(self, data):
        """Load state bytes from ``get_state`` or from torch's ``get_rng_state``."""
        data = np.ascontiguousarray(data, dtype=np.uint8).reshape(-1)
        if data.size != STATE_DTYPE.itemsize:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {STATE_DTYPE.itemsize} "
                               f"but found the input RNG state size to be {data.size}")
        s = data.view(STATE_DTYPE)[0]
        left, nxt = int(s["left"]), int(s["next"])
        if not (s["seeded"] and 0 < left <= N and nxt <= N):
            raise RuntimeError("Invalid mt19937 state")
        if left != 1 and left + nxt != N + 1:
            raise RuntimeError("ember supports the mt19937 states torch produces (left + next == "
                               f"625), got left={left}, next={nxt}")
        self._set_words((s["state"] & _M32).astype(np.uint32), N if left == 1 else nxt)
        self._next_at_624 = nxt
        self.seed = int(s["seed"])
        self.normal = float(s["normal_y"]) if s["normal_valid"] else None
        self.float_normal = float(s["float_normal"]) if s["float_valid"] else None
