"""SummaryWriter writes real TensorBoard event files: read them back with TensorBoard's reader."""

import io
import os

import numpy as np
import pytest

pytest.importorskip("tensorboard")
pytest.importorskip("PIL")

from PIL import Image  # noqa: E402
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402
from tensorboard.plugins.hparams import api_pb2, plugin_data_pb2  # noqa: E402

import ember  # noqa: E402
from ember.utils.tensorboard import SummaryWriter  # noqa: E402
from ember.utils.tensorboard import _summary  # noqa: E402

ALL = {"scalars": 0, "images": 0, "histograms": 0, "tensors": 0,
       "compressedHistograms": 0, "audio": 0}


def read(path):
    acc = EventAccumulator(str(path), size_guidance=ALL)
    acc.Reload()
    return acc


def event_files(path):
    return sorted(f for f in os.listdir(path) if f.startswith("events.out.tfevents."))


def test_scalars_roundtrip(tmp_path):
    with SummaryWriter(tmp_path) as w:
        for step in range(5):
            w.add_scalar("loss/train", 1.0 / (step + 1), step)
        w.add_scalar("acc", ember.tensor(0.75), 7, walltime=123.0)
        w.add_scalar("acc", np.float32(0.5), 8)
        w.add_scalar("acc", ember.tensor([0.25]), 9)
        w.add_scalar("lr", 0.1, 3, new_style=True)
        w.add_scalar("lr64", 0.1, 3, new_style=True, double_precision=True)
    assert len(event_files(tmp_path)) == 1
    acc = read(tmp_path)
    loss = acc.Scalars("loss/train")
    assert [e.step for e in loss] == [0, 1, 2, 3, 4]
    np.testing.assert_allclose([e.value for e in loss], [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5],
                               rtol=1e-6)
    a = acc.Scalars("acc")
    assert [(e.step, e.value) for e in a] == [(7, 0.75), (8, 0.5), (9, 0.25)]
    assert a[0].wall_time == 123.0
    (lr,) = acc.Tensors("lr")
    assert lr.step == 3 and lr.tensor_proto.float_val[0] == pytest.approx(0.1)
    assert acc.SummaryMetadata("lr").plugin_data.plugin_name == "scalars"
    assert acc.Tensors("lr64")[0].tensor_proto.double_val[0] == 0.1


def test_scalar_rejects_many_values(tmp_path):
    with SummaryWriter(tmp_path) as w:
        with pytest.raises(ValueError, match="one value"):
            w.add_scalar("x", ember.ones(3), 0)


def test_add_scalars_writes_one_run_per_key(tmp_path):
    with SummaryWriter(tmp_path) as w:
        for step in range(3):
            w.add_scalars("run/loss", {"train": 1.0 + step, "test": ember.tensor(2.0 * step)},
                          step)
    for key, expected in [("train", [1, 2, 3]), ("test", [0, 2, 4])]:
        sub = tmp_path / f"run_loss_{key}"
        assert sub.is_dir()
        events = read(sub).Scalars("run/loss")
        assert [e.step for e in events] == [0, 1, 2]
        assert [e.value for e in events] == expected


