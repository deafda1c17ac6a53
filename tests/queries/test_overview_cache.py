"""The overview figures `caselink ingest` saves: read back for the graph they were computed on, never for
another one, and without loading the graph."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from caselink.cli import cli
from caselink.workspace import Workspace
from graph.memory_store import MemoryStore
from queries.overview import OVERVIEW_FILE, compute_overview, load_overview, store_state


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("overview")
    runner = CliRunner()
    result = runner.invoke(cli, ["demo-data", "--filings", "300", "--seed", "3", "--out", str(root / "data")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["ingest", str(root / "data" / "filings.csv"), "--transfers",
                                 str(root / "data" / "transfers.csv"), "--workspace", str(root / "ws"),
                                 "--backend", "embedded"])
    assert result.exit_code == 0, result.output
    return Workspace.open(root / "ws")


def test_ingest_saves_the_overview_of_the_graph_it_loaded(workspace: Workspace) -> None:
    today = date.today().isoformat()
    store = MemoryStore(workspace.graph_dir)
    saved = load_overview(workspace.index_dir / OVERVIEW_FILE, store_state(store), today)
    assert saved is not None
    assert store._graph is None  # reading the saved figures did not load the graph
    fresh = compute_overview(store, today)
    assert saved.counts == fresh.counts and saved.counts["Filing"] == 300
    assert saved.overdue == fresh.overdue and saved.bounced_filings == fresh.bounced_filings
    assert saved.by_month.equals(fresh.by_month)


def test_saved_figures_are_not_used_for_another_graph_or_day(workspace: Workspace, tmp_path: Path) -> None:
    path = workspace.index_dir / OVERVIEW_FILE
    state = store_state(MemoryStore(workspace.graph_dir))
    assert load_overview(path, state + "x", date.today().isoformat()) is None
    assert load_overview(path, state, "1999-01-01") is None
    broken = tmp_path / OVERVIEW_FILE
    broken.write_bytes(b"not a pickle")
    assert load_overview(broken, state, date.today().isoformat()) is None
