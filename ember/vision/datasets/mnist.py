"""MNIST and Fashion-MNIST read from their IDX files (gzipped or not) with NumPy."""
import gzip
import os
import urllib.error

import numpy as np
from PIL import Image

import ember

from ._common import VisionDataset, download_url, find_file

__all__ = ["MNIST", "FashionMNIST", "read_idx"]

_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
               0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def read_idx(path):
    """Read an IDX file (``.gz`` or raw) into a NumPy array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise RuntimeError(f"{path} is not an IDX file (bad magic number)")
    ndim = raw[3]
    dims = np.frombuffer(raw, dtype=">u4", count=ndim, offset=4).astype(np.int64)
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    offset = 4 + 4 * ndim
    count = int(np.prod(dims)) if ndim else 1
    if len(raw) - offset < count * dtype.itemsize:
        raise RuntimeError(f"{path} is truncated: expected {count} items of shape {tuple(dims)}")
    data = np.frombuffer(raw, dtype=dtype, count=count, offset=offset)
    return data.astype(dtype.newbyteorder("="), copy=False).reshape(tuple(dims))


class MNIST(VisionDataset):
    """`MNIST <http://yann.lecun.com/exdb/mnist/>`_ handwritten digits.

    Looks for the IDX files (gzipped or not) in ``root/MNIST/raw`` (torchvision's layout), then in
    ``root`` itself; with ``download=True`` fetches them into ``root/MNIST/raw``. Items are
    ``(PIL image of mode 'L', int)``.

    Example::

        >>> ds = MNIST("data", train=True, download=True, transform=transforms.ToTensor())
        >>> img, label = ds[0]          # img: 1x28x28 float tensor
    """

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/",
               "http://yann.lecun.com/exdb/mnist/"]
    resources = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
               "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"]
    system_dirs = ()
    training_file = "training.pt"
    test_file = "test.pt"

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        folder = self._find_folder()
        if folder is None and download:
            self.download()
            folder = self._find_folder()
        if folder is None:
            raise RuntimeError(self._not_found_message())
        prefix = "train" if train else "t10k"
        images = read_idx(find_file(folder, f"{prefix}-images-idx3-ubyte"))
        labels = read_idx(find_file(folder, f"{prefix}-labels-idx1-ubyte"))
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise RuntimeError(f"IDX files in {folder} have unexpected shapes "
                               f"{images.shape} and {labels.shape}")
        self.data = ember.from_numpy(np.ascontiguousarray(images, dtype=np.uint8))
        self.targets = ember.from_numpy(labels.astype(np.int64))
        self._images = self.data.numpy()
        self._labels = labels.astype(np.int64).tolist()

    # -- locating the files ---------------------------------------------------------------
    @property
    def raw_folder(self):
        return os.path.join(self.root, self.__class__.__name__, "raw")

    @property
    def class_to_idx(self):
        return {c: i for i, c in enumerate(self.classes)}

    def _files_for_split(self):
        prefix = "train" if self.train else "t10k"
        return [f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"]

    def _search_dirs(self):
        return [self.raw_folder, self.root, *self.system_dirs]

    def _find_folder(self):
        for folder in self._search_dirs():
            if all(find_file(folder, name) for name in self._files_for_split()):
                return folder
        return None

    def _check_exists(self):
        return self._find_folder() is not None

    def _not_found_message(self):
        return (f"Dataset not found: {self.__class__.__name__} files "
                f"{', '.join(n + '[.gz]' for n in self._files_for_split())} are not in "
                f"{self.raw_folder} or {self.root}. Use download=True to download it.")

    def download(self):
        """Download the IDX files into ``raw_folder`` (no-op when they are already there)."""
        if all(find_file(self.raw_folder, n) for n in self._files_for_split()):
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename in self.resources:
            if find_file(self.raw_folder, filename[:-3]):
                continue
            errors = []
            for mirror in self.mirrors:
                try:
                    download_url(mirror + filename, self.raw_folder, filename)
                    read_idx(os.path.join(self.raw_folder, filename))  # refuse a corrupt file
                    break
                except (urllib.error.URLError, OSError, RuntimeError, ValueError) as e:
                    path = os.path.join(self.raw_folder, filename)
                    if os.path.exists(path):
                        os.remove(path)
                    errors.append(f"{mirror + filename}: {e}")
            else:
                raise RuntimeError(f"Error downloading {filename}:\n  " + "\n  ".join(errors)
                                   + "\n" + self._offline_hint())

    def _offline_hint(self):
        return (f"Without network access, place the IDX files in {self.raw_folder}.")

    # -- items ----------------------------------------------------------------------------
    def __len__(self):
        return len(self._labels)

    def __getitem__(self, index):
        img = Image.fromarray(self._images[index])
        target = self._labels[index]
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"


class FashionMNIST(MNIST):
    """`Fashion-MNIST <https://github.com/zalandoresearch/fashion-mnist>`_ clothing images.

    Looks for the IDX files in ``root/FashionMNIST/raw``, then ``root``, then the system copy
    installed by the Debian package ``dataset-fashion-mnist``
    (``/usr/share/datasets/fashion-mnist``); with ``download=True`` fetches them from the
    dataset's official address into ``root/FashionMNIST/raw``.

    Example::

        >>> ds = FashionMNIST("data", train=False, transform=transforms.ToTensor())
        >>> ds.classes[ds[0][1]]
        'Ankle boot'
    """

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    system_dirs = ("/usr/share/datasets/fashion-mnist",)

    def _not_found_message(self):
        places = ", ".join([self.raw_folder, str(self.root), *self.system_dirs])
        return (f"Dataset not found: Fashion-MNIST files "
                f"{', '.join(n + '[.gz]' for n in self._files_for_split())} are not in any of "
                f"{places}. Install the system copy (sudo apt-get install dataset-fashion-mnist) "
                f"or pass download=True to download it.")

    def _offline_hint(self):
        return ("Without network access, install the system copy "
                "(sudo apt-get install dataset-fashion-mnist) or place the IDX files in "
                f"{self.raw_folder}.")
