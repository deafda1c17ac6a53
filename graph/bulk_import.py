"""neo4j-admin import files from graph tables: the offline first load of an empty Neo4j database.

    with ImportFiles(folder) as files:     # a new or empty folder
        files.add_nodes(table) ...         # a node table before any edge table that points at its nodes
        files.add_edges(table) ...
    # then, Neo4j stopped, its database empty:  cd folder && neo4j-admin database import full @import.args

Leaving the block writes `import.args` (the importer's options, one per line, file names relative to the
folder) and `manifest.json` (nodes per label, edges per type: what the database must hold afterwards).

The files are Neo4j's CSV import format:
- one CSV file per table (a chunk of a label's nodes, of an edge kind's edges), each with its own header:
  `:ID,filing_id,received_date:date,level_rank:long,group:boolean,co_petitioners:string[],…` for nodes,
  `:START_ID,:END_ID,score:double,…` for edges; labels and types are named in import.args
  (`--nodes=Filing=Filing-0001.csv`, `--relationships=FILED=Petitioner-FILED-Filing-0001.csv`).
- node ids are the importer's actual node ids (`--id-type=actual`), numbered here in the order nodes are
  added; the key is an ordinary property. Edges name their ends by number, so the importer keeps no id map
  (a quarter less of its CPU at a million filings), and an edge whose end is no node is left out here, as
  the Bolt writer's MATCH leaves it out.
- every string is quoted (`"`, quotes doubled), an absent value is an empty unquoted field, "" is `""`:
  commas, quotes, semicolons, NUL and other control characters are stored exactly as given.
- lists are joined with U+001F, the ASCII unit separator (`--array-delimiter=U+001F`). A list element that
  holds it, an empty element or an empty list cannot be written so that it reads back the same, and is refused
  (BulkImportError); caselink's lists (co-signer names: letters, digits and marks; generated reasons and
  flags) never hold one.
- rows whose text holds a line break go to a file of their own, listed in `--multiline-fields` (format
  v2): the importer reads multi-line fields much more slowly, so only those few rows take that path.

Values go column by column through pyarrow (C++), not cell by cell through Python: a million filings make
about 600 MB of CSV in seconds.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from graph.errors import GraphError
from graph.model import NODE_PROPS, EdgeSpec, Label, PropType
from graph.tables import Column, EdgeTable, NodeTable

ARGS_FILE = "import.args"
MANIFEST_FILE = "manifest.json"
FORMAT = 1
ARRAY_DELIMITER = "\x1f"
_JOIN = "\x1e"
"""Joins a column's strings for one bulk UTF-8 encoding (see _strings); any other character would do."""
_LINE_BREAK = "[\r\n]"
_WRITE = pcsv.WriteOptions(include_header=False, quoting_style="needed", batch_size=65_536)
_TYPES: dict[PropType, pa.DataType] = {
    "string": pa.large_string(),
    "long": pa.int64(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
}


class BulkImportError(GraphError):
    """The import files cannot be written (a value the CSV format cannot carry, a folder in use)."""


class ImportFiles:
    """The files of one full import, written table by table into `folder` (see the module doc)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        if self.folder.exists() and any(self.folder.iterdir()):
            raise BulkImportError(
                f"{self.folder} is not empty: write the import files into a new or empty folder "
                "(the importer would take every file listed there)."
            )
        self.folder.mkdir(parents=True, exist_ok=True)
        self.ids: dict[Label, dict[str, int]] = {label: {} for label in Label}
        self.latest: dict[Label, tuple[Column, int]] = {}
        """Per label, the keys of the node table added last and the number of its first node."""
        self.next_id = 0
        self.args: list[str] = []
        self.multiline: list[str] = []
        self.nodes: Counter[str] = Counter()
        self.edges: Counter[str] = Counter()
        self.files = 0

    def __enter__(self) -> ImportFiles:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.finish()

    def add_nodes(self, table: NodeTable) -> None:
        """Write the nodes of a table, numbering them on from the nodes written before."""
        n, label = len(table), table.label
        if not n:
            return
        ids = self.ids[label]
        before = len(ids)
        ids.update(zip(table.columns[label.key], range(self.next_id, self.next_id + n), strict=True))
        if len(ids) != before + n:
            raise BulkImportError(f"duplicate {label}.{label.key} values: every node key must be unique")
        numbers = pa.array(np.arange(self.next_id, self.next_id + n, dtype=np.int64))
        self.latest[label] = (table.columns[label.key], self.next_id)
        self.next_id += n
        types = dict(NODE_PROPS[label])
        columns = [numbers] + [_array(values, types[name]) for name, values in table.columns.items()]
        header = [":ID"] + [_header(name, types[name]) for name in table.columns]
        self._write(f"--nodes={label}=", str(label), header, columns)
        self.nodes[str(label)] += n

    def add_edges(self, table: EdgeTable) -> None:
        """Write the edges of a table whose both ends were added as nodes; the others are left out."""
        spec = table.spec
        if not len(table):
            return
        src = self._numbers(spec.src, table.src, table if spec.owner == "src" else None)
        dst = self._numbers(spec.dst, table.dst, table if spec.owner == "dst" else None)
        types = dict(spec.props)
        columns = [src, dst] + [_array(values, types[name]) for name, values in table.columns.items()]
        if src.null_count or dst.null_count:
            both = pc.and_(pc.is_valid(src), pc.is_valid(dst))
            columns = [pc.filter(column, both) for column in columns]
        header = [":START_ID", ":END_ID"] + [_header(name, types[name]) for name in table.columns]
        self._write(f"--relationships={spec.rel}=", _file_stem(spec), header, columns)
        self.edges[str(spec.rel)] += len(columns[0])

    def _numbers(self, label: Label, keys: Column, owned: EdgeTable | None) -> pa.Array:
        """The node numbers of the edges' ends with this label (null where no such node was added).

        The owner end of a table whose owners are the node table added last for their label is numbered by
        position (owner_index), without a lookup by key.
        """
        latest = self.latest.get(label)
        if owned is not None and owned.owner_index is not None and latest and owned.owners is latest[0]:
            return pa.array(np.asarray(owned.owner_index, dtype=np.int64) + latest[1])
        return pa.array(list(map(self.ids[label].get, keys)), pa.int64())

    def _write(self, option: str, stem: str, header: list[str], columns: Sequence[pa.Array]) -> None:
        batch = pa.RecordBatch.from_arrays(list(columns), names=[str(i) for i in range(len(columns))])
        broken = _line_breaks(batch)
        if broken is not None:
            name = self._csv(option, f"{stem}-{self.files:04d}-multiline", header, batch.filter(broken))
            self.multiline.append(name)
            batch = batch.filter(pc.invert(broken))
        self._csv(option, f"{stem}-{self.files:04d}", header, batch)
        self.files += 1

    def _csv(self, option: str, stem: str, header: list[str], batch: pa.RecordBatch) -> str:
        """Write one CSV file (header, then the rows) and list it in import.args; returns its name."""
        name = f"{stem}.csv"
        if batch.num_rows:
            with pa.OSFile(str(self.folder / name), "wb") as sink:
                sink.write((",".join(header) + "\n").encode())
                pcsv.write_csv(batch, sink, _WRITE)
            self.args.append(f"{option}{name}")
        return name

    def finish(self) -> Path:
        """Write import.args and manifest.json; returns the path of import.args."""
        args = ["--id-type=actual", "--array-delimiter=U+001F", *self.args]
        if self.multiline:
            args += ["--multiline-fields-format=v2", "--multiline-fields=" + ",".join(self.multiline)]
        path = self.folder / ARGS_FILE
        path.write_text("\n".join(args) + "\n", encoding="utf-8")
        manifest = {"format": FORMAT, "nodes": dict(self.nodes), "edges": dict(self.edges)}
        (self.folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        return path


def read_manifest(folder: Path) -> dict[str, dict[str, int]]:
    """Nodes per label and edges per type that the import of `folder` puts into the database."""
    path = Path(folder) / MANIFEST_FILE
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BulkImportError(f"{path} cannot be read ({exc}): is this a folder of import files?") from exc
    if not isinstance(saved, dict) or saved.get("format") != FORMAT:
        raise BulkImportError(f"{path} was written by another caselink version: write the files again.")
    return {"nodes": dict(saved["nodes"]), "edges": dict(saved["edges"])}


def _file_stem(spec: EdgeSpec) -> str:
    return f"{spec.src}-{spec.rel}-{spec.dst}"


def _header(name: str, kind: PropType) -> str:
    return name if kind == "string" else f"{name}:{kind}"


def _array(values: Column, kind: PropType) -> pa.Array:
    if kind == "string":
        return _strings(values)
    if kind == "string[]":
        return _lists(values)
    try:
        array = pa.array(values, _TYPES[kind])
    except (pa.ArrowException, TypeError, OverflowError) as exc:
        raise BulkImportError(f"a value cannot be written as {kind} ({exc})") from exc
    if kind == "double" and pc.any(pc.invert(pc.is_finite(array))).as_py():
        raise BulkImportError("a number that is not finite (nan, inf) cannot be written for the importer")
    return array


def _strings(values: Column) -> pa.Array:
    """A string array, UTF-8-encoded in one go: joined, encoded, split by offsets.

    pyarrow encodes Python strings one at a time (about 1 µs for a short Chinese text); joining them first
    is several times faster. A value holding the joining character falls back to pyarrow's own conversion.
    """
    n = len(values)
    nulls = None in values
    texts: Column = [v if v is not None else "" for v in values] if nulls else values
    try:
        data = _JOIN.join(texts).encode()
    except (TypeError, UnicodeEncodeError):
        return _converted(values)
    ends = np.flatnonzero(np.frombuffer(data, np.uint8) == ord(_JOIN))
    if len(ends) != n - 1:
        return _converted(values)
    compact = data.replace(_JOIN.encode(), b"")
    offsets = np.empty(n + 1, np.int64)
    offsets[0], offsets[-1] = 0, len(compact)
    offsets[1:-1] = ends - np.arange(n - 1)
    array = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(compact))
    if nulls:
        absent = pa.array([v is None for v in values], pa.bool_())
        array = pc.if_else(absent, pa.scalar(None, pa.large_string()), array)
    return array


def _converted(values: Column) -> pa.Array:
    try:
        return pa.array(values, pa.large_string())
    except (pa.ArrowException, TypeError, UnicodeEncodeError) as exc:
        raise BulkImportError(f"a value cannot be written as text ({exc})") from exc


def _lists(values: Column) -> pa.Array:
    """Lists of strings as strings joined with ARRAY_DELIMITER; refused when they would not read back."""
    joined = [None if v is None else ARRAY_DELIMITER.join(v) for v in values]
    array = _strings(joined)
    elements = sum(len(v) for v in values if v is not None)
    delimiters = pc.sum(pc.count_substring(array, ARRAY_DELIMITER)).as_py() or 0
    empty = pc.any(pc.match_substring_regex(array, "^$|^\x1f|\x1f$|\x1f\x1f")).as_py()
    if delimiters != elements - (len(values) - array.null_count) or empty:
        raise BulkImportError(
            "a list holds an empty element, is empty, or has an element containing U+001F: "
            "the import format cannot carry it so that it reads back the same"
        )
    return array


def _line_breaks(batch: pa.RecordBatch) -> Any:
    """A boolean mask of the rows whose text holds a line break, or None when no row does.

    A column's text is first scanned as one buffer (numpy); rows are matched only in a column that has one.
    """
    mask = None
    for column in batch.columns:
        if pa.types.is_large_string(column.type) and _has_line_break(column):
            hit = pc.fill_null(pc.match_substring_regex(column, _LINE_BREAK), False)
            mask = hit if mask is None else pc.or_(mask, hit)
    if mask is None or not pc.any(mask).as_py():
        return None
    return mask


def _has_line_break(column: pa.Array) -> bool:
    """Whether the column's data buffer holds a CR or LF byte (it may hold more than the column shows)."""
    data = column.buffers()[2]
    if data is None:
        return False
    raw = np.frombuffer(data, dtype=np.uint8)
    return bool(np.any(raw == 10) or np.any(raw == 13))
