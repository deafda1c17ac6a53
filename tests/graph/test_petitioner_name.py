"""A petitioner's name on its node is the form most of its filings use, not the latest one's (issue 19):
叶华 written in nine filings and 叶桦 in the tenth, the latest, is 叶华."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from graph.model import Label
from ingest.load.graph_tables import GraphMapper
from ingest.read.normalise import name_pinyin, normalise_name
from tests.graph.sample import synthetic_resolution


def _names(res: Any) -> dict[str, tuple[str, str, str]]:
    table = GraphMapper(res).static_tables()[0]
    people = next(t for t in table if t.label == Label.PETITIONER).columns
    return {k: (n, m, p) for k, n, m, p in zip(people["petitioner_id"], people["name"], people["name_norm"],
                                               people["name_pinyin"], strict=True)}


def _renamed(res: Any, pid: str, names: list[str]) -> tuple[Any, int]:
    """`res` with the filings of `pid`, oldest first, written under `names`."""
    mine = sorted((f for f in res.filings if res.petitioner_of[f.filing_id] == pid),
                  key=lambda f: (f.received_date, f.filing_id))
    spelled = {f.filing_id: nm for f, nm in zip(mine, names, strict=False)}
    filings = [
        replace(f, petitioner_name=nm, name_norm=(norm := normalise_name(nm)), name_pinyin=name_pinyin(norm))
        if (nm := spelled.get(f.filing_id)) else f
        for f in res.filings
    ]
    return replace(res, filings=filings), len(mine)


def test_the_name_most_filings_use_wins_over_the_latest() -> None:
    res = synthetic_resolution(600, seed=3)
    counts: dict[str, int] = {}
    for pid in res.petitioner_of.values():
        counts[pid] = counts.get(pid, 0) + 1
    pid = max(counts, key=lambda p: (counts[p], p))
    assert counts[pid] >= 3
    res, n = _renamed(res, pid, ["叶华"] * (counts[pid] - 1) + ["叶桦"])
    assert _names(res)[pid] == ("叶华", "叶华", name_pinyin("叶华"))
    even = n - n % 2  # as many filings of each spelling (the odd one out, the oldest, written 王五): the
    spelled = ["王五"] * (n % 2) + ["叶桦", "叶华"] * (even // 2)  # latest of the tied spellings wins
    tie, _ = _renamed(res, pid, spelled)
    assert _names(tie)[pid][0] == "叶华"
    tie, _ = _renamed(res, pid, ["王五"] * (n % 2) + ["叶华", "叶桦"] * (even // 2))
    assert _names(tie)[pid][0] == "叶桦"
