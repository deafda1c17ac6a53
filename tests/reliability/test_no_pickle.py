"""No workspace state is ever unpickled (issue 20, items 2 and 8).

A pickle whose __reduce__ writes a marker file is planted at every place a pickle used to live (and at the
names of today's state files), and the workspace is opened by the commands that read each piece: `caselink
query` (graph), `caselink ingest` (records), `caselink check` (intake index) and the overview the dashboards
read. The marker must never appear; each command says what to do instead of running code.
"""

from __future__ import annotations

import ast
import os
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

from caselink.cli import cli
from caselink.intake_index import IndexMissing, load_index
from caselink.workspace import Workspace
from graph.atomic import make_private_dir
from graph.errors import GraphError
from graph.memory_store import MemoryStore
from ingest.errors import IngestError
from ingest.workspace import load_records
from queries.overview import OVERVIEW_FILE, load_overview, store_state

ROOT = Path(__file__).resolve().parents[2]

OLD_PLACES = ("graph/graph.pickle", "records/records.pickle", "index/intake.pickle", "index/overview.pickle")
NEW_PLACES = ("graph/graph.arrow", "records/records.arrow", "index/intake.arrow", "index/" + OVERVIEW_FILE)


class Planted:
    """Unpickling this runs os.system: it writes the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


def plant(ws: Path, places: tuple[str, ...], marker: Path) -> None:
    payload = pickle.dumps({"format": 1, "graph": Planted(marker), "records": Planted(marker)})
    assert b"system" in payload
    for place in places:  # private, as an intruder in the same account would leave them: read past the
        path = ws / place  # permission check, so what is tested is that nothing is ever unpickled
        make_private_dir(path.parent)
        path.write_bytes(payload)
        path.chmod(0o600)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    out = tmp_path / "data"
    result = CliRunner().invoke(cli, ["demo-data", "--filings", "40", "--seed", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_the_planted_pickle_would_run(tmp_path: Path) -> None:
    """The payload is live: unpickled, it does write the marker (so the tests below mean something)."""
    marker = tmp_path / "ran"
    pickle.loads(pickle.dumps(Planted(marker)))  # noqa: S301 - the point of the test
    assert marker.exists()


@pytest.mark.parametrize("places", [OLD_PLACES, NEW_PLACES], ids=["old names", "current names"])
def test_planted_pickles_never_run_when_commands_open_the_workspace(
    tmp_path: Path, data: Path, places: tuple[str, ...]
) -> None:
    ws_dir = tmp_path / "ws"
    ws_dir.mkdir(mode=0o700)
    marker = tmp_path / "MARKER"
    plant(ws_dir, places, marker)
    runner = CliRunner()
    env = {"CASELINK_NEO4J_URI": ""}

    query = runner.invoke(cli, ["query", "repeat-petitions", "--workspace", str(ws_dir)], env=env)
    check = runner.invoke(cli, ["check", "--name", "张伟", "--workspace", str(ws_dir)], env=env)
    ingest = runner.invoke(
        cli,
        ["ingest", str(data / "filings.csv"), "--workspace", str(ws_dir), "--backend", "embedded"],
        env=env,
    )
    ws = Workspace(ws_dir)
    with pytest.raises(GraphError, match="pickle"):
        MemoryStore(ws.graph_dir).counts()
    with pytest.raises(IngestError, match="pickle"):
        load_records(ws)
    with pytest.raises(IndexMissing):
        load_index(ws)
    assert (
        load_overview(ws.index_dir / OVERVIEW_FILE, store_state(MemoryStore(ws.graph_dir)), "2025-01-01")
        is None
    )

    assert not marker.exists()
    for result in (query, check, ingest):
        assert result.exit_code != 0
        assert "Traceback" not in result.output
    assert "pickle" in query.output and "pickle" in ingest.output
    assert "--workspace" in ingest.output  # says how to start again


def test_a_converted_workspace_reads_back_what_was_saved(tmp_path: Path, data: Path) -> None:
    """Ingest writes state files only (no pickle anywhere); a second run reads them and changes nothing."""
    ws_dir = tmp_path / "ws"
    args = ["ingest", str(data / "filings.csv"), "--workspace", str(ws_dir), "--backend", "embedded"]
    first = CliRunner().invoke(cli, args, env={"CASELINK_NEO4J_URI": ""})
    assert first.exit_code == 0, first.output
    for path in ws_dir.rglob("*"):
        if path.is_file():
            assert not path.read_bytes().startswith(b"\x80"), f"{path} looks like a pickle"
    counts = MemoryStore(ws_dir / "graph").counts()
    again = CliRunner().invoke(cli, args, env={"CASELINK_NEO4J_URI": ""})
    assert again.exit_code == 0, again.output
    assert MemoryStore(ws_dir / "graph").counts() == counts
    assert "0 new" in again.output or "0 updated" in again.output


def test_no_module_unpickles_anything_but_its_own_helpers_files() -> None:
    """pickle.load/loads appear only in ingest/background.py and ingest/read/files.py, which read files their
    own helper processes wrote moments before in a private temporary folder (never the workspace)."""
    allowed = {"ingest/background.py", "ingest/read/files.py"}
    found = set()
    for package in ("caselink", "graph", "ingest", "queries", "dashboards"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Attribute)
                    and node.attr in ("load", "loads", "Unpickler")
                    and isinstance(node.value, ast.Name)
                    and node.value.id in ("pickle", "cPickle", "_pickle")
                ):
                    found.add(path.relative_to(ROOT).as_posix())
    assert found <= allowed, found - allowed
