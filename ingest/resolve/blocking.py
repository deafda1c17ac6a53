"""Blocking: which pairs of filings are worth comparing at all.

Several keys are combined (a pair is a candidate when any rule puts both filings in one block), so that a
homophone, a one-character slip, a mistyped ID or a changed phone still leaves some key in common:

    id             same ID number (valid or not)
    phone          same phone number
    account        same platform account
    pinyin_county  same name pinyin within one county (homophones, traditional/simplified variants meet)
    name_birth     same name and birth date (a person who moved county)
    pinyin_birth   same name pinyin and birth date
    id_head        same first 14 ID characters: region and birth date (a slip in the last digits together
                   with a name written differently)

Guard for huge blocks (common names such as 王伟 in a big county): a block with more than `max_block`
filings is not compared all-against-all and not dropped either; its filings are sorted by secondary keys
(birth date, then phone; and separately phone, then birth date) and each is compared with the next `window`
filings in each order. Records of one person share those keys, so they sit next to each other.

Everything is vectorised with numpy: keys are factorised once, pairs are produced by index arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ingest.records import Filing
from ingest.resolve.compare import FieldTable

IntArray = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class BlockingRule:
    """One blocking key. `key` gives each filing an int code (-1: this rule cannot block the filing)."""

    name: str
    description: str
    key: Callable[[FieldTable], NDArray[np.int64]]


def combine(*parts: NDArray[np.integer]) -> NDArray[np.int64]:
    """One compact code per row for a tuple of codes; -1 where any part is -1.

    >>> combine(np.array([0, 1, 1, -1]), np.array([5, 5, 5, 5])).tolist()
    [0, 1, 1, -1]
    """
    ok = np.ones(len(parts[0]), dtype=bool)
    key = np.zeros(len(parts[0]), dtype=np.int64)
    for p in parts:
        p = p.astype(np.int64)
        ok &= p >= 0
        key = key * (int(p.max(initial=0)) + 2) + (p + 1)
    out = np.full(len(key), -1, dtype=np.int64)
    if ok.any():
        _, inverse = np.unique(key[ok], return_inverse=True)
        out[ok] = inverse
    return out


def _with_locality(t: FieldTable, name_code: NDArray[np.integer]) -> NDArray[np.int64]:
    """Two keys per filing: the name code with the locality of the address, and with that of the matter."""
    both = combine(np.r_[name_code, name_code], np.r_[t.locality_code[:, 0], t.locality_code[:, 1]])
    return both.reshape(2, -1).T  # one code space for both columns


DEFAULT_RULES: tuple[BlockingRule, ...] = (
    BlockingRule("id", "身份证号相同 / same ID number", lambda t: t.id_code.astype(np.int64)),
    BlockingRule("phone", "联系电话相同 / same phone", lambda t: t.phone_code.astype(np.int64)),
    BlockingRule(
        "account", "平台账号相同 / same platform account", lambda t: t.account_code.astype(np.int64)
    ),
    BlockingRule(
        "pinyin_county",
        "同一县区内姓名拼音相同 / same name pinyin within a county",
        lambda t: combine(t.pinyin_code, t.county_code + 1),  # county unknown (-1) is a block of its own
    ),
    BlockingRule(
        "name_birth", "姓名与出生日期相同 / same name and birth date", lambda t: combine(t.name_code, t.birth)
    ),
    BlockingRule(
        "pinyin_birth",
        "姓名拼音与出生日期相同 / same name pinyin and birth date",
        lambda t: combine(t.pinyin_code, t.birth),
    ),
    BlockingRule(
        "pinyin_locality",
        "同村（街道）内姓名拼音相同 / same name pinyin in one village (of the address or of the matter)",
        lambda t: _with_locality(t, t.pinyin_code),
    ),
    BlockingRule(
        "name_ends_locality",
        "同村内姓名首尾字相同 / same first and last character of the name in one village (魏秀莲 / 魏莲)",
        lambda t: _with_locality(t, t.name_ends_code),
    ),
    BlockingRule(
        "name_head_locality",
        "同村内姓名前两字相同 / same first two characters of the name in one village (许海涛 / 许海)",
        lambda t: _with_locality(t, t.name_head_code),
    ),
    BlockingRule(
        "id_head",
        "身份证号前14位相同 / same first 14 ID characters (region and birth date)",
        lambda t: t.id_head_code.astype(np.int64),
    ),
)


@dataclass(slots=True)
class RuleReport:
    name: str
    description: str
    blocks: int
    """Blocks with at least two filings."""
    largest_block: int
    guarded_blocks: int
    """Blocks larger than max_block, compared within a sliding window."""
    pairs: int
    """Candidate pairs this rule produced."""
    new_pairs: int
    """Of those, pairs no earlier rule had produced."""


@dataclass(slots=True)
class CandidatePairs:
    left: IntArray
    right: IntArray
    """Indices into the filings, left < right, sorted, without duplicates."""
    report: list[RuleReport]


def _unique(a: IntArray) -> IntArray:
    """Sorted distinct values (sort-based: faster than np.unique's hashing for large int arrays)."""
    a = np.sort(a)
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


def _not_in(values: IntArray, sorted_set: IntArray) -> IntArray:
    """The values not in sorted_set (a sorted array without repeats)."""
    if not len(sorted_set):
        return values
    pos = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    out: IntArray = values[sorted_set[pos] != values]
    return out


def window_pairs(
    codes: NDArray[np.int64],
    orders: Sequence[NDArray[np.int64]],
    max_block: int,
    window: int,
    owner: NDArray[np.int64] | None = None,
    n: int | None = None,
) -> IntArray:
    """Pair keys (i * n + j, i < j) of filings that share a code (-1 = no key).

    Blocks up to `max_block` give all their pairs; larger blocks give, for each secondary order in `orders`,
    each filing paired with the next `window` filings of its block in that order. With `owner`, codes are
    per *entry* (a filing may hold several keys) and owner[e] is the filing of entry e, out of n.
    """
    if owner is None:
        owner = np.arange(len(codes), dtype=np.int64)
        n = len(codes)
    assert n is not None
    keyed = np.flatnonzero(codes >= 0)
    if len(keyed) < 2:
        return np.empty(0, dtype=np.int64)
    counts = np.bincount(codes[keyed])
    if counts.max() <= max_block:
        orders = [np.zeros(len(codes), dtype=np.int64)]  # no guarded block: one order gives every pair
    out: list[IntArray] = []
    for secondary in orders:
        order = keyed[np.lexsort((keyed, secondary[keyed], codes[keyed]))]
        c = codes[order]
        starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
        sizes = np.diff(np.r_[starts, len(c)])
        size_at = np.repeat(sizes, sizes)
        rank = np.arange(len(c)) - np.repeat(starts, sizes)
        reach = np.where(size_at > max_block, window, size_at)
        partners = np.minimum(reach, size_at - 1 - rank).astype(np.int64)
        total = int(partners.sum())
        if total == 0:
            continue
        pos = np.repeat(np.arange(len(c), dtype=np.int64), partners)
        first = np.repeat(np.cumsum(partners) - partners, partners)
        other = pos + 1 + (np.arange(total, dtype=np.int64) - first)
        a, b = owner[order[pos]], owner[order[other]]
        keep = a != b
        a, b = a[keep], b[keep]
        out.append(np.minimum(a, b) * n + np.maximum(a, b))
    return _unique(np.concatenate(out)) if out else np.empty(0, dtype=np.int64)


def block(
    filings: Sequence[Filing],
    table: FieldTable | None = None,
    rules: Sequence[BlockingRule] = DEFAULT_RULES,
    max_block: int = 200,
    window: int = 30,
) -> CandidatePairs:
    """Candidate pairs of `filings` under all `rules`, with a per-rule report of what each produced."""
    t = table if table is not None else FieldTable.from_filings(filings)
    n = len(filings)
    secondary = [
        np.lexsort((t.phone_code, t.birth)).argsort().astype(np.int64),
        np.lexsort((t.birth, t.phone_code)).argsort().astype(np.int64),
    ]
    seen = np.empty(0, dtype=np.int64)
    report: list[RuleReport] = []
    for rule in rules:
        codes = rule.key(t)
        if codes.ndim == 2:  # several keys per filing: one entry per (filing, key)
            k = codes.shape[1]
            codes = codes.copy()
            for j in range(1, k):  # a key repeated within one filing counts once
                codes[:, j][(codes[:, :j] == codes[:, j : j + 1]).any(axis=1)] = -1
            owner = np.repeat(np.arange(n, dtype=np.int64), k)
            codes = codes.ravel()
            orders = [o[owner] for o in secondary]
        else:
            owner, orders = np.arange(n, dtype=np.int64), secondary
        keyed = codes[codes >= 0]
        counts = np.bincount(keyed) if len(keyed) else np.empty(0, dtype=np.int64)
        pairs = window_pairs(codes, orders, max_block, window, owner, n)
        new = _not_in(pairs, seen)
        merged = np.sort(np.concatenate([seen, new]), kind="stable")  # two sorted runs: merged, not sorted
        report.append(
            RuleReport(
                name=rule.name,
                description=rule.description,
                blocks=int((counts >= 2).sum()),
                largest_block=int(counts.max()) if len(counts) else 0,
                guarded_blocks=int((counts > max_block).sum()),
                pairs=len(pairs),
                new_pairs=len(merged) - len(seen),
            )
        )
        seen = merged
    return CandidatePairs(left=seen // max(n, 1), right=seen % max(n, 1), report=report)
