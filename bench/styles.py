"""Both demo-data styles side by side, one set of settings: resolution and pattern detection against truth.

    python bench/styles.py [--filings 20000] [--seed 7] [--region 37,45,62] [--cache DIR]

For each style (`caselink demo-data --style standard` and `--style varied`, same size, seed and regions) the
data are generated once into --cache, validated and resolved as `caselink ingest` does
(ingest.resolve.resolve: petitioners, units and issues all resolved, nothing taken from the truth), loaded
into the embedded store,
and the pattern queries are run with their default parameters. Printed per style:
- issues: pairwise and B-cubed precision / recall / F1 of filing → issue;
- units: pairwise P/R/F1 of every unit mention (responsible unit, routing from / to);
- petitioners: pairwise P/R/F1 of filing → petitioner;
- patterns: P/R/F1 over filings of what each query returns against the same pattern computed from the
  generator's truth (true petitioner, true issue, true receiving body, home counties), as shared/domain.md
  defines it:
  repeat — the filings of one petitioner on one issue when there are 2 or more;
  multi-channel — those groups' filings when they came through 2 or more channels, or reached 2 different
    receiving bodies (truth_details.csv's receiving_unit_id) within 30 days;
  skip-level — visits (来访) received above county level with no earlier filing of that petitioner on that
    issue at county level or below;
  cross-county — the filings of an issue whose filers and co-signers live in 2 or more counties, and
    co-signed filings whose signers do.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

# bench/ holds scripts named like the project's packages (bench/ingest.py): keep it off the import path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from bench.accuracy_units_issues import Scores, bcubed, pairwise, units_scores  # noqa: E402
from caselink.demo_data import GENERATOR_VERSION, STYLES, generate  # noqa: E402
from caselink.demo_varied import VARIED_VERSION  # noqa: E402
from graph.memory_store import MemoryStore  # noqa: E402
from ingest.load import load  # noqa: E402
from ingest.read import read_and_validate  # noqa: E402
from ingest.records import Filing, Resolution  # noqa: E402
from ingest.resolve import resolve  # noqa: E402
from queries.run import run_query  # noqa: E402

LOCAL = ("乡镇", "县")
PATTERNS = ("repeat-petitions", "multi-channel", "skip-level", "cross-county")


def _set_scores(truth: set[str], found: set[str]) -> Scores:
    both = len(truth & found)
    p = both / len(found) if found else 1.0
    r = both / len(truth) if truth else 1.0
    return Scores(p, r, 2 * p * r / (p + r) if p + r else 0.0)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def truth_patterns(data: Path, filings: list[Filing]) -> dict[str, set[str]]:
    """The filings each pattern holds, computed from the generator's truth."""
    truth = {r["filing_id"]: r for r in _rows(data / "truth_filings.csv")}
    body = {r["filing_id"]: r["receiving_unit_id"] for r in _rows(data / "truth_details.csv")}
    county = {r["person_id"]: r["county"] for r in _rows(data / "truth_people.csv")}
    groups: dict[tuple[str, str], list[Filing]] = defaultdict(list)
    signers: dict[str, set[str]] = defaultdict(set)
    out: dict[str, set[str]] = {name: set() for name in PATTERNS}
    for f in filings:
        t = truth[f.filing_id]
        groups[(t["person_id"], t["issue_id"])].append(f)
        own = {t["person_id"], *filter(None, t["co_signer_person_ids"].split(";"))}
        signers[t["issue_id"]] |= own
        if len({county[p] for p in own}) >= 2:
            out["cross-county"].add(f.filing_id)
    for (_, issue), fs in groups.items():
        ids = {f.filing_id for f in fs}
        if len({county[p] for p in signers[issue]}) >= 2:
            out["cross-county"] |= ids
        for f in fs:
            if (
                f.channel == "来访"
                and f.receiving_level not in LOCAL
                and not any(g.receiving_level in LOCAL and g.received_date < f.received_date for g in fs)
            ):
                out["skip-level"].add(f.filing_id)
        if len(fs) < 2:
            continue
        out["repeat-petitions"] |= ids
        by_body = any(
            body[a.filing_id] != body[b.filing_id] and abs((a.received_date - b.received_date).days) <= 30
            for a in fs
            for b in fs
        )
        if by_body or len({f.channel for f in fs}) >= 2:
            out["multi-channel"] |= ids
    return out


