"""Property tests of ingest.read.sources: whatever text a cell holds, written as CSV it reads back equal.

Also: the parallel reader (spans cut at record boundaries, two forked workers) gives exactly what the
one-piece reader gives.
"""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ingest.read.files as pipeline
from ingest.columns import TRANSFER_COLUMNS
from ingest.read.sources import open_source, read_span, split_csv

COLUMNS = [c.name for c in TRANSFER_COLUMNS]

# Printable text: letters, digits, punctuation, symbols and spaces of any script, plus line breaks, quotes
# and commas inside cells. Surrounding whitespace is stripped on reading, so cells are generated stripped.
cell = st.text(
    st.characters(
        whitelist_categories=("L", "M", "N", "P", "S", "Zs"),
        whitelist_characters='\n",;\t',
        blacklist_characters="\u2028\u2029\x85",
    ),
    max_size=40,
).map(str.strip)
row = st.lists(cell, min_size=len(COLUMNS), max_size=len(COLUMNS))


def _gb18030_encodable(cells: list[str]) -> bool:
    try:
        "".join(cells).encode("gb18030")
    except UnicodeEncodeError:
        return False
    return True


def _write(path: Path, rows: list[list[str]], encoding: str) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def _nonblank(rows: list[list[str]]) -> list[list[str]]:
    return [r for r in rows if any(r)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row, min_size=1, max_size=5))
def test_any_printable_row_reads_back_equal(encoding: str, rows: list[list[str]]) -> None:
    if encoding == "gb18030":
        rows = [r for r in rows if _gb18030_encodable(r)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "transfers.csv"
        _write(path, rows, encoding)
        read = [[raw.values[c] for c in COLUMNS] for raw in open_source(path, "transfers").rows()]
    assert read == _nonblank(rows)


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(row, min_size=1, max_size=40))
def test_spans_cover_every_record_once(rows: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "transfers.csv"
        _write(path, rows, "utf-8")
        table = open_source(path, "transfers")
        whole = [[raw.values[c] for c in COLUMNS] for raw in table.rows()]
        spans = split_csv(table, 2, min_bytes=0)
        assert spans is not None
        pieces = []
        for start, end in spans:
            pieces.extend([raw.values[c] for c in COLUMNS] for raw in read_span(table, start, end, [0, 0]))
    assert pieces == whole


def test_parallel_pipeline_equals_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    header = (
        "filing_id,received_date,channel,receiving_level,receiving_org,petitioner_name,id_number,phone,"
        "address,issue_place,headcount,co_petitioners,category,content,responsible_unit,status,concluded_date"
    )
    lines = [header]
    for i in range(3000):
        content = f'"第{i}件，""引号""\n第二行"' if i % 7 == 0 else f"内容{i}"
        date_text = "2024-02-30" if i % 97 == 0 else f"2024-03-{i % 28 + 1:02d}"
        fid = f"F{i - 1}" if i % 113 == 0 else f"F{i}"
        cells = [
            fid,
            date_text,
            "来访",
            "县",
            f"机关{i % 3}",
            f"张{i % 50}",
            f"1301021980010{i % 1000:04d}"[:17] + "X",
            f"1380013{i % 10000:04d}",
            "河北省石家庄市长安区" if i % 5 else "幸福路",
            "正定县" if i % 3 else "",
            str(i % 7 + 1),
            "李四、王五" if i % 4 == 0 else "",
            f"类别{i % 4}",
            content,
            f"单位{i % 6}",
            "已办结" if i % 2 else "搁置",
            "2024-04-01" if i % 2 else "",
        ]
        lines.append(",".join(cells))
        if i % 500 == 0:
            lines.append("")
    path = tmp_path / "filings.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(pipeline, "WORKERS", 1)
    serial = pipeline.read_and_validate(path, today=date(2025, 1, 1))
    monkeypatch.setattr(pipeline, "WORKERS", 2)
    monkeypatch.setattr("ingest.read.sources.SPLIT_MIN_BYTES", 0)
    parallel = pipeline.read_and_validate(path, today=date(2025, 1, 1))
    assert (parallel.summaries[0].workers, serial.summaries[0].workers) == (2, 1)
    parallel.summaries[0].workers = 1
    assert parallel.summaries == serial.summaries
    assert parallel.filings == serial.filings
    assert parallel.problems == serial.problems
    assert serial.summaries[0].rejected > 30  # bad dates and duplicates across span boundaries
