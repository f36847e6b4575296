import io

import numpy as np
import pytest
from PIL import Image

import ember
from ember.vision.utils import make_grid, save_image


def reference_grid(batch, nrow, padding, pad_value):
    b, c, h, w = batch.shape
    if c == 1:
        batch = np.concatenate([batch] * 3, axis=1)
    xmaps = min(nrow, b)
    ymaps = -(-b // xmaps)
    out = np.full((3, (h + padding) * ymaps + padding, (w + padding) * xmaps + padding), pad_value,
                  dtype=batch.dtype)
    for k in range(b):
        y, x = divmod(k, xmaps)
        out[:, y * (h + padding) + padding:y * (h + padding) + padding + h,
            x * (w + padding) + padding:x * (w + padding) + padding + w] = batch[k]
    return out


def test_make_grid_layout():
    x = ember.rand(5, 1, 4, 3)
    g = make_grid(x, nrow=2, padding=1, pad_value=0.5)
    assert tuple(g.shape) == (3, 3 * 5 + 1, 2 * 4 + 1)
    np.testing.assert_array_equal(g.numpy(), reference_grid(x.numpy(), 2, 1, 0.5))
    assert tuple(make_grid(ember.rand(16, 3, 28, 28)).shape) == (3, 62, 242)
    single = make_grid(ember.rand(1, 4, 4))
    assert tuple(single.shape) == (3, 4, 4)
    lst = make_grid([ember.rand(3, 2, 2), ember.rand(3, 2, 2)], padding=0)
    assert tuple(lst.shape) == (3, 2, 4)


def test_make_grid_normalize():
    x = ember.stack([ember.full((1, 2, 2), 2.0), ember.full((1, 2, 2), 4.0)])
    x[0, 0, 0, 0] = 0.0
    g = make_grid(x, normalize=True, padding=0)
    assert float(g.min()) == 0.0 and float(g.max()) == 1.0
    each = make_grid(x, normalize=True, scale_each=True, padding=0)
    assert float(each[0, 0, 2]) == 0.0  # constant image: (v - v) / 1e-5
    ranged = make_grid(x, normalize=True, value_range=(0.0, 8.0), padding=0)
    assert float(ranged.max()) == 0.5
    assert float(x.max()) == 4.0  # input untouched
    with pytest.raises(TypeError):
        make_grid(x, normalize=True, value_range=[0, 1])


def test_save_image_png(tmp_path):
    x = ember.rand(4, 3, 5, 5)
    path = tmp_path / "grid.png"
    save_image(x, path, nrow=2, padding=0)
    img = Image.open(path)
    assert img.format == "PNG" and img.size == (10, 10) and img.mode == "RGB"
    expected = np.clip(x.numpy()[0] * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    np.testing.assert_array_equal(np.asarray(img)[:5, :5], expected)
    buf = io.BytesIO()
    save_image(ember.rand(1, 6, 7), buf)
    assert Image.open(io.BytesIO(buf.getvalue())).size == (7, 6)
