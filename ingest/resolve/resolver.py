"""Resolution: which filings come from the same petitioner, and why — then units and issues.

Pipeline for petitioners: blocking → candidate pairs → comparison levels → Fellegi–Sunter weights (m, u by
EM) → accept / review / reject → clustering under constraints and stored decisions → stable ids.

A pair is *accepted* when its match probability reaches `accept` and it carries identity evidence: the same
ID number; names that are equal or sound the same, unless both phones and both addresses are known and
differ with no ID or birth date to back the name (two namesakes of one county, as often as not); names with
one character more or less backed by a near ID, the birth date, the phone or the same village (李强 and
李志强 of one county with nothing else in common are two people as often as one); names differing in one
look-alike character (张英 / 张荚) backed by the phone, an ID or the village (the comparison level itself
needs one of them); names with one character replaced backed by a near ID or the birth date.
(Known weakness: 刘浩 and 刘文浩 at one address may be two members of one family; requiring an ID for such
pairs cost more recall than it gained precision.)
Phone, address and county add weight but are never enough on their own (families share them). Pairs with
probability in [review, accept), and high-scoring pairs without identity evidence, go to the review queue.

`resolve()` is the one entry point used by `caselink ingest` and `caselink resolve`. Units come from
`ingest.resolve.units` and issues from `ingest.resolve.issues.resolve_issues` (given the petitioners).
What needs no petitioners — the units and the particulars of the texts — is read meanwhile in a helper process
(`ingest.background`) on the second core.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ingest.background import WORKERS, Background, paused_gc, release_free_memory
from ingest.records import Evidence, Filing, Resolution, Transfer
from ingest.resolve.blocking import DEFAULT_RULES, RuleReport, block
from ingest.resolve.clustering import cluster
from ingest.resolve.compare import (
    DEFAULT_COMPARISONS,
    GENERIC_NAMES,
    NULL,
    FieldTable,
    LevelArray,
    compare_pairs,
)
from ingest.resolve.decisions import DecisionStore, ReviewItem, Verdict
from ingest.resolve.identity import IdRegistry
from ingest.resolve.issues import IssueFeatures, IssueInputs, IssueSettings, read_features, resolve_issues
from ingest.resolve.scoring import Model, fit, probability, random_pair_levels, with_random_u
from ingest.resolve.units import UnitIds, UnitInputs, resolve_unit_ids, unit_mentions


@dataclass(frozen=True, slots=True)
class ResolveSettings:
    accept: float = 0.9
    """Match probability from which a pair (with identity evidence) links two filings."""
    review: float = 0.30
    """Match probability from which a pair not accepted goes to the review queue."""
    max_block: int = 200
    window: int = 30
    em_sample: int = 1_000_000
    """EM runs on at most this many candidate pairs (a random sample)."""
    name_frequency: bool = True
    """Adjust the same-name weight by how common the name is."""
    random_pairs: int = 500_000
    """Random pairs of filings that give u (how often people in general agree on each level)."""
    seed: int = 0
    generic_names: int = field(
        default_factory=lambda: int(os.environ.get("CASELINK_GENERIC_NAMES", str(GENERIC_NAMES)))
    )
    """A phone, account or house address under this many different people's names or more is generic and is
    no evidence (0 turns the rule off; environment CASELINK_GENERIC_NAMES); the values found are listed in
    the ingest report."""
    helper_from: int = 50_000
    """From this many filings on, the issue features and the units are read in a helper process while
    petitioners are resolved (ingest.background; never with CASELINK_INGEST_WORKERS=1)."""


@dataclass(slots=True)
class PetitionerReport:
    """What a run decided, for the command's printout."""

    blocking: list[RuleReport]
    candidate_pairs: int
    model: Model
    accepted_pairs: int
    refused_pairs: int
    """Accepted pairs a constraint (ID numbers, a "different" decision) kept apart."""
    clusters: int
    review_queue: int
    decisions_applied: int
    new_ids: int
    merges: int
    splits: int
    seconds: dict[str, float] = field(default_factory=dict)
    generic: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    """Generic values found (field → (value, distinct names)): no evidence of identity (ingest.compare)."""


@dataclass(slots=True)
class PetitionerResult:
    petitioner_of: dict[str, str]
    evidence: dict[str, Evidence]
    report: PetitionerReport
    review: list[ReviewItem]
    numbers: NDArray[np.int64]
    """Per filing (input order), its petitioner as a number: 0 for the first filing's, then in order of first
    appearance (what issue resolution compares, without looking up 1M ids)."""


