"""Build TensorBoard ``Summary`` protobufs from ember tensors and NumPy arrays.

Each function returns a ``summary_pb2.Summary`` in the layout PyTorch's
``torch.utils.tensorboard.summary`` writes, so TensorBoard shows ember logs the same way.
"""

import io
import numbers

import numpy as np
from google.protobuf import struct_pb2
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.plugins.hparams import api_pb2
from tensorboard.plugins.hparams.plugin_data_pb2 import (
    HParamsPluginData,
    SessionEndInfo,
    SessionStartInfo,
)
from tensorboard.plugins.text.plugin_data_pb2 import TextPluginData

from ..._tensor import Tensor


def make_np(x):
    """Return ``x`` (ember tensor, NumPy array, Python or NumPy number) as a NumPy array."""
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, Tensor):
        return x.detach().cpu().numpy()
    if isinstance(x, (numbers.Number, np.generic)):
        return np.array([x])
    if isinstance(x, (list, tuple)):
        return np.asarray([make_np(v) if isinstance(v, Tensor) else v for v in x])
    raise NotImplementedError(
        f"Got {type(x).__name__}, but expected an ember Tensor, a NumPy array or a number"
    )


def scalar(name, value, new_style=False, double_precision=False):
    """A scalar summary; ``value`` must hold exactly one element."""
    arr = make_np(value).squeeze()
    if arr.ndim != 0:
        raise ValueError(
            f"add_scalar expects one value (a number or a one-element tensor), "
            f"got shape {tuple(make_np(value).shape)}"
        )
    v = float(arr)
    if not new_style:
        return Summary(value=[Summary.Value(tag=name, simple_value=v)])
    if double_precision:
        tensor = TensorProto(double_val=[v], dtype="DT_DOUBLE")
    else:
        tensor = TensorProto(float_val=[v], dtype="DT_FLOAT")
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="scalars"))
    return Summary(value=[Summary.Value(tag=name, tensor=tensor, metadata=meta)])


_DEFAULT_BINS = []


def default_bins():
    """TensorFlow's histogram bucket edges: +-1e-12 growing by 10 % up to 1e20, and 0."""
    if not _DEFAULT_BINS:
        v, pos = 1e-12, []
        while v < 1e20:  # repeated multiplication, so the edges equal PyTorch's bit for bit
            pos.append(v)
            v *= 1.1
        _DEFAULT_BINS.extend([-x for x in reversed(pos)] + [0.0] + pos)
    return _DEFAULT_BINS


def histogram(name, values, bins, max_bins=None):
    """A histogram summary of ``values`` with NumPy-style ``bins`` (int, str or edges)."""
    values = make_np(values).astype(np.float64, copy=False).reshape(-1)
    if values.size == 0:
        raise ValueError("add_histogram got an empty tensor: there is nothing to histogram")
    if not np.all(np.isfinite(values)):
        raise ValueError("add_histogram got NaN or infinite values")
    counts, edges = np.histogram(values, bins=bins)
    if max_bins is not None and counts.size > max_bins:
        group = counts.size // max_bins
        pad = (-counts.size) % group
        counts = np.pad(counts, (0, pad)).reshape(-1, group).sum(axis=1)
        edges = np.concatenate([edges[:-1:group], edges[-1:]])
    # Keep only the support: from the first to the last non-empty bucket.
    nonzero = np.flatnonzero(counts)
    start, end = int(nonzero[0]), int(nonzero[-1]) + 1
    # TensorBoard buckets are (previous limit, limit]: bucket_limit holds right edges, and a
    # leading empty bucket ends at the left edge of the first non-empty bin.
    limits = edges[start:end + 1]
    counts = np.concatenate([[0], counts[start:end]])
    hist = HistogramProto(
        min=float(values.min()), max=float(values.max()), num=int(values.size),
        sum=float(values.sum()), sum_squares=float(values.dot(values)),
        bucket_limit=limits.tolist(), bucket=counts.astype(np.float64).tolist(),
    )
    return Summary(value=[Summary.Value(tag=name, histo=hist)])


