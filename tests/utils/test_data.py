"""ember.utils.data against torch.utils.data: orders (same seed, same batches), collation,
samplers, and DataLoader worker processes (ordering, seeds, errors, crashes)."""
import collections
import os
import random
import signal
import time

import numpy as np
import pytest
import torch
import torch.utils.data as TD

import ember
import ember.utils.data as ED


@pytest.fixture
def alarm():
    """Fail instead of hanging: any test using this gets 20 s."""
    def handler(signum, frame):
        raise TimeoutError("test took too long (possible DataLoader hang)")
    old = signal.signal(signal.SIGALRM, handler)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def _lists(batches):
    out = []
    for b in batches:
        out.append([x.tolist() if hasattr(x, "tolist") else x for x in b]
                   if isinstance(b, (list, tuple)) else b.tolist())
    return out


def _pair(n):
    x = np.arange(n, dtype=np.float32)
    return (ED.TensorDataset(ember.tensor(x), ember.arange(n)),
            TD.TensorDataset(torch.tensor(x), torch.arange(n)))


# ---- order against torch ------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 7, 2**33 + 1])
@pytest.mark.parametrize("batch_size,drop_last", [(1, False), (4, False), (4, True), (7, True),
                                                  (64, False)])
def test_shuffle_order_global_seed(seed, batch_size, drop_last):
    eds, tds = _pair(23)
    ember.manual_seed(seed)
    torch.manual_seed(seed)
    el = ED.DataLoader(eds, batch_size=batch_size, shuffle=True, drop_last=drop_last)
    tl = TD.DataLoader(tds, batch_size=batch_size, shuffle=True, drop_last=drop_last)
    for _ in range(3):
        assert _lists(el) == _lists(tl)
    assert ember.rand(3).tolist() == torch.rand(3).tolist()   # same global state after
    assert len(el) == len(tl)


@pytest.mark.parametrize("batch_size,drop_last", [(3, False), (5, True)])
def test_shuffle_order_generator(batch_size, drop_last):
    eds, tds = _pair(17)
    eg, tg = ember.Generator().manual_seed(5), torch.Generator().manual_seed(5)
    el = ED.DataLoader(eds, batch_size=batch_size, shuffle=True, drop_last=drop_last,
                       generator=eg)
    tl = TD.DataLoader(tds, batch_size=batch_size, shuffle=True, drop_last=drop_last,
                       generator=tg)
    for _ in range(3):
        assert _lists(el) == _lists(tl)
    assert ember.rand(4, generator=eg).tolist() == torch.rand(4, generator=tg).tolist()


def test_shuffle_order_with_workers_matches_torch(alarm):
    eds, _ = _pair(20)
    _, tds = _pair(20)
    ember.manual_seed(3)
    torch.manual_seed(3)
    el = ED.DataLoader(eds, batch_size=3, shuffle=True, num_workers=2)
    tl = TD.DataLoader(tds, batch_size=3, shuffle=True)
    for _ in range(2):
        assert _lists(el) == _lists(tl)
    eg, tg = ember.Generator().manual_seed(8), torch.Generator().manual_seed(8)
    el = ED.DataLoader(eds, batch_size=3, shuffle=True, num_workers=2, drop_last=True,
                       generator=eg, persistent_workers=True)
    tl = TD.DataLoader(tds, batch_size=3, shuffle=True, drop_last=True, generator=tg)
    assert _lists(el) == _lists(tl)
    # persistent workers: later epochs draw no new base seed (as torch's)
    batches = list(TD.BatchSampler(TD.RandomSampler(tds, generator=tg), 3, True))
    assert [b[1].tolist() for b in el] == batches
    el._iterator._shutdown_workers()


