"""`caselink ingest`: read → validate → merge with what the workspace holds → resolve → update the graph.

    caselink ingest FILINGS [--transfers TRANSFERS] [--workspace DIR] [--backend embedded|neo4j]
                    [--mapping CSV] [--full]

The work is ingest's: the records the workspace accumulates and the run itself are ingest/workspace/, the
graph update (only what changed, or everything) is ingest.load.update_graph. This module parses the options,
calls them, updates the intake index (caselink.intake_index) and the dashboards' overview (queries.overview),
and prints.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import click

from caselink.intake_index import update_index
from caselink.privacy import masked
from caselink.workspace import Workspace
from graph.errors import GraphError
from graph.settings import BACKENDS, Settings
from graph.store import GraphStore, open_store
from ingest.errors import IngestError
from ingest.load import LoadStats, update_graph
from ingest.workspace import Resolved, read_and_resolve, record_run
from queries.overview import OVERVIEW_FILE, compute_overview, save_overview, store_state


def format_counts(stats: LoadStats) -> str:
    """The load figures printed at the end of an ingest."""
    c = stats.counts
    nodes = ", ".join(f"{k} {c[k]:,}" for k in ("Petitioner", "Filing", "Issue", "Unit", "County", "Org"))
    edges = ", ".join(
        f"{k} {c[k]:,}"
        for k in ("FILED", "CO_SIGNED", "ABOUT", "ROUTED", "HANDLED_BY", "RECEIVED_BY", "LOCATED_IN")
    )
    sent = stats.sent
    if stats.incremental:
        what = (
            f"写入 / sent only what changed: {sent.nodes:,} nodes, {sent.edges:,} edges in {sent.owners:,} "
            f"edge lists, {sent.deleted:,} nodes removed, in {stats.seconds:.1f} s"
        )
    else:
        what = (
            f"写入 / loaded {stats.filings:,} filings in {stats.seconds:.1f} s "
            f"({stats.rows_per_second:,.0f} rows/s), pruned {stats.pruned:,} stale nodes "
            f"(whole graph: {stats.why})"
        )
    return f"图谱 / graph: {nodes}\n关系 / edges: {edges}\n{what}"


WORKSPACE_OPTION = click.option(
    "--workspace",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Workspace folder (default: $CASELINK_WORKSPACE or ./workspace).",
)
TRANSFERS_OPTION = click.option(
    "--transfers", type=click.Path(path_type=Path, dir_okay=False), help="The transfers (流转) file."
)
MAPPING_OPTION = click.option(
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV `source_header,column` mapping the export's headers to canonical columns; several lines for "
    "one column join them, `=VALUE,column` gives a constant (docs/input-format.md).",
)


@click.command("ingest")
@click.argument("filings", type=click.Path(path_type=Path, dir_okay=False))
@TRANSFERS_OPTION
@WORKSPACE_OPTION
@click.option(
    "--backend",
    type=click.Choice(BACKENDS),
    default=None,
    help="Graph store; default: neo4j when CASELINK_NEO4J_URI is set, else embedded (in the workspace).",
)
@MAPPING_OPTION
@click.option(
    "--full",
    is_flag=True,
    help="Redo everything: re-resolve all the workspace holds and load the whole graph, instead of sending "
    "the graph only what changed (today every run re-resolves everything; --full forces the whole load).",
)
def ingest(
    filings: Path,
    transfers: Path | None,
    workspace: Path | None,
    backend: str | None,
    mapping: Path | None,
    full: bool,
) -> None:
    """Read FILINGS (and --transfers), resolve petitioners, units and issues, and update the graph.

    Re-ingesting the same files changes nothing; new files merge into what the workspace holds, and the
    graph receives only the nodes and edges that changed (--full: everything).
    Exit code 0 when the run completed (even with rejected rows), 2 when an input file or the graph store
    cannot be used, or every row of an input file was rejected (then nothing is stored).
    """

    def run() -> None:
        ws = Workspace.open(workspace)
        settings = Settings.from_env(backend=backend)
        with open_store(settings, ws) as store:  # fail fast when Neo4j is down, before reading anything
            _run(ws, store, filings, transfers, mapping, full)

    run_guarded(run)


def run_guarded(action: Callable[[], None]) -> None:
    """Run a command's work; a clerk sees a message and an exit code, never a traceback.

    Exit code 2 when an input file, the workspace or the graph store cannot be used, 1 on anything else
    (CASELINK_DEBUG=1 shows a developer the traceback).
    """
    try:
        action()
    except click.ClickException:
        raise  # its own message and exit code (e.g. a workspace others can read: 2)
    except (IngestError, GraphError) as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(
            f"无法读写文件（{exc.strerror}: {exc.filename}）。 / "
            f"Cannot read or write ({exc.strerror}: {exc.filename}).",
            err=True,
        )
        sys.exit(2)
    except Exception as exc:
        if os.environ.get("CASELINK_DEBUG"):
            raise
        click.echo(
            f"意外错误：{type(exc).__name__}: {exc}。请把输入文件和这条信息交给技术人员。 / "
            f"Unexpected error: {type(exc).__name__}: {exc}. "
            "Pass the input file and this message to support.",
            err=True,
        )
        sys.exit(1)


def generic_shown(field: str, value: str) -> str:
    """A generic value as a report shows it: phones masked (caselink.privacy)."""
    return masked(value, "phone") if field == "phone" else value


def resolve_run(ws: Workspace, filings: Path, transfers: Path | None, mapping: Path | None) -> Resolved:
    """ingest.workspace.read_and_resolve, printing what it says."""
    return read_and_resolve(ws, filings, transfers, mapping, say=click.echo, shown=generic_shown)


def _run(
    ws: Workspace, store: GraphStore, filings: Path, transfers: Path | None, mapping: Path | None, full: bool
) -> None:
    started = time.perf_counter()
    done = resolve_run(ws, filings, transfers, mapping)
    click.echo(f"写入图谱 / loading the {store.backend} graph …", err=True)
    stats = update_graph(done.res, store, ws.graph_dir, full=full, progress=True)
    click.echo(format_counts(stats))
    update_index(ws, done.res, done.model)  # the intake (duplicate-filing check) index
    save_overview_now(ws, store)
    record_run(ws, done, filings, transfers, store.backend, started)


def save_overview_now(ws: Workspace, store: GraphStore) -> None:
    """Compute the dashboards' overview now, so that their first page does not wait for it."""
    click.echo("概览 / computing the overview figures …", err=True)
    as_of = date.today().isoformat()
    save_overview(ws.index_dir / OVERVIEW_FILE, store_state(store), as_of, compute_overview(store, as_of))
