import numpy as np
import pytest
import torch
from PIL import Image

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as F


def rgb(h=6, w=8, seed=0):
    return Image.fromarray(np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8))


def gray(h=6, w=8, seed=0):
    return Image.fromarray(np.random.default_rng(seed).integers(0, 256, (h, w), dtype=np.uint8))


def test_to_tensor_pil_and_ndarray():
    img = rgb()
    x = T.ToTensor()(img)
    assert x.dtype == ember.float32 and tuple(x.shape) == (3, 6, 8) and x.is_contiguous()
    expected = torch.from_numpy(np.array(img)).permute(2, 0, 1).float().div(255)
    np.testing.assert_array_equal(x.numpy(), expected.numpy())
    g = T.ToTensor()(gray())
    assert tuple(g.shape) == (1, 6, 8)
    a = np.random.default_rng(1).random((4, 5, 2))
    y = T.ToTensor()(a)
    assert y.dtype == ember.float64 and tuple(y.shape) == (2, 4, 5)
    np.testing.assert_array_equal(y.numpy(), a.transpose(2, 0, 1))
    with pytest.raises(TypeError, match="PIL Image or ndarray"):
        T.ToTensor()([1, 2])


def test_pil_to_tensor_and_convert_dtype():
    x = T.PILToTensor()(rgb())
    assert x.dtype == ember.uint8 and tuple(x.shape) == (3, 6, 8)
    f = T.ConvertImageDtype(ember.float32)(x)
    np.testing.assert_allclose(f.numpy(), x.numpy() / 255, rtol=1e-6)
    back = T.ConvertImageDtype(ember.uint8)(f)
    np.testing.assert_array_equal(back.numpy(), x.numpy())
    i16 = F.convert_image_dtype(x, ember.int16)
    assert i16.dtype == ember.int16 and int(i16.max()) <= 32767
    with pytest.raises(RuntimeError, match="safely"):
        F.convert_image_dtype(f, ember.int64)


def test_normalize_matches_torch_and_inplace():
    x = ember.rand(3, 4, 5)
    mean, std = (0.5, 0.4, 0.3), (0.2, 0.25, 0.5)
    out = T.Normalize(mean, std)(x)
    tm, ts = torch.tensor(mean).view(-1, 1, 1), torch.tensor(std).view(-1, 1, 1)
    ref = (torch.from_numpy(x.numpy()) - tm) / ts
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-6)
    assert out is not x
    y = x.clone()
    assert T.Normalize(mean, std, inplace=True)(y) is y
    np.testing.assert_allclose(y.numpy(), ref.numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match="std evaluated to zero"):
        T.Normalize((0.0,), (0.0,))(ember.rand(1, 2, 2))
    with pytest.raises(TypeError, match="float"):
        T.Normalize((0.0,), (1.0,))(ember.zeros(1, 2, 2, dtype=ember.uint8))


def test_compose_lambda_reprs():
    c = T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,)), T.Lambda(lambda t: t.flatten())])
    assert repr(c) == ("Compose(\n    ToTensor()\n    Normalize(mean=(0.5,), std=(0.5,))\n"
                       "    Lambda()\n)")
    out = c(gray())
    assert tuple(out.shape) == (48,) and float(out.min()) >= -1 and float(out.max()) <= 1
    assert repr(T.Resize(8)) == \
        "Resize(size=8, interpolation=bilinear, max_size=None, antialias=True)"
    assert repr(T.CenterCrop(4)) == "CenterCrop(size=(4, 4))"
    assert repr(T.RandomCrop(4, padding=2)) == "RandomCrop(size=(4, 4), padding=2)"
    assert repr(T.RandomHorizontalFlip()) == "RandomHorizontalFlip(p=0.5)"
    assert repr(T.Grayscale(3)) == "Grayscale(num_output_channels=3)"
    assert repr(T.ColorJitter(brightness=0.5)) == \
        "ColorJitter(brightness=(0.5, 1.5), contrast=None, saturation=None, hue=None)"
    with pytest.raises(TypeError):
        T.Lambda(3)


def test_resize_smaller_edge_and_size():
    img = rgb(6, 8)
    out = T.Resize(3)(img)
    assert out.size == (4, 3)  # PIL size is (w, h)
    np.testing.assert_array_equal(np.asarray(out), np.asarray(img.resize((4, 3), Image.BILINEAR)))
    assert T.Resize((5, 7))(img).size == (7, 5)
    t = T.Resize(3)(T.ToTensor()(img))
    assert tuple(t.shape) == (3, 3, 4) and t.dtype == ember.float32
    assert T.Resize(10, max_size=12)(img).size == (12, 9)


def test_center_crop_pil_and_tensor_agree():
    img = rgb(7, 9)
    x = T.ToTensor()(img)
    a = T.ToTensor()(T.CenterCrop((3, 4))(img))
    b = T.CenterCrop((3, 4))(x)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    np.testing.assert_array_equal(b.numpy(), x.numpy()[:, 2:5, 2:6])
    big = T.CenterCrop(10)(x)
    assert tuple(big.shape) == (3, 10, 10) and float(big[:, 0].abs().sum()) == 0.0