def make_grid(images, ncols=8):
    """Tile an (N, C, H, W) array into a (C, rows*H, ncols*W) canvas, row by row."""
    if images.shape[1] == 1:
        images = np.repeat(images, 3, axis=1)
    n, c, h, w = images.shape
    ncols = min(n, ncols)
    nrows = -(-n // ncols)
    if nrows * ncols > n:
        fill = np.zeros((nrows * ncols - n, c, h, w), dtype=images.dtype)
        images = np.concatenate([images, fill])
    grid = images.reshape(nrows, ncols, c, h, w).transpose(2, 0, 3, 1, 4)
    return grid.reshape(c, nrows * h, ncols * w)


def to_hwc(arr, dataformats):
    """Rearrange an image array given in ``dataformats`` to (H, W, C) with C in {3, 4}."""
    fmt = dataformats.upper()
    if len(set(fmt)) != len(fmt) or not set(fmt) <= set("NCHW"):
        raise ValueError(f"dataformats must be letters of 'NCHW' without repeats, got {fmt!r}")
    if arr.ndim != len(fmt):
        raise ValueError(
            f"dataformats={dataformats!r} needs a {len(fmt)}-d image, got shape {arr.shape}"
        )
    if len(fmt) == 4:
        arr = make_grid(arr.transpose([fmt.index(ch) for ch in "NCHW"]))
        return arr.transpose(1, 2, 0)
    if len(fmt) == 3:
        arr = arr.transpose([fmt.index(ch) for ch in "HWC"])
        if arr.shape[2] == 1:
            arr = np.repeat(arr, 3, axis=2)
        elif arr.shape[2] not in (3, 4):
            raise ValueError(
                f"an image needs 1, 3 or 4 channels, got {arr.shape[2]} with "
                f"dataformats={dataformats!r}: is dataformats right for shape {arr.shape}?"
            )
        return arr
    if fmt not in ("HW", "WH"):
        raise ValueError(f"dataformats must be one of NCHW/CHW/HWC/HW-style, got {fmt!r}")
    arr = arr.transpose([fmt.index(ch) for ch in "HW"])
    return np.stack([arr, arr, arr], axis=2)


def image(tag, img, dataformats="CHW", rescale=1):
    """An image summary: float images are in [0, 1], uint8 images in [0, 255]."""
    arr = to_hwc(make_np(img), dataformats)
    if arr.shape[2] not in (3, 4):
        raise ValueError(f"an image needs 1, 3 or 4 channels, got {arr.shape[2]}")
    scale = 1 if arr.dtype == np.uint8 else 255
    arr = (arr.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)
    return Summary(value=[Summary.Value(tag=tag, image=encode_png(arr, rescale))])


def encode_png(arr, rescale=1):
    """Encode an (H, W, C) uint8 array as a ``Summary.Image`` holding a PNG."""
    from PIL import Image

    height, width, channels = arr.shape
    pil = Image.fromarray(arr)
    if rescale != 1:
        width, height = int(width * rescale), int(height * rescale)
        pil = pil.resize((width, height), Image.LANCZOS)
    buf = io.BytesIO()
    pil.save(buf, format="PNG")
    return Summary.Image(
        height=height, width=width, colorspace=channels, encoded_image_string=buf.getvalue()
    )


def text(tag, text_string):
    """A text summary (Markdown), stored under ``<tag>/text_summary`` like PyTorch does."""
    content = TextPluginData(version=0).SerializeToString()
    meta = SummaryMetadata(
        plugin_data=SummaryMetadata.PluginData(plugin_name="text", content=content)
    )
    tensor = TensorProto(
        dtype="DT_STRING", string_val=[str(text_string).encode("utf-8")],
        tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]),
    )
    return Summary(value=[Summary.Value(tag=tag + "/text_summary", metadata=meta, tensor=tensor)])


def _hparams_summary(tag, plugin_data):
    content = plugin_data.SerializeToString()
    meta = SummaryMetadata(
        plugin_data=SummaryMetadata.PluginData(plugin_name="hparams", content=content)
    )
    return Summary(value=[Summary.Value(tag=tag, metadata=meta)])


def hparams(hparam_dict, metric_dict, hparam_domain_discrete=None):
    """The three hparams-plugin summaries: experiment, session start, session end."""
    domains = hparam_domain_discrete or {}
    for name, domain in domains.items():
        if name not in hparam_dict or not isinstance(domain, list):
            raise TypeError(
                f"hparam_domain_discrete[{name!r}] must be a list and {name!r} a key of hparam_dict"
            )
        if not all(isinstance(d, type(hparam_dict[name])) for d in domain):
            raise TypeError(
                f"values of hparam_domain_discrete[{name!r}] must have the type of "
                f"hparam_dict[{name!r}] ({type(hparam_dict[name]).__name__})"
            )
    start = SessionStartInfo()
    infos = []
    for name, value in hparam_dict.items():
        if value is None:
            continue
        if isinstance(value, Tensor):
            value = make_np(value).reshape(-1)[0].item()
        if isinstance(value, (bool, np.bool_)):
            start.hparams[name].bool_value = bool(value)
            kind, field = api_pb2.DATA_TYPE_BOOL, "bool_value"
        elif isinstance(value, (numbers.Real, np.generic)):
            start.hparams[name].number_value = float(value)
            kind, field = api_pb2.DATA_TYPE_FLOAT64, "number_value"
        elif isinstance(value, str):
            start.hparams[name].string_value = value
            kind, field = api_pb2.DATA_TYPE_STRING, "string_value"
        else:
            raise ValueError(
                f"hparam {name!r} must be an int, float, str, bool or a one-element tensor, "
                f"got {type(value).__name__}"
            )
        discrete = None
        if name in domains:
            discrete = struct_pb2.ListValue(
                values=[struct_pb2.Value(**{field: d}) for d in domains[name]]
            )
        infos.append(api_pb2.HParamInfo(name=name, type=kind, domain_discrete=discrete))
    metrics = [api_pb2.MetricInfo(name=api_pb2.MetricName(tag=k)) for k in metric_dict]
    experiment = api_pb2.Experiment(hparam_infos=infos, metric_infos=metrics)
    end = SessionEndInfo(status=api_pb2.STATUS_SUCCESS)
    return (
        _hparams_summary("_hparams_/experiment", HParamsPluginData(experiment=experiment)),
        _hparams_summary("_hparams_/session_start_info",
                         HParamsPluginData(session_start_info=start)),
        _hparams_summary("_hparams_/session_end_info", HParamsPluginData(session_end_info=end)),
    )


def figure_to_image(figures, close=True):
    """Render a matplotlib figure (or a list of them) to a CHW (or NCHW) uint8 array."""
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    def render(fig):
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        rgba = np.asarray(canvas.buffer_rgba())
        if close:
            plt.close(fig)
        return rgba[:, :, :3].transpose(2, 0, 1).copy()

    if isinstance(figures, (list, tuple)):
        return np.stack([render(f) for f in figures])
    return render(figures)
