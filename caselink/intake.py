"""Duplicate-filing check before intake (查重): is this person, and this matter, already known?

    result = check(ws, IntakeQuery(name="张伟", phone="13812345678", content="…"), user="clerk1")
    result.recommendation   # Recommendation.SAME_MATTER_IN_HANDLING
    result.explanation      # who handles it and by when, in Chinese and English

Steps, all on the warm intake index (caselink.intake_index), never on the records:
1. the query is normalised by the ingest validator itself (`validate_filing`), so names, pinyin, ID numbers,
   phones and counties mean what they mean in the records;
2. its blocking keys (the resolution's) give candidate profiles by binary search;
3. each candidate is scored with the resolution's Fellegi–Sunter model, field by field
   (ingest.resolve.compare): the same pair scores the same at intake as in resolution; a candidate is the
   *same person* when resolution would link the pair (probability ≥ 0.9 and identity evidence), *possible*
   from 0.3;
4. the content is compared with the candidates' filings (particulars and MinHash of ingest.resolve.issues),
   and with other people's issues (group matters);
5. the recommendation follows the rules of 信访工作条例 (../shared/domain.md); ID and phone are masked
   unless `reveal`, and every check is appended to the workspace audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

import numpy as np

from caselink import audit
from caselink.intake_index import (
    ISSUE_KEY_KINDS,
    STATUSES,
    IntakeIndex,
    cached_index,
    content_particulars,
    key_hash,
    lsh_keys,
    name_key,
    particular_hash,
    person_keys,
)
from caselink.privacy import mask_text, masked
from caselink.workspace import Workspace
from ingest.columns import GROUP_HEADCOUNT, Channel, Level, Status
from ingest.read import RawRow, validate_filing
from ingest.read.places import county_by_code
from ingest.records import Filing
from ingest.resolve import ResolveSettings, identity_evidence
from ingest.resolve.compare import DEFAULT_COMPARISONS, NULL, NameComparison, address_tail
from ingest.resolve.issues import (
    AREA,
    COMPANY,
    CONFLICT_KINDS,
    ESTATE,
    FACTORY,
    HOSPITAL,
    KIND_NAMES,
    MONEY,
    SCHOOL,
    TOWN,
    VILLAGE,
    YEAR,
    YEARS,
    minhash_signatures,
)
from ingest.resolve.resolver import account_decides

HANDLING_DAYS = 60
"""Handling limit from acceptance (信访工作条例 第三十二条); +30 with approval."""
EXTENSION_DAYS = 30
ACCEPT_DAYS = 15
"""Time to decide whether to accept (受理) from registration."""
REVIEW_DAYS = 30
"""Time to ask for review (复查) or re-review (复核), and for either body to answer."""
GROUP_PEOPLE = 3
"""An issue raised by this many people (petitioners and co-signers) or more is a likely group matter."""
MAX_POSTING = 400
"""A blocking key shared by more profiles than this (王伟 in a county without an address) is skipped."""
MAX_ISSUES = 60
"""Other people's issues compared with the content, at most."""
SAME_PERSON_MATTER = 2.5
"""Matter score from which a filing of the same person is the same matter."""
SIMILAR_MATTER = 2.0
"""Matter score from which a filing is on a similar matter: not enough to call it the same, too much to
answer "new matter" (the answer is then possible_same_matter: verify) …"""
SIMILAR_TEXT = 0.4
"""… and so is one whose wording is this close (MinHash Jaccard of character bigrams: a retelling of one
matter in other words scores 0.4–0.5, two matters of one person below 0.2), unless a particular disagrees."""


def _similar(score: float, jaccard: float) -> bool:
    """A filing on a matter similar to the query's (score and wording as matter_score reads them)."""
    return score >= SIMILAR_MATTER or (jaccard >= SIMILAR_TEXT and score > float("-inf"))


NAMESAKES = 30
"""Candidates past the first `top` looked at for a namesake whose filings are on the same matter."""
OTHER_PERSON_MATTER = 4.5
"""Matter score from which another person's issue is the same matter (stricter: neighbours differ)."""

_SETTINGS = ResolveSettings()
_KIND_WEIGHT = {
    YEAR: 1.5, YEARS: 1.0, AREA: 2.5, MONEY: 3.0, VILLAGE: 0.6, TOWN: 0.3,
    ESTATE: 3.0, COMPANY: 3.0, FACTORY: 3.0, SCHOOL: 3.0, HOSPITAL: 3.0,
}  # fmt: skip
"""What a shared particular says about two filings being one matter (a shared village says little)."""
_ACCOUNT = next(k for k, c in enumerate(DEFAULT_COMPARISONS) if c.field == "account_id")
_SAME_NAME = NameComparison.SAME
"""The name level where the name-frequency adjustment applies, as resolution applies it."""
_IN_HANDLING = frozenset({Status.PENDING, Status.HANDLING, Status.REVIEW, Status.RE_REVIEW})


