"""The comparisons of two filings for "same matter", and their weights estimated from the data by EM.

Each candidate pair of filings is described by one level per comparison below (NULL where a comparison
cannot be made: a filing without a category, a county, a place). As for petitioners (scoring.py), m =
P(level | same matter) and u = P(level | different matters) are estimated on the data at hand: m by EM over
the candidate pairs (starting from near-verbatim pairs as matches and pairs of unrelated wording as
non-matches), u from random pairs of filings, where a shared estate or a same county is as rare as it is
among matters in general. A pair's weight is the prior log-odds plus log2(m / u) of each of its levels, so
it reads as a sum of lines ("同一信访人 +6.1", "类别不同 −2.3").

No comparison is a gate: a different category, another county or wording that shares little lowers the
weight by as much as the data say it should. The hand rules of the issue step are vetoes (two different
case numbers) and the repost rule (one long text posted twice is one matter), in issues.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from ingest.resolve.compare import NULL
from ingest.resolve.scoring import FieldParams, Model, fit


@dataclass(frozen=True, slots=True)
class MatterComparison:
    """One comparison of two filings: its levels' reasons, weakest (0) first."""

    field: str
    label: str
    level_reasons: tuple[str, ...]
    neutral_disagreement: bool = False

    @property
    def n_levels(self) -> int:
        return len(self.level_reasons)

    def reasons(self) -> list[str]:
        return list(self.level_reasons)


TEXT, SHARED, CONFLICT, WHO, AREA, CATEGORY, GAP, STRONG = range(8)

COMPARISONS: tuple[MatterComparison, ...] = (
    MatterComparison(
        "text",
        "内容 / wording",
        (
            "内容不同 / different wording",
            "内容略同 / wording a little alike",
            "内容部分相同 / wording partly alike",
            "内容相近 / wording alike",
            "内容几乎相同 / wording nearly the same",
        ),
    ),
    MatterComparison(
        "shared",
        "具体情节 / particulars",
        (
            "无共同情节 / no particular in common",
            "共同情节（常见）/ common particulars in common",
            "共同情节 / particulars in common",
            "共同情节（少见）/ rare particulars in common",
        ),
    ),
    MatterComparison(
        "conflict",
        "情节冲突 / conflicting particulars",
        ("情节不一致 / a particular of one kind differs", "情节无冲突 / no particular differs"),
    ),
    MatterComparison(
        "who",
        "信访人 / petitioner",
        (
            "不同信访人 / different petitioners",
            "联名人重合 / co-signer in common",
            "同一信访人 / same petitioner",
        ),
    ),
    MatterComparison(
        "area",
        "地区 / area",
        (
            "不同市 / different cities",
            "同市不同县 / same city, other county",
            "同县不同村 / same county, different villages",
            "同县 / same county",
            "同村镇 / same village or township",
        ),
    ),
    MatterComparison(
        "category",
        "类别 / category",
        ("类别无关 / unrelated categories", "类别相近 / categories of one family", "同类 / same category"),
    ),
    MatterComparison(
        "gap",
        "时间 / time apart",
        (
            "相隔两年以上 / over two years apart",
            "相隔半年以上 / over half a year apart",
            "相隔一月以上 / over a month apart",
            "一月之内 / within a month",
        ),
    ),
    MatterComparison(
        "strong",
        "编号 / case or document number",
        ("编号不同 / different case or document numbers", "同一编号 / same case or document number"),
    ),
)
"""The comparisons, in the order of the columns of a level matrix."""

TEXT_BINS = (0.1, 0.25, 0.45, 0.7)
"""Shares of rare wording in common (keywords.overlap) where the text levels change."""
SHARED_BINS = (1e-6, 3.0, 6.0)
"""Summed rarity (IDF) of the particulars both name where the particulars levels change."""
GAP_BINS = (30, 180, 730)
"""Days apart where the time levels change (a refiling follows within weeks or months)."""


def binned(values: NDArray[np.floating] | NDArray[np.integer], bins: tuple[float, ...]) -> NDArray[np.int8]:
    """The level of each value: how many of `bins` it reaches."""
    return np.searchsorted(np.asarray(bins), values, side="right").astype(np.int8)


def gap_level(days: NDArray[np.int64]) -> NDArray[np.int8]:
    """Time level: 3 within a month … 0 over two years."""
    return (len(GAP_BINS) - binned(np.abs(days), GAP_BINS)).astype(np.int8)


PRIOR_PAIRS = 50.0
"""Pseudo-pairs of the EM prior (scoring.fit): enough to temper a small export, nothing at 20,000 filings."""
PRIOR_RANDOM = 1000.0
"""Pseudo-pairs of the prior of u on random pairs: a batch of a few filings has few distinct random pairs."""
MAX_PRIOR = 0.01
"""Largest prior probability that two random filings are one matter (a batch of a handful of filings, all
candidates of each other, would otherwise start from even odds)."""

