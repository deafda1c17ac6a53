"""Load speed: rows/s (one row = one filing with all its edges) into the embedded store and into Neo4j.

    python bench/load.py --filings 1000000                       # both back ends
    python bench/load.py --filings 200000 --backend embedded
    tools/neo4j.sh run -- python bench/load.py --backend neo4j   # a private Neo4j, stopped afterwards

Neo4j is taken from CASELINK_NEO4J_URI/USER/PASSWORD, else from CASELINK_TEST_NEO4J_* (tools/neo4j.sh).
The caselink nodes of that database are deleted before the run. The data is synthetic (tests/graph/sample.py),
built straight as a Resolution, so only mapping + writing is timed. Goal for Neo4j: >= 50,000 rows/s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.memory_store import MemoryStore  # noqa: E402
from graph.settings import Settings  # noqa: E402
from graph.store import GraphStore  # noqa: E402
from ingest.load import LoadStats, load  # noqa: E402
from tests.graph.sample import synthetic_resolution  # noqa: E402


def neo4j_settings() -> Settings:
    if os.environ.get("CASELINK_NEO4J_URI"):
        return Settings.from_env(backend="neo4j")
    uri = os.environ.get("CASELINK_TEST_NEO4J_URI")
    if not uri:
        sys.exit(
            "No Neo4j: set CASELINK_NEO4J_URI, or run under `tools/neo4j.sh run -- python bench/load.py`."
        )
    return Settings(
        backend="neo4j",
        neo4j_uri=uri,
        neo4j_user=os.environ.get("CASELINK_TEST_NEO4J_USER", "neo4j"),
        neo4j_password=os.environ.get("CASELINK_TEST_NEO4J_PASSWORD", ""),
    )


def report(name: str, stats: LoadStats, cpu: float) -> None:
    """One line: sizes, wall time, rows/s, this process's CPU seconds and the machine's load average."""
    print(
        f"{name:<22} {stats.filings:>9,} filings  {stats.nodes:>10,} nodes  {stats.edges:>10,} edges  "
        f"{stats.seconds:8.1f} s  {stats.rows_per_second:>9,.0f} rows/s  python cpu {cpu:6.1f} s  "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def run(store: GraphStore, name: str, res: object, chunk: int, twice: bool) -> None:
    store.clear()
    for label in ("new", "again") if twice else ("new",):
        cpu = time.process_time()
        stats = load(res, store, chunk=chunk)  # type: ignore[arg-type]
        report(f"{name} ({label})", stats, time.process_time() - cpu)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--filings", type=int, default=1_000_000)
    ap.add_argument("--backend", choices=("both", "embedded", "neo4j"), default="both")
    ap.add_argument("--batch", type=int, default=10_000, help="rows per Neo4j transaction")
    ap.add_argument("--workers", type=int, default=2, help="Neo4j sessions writing batches at once")
    ap.add_argument("--chunk", type=int, default=40_000, help="filings mapped and written per step")
    ap.add_argument("--twice", action="store_true", help="load a second time (idempotent re-run) and time it")
    args = ap.parse_args()

    t = time.perf_counter()
    res = synthetic_resolution(args.filings, seed=1)
    print(
        f"generated {len(res.filings):,} filings, {len(res.transfers):,} transfers, "
        f"{len(set(res.petitioner_of.values())):,} petitioners, {len(res.issues):,} issues "
        f"in {time.perf_counter() - t:.1f} s",
        flush=True,
    )
    if args.backend in ("both", "embedded"):
        with tempfile.TemporaryDirectory() as tmp:
            run(MemoryStore(Path(tmp)), "embedded", res, args.chunk, args.twice)
            size = (Path(tmp) / "graph.pickle").stat().st_size
            print(f"embedded file: {size / 2**20:,.0f} MiB", flush=True)
    if args.backend in ("both", "neo4j"):
        from graph.neo4j_store import Neo4jStore

        with Neo4jStore.from_settings(neo4j_settings(), batch_size=args.batch, workers=args.workers) as store:
            run(store, "neo4j", res, args.chunk, args.twice)
    print("goal: neo4j >= 50,000 rows/s")


if __name__ == "__main__":
    main()