class IntakeError(Exception):
    """A check that cannot be made; the message says what to do (Chinese / English)."""


class Recommendation(StrEnum):
    NEW_MATTER = "new_matter"
    """新事项：按程序登记受理 / a new matter: register it."""
    SAME_MATTER_IN_HANDLING = "same_matter_in_handling"
    """同一事项正在办理：不再重复受理，告知办理单位和期限 / being handled: tell who handles it and by when."""
    SAME_MATTER_CONCLUDED = "same_matter_concluded"
    """同一事项已办结：引导复查、复核，或不再受理 / concluded: point to review, re-review, or closed."""
    LIKELY_GROUP_MATTER = "likely_group_matter"
    """可能是群体事项：与他人已反映的同一事项合并处理 / likely a group matter raised by others already."""
    POSSIBLE_SAME_MATTER = "possible_same_matter"
    """可能是同一人的同一事项：核实身份证号或电话，查看所列信访件，再决定 / possibly the same person and
    matter: ask for the ID number or phone and see the filings listed before deciding (never "register as
    new" while such filings exist)."""

    @property
    def label(self) -> str:
        """Short bilingual label."""
        return _LABELS[self]


_LABELS = {
    Recommendation.NEW_MATTER: "新事项 / new matter",
    Recommendation.SAME_MATTER_IN_HANDLING: "同一事项正在办理 / same matter, being handled",
    Recommendation.SAME_MATTER_CONCLUDED: "同一事项已办结 / same matter, concluded",
    Recommendation.LIKELY_GROUP_MATTER: "可能是群体事项 / likely a group matter",
    Recommendation.POSSIBLE_SAME_MATTER: "可能是同一人的同一事项 / possibly the same person and matter",
}


class MatchLevel(StrEnum):
    SAME_PERSON = "same_person"
    """Resolution would link the pair: probability ≥ 0.9 with identity evidence."""
    POSSIBLE = "possible"
    """Probability ≥ 0.3, or high without identity evidence: a clerk should ask."""
    UNLIKELY = "unlikely"


@dataclass(frozen=True, slots=True)
class IntakeQuery:
    """What the clerk types: only the name is required."""

    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    place: str = ""
    """Place of the matter (问题属地)."""
    content: str = ""
    category: str = ""
    account_id: str = ""
    """The petitioner's account on an online platform (留言用户): with it the name may be left empty."""


@dataclass(frozen=True, slots=True)
class FilingSummary:
    filing_id: str
    received_date: date
    status: str
    """办理状态 as recorded ("" when unknown)."""
    unit: str
    """The responsible unit (责任单位)."""
    concluded_date: date | None
    issue_id: str
    issue_title: str
    same_matter: bool
    """The content matches this filing's matter."""
    matter_score: float
    matter_reasons: tuple[str, ...]
    due: date | None
    """Pending: acceptance decision (receipt + 15 days); in handling: receipt + 60 days; concluded: the last
    day to ask for a review (conclusion + 30 days)."""
    title: str = ""
    """The filing's own title (留言主题), "" when it has none."""
    similar: bool = False
    """On a similar matter (`_similar`): too close to answer "new matter" without asking."""


@dataclass(frozen=True, slots=True)
class Candidate:
    petitioner_id: str
    name: str
    id_number: str
    """Masked unless the check was made with reveal."""
    phone: str
    county: str
    score: float
    """Match weight (log2 Bayes factor, with the prior) of the best-matching filing, as resolution scores."""
    probability: float
    match: MatchLevel
    evidence: tuple[str, ...]
    """Per-field lines, e.g. "身份证号一致 / same ID number (+14.2)"."""
    filings_total: int
    filings: tuple[FilingSummary, ...]
    """Filings on the same or a similar matter first, then the most recent others (at most 10)."""
    account_id: str = ""
    """The platform account of the best-matching profile ("" when none): a poster known by it alone."""


@dataclass(frozen=True, slots=True)
class IssueMatch:
    """Another person's issue the content matches (a possible group matter)."""

    issue_id: str
    title: str
    people: int
    headcount: int
    matter_score: float
    matter_reasons: tuple[str, ...]
    latest: FilingSummary


@dataclass(frozen=True, slots=True)
class CheckResult:
    asked: dict[str, str]
    """The query as logged (ID and phone masked)."""
    candidates: tuple[Candidate, ...]
    group_issues: tuple[IssueMatch, ...]
    recommendation: Recommendation
    explanation: tuple[str, ...]
    """Lines in Chinese / English: what to tell the petitioner."""
    notes: tuple[str, ...] = ()
    index_built_at: str = ""
    shown: tuple[str, ...] = field(default=())
    """Petitioner and filing ids shown (what the audit log records)."""


