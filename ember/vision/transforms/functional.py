"""Functional forms of the transforms, on PIL images and on tensors (C x H x W, or N x C x H x W).

Tensor paths compute on the tensor's NumPy data (images carry no gradient); Normalize uses
ember ops so it composes with autograd.
"""
import numbers
from enum import Enum

import numpy as np
from PIL import Image, ImageEnhance

import ember

__all__ = ["InterpolationMode", "to_tensor", "pil_to_tensor", "to_pil_image", "convert_image_dtype",
           "normalize", "resize", "crop", "center_crop", "pad", "hflip", "vflip", "rotate",
           "rgb_to_grayscale", "adjust_brightness", "adjust_contrast", "adjust_saturation",
           "adjust_hue", "get_dimensions", "get_image_size", "get_image_num_channels"]


class InterpolationMode(Enum):
    NEAREST = "nearest"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


_PIL_MODES = {InterpolationMode.NEAREST: Image.NEAREST, InterpolationMode.BILINEAR: Image.BILINEAR,
              InterpolationMode.BICUBIC: Image.BICUBIC, InterpolationMode.BOX: Image.BOX,
              InterpolationMode.HAMMING: Image.HAMMING, InterpolationMode.LANCZOS: Image.LANCZOS}


def _interp(mode):
    if isinstance(mode, int) and not isinstance(mode, InterpolationMode):
        return mode  # a PIL constant
    return _PIL_MODES[InterpolationMode(mode)]


def _is_pil(img):
    return isinstance(img, Image.Image)


def _is_tensor(img):
    return isinstance(img, ember.Tensor)


def _check_image(img):
    if not (_is_pil(img) or _is_tensor(img)):
        raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")
    if _is_tensor(img) and img.dim() < 2:
        raise TypeError(f"Tensor is not a torch image: expected at least 2 dimensions, "
                        f"got shape {tuple(img.shape)}")


def _like(arr, ref):
    """A tensor holding ``arr`` with ``ref``'s device."""
    out = ember.from_numpy(np.ascontiguousarray(arr))
    return out if ref.device.type == "cpu" else out.to(ref.device)


def get_dimensions(img):
    """``[channels, height, width]`` of a PIL image or tensor."""
    _check_image(img)
    if _is_pil(img):
        return [len(img.getbands()), img.height, img.width]
    shape = list(img.shape)
    return [1 if len(shape) == 2 else shape[-3], shape[-2], shape[-1]]


def get_image_size(img):
    """``[width, height]``."""
    _, h, w = get_dimensions(img)
    return [w, h]


def get_image_num_channels(img):
    return get_dimensions(img)[0]


# -- conversions ------------------------------------------------------------------------------
def to_tensor(pic):
    """PIL image or H x W x C ndarray to a C x H x W tensor; uint8 is scaled to float in [0, 1]."""
    if not (_is_pil(pic) or isinstance(pic, np.ndarray)):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        if pic.mode == "1":
            arr = np.asarray(pic, dtype=np.uint8) * 255
        else:
            arr = np.asarray(pic)
            if pic.mode == "I;16":
                arr = arr.astype(np.int16)
        if arr.ndim == 2:
            arr = arr[:, :, None]
    chw = arr.transpose(2, 0, 1)
    if chw.dtype == np.uint8:
        out = chw.astype(np.float32)
        out /= np.float32(255)
    else:
        out = np.ascontiguousarray(chw)
        if out.dtype == np.float64 and isinstance(pic, np.ndarray):
            pass  # torchvision keeps a float64 ndarray's dtype
        elif out.dtype.kind == "f":
            out = out.astype(np.float32, copy=False)
    return ember.from_numpy(np.ascontiguousarray(out))