def test_random_split_matches_torch():
    for lengths in ([3, 7], [0.5, 0.3, 0.2], [0.34, 0.33, 0.33]):
        e = ED.random_split(range(10), lengths, generator=ember.Generator().manual_seed(1))
        t = TD.random_split(range(10), lengths, generator=torch.Generator().manual_seed(1))
        assert [list(s) for s in e] == [list(s) for s in t]
    ember.manual_seed(4)
    torch.manual_seed(4)
    assert ([s.indices for s in ED.random_split(range(9), [4, 5])]
            == [s.indices for s in TD.random_split(range(9), [4, 5])])
    with pytest.raises(ValueError, match="Sum of input lengths"):
        ED.random_split(range(10), [3, 3])


def test_samplers_match_torch():
    data = list(range(13))
    for kw in ({}, {"replacement": True}, {"replacement": True, "num_samples": 70},
               {"num_samples": 30}):
        e = ED.RandomSampler(data, generator=ember.Generator().manual_seed(2), **kw)
        t = TD.RandomSampler(data, generator=torch.Generator().manual_seed(2), **kw)
        assert list(e) == list(t) and len(e) == len(t)
    ember.manual_seed(9)
    torch.manual_seed(9)
    assert list(ED.RandomSampler(data)) == list(TD.RandomSampler(data))
    e = ED.SubsetRandomSampler([5, 9, 11, 2], generator=ember.Generator().manual_seed(0))
    t = TD.SubsetRandomSampler([5, 9, 11, 2], generator=torch.Generator().manual_seed(0))
    assert list(e) == list(t)
    w = [0.1, 0.9, 0.4, 0.0, 2.0]
    for rep in (True, False):
        e = ED.WeightedRandomSampler(w, 4, replacement=rep,
                                     generator=ember.Generator().manual_seed(3))
        t = TD.WeightedRandomSampler(w, 4, replacement=rep,
                                     generator=torch.Generator().manual_seed(3))
        assert list(e) == list(t)
    assert list(ED.SequentialSampler(data)) == data
    for bs, dl in ((4, False), (4, True), (13, True), (20, True)):
        e = ED.BatchSampler(ED.SequentialSampler(data), bs, dl)
        t = TD.BatchSampler(TD.SequentialSampler(data), bs, dl)
        assert list(e) == list(t) and len(e) == len(t)
    with pytest.raises(ValueError):
        ED.BatchSampler(data, 0, False)


# ---- datasets ------------------------------------------------------------------------------

def test_datasets():
    eds, tds = _pair(6)
    assert _lists([eds[2]]) == _lists([tds[2]])
    batch = eds.__getitems__([4, 1])
    assert len(batch) == 2 and _lists([batch[0]]) == _lists([eds[4]])
    sub = ED.Subset(eds, [5, 0, 3])
    assert len(sub) == 3 and sub[0][1].item() == 5
    assert ED.default_collate(sub.__getitems__([0, 2]))[1].tolist() == [5, 3]
    cat = ED.ConcatDataset([range(3), range(10, 14)])
    assert len(cat) == 7 and [cat[i] for i in range(7)] == [0, 1, 2, 10, 11, 12, 13]
    assert cat[-1] == 13 and cat.cumulative_sizes == [3, 7]
    with pytest.raises(ValueError, match="Size mismatch"):
        ED.TensorDataset(ember.zeros(3), ember.zeros(4))
    st = ED.StackDataset(range(3), "abc")
    assert len(st) == 3 and st[1] == (1, "b")
    assert ED.StackDataset(x=range(2), y=[5, 6])[1] == {"x": 1, "y": 6}
    ch = ED.ChainDataset([Stream(3), Stream(2)])
    assert list(ch) == [0, 1, 2, 0, 1] and len(ch) == 5
    assert len(eds + eds) == 12


def test_getitems_batch_is_one_indexing_op():
    eds, tds = _pair(10)
    el = ED.DataLoader(eds, batch_size=4, sampler=[9, 2, 5, 5, 0, 1])
    tl = TD.DataLoader(tds, batch_size=4, sampler=[9, 2, 5, 5, 0, 1])
    eb, tb = list(el), list(tl)
    assert _lists(eb) == _lists(tb)
    assert eb[0][0].dtype == ember.float32 and eb[0][1].dtype == ember.int64
    seen = []
    list(ED.DataLoader(eds, batch_size=3, collate_fn=lambda b: seen.append(b)))
    assert type(seen[0]) is list and isinstance(seen[0][0], tuple) and len(seen[-1]) == 1


