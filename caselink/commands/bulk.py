"""`caselink bulk`: the first load of a large backlog into an empty Neo4j through its offline importer.

    caselink bulk prepare FILINGS [--transfers T] [--workspace DIR] [--mapping CSV] --out IMPORT_DIR
    (Neo4j stopped, database empty)  cd IMPORT_DIR && neo4j-admin database import full @import.args neo4j
    (start Neo4j)                    caselink bulk finish IMPORT_DIR [--workspace DIR]

`prepare` does what `caselink ingest` does up to the graph (read, validate, keep the records, resolve, rebuild
the intake index) and writes the graph as neo4j-admin import files instead of loading it through Bolt.
`finish` creates the constraints and indexes, waits until they are online, checks that Neo4j holds what the
files hold, and computes the dashboards' overview. Later `caselink ingest` runs merge into the imported graph
as into any other. docker-compose.yml runs the same three steps (profile `import`).
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from caselink.commands import read_workspace
from caselink.commands.ingest import (
    MAPPING_OPTION,
    TRANSFERS_OPTION,
    WORKSPACE_OPTION,
    resolve_run,
    run_guarded,
    save_overview_now,
)
from caselink.intake_index import update_index
from caselink.workspace import Workspace
from graph.settings import Settings
from graph.store import open_store
from ingest.load import check_target, finish_import, forget_sent_state, write_import_files
from ingest.workspace import record_run


@click.group("bulk")
def bulk() -> None:
    """First load of many filings into an empty Neo4j with neo4j-admin's offline importer.

    Through Bolt a first load runs at a few thousand filings a second; the importer writes the database
    files directly. Steps: `caselink bulk prepare`, then `neo4j-admin database import full` with Neo4j
    stopped, then start Neo4j and run `caselink bulk finish`.
    """


@bulk.command("prepare")
@click.argument("filings", type=click.Path(path_type=Path, dir_okay=False))
@TRANSFERS_OPTION
@WORKSPACE_OPTION
@MAPPING_OPTION
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="New or empty folder for the import files (import.args, manifest.json, *.csv).",
)
def prepare(
    filings: Path, transfers: Path | None, workspace: Path | None, mapping: Path | None, out: Path
) -> None:
    """Read, validate and resolve FILINGS (as `caselink ingest` does) and write neo4j-admin import files.

    Needs no running Neo4j. Exit code 0 when the files were written, 2 when an input file, the workspace or
    the output folder cannot be used.
    """

    def run() -> None:
        started = time.perf_counter()
        check_target(out)
        ws = Workspace.open(workspace)
        done = resolve_run(ws, filings, transfers, mapping)
        click.echo("导入文件 / writing the import files …", err=True)
        stats = write_import_files(done.res, out, progress=True)
        forget_sent_state(ws.graph_dir)  # the graph will be the imported one: the next ingest loads it whole
        update_index(ws, done.res, done.model)  # the intake (duplicate-filing check) index
        record_run(ws, done, filings, transfers, "neo4j-import", started)
        nodes, edges = sum(stats.nodes.values()), sum(stats.edges.values())
        folder = stats.folder.resolve()
        click.echo(
            f"导入文件 / import files: {folder} ({stats.files} files, {nodes:,} nodes, {edges:,} edges, "
            f"{stats.seconds:.1f} s)\n"
            "下一步 / next, with Neo4j stopped and its database empty (never started, or deleted):\n"
            f"  cd {folder} && neo4j-admin database import full --report-file=/tmp/import.report "
            "@import.args neo4j\n"
            "  (Docker Compose: docker compose --profile import run --rm neo4j-import)\n"
            f"then start Neo4j and run: caselink bulk finish {folder}"
        )

    run_guarded(run)


@bulk.command("finish")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
@WORKSPACE_OPTION
def finish(folder: Path, workspace: Path | None) -> None:
    """After FOLDER was imported and Neo4j started on it: constraints and indexes, checks, overview.

    Waits until the indexes are online; exit code 2 when Neo4j cannot be reached or does not hold what the
    import files hold.
    """

    def run() -> None:
        ws = read_workspace(workspace)  # made by `bulk prepare`: a mistyped folder is refused
        with open_store(Settings.from_env(backend="neo4j"), ws) as store:
            started = time.perf_counter()
            counts = finish_import(store, folder)
            click.echo(
                f"约束和索引 / constraints and indexes online in {time.perf_counter() - started:.1f} s; "
                f"图谱 / graph: {counts['Filing']:,} filings, {sum(counts.values()):,} nodes and edges "
                "as in the import files"
            )
            save_overview_now(ws, store)

    run_guarded(run)
