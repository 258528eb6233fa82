"""SASRec's torch module: a causal transformer over item, position, event and time-gap embeddings.

The input at each position is the item's vector plus a learned position, the event type
(view / add_to_cart / purchase) and the bucketised log time gap since the previous
interaction. A causal transformer reads the last ``max_len`` items; the hidden state at
each position scores the next item by a dot product with the SAME item vectors used at the
input (tied embeddings).

Item vectors are ``id embedding + content embedding`` (category, brand, price band, hashed
title tokens). Items without training interactions drop the id part (``warm`` is False for
them), so a new product's vector is its content vector and lands next to similar products;
during training the id part is also dropped at random (``id_dropout``) so that the content
part learns to stand alone. With ``item_age`` each item's score also gets a term for its age
at the moment the history is read (:meth:`SASRecNetwork.age_logits`): what makes a new product
sell before anyone has bought it is mostly that it is new.

Shapes: ``B`` batch, ``L`` positions (left-padded, the newest item last), ``D`` hidden size,
``N`` = n_items + 1 (row 0 is padding).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from personalization.recsys.content import ItemContent
from personalization.recsys.models.sasrec.config import SASRecConfig


class SASRecNetwork(nn.Module):
    def __init__(self, n_items: int, n_events: int, config: SASRecConfig, content: ItemContent | None) -> None:
        super().__init__()
        d = config.hidden
        self.config = config
        self.item_embedding = nn.Embedding(n_items + 1, d, padding_idx=0)
        self.position_embedding = nn.Embedding(config.max_len, d)
        self.event_embedding = nn.Embedding(n_events + 1, d, padding_idx=0)
        self.gap_embedding = nn.Embedding(config.time_buckets + 2, d, padding_idx=0)
        self.register_buffer("warm", torch.ones(n_items + 1, dtype=torch.bool))
        self.content = ContentEmbedding(content, d) if content is not None else None
        self.input_norm = nn.LayerNorm(d)
        self.input_dropout = FastDropout(config.dropout)
        self.blocks = nn.ModuleList(
            CausalBlock(d, config.heads, config.dropout, config.attention_dropout) for _ in range(config.layers)
        )
        self.output_norm = nn.LayerNorm(d)
        self.transition = nn.Embedding(n_items + 1, d, padding_idx=0) if config.transition_bias else None
        # Per age bucket a vector (dotted with the hidden state) and a bias in its last column.
        with_age = bool(config.item_age) and content is not None and content.released is not None
        self.age = nn.Embedding(config.age_buckets, d + 1, padding_idx=0) if with_age else None
        self.apply(_init_weights)
        if self.transition is not None:
            nn.init.zeros_(self.transition.weight)  # starts as plain SASRec, learns only what pays
        if self.age is not None:
            nn.init.zeros_(self.age.weight)

    def item_vectors(self, rows: torch.Tensor | None = None) -> torch.Tensor:
        """``[N, D]`` fused item vectors; row 0 is zero. Given item indices ``rows`` ``[R]``: theirs alone,
        ``[R, D]`` (what sampled softmax needs of a large catalogue, without computing every item's)."""
        if rows is None:
            ids = self.item_embedding.weight
            if self.content is None:
                return ids
            keep = self.warm
            if self.training and self.config.id_dropout > 0:
                keep = keep & (torch.rand(keep.shape, device=keep.device) >= self.config.id_dropout)
            vectors = ids * keep.unsqueeze(1).to(ids.dtype) + self.content()
            return torch.cat([torch.zeros_like(vectors[:1]), vectors[1:]])
        ids = self.item_embedding(rows)
        if self.content is not None:
            keep = self.warm[rows]
            if self.training and self.config.id_dropout > 0:
                keep = keep & (torch.rand(keep.shape, device=keep.device) >= self.config.id_dropout)
            ids = ids * keep.unsqueeze(1).to(ids.dtype) + self.content(rows)
        return ids * (rows > 0).unsqueeze(1).to(ids.dtype)

    def encode(
        self,
        items: torch.Tensor,
        events: torch.Tensor,
        gaps: torch.Tensor,
        item_vectors: torch.Tensor | None,
        *,
        input_vectors: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Hidden states ``[B, L, D]`` from items, events and gap buckets ``[B, L]`` (0 = padding).

        The items' vectors are looked up in ``item_vectors`` ``[N, D]``, or given as ``input_vectors`` ``[B, L, D]``.
        """
        length = items.shape[1]
        positions = torch.arange(self.config.max_len - length, self.config.max_len, device=items.device)
        x = (item_vectors[items] if input_vectors is None else input_vectors) + self.position_embedding(
            positions
        ).unsqueeze(0)
        if self.config.use_event_types:
            x = x + self.event_embedding(events)
        if self.config.use_time_gaps:
            x = x + self.gap_embedding(gaps)
        valid = items > 0
        x = self.input_dropout(self.input_norm(x)) * valid.unsqueeze(-1)
        causal = torch.ones(length, length, dtype=torch.bool, device=items.device).tril()
        # Padding keys are hidden; every query may see itself so no attention row is empty.
        mask = (causal & valid.unsqueeze(1)) | torch.eye(length, dtype=torch.bool, device=items.device)
        mask = mask.unsqueeze(1)
        for block in self.blocks:
            x = block(x, mask) * valid.unsqueeze(-1)
        x = self.output_norm(x)
        if self.transition is not None:
            x = x + self.transition(items)
        return x

    def age_logits(self, hidden: torch.Tensor, now: torch.Tensor, candidates: torch.Tensor) -> torch.Tensor:
        """``[P, C]`` age terms of candidates ``[C]`` or ``[P, C]`` (item indices) for hidden states ``[P, D]``
        read at epoch seconds ``now`` ``[P]`` (NaN unknown); zero without ``item_age``."""
        if self.age is None or self.content is None:
            shape = (hidden.shape[0], candidates.shape[-1])
            return torch.zeros(shape, dtype=hidden.dtype, device=hidden.device)
        # Seconds from one reference time in float32: half the memory traffic over [P, C], still to the second.
        finite = now[torch.isfinite(now)]
        reference = finite[0] if len(finite) else now.new_zeros(())
        released = (self.content.released[candidates] - reference).float()
        buckets = age_buckets((now - reference).float().unsqueeze(1) - released, self.config.age_buckets)
        table = self.age.weight
        per_bucket = hidden @ table[:, :-1].T.to(hidden.dtype) + table[:, -1].to(hidden.dtype)  # [P, K]
        return per_bucket.gather(1, buckets)


def age_buckets(age: torch.Tensor, n_buckets: int) -> torch.Tensor:
    """Bucket ids of ages in seconds: 0 unknown (NaN), 1 negative (not on sale yet), else 2 + floor(log2(1 + hours)).

    One binary search per age (``bucketize``) rather than a log per age: it runs over every item at every
    predicted position in training.
    """
    edges = 3600.0 * (2.0 ** torch.arange(n_buckets - 2, dtype=age.dtype, device=age.device) - 1.0)
    buckets = torch.bucketize(age, edges, right=True).add_(1).clamp_(max=n_buckets - 1)
    return buckets.masked_fill_(torch.isnan(age), 0)


class CausalBlock(nn.Module):
    """Pre-norm transformer block; ``mask`` is ``[B, 1, L, L]`` with True = may attend."""

    def __init__(self, d: int, heads: int, dropout: float, attention_dropout: float) -> None:
        super().__init__()
        self.heads = heads
        self.attention_dropout = attention_dropout
        self.attn_norm = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.ffn_norm = nn.LayerNorm(d)
        self.ffn = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
        self.residual_dropout = FastDropout(dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """``[B, L, D]`` in, ``[B, L, D]`` out."""
        b, length, d = x.shape
        q, k, v = self.qkv(self.attn_norm(x)).view(b, length, 3, self.heads, d // self.heads).unbind(2)
        attended = F.scaled_dot_product_attention(
            q.transpose(1, 2),
            k.transpose(1, 2),
            v.transpose(1, 2),
            attn_mask=mask,
            dropout_p=self.attention_dropout if self.training else 0.0,
        )
        x = x + self.residual_dropout(self.out(attended.transpose(1, 2).reshape(b, length, d)))
        return x + self.residual_dropout(self.ffn(self.ffn_norm(x)))


class FastDropout(nn.Module):
    """Inverted dropout from ``rand_like``; on CPU it is several times faster than ``nn.Dropout``."""

    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        keep = (torch.rand_like(x) >= self.p).to(x.dtype)
        return x * keep * (1.0 / (1.0 - self.p))


class ContentEmbedding(nn.Module):
    """``[N, D]`` sum of category, brand, price-band and mean title-token embeddings per item."""

    def __init__(self, content: ItemContent, d: int) -> None:
        super().__init__()
        self.register_buffer("category", torch.from_numpy(content.category))
        self.register_buffer("brand", torch.from_numpy(content.brand))
        self.register_buffer("price_band", torch.from_numpy(content.price_band))
        self.register_buffer("title_offsets", torch.from_numpy(content.title_offsets))
        self.register_buffer("title_tokens", torch.from_numpy(content.title_tokens))
        self.category_embedding = nn.Embedding(content.n_categories + 1, d, padding_idx=0)
        self.brand_embedding = nn.Embedding(content.n_brands + 1, d, padding_idx=0)
        self.price_embedding = nn.Embedding(content.n_price_bands + 1, d, padding_idx=0)
        self.title_embedding = nn.EmbeddingBag(content.n_title_buckets + 1, d, mode="mean")
        self.released: torch.Tensor | None
        if content.released is not None:
            self.register_buffer("released", torch.from_numpy(np.asarray(content.released, dtype=np.float64)))
        else:
            self.released = None

    def forward(self, rows: torch.Tensor | None = None) -> torch.Tensor:
        """``[N, D]``, or ``[R, D]`` of the item indices ``rows``."""
        if rows is None:
            title = self.title_embedding(self.title_tokens, self.title_offsets)
            return (
                self.category_embedding(self.category)
                + self.brand_embedding(self.brand)
                + self.price_embedding(self.price_band)
                + title
            )
        # The rows' title tokens, bag after bag: each bag runs from its offset to the next one's.
        ends = torch.cat([self.title_offsets[1:], self.title_offsets.new_tensor([len(self.title_tokens)])])
        starts, lengths = self.title_offsets[rows], ends[rows] - self.title_offsets[rows]
        offsets = torch.cumsum(lengths, 0) - lengths
        within = torch.arange(int(lengths.sum()), device=rows.device) - torch.repeat_interleave(offsets, lengths)
        tokens = self.title_tokens[torch.repeat_interleave(starts, lengths) + within]
        return (
            self.category_embedding(self.category[rows])
            + self.brand_embedding(self.brand[rows])
            + self.price_embedding(self.price_band[rows])
            + self.title_embedding(tokens, offsets)
        )


def content_from_state(weights: dict[str, torch.Tensor]) -> ItemContent | None:
    """The item content a saved network was built with (its buffers and table sizes); None without content."""
    if "content.category" not in weights:
        return None
    return ItemContent(
        category=weights["content.category"].numpy(),
        brand=weights["content.brand"].numpy(),
        price_band=weights["content.price_band"].numpy(),
        title_offsets=weights["content.title_offsets"].numpy(),
        title_tokens=weights["content.title_tokens"].numpy(),
        n_categories=weights["content.category_embedding.weight"].shape[0] - 1,
        n_brands=weights["content.brand_embedding.weight"].shape[0] - 1,
        n_price_bands=weights["content.price_embedding.weight"].shape[0] - 1,
        n_title_buckets=weights["content.title_embedding.weight"].shape[0] - 1,
        released=weights["content.released"].numpy() if "content.released" in weights else None,
    )


def _init_weights(module: nn.Module) -> None:
    if isinstance(module, nn.Embedding | nn.EmbeddingBag | nn.Linear):
        nn.init.normal_(module.weight, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)
        if isinstance(module, nn.Embedding) and module.padding_idx is not None:
            with torch.no_grad():
                module.weight[module.padding_idx].zero_()