_NAME, _ID, _PHONE, _BIRTH, _ADDRESS, _ACCOUNT = 0, 1, 2, 3, 5, 8  # columns of DEFAULT_COMPARISONS read here


def identity_evidence(levels: LevelArray) -> NDArray[np.bool_]:
    """Pairs whose agreement is about the person, not only the household (see the module docstring)."""
    name, idn, birth = levels[:, _NAME], levels[:, _ID], levels[:, _BIRTH]
    phone, address = levels[:, _PHONE], levels[:, _ADDRESS]
    backed = (
        (idn >= 1) | (birth == 2) | (levels[:, _ACCOUNT] == 1)
    )  # a near or equal ID, the birth date, the account
    lives_there = (phone == 2) | (address >= 2)  # the phone, or the village (house number not contradicted)
    elsewhere = (phone == 0) & (address >= 0) & (address <= 1)  # another phone and another address
    out: NDArray[np.bool_] = (
        (idn == 2)
        | ((name >= 4) & (backed | ~elsewhere))
        | ((name == 3) & (backed | lives_there))
        | ((name == 2) & (backed | lives_there))  # a look-alike character, backed by phone, ID or village
        | ((name == 1) & backed)
        | account_decides(levels)
    )
    return out


ACCOUNT_DECIDES = (
    "同一平台账号、无姓名可比：账号即本人 / one platform account and no name to compare: "
    "the account stands for its holder"
)


def account_decides(levels: LevelArray) -> NDArray[np.bool_]:
    """Pairs on one platform account with no name on one side or both, and no other ID number: an account
    is its holder's own (unlike a household's phone), and on a message board it is all that is known of a
    poster. Accounts shared by many names are generic (ingest.compare) and never reach here."""
    out: NDArray[np.bool_] = (levels[:, _ACCOUNT] == 1) & (levels[:, _NAME] == NULL) & (levels[:, _ID] != 0)
    return out


def name_frequency_adjustment(
    table: FieldTable, left: NDArray[np.int64], right: NDArray[np.int64], levels: LevelArray, model: Model
) -> NDArray[np.float64]:
    """Term-frequency adjustment of "same name": a rare name is stronger evidence than 王伟.

    The model's weight for the level uses u = P(two random filings share a name); for one name the
    chance is its own share f of the filings, so the weight moves by log2(u / f) (bounded to ±6 bits).
    """
    n = len(table)
    counts = np.bincount(table.name_code[table.name_code >= 0], minlength=1)
    same = levels[:, _NAME] == 5
    out = np.zeros(len(left))
    if not same.any():
        return out
    share = counts[table.name_code[left[same]]] / max(n, 1)
    u = model.fields[_NAME].u[5]
    out[same] = np.clip(np.log2(u / share), -6.0, 6.0)
    return out


