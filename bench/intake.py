"""Duplicate-filing check (caselink check): top-1 accuracy on held-out refilings; latency at 1M petitioners.

    python bench/intake.py                           # both parts
    python bench/intake.py --skip-latency            # accuracy only (30k filings, full resolution)
    python bench/intake.py --skip-accuracy --petitioners 1000000 --checks 2000
    python bench/intake.py --skip-accuracy --skip-latency   # the real message board only (reposts by account)

Accuracy (goal: top-1 ≥ 0.98). `caselink demo-data` writes `--filings` filings with ground truth. Of the
people with 3 or more filings, `--held-out` are picked at random and their latest filing is held out (a
refiling). The rest is resolved in full (ingest.resolve.resolve_with_report, as `caselink ingest` does) and
the intake index built from that resolution; each held-out filing is then checked with its name, ID number,
phone, address, place and content as written. A check is right when its first candidate is the resolved
petitioner whose filings are mostly the true person's. Also printed: how often that candidate is rated the
*same person*, whether its filings marked "same matter" are the true issue, and what the check says for
strangers (people whose every filing was held out: a false "same person" is a wrong refusal).

Latency (goals: p95 ≤ 20 ms, p99 ≤ 50 ms, with the audit log on). Resolving a million petitioners takes many
minutes and more than 5 GB, so the 1M index is built directly from generated records: the cached 1M-filing
demo set (bench/ingest.py's, about 430k people) is validated by the real ingest pipeline, petitioners and
issues are taken from its ground truth, and more people are added until there are `--petitioners` of them:
each added person copies a real person's first filing (same address, place and content, so blocks and
issues are as crowded as real ones) under another real person's name, a new valid ID number with the same
region and a new phone. The scoring model is the one resolution fits on the first 30k filings. The index is
saved into a temporary workspace and loaded through `cached_index` (the warm path the dashboards use); the
checks are made with `caselink.intake.check`, which appends each one to the workspace's audit log. Queries:
filings of real people (as written) and strangers, in equal parts. Wall times on the shared 2-core machine
include waiting for the CPU; the CPU time of each check is printed beside them.

Measured 2026-11-24 (`python bench/intake.py`, load average about 5 from other work on the machine):
- accuracy, 30k filings: top-1 0.996 (996/1000), rated same person 0.995; "same matter" precision 1.000,
  recall 0.926; strangers wrongly taken for a known person 8/500 (namesakes in one village, relatives
  sharing phone and address: the pairs resolution links too); likely group matter right 237/246, and
  said for 223 of the 251 strangers whose matter 3+ others had raised;
- latency, 1,000,000 petitioners (1.63M filings), audit on: wall p50 1.3 ms, p95 7.4 ms, p99 13.5 ms
  (max 300 ms: one stall); CPU p50 1.2 ms, p95 3.2 ms, p99 4.6 ms; index 642 MiB on disk, loaded in
  1.7 s, 1.3 GB resident; built in 154 s on a quiet machine (794 s at load average 15–48).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import random
import resource
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np

# Run as a script, bench/ is sys.path[0] and bench/ingest.py would shadow the ingest package.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from caselink.demo_data import generate  # noqa: E402
from caselink.intake import IntakeQuery, MatchLevel, Recommendation, check, check_index  # noqa: E402
from caselink.intake_index import build_from_resolution, build_index, cached_index, index_path, save_index  # noqa: E402
from caselink.workspace import Workspace  # noqa: E402
from ingest.read import read_and_validate  # noqa: E402
from ingest.read.normalise import id_check_char, name_pinyin  # noqa: E402
from ingest.records import Filing  # noqa: E402
from ingest.resolve import resolve_petitioners, resolve_with_report  # noqa: E402

CACHE = Path("/tmp/caselink-bench")


def demo(n: int, seed: int) -> Path:
    """The demo data set of n filings (made once, cached)."""
    out = CACHE / f"demo-{n}-{seed}"
    if not (out / "manifest.json").exists():
        print(f"generating {n:,} filings (seed {seed}) into {out} …", flush=True)
        generate(n, seed, out)
    return out


def truth(data: Path) -> tuple[dict[str, str], dict[str, str]]:
    """filing_id → true person, filing_id → true issue."""
    person, issue = {}, {}
    with (data / "truth_filings.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            person[r["filing_id"]] = r["person_id"]
            issue[r["filing_id"]] = r["issue_id"]
    return person, issue


def query_of(f: Filing) -> IntakeQuery:
    """A check made from a filing's fields as written."""
    return IntakeQuery(
        name=f.petitioner_name,
        id_number=f.id_number or "",
        phone=f.phone or "",
        address=f.address,
        place=f.issue_place,
        content=f.content,
    )


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(values), p)) if values else float("nan")


