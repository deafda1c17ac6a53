"""Query latency: every named query on generated filings, in the embedded store and in Neo4j.

    python bench/queries.py --filings 200000 --backend embedded
    tools/neo4j.sh run -- python bench/queries.py --filings 1000000 --backend neo4j

The filings come from the project's generator (`caselink demo-data`), are validated
(ingest.pipeline.read_and_validate) and resolved (ingest.resolver.resolve) as an ingest would; issues are
taken from the generator's ground truth until issue resolution lands (tests/queries/fixtures.py). The data
are then loaded into the store(s) and each query runs --repeat times with its default parameters (lookups
get ids found in the data); the first run and the best of the rest are printed. Goals: at most 1 s per query
on 1M filings in Neo4j; the embedded store is measured at 200k.

Neo4j is taken from CASELINK_NEO4J_URI/USER/PASSWORD, else from CASELINK_TEST_NEO4J_* (tools/neo4j.sh);
the caselink nodes of that database are deleted before the load.

At 1M filings generating and resolving take minutes and several GB: `--data DIR` takes an existing
`caselink demo-data` folder, `--cache FILE` keeps the resolved data in a pickle (read when it exists), and
`--no-load` times a Neo4j that already holds the same data (e.g. loaded by an earlier run):

    caselink demo-data --filings 1000000 --seed 7 --out /tmp/d1m
    tools/neo4j.sh run -- python bench/queries.py --filings 1000000 --backend neo4j \
        --data /tmp/d1m --cache /tmp/d1m/resolution.pickle
"""

from __future__ import annotations

import argparse
import csv
import os
import pickle
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.memory_store import MemoryStore  # noqa: E402
from graph.settings import Settings  # noqa: E402
from graph.store import GraphStore  # noqa: E402
from ingest.load import load  # noqa: E402
from ingest.records import Evidence, Filing, Issue, Resolution  # noqa: E402
from queries.registry import SPECS  # noqa: E402
from queries.run import run_query  # noqa: E402
from tests.queries.fixtures import generated_resolution  # noqa: E402

GOAL_SECONDS = 1.0


def resolved_folder(folder: Path) -> Resolution:
    """A demo-data folder validated and resolved as tests.queries.fixtures.generated_resolution does it."""
    from ingest.pipeline import read_and_validate
    from ingest.resolver import resolve

    valid = read_and_validate(folder / "filings.csv", folder / "transfers.csv")
    res = resolve(valid.filings, valid.transfers)
    with (folder / "truth_filings.csv").open(encoding="utf-8-sig", newline="") as fh:
        truth = {row["filing_id"]: row["issue_id"] for row in csv.DictReader(fh)}
    res.issue_of = {f.filing_id: truth[f.filing_id] for f in res.filings if f.filing_id in truth}
    first: dict[str, Filing] = {}
    for f in sorted(res.filings, key=lambda f: (f.received_date, f.filing_id)):
        first.setdefault(res.issue_of.get(f.filing_id, ""), f)
    res.issues = {
        iid: Issue(iid, f.category or f.content[:20], f.county, f.category) for iid, f in first.items() if iid
    }
    res.issue_evidence = {fid: Evidence(0.0) for fid in res.issue_of}
    return res