# ---- collation -----------------------------------------------------------------------------

Point = collections.namedtuple("Point", "x y")


def _to_py(x):
    if isinstance(x, (ember.Tensor, torch.Tensor)):
        return ("T", str(x.dtype).replace("torch.", ""), x.tolist())
    if isinstance(x, dict):
        return {k: _to_py(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [_to_py(v) for v in x])
    return x


@pytest.mark.parametrize("make", [
    lambda lib: [1.5, 2.0],
    lambda lib: [1, 2, 3],
    lambda lib: [True, False],
    lambda lib: ["a", "b"],
    lambda lib: [np.float32(1), np.float32(2)],
    lambda lib: [np.arange(3, dtype=np.int32), np.arange(3, dtype=np.int32)],
    lambda lib: [lib.ones(2, 3), lib.zeros(2, 3)],
    lambda lib: [(lib.ones(2), 1, "x"), (lib.zeros(2), 0, "y")],
    lambda lib: [[1, 2.5], [3, 4.5]],
    lambda lib: [{"a": 1, "b": {"c": lib.ones(1)}}, {"a": 2, "b": {"c": lib.zeros(1)}}],
    lambda lib: [Point(1, 2.0), Point(3, 4.0)],
])
def test_default_collate_matches_torch(make):
    e = ED.default_collate(make(ember))
    t = TD.default_collate(make(torch))
    assert _to_py(e) == _to_py(t)


def test_default_collate_errors_and_convert():
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        ED.default_collate([object(), object()])
    with pytest.raises(RuntimeError, match="equal size"):
        ED.default_collate([[1, 2], [1]])
    for data in (np.arange(3), (np.ones(2), 3), {"a": np.zeros(1)}, Point(np.ones(1), "s")):
        assert _to_py(ED.default_convert(data)) == _to_py(TD.default_convert(data))


def test_dataloader_batch_size_none_and_validation():
    loader = ED.DataLoader([np.ones(2), np.zeros(2)], batch_size=None)
    assert [b.tolist() for b in loader] == [[1.0, 1.0], [0.0, 0.0]]
    with pytest.raises(ValueError, match="mutually exclusive with shuffle"):
        ED.DataLoader(range(3), sampler=[0], shuffle=True)
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        ED.DataLoader(range(3), batch_sampler=[[0]], batch_size=2)
    with pytest.raises(ValueError, match="persistent_workers"):
        ED.DataLoader(range(3), persistent_workers=True)
    with pytest.raises(ValueError, match="num_workers"):
        ED.DataLoader(range(3), num_workers=-1)
    loader = ED.DataLoader(range(5), batch_sampler=[[4, 0], [1]])
    assert [b.tolist() for b in loader] == [[4, 0], [1]] and len(loader) == 2


# ---- workers -------------------------------------------------------------------------------

class SlowSquares(ED.Dataset):
    def __len__(self):
        return 12

    def __getitem__(self, i):
        if i % 3 == 0:
            time.sleep(0.01 * (i % 4))   # finish out of order
        info = ED.get_worker_info()
        return {"i": i, "wid": -1 if info is None else info.id, "sq": ember.tensor(i * i)}


class Bad(ED.Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            raise ValueError("sample 5 is broken")
        if i == 6:
            raise KeyError("missing")
        return i


class Dies(ED.Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 3:
            os._exit(3)
        return i


class Seeds(ED.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        info = ED.get_worker_info()
        return (info.seed, ember.rand(1).item(), random.random(), float(np.random.rand()))


class Stream(ED.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = ED.get_worker_info()
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))

    def __len__(self):
        return self.n


def test_workers_ordered_results(alarm):
    loader = ED.DataLoader(SlowSquares(), batch_size=2, num_workers=3, prefetch_factor=3)
    batches = list(loader)
    assert [b["i"].tolist() for b in batches] == [[2 * k, 2 * k + 1] for k in range(6)]
    assert [b["sq"].tolist() for b in batches][1] == [4, 9]
    assert sorted({w for b in batches for w in b["wid"].tolist()}) == [0, 1, 2]
    assert [b["wid"].tolist() for b in batches] == [[k % 3] * 2 for k in range(6)]


def test_worker_seeds_like_torch(alarm):
    ember.manual_seed(11)
    torch.manual_seed(11)
    got = list(ED.DataLoader(Seeds(), batch_size=None, num_workers=2))
    base = torch.empty((), dtype=torch.int64).random_().item()
    for i, (seed, r, py, npr) in enumerate(got):
        wid = i % 2
        assert seed == base + wid
        torch.manual_seed(base + wid)
        random.seed(base + wid)
        n_before = i // 2
        vals = torch.rand(n_before + 1)
        assert r == pytest.approx(vals[-1].item(), abs=0)
        assert py == [random.random() for _ in range(n_before + 1)][-1]
        from torch.utils.data._utils.worker import _generate_state
        rs = np.random.RandomState(_generate_state(base, wid))
        assert npr == rs.rand(n_before + 1)[-1]


def test_worker_init_fn_and_persistent_workers(alarm):
    loader = ED.DataLoader(SlowSquares(), batch_size=4, num_workers=2,
                           persistent_workers=True,
                           worker_init_fn=lambda wid: np.random.seed(100 + wid))
    first = [b["i"].tolist() for b in loader]
    it = iter(loader)
    next(it)                                  # abandon an epoch half way
    second = [b["i"].tolist() for b in loader]
    assert first == second == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
    pids = [w.pid for w in loader._iterator._workers]
    list(loader)
    assert [w.pid for w in loader._iterator._workers] == pids
    loader._iterator._shutdown_workers()


def test_iterable_dataset_sharding(alarm):
    for workers in (0, 2, 3):
        loader = ED.DataLoader(Stream(10), batch_size=2, num_workers=workers)
        tl = TD.DataLoader(_TorchStream(10), batch_size=2, num_workers=0)
        got = sorted(x for b in loader for x in b.tolist())
        assert got == list(range(10))
        if workers == 0:
            assert _lists(loader) == _lists(tl)
    loader = ED.DataLoader(Stream(7), batch_size=None, num_workers=2)
    assert [x.item() if hasattr(x, "item") else x for x in loader] == [0, 1, 2, 3, 4, 5, 6]
    loader = ED.DataLoader(Stream(7), batch_size=2, drop_last=True, num_workers=2,
                           persistent_workers=True)
    for _ in range(2):
        assert [b.tolist() for b in loader] == [[0, 2], [1, 3], [4, 6]]
    loader._iterator._shutdown_workers()


class _TorchStream(TD.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))


def test_worker_exception_reraised_with_traceback(alarm):
    loader = ED.DataLoader(Bad(), batch_size=None, num_workers=2)
    it = iter(loader)
    assert [next(it) for _ in range(5)] == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError) as err:
        next(it)
    msg = str(err.value)
    assert "Caught ValueError in DataLoader worker process 1" in msg
    assert "sample 5 is broken" in msg and "Traceback" in msg and "__getitem__" in msg
    with pytest.raises(KeyError, match="Caught KeyError in DataLoader worker process 0"):
        next(it)
    assert next(it) == 7
    it._shutdown_workers()
    with pytest.raises(ZeroDivisionError, match="worker process"):
        list(ED.DataLoader(range(4), num_workers=1, worker_init_fn=lambda w: 1 / 0))


def test_worker_death_is_an_error_not_a_hang(alarm):
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited "
                                           "unexpectedly"):
        list(ED.DataLoader(Dies(), batch_size=2, num_workers=2))
    assert time.monotonic() - start < 5


def test_timeout(alarm):
    class Slow(ED.Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            time.sleep(2)
            return i
    with pytest.raises(RuntimeError, match="timed out after 0.2 seconds"):
        list(ED.DataLoader(Slow(), num_workers=1, timeout=0.2))