def test_histograms(tmp_path):
    values = np.random.default_rng(0).normal(size=1000).astype(np.float32)
    with SummaryWriter(tmp_path) as w:
        w.add_histogram("w", ember.tensor(values), 1)
        w.add_histogram("w10", values, 2, bins=10)
        w.add_histogram("wauto", ember.tensor(values), 3, bins="auto")
        w.add_histogram("wmax", values, 4, bins=100, max_bins=7)
        with pytest.raises(ValueError, match="empty"):
            w.add_histogram("empty", np.zeros(0), 0)
    acc = read(tmp_path)
    for tag in ["w", "w10", "wauto", "wmax"]:
        (ev,) = acc.Histograms(tag)
        h = ev.histogram_value
        assert h.num == 1000 and sum(h.bucket) == 1000
        assert h.min == pytest.approx(values.min()) and h.max == pytest.approx(values.max())
        assert h.sum == pytest.approx(values.astype(np.float64).sum(), abs=1e-3)
        assert h.sum_squares == pytest.approx(float(values.astype(np.float64) @ values), 1e-6)
        assert len(h.bucket) == len(h.bucket_limit)
        assert list(h.bucket_limit) == sorted(h.bucket_limit)
    counts, edges = np.histogram(values.astype(np.float64), bins=10)
    h10 = acc.Histograms("w10")[0].histogram_value
    assert list(h10.bucket) == [0] + counts.tolist()
    np.testing.assert_allclose(h10.bucket_limit, edges)
    # 100 bins in groups of 100 // 7 = 14 leave 8 buckets (as in PyTorch), plus the leading 0.
    assert len(acc.Histograms("wmax")[0].histogram_value.bucket) <= 9


def decode(event):
    return np.asarray(Image.open(io.BytesIO(event.encoded_image_string)))


def test_images(tmp_path):
    rng = np.random.default_rng(0)
    chw = rng.random((3, 5, 7), dtype=np.float32)
    hwc = (rng.random((4, 6, 3)) * 255).astype(np.uint8)
    batch = rng.random((10, 1, 4, 3), dtype=np.float32)
    with SummaryWriter(tmp_path) as w:
        w.add_image("chw", ember.tensor(chw), 0)
        w.add_image("hwc", hwc, 1, dataformats="HWC")
        w.add_image("hw", ember.tensor(chw[0]), 2, dataformats="HW")
        w.add_images("batch", ember.tensor(batch), 3)
        with pytest.raises(ValueError, match="dataformats"):
            w.add_image("bad", chw, 0, dataformats="HWC")
    acc = read(tmp_path)
    (ev,) = acc.Images("chw")
    assert (ev.height, ev.width) == (5, 7)
    np.testing.assert_array_equal(decode(ev), (chw.transpose(1, 2, 0) * 255).astype(np.uint8))
    np.testing.assert_array_equal(decode(acc.Images("hwc")[0]), hwc)
    gray = decode(acc.Images("hw")[0])
    assert gray.shape == (5, 7, 3)
    np.testing.assert_array_equal(gray[..., 1], (chw[0] * 255).astype(np.uint8))
    # 10 images of 4x3 tile into 2 rows of 8; empty cells stay black.
    grid = acc.Images("batch")[0]
    assert (grid.step, grid.height, grid.width) == (3, 8, 24)
    pixels = decode(grid)
    np.testing.assert_array_equal(pixels[4:8, 3:6, 0], (batch[9, 0] * 255).astype(np.uint8))
    assert (pixels[4:, 6:] == 0).all()


def test_figure(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(2, 1.5), dpi=50)
    plt.plot([0, 1], [1, 0])
    with SummaryWriter(tmp_path) as w:
        w.add_figure("fig", fig, 0)
    ev = read(tmp_path).Images("fig")[0]
    assert (ev.width, ev.height) == (100, 75)
    assert not plt.fignum_exists(fig.number)


def test_text(tmp_path):
    with SummaryWriter(tmp_path) as w:
        w.add_text("notes", "**epoch** 1: ok", 1)
        w.add_text("notes", "héllo", 2)
    acc = read(tmp_path)
    events = acc.Tensors("notes/text_summary")
    assert [e.step for e in events] == [1, 2]
    assert [e.tensor_proto.string_val[0].decode() for e in events] == ["**epoch** 1: ok", "héllo"]
    assert acc.SummaryMetadata("notes/text_summary").plugin_data.plugin_name == "text"


