"""Reading and writing the files behind ``ember.save`` / ``ember.load``: torch's zip layout
(records aligned to 64 bytes, as torch writes them) and reading torch's legacy (pre-1.6) format.
"""
import io
import pickle
import secrets
import struct
import sys
import zipfile
import zlib

import numpy as np

from . import _pickle_compat as _pc
from ._unpickler import RefusedError, unpickle

_ALIGN = 64
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_LEGACY_PROTOCOL = 1001
_CHUNK = 1 << 24
# what zipfile raises on a damaged archive (a huge offset or size overflows, for one)
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
               OverflowError, struct.error, NotImplementedError, zlib.error)


def _write_record(zf, name, chunks, nbytes):
    """One stored zip entry whose bytes start at a multiple of 64 in the file, padded as torch
    pads them (an 'FB' extra field of 'Z's in the local header)."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.file_size = nbytes
    zip64 = nbytes * 1.05 > zipfile.ZIP64_LIMIT   # zipfile's own rule; adds 20 header bytes
    header_end = zf.start_dir + 30 + len(name.encode("utf-8")) + (20 if zip64 else 0)
    pad = (-(header_end + 4)) % _ALIGN
    info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
    with zf.open(info, "w", force_zip64=zip64) as out:
        for chunk in chunks:
            out.write(chunk)
    info.extra = b""   # the padding lives in the local header only, as in torch's files


class _StreamOnly:
    """Hides seek/tell so that zipfile streams each record followed by a data descriptor, the
    layout torch's writer (miniz) produces and torch's offset arithmetic expects."""

    def __init__(self, fh):
        self.write, self.flush = fh.write, getattr(fh, "flush", lambda: None)


def write_zip(fh, prefix, pkl, storages, byteorder=True):
    with zipfile.ZipFile(_StreamOnly(fh), "w", zipfile.ZIP_STORED) as zf:
        def record(name, data):
            data = data.encode() if isinstance(data, str) else data
            _write_record(zf, f"{prefix}/{name}", [data], len(data))

        record("data.pkl", pkl)
        record(".format_version", "1")
        record(".storage_alignment", str(_ALIGN))
        if byteorder:
            record("byteorder", sys.byteorder)
        for ref in storages:
            mv = memoryview(ref.data)
            _write_record(zf, f"{prefix}/data/{ref.key}",
                          (mv[i:i + _CHUNK] for i in range(0, len(mv), _CHUNK)), len(mv))
        record("version", "3\n")
        record(".data/serialization_id", str(secrets.randbelow(10 ** 40)).zfill(40))


class ZipReader:
    """Reads the records of a torch zip checkpoint (optionally through one mmap of the file)."""

    def __init__(self, fh, name, mm=None):
        self.name, self.fh, self.mm = name, fh, mm
        pos = fh.tell()
        self.size = fh.seek(0, 2)
        fh.seek(pos)
        try:
            self.zf = zipfile.ZipFile(fh)
            names = self.zf.namelist()
        except _ZIP_ERRORS as e:
            raise RuntimeError(f"ember.load: {name} is not a readable checkpoint: its zip "
                               f"archive is truncated or corrupt ({e}) (torch says: "
                               "PytorchStreamReader failed reading zip archive)") from None
        prefix = names[0].split("/", 1)[0] if names and "/" in names[0] else None
        if prefix is None or f"{prefix}/data.pkl" not in names:
            found = [n for n in names if n.endswith("/data.pkl") and n.count("/") == 1]
            if not found:
                if any(n.endswith("constants.pkl") for n in names):
                    raise RuntimeError(f"ember.load: {name} is a TorchScript archive "
                                       "(torch.jit.save); ember reads checkpoints written by "
                                       "torch.save / ember.save")
                raise RuntimeError(f"ember.load: {name} is a zip file but not a PyTorch "
                                   "checkpoint (it has no data.pkl record)")
            prefix = found[0].split("/", 1)[0]
        if f"{prefix}/constants.pkl" in names:
            raise RuntimeError(f"ember.load: {name} is a TorchScript archive (torch.jit.save); "
                               "ember reads checkpoints written by torch.save / ember.save")
        self.prefix = prefix

    def has(self, record):
        try:
            self.zf.getinfo(f"{self.prefix}/{record}")
            return True
        except KeyError:
            return False

    def _info(self, record):
        try:
            return self.zf.getinfo(f"{self.prefix}/{record}")
        except KeyError:
            raise RuntimeError(f"ember.load: {self.name} has no record {record!r}: the file is "
                               "truncated or corrupt") from None

    def read(self, record):
        return self._read_into(self._info(record), bytearray)

    def _data_offset(self, info):
        try:
            self.fh.seek(info.header_offset)
            header = self.fh.read(30)
        except _ZIP_ERRORS:
            header = b""
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            raise RuntimeError(f"ember.load: {self.name}: bad zip header for {info.filename}: "
                               "the file is corrupt")
        n, m = struct.unpack("<HH", header[26:30])
        return info.header_offset + 30 + n + m

    def _read_into(self, info, kind):
        size = info.file_size
        if size > self.size:   # before allocating what a corrupt directory claims
            raise RuntimeError(f"ember.load: record {info.filename} of {self.name} claims "
                               f"{size} bytes, more than the whole file: the file is corrupt")
        out = bytearray(size) if kind is bytearray else np.empty(size, np.uint8)
        view = memoryview(out).cast("B")
        try:
            if info.CRC == 0 and size and info.compress_type == zipfile.ZIP_STORED:
                # torch can write without CRCs (torch.serialization.set_crc32_options(False))
                self.fh.seek(self._data_offset(info))
                got = self.fh.readinto(view)
                if got != size:
                    raise EOFError(f"{got} of {size} bytes")
            else:
                with self.zf.open(info) as src:
                    pos = 0
                    while pos < size:
                        chunk = src.read(min(_CHUNK, size - pos))
                        if not chunk:
                            raise EOFError(f"{pos} of {size} bytes")
                        view[pos:pos + len(chunk)] = chunk
                        pos += len(chunk)
                    src.read(1)   # reach EOF so zipfile checks the CRC
        except _ZIP_ERRORS as e:
            raise RuntimeError(f"ember.load: record {info.filename} of {self.name} is truncated "
                               f"or corrupt ({e})") from None
        return out

    def storage_bytes(self, key, nbytes):
        info = self._info(f"data/{key}")
        if info.file_size != nbytes:
            raise RuntimeError(f"ember.load: record data/{key} of {self.name} holds "
                               f"{info.file_size} bytes but its tensor needs {nbytes}: the file "
                               "is corrupt")
        if self.mm is not None and nbytes and info.compress_type == zipfile.ZIP_STORED:
            offset = self._data_offset(info)
            if offset + nbytes > len(self.mm):
                raise RuntimeError(f"ember.load: record data/{key} of {self.name} runs past the "
                                   "end of the file: the file is truncated")
            return np.ndarray((nbytes,), np.uint8, buffer=self.mm, offset=offset)
        return self._read_into(info, np.ndarray)


def load_zip(reader, restore, weights_only, encoding):
    order = "<"
    if reader.has("byteorder"):
        mark = bytes(reader.read("byteorder"))
        if mark not in (b"little", b"big"):
            raise ValueError("Unknown endianness type: " + mark.decode(errors="replace"))
        order = "<" if mark == b"little" else ">"
    storages = {}

    def load_storage(storage_type, key, location, numel, view_metadata):
        st = storages.get(key)
        if st is None:
            raw = reader.storage_bytes(key, numel * storage_type.itemsize)
            st = storages[key] = restore(_pc.Storage(raw, storage_type.dtype, order), location)
        return st

    data = io.BytesIO(reader.read("data.pkl"))
    return unpickle(data, load_storage, weights_only, encoding, reader.name)


def load_legacy(fh, name, restore, weights_only, encoding):
    """Files written by torch.save(..., _use_new_zipfile_serialization=False): three small
    pickles, the object's pickle, the list of storage keys, then each storage as an 8-byte
    element count followed by its bytes."""
    src = _Capped(fh)

    def header():
        return unpickle(src, _no_storage, True, encoding, name)

    try:
        magic = header()
    except RefusedError:
        raise
    except pickle.UnpicklingError:
        magic = None
    if magic != _LEGACY_MAGIC:
        raise RuntimeError(f"ember.load: {name} is not a PyTorch checkpoint (neither a zip "
                           "archive written by torch.save / ember.save nor a legacy torch.save "
                           "file: invalid magic number). The file is corrupt or of another kind.")
    if header() != _LEGACY_PROTOCOL:
        raise RuntimeError(f"ember.load: {name}: invalid legacy protocol version")
    info = header()
    little = info.get("little_endian", True) if isinstance(info, dict) else True
    order = "<" if little else ">"
    storages, views, pending = {}, {}, []

    def load_storage(storage_type, key, location, numel, view_metadata):
        st = storages.get(key)
        if st is None:
            nbytes = numel * storage_type.itemsize
            if nbytes > src.end:   # before allocating what a corrupt pickle claims
                raise pickle.UnpicklingError(f"{name}: a storage of {nbytes} bytes cannot fit "
                                             "in the file: the file is corrupt")
            raw = np.empty(nbytes, np.uint8)
            st = _pc.Storage(raw, storage_type.dtype, order, deferred=pending)
            st = storages[key] = restore(st, location)
        if view_metadata is None:
            return st
        view_key, offset, size = view_metadata
        if view_key not in views:
            isz = storage_type.itemsize
            if not (0 <= offset and 0 <= size and (offset + size) * isz <= st.raw.size):
                raise pickle.UnpicklingError(f"bad storage view in {name}: the file is corrupt")
            views[view_key] = _pc.Storage(st.raw[offset * isz:(offset + size) * isz], st.dtype,
                                          order, st.device, pending)
        return views[view_key]

    result = unpickle(src, load_storage, weights_only, encoding, name)
    keys = header()
    if not isinstance(keys, list):
        raise RuntimeError(f"ember.load: {name}: bad storage key list: the file is corrupt")
    for key in keys:
        st = storages.get(str(key))
        if st is None:
            raise RuntimeError(f"ember.load: {name}: unknown storage key {key!r}: corrupt file")
        head = fh.read(8)
        count = struct.unpack(order + "q", head)[0] if len(head) == 8 else -1
        isz = _pc._ITEMSIZE[st.dtype]
        if count * isz != st.raw.size or fh.readinto(memoryview(st.raw)) != st.raw.size:
            raise RuntimeError(f"ember.load: {name}: storage {key} is truncated or corrupt")
    _pc.finish_deferred(pending)
    return result


class _Capped:
    """A file whose read(n) never asks for more than what is left (a corrupt length in a pickle
    must not make Python allocate gigabytes)."""

    def __init__(self, fh):
        self.fh = fh
        pos = fh.tell()
        self.end = fh.seek(0, 2)
        fh.seek(pos)

    def read(self, n=-1):
        left = self.end - self.fh.tell()
        return self.fh.read(left if n is None or n < 0 else min(n, left))

    def readline(self, *args):
        return self.fh.readline(*args)


def _no_storage(*args):
    raise pickle.UnpicklingError("unexpected persistent id in a legacy file header")