def resolution(args: argparse.Namespace, tmp: Path) -> Resolution:
    """The resolved data: from --cache if it exists, else from --data or freshly generated (then cached)."""
    cache = Path(args.cache) if args.cache else None
    if cache is not None and cache.exists():
        with cache.open("rb") as fh:
            res: Resolution = pickle.load(fh)
        return res
    if args.data:
        res = resolved_folder(Path(args.data))
    else:
        res = generated_resolution(args.filings, args.seed, tmp / "demo")
    if cache is not None:
        with cache.open("wb") as fh:
            pickle.dump(res, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return res


def neo4j_settings() -> Settings:
    if os.environ.get("CASELINK_NEO4J_URI"):
        return Settings.from_env(backend="neo4j")
    uri = os.environ.get("CASELINK_TEST_NEO4J_URI")
    if not uri:
        sys.exit(
            "No Neo4j: set CASELINK_NEO4J_URI, or run under `tools/neo4j.sh run -- python bench/queries.py`."
        )
    return Settings(
        backend="neo4j",
        neo4j_uri=uri,
        neo4j_user=os.environ.get("CASELINK_TEST_NEO4J_USER", "neo4j"),
        neo4j_password=os.environ.get("CASELINK_TEST_NEO4J_PASSWORD", ""),
    )


def lookup_params(store: GraphStore) -> dict[str, dict[str, Any]]:
    """Lookup parameters from the data: a repeat petitioner, their first filing, a bounced filing."""
    repeat = run_query("repeat-petitions", store, {}).records()
    bounced = run_query("bounced-cases", store, {}).records()
    if not repeat or not bounced:
        sys.exit("The data have no repeat petitions or no bounced cases: use more filings.")
    first, pid, iid = repeat[0]["filing_ids"][0], repeat[0]["petitioner_id"], repeat[0]["issue_id"]
    return {
        "overdue": {"as_of": "2026-11-01"},
        "petitioner": {"petitioner_id": pid},
        "neighbourhood": {"key": first, "hops": 2},
        "path": {"from_id": first, "to_id": bounced[-1]["filing_id"]},
        "search": {"text": pid},
        "entities": {"keys": [first, pid, iid]},
        "links": {"keys": [first, pid, iid]},
        "filing": {"filing_id": bounced[-1]["filing_id"]},
        "entity-filings": {"key": iid, "label": "Issue"},
    }


def time_queries(store: GraphStore, name: str, repeat: int, only: frozenset[str] = frozenset()) -> None:
    params = lookup_params(store)
    print(f"{'query':<20} {'rows':>8} {'first s':>9} {'best s':>9} {'median s':>9}  ({name})", flush=True)
    for spec in SPECS:
        if only and spec.name not in only:
            continue
        missing = [p.name for p in spec.params if p.required and p.name not in params.get(spec.name, {})]
        if missing:
            print(f"{spec.name:<20} skipped: no value for {', '.join(missing)}", flush=True)
            continue
        times, rows = [], 0
        for _ in range(repeat):
            start = time.perf_counter()
            rows = len(run_query(spec.name, store, params.get(spec.name, {})).rows)
            times.append(time.perf_counter() - start)
        rest = times[1:] or times
        flag = "" if min(rest) <= GOAL_SECONDS else "  > 1 s"
        print(
            f"{spec.name:<20} {rows:>8,} {times[0]:>9.3f} {min(rest):>9.3f} "
            f"{statistics.median(rest):>9.3f}  load {os.getloadavg()[0]:4.1f}{flag}",
            flush=True,
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--filings", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--backend", choices=("both", "embedded", "neo4j"), default="both")
    ap.add_argument("--repeat", type=int, default=3, help="runs per query (the first warms caches)")
    ap.add_argument("--data", help="an existing `caselink demo-data` folder instead of generating")
    ap.add_argument("--cache", help="pickle of the resolved data: read when it exists, else written")
    ap.add_argument("--no-load", action="store_true", help="Neo4j already holds these data: do not reload")
    ap.add_argument("--only", default="", help="comma-separated query names to time (default: all)")
    args = ap.parse_args()
    only = frozenset(n for n in args.only.split(",") if n)

    with tempfile.TemporaryDirectory(prefix="caselink-bench-queries-") as tmp:
        start = time.perf_counter()
        res = resolution(args, Path(tmp))
        print(
            f"generated, validated and resolved {len(res.filings):,} filings "
            f"({len(set(res.petitioner_of.values())):,} petitioners, {len(res.issues):,} issues) "
            f"in {time.perf_counter() - start:.1f} s",
            flush=True,
        )
        if args.backend in ("both", "embedded"):
            store: GraphStore = MemoryStore(Path(tmp) / "graph")
            stats = load(res, store)
            print(f"embedded: loaded in {stats.seconds:.1f} s", flush=True)
            time_queries(store, f"embedded, {args.filings:,} filings", args.repeat, only)
            store.close()
        if args.backend in ("both", "neo4j"):
            from graph.neo4j_store import Neo4jStore

            neo = Neo4jStore.from_settings(neo4j_settings())
            try:
                if not args.no_load:
                    neo.clear()
                    stats = load(res, neo, progress=True)
                    print(
                        f"neo4j: loaded in {stats.seconds:.1f} s ({stats.rows_per_second:,.0f} rows/s)",
                        flush=True,
                    )
                time_queries(neo, f"neo4j, {args.filings:,} filings", args.repeat, only)
            finally:
                neo.close()


if __name__ == "__main__":
    main()