# --- the query ---------------------------------------------------------------------------------------


def query_filing(query: IntakeQuery, today: date) -> Filing:
    """The query as a Filing, normalised by the ingest validator (so it compares like the records)."""
    if not query.name.strip() and not query.account_id.strip():
        raise IntakeError(
            "请填写信访人姓名（或平台账号）。 / The petitioner's name is required (or a platform account)."
        )
    values = {
        "filing_id": "intake",
        "received_date": today.isoformat(),
        "channel": Channel.OTHER.value,
        "receiving_level": Level.COUNTY.value,
        "receiving_org": "",
        "petitioner_name": query.name.strip(),
        "id_number": query.id_number.strip(),
        "phone": query.phone.strip(),
        "address": query.address.strip(),
        "issue_place": query.place.strip(),
        "headcount": "",
        "co_petitioners": "",
        "category": query.category.strip(),
        "content": query.content.strip() or "-",
        "responsible_unit": "",
        "status": "",
        "concluded_date": "",
        "title": "",
        "account_id": query.account_id.strip(),
        "reply": "",
    }
    result = validate_filing(RawRow(0, values), today)
    if isinstance(result, list):
        raise IntakeError(
            "；".join(p.reason_zh for p in result) + " / " + "; ".join(p.reason_en for p in result)
        )
    if query.name.strip() and not result.name_norm:
        raise IntakeError("姓名中没有可识别的文字。 / The name holds no letters.")
    return result


def without_generic(f: Filing, generic: dict[str, list[str]]) -> Filing:
    """The filing with its generic phone, account or address left out, as resolution leaves them out."""
    changes: dict[str, object] = {}
    if f.phone and f.phone in generic.get("phone", ()):
        changes["phone"] = None
    if f.account_id and f.account_id in generic.get("account_id", ()):
        changes["account_id"] = ""
    if f.address and address_tail(f.address, f.address_county) in generic.get("address", ()):
        changes["address"] = ""
    return replace(f, **changes) if changes else f


def asked_of(query: IntakeQuery) -> dict[str, str]:
    """The query as the audit log keeps it: ID and phone masked (also inside address and content), content
    shortened."""
    return {
        k: v
        for k, v in (
            ("name", query.name.strip()),
            ("account_id", query.account_id.strip()),
            ("id_number", masked(query.id_number.strip(), "id_number")),
            ("phone", masked(query.phone.strip(), "phone")),
            ("address", mask_text(query.address.strip())),
            ("place", query.place.strip()),
            ("category", query.category.strip()),
            ("content", mask_text(query.content.strip())[:60]),  # masked before it is cut
        )
        if v
    }


# --- scoring people ----------------------------------------------------------------------------------