# --- accuracy ------------------------------------------------------------------------------------------


def accuracy(n_filings: int, seed: int, held_out: int) -> None:
    data = demo(n_filings, seed)
    person, issue = truth(data)
    today = date.fromisoformat(_manifest_today(data))
    v = read_and_validate(data / "filings.csv", data / "transfers.csv", today=today)
    filings = v.filings
    by_person: dict[str, list[Filing]] = defaultdict(list)
    for f in filings:
        by_person[person[f.filing_id]].append(f)
    rng = random.Random(seed)
    several = sorted(p for p, fs in by_person.items() if len(fs) >= 3)
    picked = rng.sample(several, min(held_out, len(several)))
    held = [max(by_person[p], key=lambda f: (f.received_date, f.filing_id)) for p in picked]
    singles = sorted(p for p, fs in by_person.items() if len(fs) == 1)
    strangers = [by_person[p][0] for p in rng.sample(singles, min(held_out // 2, len(singles)))]
    out = {f.filing_id for f in held} | {f.filing_id for f in strangers}
    kept = [f for f in filings if f.filing_id not in out]
    transfers = [t for t in v.transfers if t.filing_id not in out]
    t0 = time.perf_counter()
    res, report = resolve_with_report(kept, transfers)
    t_resolve = time.perf_counter() - t0
    t0 = time.perf_counter()
    ix = build_from_resolution(res, report.model)
    t_build = time.perf_counter() - t0
    majority: dict[str, str] = {}
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for fid, pid in res.petitioner_of.items():
        votes[pid][person[fid]] += 1
    for pid, c in votes.items():
        majority[pid] = c.most_common(1)[0][0]

    top1 = same_person = matter_hit = matter_any = matter_wrong = 0
    recs: Counter[str] = Counter()
    lat: list[float] = []
    misses: list[str] = []
    for f in held:
        t = time.perf_counter()
        r = check_index(ix, query_of(f), today=today)
        lat.append((time.perf_counter() - t) * 1000)
        recs[r.recommendation.value] += 1
        first = r.candidates[0] if r.candidates else None
        if first is not None and majority[first.petitioner_id] == person[f.filing_id]:
            top1 += 1
            same_person += first.match is MatchLevel.SAME_PERSON
            truth_issue = issue[f.filing_id]
            mine = [x for x in first.filings if x.same_matter]
            if mine:
                matter_any += 1
                if any(issue[x.filing_id] == truth_issue for x in mine):
                    matter_hit += 1
                else:
                    matter_wrong += 1
        elif len(misses) < 8:
            got = f"{first.petitioner_id} ({first.name}, {first.score:+.1f})" if first else "none"
            misses.append(
                f"{f.filing_id} {f.petitioner_name} id={bool(f.id_number)} phone={bool(f.phone)} → {got}"
            )
    had_issue = sum(
        any(issue[x.filing_id] == issue[f.filing_id] for x in by_person[person[f.filing_id]] if x is not f)
        for f in held
    )
    wrong_person = 0
    stranger_recs: Counter[str] = Counter()
    group_right = group_due = group_found = 0
    false_matches: list[str] = []
    people_on: dict[str, set[str]] = defaultdict(set)
    for x in kept:
        people_on[issue[x.filing_id]].add(person[x.filing_id])
    for f in strangers:
        r = check_index(ix, query_of(f), today=today)
        stranger_recs[r.recommendation.value] += 1
        is_group = r.recommendation is Recommendation.LIKELY_GROUP_MATTER
        if is_group:
            group_right += issue[r.group_issues[0].latest.filing_id] == issue[f.filing_id]
        if len(people_on[issue[f.filing_id]]) >= 3:  # truth: others raised this matter, 3+ people
            group_due += 1
            group_found += is_group
        wrong = [c for c in r.candidates if c.match is MatchLevel.SAME_PERSON]
        wrong_person += bool(wrong)
        if wrong and len(false_matches) < 5:
            c = wrong[0]
            false_matches.append(
                f"{f.petitioner_name} → {c.petitioner_id} {c.name}: " + "; ".join(c.evidence[:4])
            )
    n = len(held)
    print(f"\n== accuracy: {n_filings:,} demo filings (seed {seed}), full resolution of {len(kept):,} ==")
    print(f"resolve {t_resolve:.1f} s, index build {t_build:.2f} s ({ix.n_petitioners:,} petitioners)")
    print(f"held-out refilings of people with 3+ filings: {n}")
    print(f"top-1 right person:            {top1 / n:.4f}  ({top1}/{n})   goal ≥ 0.98")
    print(f"  … and rated same person:     {same_person / n:.4f}")
    print(f"refilings on a matter the person raised before (truth): {had_issue}")
    print(
        f"same-matter flagged on the right person: {matter_any}, of which the true issue: {matter_hit} "
        f"(precision {matter_hit / max(matter_any, 1):.3f}, recall {matter_hit / max(had_issue, 1):.3f})"
    )
    print(f"recommendations for refilings: {dict(recs)}")
    print(
        f"strangers: {len(strangers)}, wrongly rated same person: {wrong_person}; "
        f"recommendations {dict(stranger_recs)}"
    )
    print(f"  likely group matter: the true issue in {group_right} of {stranger_recs['likely_group_matter']}")
    print(f"  strangers on a matter 3+ others raised (truth): {group_due}, told group matter: {group_found}")
    print(
        f"check latency on this index (no audit): p50 {percentile(lat, 50):.2f} ms, "
        f"p95 {percentile(lat, 95):.2f} ms"
    )
    for m in misses:
        print("  miss:", m)
    for m in false_matches:
        print("  stranger taken for a known person:", m)

    # Name, place and content only (no ID, no phone, no address), as a visitor often gives them: where the
    # truth is a matter the person raised before, the answer must never be "new matter".
    known = [
        f
        for f in held
        if any(issue[x.filing_id] == issue[f.filing_id] for x in by_person[person[f.filing_id]] if x is not f)
    ][:500]
    plain: Counter[str] = Counter()
    new_examples: list[str] = []
    for f in known:
        q = IntakeQuery(name=f.petitioner_name, place=f.issue_place, content=f.content)
        r = check_index(ix, q, today=today)
        plain[r.recommendation.value] += 1
        if r.recommendation is Recommendation.NEW_MATTER and len(new_examples) < 5:
            new_examples.append(f"{f.filing_id} {f.petitioner_name}: " + " ".join(r.notes)[:120])
    print(f"\nname + place + content only, {len(known)} refilings of a known matter (truth):")
    print(f"  recommendations {dict(plain)}; new_matter {plain['new_matter']} (goal 0)")
    for m in new_examples:
        print("  answered new matter:", m)


def _manifest_today(data: Path) -> str:
    import json

    return str(json.loads((data / "manifest.json").read_text())["today"])


# --- latency -------------------------------------------------------------------------------------------


def _new_id(rng: random.Random, region: str) -> tuple[str, date]:
    born = date(rng.randint(1940, 2002), rng.randint(1, 12), rng.randint(1, 28))
    first17 = f"{region}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + id_check_char(first17), born


def expand(
    filings: list[Filing], person: dict[str, str], target: int, seed: int
) -> tuple[list[Filing], dict[str, str]]:
    """More people, copied from real ones (see the module docstring), until there are `target`."""
    rng = random.Random(seed)
    first: dict[str, Filing] = {}
    for f in filings:
        first.setdefault(person[f.filing_id], f)
    people = list(first.values())
    names = [(f.petitioner_name, f.name_norm, f.name_pinyin) for f in people]
    extra: list[Filing] = []
    owner = dict(person)
    k = 0
    while len(first) + len(extra) < target:
        src = people[k % len(people)]
        k += 1
        raw, norm, py = names[rng.randrange(len(names))]
        region = (src.id_number or "130100000000000000")[:6]
        idn, born = _new_id(rng, region)
        fid = f"X{k:08d}"
        extra.append(
            replace(
                src, filing_id=fid, petitioner_name=raw, name_norm=norm, name_pinyin=py or name_pinyin(norm),
                id_number=idn, id_valid=True, birth_date=born, id_region=region,
                phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}", co_petitioners=(),
            )
        )  # fmt: skip
        owner[fid] = f"XP{k:08d}"
    return filings + extra, owner


def build_large(n_people: int, n_checks: int, seed: int, ws: Workspace) -> tuple[list[IntakeQuery], date]:
    """Build the large index into `ws` (see the module docstring) and the queries to time."""
    data = demo(1_000_000, 7)
    person, issue = truth(data)
    today = date.fromisoformat(_manifest_today(data))
    t0 = time.perf_counter()
    v = read_and_validate(data / "filings.csv", None, today=today)
    print(f"validated {len(v.filings):,} filings in {time.perf_counter() - t0:.0f} s", flush=True)
    model = resolve_petitioners(v.filings[:30_000]).report.model
    filings, owner = expand(v.filings, person, n_people, seed)
    t0 = time.perf_counter()
    ix = build_index(filings, owner, {**issue, **{f: "X" + f for f in owner if f.startswith("X")}}, model)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    save_index(ws, ix)
    print(
        f"index of {len(filings):,} filings built in {t_build:.0f} s, "
        f"saved in {time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    rng = random.Random(seed + 1)
    known = [query_of(f) for f in rng.sample(v.filings, n_checks // 2)]
    strangers = []
    for _ in range(n_checks - len(known)):
        src = rng.choice(v.filings)
        other = rng.choice(v.filings)
        idn, _ = _new_id(rng, (src.id_number or "130100000000000000")[:6])
        phone = f"139{rng.randrange(10**8):08d}"
        strangers.append(
            IntakeQuery(other.petitioner_name, idn, phone, src.address, src.issue_place, other.content)
        )
    queries = known + strangers
    rng.shuffle(queries)
    return queries, today


def latency(n_people: int, n_checks: int, seed: int, rebuild: bool) -> None:
    """Time checks on the large index; the index and queries are cached under CACHE (--rebuild makes them
    again), so the timing can be repeated when the shared machine is quiet."""
    ws = Workspace.open(CACHE / f"intake-ws-{n_people}-{seed}")
    saved = ws.root / "queries.json"  # JSON, not a pickle: nothing read from a workspace can run code
    print(f"\n== latency: {ws.root}", flush=True)
    if rebuild or not saved.exists() or not index_path(ws).exists():
        queries, today = build_large(n_people, n_checks, seed, ws)
        payload = {"today": today.isoformat(), "queries": [dataclasses.astuple(q) for q in queries]}
        saved.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    loaded = json.loads(saved.read_text(encoding="utf-8"))
    queries, today = [IntakeQuery(*q) for q in loaded["queries"]], date.fromisoformat(loaded["today"])
    ws.audit_log.unlink(missing_ok=True)
    t0 = time.perf_counter()
    ix = cached_index(ws)
    t_load = time.perf_counter() - t0
    size = index_path(ws).stat().st_size
    for q in queries[:50]:  # warm-up (pinyin and county caches of the process)
        check(ws, q, user="bench", today=today)
    wall: list[float] = []
    cpu: list[float] = []
    recs: Counter[str] = Counter()
    for q in queries:
        t, c = time.perf_counter(), time.process_time()
        r = check(ws, q, user="bench", today=today)
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        recs[r.recommendation.value] += 1
    lines = len(ws.audit_log.read_text(encoding="utf-8").splitlines())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"index: {ix.n_petitioners:,} petitioners, {ix.n_filings:,} filings, {size / 2**20:.0f} MiB on disk, "
        f"loaded in {t_load:.1f} s; peak RSS {rss:,.0f} MiB"
    )
    print(f"{len(wall):,} checks with the audit log on ({lines:,} audit lines); half known people, half not")
    for label, xs in (("wall", wall), ("cpu ", cpu)):
        print(
            f"latency {label} ms: p50 {percentile(xs, 50):.2f}  p95 {percentile(xs, 95):.2f} (goal ≤ 20)  "
            f"p99 {percentile(xs, 99):.2f} (goal ≤ 50)  max {max(xs):.2f}"
        )
    print(f"recommendations: {dict(recs)}")
    try:
        load = open("/proc/loadavg").read().split()[0]
        print(f"machine load average during the run: {load} (2 shared cores: wall times include waiting)")
    except OSError:
        pass


# --- real data ---------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
REAL_EXPORT = ROOT.parent / "shared" / "realdata" / "message_board_replies.xlsx"
REAL_MAPPING = ROOT / "docs" / "examples" / "message-board-mapping.csv"
REAL_LABELS = ROOT / "bench" / "realdata" / "labels.csv"


def realdata() -> None:
    """Reposts by the same account on the real message board: of each account's messages on one hand-labelled
    matter, the latest is held out, everything else is resolved and indexed, and the held-out message is
    checked with its account and text. Right: the first candidate is the account's petitioner; also printed,
    how often the check says "same matter" with an earlier message of that matter first."""
    v = read_and_validate(REAL_EXPORT, mapping_path=REAL_MAPPING)
    with REAL_LABELS.open(encoding="utf-8") as fh:
        matter = {r["message_id"]: r["matter_id"] for r in csv.DictReader(fh)}
    groups: dict[tuple[str, str], list[Filing]] = defaultdict(list)
    for f in v.filings:
        if f.filing_id in matter:
            groups[(f.account_id, matter[f.filing_id])].append(f)
    held = [max(fs, key=lambda f: (f.received_date, f.filing_id)) for fs in groups.values() if len(fs) >= 2]
    out = {f.filing_id for f in held}
    res, report = resolve_with_report([f for f in v.filings if f.filing_id not in out], [])
    ix = build_from_resolution(res, report.model)
    pet_of_account = {
        f.account_id: res.petitioner_of[f.filing_id] for f in v.filings if f.filing_id not in out
    }
    top1 = same = first_right = near = near_same = 0
    recs: Counter[str] = Counter()
    for f in held:
        r = check_index(
            ix, IntakeQuery(name="", account_id=f.account_id, content=f.content), today=date.today()
        )
        recs[r.recommendation.value] += 1
        c = r.candidates[0] if r.candidates else None
        if c is None or c.petitioner_id != pet_of_account[f.account_id]:
            continue
        top1 += 1
        flagged = [x for x in c.filings if x.same_matter]
        verbatim = any(
            f"内容相似 {j}" in " ".join(x.matter_reasons) for x in c.filings for j in ("0.8", "0.9", "1.0")
        )
        near += verbatim
        near_same += verbatim and bool(flagged)
        same += bool(flagged)
        first_right += bool(flagged) and matter.get(c.filings[0].filing_id) == matter[f.filing_id]
    n = len(held)
    print(f"\n== real data: {REAL_EXPORT.name}, reposts by the same account (hand-labelled matters) ==")
    print(f"held-out reposts: {n} (accounts with 2+ messages on one labelled matter)")
    print(f"top-1 the account's petitioner: {top1 / n:.4f} ({top1}/{n})   goal ≥ 0.98")
    print(f"  … said same matter: {same} ({same / n:.3f}); an earlier message of it first: {first_right}")
    print(
        f"  near-verbatim (text similarity ≥ 0.8 with an earlier one): {near}, said same matter {near_same}"
    )
    print(f"recommendations: {dict(recs)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--filings", type=int, default=30_000, help="demo filings for the accuracy part")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--held-out", type=int, default=1000)
    ap.add_argument("--petitioners", type=int, default=1_000_000)
    ap.add_argument("--checks", type=int, default=2000)
    ap.add_argument("--skip-accuracy", action="store_true")
    ap.add_argument("--skip-latency", action="store_true")
    ap.add_argument("--skip-realdata", action="store_true", help="skip the real message-board case")
    ap.add_argument("--rebuild", action="store_true", help="build the large index again (else reused)")
    args = ap.parse_args()
    if not args.skip_accuracy:
        accuracy(args.filings, args.seed, args.held_out)
    if not args.skip_realdata:
        realdata()
    if not args.skip_latency:
        latency(args.petitioners, args.checks, args.seed, args.rebuild)


if __name__ == "__main__":
    main()
