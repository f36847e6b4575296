"""Bad inputs raise what torch raises: for each case, ember and torch must both raise, with the
same exception class (and the same base category: IndexError/TypeError/ValueError/RuntimeError),
and every listed fact (a phrase of torch's message, a size, an argument name) must appear in both
messages. The cases are run once with ``lib=torch`` (checking the table itself) and once with
``lib=ember``."""
import warnings

import pytest
import torch

import ember

CATEGORIES = (IndexError, TypeError, ValueError, RuntimeError)
BCAST = "must match the size of tensor b"
DIM = "Dimension out of range"
CAST = "can't be cast to the desired output type"
NEG = "negative dimension"


def _t(lib, *shape, dtype=None, rg=False):
    return lib.ones(*shape, dtype=dtype or lib.float32, requires_grad=rg)


def _i(lib, data):
    return lib.tensor(data)


# ---- autograd scenarios (several statements) ----
def _backward_twice(lib):
    x = _t(lib, 3, rg=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


def _grad_twice(lib):
    x = _t(lib, 3, rg=True)
    y = x.exp().sum()
    lib.autograd.grad(y, [x])
    lib.autograd.grad(y, [x])


def _backward_nonscalar(lib):
    (_t(lib, 3, rg=True) * 2).backward()


def _grad_nonscalar(lib):
    x = _t(lib, 3, rg=True)
    lib.autograd.grad(x * 2, [x])


def _backward_no_grad(lib):
    _t(lib, 3).sum().backward()


def _grad_not_requiring(lib):
    x = _t(lib, 3)
    y = _t(lib, 3, rg=True)
    lib.autograd.grad((x * y).sum(), [x])


def _grad_unused(lib):
    x = _t(lib, 3, rg=True)
    z = _t(lib, 3, rg=True)
    lib.autograd.grad((x * 2).sum(), [z])


def _bad_grad_shape(lib):
    (_t(lib, 3, rg=True) * 2).backward(_t(lib, 4))


def _inplace_leaf(lib):
    _t(lib, 3, rg=True).add_(1)


def _inplace_leaf_zero(lib):
    _t(lib, 3, rg=True).zero_()


def _inplace_leaf_setitem(lib):
    x = _t(lib, 3, rg=True)
    x[0] = 2.0


def _saved_input_modified(lib):
    a = _t(lib, 3, rg=True) + 0
    b = a * a
    a.mul_(2)
    b.sum().backward()


def _saved_output_modified(lib):
    b = (_t(lib, 3, rg=True) * 2).exp()
    b.add_(1)
    b.sum().backward()


def _saved_view_modified(lib):
    a = _t(lib, 2, 3, rg=True) * 1
    b = a.sin()
    a[0].fill_(0.0)
    b.sum().backward()


def _requires_grad_nonleaf(lib):
    y = _t(lib, 3, rg=True) * 2
    y.requires_grad = False


C = pytest.param


CASES = [
    # ---- broadcasting ----
    C(lambda lib: _t(lib, 3) + _t(lib, 4), (BCAST, "(3)", "(4)"), id="add_op"),
    C(lambda lib: lib.add(_t(lib, 2, 3), _t(lib, 3, 2)), (BCAST, "dimension 1"), id="add"),
    C(lambda lib: _t(lib, 2, 3) * _t(lib, 2, 4), (BCAST,), id="mul_op"),
    C(lambda lib: lib.sub(_t(lib, 5), _t(lib, 2)), (BCAST,), id="sub"),
    C(lambda lib: _t(lib, 5, 2) / _t(lib, 2, 5, 3), (BCAST,), id="div_op"),
    C(lambda lib: _t(lib, 3) ** _t(lib, 2), (BCAST,), id="pow_op"),
    C(lambda lib: lib.maximum(_t(lib, 3), _t(lib, 2)), (BCAST,), id="maximum"),
    C(lambda lib: _t(lib, 3) == _t(lib, 2), (BCAST,), id="eq_op"),
    C(lambda lib: _t(lib, 3) < _t(lib, 2), (BCAST,), id="lt_op"),
    C(lambda lib: _t(lib, 3).add_(_t(lib, 2, 3)), ("doesn't match the broadcast shape",),
      id="add_inplace_grows"),
    C(lambda lib: _t(lib, 3).mul_(_t(lib, 4)), (BCAST,), id="mul_inplace"),
    C(lambda lib: lib.where(_t(lib, 3) > 0, _t(lib, 3), _t(lib, 2)), (BCAST,), id="where_other"),
    C(lambda lib: lib.where(_t(lib, 4) > 0, _t(lib, 3), _t(lib, 3)), (BCAST,), id="where_cond"),
    C(lambda lib: lib.cat([_t(lib, 2, 3), _t(lib, 2, 4)]),
      ("Sizes of tensors must match except in dimension 0", "tensor number 1"), id="cat_sizes"),
    C(lambda lib: lib.cat([_t(lib, 2, 3), _t(lib, 3)]),
      ("Tensors must have same number of dimensions",), id="cat_ndim"),
    C(lambda lib: lib.cat([]), ("non-empty",), id="cat_empty"),
    C(lambda lib: lib.stack([_t(lib, 2, 3), _t(lib, 3, 2)]),
      ("stack expects each tensor to be equal size", "[3, 2]"), id="stack_sizes"),
    C(lambda lib: lib.stack([]), ("non-empty",), id="stack_empty"),
    C(lambda lib: lib.broadcast_to(_t(lib, 3), (4,)), ("must match the existing size",),
      id="broadcast_to"),
    C(lambda lib: lib.broadcast_tensors(_t(lib, 3), _t(lib, 4)), (BCAST,),
      id="broadcast_tensors"),
    # ---- matmul family ----
    C(lambda lib: _t(lib, 2, 3) @ _t(lib, 4, 5), ("cannot be multiplied", "2x3 and 4x5"),
      id="matmul_op"),
    C(lambda lib: lib.mm(_t(lib, 2, 3), _t(lib, 2, 3)), ("cannot be multiplied",), id="mm"),
    C(lambda lib: lib.mm(_t(lib, 3), _t(lib, 3, 2)), ("must be a matrix",), id="mm_1d"),
    C(lambda lib: lib.bmm(_t(lib, 2, 3, 4), _t(lib, 2, 5, 6)), ("batch2", "[2, 5]"),
      id="bmm_inner"),
    C(lambda lib: lib.bmm(_t(lib, 2, 3, 4), _t(lib, 3, 4, 6)), ("batch2", "[3, 4]"),
      id="bmm_batch"),
    C(lambda lib: lib.bmm(_t(lib, 3, 4), _t(lib, 4, 6)), ("batch1 must be a 3D tensor",),
      id="bmm_2d"),
    C(lambda lib: lib.mv(_t(lib, 2, 3), _t(lib, 4)), ("size mismatch", "vec (4)"), id="mv"),
    C(lambda lib: lib.mv(_t(lib, 2, 3), _t(lib, 3, 1)), ("matrix @ vector expected",),
      id="mv_2d_vec"),
    C(lambda lib: lib.dot(_t(lib, 3), _t(lib, 4)), ("inconsistent tensor size",), id="dot"),
    C(lambda lib: lib.dot(_t(lib, 3, 1), _t(lib, 3, 1)), ("1D tensors expected",), id="dot_2d"),
    C(lambda lib: lib.matmul(_t(lib, 3), _t(lib, 4)), ("inconsistent tensor size",),
      id="matmul_1d"),
    C(lambda lib: lib.matmul(_t(lib, 2, 3, 4), _t(lib, 3, 4, 5)), (BCAST,), id="matmul_batch"),
    C(lambda lib: lib.matmul(lib.tensor(1.0), _t(lib, 3)), ("at least 1D",), id="matmul_0d"),
    C(lambda lib: lib.addmm(_t(lib, 2, 2), _t(lib, 2, 3), _t(lib, 4, 2)),
      ("cannot be multiplied",), id="addmm"),
    # ---- out-of-range dims ----
    C(lambda lib: _t(lib, 2, 3).sum(2), (DIM, "[-2, 1]", "got 2"), id="sum"),
    C(lambda lib: _t(lib, 2, 3).sum(-3), (DIM, "got -3"), id="sum_neg"),
    C(lambda lib: lib.mean(_t(lib, 2, 3), dim=5), (DIM, "got 5"), id="mean"),
    C(lambda lib: _t(lib, 2, 3).sum((0, 0)), ("appears multiple times",), id="sum_dup_dims"),
    C(lambda lib: _t(lib, 2, 3).prod(3), (DIM,), id="prod"),
    C(lambda lib: _t(lib, 2, 3).amax(2), (DIM,), id="amax"),
    C(lambda lib: _t(lib, 2, 3).max(dim=2), (DIM,), id="max_dim"),
    C(lambda lib: _t(lib, 2, 3).argmax(dim=2), (DIM,), id="argmax"),
    C(lambda lib: _t(lib, 2, 3).std(dim=2), (DIM,), id="std"),
    C(lambda lib: _t(lib, 2, 3).cumsum(2), (DIM,), id="cumsum"),
    C(lambda lib: lib.sort(_t(lib, 2, 3), dim=2), (DIM,), id="sort"),
    C(lambda lib: lib.tensor(1.0).sum(1), (DIM, "[-1, 0]"), id="sum_0d"),
    C(lambda lib: _t(lib, 2, 3).transpose(0, 2), (DIM,), id="transpose"),
    C(lambda lib: _t(lib, 2, 3).permute(0, 2), (DIM,), id="permute"),
    C(lambda lib: _t(lib, 2, 3).permute(0), ("does not match the length",), id="permute_len"),
    C(lambda lib: _t(lib, 2, 3).permute(0, 0), ("duplicate dims",), id="permute_dup"),
    C(lambda lib: _t(lib, 2, 3).squeeze(2), (DIM,), id="squeeze"),
    C(lambda lib: _t(lib, 2, 3).unsqueeze(3), (DIM, "[-3, 2]"), id="unsqueeze"),
    C(lambda lib: _t(lib, 2, 3).unsqueeze(-4), (DIM, "got -4"), id="unsqueeze_neg"),
    C(lambda lib: _t(lib, 2, 3).select(2, 0), (DIM,), id="select_dim"),
    C(lambda lib: _t(lib, 2, 3).select(1, 3), ("index 3 out of range",), id="select_index"),
    C(lambda lib: _t(lib, 2, 3).narrow(2, 0, 1), (DIM,), id="narrow_dim"),
    C(lambda lib: _t(lib, 2, 3).narrow(1, 1, 3), ("exceeds dimension size",), id="narrow_len"),
    C(lambda lib: _t(lib, 2, 3).flatten(0, 2), (DIM,), id="flatten_dim"),
    C(lambda lib: _t(lib, 2, 3, 4).flatten(2, 1), ("start_dim cannot come after end_dim",),
      id="flatten_order"),
    C(lambda lib: lib.cat([_t(lib, 2, 3), _t(lib, 2, 3)], dim=2), (DIM,), id="cat_dim"),
    C(lambda lib: lib.stack([_t(lib, 2, 3), _t(lib, 2, 3)], dim=3), (DIM, "[-3, 2]"),
      id="stack_dim"),
    C(lambda lib: _t(lib, 2, 3).chunk(2, dim=2), (DIM,), id="chunk"),
    C(lambda lib: _t(lib, 2, 3).split(1, dim=2), (DIM,), id="split"),
    C(lambda lib: _t(lib, 2, 3).size(2), (DIM,), id="size"),
    C(lambda lib: lib.movedim(_t(lib, 2, 3), 0, 2), (DIM,), id="movedim"),
    C(lambda lib: lib.flip(_t(lib, 2, 3), (2,)), (DIM,), id="flip"),
    # ---- empty / impossible reductions ----
    C(lambda lib: lib.arange(3).mean(), ("floating point", "Long"), id="mean_int"),
    C(lambda lib: _t(lib, 0).max(), ("numel() == 0",), id="max_empty"),
    C(lambda lib: _t(lib, 0).argmax(), ("numel() == 0",), id="argmax_empty"),
    C(lambda lib: lib.topk(_t(lib, 3), 4), ("k out of range",), id="topk_k"),
    # ---- indices ----
    C(lambda lib: _t(lib, 3)[5], ("index 5 is out of bounds", "size 3"), id="getitem"),
    C(lambda lib: _t(lib, 3)[-4], ("index -4 is out of bounds",), id="getitem_neg"),
    C(lambda lib: _t(lib, 2, 3)[:, 3], ("out of bounds for dimension 1",), id="getitem_dim1"),
    C(lambda lib: _t(lib, 3)[0, 0], ("too many indices",), id="getitem_too_many"),
    C(lambda lib: _t(lib, 3)[1.5], ("are valid indices",), id="getitem_float"),
    C(lambda lib: _t(lib, 3)[lib.tensor([0.0, 1.0])],
      ("tensors used as indices must be long",), id="getitem_float_tensor"),
    C(lambda lib: _t(lib, 3)[_i(lib, [0, 3])], ("index 3 is out of bounds",),
      id="getitem_tensor"),
    C(lambda lib: _t(lib, 3)[lib.tensor([True, False])], ("shape of the mask [2]",),
      id="getitem_mask_shape"),
    C(lambda lib: _t(lib, 3).__setitem__(3, 1.0), ("out of bounds",), id="setitem"),
    C(lambda lib: _t(lib, 3).__setitem__(slice(None), _t(lib, 2)),
      ("must match the existing size",), id="setitem_shape"),
    C(lambda lib: lib.gather(_t(lib, 2, 3), 1, _i(lib, [[0, 3], [1, 1]])),
      ("index 3 is out of bounds for dimension 1",), id="gather"),
    C(lambda lib: lib.gather(_t(lib, 2, 3), 1, lib.tensor([[0.0], [1.0]])),
      ("gather(): Expected dtype int32/int64 for index",), id="gather_float_index"),
    C(lambda lib: lib.gather(_t(lib, 2, 3), 2, _i(lib, [[0], [1]])), (DIM,), id="gather_dim"),
    C(lambda lib: lib.gather(_t(lib, 2, 3), 1, _i(lib, [0, 1])),
      ("same number of dimensions",), id="gather_ndim"),
    C(lambda lib: lib.index_select(_t(lib, 2, 3), 1, _i(lib, [0, 5])), ("out of",),
      id="index_select"),
    C(lambda lib: lib.index_select(_t(lib, 2, 3), 1, lib.tensor([0.0])),
      ("Expected dtype int32 or int64 for index",), id="index_select_float"),
    C(lambda lib: lib.index_select(_t(lib, 2, 3), 1, _i(lib, [[0]])), ("vector",),
      id="index_select_2d"),
    C(lambda lib: _t(lib, 2, 3).scatter(1, _i(lib, [[3]]), 1.0), ("out of bounds",),
      id="scatter"),
    C(lambda lib: _t(lib, 3).index_add_(0, _i(lib, [5]), _t(lib, 1)), ("out of range",),
      id="index_add"),
    C(lambda lib: _t(lib, 3, 2).index_add(0, _i(lib, [5]), _t(lib, 1, 2)),
      ("index 5 is out of bounds for dimension 0",), id="index_add_2d"),
    C(lambda lib: _t(lib, 3, 2).index_add(0, _i(lib, [-1]), _t(lib, 1, 2)),
      ("index -1 is out of bounds",), id="index_add_2d_neg"),
    # ---- dtypes ----
    C(lambda lib: lib.mm(_t(lib, 2, 3), _t(lib, 3, 2, dtype=lib.float64)),
      ("same dtype", "float != double"), id="mm_dtype"),
    C(lambda lib: _t(lib, 2, 3) @ _t(lib, 3, 2, dtype=lib.float64), ("same dtype",),
      id="matmul_dtype"),
    C(lambda lib: lib.dot(_t(lib, 3), _t(lib, 3, dtype=lib.float64)), ("same dtype",),
      id="dot_dtype"),
    C(lambda lib: lib.ones(3, dtype=lib.int64, requires_grad=True), ("floating point",),
      id="ones_int_requires_grad"),
    C(lambda lib: lib.arange(3).requires_grad_(), ("floating point",), id="requires_grad_int"),
    C(lambda lib: lib.tensor([1, 2], requires_grad=True), ("floating point",),
      id="tensor_int_requires_grad"),
    C(lambda lib: _t(lib, 3) & _t(lib, 3), ("bitwise_and", "Float"), id="and_float"),
    C(lambda lib: ~_t(lib, 3), ("integer and Boolean",), id="invert_float"),
    C(lambda lib: lib.bitwise_xor(_t(lib, 3), 1), ("bitwise_xor", "Float"), id="xor_float"),
    C(lambda lib: _t(lib, 3) << 1, ("lshift", "Float"), id="lshift_float"),
    C(lambda lib: lib.ones(3, dtype=lib.int64).add_(1.5), (CAST, "Float", "Long"),
      id="add_inplace_int"),
    C(lambda lib: lib.ones(3, dtype=lib.int64).mul_(_t(lib, 3)), (CAST,), id="mul_inplace_int"),
    C(lambda lib: lib.ones(3, dtype=lib.int64).div_(2), (CAST,), id="div_inplace_int"),
    C(lambda lib: lib.arange(3).exp_(), (CAST,), id="exp_inplace_int"),
    C(lambda lib: lib.add(_t(lib, 3), 1, out=lib.ones(3, dtype=lib.int64)), (CAST,),
      id="add_out_int"),
    C(lambda lib: lib.ones(3, dtype=lib.bool).sub_(1), ("with a bool tensor",),
      id="sub_inplace_bool"),
    C(lambda lib: lib.ones(3, dtype=lib.bool) - lib.ones(3, dtype=lib.bool),
      ("with two bool tensors",), id="sub_bool"),
    C(lambda lib: -lib.ones(3, dtype=lib.bool), ("on a bool tensor",), id="neg_bool"),
    C(lambda lib: lib.where(_t(lib, 3), _t(lib, 3), _t(lib, 3)),
      ("condition to be a boolean tensor",), id="where_float_cond"),
    C(lambda lib: _t(lib, 3).masked_fill(_t(lib, 3), 0.0), ("only supports boolean masks",),
      id="masked_fill_float_mask"),
    C(lambda lib: lib.arange(3) // 0, ("ZeroDivisionError",), id="floordiv_int_zero"),
    C(lambda lib: lib.arange(3) % 0, ("ZeroDivisionError",), id="remainder_int_zero"),
    C(lambda lib: lib.arange(1, 3) ** -1, ("negative integer powers",), id="pow_int_neg"),
    # ---- wrong arguments: shapes and sizes ----
    C(lambda lib: _t(lib, 2, 3).view(4, 2), ("shape '[4, 2]' is invalid for input of size 6",),
      id="view"),
    C(lambda lib: _t(lib, 2, 3).view(-1, -1), ("only one dimension can be inferred",),
      id="view_two_infer"),
    C(lambda lib: _t(lib, 2, 3).t().view(6), ("view size is not compatible", ".reshape("),
      id="view_noncontiguous"),
    C(lambda lib: _t(lib, 3).view(-2), ("invalid shape dimension -2",), id="view_neg"),
    C(lambda lib: _t(lib, 2, 3).reshape(5), ("is invalid for input of size 6",), id="reshape"),
    C(lambda lib: _t(lib, 2, 3).reshape(-1, 4), ("shape '[-1, 4]' is invalid",),
      id="reshape_infer"),
    C(lambda lib: _t(lib, 2, 3).expand(2, 4), ("must match the existing size (3)",),
      id="expand"),
    C(lambda lib: _t(lib, 2, 3).expand(3), ("number of sizes provided (1)",), id="expand_fewer"),
    C(lambda lib: _t(lib, 3).expand(-1, 3), ("isn't allowed in a leading, non-existing",),
      id="expand_new_neg"),
    C(lambda lib: _t(lib, 2, 3).repeat(2), ("can not be smaller",), id="repeat_fewer"),
    C(lambda lib: lib.arange(0, 5, 0), ("step must be nonzero",), id="arange_step0"),
    C(lambda lib: lib.arange(0, 5, -1),
      ("upper bound and lower bound inconsistent with step sign",), id="arange_sign"),
    C(lambda lib: lib.zeros(-1), ("negative",), id="zeros_neg"),
    C(lambda lib: lib.ones(2, -3), (NEG, "-3"), id="ones_neg"),
    C(lambda lib: lib.empty(-2), (NEG, "-2"), id="empty_neg"),
    C(lambda lib: lib.full((-1,), 1.0), (NEG,), id="full_neg"),
    C(lambda lib: lib.randn(-1), (NEG,), id="randn_neg"),
    C(lambda lib: lib.linspace(0, 1, -1), ("number of steps must be non-negative",),
      id="linspace_neg"),
    C(lambda lib: lib.eye(-1), ("-1",), id="eye_neg"),
    C(lambda lib: lib.randint(5, 2, (3,)), ("from=5 >= to=2",), id="randint_range"),
    C(lambda lib: lib.multinomial(lib.tensor([1.0, -1.0]), 1), ("element < 0",),
      id="multinomial_neg"),
    # ---- wrong arguments: data and conversions ----
    C(lambda lib: lib.tensor([[1, 2], [3]]), ("sequence",), id="tensor_ragged"),
    C(lambda lib: lib.tensor("abc"), ("str",), id="tensor_str"),
    C(lambda lib: lib.tensor([1, None]), ("Could not infer dtype of NoneType",),
      id="tensor_none"),
    C(lambda lib: _t(lib, 3).item(), ("a Tensor with 3 elements cannot be converted to Scalar",),
      id="item"),
    C(lambda lib: bool(_t(lib, 3)), ("with more than one value is ambiguous",), id="bool"),
    C(lambda lib: 1 if _t(lib, 2) else 0, ("ambiguous",), id="if"),
    C(lambda lib: int(_t(lib, 3)), ("only one element tensors",), id="int"),
    C(lambda lib: float(_t(lib, 3)), ("only one element tensors",), id="float"),
    C(lambda lib: len(lib.tensor(1.0)), ("len() of a 0-d tensor",), id="len_0d"),
    C(lambda lib: iter(lib.tensor(1.0)), ("iteration over a 0-d tensor",), id="iter_0d"),
    C(lambda lib: lib.ones(3, dtype="float32"), ("dtype",), id="dtype_str"),
    C(lambda lib: lib.div(_t(lib, 3), 2, rounding_mode="round"), ("rounding_mode", "'round'"),
      id="div_rounding_mode"),
    C(lambda lib: lib.add(_t(lib, 3), [1, 2, 3]), ("must be Tensor, not list",), id="add_list"),
    C(lambda lib: _t(lib, 3) + "a", ("str",), id="add_str"),
    C(lambda lib: lib.add(_t(lib, 3)), ("add()",), id="add_missing_arg"),
    C(lambda lib: _t(lib, 3).reshape("3"), ("reshape()", "str"), id="reshape_str"),
    # ---- unknown keyword arguments ----
    C(lambda lib: lib.sum(_t(lib, 3), axiss=0), ("axiss",), id="kw_sum"),
    C(lambda lib: _t(lib, 3).sum(foo=1), ("foo",), id="kw_Tensor.sum"),
    C(lambda lib: lib.add(_t(lib, 3), 1, beta=2), ("unexpected keyword argument 'beta'",),
      id="kw_add"),
    C(lambda lib: lib.zeros(3, shape=2), ("unexpected keyword argument 'shape'",),
      id="kw_zeros"),
    C(lambda lib: lib.ones(3, bogus=True), ("unexpected keyword argument 'bogus'",),
      id="kw_ones"),
    C(lambda lib: lib.cat([_t(lib, 3)], axis0=0), ("unexpected keyword argument 'axis0'",),
      id="kw_cat"),
    C(lambda lib: _t(lib, 3).reshape(3, foo=1), ("unexpected keyword argument 'foo'",),
      id="kw_reshape"),
    C(lambda lib: lib.matmul(_t(lib, 2, 2), _t(lib, 2, 2), alpha=1),
      ("unexpected keyword argument 'alpha'",), id="kw_matmul"),
    C(lambda lib: _t(lib, 3, rg=True).sum().backward(foo=1),
      ("unexpected keyword argument 'foo'",), id="kw_backward"),
    # ---- autograd ----
    C(_backward_twice, ("Trying to backward through the graph a second time",
                        "retain_graph=True"), id="backward_twice"),
    C(_grad_twice, ("Trying to backward through the graph a second time",), id="grad_twice"),
    C(_backward_nonscalar, ("grad can be implicitly created only for scalar outputs",),
      id="backward_nonscalar"),
    C(_grad_nonscalar, ("grad can be implicitly created only for scalar outputs",),
      id="grad_nonscalar"),
    C(_backward_no_grad, ("does not require grad and does not have a grad_fn",),
      id="backward_no_grad"),
    C(_grad_not_requiring, ("does not require grad",), id="grad_not_requiring"),
    C(_grad_unused, ("appears to not have been used in the graph", "allow_unused=True"),
      id="grad_unused"),
    C(_bad_grad_shape, ("Mismatch in shape",), id="backward_grad_shape"),
    C(_inplace_leaf, ("a leaf Variable that requires grad is being used in an in-place",),
      id="inplace_leaf"),
    C(_inplace_leaf_zero, ("a leaf Variable that requires grad",), id="inplace_leaf_zero"),
    C(_inplace_leaf_setitem, ("a view of a leaf Variable that requires grad",),
      id="inplace_leaf_setitem"),
    C(_saved_input_modified, ("modified by an inplace operation",), id="saved_input_modified"),
    C(_saved_output_modified, ("modified by an inplace operation",),
      id="saved_output_modified"),
    C(_saved_view_modified, ("modified by an inplace operation",), id="saved_view_modified"),
    C(_requires_grad_nonleaf, ("only change requires_grad flags of leaf variables",),
      id="requires_grad_nonleaf"),
    C(lambda lib: _t(lib, 3, rg=True).numpy(), ("Use tensor.detach().numpy() instead",),
      id="numpy_requires_grad"),
    C(lambda lib: (_t(lib, 3, rg=True) * 2).numpy(), ("Use tensor.detach().numpy() instead",),
      id="numpy_nonleaf"),
    # ---- devices ----
    C(lambda lib: lib.device("gpu"), ("gpu",), id="device_gpu"),
    C(lambda lib: lib.device("cuda:x"), ("Invalid device string: 'cuda:x'",), id="device_cuda_x"),
    C(lambda lib: lib.device("cuda:-1"), ("Invalid device string: 'cuda:-1'",),
      id="device_cuda_neg"),
    C(lambda lib: lib.ones(3, device="gpu"), ("gpu",), id="ones_device_gpu"),
    C(lambda lib: _t(lib, 3).to("tpu0"), ("tpu0",), id="to_device_bad"),
    C(lambda lib: _t(lib, 3).to("float32"), ("float32",), id="to_dtype_str"),
]


def _raised(case, lib):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            case(lib)
        except Exception as e:  # noqa: BLE001 - any exception is the outcome under test
            return e
    return None


@pytest.mark.parametrize("case, facts", CASES)
def test_error_matches_torch(case, facts):
    t = _raised(case, torch)
    assert t is not None, "table error: torch does not raise"
    for fact in facts:
        assert fact in str(t), f"table error: {fact!r} not in torch's message {str(t)!r}"
    e = _raised(case, ember)
    assert e is not None, f"ember does not raise; torch raises {type(t).__name__}: {t}"
    assert type(e).__name__ == type(t).__name__, (
        f"ember raises {type(e).__name__}: {e}\ntorch raises {type(t).__name__}: {t}")
    category = next(c for c in CATEGORIES if isinstance(t, c))
    assert isinstance(e, category), f"{type(e)} is not a {category.__name__}"
    msg = str(e)
    assert msg.strip(), "ember's message is empty"
    missing = [f for f in facts if f not in msg]
    assert not missing, f"ember's message {msg!r} lacks {missing}; torch says {str(t)!r}"
