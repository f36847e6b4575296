"""nn.MultiheadAttention (torch's parameters, initialisation and numerics).

Example:
    >>> import ember
    >>> mha = ember.nn.MultiheadAttention(16, 4, batch_first=True)
    >>> x = ember.randn(2, 5, 16)
    >>> out, weights = mha(x, x, x)
    >>> out.shape, weights.shape
    (torch.Size([2, 5, 16]), torch.Size([2, 5, 5]))
"""
from ... import ops
from ...autograd.grad_mode import is_grad_enabled
from ..functional import attention as _fa
from ..parameter import Parameter
from .linear import Linear
from .module import Module

__all__ = ["MultiheadAttention"]


class NonDynamicallyQuantizableLinear(Linear):
    """A Linear under another name (torch uses the name to keep MHA's out_proj unquantized)."""

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__(in_features, out_features, bias=bias, device=device, dtype=dtype)


class MultiheadAttention(Module):
    """Attention with ``num_heads`` heads: ``out_proj(concat(head_1, ..., head_h))`` where
    ``head_i = softmax(q_i k_i^T / sqrt(head_dim) + mask) v_i`` on projected q, k, v.

    ``MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
    add_zero_attn=False, kdim=None, vdim=None, batch_first=False)``.
    ``forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
    average_attn_weights=True, is_causal=False)`` returns ``(attn_output, attn_weights)``;
    bool masks mark positions that may NOT be attended (True = masked).

    Example:
        >>> import ember
        >>> mha = ember.nn.MultiheadAttention(8, 2)
        >>> q = ember.randn(3, 1, 8); kv = ember.randn(4, 1, 8)   # (L, N, E)
        >>> out, w = mha(q, kv, kv)
        >>> w.shape
        torch.Size([1, 3, 4])
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
                 add_zero_attn=False, kdim=None, vdim=None, batch_first=False, device=None,
                 dtype=None):
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got "
                             f"embed_dim={embed_dim} and num_heads={num_heads} instead")
        kw = {"device": device, "dtype": dtype}
        empty = ops.creation.empty
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != self.embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = Parameter(empty((embed_dim, embed_dim), **kw))
            self.k_proj_weight = Parameter(empty((embed_dim, self.kdim), **kw))
            self.v_proj_weight = Parameter(empty((embed_dim, self.vdim), **kw))
            self.register_parameter("in_proj_weight", None)
        else:
            self.in_proj_weight = Parameter(empty((3 * embed_dim, embed_dim), **kw))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(empty(3 * embed_dim, **kw))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **kw)
        if add_bias_kv:
            self.bias_k = Parameter(empty((1, 1, embed_dim), **kw))
            self.bias_v = Parameter(empty((1, 1, embed_dim), **kw))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        from .. import init
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True,
                attn_mask=None, average_attn_weights=True, is_causal=False):
        fused = self._torch_fast_path(query, key, value, key_padding_mask, attn_mask)
        return self._attend(query, key, value, key_padding_mask, need_weights, attn_mask,
                            average_attn_weights, is_causal, fused)

    def _attend(self, query, key, value, key_padding_mask, need_weights, attn_mask,
                average_attn_weights, is_causal, fused):
        """forward's work; ``fused``: give what torch's fused inference kernels return."""
        is_batched = query.dim() == 3
        key_padding_mask = _fa._canonical_mask(key_padding_mask, "key_padding_mask",
                                               _fa._none_or_dtype(attn_mask), "attn_mask",
                                               query.dtype)
        attn_mask = _fa._canonical_mask(attn_mask, "attn_mask", None, "", query.dtype,
                                        check_other=False)
        if self.batch_first and is_batched:
            # keep the identity of shared inputs: self-attention projects q, k, v in one GEMM
            if key is value:
                if query is key:
                    query = key = value = query.transpose(1, 0)
                else:
                    query, key = (x.transpose(1, 0) for x in (query, key))
                    value = key
            else:
                query, key, value = (x.transpose(1, 0) for x in (query, key, value))
        separate = not self._qkv_same_embed_dim
        returns_weights = need_weights
        if fused:
            # torch's fused kernel: is_causal is ignored (only the masks count) and a query
            # that may attend nothing gives NaN (softmax of all -inf), as with need_weights
            need_weights, is_causal = True, False
        out, weights = _fa.multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight,
            self.in_proj_bias, self.bias_k, self.bias_v, self.add_zero_attn, self.dropout,
            self.out_proj.weight, self.out_proj.bias, training=self.training,
            key_padding_mask=key_padding_mask, need_weights=need_weights, attn_mask=attn_mask,
            use_separate_proj_weight=separate, q_proj_weight=self.q_proj_weight,
            k_proj_weight=self.k_proj_weight, v_proj_weight=self.v_proj_weight,
            average_attn_weights=average_attn_weights, is_causal=is_causal)
        if self.batch_first and is_batched:
            out = out.transpose(1, 0)
        return out, (weights if returns_weights else None)

    def _torch_fast_path(self, query, key, value, key_padding_mask, attn_mask):
        """Whether torch would run its fused inference kernel (``_native_multi_head_attention``)
        for this call: its results differ from the regular path in two corner cases."""
        if (attn_mask is not None and attn_mask.is_floating_point()) or \
                (key_padding_mask is not None and key_padding_mask.is_floating_point()):
            return False
        if query.dim() != 3 or query is not key or key is not value or self.training \
                or self.in_proj_bias is None or self.in_proj_weight is None \
                or query.dtype != self.in_proj_weight.dtype \
                or query.dtype != self.in_proj_bias.dtype or self.num_heads % 2 \
                or not self.batch_first or self.bias_k is not None or self.bias_v is not None \
                or self.add_zero_attn:
            return False
        if is_grad_enabled():
            args = (query, self.in_proj_weight, self.in_proj_bias, self.out_proj.weight,
                    self.out_proj.bias)
            return not any(a is not None and a.requires_grad for a in args)
        return True

    def merge_masks(self, attn_mask, key_padding_mask, query):
        """Combine a (L, L) or (N * heads, L, L) attn_mask and an (N, L) key_padding_mask into
        one (N, heads, L, L) mask; returns (mask, mask_type) with type 0, 1 or 2 as torch."""
        mask_type, merged = None, None
        if key_padding_mask is not None:
            mask_type, merged = 1, key_padding_mask
        if attn_mask is not None:
            batch_size, seq_len, _ = query.shape
            mask_type = 2
            if attn_mask.dim() == 3:
                a = attn_mask.reshape(batch_size, -1, seq_len, seq_len)
            else:
                a = attn_mask.reshape(1, 1, seq_len, seq_len) \
                    .expand(batch_size, self.num_heads, -1, -1)
            merged = a
            if key_padding_mask is not None:
                merged = a + key_padding_mask.reshape(batch_size, 1, 1, seq_len) \
                    .expand(-1, self.num_heads, -1, -1)
        return merged, mask_type