def resolve_petitioners(
    filings: Sequence[Filing], state_dir: Path | None = None, settings: ResolveSettings | None = None
) -> PetitionerResult:
    """Cluster filings into petitioners with stable ids, honouring the decisions stored in `state_dir`."""
    s = settings or ResolveSettings()
    clock: dict[str, float] = {}
    t0 = time.perf_counter()
    n = len(filings)
    table = FieldTable.from_filings(filings, s.generic_names)
    clock["fields"] = time.perf_counter() - t0

    t = time.perf_counter()
    cand = block(filings, table, DEFAULT_RULES, s.max_block, s.window)
    left, right = cand.left, cand.right
    clock["blocking"] = time.perf_counter() - t

    t = time.perf_counter()
    levels = compare_pairs(table, left, right, DEFAULT_COMPARISONS)
    clock["compare"] = time.perf_counter() - t

    t = time.perf_counter()
    rng = np.random.default_rng(s.seed)
    sample = (
        levels if len(levels) <= s.em_sample else levels[rng.choice(len(levels), s.em_sample, replace=False)]
    )
    trained = fit(sample, DEFAULT_COMPARISONS)
    rand = random_pair_levels(table, DEFAULT_COMPARISONS, s.random_pairs, s.seed)
    model = with_random_u(trained, rand, len(left), n)
    tf_adjust = name_frequency_adjustment(table, left, right, levels, model) if s.name_frequency else None
    weight = model.score(levels) + (tf_adjust if tf_adjust is not None else 0.0)
    prob = np.asarray(probability(weight))
    clock["scoring"] = time.perf_counter() - t

    t = time.perf_counter()
    store = DecisionStore(state_dir) if state_dir is not None else None
    decisions = store.current() if store else {}
    position = {fid: i for i, fid in enumerate(table.filing_ids)} if decisions else {}
    must: list[tuple[int, int]] = []
    cannot: list[tuple[int, int]] = []
    decided: set[int] = set()
    for (fa, fb), d in decisions.items():
        if fa in position and fb in position:
            ia, ib = position[fa], position[fb]
            (must if d.verdict is Verdict.SAME else cannot).append((ia, ib))
            decided.add(min(ia, ib) * n + max(ia, ib))
    evidence_ok = identity_evidence(levels)
    accepted = ((prob >= s.accept) & evidence_ok) | account_decides(levels)
    acc = np.flatnonzero(accepted)
    valid_id = np.where(table.id_valid, table.id_code, -1).astype(np.int64)
    result = cluster(n, left[acc], right[acc], weight[acc], valid_id, must, cannot)
    labels = result.labels
    clock["clustering"] = time.perf_counter() - t

    t = time.perf_counter()
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.r_[True, labels[order][1:] != labels[order][:-1], True])
    ids = table.filing_ids
    in_order = [ids[i] for i in order.tolist()]
    edges = bounds.tolist()
    clusters = [in_order[lo:hi] for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
    clusters = [c for c in clusters if c]  # no filings: one empty range, not a cluster
    registry = IdRegistry(state_dir)
    assignment, petitioner_of = registry.assign(clusters)
    clock["ids"] = time.perf_counter() - t

    t = time.perf_counter()
    evidence = _evidence(
        table,
        left[acc],
        right[acc],
        weight[acc],
        levels[acc],
        labels,
        model,
        tf_adjust[acc] if tf_adjust is not None else None,
    )
    pair_keys = left * n + right
    in_decided = np.isin(pair_keys, np.fromiter(decided, dtype=np.int64, count=len(decided)))
    about_person = (
        (levels[:, _NAME] >= 1) | (levels[:, _ID] >= 1) | (levels[:, _ACCOUNT] == 1)
    )  # not a household
    uncertain = ((prob >= s.review) & ~accepted | (prob >= s.accept) & ~evidence_ok) & about_person
    queue_idx = np.flatnonzero(uncertain & ~in_decided & (labels[left] != labels[right]))
    queue_idx = queue_idx[np.argsort(-weight[queue_idx], kind="stable")]
    explain_cache: dict[bytes, tuple[str, ...]] = {}
    review = []
    for k in queue_idx.tolist():
        a, b = int(left[k]), int(right[k])
        key = levels[k].tobytes()
        if key not in explain_cache:
            explain_cache[key] = model.explain(levels[k].tolist())
        review.append(
            ReviewItem(
                ids[a],
                ids[b],
                float(weight[k]),
                float(prob[k]),
                str(table.name[a]),
                str(table.name[b]),
                explain_cache[key],
            )
        )
    if store is not None:
        store.write_review_queue(review)
    clock["evidence"] = time.perf_counter() - t
    clock["total"] = time.perf_counter() - t0

    report = PetitionerReport(
        blocking=cand.report,
        candidate_pairs=len(left),
        model=model,
        accepted_pairs=len(acc),
        refused_pairs=len(result.refused),
        clusters=len(clusters),
        review_queue=len(review),
        decisions_applied=len(must) + len(cannot),
        new_ids=assignment.new_ids,
        merges=sum(e.event == "merge" for e in assignment.events),
        splits=sum(e.event == "split" for e in assignment.events),
        seconds=clock,
        generic=table.generic,
    )
    return PetitionerResult(petitioner_of, evidence, report, review, first_appearance(labels))


def first_appearance(labels: NDArray[np.int64]) -> NDArray[np.int64]:
    """Labels renumbered 0, 1, … in order of their first appearance.

    >>> first_appearance(np.array([7, 3, 7, 5])).tolist()
    [0, 1, 0, 2]
    """
    _, first, which = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    out: NDArray[np.int64] = rank[which.ravel()]
    return out


def _evidence(
    table: FieldTable,
    left: NDArray[np.int64],
    right: NDArray[np.int64],
    weight: NDArray[np.float64],
    levels: LevelArray,
    labels: NDArray[np.int64],
    model: Model,
    name_adjust: NDArray[np.float64] | None = None,
) -> dict[str, Evidence]:
    """Per filing: its strongest accepted link inside its own cluster, explained field by field."""
    ids = table.filing_ids
    idx = np.flatnonzero(labels[left] == labels[right])
    ends = np.r_[left[idx], right[idx]]
    other = np.r_[right[idx], left[idx]]
    edge = np.r_[idx, idx]
    order = np.lexsort((-weight[edge], ends))
    first = order[np.r_[True, ends[order][1:] != ends[order][:-1]]] if len(order) else order
    e = edge[first]
    # Explain each distinct level pattern (and name-frequency adjustment, a line of its own) once; the
    # filings explained alike share the lines.
    adjust = np.round(name_adjust[e], 1) if name_adjust is not None else np.zeros(len(e))
    code = np.zeros(len(e), dtype=np.int64)
    for k in range(levels.shape[1]):
        code = code * 16 + levels[e, k].astype(np.int64) + 1
    key = code * 4096 + np.rint(adjust * 10).astype(np.int64) + 2048  # adjustments are within ±6 bits
    _, sample, which = np.unique(key, return_index=True, return_inverse=True)
    explained: dict[int, tuple[str, ...]] = {}
    lines_of: list[tuple[str, ...]] = []
    for c, row, adj in zip(code[sample].tolist(), e[sample].tolist(), adjust[sample].tolist(), strict=True):
        lines = explained.get(c)
        if lines is None:
            lines = explained[c] = model.explain(levels[row].tolist())
            if account_decides(levels[row : row + 1])[0]:
                lines = explained[c] = (ACCOUNT_DECIDES, *lines)
        if adj:
            word = "姓名少见 / uncommon name" if adj > 0 else "姓名常见 / common name"
            lines = (*lines, f"{word} ({adj:+.1f})")
        lines_of.append(lines)
    out = dict.fromkeys(ids, Evidence(0.0))  # one shared (immutable) record for filings without a link
    linked = map(
        Evidence,
        np.round(weight[e], 2).tolist(),
        [lines_of[w] for w in which.ravel().tolist()],
        [ids[o] for o in other[first].tolist()],
    )
    out.update(zip([ids[x] for x in ends[first].tolist()], linked, strict=True))
    return out


def resolve_with_report(
    filings: list[Filing],
    transfers: list[Transfer],
    state_dir: Path | None = None,
    settings: ResolveSettings | None = None,
) -> tuple[Resolution, PetitionerReport]:
    """`resolve`, also returning what the petitioner run decided (for the command's printout); its `seconds`
    also hold the wall time of the unit and issue steps (and of waiting for the issue particulars, read
    meanwhile in a helper process when there are many filings)."""
    s = settings or ResolveSettings()
    with paused_gc():
        t = time.perf_counter()
        helper = Background(
            _features_and_units,
            IssueInputs.of(filings),
            UnitInputs.of(filings, transfers),
            inline=WORKERS < 2 or len(filings) < s.helper_from,
        )
        start = time.perf_counter() - t
        try:
            pet = resolve_petitioners(filings, state_dir, s)
            clock = pet.report.seconds
            clock["helper_start"] = start
            t = time.perf_counter()
            features, unit_ids = helper.result()
            clock["helper_wait"] = time.perf_counter() - t
            t = time.perf_counter()
            mentions, units = unit_mentions(filings, transfers, unit_ids), unit_ids.units
            clock["units"] = time.perf_counter() - t
            t = time.perf_counter()
            issue_of, issue_evidence, issues = resolve_issues(
                filings, pet.petitioner_of, state_dir, features=features, petitioner_numbers=pet.numbers
            )
            clock["issues"] = time.perf_counter() - t
        finally:
            helper.cancel()
    resolution = Resolution(
        filings=filings,
        transfers=transfers,
        petitioner_of=pet.petitioner_of,
        petitioner_evidence=pet.evidence,
        issue_of=issue_of,
        issue_evidence=issue_evidence,
        issues=issues,
        unit_mentions=mentions,
        units=units,
        generic=pet.report.generic,
    )
    return resolution, pet.report


def _features_and_units(issues: IssueInputs, units: UnitInputs) -> tuple[IssueFeatures, UnitIds]:
    """What resolution reads of the filings without needing their petitioners: the features issues are
    compared by, and the units they name. The helper process's share of the work."""
    features = read_features(issues, IssueSettings())
    release_free_memory()  # what reading the texts freed (~400 MB at 1M filings) goes back before the units
    return features, resolve_unit_ids(units)


def resolve(filings: list[Filing], transfers: list[Transfer], state_dir: Path | None = None) -> Resolution:
    """Resolve petitioners, units and issues of `filings`; `state_dir` holds decisions and stable ids."""
    return resolve_with_report(filings, transfers, state_dir)[0]
