"""CIFAR-10 (and CIFAR-100) read from the Python pickle batches."""
import io
import os
import pickle
import tarfile

import numpy as np
from PIL import Image

from ._common import VisionDataset, download_url

__all__ = ["CIFAR10", "CIFAR100"]


class _BatchUnpickler(pickle.Unpickler):
    """Unpickles the CIFAR batch files without running arbitrary code: only NumPy's array
    reconstruction is allowed."""

    _allowed = {("numpy.core.multiarray", "_reconstruct"),
                ("numpy._core.multiarray", "_reconstruct"),
                ("numpy", "ndarray"), ("numpy", "dtype"), ("numpy.core.multiarray", "scalar"),
                ("numpy._core.multiarray", "scalar"), ("copyreg", "_reconstructor"),
                ("_codecs", "encode")}

    def find_class(self, module, name):
        if (module, name) in self._allowed:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"CIFAR batch refers to {module}.{name}, which is not allowed")


def _load_batch(path):
    with open(path, "rb") as f:
        return _BatchUnpickler(io.BytesIO(f.read()), encoding="latin1").load()


class CIFAR10(VisionDataset):
    """`CIFAR-10 <https://www.cs.toronto.edu/~kriz/cifar.html>`_: 32x32 colour images, 10 classes.

    Reads ``root/cifar-10-batches-py/{data_batch_1..5, test_batch, batches.meta}``; with
    ``download=True`` fetches and extracts the official tarball. ``data`` is a uint8 NumPy array
    N x 32 x 32 x 3 and ``targets`` a list of ints, as in torchvision. Items are
    ``(PIL RGB image, int)``.

    Example::

        >>> ds = CIFAR10("data", train=True, download=True)
        >>> img, label = ds[0]
    """

    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    train_list = [f"data_batch_{i}" for i in range(1, 6)]
    test_list = ["test_batch"]
    meta = {"filename": "batches.meta", "key": "label_names"}
    labels_key = "labels"

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError(f"Dataset not found or incomplete in {self._folder()}: expected "
                               f"the pickle batches {', '.join(self._all_files())}. "
                               "Use download=True to download it.")
        data, targets = [], []
        for name in self.train_list if train else self.test_list:
            entry = _load_batch(os.path.join(self._folder(), name))
            data.append(np.asarray(entry["data"], dtype=np.uint8))
            targets.extend(int(t) for t in entry.get("labels", entry.get(self.labels_key, [])))
        self.data = np.vstack(data).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy()
        self.targets = targets
        if len(self.targets) != len(self.data):
            raise RuntimeError(f"CIFAR batches in {self._folder()} have {len(self.data)} images "
                               f"but {len(self.targets)} labels")
        meta = _load_batch(os.path.join(self._folder(), self.meta["filename"]))
        self.classes = list(meta[self.meta["key"]])
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    def _folder(self):
        return os.path.join(self.root, self.base_folder)

    def _all_files(self):
        return self.train_list + self.test_list + [self.meta["filename"]]

    def _check_exists(self):
        return all(os.path.isfile(os.path.join(self._folder(), f)) for f in self._all_files())

    def download(self):
        """Download and extract the tarball into ``root`` (no-op when the batches exist)."""
        if self._check_exists():
            return
        archive = download_url(self.url, self.root, self.filename)
        with tarfile.open(archive, "r:gz") as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(self.root, filter="data")
            else:  # Python without extraction filters: refuse unsafe members ourselves
                for m in tar.getmembers():
                    if (os.path.isabs(m.name) or ".." in m.name.split("/")
                            or not (m.isfile() or m.isdir())):
                        raise RuntimeError(f"unsafe member {m.name!r} in {archive}")
                tar.extractall(self.root)

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        img = Image.fromarray(self.data[index])
        target = self.targets[index]
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"


class CIFAR100(CIFAR10):
    """`CIFAR-100 <https://www.cs.toronto.edu/~kriz/cifar.html>`_ (fine labels), same layout."""

    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    train_list = ["train"]
    test_list = ["test"]
    meta = {"filename": "meta", "key": "fine_label_names"}
    labels_key = "fine_labels"