def _profile_filing(ix: IntakeIndex, r: int, stub: Filing) -> Filing:
    p, s = ix.prof, ix.strings

    def text(col: str) -> str | None:
        c = int(p[col][r])
        return s[c] if c >= 0 else None

    b = int(p["birth"][r])
    return Filing(
        row=0,
        filing_id="",
        received_date=stub.received_date,
        channel=stub.channel,
        receiving_level=stub.receiving_level,
        receiving_org="",
        petitioner_name=text("name") or "",
        name_norm=text("name") or "",
        name_pinyin=text("pinyin") or "",
        content="",
        id_number=text("id"),
        id_valid=bool(p["id_valid"][r]),
        birth_date=date(b // 10000, b // 100 % 100, b % 100) if b > 0 else None,
        phone=text("phone"),
        address=text("address") or "",
        address_county=text("address_county"),
        issue_place=text("place") or "",
        place_county=text("place_county"),
        category=text("category") or "",
        account_id=text("account") or "",
    )


def _candidate_rows(ix: IntakeIndex, q: Filing, notes: list[str]) -> np.ndarray:
    parts = []
    for key in dict.fromkeys(person_keys(q)):
        rows = ix.person.get(key_hash(key))
        if len(rows) > MAX_POSTING:
            notes.append(
                f"“{key.split('|')[1]}”过于常见，未按此项查找；请补充身份证号、电话或住址。 / "
                f"“{key.split('|')[1]}” is too common to search by alone: add an ID number, phone or address."
            )
            continue
        parts.append(rows)
    if not (q.id_number or q.phone or q.account_id):
        for key in name_key(q):  # a name without ID or phone: all its filings, when not too many
            rows = ix.person.get(key_hash(key))
            if 0 < len(rows) <= MAX_POSTING:
                parts.append(rows)
    return np.unique(np.concatenate(parts)) if parts else np.empty(0, np.int32)


def name_count(ix: IntakeIndex, name: str) -> int:
    """Filings under this (normalised) name in the index."""
    found = ix.name_counts.get(key_hash("n|" + name))
    return int(found[0]) if len(found) else 0


def name_adjustment(ix: IntakeIndex, name: str) -> float:
    """The resolution's name-frequency adjustment of "same name" (ingest.resolve.resolver)."""
    count = name_count(ix, name)
    if not count:
        return 0.0
    share = count / max(ix.n_filings, 1)
    u = ix.model.fields[0].u[_SAME_NAME]
    return float(np.clip(np.log2(u / share), -6.0, 6.0))


@dataclass(slots=True)
class _Scored:
    pet: int
    profile: int
    weight: float
    levels: list[int]


def score_profile(
    ix: IntakeIndex, q: Filing, row: int, name_adjust: float | None = None
) -> tuple[float, list[int]]:
    """Match weight and comparison levels of the query against one profile: the weight resolution gives
    the same pair of filings (model weights plus the name-frequency adjustment)."""
    f = (
        without_generic(_profile_filing(ix, row, q), ix.generic)
        if ix.generic
        else _profile_filing(ix, row, q)
    )
    levels = [c.level(q, f) for c in DEFAULT_COMPARISONS]
    table = ix.model.weight_table()
    w = ix.model.prior_weight + sum(table[k][lv] for k, lv in enumerate(levels) if lv != NULL)
    if levels[0] == _SAME_NAME:
        w += name_adjustment(ix, q.name_norm) if name_adjust is None else name_adjust
    return w, levels


def score_people(ix: IntakeIndex, q: Filing, notes: list[str]) -> list[_Scored]:
    """Every candidate petitioner with its best-scoring profile, best first."""
    best: dict[int, _Scored] = {}
    pets = ix.prof["pet"]
    adjust = name_adjustment(ix, q.name_norm)
    for r in _candidate_rows(ix, q, notes).tolist():
        w, levels = score_profile(ix, q, r, adjust)
        p = int(pets[r])
        old = best.get(p)
        if old is None or w > old.weight:
            best[p] = _Scored(p, r, w, levels)
    return sorted(best.values(), key=lambda s: (-s.weight, ix.pet_ids[s.pet]))


def _match_level(s: _Scored, probability: float) -> MatchLevel:
    levels = np.asarray([s.levels], dtype=np.int8)
    if (probability >= _SETTINGS.accept and identity_evidence(levels)[0]) or account_decides(levels)[0]:
        return MatchLevel.SAME_PERSON
    about_person = s.levels[0] >= 1 or s.levels[1] >= 1 or s.levels[_ACCOUNT] == 1
    if about_person and (probability >= _SETTINGS.review or probability >= _SETTINGS.accept):
        return MatchLevel.POSSIBLE
    return MatchLevel.UNLIKELY


def _explain(ix: IntakeIndex, s: _Scored, q: Filing) -> tuple[str, ...]:
    lines = (*ix.model.explain(s.levels), f"先验 / prior ({ix.model.prior_weight:+.1f})")
    if s.levels[0] == _SAME_NAME:
        adj = round(name_adjustment(ix, q.name_norm), 1)
        if adj:
            word = "姓名少见 / uncommon name" if adj > 0 else "姓名常见 / common name"
            lines = (*lines, f"{word} ({adj:+.1f})")
    return lines


# --- comparing matters -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Matter:
    hashes: dict[int, tuple[int, str]]
    sig: np.ndarray | None


def _matter_of(q: Filing, query: IntakeQuery) -> _Matter:
    content = query.content.strip()
    parts = content_particulars(content, q.issue_place)
    sig = minhash_signatures([content])[0] if content else None
    return _Matter({particular_hash(k, v): (k, v) for k, v in parts}, sig)


def matter_score(
    ix: IntakeIndex, m: _Matter, row: int, jaccard: float | None = None
) -> tuple[float, tuple[str, ...]]:
    """How strongly the query's content and one filing are the same matter, with the reasons.

    Shared particulars (a sum, an area, a year, a company, an estate …) add their kind's weight, similar
    wording (MinHash Jaccard of character bigrams ≥ 0.55) adds 2 to 3; a kind both name with no value in
    common (two sums, two villages) is a different matter: −inf, as in issue resolution.
    """
    if m.sig is None:
        return 0.0, ()
    theirs = ix.particulars_of(row)
    their_kinds = {h & 0xF for h in theirs}
    shared = [m.hashes[h] for h in theirs if h in m.hashes]
    shared_kinds = {k for k, _ in shared}
    for k in {k for k, _ in m.hashes.values()} & their_kinds & CONFLICT_KINDS:
        if k not in shared_kinds:
            zh, en = KIND_NAMES[k]
            return float("-inf"), (f"{zh}不同 / different {en}",)
    score = sum(_KIND_WEIGHT.get(k, 1.0) for k, _ in shared)
    reasons = [f"同一{KIND_NAMES[k][0]} {v} / same {KIND_NAMES[k][1]}" for k, v in shared]
    jac = float((ix.sig[row] == m.sig).mean()) if jaccard is None else jaccard
    if jac >= 0.55:
        score += 2.0 + (jac - 0.55) / 0.45
    reasons.append(f"内容相似 {jac:.2f} / content similarity {jac:.2f}")
    return round(score, 2), tuple(reasons)


def _jaccards(ix: IntakeIndex, m: _Matter, rows: list[int]) -> list[float]:
    """MinHash Jaccard estimates of the query's content with many filings at once."""
    if m.sig is None or not rows:
        return [0.0] * len(rows)
    out: list[float] = (ix.sig[rows] == m.sig).mean(axis=1).tolist()
    return out


def _summary(ix: IntakeIndex, row: int, score: float, reasons: tuple[str, ...], bar: float) -> FilingSummary:
    st = int(ix.status[row])
    status = STATUSES[st] if st >= 0 else None
    received = date.fromordinal(int(ix.received[row]))
    c = int(ix.concluded[row])
    concluded = date.fromordinal(c) if c > 0 else None
    u, i = int(ix.unit[row]), int(ix.issue[row])
    return FilingSummary(
        filing_id=ix.filing_ids[row],
        received_date=received,
        status=status.value if status else "",
        unit=ix.units[u] if u >= 0 else "",
        concluded_date=concluded,
        issue_id=ix.issue_ids[i],
        issue_title=ix.issue_titles[i],
        same_matter=score >= bar,
        matter_score=score if score > float("-inf") else -99.0,
        matter_reasons=reasons,
        due=_due(status, received, concluded),
        title=ix.filing_titles.get(row, ""),
    )


def _due(status: Status | None, received: date, concluded: date | None) -> date | None:
    if status is Status.PENDING:
        return received + timedelta(days=ACCEPT_DAYS)
    if status in (Status.HANDLING, None) and concluded is None:
        return received + timedelta(days=HANDLING_DAYS)
    if status is Status.CONCLUDED and concluded is not None:
        return concluded + timedelta(days=REVIEW_DAYS)
    return None


# --- the check ---------------------------------------------------------------------------------------


def check_index(
    ix: IntakeIndex, query: IntakeQuery, *, top: int = 5, reveal: bool = False, today: date | None = None
) -> CheckResult:
    """The check on a loaded index (no audit line: `check` writes it)."""
    today = today or date.today()
    q = query_filing(query, today)
    notes: list[str] = []
    if ix.generic and (plain := without_generic(q, ix.generic)) is not q:
        notes.append(
            "所填电话、账号或住址为许多不同姓名的人共用（如村委会电话、社区账号），不作为身份依据。 / "
            "The phone, account or address given is shared by many people of different names (a village "
            "committee's phone, a community's account): it is not used to tell who this is."
        )
        q = plain
    if not query.content.strip():
        notes.append(
            "未填写反映内容，只查人、不比对事项。 / "
            "No content given: the person is looked up, the matter is not compared."
        )
    top = max(top, 1)
    scored = score_people(ix, q, notes)[: top + NAMESAKES]
    matter = _matter_of(q, query)
    candidates: list[Candidate] = []
    for rank, s in enumerate(scored):
        prob = float(1.0 / (1.0 + 2.0 ** (-s.weight)))
        level = _match_level(s, prob)
        if level is not MatchLevel.UNLIKELY and rank >= top:
            continue
        if level is MatchLevel.UNLIKELY and not (
            s.levels[0] >= NameComparison.SOUNDS_SAME and matter.sig is not None
        ):
            continue
        rows = list(ix.filings_of(s.pet))
        jac = _jaccards(ix, matter, rows)
        scores = [matter_score(ix, matter, r, j) for r, j in zip(rows, jac, strict=True)]
        same_issues = {
            int(ix.issue[r]) for r, (sc, _) in zip(rows, scores, strict=True) if sc >= SAME_PERSON_MATTER
        }
        similar = [_similar(sc, j) for (sc, _), j in zip(scores, jac, strict=True)]
        if level is MatchLevel.UNLIKELY:
            if not any(similar):
                continue
            level = MatchLevel.POSSIBLE  # a namesake whose filings are on a similar matter: ask, never skip
        order = sorted(
            range(len(rows)),
            key=lambda k: (int(ix.issue[rows[k]]) not in same_issues, -scores[k][0], k),  # rows: newest first
        )[:10]
        ranked = [
            replace(_summary(ix, rows[k], *scores[k], SAME_PERSON_MATTER), similar=similar[k]) for k in order
        ]
        p, st = ix.prof, ix.strings
        r = s.profile
        name = st[int(p["name"][r])] if int(p["name"][r]) >= 0 else ""
        account = st[int(p["account"][r])] if int(p["account"][r]) >= 0 else ""
        idn = st[int(p["id"][r])] if int(p["id"][r]) >= 0 else ""
        phone = st[int(p["phone"][r])] if int(p["phone"][r]) >= 0 else ""
        county = county_by_code(st[c]) if (c := int(p["address_county"][r])) >= 0 else None
        candidates.append(
            Candidate(
                petitioner_id=ix.pet_ids[s.pet],
                name=name,
                id_number=masked(idn, "id_number", reveal=reveal),
                phone=masked(phone, "phone", reveal=reveal),
                county=county.name if county else "",
                score=round(s.weight, 2),
                probability=round(prob, 4),
                match=level,
                evidence=_explain(ix, s, q),
                filings_total=len(rows),
                filings=tuple(ranked),
                account_id=account,
            )
        )
    # a namesake on this very matter found past the first `top` comes before the others of the first `top`
    candidates.sort(
        key=lambda c: (c.match is not MatchLevel.SAME_PERSON, not any(f.same_matter for f in c.filings))
    )
    candidates = candidates[:top]
    shown: list[str] = []
    for c in candidates:
        shown.append(c.petitioner_id)
        shown.extend(x.filing_id for x in c.filings)
    if not candidates and not (q.id_number or q.phone) and (same_name := name_count(ix, q.name_norm)):
        notes.append(
            f"已有 {same_name} 件信访件署名“{q.name_norm}”，仅凭姓名无法确认是否同一人；"
            "请补充身份证号、电话或住址。 / "
            f"{same_name} filings are signed “{q.name_norm}”: a name alone cannot tell who this is; "
            "add an ID number, phone or address."
        )
    groups = _group_issues(
        ix, matter, {c.petitioner_id for c in candidates if c.match is MatchLevel.SAME_PERSON}
    )
    candidates = _own_group_matter(candidates, groups)
    shown.extend(g.latest.filing_id for g in groups)
    rec, explanation = recommend(candidates, groups, today)
    return CheckResult(
        asked=asked_of(query),
        candidates=tuple(candidates),
        group_issues=tuple(groups),
        recommendation=rec,
        explanation=explanation,
        notes=tuple(dict.fromkeys(notes)),
        index_built_at=ix.built_at,
        shown=tuple(dict.fromkeys(shown)),
    )


def _own_group_matter(candidates: list[Candidate], groups: list[IssueMatch]) -> list[Candidate]:
    """When the content matches a group matter the person has filed on before (in other words than the
    others'), that person's filings on it are the same matter."""
    ids = {g.issue_id for g in groups}
    out = []
    for c in candidates:
        if c.match is MatchLevel.SAME_PERSON and not any(f.same_matter for f in c.filings):
            if any(f.issue_id in ids for f in c.filings):
                marked = tuple(replace(f, same_matter=True) if f.issue_id in ids else f for f in c.filings)
                c = replace(c, filings=tuple(sorted(marked, key=lambda f: not f.same_matter)))
        out.append(c)
    return out


def _group_issues(ix: IntakeIndex, m: _Matter, own: set[str]) -> list[IssueMatch]:
    """Other people's issues on the same matter that involve several people."""
    if m.sig is None:
        return []
    keys = [h for h, (k, _) in m.hashes.items() if k in ISSUE_KEY_KINDS] + lsh_keys(m.sig)[0].tolist()
    hits: dict[int, int] = {}
    for h in keys:
        found = ix.issue_lookup.get(h)
        if len(found) > MAX_POSTING:
            continue
        for i in found.tolist():
            hits[i] = hits.get(i, 0) + 1
    out: list[IssueMatch] = []
    for i in sorted(hits, key=lambda i: -hits[i])[:MAX_ISSUES]:
        if ix.issue_people[i] < GROUP_PEOPLE and ix.issue_headcount[i] < GROUP_HEADCOUNT:
            continue
        rows = ix.issue_rows[int(ix.issue_filings[i]) : int(ix.issue_filings[i + 1])].tolist()
        if all(ix.pet_ids[int(ix.filing_pet[r])] in own for r in rows):
            continue
        rows = rows[:12]
        jac = _jaccards(ix, m, rows)
        best = max(
            ((matter_score(ix, m, r, j), r) for r, j in zip(rows, jac, strict=True)), key=lambda t: t[0][0]
        )
        (score, reasons), r = best
        if score < OTHER_PERSON_MATTER:
            continue
        latest = max(rows, key=lambda r: int(ix.received[r]))
        out.append(
            IssueMatch(
                issue_id=ix.issue_ids[i],
                title=ix.issue_titles[i],
                people=int(ix.issue_people[i]),
                headcount=int(ix.issue_headcount[i]),
                matter_score=score,
                matter_reasons=reasons,
                latest=_summary(ix, latest, score, reasons, OTHER_PERSON_MATTER),
            )
        )
    out.sort(key=lambda g: -g.matter_score)
    return out[:3]


def recommend(
    candidates: Sequence[Candidate], groups: Sequence[IssueMatch], today: date
) -> tuple[Recommendation, tuple[str, ...]]:
    """The recommendation and what to tell the petitioner, by the rules of ../shared/domain.md."""
    same = [c for c in candidates if c.match is MatchLevel.SAME_PERSON]
    matter = [(c, f) for c in same for f in c.filings if f.same_matter]
    if matter:
        c, _ = matter[0]
        issue = next(f.issue_id for f in c.filings if f.same_matter)
        on_issue = [f for f in c.filings if f.issue_id == issue]
        open_ = [f for f in on_issue if f.status in _IN_HANDLING or (not f.status and not f.concluded_date)]
        who = f"信访人 {c.petitioner_id}（{c.name}）/ petitioner {c.petitioner_id} ({c.name})"
        if open_:
            f = max(open_, key=lambda f: f.received_date)
            return Recommendation.SAME_MATTER_IN_HANDLING, (who, *_in_handling(f, today))
        final = [f for f in on_issue if f.status == Status.FINAL]
        if final:
            f = max(final, key=lambda f: f.received_date)
            return Recommendation.SAME_MATTER_CONCLUDED, (
                who,
                f"该事项已于复核后终结（{f.filing_id}），同一事实和理由不再受理。 / "
                f"The matter was concluded after re-review ({f.filing_id}): the same matter "
                "on the same facts and grounds is not accepted again.",
            )
        f = max(on_issue, key=lambda f: f.received_date)
        return Recommendation.SAME_MATTER_CONCLUDED, (who, *_concluded(f, today))
    similar = [(c, f) for c in candidates for f in c.filings if f.similar]
    if similar:
        c, f = similar[0]
        if c.match is MatchLevel.SAME_PERSON:
            return Recommendation.POSSIBLE_SAME_MATTER, (
                f"信访人已知（{c.petitioner_id}，{c.filings_total} 件），其信访件 {f.filing_id}"
                f"（{f.received_date}，{f.status or '状态不明'}）与本次内容相近：请与信访人核对是否同一事项；"
                "确不是的，才按新事项登记。 / "
                f"Known petitioner ({c.petitioner_id}, {c.filings_total} filings); filing {f.filing_id} "
                f"({f.received_date}, {f.status or 'status unknown'}) is on a similar matter: check with the "
                "petitioner whether it is the same; register it as new only if it is not.",
            )
        return Recommendation.POSSIBLE_SAME_MATTER, (
            f"可能是已知信访人 {c.petitioner_id}（{c.name or '无姓名'}）反映过的同一事项"
            f"（{f.filing_id}，{f.received_date}，{f.status or '状态不明'}）：请核实身份证号或联系电话，"
            "并与信访人核对下列信访件；确认不是同一人或同一事项后，才按新事项登记。 / "
            f"Possibly the same matter already raised by known petitioner {c.petitioner_id} "
            f"({f.filing_id}, {f.received_date}, {f.status or 'status unknown'}): ask for the ID number or "
            "phone and check the filings below with the petitioner; register it as new only once it is not "
            "the same person or matter.",
        )
    if groups:
        g = groups[0]
        f = g.latest
        lines = [
            f"内容与他人已反映的事项“{g.title}”（{g.issue_id}，{g.people} 人）相同，可能是群体事项，"
            "应与该事项合并办理。 / "
            f"The content matches a matter already raised by others ({g.issue_id}, {g.people} people): "
            "likely a group matter, to be handled together with it.",
            f"最近一件 / latest filing {f.filing_id}（{f.received_date}，"
            f"{f.status or '状态不明 / status unknown'}，"
            f"{f.unit or '责任单位不明 / unit unknown'}）",
        ]
        return Recommendation.LIKELY_GROUP_MATTER, tuple(lines)
    if same:
        c = same[0]
        return Recommendation.NEW_MATTER, (
            f"信访人已知（{c.petitioner_id}，{c.filings_total} 件），其以往信访件中未能认出同一事项："
            "请与信访人核对下列信访件，确非同一事项的，按新事项登记。 / "
            f"Known petitioner ({c.petitioner_id}, {c.filings_total} filings); none of their filings "
            "could be recognised as this matter: check the filings below with the petitioner, and register "
            "it as a new matter if it is none of them.",
        )
    possible = [c for c in candidates if c.match is MatchLevel.POSSIBLE]
    if possible:
        return Recommendation.NEW_MATTER, (
            "未确认为已知信访人：请核对下列可能的同一人后再登记。 / "
            "Not a confirmed known petitioner: check the possible matches listed before registering.",
        )
    return Recommendation.NEW_MATTER, (
        "未找到可确认的同一人或同一事项：按新事项登记。 / "
        "No confirmed record of this person or of this matter: a new matter.",
    )


def _in_handling(f: FilingSummary, today: date) -> tuple[str, ...]:
    unit = f.unit or "责任单位不明 / unit unknown"
    status = f.status or "状态不明 / status unknown"
    lines = [
        f"同一事项正在办理（{f.filing_id}，{f.received_date} 登记，{status}），不再重复受理。 / "
        f"The same matter is being handled ({f.filing_id}, registered {f.received_date}): "
        "not accepted again.",
        f"办理单位 / handled by: {unit}",
    ]
    if f.status == Status.PENDING:
        lines.append(
            f"应于 {f.due} 前决定是否受理（登记后 15 日）。 / Acceptance to be decided by {f.due} "
            "(15 days from registration)."
        )
    elif f.status in (Status.REVIEW, Status.RE_REVIEW):
        word = "复查" if f.status == Status.REVIEW else "复核"
        en = "review" if f.status == Status.REVIEW else "re-review"
        lines.append(
            f"{word}机关应自收到申请之日起 30 日内答复。 / "
            f"The {en} body answers within 30 days of the request."
        )
    elif f.due is not None:
        late = (today - f.due).days
        lines.append(
            f"办理期限：{f.due}（自受理起 60 日，受理日期未登记时按登记日期计；经批准可延长 30 日）"
            + (f"，已超期 {late} 日" if late > 0 else "")
            + f"。 / Due {f.due} (60 days from acceptance, counted from registration when acceptance is not "
            "recorded; extendable by 30 days with approval)"
            + (f": overdue by {late} days." if late > 0 else ".")
        )
    return tuple(lines)


def _concluded(f: FilingSummary, today: date) -> tuple[str, ...]:
    if f.status == Status.REJECTED:
        return (
            f"同一事项曾不予受理（{f.filing_id}，{f.received_date}）：告知原决定；"
            "如有新的事实和理由，可作新事项登记。 / "
            f"The same matter was not accepted before ({f.filing_id}, {f.received_date}): "
            "tell the petitioner "
            "that decision; only new facts or grounds make it a new matter.",
        )
    when = f.concluded_date.isoformat() if f.concluded_date else "日期不明 / date unknown"
    lines = [
        f"同一事项已办结（{f.filing_id}，{when}，{f.unit or '责任单位不明 / unit unknown'}），"
        "不作新事项受理。 / "
        f"The same matter was concluded ({f.filing_id}, {when}): not accepted as a new matter."
    ]
    if f.due is not None and f.due >= today:
        lines.append(
            f"不服处理意见的，可在 {f.due} 前（书面答复之日起 30 日内）向上一级机关申请复查；"
            "复查意见 30 日内答复，不服可再在 30 日内申请复核。 / "
            f"If dissatisfied, the petitioner may ask the body one level up for a review by {f.due} (30 days "
            "from the written answer); the review is answered within 30 days, and a re-review may be asked "
            "within 30 days of that."
        )
    else:
        lines.append(
            "申请复查的 30 日期限已过或无法确定；已复查的，可在收到复查意见 30 日内申请复核。 / "
            "The 30 days for asking a review have passed or cannot be told; "
            "after a review, a re-review may be asked within 30 days of its answer."
        )
    return tuple(lines)


def check(
    ws: Workspace,
    query: IntakeQuery,
    *,
    top: int = 5,
    reveal: bool = False,
    user: str | None = None,
    today: date | None = None,
) -> CheckResult:
    """Check a person and matter before intake, on the workspace's warm index; the check is audit-logged.

    Raises IntakeError (empty name) or caselink.intake_index.IndexMissing (nothing ingested yet).
    """
    ix = cached_index(ws)
    result = check_index(ix, query, top=top, reveal=reveal, today=today)
    audit.record(
        ws.audit_log,
        "check",
        user=user,
        asked=result.asked,
        shown=list(result.shown),
        recommendation=result.recommendation.value,
        revealed=reveal,
    )
    return result