def found_patterns(store: MemoryStore, res: Resolution) -> dict[str, set[str]]:
    """The filings each pattern query returns (an issue's filings for a cross-county issue group)."""
    filings_of: dict[str, set[str]] = defaultdict(set)
    for fid, iid in res.issue_of.items():
        filings_of[iid].add(fid)
    out: dict[str, set[str]] = {}
    for name in PATTERNS:
        rows = run_query(name, store, {}).records()
        got: set[str] = set()
        for r in rows:
            if name == "skip-level":
                got.add(r["filing_id"])
            elif name == "cross-county":
                got |= filings_of[r["group_id"]] if r["kind"] == "Issue" else {r["group_id"]}
            else:
                got |= set(r["filing_ids"])
        out[name] = got
    return out


def measure(style: str, args: argparse.Namespace, regions: list[str]) -> dict[str, Scores | str]:
    tail = "".join(f"-r{r}" for r in regions)
    version = f"v{GENERATOR_VERSION}" + (f".{VARIED_VERSION}" if style == "varied" else "")
    data = args.cache / f"{style}-{version}-{args.filings}-{args.seed}{tail}"
    if not (data / "manifest.json").exists():
        t0 = time.perf_counter()
        generate(args.filings, args.seed, data, style=style, regions=regions)
        print(f"{style}: generated {args.filings:,} filings in {time.perf_counter() - t0:.1f} s", flush=True)
    v = read_and_validate(data / "filings.csv", data / "transfers.csv")
    t0 = time.perf_counter()
    res = resolve(v.filings, v.transfers)
    took = time.perf_counter() - t0
    print(
        f"{style}: {len(v.filings):,} filings loaded, resolved in {took:.1f} s "
        f"({len(set(res.petitioner_of.values())):,} petitioners, {len(res.issues):,} issues)",
        flush=True,
    )
    truth = {r["filing_id"]: r for r in _rows(data / "truth_filings.csv")}
    true_issue = {k: r["issue_id"] for k, r in truth.items()}
    true_person = {k: r["person_id"] for k, r in truth.items()}
    out: dict[str, Scores | str] = {
        "true issues": f"{len(set(true_issue.values())):,}",
        "found issues": f"{len(res.issues):,}",
        "issues pairwise": pairwise(true_issue, res.issue_of),
        "issues B-cubed": bcubed(true_issue, res.issue_of),
        "units pairwise": units_scores(data / "truth_units.csv", res.unit_mentions)["pairwise"],
        "petitioners pairwise": pairwise(true_person, res.petitioner_of),
    }
    expected = truth_patterns(data, v.filings)
    with tempfile.TemporaryDirectory(prefix="caselink-bench-styles-") as tmp:
        store = MemoryStore(Path(tmp) / "graph")
        load(res, store)
        found = found_patterns(store, res)
        store.close()
    for name in PATTERNS:
        out[name] = _set_scores(expected[name], found[name])
        out[f"{name} (true filings)"] = f"{len(expected[name]):,}"
    return out


def _cell(value: Scores | str, part: str) -> str:
    if isinstance(value, str):
        return value if part == "f1" else ""
    return f"{getattr(value, {'p': 'precision', 'r': 'recall', 'f1': 'f1'}[part]):.3f}"


def print_table(results: dict[str, dict[str, Scores | str]]) -> None:
    styles: Iterable[str] = list(results)
    head = f"{'':<34}" + "".join(f"{s + ' P':>10}{'R':>8}{'F1':>8}" for s in styles)
    print(head)
    for metric in next(iter(results.values())):
        cells = "".join(
            f"{_cell(results[s][metric], 'p'):>10}{_cell(results[s][metric], 'r'):>8}"
            f"{_cell(results[s][metric], 'f1'):>8}"
            for s in styles
        )
        print(f"{metric:<34}{cells}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--filings", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--region", default="", help="province codes for both styles (demo-data --region)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/caselink-bench-styles"))
    args = ap.parse_args(argv)
    regions = [r for r in args.region.split(",") if r]
    results = {style: measure(style, args, regions) for style in STYLES}
    where = f", regions {args.region}" if regions else ""
    print(
        f"\ndemo-data --filings {args.filings} --seed {args.seed}{where}; one set of settings for both styles"
    )
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