def test_random_crop_padding_modes_and_rng():
    img = gray(4, 4)
    arr = np.asarray(img)
    ember.manual_seed(0)
    out = T.RandomCrop(4, padding=2)(img)
    torch.manual_seed(0)
    i = int(torch.randint(0, 5, size=(1,)).item())
    j = int(torch.randint(0, 5, size=(1,)).item())
    np.testing.assert_array_equal(np.asarray(out), np.pad(arr, 2)[i:i + 4, j:j + 4])
    for mode in ("edge", "reflect", "symmetric"):
        full = T.RandomCrop(8, padding=2, padding_mode=mode)(img)
        np.testing.assert_array_equal(np.asarray(full), np.pad(arr, 2, mode=mode))
    filled = T.RandomCrop(6, pad_if_needed=True, fill=7)(img)
    assert filled.size == (6, 6) and (np.asarray(filled) == 7).sum() == 20
    col = T.RandomCrop(8, padding=2, fill=(1, 2, 3))(rgb(4, 4))
    assert tuple(np.asarray(col)[0, 0]) == (1, 2, 3)
    t = T.RandomCrop(3, padding=(1, 2))(ember.rand(2, 4, 4))
    assert tuple(t.shape) == (2, 3, 3)
    with pytest.raises(ValueError, match="larger than input"):
        T.RandomCrop(5)(img)


def test_random_horizontal_flip_follows_torch_rng():
    img = rgb()
    x = T.ToTensor()(img)
    ember.manual_seed(3)
    torch.manual_seed(3)
    for _ in range(6):
        flipped = bool(torch.rand(1) < 0.5)
        out = T.RandomHorizontalFlip()(x)
        np.testing.assert_array_equal(out.numpy(), x.numpy()[..., ::-1] if flipped else x.numpy())
    mirrored = img.transpose(Image.FLIP_LEFT_RIGHT).tobytes()
    assert T.RandomHorizontalFlip(p=1.0)(img).tobytes() == mirrored
    assert T.RandomHorizontalFlip(p=0.0)(img) is img


def test_random_rotation():
    img = gray(9, 9)
    ember.manual_seed(5)
    out = T.RandomRotation(30)(img)
    torch.manual_seed(5)
    angle = float(torch.empty(1).uniform_(-30.0, 30.0).item())
    assert out.tobytes() == img.rotate(angle, Image.NEAREST, False, None, fillcolor=0).tobytes()
    exact = T.RandomRotation((90, 90))(img)
    np.testing.assert_array_equal(np.asarray(exact), np.rot90(np.asarray(img)))
    t = T.RandomRotation((90, 90))(T.PILToTensor()(img))
    assert t.dtype == ember.uint8
    np.testing.assert_array_equal(t.numpy()[0], np.rot90(np.asarray(img)))
    with pytest.raises(ValueError):
        T.RandomRotation(-1)


def test_grayscale():
    img = rgb()
    g = T.Grayscale()(img)
    assert g.mode == "L"
    g3 = T.Grayscale(3)(img)
    assert g3.mode == "RGB" and np.array_equal(np.asarray(g3)[..., 0], np.asarray(g))
    t = T.Grayscale()(T.ToTensor()(img))
    assert tuple(t.shape) == (1, 6, 8)
    np.testing.assert_allclose(t.numpy()[0], np.asarray(g) / 255, atol=1 / 255 + 1e-6)
    with pytest.raises(ValueError):
        T.Grayscale(2)(img)


def test_color_jitter_pil_and_tensor():
    img = rgb(10, 10)
    ember.manual_seed(0)
    out = T.ColorJitter(0.4, 0.4, 0.4, 0.1)(img)
    assert out.mode == "RGB" and out.size == img.size
    # brightness alone equals PIL's ImageEnhance with the drawn factor
    ember.manual_seed(1)
    out = T.ColorJitter(brightness=0.5)(img)
    torch.manual_seed(1)
    torch.randperm(4)
    factor = float(torch.empty(1).uniform_(0.5, 1.5))
    from PIL import ImageEnhance
    assert out.tobytes() == ImageEnhance.Brightness(img).enhance(factor).tobytes()
    x = T.ToTensor()(img)
    y = T.ColorJitter(0.3, 0.3, 0.3, 0.2)(x)
    assert tuple(y.shape) == (3, 10, 10) and float(y.min()) >= 0 and float(y.max()) <= 1
    np.testing.assert_allclose(F.adjust_hue(x, 0.0).numpy(), x.numpy(), atol=1e-6)
    np.testing.assert_allclose(F.adjust_saturation(x, 1.0).numpy(), x.numpy(), atol=1e-6)
    hue_pil = np.asarray(F.adjust_hue(img, 0.25)).astype(int)
    hue_t = (F.adjust_hue(T.PILToTensor()(img), 0.25).numpy().transpose(1, 2, 0)).astype(int)
    assert np.abs(hue_pil - hue_t).mean() < 8  # PIL's 8-bit HSV vs exact HSV
    assert T.ColorJitter().__call__(img) is img
    with pytest.raises(ValueError):
        T.ColorJitter(hue=0.7)
