"""Fellegi–Sunter scoring: m and u probabilities per field level, estimated by EM from the pairs themselves.

For each comparison level, m = P(level | same person) and u = P(level | different people); the level adds
log2(m / u) to the pair's match weight, and a missing value adds nothing. The total weight is the prior
log-odds log2(λ / (1 - λ)) plus the field contributions, so every score reads as a sum of per-field lines.

EM runs on the distinct level patterns with their counts (a few hundred rows whatever the number of
pairs), so it costs nothing; scoring all pairs is one table lookup per pattern.

Starting values are read from the data (`anchored_start`): pairs sharing an ID number stand for matches,
pairs with two different ID numbers for non-matches. Both m and u are then re-estimated by EM on all
candidate pairs; u is *not* taken from random pairs, because candidate pairs that are not matches (namesakes,
family members) agree on names, phones and addresses far more often than random pairs do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from ingest.resolve.compare import (
    DEFAULT_COMPARISONS,
    NULL,
    Comparison,
    FieldTable,
    LevelArray,
    compare_pairs,
)

FloatArray = NDArray[np.float64]
_EPS = 1e-6
M_FLOOR = 1e-3
"""Smallest m of any level after EM: a person moving county or changing every field stays possible."""


@dataclass(slots=True)
class FieldParams:
    """m and u of one comparison, index = level."""

    field: str
    label: str
    reasons: list[str]
    m: list[float]
    u: list[float]
    neutral_disagreement: bool = False
    """Level 0 weighs nothing (Comparison.neutral_disagreement)."""
    neutral_agreement: bool = False
    """The top level weighs nothing: what agrees is counted by another comparison already."""

    @property
    def weights(self) -> list[float]:
        """log2(m/u) per level; an agreement level never weighs less than disagreement (level 0)."""
        raw = [math.log2(mi / ui) for mi, ui in zip(self.m, self.u, strict=True)]
        if self.neutral_disagreement:
            raw[0] = 0.0
        if self.neutral_agreement:
            raw[-1] = max(0.0, raw[0])
        return [raw[0]] + [max(w, raw[0]) for w in raw[1:]]


@dataclass
class Model:
    """A fitted Fellegi–Sunter model."""

    fields: list[FieldParams]
    prior: float
    """λ: the share of candidate pairs that are the same person."""
    iterations: int = 0

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))

    def weight_table(self) -> list[list[float]]:
        """Per field, per level: the weight it adds (nulls add 0, handled by the caller)."""
        return self._weights

    @cached_property
    def _weights(self) -> list[list[float]]:
        return [f.weights for f in self.fields]

    def score(self, levels: LevelArray) -> FloatArray:
        """Match weights (log2 Bayes factor with prior) of pairs given their level matrix."""
        total = np.full(len(levels), self.prior_weight)
        for k, w in enumerate(self.weight_table()):
            col = levels[:, k]
            lookup = np.asarray(w + [0.0])  # index -1 (NULL) reads the trailing 0
            total += lookup[col]
        return total

    def contributions(self, levels: Sequence[int]) -> list[tuple[str, str, float]]:
        """One pair's score as readable lines: (field label, level reason, weight); nulls are left out."""
        out = []
        for f, w, lv in zip(self.fields, self._weights, levels, strict=True):
            if lv != NULL:
                out.append((f.label, f.reasons[lv], w[lv]))
        return out

    def explain(self, levels: Sequence[int]) -> tuple[str, ...]:
        """Reasons as `Evidence.reasons` lines, strongest contribution first."""
        lines = sorted(self.contributions(levels), key=lambda c: -abs(c[2]))
        return tuple(f"{r} ({w:+.1f})" for _, r, w in lines)


def probability(weight: FloatArray | float) -> FloatArray | float:
    """Match probability of a match weight."""
    out: FloatArray = 1.0 / (1.0 + np.exp2(-np.asarray(weight, dtype=np.float64)))
    return out


