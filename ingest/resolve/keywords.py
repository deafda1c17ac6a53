"""The rarest character bigrams of each text, weighted by how rare they are in the data at hand.

Two tellings of one matter in different words still share its names: the estate (怡海星城), the
object (搅拌站, 高压线), the company, the road. Those are rare in the batch; boilerplate (尊敬的领导,
恳请) and the words of every grievance (反映, 问题, 补偿) are common, so an IDF weight estimated on
the texts themselves lets the first count and the second fade, without a word list that would only hold
for one region's writing. Each text keeps the `k` bigrams it says most (repeated, and rare elsewhere)
among those at least two texts share (a bigram no other text has cannot link anything). All of it is
numpy over one array of code points: no Python loop per bigram.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

_SEP = 0
_CODE = 1 << 21
"""Code points fit below this: a bigram is first × 2²¹ + second."""


@dataclass(slots=True)
class Keywords:
    """Per text, its rarest shared bigrams (ids −1 pad) and their weights, rarest first."""

    ids: NDArray[np.int64]
    """(n, k) bigram codes."""
    weight: NDArray[np.float32]
    """(n, k) log(texts / texts holding it); 0 at pads."""

    @property
    def total(self) -> NDArray[np.float32]:
        """Per text, the summed weight of its kept bigrams, as if it kept at least FEW: a text that shares
        two bigrams with anything in the batch (a one-liner, or any text of a batch of three) is not
        alike another because it shares those two."""
        kept = (self.ids >= 0).sum(1)
        out: NDArray[np.float32] = (self.weight.sum(1) * np.maximum(1.0, FEW / np.maximum(kept, 1))).astype(
            np.float32
        )
        return out


FEW = 8
"""Bigrams a text counts as keeping at least (`Keywords.total`)."""


def _word_chars(cp: NDArray[np.uint32]) -> NDArray[np.bool_]:
    """Characters that make words: CJK ideographs, ASCII letters and digits."""
    return (
        ((cp >= 0x4E00) & (cp <= 0x9FFF))
        | ((cp >= 0x3400) & (cp <= 0x4DBF))
        | ((cp >= ord("0")) & (cp <= ord("9")))
        | ((cp >= ord("A")) & (cp <= ord("Z")))
        | ((cp >= ord("a")) & (cp <= ord("z")))
    )


def rare_bigrams(texts: list[str], k: int = 12, limit: int = 300, prior: int = 1000) -> Keywords:
    """The `k` most telling bigrams of each text's first `limit` characters that another text shares.
    Weights are log((texts + prior) / (texts holding it + 1)): with a prior, so that in a batch of three
    texts a bigram two of them share still weighs (without, one all texts share would weigh 0).

    >>> kw = rare_bigrams(["怡海星城公交", "怡海星城停车", "龙湾停车难"], k=2)
    >>> [[chr(c >> 21) + chr(c & (1 << 21) - 1) for c in row if c >= 0] for row in kw.ids.tolist()]
    [['怡海', '星城'], ['停车', '怡海'], ['停车']]
    """
    n = len(texts)
    ids = np.full((n, k), -1, dtype=np.int64)
    weight = np.zeros((n, k), dtype=np.float32)
    if n == 0 or k == 0:
        return Keywords(ids, weight)
    # NUL separates the texts: one inside a text (hostile input) is made a space first
    joined = "\x00".join(t[:limit].replace("\x00", " ") for t in texts) + "\x00"
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    doc = np.cumsum(cp == _SEP) - (cp == _SEP)  # the text each position belongs to (separator: its own)
    word = _word_chars(cp)
    ok = word[:-1] & word[1:]
    code = cp[:-1].astype(np.int64)[ok] * _CODE + cp[1:].astype(np.int64)[ok]
    d = doc[:-1][ok]
    del cp, doc, word, ok
    # distinct (text, bigram), with how often the text says it: one sort of one int64 key when the texts
    # are numbered below 2²¹ (bigram codes take 42 bits), else a sort of two keys
    if n < 1 << 21:
        key = np.sort((d << 42) | code)
        first = np.ones(len(key), dtype=bool)
        first[1:] = key[1:] != key[:-1]
        tf = np.diff(np.append(np.flatnonzero(first), len(key)))
        key = key[first]
        d, code = key >> 42, key & ((1 << 42) - 1)
        del key
    else:
        order = np.lexsort((code, d))
        code, d = code[order], d[order]
        first = np.ones(len(code), dtype=bool)
        first[1:] = (code[1:] != code[:-1]) | (d[1:] != d[:-1])
        tf = np.diff(np.append(np.flatnonzero(first), len(code)))
        code, d = code[first], d[first]
    dense = pc.dictionary_encode(pa.array(code)).indices.to_numpy()  # hashing: how many texts say it
    df_of = np.bincount(dense)[dense]
    shared = df_of >= 2
    code, d, df_of, tf = code[shared], d[shared], df_of[shared], tf[shared]
    idf = np.log((n + prior) / (df_of + 1)).astype(np.float32)
    # the k most telling per text: what it says more than once and few others say (tf × idf, to 1/1000;
    # ties by code: the rows are in (text, code) order and the sort is stable, so the same texts give the
    # same keywords). A bigram across two words (设到, 况以) is rare but said once.
    telling = np.rint(np.minimum(np.minimum(tf, 3) * idf, 100.0) * 1000).astype(np.int64)
    order = np.argsort((d << 17) | (100_000 - telling), kind="stable")
    code, d, idf = code[order], d[order], idf[order]
    start = np.searchsorted(d, np.arange(n))
    rank = np.arange(len(d)) - start[d]
    keep = rank < k
    ids[d[keep], rank[keep]] = code[keep]
    weight[d[keep], rank[keep]] = idf[keep]
    return Keywords(ids, weight)


def overlap(kw: Keywords, a: NDArray[np.int32], b: NDArray[np.int32]) -> NDArray[np.float32]:
    """Per pair, the weight of the bigrams both keep over the geometric mean of their two totals (0 … 1): a
    one-line text sharing its one word with a long one is not alike (over the smaller total it would be)."""
    ids_b = [col[b] for col in kw.ids.T]
    shared = np.zeros(len(a), dtype=np.float32)
    for j in range(kw.ids.shape[1]):
        ta = kw.ids[a, j]
        hit = ta == ids_b[0]
        for other in ids_b[1:]:
            hit |= ta == other
        shared += np.where(hit & (ta >= 0), kw.weight[a, j], 0)
    total = kw.total
    mean = np.sqrt(total[a] * total[b])
    out: NDArray[np.float32] = np.where(mean > 0, shared / np.maximum(mean, 1e-6), 0).astype(np.float32)
    return out
