"""The neo4j-admin import files (graph/bulk_import.py), read back without Neo4j: they hold the mapped graph.

The files are read with pyarrow's CSV reader set to the importer's rules (an unquoted empty field is absent,
a quoted one is ""; quoted fields may span lines; lists split on U+001F; `--id-type=actual` numbers).
tests/test_bulk_command.py imports them into a real Neo4j.
"""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pcsv
import pytest

from graph import model
from graph.bulk_import import ARGS_FILE, ARRAY_DELIMITER, BulkImportError, ImportFiles, _strings
from graph.model import Edge, Label, Node, freeze_props
from graph.store import Dump
from graph.tables import EdgeTable, NodeTable
from ingest.load import to_graph, write_import_files
from tests.graph.sample import synthetic_resolution
from tests.graph.test_store_contract import expected_dump, small

HOSTILE = [
    "a,b;c \"quoted\" 'single'",
    "第一行\n第二行\r\n第三行\r末行",
    "空\x00字节 \x1b[31m红\x1b[0m \x07\x08\x0b\x0c",
    "单元\x1f分隔\x1e记录",
    "  前后空白  ",
    "",
    "\u2028\u2029\u202e\ufeff\ufffe\uffff",
]


def read_files(folder: Path) -> Dump:
    """Every node and edge the import of `folder` creates, as a canonical dump."""
    args = (folder / ARGS_FILE).read_text(encoding="utf-8").split("\n")
    assert "--id-type=actual" in args and "--array-delimiter=U+001F" in args
    multiline = {a for arg in args if arg.startswith("--multiline-fields=") for a in arg[19:].split(",")}
    by_id: dict[int, tuple[str, str]] = {}
    nodes: list[Node] = []
    edges: list[Edge] = []
    for arg in args:
        if arg.startswith("--nodes="):
            label, name = arg[8:].split("=")
            for number, props in rows(folder / name, name in multiline):
                key = props[Label(label).key]
                by_id[number] = (label, key)
                nodes.append(Node(label, key, freeze_props(props)))
        elif arg.startswith("--relationships="):
            rel, name = arg[16:].split("=")
            for (start, end), props in rows(folder / name, name in multiline, ends=2):
                (sl, sk), (dl, dk) = by_id[start], by_id[end]
                edges.append(Edge(rel, sl, sk, dl, dk, freeze_props(props)))
    return sorted(nodes), sorted(edges)


