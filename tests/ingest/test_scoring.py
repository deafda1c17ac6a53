"""Fellegi–Sunter scoring: EM recovers known m/u/λ, scores decompose into readable per-field lines."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.resolve.compare import DEFAULT_COMPARISONS, NULL, Comparison
from ingest.resolve.scoring import fit, probability

COMPS: tuple[Comparison, ...] = DEFAULT_COMPARISONS


def _simulate(
    rng: np.random.Generator, n: int, lam: float, m: list[np.ndarray], u: list[np.ndarray], null_rate: float
) -> tuple[np.ndarray, np.ndarray]:
    is_match = rng.random(n) < lam
    cols = []
    for mk, uk in zip(m, u, strict=True):
        col = np.where(is_match, rng.choice(len(mk), n, p=mk), rng.choice(len(uk), n, p=uk)).astype(np.int8)
        col[rng.random(n) < null_rate] = NULL
        cols.append(col)
    return np.stack(cols, axis=1), is_match


def test_em_recovers_known_parameters() -> None:
    rng = np.random.default_rng(7)
    m, u = [], []
    for c in COMPS:
        k = c.n_levels
        mk = np.r_[0.04, np.full(k - 2, 0.16 / max(k - 2, 1)), 0.8] if k > 2 else np.array([0.1, 0.9])
        uk = np.r_[0.7, np.full(k - 2, 0.2 / max(k - 2, 1)), 0.1] if k > 2 else np.array([0.75, 0.25])
        m.append(mk / mk.sum())
        u.append(uk / uk.sum())
    levels, _ = _simulate(rng, 200_000, 0.3, m, u, null_rate=0.2)
    model = fit(levels, COMPS)
    assert model.prior == pytest.approx(0.3, abs=0.02)
    for k, f in enumerate(model.fields):
        assert np.allclose(f.m, m[k], atol=0.03), (f.field, f.m, m[k])
        assert np.allclose(f.u, u[k], atol=0.03), (f.field, f.u, u[k])


def test_score_is_prior_plus_field_contributions() -> None:
    rng = np.random.default_rng(1)
    m = [np.r_[np.full(c.n_levels - 1, 0.2 / (c.n_levels - 1)), 0.8] for c in COMPS]
    u = [np.r_[0.8, np.full(c.n_levels - 1, 0.2 / (c.n_levels - 1))] for c in COMPS]
    levels, is_match = _simulate(rng, 20_000, 0.2, m, u, null_rate=0.3)
    model = fit(levels, COMPS)
    scores = model.score(levels)
    for row, s in zip(levels[:50], scores[:50], strict=True):
        parts = model.contributions(row.tolist())
        assert s == pytest.approx(model.prior_weight + sum(w for _, _, w in parts))
        assert len(parts) == int((row != NULL).sum())
        lines = model.explain(row.tolist())
        assert all(" / " in line and line.endswith(")") for line in lines)
    # the weights separate the two classes
    p = np.asarray(probability(scores))
    assert ((p > 0.5) == is_match).mean() > 0.95


def test_agreement_never_weighs_less_than_disagreement() -> None:
    rng = np.random.default_rng(3)
    m = [np.r_[0.1, np.full(c.n_levels - 1, 0.9 / (c.n_levels - 1))] for c in COMPS]
    u = [np.r_[0.9, np.full(c.n_levels - 1, 0.1 / (c.n_levels - 1))] for c in COMPS]
    levels, _ = _simulate(rng, 5_000, 0.3, m, u, null_rate=0.0)
    for f in fit(levels, COMPS).fields:
        assert min(f.weights[1:]) >= f.weights[0]