def pil_to_tensor(pic):
    """PIL image to a C x H x W tensor of the image's own dtype (no scaling)."""
    if not _is_pil(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    arr = np.asarray(pic)
    if pic.mode == "1":
        arr = arr.astype(np.uint8)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    return ember.from_numpy(np.ascontiguousarray(arr.transpose(2, 0, 1)))


def to_pil_image(pic, mode=None):
    """A C x H x W tensor or H x W x C ndarray to a PIL image (floats are scaled by 255)."""
    if _is_tensor(pic):
        if pic.dim() not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.dim()} dimensions.")
        arr = pic.detach().cpu().numpy()
        arr = arr[None] if arr.ndim == 2 else arr
        arr = arr.transpose(1, 2, 0)
        if arr.dtype.kind == "f" and mode != "F":
            arr = (arr * 255).astype(np.uint8)
    elif isinstance(pic, np.ndarray):
        arr = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if arr.shape[2] == 1:
        arr = arr[:, :, 0]
        if arr.dtype == np.int16:
            arr = arr.astype(np.uint16)
    img = Image.fromarray(np.ascontiguousarray(arr))
    return img if mode is None or img.mode == mode else img.convert(mode)


_INT_MAX = {np.dtype(np.uint8): 255, np.dtype(np.int8): 127, np.dtype(np.int16): 32767,
            np.dtype(np.int32): 2**31 - 1, np.dtype(np.int64): 2**63 - 1}