def test_hparams(tmp_path):
    hp = {"lr": 0.01, "optimizer": "sgd", "layers": 3, "bn": True, "skip": None}
    with SummaryWriter(tmp_path) as w:
        w.add_hparams(hp, {"hparam/accuracy": 0.9}, {"optimizer": ["sgd", "adam"]},
                      run_name="trial1")
        with pytest.raises(TypeError):
            w.add_hparams([("lr", 1)], {})
        with pytest.raises(ValueError, match="hparam 'f'"):
            w.add_hparams({"f": [1, 2]}, {})
    acc = read(tmp_path / "trial1")
    content = acc.PluginTagToContent("hparams")
    exp = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/experiment"]).experiment
    assert [i.name for i in exp.hparam_infos] == ["lr", "optimizer", "layers", "bn"]
    types = {i.name: i.type for i in exp.hparam_infos}
    assert types["lr"] == api_pb2.DATA_TYPE_FLOAT64 and types["bn"] == api_pb2.DATA_TYPE_BOOL
    assert types["optimizer"] == api_pb2.DATA_TYPE_STRING
    discrete = [i for i in exp.hparam_infos if i.name == "optimizer"][0].domain_discrete
    assert [v.string_value for v in discrete.values] == ["sgd", "adam"]
    assert [m.name.tag for m in exp.metric_infos] == ["hparam/accuracy"]
    start = plugin_data_pb2.HParamsPluginData.FromString(
        content["_hparams_/session_start_info"]).session_start_info
    assert start.hparams["lr"].number_value == 0.01
    assert start.hparams["optimizer"].string_value == "sgd"
    assert start.hparams["layers"].number_value == 3
    assert start.hparams["bn"].bool_value is True
    end = plugin_data_pb2.HParamsPluginData.FromString(
        content["_hparams_/session_end_info"]).session_end_info
    assert end.status == api_pb2.STATUS_SUCCESS
    assert acc.Scalars("hparam/accuracy")[0].value == pytest.approx(0.9)


def test_purge_step_drops_later_events(tmp_path):
    with SummaryWriter(tmp_path) as w:
        for step in range(10):
            w.add_scalar("x", float(step), step)
    with SummaryWriter(tmp_path, purge_step=5, filename_suffix=".b") as w:
        for step in range(5, 8):
            w.add_scalar("x", 100.0 + step, step)
    assert len(event_files(tmp_path)) == 2 and event_files(tmp_path)[1].endswith(".b")
    events = read(tmp_path).Scalars("x")
    assert [e.step for e in events] == list(range(8))
    assert [e.value for e in events][4:] == [4.0, 105.0, 106.0, 107.0]


def test_default_logdir_flush_and_reopen(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment="_lr0.1", flush_secs=1000)
    logdir = w.get_logdir()
    assert logdir.startswith("runs" + os.sep) and logdir.endswith("_lr0.1")
    w.add_scalar("a", 1.0, 0)
    w.flush()
    assert [e.value for e in read(logdir).Scalars("a")] == [1.0]
    w.close()
    w.add_scalar("a", 2.0, 1)  # a closed writer reopens a new event file, as in PyTorch
    w.close()
    assert len(event_files(logdir)) == 2
    assert [e.value for e in read(logdir).Scalars("a")] == [1.0, 2.0]


def test_summaries_match_pytorch_bytes():
    torch = pytest.importorskip("torch")
    ts = pytest.importorskip("torch.utils.tensorboard.summary")
    x = np.random.default_rng(1).normal(size=500).astype(np.float32)
    bins = _summary.default_bins()
    assert _summary.histogram("h", x, bins) == ts.histogram("h", torch.tensor(x), bins)
    assert _summary.histogram("h", x, 50, 7) == ts.histogram("h", x, 50, 7)
    img = np.random.default_rng(2).random((5, 3, 4, 6), dtype=np.float32)
    assert _summary.image("i", img, "NCHW") == ts.image("i", torch.tensor(img),
                                                       dataformats="NCHW")
    assert _summary.text("t", "a") == ts.text("t", "a")
    hp, metrics = {"lr": 0.1, "opt": "adam", "n": 2}, {"m": 1.0}
    assert _summary.hparams(hp, metrics, {"n": [1, 2]}) == ts.hparams(hp, metrics, {"n": [1, 2]})