def rows(path: Path, multiline: bool, ends: int = 1) -> list[tuple[Any, dict[str, Any]]]:
    header = path.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    names = [h.split(":")[0] for h in header]
    types = {h.split(":")[0]: h.split(":")[1] for h in header if ":" in h and not h.startswith(":")}
    arrow = {"long": pa.int64(), "double": pa.float64(), "boolean": pa.bool_(), "date": pa.date32()}
    table = pcsv.read_csv(
        path,
        read_options=pcsv.ReadOptions(column_names=[str(i) for i in range(len(header))], skip_rows=1),
        parse_options=pcsv.ParseOptions(newlines_in_values=multiline),
        convert_options=pcsv.ConvertOptions(
            column_types={
                str(i): arrow.get(types.get(n, ""), pa.string()) if n else pa.int64()
                for i, n in enumerate(names)
            },
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )
    out = []
    for values in zip(*(c.to_pylist() for c in table.columns), strict=True):
        props = {
            n: (v.split(ARRAY_DELIMITER) if types.get(n) == "string[]" and v is not None else v)
            for n, v in zip(names, values, strict=True)
            if n
        }
        ids = values[0] if ends == 1 else values[:2]
        out.append((ids, props))
    return out


def hostile(res: Any) -> Any:
    """A Resolution whose text fields, an org (a node key) and a routing note hold hostile text."""
    for i, text in enumerate(HOSTILE):
        f = res.filings[i]
        res.filings[i] = dataclasses.replace(
            f, content=text, petitioner_name=text, receiving_org=text or "局", category=text, issue_place=text
        )
    res.transfers[0] = dataclasses.replace(res.transfers[0], note=HOSTILE[1], from_unit=HOSTILE[0])
    return res


@pytest.mark.parametrize("make", [small, lambda: hostile(synthetic_resolution(400, seed=4))])
def test_the_files_hold_the_mapped_graph(make: Any, tmp_path: Path) -> None:
    res = make()
    before = time.perf_counter()
    stats = write_import_files(res, tmp_path / "import", chunk=150)  # several files per label
    assert 0 < stats.seconds <= time.perf_counter() - before
    assert read_files(tmp_path / "import") == expected_dump(to_graph(res))
    manifest = json.loads((tmp_path / "import" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["nodes"] == stats.nodes and manifest["nodes"]["Filing"] == len(res.filings)
    assert manifest["edges"]["ROUTED"] == len(res.transfers)
    assert not list(tmp_path.glob(".import.partial-*"))


def test_an_empty_resolution_makes_files_of_no_rows(tmp_path: Path) -> None:
    res = synthetic_resolution(0, seed=1)
    write_import_files(res, tmp_path / "import")
    assert read_files(tmp_path / "import") == expected_dump(to_graph(res))


def test_only_rows_with_line_breaks_take_the_slow_multiline_path(tmp_path: Path) -> None:
    res = hostile(synthetic_resolution(60, seed=2))
    write_import_files(res, tmp_path / "import")
    args = (tmp_path / "import" / ARGS_FILE).read_text(encoding="utf-8").splitlines()
    listed = [a for a in args if a.startswith("--multiline-fields=")][0][19:].split(",")
    assert "--multiline-fields-format=v2" in args
    for name in listed:
        text = (tmp_path / "import" / name).read_text(encoding="utf-8")
        assert "\n第二行" in text or "\r" in text, name
    single = [a.split("=")[-1] for a in args if a.startswith("--nodes=Filing=") and "multiline" not in a]
    body = (tmp_path / "import" / single[0]).read_text(encoding="utf-8")
    assert body.count("\n") == 1 + len(rows(tmp_path / "import" / single[0], False))  # a line per row
    assert "\r" not in body and "\u2028" in body  # other separators are no line break to the importer


def test_string_columns_convert_as_pyarrow_does() -> None:
    values = ["张三", None, "", "a\x1eb", "x" * 5, "第一行\n"]
    assert _strings(values).to_pylist() == values  # \x1e in a value: the slower conversion, same result
    assert _strings(["甲", None, "乙"]).to_pylist() == ["甲", None, "乙"]
    assert _strings([]).to_pylist() == []


def node_table(label: Label, rows: list[dict[str, Any]]) -> NodeTable:
    names = [name for name, _ in model.NODE_PROPS[label]]
    return NodeTable(label, {n: [r.get(n) for r in rows] for n in names})


def filing_rows(*keys: str, **props: Any) -> NodeTable:
    return node_table(
        Label.FILING, [{"filing_id": k, "received_date": date(2024, 1, 1), **props} for k in keys]
    )


@pytest.mark.parametrize("names", [["张三", "李\x1f四"], ["张三", ""], []])
def test_lists_that_would_not_read_back_are_refused(names: list[str], tmp_path: Path) -> None:
    with pytest.raises(BulkImportError, match="list"):
        with ImportFiles(tmp_path / "import") as files:
            files.add_nodes(filing_rows("F1", co_petitioners=names))


def test_duplicate_keys_and_used_folders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BulkImportError, match="duplicate"):
        ImportFiles(tmp_path / "a").add_nodes(filing_rows("F1", "F1"))
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "old.csv").write_text("x", encoding="utf-8")
    with pytest.raises(BulkImportError, match="not empty"):
        ImportFiles(tmp_path / "b")
    with pytest.raises(BulkImportError, match="not an empty folder"):
        write_import_files(small(), tmp_path / "b")


def test_edges_to_missing_nodes_are_left_out(tmp_path: Path) -> None:
    with ImportFiles(tmp_path / "import") as files:
        files.add_nodes(filing_rows("F1", "F2"))
        files.add_nodes(node_table(Label.UNIT, [{"unit_id": "U1", "name": "局"}]))
        files.add_edges(EdgeTable(model.HANDLED_BY, ["F1", "F2", "F3"], ["U1", "U9", "U1"], {}, ["F1", "F2"]))
    assert files.edges["HANDLED_BY"] == 1
    assert read_files(tmp_path / "import")[1] == [Edge("HANDLED_BY", "Filing", "F1", "Unit", "U1", ())]
