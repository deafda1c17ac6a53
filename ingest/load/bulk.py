"""Resolution → neo4j-admin import files, and the checks after the import: the fast first load into Neo4j.

    stats = write_import_files(res, folder)       # the same nodes and edges `ingest.load.store.load` writes
    # neo4j-admin database import full … (Neo4j stopped, database empty), then start Neo4j
    finish_import(store, folder)                  # constraints and indexes online, counts as written

Through Bolt a first load is bound by the server's CPU per row (graph/README.md, "Speed"); the offline
importer writes the store files directly. Afterwards the database is an ordinary one: `caselink ingest`
merges into it (it is not empty, so the merge path runs; pruning and stable ids work as after any load).
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from graph.bulk_import import BulkImportError, ImportFiles, read_manifest
from graph.errors import GraphError
from graph.model import Label, RelType
from graph.store import GraphStore
from ingest.background import paused_gc
from ingest.load.graph_tables import GraphMapper
from ingest.load.store import progress_bar
from ingest.records import Resolution

CHUNK = 100_000
"""Filings per file: bounds the memory of the tables being written."""


@dataclass(slots=True)
class ExportStats:
    filings: int = 0
    nodes: dict[str, int] = field(default_factory=dict)
    edges: dict[str, int] = field(default_factory=dict)
    files: int = 0
    multiline_files: int = 0
    seconds: float = 0.0
    folder: Path = Path()


def write_import_files(
    res: Resolution, folder: Path, *, chunk: int = CHUNK, progress: bool = False
) -> ExportStats:
    """Write the graph of a Resolution as neo4j-admin import files into `folder` (new or empty).

    The files are written into a sibling folder that takes `folder`'s name once complete: a failed run
    leaves no half-written import behind.
    """
    start = time.perf_counter()
    folder = Path(folder)
    check_target(folder)
    partial = folder.with_name(f".{folder.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    bar = progress_bar(len(res.filings), progress, "import files")
    try:
        # millions of small acyclic tuples and lists: collection passes would rescan the heap for nothing
        with paused_gc(), ImportFiles(partial) as files:
            mapper = GraphMapper(res)
            nodes, static_edges = mapper.static_tables()
            for table in nodes:
                files.add_nodes(table)
            for first in range(0, len(mapper.filings), chunk):
                filing, edges = mapper.filing_tables(first, first + chunk)
                files.add_nodes(filing)
                for edge_table in edges:
                    files.add_edges(edge_table)
                if bar is not None:
                    bar.update(len(filing))
            for edge_table in static_edges:
                files.add_edges(edge_table)
        os.replace(partial, folder)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
        if bar is not None:
            bar.close()
    return ExportStats(
        filings=len(res.filings),
        nodes=dict(files.nodes),
        edges=dict(files.edges),
        files=len(files.args),
        multiline_files=len(files.multiline),
        seconds=time.perf_counter() - start,
        folder=Path(folder),
    )


def check_target(folder: Path) -> None:
    """Raise BulkImportError unless `folder` is absent or an empty folder (checked before the long work)."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BulkImportError(f"{folder} is not an empty folder: name a new or empty folder for the files.")


def finish_import(store: GraphStore, folder: Path) -> dict[str, int]:
    """After the import of `folder`: create the constraints and indexes, wait until they are online, and check
    that the store holds the nodes and edges the files hold. Returns the store's counts.

    Raises GraphError when the counts differ (the import went into another database, failed, or something
    was loaded since).
    """
    manifest = read_manifest(folder)
    store.ensure_schema()
    counts = store.counts()
    expected = {str(label): manifest["nodes"].get(str(label), 0) for label in Label}
    expected |= {str(rel): manifest["edges"].get(str(rel), 0) for rel in RelType}
    wrong = {k: (counts.get(k, 0), n) for k, n in expected.items() if counts.get(k, 0) != n}
    if wrong:
        listed = ", ".join(f"{k} {have:,} (files: {want:,})" for k, (have, want) in wrong.items())
        raise GraphError(
            f"Neo4j does not hold what the import files in {folder} hold: {listed}. "
            "Import them into an empty database (Neo4j stopped) and start Neo4j on it before this step."
        )
    return counts