def convert_image_dtype(image, dtype=ember.float32):
    """Convert a tensor image to ``dtype``, rescaling values (ints span [0, MAX], floats [0, 1])."""
    if not _is_tensor(image):
        raise TypeError("Input img should be Tensor Image")
    if image.dtype == dtype:
        return image
    src = image.detach().cpu().numpy()
    target = np.dtype(ember.empty(0, dtype=dtype).numpy().dtype)
    if src.dtype.kind == "f":
        if target.kind == "f":
            return image.to(dtype)
        if (src.dtype == np.float32 and target in (np.int32, np.int64)) or \
                (src.dtype == np.float64 and target == np.int64):
            raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed "
                               "safely.")
        eps = 1e-3
        out = src * (_INT_MAX[target] + 1.0 - eps)
        return _like(out.astype(target), image)
    in_max = _INT_MAX[src.dtype]
    if target.kind == "f":
        return _like(src.astype(target) / target.type(in_max), image)
    out_max = _INT_MAX[target]
    if in_max > out_max:
        factor = (in_max + 1) // (out_max + 1)
        return _like((src // factor).astype(target), image)
    factor = (out_max + 1) // (in_max + 1)
    return _like(src.astype(target) * target.type(factor), image)


# -- normalisation ----------------------------------------------------------------------------
def normalize(tensor, mean, std, inplace=False):
    """``(tensor - mean) / std`` per channel of a float tensor image (..., C, H, W)."""
    if not _is_tensor(tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.dim() < 3:
        raise ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got "
                         f"tensor.size() = {tuple(tensor.shape)}")
    mean = ember.as_tensor(mean, dtype=tensor.dtype, device=tensor.device)
    std = ember.as_tensor(std, dtype=tensor.dtype, device=tensor.device)
    if bool((std == 0).any()):
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, "
                         "leading to division by zero.")
    if mean.dim() == 1:
        mean = mean.view(-1, 1, 1)
    if std.dim() == 1:
        std = std.view(-1, 1, 1)
    if inplace:
        return tensor.sub_(mean).div_(std)
    return (tensor - mean) / std


# -- geometry ---------------------------------------------------------------------------------
def _pil_from_channel(arr):
    return Image.fromarray(np.ascontiguousarray(arr, dtype=np.float32))


def _tensor_via_pil(img, fn):
    """Apply a PIL geometric op to each H x W plane of a tensor (as float 'F' images)."""
    arr = img.detach().cpu().numpy()
    lead = arr.shape[:-2]
    planes = arr.reshape(-1, *arr.shape[-2:])
    out = np.stack([np.asarray(fn(_pil_from_channel(p))) for p in planes])
    out = out.reshape(*lead, *out.shape[-2:])
    if arr.dtype.kind in "iu":
        info = np.iinfo(arr.dtype)
        out = np.clip(np.round(out), info.min, info.max)
    return _like(out.astype(arr.dtype), img)


def _resize_size(h, w, size, max_size):
    if isinstance(size, int) or (isinstance(size, (list, tuple)) and len(size) == 1):
        requested = size if isinstance(size, int) else size[0]
        short, long = (w, h) if w <= h else (h, w)
        new_short, new_long = requested, int(requested * long / short)
        if max_size is not None:
            if max_size <= requested:
                raise ValueError(f"max_size = {max_size} must be strictly greater than the "
                                 f"requested size for the smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        return (new_long, new_short) if w <= h else (new_short, new_long)
    if max_size is not None:
        raise ValueError("max_size should only be passed if size specifies the length of the "
                         "smaller edge, i.e. size should be an int or a sequence of length 1")
    return int(size[0]), int(size[1])


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to ``size`` (h, w), or make the smaller edge ``size`` when it is an int."""
    _, h, w = get_dimensions(img)
    oh, ow = _resize_size(h, w, size, max_size)
    if (oh, ow) == (h, w):
        return img
    mode = _interp(interpolation)
    if _is_pil(img):
        return img.resize((ow, oh), mode)
    return _tensor_via_pil(img, lambda p: p.resize((ow, oh), mode))


def crop(img, top, left, height, width):
    """Crop the box at (top, left) of size (height, width); outside parts are zero-padded."""
    _, h, w = get_dimensions(img)
    if _is_pil(img):
        return img.crop((left, top, left + width, top + height))
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        pads = [max(-left, 0), max(-top, 0), max(right - w, 0), max(bottom - h, 0)]
        img = pad(img, pads, fill=0)
        top, left = max(top, 0), max(left, 0)
    return img[..., top:top + height, left:left + width]


def _pair(size, name="size"):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, (list, tuple)) and len(size) == 1:
        return int(size[0]), int(size[0])
    if isinstance(size, (list, tuple)) and len(size) == 2:
        return int(size[0]), int(size[1])
    raise ValueError(f"Please provide only two dimensions (h, w) for {name}.")


def center_crop(img, output_size):
    """Crop the centre ``output_size`` (int or (h, w)); pads with zeros if the image is smaller."""
    th, tw = _pair(output_size)
    _, h, w = get_dimensions(img)
    if th > h or tw > w:
        pads = [(tw - w) // 2 if tw > w else 0, (th - h) // 2 if th > h else 0,
                (tw - w + 1) // 2 if tw > w else 0, (th - h + 1) // 2 if th > h else 0]
        img = pad(img, pads, fill=0)
        _, h, w = get_dimensions(img)
        if (h, w) == (th, tw):
            return img
    top = int(round((h - th) / 2.0))
    left = int(round((w - tw) / 2.0))
    return crop(img, top, left, th, tw)


def _padding4(padding):
    if isinstance(padding, numbers.Number):
        return [int(padding)] * 4
    padding = list(padding)
    if len(padding) == 1:
        return padding * 4
    if len(padding) == 2:
        return [padding[0], padding[1], padding[0], padding[1]]
    if len(padding) == 4:
        return padding
    raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a "
                     f"{len(padding)} element tuple")


def pad(img, padding, fill=0, padding_mode="constant"):
    """Pad borders: int (all sides), (left/right, top/bottom) or (left, top, right, bottom).

    ``padding_mode`` is 'constant' (with ``fill``), 'edge', 'reflect' or 'symmetric'.
    """
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    left, top, right, bottom = _padding4(padding)
    if _is_pil(img):
        arr = np.asarray(img)
        palette = img.getpalette() if img.mode == "P" else None
    else:
        _check_image(img)
        arr = img.detach().cpu().numpy()
    spec = [(0, 0)] * (arr.ndim - 2) + [(top, bottom), (left, right)]
    if _is_pil(img) and arr.ndim == 3:
        spec = [(top, bottom), (left, right), (0, 0)]
    if padding_mode == "constant":
        if isinstance(fill, (tuple, list)) and _is_pil(img) and arr.ndim == 3:
            out = np.stack([np.pad(arr[..., c], spec[:2], constant_values=fill[c])
                            for c in range(arr.shape[2])], axis=2)
        else:
            value = fill[0] if isinstance(fill, (tuple, list)) else fill
            out = np.pad(arr, spec, mode="constant", constant_values=value or 0)
    else:
        out = np.pad(arr, spec, mode=padding_mode)
    if _is_pil(img):
        result = Image.fromarray(np.ascontiguousarray(out))
        if palette is not None:
            result.putpalette(palette)  # an 'L' image with a palette becomes mode 'P' again
        return result
    return _like(out, img)


def hflip(img):
    """Flip left-right."""
    _check_image(img)
    if _is_pil(img):
        return img.transpose(Image.FLIP_LEFT_RIGHT)
    return img.flip(-1)


def vflip(img):
    """Flip top-bottom."""
    _check_image(img)
    if _is_pil(img):
        return img.transpose(Image.FLIP_TOP_BOTTOM)
    return img.flip(-2)


def rotate(img, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None,
           fill=None):
    """Rotate counter-clockwise by ``angle`` degrees about ``center`` (PIL's rotate)."""
    _check_image(img)
    mode = _interp(interpolation)
    if _is_pil(img):
        if isinstance(fill, (int, float)) and len(img.getbands()) > 1:
            fill = tuple([fill] * len(img.getbands()))
        return img.rotate(angle, mode, expand, center, fillcolor=fill)
    value = None if fill is None else float(fill[0] if isinstance(fill, (tuple, list)) else fill)
    return _tensor_via_pil(img, lambda p: p.rotate(angle, mode, expand, center, fillcolor=value))


# -- colour -----------------------------------------------------------------------------------
def _gray_np(arr):
    """ITU-R 601-2 luma of a (..., 3, H, W) array, in float."""
    return 0.2989 * arr[..., 0, :, :] + 0.587 * arr[..., 1, :, :] + 0.114 * arr[..., 2, :, :]


def rgb_to_grayscale(img, num_output_channels=1):
    """Convert to grayscale with 1 or 3 output channels."""
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    _check_image(img)
    if _is_pil(img):
        gray = img.convert("L")
        if num_output_channels == 3:
            a = np.asarray(gray)
            gray = Image.fromarray(np.dstack([a, a, a]))
        return gray
    arr = img.detach().cpu().numpy()
    if arr.ndim < 3 or arr.shape[-3] not in (1, 3):
        raise TypeError(f"Input image tensor permitted channel values are [1, 3], but found "
                        f"{arr.shape[-3] if arr.ndim >= 3 else 'none'}")
    if arr.shape[-3] == 1:
        gray = arr.astype(np.float64)[..., 0, :, :]
    else:
        gray = _gray_np(arr.astype(np.float64))
    gray = _cast_back(gray, arr.dtype)[..., None, :, :]
    if num_output_channels == 3:
        gray = np.repeat(gray, 3, axis=-3)
    return _like(gray, img)


def _bound(dtype):
    return 1.0 if dtype.kind == "f" else float(np.iinfo(dtype).max)


def _cast_back(arr, dtype):
    return arr.astype(dtype)


def _blend(img1, img2, ratio, dtype):
    bound = _bound(dtype)
    out = np.clip(ratio * img1 + (1.0 - ratio) * img2, 0, bound)
    return out.astype(dtype)


def _check_factor(value, name):
    if value < 0:
        raise ValueError(f"{name} ({value}) is not non-negative.")


def adjust_brightness(img, brightness_factor):
    """Multiply brightness: 0 gives black, 1 the original."""
    _check_factor(brightness_factor, "brightness_factor")
    _check_image(img)
    if _is_pil(img):
        return ImageEnhance.Brightness(img).enhance(brightness_factor)
    arr = img.detach().cpu().numpy()
    return _like(_blend(arr.astype(np.float64), 0.0, brightness_factor, arr.dtype), img)


def adjust_contrast(img, contrast_factor):
    """Blend with the mean gray level: 0 gives solid gray, 1 the original."""
    _check_factor(contrast_factor, "contrast_factor")
    _check_image(img)
    if _is_pil(img):
        return ImageEnhance.Contrast(img).enhance(contrast_factor)
    arr = img.detach().cpu().numpy()
    f = arr.astype(np.float64)
    gray = _gray_np(f) if arr.shape[-3] == 3 else f[..., 0, :, :]
    if arr.dtype.kind != "f":
        gray = np.floor(gray)
    mean = gray.mean(axis=(-2, -1), keepdims=True)[..., None, :, :]
    return _like(_blend(f, mean, contrast_factor, arr.dtype), img)


def adjust_saturation(img, saturation_factor):
    """Blend with the grayscale image: 0 gives gray, 1 the original."""
    _check_factor(saturation_factor, "saturation_factor")
    _check_image(img)
    if _is_pil(img):
        return ImageEnhance.Color(img).enhance(saturation_factor)
    arr = img.detach().cpu().numpy()
    if arr.shape[-3] == 1:
        return img
    f = arr.astype(np.float64)
    gray = _gray_np(f)
    if arr.dtype.kind != "f":
        gray = np.floor(gray)
    return _like(_blend(f, gray[..., None, :, :], saturation_factor, arr.dtype), img)


def adjust_hue(img, hue_factor):
    """Shift the hue by ``hue_factor`` (in [-0.5, 0.5], a fraction of the colour wheel)."""
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    _check_image(img)
    if _is_pil(img):
        mode = img.mode
        if mode in ("L", "1", "I", "F"):
            return img
        h, s, v = img.convert("HSV").split()
        shift = int(round(hue_factor * 255)) % 256
        np_h = (np.asarray(h, dtype=np.uint16) + shift) % 256
        h = Image.fromarray(np_h.astype(np.uint8))
        return Image.merge("HSV", (h, s, v)).convert(mode)
    arr = img.detach().cpu().numpy()
    if arr.shape[-3] == 1:
        return img
    bound = _bound(arr.dtype)
    f = arr.astype(np.float64) / bound
    hsv = _rgb_to_hsv(f)
    hsv[..., 0, :, :] = (hsv[..., 0, :, :] + hue_factor) % 1.0
    out = _hsv_to_rgb(hsv) * bound
    if arr.dtype.kind != "f":
        out = np.round(out)
    return _like(out.astype(arr.dtype), img)


def _rgb_to_hsv(rgb):
    r, g, b = rgb[..., 0, :, :], rgb[..., 1, :, :], rgb[..., 2, :, :]
    maxc, minc = rgb.max(axis=-3), rgb.min(axis=-3)
    cr = maxc - minc
    safe_max = np.where(maxc == 0, 1.0, maxc)
    s = cr / safe_max
    safe_cr = np.where(cr == 0, 1.0, cr)
    rc, gc, bc = (maxc - r) / safe_cr, (maxc - g) / safe_cr, (maxc - b) / safe_cr
    h = np.where(maxc == r, bc - gc, np.where(maxc == g, 2.0 + rc - bc, 4.0 + gc - rc))
    h = np.where(cr == 0, 0.0, (h / 6.0) % 1.0)
    return np.stack([h, s, maxc], axis=-3)


def _hsv_to_rgb(hsv):
    h, s, v = hsv[..., 0, :, :], hsv[..., 1, :, :], hsv[..., 2, :, :]
    i = np.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.astype(np.int64) % 6
    p, q, t = v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f))
    r = np.choose(i, [v, q, p, p, t, v])
    g = np.choose(i, [t, v, v, q, p, p])
    b = np.choose(i, [p, p, t, v, v, q])
    return np.stack([r, g, b], axis=-3)
