"""Load speed: rows/s (one row = one filing with all its edges) into the embedded store and into Neo4j.

    python bench/load.py --filings 1000000                       # both back ends
    python bench/load.py --filings 200000 --backend embedded
    tools/neo4j.sh run -- python bench/load.py --backend neo4j   # a private Neo4j, stopped afterwards
    python bench/load.py --filings 1000000 --backend neo4j-bulk  # the offline importer (first load)

Neo4j is taken from CASELINK_NEO4J_URI/USER/PASSWORD, else from CASELINK_TEST_NEO4J_* (tools/neo4j.sh).
The caselink nodes of that database are deleted before the run. The data is synthetic (tests/graph/sample.py),
built straight as a Resolution, so only mapping + writing is timed. Goal for Neo4j: >= 50,000 rows/s.

neo4j-bulk times the whole first load through neo4j-admin's importer, end to end: writing the import files
(ingest.load.bulk, in a child process that holds the data and exits before the import), the import and the
start
of a new Neo4j on it (tools/neo4j.sh serve --import --await: one JVM, started with the writer, warms up while
the files are written), and `finish_import` (constraints and indexes created and online, counts checked). It
prints each stage, the CPU seconds of the writer and of the JVM, and the load average. The JVM's memory:
CASELINK_NEO4J_JAVA_OPTS (heap, default 1 GB), CASELINK_NEO4J_IMPORT_MEMORY (importer, default 1g),
CASELINK_NEO4J_PAGECACHE_MB (default 256).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from neo4j import GraphDatabase  # noqa: E402

from graph.memory_store import MemoryStore  # noqa: E402
from graph.neo4j_store import Neo4jStore  # noqa: E402
from graph.settings import Settings  # noqa: E402
from graph.store import GraphStore  # noqa: E402
from ingest.load import LoadStats, finish_import, load, write_import_files  # noqa: E402  # noqa: E402
from tests.graph.sample import synthetic_resolution  # noqa: E402
from tests.neo4j_import import imported_neo4j  # noqa: E402


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


def write_files(filings: int, folder: Path, chunk: int, pipe: Any) -> None:
    """Child process: generate the data (not timed), say so, wait for "go", write the import files (timed),
    send the figures. It exits before the import, so the data are out of memory by then."""
    t = time.perf_counter()
    res = synthetic_resolution(filings, seed=1)
    pipe.send(time.perf_counter() - t)
    pipe.recv()
    cpu = time.process_time()
    stats = write_import_files(res, folder, chunk=chunk)
    pipe.send(
        {
            "seconds": stats.seconds,
            "cpu": time.process_time() - cpu,
            "nodes": sum(stats.nodes.values()),
            "edges": sum(stats.edges.values()),
            "files": stats.files,
            "multiline": stats.multiline_files,
            "mb": sum(p.stat().st_size for p in folder.iterdir()) / 1e6,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


def jvm_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a running process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bulk(filings: int, chunk: int, tmp: Path | None) -> None:
    """The first load through the offline importer, end to end, with the stage breakdown.

    The clock starts when the writer starts writing; the Neo4j JVM is started at the same moment and warms
    up while the files are written (tools/neo4j.sh serve --await), imports them, starts the DBMS; then the
    schema is created and awaited. End to end = until the indexes are online.
    """
    with tempfile.TemporaryDirectory(prefix="caselink-bulk-", dir=tmp) as work:
        folder = Path(work) / "import"
        pipe, child_end = multiprocessing.Pipe()
        child = multiprocessing.get_context("fork").Process(
            target=write_files, args=(filings, folder, chunk, child_end)
        )
        child.start()
        print(f"generated {filings:,} filings in {pipe.recv():.1f} s (not timed)", flush=True)
        load_before = os.getloadavg()[0]
        figures: dict[str, Any] = {}

        def write() -> None:
            pipe.send("go")
            figures.update(pipe.recv())
            child.join()

        with imported_neo4j(folder, Path(work) / "state", write=write) as server:
            driver = GraphDatabase.driver(server.uri, auth=server.auth)
            t = time.perf_counter()
            finish_import(Neo4jStore(driver), folder)
            schema = time.perf_counter() - t
            driver.close()
            cpu = jvm_cpu(server.pid)
            imported, warm, started = server.import_seconds, server.warm_up_seconds, server.start_seconds
        w = figures
        total = server.ready - server.started + schema
        print(
            f"import files: {w['nodes']:,} nodes, {w['edges']:,} edges, {w['files']} files "
            f"({w['multiline']} multi-line), {w['mb']:,.0f} MB; writer peak RSS {w['peak_mb']:,.0f} MB\n"
            f"neo4j-bulk {filings:>10,} filings  {total:8.1f} s  {filings / total:>9,.0f} rows/s end to end\n"
            f"  write files  {w['seconds']:7.1f} s   python cpu {w['cpu']:6.1f} s; "
            f"the JVM warmed up meanwhile in {warm:.1f} s\n"
            f"  import       {imported:7.1f} s   (neo4j-admin database import full, in the launcher JVM)\n"
            f"  start        {started:7.1f} s   (DBMS start on the imported database until Bolt answers)\n"
            f"  schema       {schema:7.1f} s   (constraints and indexes created and online, counts checked)\n"
            f"  jvm cpu {cpu:.1f} s (warm-up + import + start + schema); load average {load_before:.1f} "
            f"before, {os.getloadavg()[0]:.1f} after",
            flush=True,
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--filings", type=int, default=1_000_000)
    ap.add_argument("--backend", choices=("both", "embedded", "neo4j", "neo4j-bulk"), default="both")
    ap.add_argument("--batch", type=int, default=10_000, help="rows per Neo4j transaction")
    ap.add_argument("--workers", type=int, default=2, help="Neo4j sessions writing batches at once")
    ap.add_argument("--chunk", type=int, default=40_000, help="filings mapped and written per step")
    ap.add_argument("--twice", action="store_true", help="load a second time (idempotent re-run) and time it")
    ap.add_argument("--bulk-chunk", type=int, default=100_000, help="neo4j-bulk: filings per import file")
    ap.add_argument("--tmp", type=Path, help="neo4j-bulk: where the import files and the database go")
    ap.add_argument(
        "--pagecache-mb",
        type=int,
        default=1024,
        help="neo4j-bulk: Neo4j's page cache (CASELINK_NEO4J_PAGECACHE_MB); the indexes are built from it",
    )
    args = ap.parse_args()
    if args.backend == "neo4j-bulk":
        os.environ["CASELINK_NEO4J_PAGECACHE_MB"] = str(args.pagecache_mb)
        print(
            f"neo4j: page cache {args.pagecache_mb} MB, heap "
            f"{os.environ.get('CASELINK_NEO4J_JAVA_OPTS', 'default (-Xmx1g)')}, importer memory "
            f"{os.environ.get('CASELINK_NEO4J_IMPORT_MEMORY', '1g')}",
            flush=True,
        )
        bulk(args.filings, args.bulk_chunk, args.tmp)
        print("goal: neo4j >= 50,000 rows/s")
        return

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
            size = (Path(tmp) / "graph.arrow").stat().st_size
            print(f"embedded file: {size / 2**20:,.0f} MiB", flush=True)
    if args.backend in ("both", "neo4j"):
        with Neo4jStore.from_settings(neo4j_settings(), batch_size=args.batch, workers=args.workers) as store:
            run(store, "neo4j", res, args.chunk, args.twice)
    print("goal: neo4j >= 50,000 rows/s")


if __name__ == "__main__":
    main()