# Starting values and centre of the prior, per comparison and level (weakest first): what a reader of
# petition files expects before seeing the data. m: P(level | one matter); u: P(level | random pair) for the
# model of different petitioners, P(level | that person's other matters) for one petitioner's pairs.
_M = {
    TEXT: (0.05, 0.10, 0.25, 0.30, 0.30),
    SHARED: (0.10, 0.10, 0.20, 0.60),
    CONFLICT: (0.10, 0.90),
    WHO: (0.90, 0.05, 0.05),
    AREA: (0.10, 0.10, 0.20, 0.20, 0.40),
    CATEGORY: (0.05, 0.15, 0.80),
    GAP: (0.05, 0.25, 0.35, 0.35),
    STRONG: (0.02, 0.98),
}
_U_RANDOM = {
    TEXT: (0.97, 0.025, 0.004, 0.0009, 0.0001),
    SHARED: (0.90, 0.08, 0.015, 0.005),
    CONFLICT: (0.60, 0.40),
    WHO: (0.9999, 0.00005, 0.00005),
    AREA: (0.70, 0.25, 0.03, 0.015, 0.005),
    CATEGORY: (0.60, 0.20, 0.20),
    GAP: (0.40, 0.35, 0.15, 0.10),
    STRONG: (0.9999, 0.0001),
}
_U_OWN = {
    TEXT: (0.70, 0.22, 0.05, 0.02, 0.01),
    SHARED: (0.40, 0.20, 0.20, 0.20),
    CONFLICT: (0.50, 0.50),
    CATEGORY: (0.50, 0.20, 0.30),
    GAP: (0.30, 0.30, 0.20, 0.20),
    STRONG: (0.9999, 0.0001),
}

OWN = (TEXT, SHARED, CONFLICT, CATEGORY, GAP, STRONG)
"""The comparisons of two filings of one petitioner: who and where are the same by construction."""


def _start(columns: tuple[int, ...], u: dict[int, tuple[float, ...]], lam: float) -> tuple[list, list, float]:
    return [np.asarray(_M[k]) for k in columns], [np.asarray(u[k]) for k in columns], lam


SAME_PETITIONER = "同一信访人 / same petitioner"


@dataclass(slots=True)
class MatterModels:
    """Two models: one for pairs of one petitioner's filings, one for pairs of different petitioners'."""

    own: Model
    """m and u both by EM over pairs of one petitioner's filings: the non-matches there are that person's
    other matters (same place, close in time), unlike random pairs, so u is learnt from them."""
    others: Model
    """m by EM over pairs of different petitioners' filings, u from random pairs of filings."""

    def score(self, levels: NDArray[np.int8]) -> NDArray[np.float64]:
        """Match weight of each pair (rows of the full level matrix)."""
        own = levels[:, WHO] == 2
        out = np.empty(len(levels), dtype=np.float64)
        out[own] = self.own.score(levels[own][:, OWN])
        out[~own] = self.others.score(levels[~own])
        return out

    def explain(self, levels: list[int]) -> tuple[str, ...]:
        """One pair's levels (a row of the full level matrix) as reason lines with their weights, strongest
        first; lines that weigh nothing (−0.0) are left out."""
        if levels[WHO] == 2:
            return (SAME_PETITIONER,) + _telling(self.own.explain([levels[k] for k in OWN]))
        return _telling(self.others.explain(levels))


def _telling(lines: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(x for x in lines if not x.endswith(("(+0.0)", "(-0.0)")))


def _neutral_agreement(fp: FieldParams) -> FieldParams:
    return replace(fp, neutral_agreement=True)


def fit_models(
    levels: NDArray[np.int8], random_levels: NDArray[np.int8], n_candidates: int, n_filings: int
) -> MatterModels:
    """The two models, estimated on a sample of the candidate pairs' levels and on random pairs.
    `n_candidates`: all candidate pairs of different petitioners (the sample may hold fewer)."""
    own = levels[:, WHO] == 2
    all_columns = tuple(range(len(COMPARISONS)))
    own_model = fit(
        levels[own][:, OWN],
        [COMPARISONS[k] for k in OWN],  # type: ignore[misc]
        prior_pairs=PRIOR_PAIRS,
        start=_start(OWN, _U_OWN, 0.3),
    )
    others = fit(
        levels[~own],
        COMPARISONS,  # type: ignore[arg-type]
        prior_pairs=PRIOR_PAIRS,
        start=_start(all_columns, _U_RANDOM, 0.3),
    )
    # u on random pairs, with a prior: a batch of a few filings has few distinct random pairs
    fields = []
    # "No particular differs" weighs nothing: what both name alike already counts in the particulars level.
    own_model.fields[OWN.index(CONFLICT)] = _neutral_agreement(own_model.fields[OWN.index(CONFLICT)])
    for k, fp in enumerate(others.fields):
        col = random_levels[:, k]
        col = col[col != NULL]
        counts = np.bincount(col, minlength=len(fp.m)).astype(float) + PRIOR_RANDOM * np.asarray(_U_RANDOM[k])
        fp = replace(fp, u=[float(x) for x in counts / counts.sum()])
        fields.append(_neutral_agreement(fp) if k == CONFLICT else fp)
    total_pairs = max(n_filings * (n_filings - 1) / 2, 1.0)
    prior = float(np.clip(others.prior * n_candidates / total_pairs, 1e-12, MAX_PRIOR))
    return MatterModels(own_model, Model(fields=fields, prior=prior, iterations=others.iterations))


__all__ = [
    "COMPARISONS",
    "NULL",
    "MatterComparison",
    "MatterModels",
    "Model",
    "binned",
    "fit_models",
    "gap_level",
]