def _patterns(levels: LevelArray) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Distinct rows of the level matrix with their counts."""
    shifted = levels.astype(np.int64) + 1
    code = np.zeros(len(levels), dtype=np.int64)
    for k in range(levels.shape[1]):
        code = code * 16 + shifted[:, k]
    uniq, first, counts = np.unique(code, return_index=True, return_counts=True)
    return levels[first].astype(np.int64), counts.astype(np.int64)


def _frequencies(levels: LevelArray, n_levels: Sequence[int], pseudo: float = 1.0) -> list[list[float]]:
    out = []
    for k, n in enumerate(n_levels):
        col = levels[:, k]
        col = col[col != NULL]
        c = np.bincount(col, minlength=n).astype(float) + pseudo
        out.append(list(c / c.sum()))
    return out


def _initial_m(n: int) -> list[float]:
    """Most mass on the strongest level, a little on each weaker one."""
    if n == 2:
        return [0.1, 0.9]
    rest = 0.15 / (n - 2)
    return [0.05] + [rest] * (n - 2) + [0.8]


def random_pair_levels(
    table: FieldTable, comparisons: Sequence[Comparison], n_pairs: int, seed: int = 0
) -> LevelArray:
    """Levels of `n_pairs` random pairs of filings: the starting point for u."""
    rng = np.random.default_rng(seed)
    n = len(table)
    if n < 2:
        return np.empty((0, len(comparisons)), dtype=np.int8)
    a = rng.integers(0, n, n_pairs)
    b = rng.integers(0, n, n_pairs)
    keep = a != b
    return compare_pairs(table, a[keep], b[keep], comparisons)


def anchored_start(
    levels: LevelArray, comparisons: Sequence[Comparison], anchor: int = 1
) -> tuple[list[FloatArray], list[FloatArray], float]:
    """Starting m, u and λ read from the data: pairs agreeing exactly on the anchor field (the ID number)
    stand for matches, pairs where both have it and it disagrees stand for non-matches.

    The anchor's own m and u start at fixed sensible values (a person's ID is right most of the time,
    two people almost never share one). Falls back to generic values when a side has no pairs.
    """
    n_levels = [c.n_levels for c in comparisons]
    col = levels[:, anchor]
    top = n_levels[anchor] - 1
    same, diff = levels[col == top], levels[col == 0]
    m_freq = _frequencies(same, n_levels) if len(same) else [_initial_m(n) for n in n_levels]
    u_freq = _frequencies(diff, n_levels) if len(diff) else [list(np.full(n, 1.0 / n)) for n in n_levels]
    m = [np.asarray(x) for x in m_freq]
    u = [np.asarray(x) for x in u_freq]
    m[anchor] = np.asarray(_initial_m(n_levels[anchor]))
    u[anchor] = np.asarray([0.98] + [0.02 / top] * top)
    known = (col >= 0).sum()
    lam = float(np.clip((col == top).sum() / known if known else 0.5, 0.05, 0.95))
    return m, u, lam


def fit(
    levels: LevelArray,
    comparisons: Sequence[Comparison] = DEFAULT_COMPARISONS,
    max_iter: int = 200,
    tol: float = 1e-7,
    anchor: int = 1,
    prior_pairs: float = 0.0,
    start: tuple[list[FloatArray], list[FloatArray], float] | None = None,
) -> Model:
    """Estimate m, u and λ by expectation–maximisation on the candidate pairs' level matrix.

    `prior_pairs`: pseudo-pairs per class distributed as the starting values (a Dirichlet prior, so each
    estimate is a posterior mode): a few hundred pairs, as a small export gives, cannot then drive a level
    nobody saw to an extreme weight. 0 is plain maximum likelihood. `start`: starting m, u and λ (and the
    centre of that prior) instead of `anchored_start`.

    Starting values come from `anchored_start` (pairs sharing an ID number versus pairs whose ID numbers
    differ); without them EM tends to split the pairs into "has an ID number" and "has none".
    """
    n_levels = [c.n_levels for c in comparisons]
    pats, counts = _patterns(levels)
    w = counts.astype(float)
    m, u, lam = start if start is not None else anchored_start(levels, comparisons, anchor)
    m, u = [np.asarray(x, dtype=float) for x in m], [np.asarray(x, dtype=float) for x in u]
    m0, u0, lam0 = [x * prior_pairs for x in m], [x * prior_pairs for x in u], lam
    it = 0
    while it < max_iter and w.sum() > 0:  # no candidate pairs: keep the starting values
        it += 1
        log_m = np.zeros(len(pats))
        log_u = np.zeros(len(pats))
        for k in range(len(comparisons)):
            col = pats[:, k]
            ok = col != NULL
            log_m[ok] += np.log(m[k][col[ok]])
            log_u[ok] += np.log(u[k][col[ok]])
        log_odds = math.log(lam / (1 - lam)) + log_m - log_u
        p = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -700, 700)))
        pm, pu = w * p, w * (1 - p)
        new_lam = float(np.clip((pm.sum() + prior_pairs * lam0) / (w.sum() + prior_pairs), _EPS, 1 - _EPS))
        delta = abs(new_lam - lam)
        for k, n in enumerate(n_levels):
            col = pats[:, k]
            ok = col != NULL
            mk = np.bincount(col[ok], weights=pm[ok], minlength=n) + m0[k] + _EPS
            uk = np.bincount(col[ok], weights=pu[ok], minlength=n) + u0[k] + _EPS
            mk, uk = mk / mk.sum(), uk / uk.sum()
            delta = max(delta, float(np.abs(mk - m[k]).max()), float(np.abs(uk - u[k]).max()))
            m[k], u[k] = mk, uk
        lam = new_lam
        if delta < tol:
            break
    m = [(mk + M_FLOOR) / (1 + M_FLOOR * len(mk)) for mk in m]  # no level is ever impossible for a match
    return Model(
        fields=[
            FieldParams(
                c.field,
                c.label,
                c.reasons(),
                [float(x) for x in m[k]],
                [float(x) for x in u[k]],
                c.neutral_disagreement,
            )
            for k, c in enumerate(comparisons)
        ],
        prior=lam,
        iterations=it,
    )


def with_random_u(model: Model, random_levels: LevelArray, n_candidates: int, n_records: int) -> Model:
    """The model for scoring: m from EM, u from random pairs, prior λ for a random pair.

    Among candidate pairs the non-matches are namesakes *or* family members; naive Bayes cannot express
    that "same name and same phone" is almost never either, so the candidate-pair u under-rates each
    agreement. Among random pairs fields are close to independent, and u says how rare an agreement is
    among people in general (as in Splink). λ becomes expected matches / all possible pairs.
    """
    n_levels = [len(f.m) for f in model.fields]
    u = _frequencies(random_levels, n_levels, pseudo=0.5)
    total_pairs = max(n_records * (n_records - 1) / 2, 1.0)
    prior = float(np.clip(model.prior * n_candidates / total_pairs, 1e-12, 1 - 1e-6))
    fields = [
        FieldParams(f.field, f.label, f.reasons, f.m, uk, f.neutral_disagreement)
        for f, uk in zip(model.fields, u, strict=True)
    ]
    return Model(fields=fields, prior=prior, iterations=model.iterations)
