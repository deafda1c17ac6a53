"""Clustering: components equal networkx's, constraints hold, decisions are obeyed; cluster scoring."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from ingest.resolve.clustering import cluster, connected_components, score_clusters


def _groups(labels: np.ndarray) -> set[frozenset[int]]:
    out: dict[int, set[int]] = {}
    for i, lab in enumerate(labels.tolist()):
        out.setdefault(lab, set()).add(i)
    return {frozenset(g) for g in out.values()}


@pytest.mark.parametrize("seed", range(8))
def test_components_equal_networkx_on_random_graphs(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    m = int(rng.integers(0, 2 * n))
    left, right = rng.integers(0, n, m), rng.integers(0, n, m)
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(left.tolist(), right.tolist(), strict=True))
    expected = {frozenset(c) for c in nx.connected_components(g)}
    labels = connected_components(n, left, right)
    assert _groups(labels) == expected
    assert all(labels[i] == min(c) for c in expected for i in c)
    # without valid IDs or decisions, constrained clustering is plain components
    got = cluster(n, left, right, rng.random(m), np.full(n, -1, dtype=np.int64))
    assert _groups(got.labels) == expected


@pytest.mark.parametrize("seed", range(5))
def test_two_valid_ids_never_share_a_cluster(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n = 200
    m = 400
    left, right = rng.integers(0, n, m), rng.integers(0, n, m)
    valid = np.where(rng.random(n) < 0.4, rng.integers(0, 30, n), -1).astype(np.int64)
    res = cluster(n, left, right, rng.random(m), valid)
    for group in _groups(res.labels):
        ids = {int(valid[i]) for i in group if valid[i] >= 0}
        assert len(ids) <= 1, ids


def test_strongest_link_wins_a_conflict() -> None:
    # 0 (ID a) — 1 (no ID) — 2 (ID b): 1 joins the side it is more strongly linked to
    valid = np.array([5, -1, 6], dtype=np.int64)
    res = cluster(3, np.array([0, 1]), np.array([1, 2]), np.array([3.0, 9.0]), valid)
    assert _groups(res.labels) == {frozenset({0}), frozenset({1, 2})}
    assert res.refused.tolist() == [0]


def test_decisions_split_and_join() -> None:
    valid = np.full(4, -1, dtype=np.int64)
    left, right, w = np.array([0, 1]), np.array([1, 2]), np.array([10.0, 10.0])
    assert _groups(cluster(4, left, right, w, valid).labels) == {frozenset({0, 1, 2}), frozenset({3})}
    split = cluster(4, left, right, w, valid, cannot_link=[(0, 2)])
    assert not any({0, 2} <= g for g in _groups(split.labels))
    joined = cluster(4, left, right, w, valid, must_link=[(2, 3)])
    assert frozenset({0, 1, 2, 3}) in _groups(joined.labels)
    # a "same" decision may join two valid IDs (the clerk has looked); a "different" one wins over "same"
    two_ids = np.array([1, 2, -1, -1], dtype=np.int64)
    assert frozenset({0, 1}) in _groups(
        cluster(4, left[:0], right[:0], w[:0], two_ids, must_link=[(0, 1)]).labels
    )
    both = cluster(4, left[:0], right[:0], w[:0], valid, must_link=[(0, 1)], cannot_link=[(0, 1)])
    assert both.conflicts == [(0, 1)] and both.labels[0] != both.labels[1]


def test_score_clusters() -> None:
    truth = {"a": "x", "b": "x", "c": "x", "d": "y"}
    perfect = score_clusters({"a": 1, "b": 1, "c": 1, "d": 2}, truth)  # type: ignore[dict-item]
    assert perfect.f1 == 1.0 and perfect.bcubed_f1 == 1.0
    split = score_clusters({"a": "1", "b": "1", "c": "2", "d": "3"}, truth)
    assert split.precision == 1.0 and split.recall == pytest.approx(1 / 3)
    assert split.bcubed_precision == 1.0 and split.bcubed_recall == pytest.approx((2 / 3 * 2 + 1 / 3 + 1) / 4)
    lumped = score_clusters({k: "1" for k in truth}, truth)
    assert lumped.recall == 1.0 and lumped.precision == pytest.approx(3 / 6)
