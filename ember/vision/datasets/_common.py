"""Helpers shared by the dataset classes: the Dataset base, file search and downloads."""
import os
import shutil
import tempfile
import urllib.request

from ember.utils.data import Dataset


class VisionDataset(Dataset):
    """Base of the vision datasets: keeps ``root``, ``transform`` and ``target_transform``."""

    _repr_indent = 4

    def __init__(self, root=None, transform=None, target_transform=None):
        if isinstance(root, (str, bytes, os.PathLike)):
            root = os.path.expanduser(os.fspath(root))
        self.root = root
        self.transform = transform
        self.target_transform = target_transform

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def extra_repr(self):
        return ""

    def __repr__(self):
        head = "Dataset " + self.__class__.__name__
        body = [f"Number of datapoints: {self.__len__()}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += [line for line in self.extra_repr().splitlines() if line]
        pairs = (("Transforms", self.transform), ("Target transforms", self.target_transform))
        for name, t in pairs:
            if t is not None:
                lines = repr(t).splitlines()
                body.append(f"{name}: {lines[0]}")
                body += [" " * (len(name) + 2) + line for line in lines[1:]]
        return "\n".join([head] + [" " * self._repr_indent + line for line in body])


def download_url(url, folder, filename=None, timeout=60):
    """Download ``url`` into ``folder`` (atomically: a partial download leaves no file)."""
    os.makedirs(folder, exist_ok=True)
    filename = filename or os.path.basename(url)
    dest = os.path.join(folder, filename)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + filename, suffix=".part")
    try:
        req = urllib.request.Request(url, headers={"User-Agent": "ember"})
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(req, timeout=timeout) as resp:
            shutil.copyfileobj(resp, out)
        os.replace(tmp, dest)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return dest


def find_file(folder, name):
    """Path of ``name`` or ``name.gz`` inside ``folder``, or None."""
    for candidate in (name, name + ".gz"):
        path = os.path.join(folder, candidate)
        if os.path.isfile(path):
            return path
    return None
