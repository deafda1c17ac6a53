"""`caselink ingest` end to end on generated demo data: embedded and Neo4j, re-ingest, merge, bad Neo4j."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from neo4j import Driver

from caselink.cli import cli
from graph.memory_store import MemoryStore
from graph.neo4j_store import Neo4jStore

N = 240


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(cli, ["demo-data", "--filings", str(N), "--seed", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(autouse=True)
def no_app_neo4j(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The tests choose the back end themselves; no user settings or .env leak in."""
    for var in list(os.environ):
        if var.startswith("CASELINK_NEO4J_") or var == "CASELINK_BACKEND":
            monkeypatch.delenv(var)
    monkeypatch.chdir(tmp_path)


def ingest(ws: Path, filings: Path, transfers: Path | None = None, *extra: str) -> str:
    args = ["ingest", str(filings), "--workspace", str(ws), *extra]
    if transfers is not None:
        args += ["--transfers", str(transfers)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return result.output


def split(data: Path, out: Path) -> tuple[tuple[Path, Path], tuple[Path, Path]]:
    """The demo files cut in two halves by filing, each with its own transfers."""
    with (data / "filings.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with (data / "transfers.csv").open(encoding="utf-8-sig", newline="") as fh:
        trows = list(csv.DictReader(fh))
    halves = []
    for i, part in enumerate((rows[: len(rows) // 2], rows[len(rows) // 2 :])):
        ids = {r["filing_id"] for r in part}
        f, t = out / f"filings_{i}.csv", out / f"transfers_{i}.csv"
        for path, chosen in ((f, part), (t, [r for r in trows if r["filing_id"] in ids])):
            with path.open("w", encoding="utf-8", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=list((rows if path == f else trows)[0]))
                w.writeheader()
                w.writerows(chosen)
        halves.append((f, t))
    return halves[0], halves[1]


def test_ingest_then_reingest_changes_nothing(data: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    out = ingest(ws, data / "filings.csv", data / "transfers.csv")
    assert "Filing" in out and "rows/s" in out
    store = MemoryStore(ws / "graph")  # what a later `caselink serve` / `query` opens
    first = store.canonical_dump()
    counts = store.counts()
    assert 0 < counts["Filing"] <= N
    assert counts["FILED"] == counts["Filing"]
    assert counts["ROUTED"] > 0 and counts["Petitioner"] > 0 and counts["Issue"] > 0

    out2 = ingest(ws, data / "filings.csv", data / "transfers.csv")
    assert "0 new, 0 updated" in out2
    assert MemoryStore(ws / "graph").canonical_dump() == first
    assert len((ws / "records" / "runs.jsonl").read_text(encoding="utf-8").splitlines()) == 2


def test_new_file_merges_into_the_workspace(data: Path, tmp_path: Path) -> None:
    (f0, t0), (f1, t1) = split(data, tmp_path)
    ws = tmp_path / "ws"
    ingest(ws, f0, t0)
    n0 = MemoryStore(ws / "graph").counts()["Filing"]
    out = ingest(ws, f1, t1)
    assert "0 updated" in out
    full = tmp_path / "full"
    ingest(full, data / "filings.csv", data / "transfers.csv")
    merged, whole = MemoryStore(ws / "graph"), MemoryStore(full / "graph")
    assert 0 < n0 < merged.counts()["Filing"] == whole.counts()["Filing"]
    assert {n.key for n in merged.canonical_dump()[0] if n.label == "Filing"} == {
        n.key for n in whole.canonical_dump()[0] if n.label == "Filing"
    }
    assert merged.counts()["ROUTED"] == whole.counts()["ROUTED"]
    before = merged.canonical_dump()
    ingest(ws, f1, t1)  # the second file again: nothing changes
    assert MemoryStore(ws / "graph").canonical_dump() == before


def test_reingest_sends_nothing_and_full_reloads_everything(data: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    first = ingest(ws, data / "filings.csv", data / "transfers.csv")
    assert "whole graph: no record of what the store holds" in first
    before = MemoryStore(ws / "graph").canonical_dump()
    again = ingest(ws, data / "filings.csv", data / "transfers.csv")
    assert "sent only what changed: 0 nodes, 0 edges in 0 edge lists, 0 nodes removed" in again
    full = ingest(ws, data / "filings.csv", data / "transfers.csv", "--full")
    assert "whole graph: asked for (--full)" in full
    assert MemoryStore(ws / "graph").canonical_dump() == before


def test_neo4j_backend_holds_the_same_graph_as_embedded(
    data: Path, tmp_path: Path, neo4j_clean: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(tmp_path / "embedded", data / "filings.csv", data / "transfers.csv", "--backend", "embedded")
    monkeypatch.setenv("CASELINK_NEO4J_URI", os.environ["CASELINK_TEST_NEO4J_URI"])
    monkeypatch.setenv("CASELINK_NEO4J_USER", os.environ.get("CASELINK_TEST_NEO4J_USER", "neo4j"))
    monkeypatch.setenv("CASELINK_NEO4J_PASSWORD", os.environ.get("CASELINK_TEST_NEO4J_PASSWORD", ""))
    ingest(tmp_path / "neo", data / "filings.csv", data / "transfers.csv")  # URI set: neo4j by default
    neo = Neo4jStore(neo4j_clean)
    assert neo.canonical_dump() == MemoryStore(tmp_path / "embedded" / "graph").canonical_dump()
    assert not (tmp_path / "neo" / "graph" / "graph.arrow").exists()


@pytest.mark.parametrize(
    ("uri_of", "user", "message"),
    [
        (lambda: "bolt://127.0.0.1:1", "neo4j", "Cannot reach Neo4j"),
        (lambda: os.environ["CASELINK_TEST_NEO4J_URI"], "caselink-nobody", "refused the credentials"),
    ],
    ids=["unreachable", "bad-credentials"],
)
def test_neo4j_problems_are_said_plainly(
    data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    neo4j_driver: Driver,
    uri_of: object,
    user: str,
    message: str,
) -> None:
    monkeypatch.setenv("CASELINK_NEO4J_URI", uri_of())  # type: ignore[operator]
    monkeypatch.setenv("CASELINK_NEO4J_USER", user)
    monkeypatch.setenv("CASELINK_NEO4J_PASSWORD", "wrong")
    result = CliRunner().invoke(
        cli, ["ingest", str(data / "filings.csv"), "--workspace", str(tmp_path / "ws")]
    )
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "ws" / "records" / "records.arrow").exists()  # nothing read before the check


def test_neo4j_backend_without_uri_is_refused(data: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["ingest", str(data / "filings.csv"), "--workspace", str(tmp_path / "ws"), "--backend", "neo4j"]
    )
    assert result.exit_code == 2
    assert "CASELINK_NEO4J_URI" in result.output


ALL_REJECTED = [
    "filing_id,received_date,channel,receiving_level,petitioner_name,content",
    "F1,not a date,来访,县,张三,征地补偿款未发放",
    "F2,2024-03-02,飞鸽传书,市,李四,拖欠工资",
]


@pytest.mark.parametrize("command", ["validate", "ingest"])
def test_a_file_of_which_every_row_is_rejected_exits_non_zero(tmp_path: Path, command: str) -> None:
    path = tmp_path / "filings.csv"
    path.write_text("\n".join(ALL_REJECTED) + "\n", encoding="utf-8")
    ws = tmp_path / "ws"
    extra = ["--out", str(tmp_path / "report")] if command == "validate" else ["--workspace", str(ws)]
    result = CliRunner().invoke(cli, [command, str(path), *extra])
    assert result.exit_code == 2, result.output
    assert "全部 2 行都被拒绝" in result.output and "all 2 rows were rejected" in result.output
    assert "Traceback" not in result.output
    if command == "ingest":  # the report is kept for the data-quality page; no records, no graph
        assert list((ws / "reports").glob("*/problems.csv"))
        assert not (ws / "records" / "records.pickle").exists()
    else:
        assert (tmp_path / "report" / "problems.csv").exists()


def test_one_good_row_among_rejected_ones_exits_zero(tmp_path: Path) -> None:
    path = tmp_path / "filings.csv"
    rows = [*ALL_REJECTED, "F3,2024-03-03,来信,县,王五,物业纠纷"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path), "--out", str(tmp_path / "report")])
    assert result.exit_code == 0, result.output
