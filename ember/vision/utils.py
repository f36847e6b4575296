"""make_grid and save_image, as in torchvision.utils."""
import math
import os

import numpy as np
from PIL import Image

import ember

__all__ = ["make_grid", "save_image"]


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False,
              pad_value=0.0):
    """Arrange a batch of images (B x C x H x W tensor or list of C x H x W) in a grid.

    ``nrow`` images per row, ``padding`` pixels between them filled with ``pad_value``.
    ``normalize=True`` rescales to [0, 1] using ``value_range`` (min, max) or the data's range
    (per image with ``scale_each``). 1-channel images become 3-channel. Returns C x H' x W'.

    Example::

        >>> grid = make_grid(ember.rand(16, 1, 28, 28), nrow=4)   # 3 x 122 x 122
    """
    if isinstance(tensor, (list, tuple)):
        if not all(ember.is_tensor(t) for t in tensor):
            raise TypeError("tensor or list of tensors expected, got a list containing "
                            "non-tensors")
        tensor = ember.stack(list(tensor), dim=0)
    if not ember.is_tensor(tensor):
        raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    if value_range is not None and not isinstance(value_range, tuple):
        raise TypeError("value_range has to be a tuple (min, max) if specified. min and max "
                        "are numbers")
    ref = tensor
    arr = tensor.detach().cpu().numpy()
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim == 3:
        if arr.shape[0] == 1:
            arr = np.concatenate([arr] * 3, axis=0)
        arr = arr[None]
    if arr.ndim != 4:
        raise ValueError(f"make_grid expects 2, 3 or 4 dimensions, got shape {tuple(ref.shape)}")
    if arr.shape[1] == 1:
        arr = np.concatenate([arr] * 3, axis=1)
    if normalize:
        arr = arr.copy()

        def norm_range(t):
            low, high = value_range if value_range is not None else (float(t.min()), float(t.max()))
            np.clip(t, low, high, out=t)
            t -= np.asarray(low, dtype=t.dtype)
            t /= np.asarray(max(high - low, 1e-5), dtype=t.dtype)

        if scale_each:
            for t in arr:
                norm_range(t)
        else:
            norm_range(arr)
    if arr.shape[0] == 1:
        out = arr[0]
    else:
        nmaps = arr.shape[0]
        xmaps = min(nrow, nmaps)
        ymaps = int(math.ceil(float(nmaps) / xmaps))
        height, width = arr.shape[2] + padding, arr.shape[3] + padding
        out = np.full((arr.shape[1], height * ymaps + padding, width * xmaps + padding),
                      pad_value, dtype=arr.dtype)
        for k in range(nmaps):
            y, x = divmod(k, xmaps)
            top, left = y * height + padding, x * width + padding
            out[:, top:top + height - padding, left:left + width - padding] = arr[k]
    result = ember.from_numpy(np.ascontiguousarray(out))
    return result if ref.device.type == "cpu" else result.to(ref.device)


def save_image(tensor, fp, format=None, **kwargs):
    """Save a tensor (or batch, arranged with ``make_grid(**kwargs)``) as an image file.

    Values are taken in [0, 1] and written as 8-bit; the format comes from the file name
    (PNG by default when ``fp`` is a file object and ``format`` is None).
    """
    grid = make_grid(tensor, **kwargs).numpy().astype(np.float32, copy=False)
    arr = np.clip(grid * 255 + 0.5, 0, 255).transpose(1, 2, 0).astype(np.uint8)
    img = Image.fromarray(np.ascontiguousarray(arr))
    if format is None and not isinstance(fp, (str, bytes, os.PathLike)):
        format = "PNG"
    img.save(fp, format=format)
