"""Blocking: every pair of a small block, a window over huge ones, and a report of what each rule found."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np

from ingest.resolve.blocking import DEFAULT_RULES, block, window_pairs
from tests.ingest.resolution_helpers import demo, filing


def _pairs(keys: np.ndarray, n: int) -> set[tuple[int, int]]:
    return {(int(k) // n, int(k) % n) for k in keys}


def test_small_blocks_give_every_pair() -> None:
    codes = np.array([0, 1, 0, -1, 0, 1], dtype=np.int64)
    got = _pairs(window_pairs(codes, [np.zeros(6, dtype=np.int64)], max_block=10, window=2), 6)
    assert got == {(0, 2), (0, 4), (2, 4), (1, 5)}


def test_huge_blocks_are_windowed_not_dropped() -> None:
    n = 50
    codes = np.zeros(n, dtype=np.int64)
    secondary = np.arange(n, dtype=np.int64)[::-1].copy()  # order: 49, 48, ... 0
    got = _pairs(window_pairs(codes, [secondary], max_block=10, window=3), n)
    assert len(got) == sum(min(3, n - 1 - r) for r in range(n))
    assert (48, 49) in got and (46, 49) in got and (45, 49) not in got
    full = _pairs(window_pairs(codes, [secondary], max_block=100, window=3), n)
    assert full == set(combinations(range(n), 2))


def test_records_of_one_person_meet_inside_a_huge_common_name_block() -> None:
    # 300 people called 王伟 in one county; F007 files again as 王炜 with the same phone. With the pinyin
    # rule alone, the window over the block sorted by (birth date, phone) must still bring the two together.
    address = "河北省石家庄市井陉县东岗镇宋里村1号"
    fs = [filing(f"F{i:03d}", "王伟", phone=f"138{i:08d}", address=address) for i in range(300)]
    fs.append(filing("X1", "王炜", phone="13800000007", address=address))  # homophone of F007's name
    pinyin_rule = next(r for r in DEFAULT_RULES if r.name == "pinyin_county")
    cand = block(fs, rules=[pinyin_rule], max_block=200, window=5)
    pinyin = next(r for r in cand.report if r.name == "pinyin_county")
    assert pinyin.guarded_blocks == 1 and pinyin.largest_block == 301
    pairs = set(zip(cand.left.tolist(), cand.right.tolist(), strict=True))
    assert (7, 300) in pairs
    assert len(pairs) < 301 * 300 // 2


def test_report_counts_add_up(tmp_path: Path) -> None:
    filings, _, truth = demo(1500, 3, tmp_path)
    cand = block(filings)
    assert sum(r.new_pairs for r in cand.report) == len(cand.left)
    assert all(r.pairs >= r.new_pairs >= 0 for r in cand.report)
    assert (cand.left < cand.right).all()
    keys = cand.left * len(filings) + cand.right
    assert (np.diff(keys) > 0).all()
    # blocking finds nearly every pair of filings of one person (measured ~0.95 on generated data)
    ids = [f.filing_id for f in filings]
    found = {(ids[a], ids[b]) for a, b in zip(cand.left.tolist(), cand.right.tolist(), strict=True)}
    by_person: dict[str, list[str]] = {}
    for fid in ids:
        by_person.setdefault(truth[fid], []).append(fid)
    true_pairs = [(a, b) for g in by_person.values() for a, b in combinations(g, 2)]
    recall = sum((a, b) in found or (b, a) in found for a, b in true_pairs) / len(true_pairs)
    assert recall >= 0.9, recall
