"""Read + validate + normalise one filings file (and optionally its transfers file): the ingest front end.

Every row read ends up either loaded (a Filing / Transfer, possibly flagged) or rejected (its problems in
`ValidationResult.problems`), so for each file `read == loaded + rejected`. A file that cannot be read at
all raises ingest.errors.InputFileError before anything is returned.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ingest.errors import InputFileError
from ingest.records import Filing, Problem, Transfer
from ingest.sources import Kind, RawRow, SourceTable, load_mapping, open_source
from ingest.validate import duplicate_id, unknown_filing, validate_filing, validate_transfer

PROGRESS_MIN_ROWS = 20_000
"""Files estimated to hold fewer rows than this get no progress bar."""


@dataclass
class FileSummary:
    file: str
    """"filings" or "transfers" (as in Problem.file)."""
    read: int
    loaded: int
    rejected: int
    flagged: int
    """Loaded rows carrying at least one flag."""
    path: str = ""
    """The input file as given."""
    notes: list[str] = field(default_factory=list)
    """File-level remarks for the clerk: encoding used, ignored columns, blank rows skipped …"""


@dataclass
class ValidationResult:
    filings: list[Filing]
    transfers: list[Transfer]
    problems: list[Problem]
    """Rejects and flags of both files, filings first, each in row order."""
    summaries: list[FileSummary]


def read_and_validate(
    filings_path: Path,
    transfers_path: Path | None = None,
    *,
    mapping_path: Path | None = None,
    known_filing_ids: Collection[str] = (),
    progress: bool = False,
    today: date | None = None,
) -> ValidationResult:
    """Read, validate and normalise the input files. Raises InputFileError when a whole file cannot be used.

    known_filing_ids are filings loaded by earlier ingests: transfers may refer to them.
    progress shows a tqdm bar on stderr for long files.
    """
    today = today or date.today()
    mapping = load_mapping(Path(mapping_path)) if mapping_path is not None else None
    filings_table = _open(Path(filings_path), "filings", mapping)
    transfers_table = (
        _open(Path(transfers_path), "transfers", mapping) if transfers_path is not None else None
    )

    filings: list[Filing] = []
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    rejected_row: dict[str, int] = {}
    summary = FileSummary("filings", 0, 0, 0, 0, str(filings_path))
    for raw in _rows(filings_table, progress):
        summary.read += 1
        result = validate_filing(raw, today)
        fid = raw.values["filing_id"]
        if fid:
            seen = first_row.get(fid)
            if seen is None:
                first_row[fid] = raw.row
            else:
                dup = duplicate_id(raw, seen)
                result = [*result.flags, dup] if isinstance(result, Filing) else [*result, dup]
        if isinstance(result, Filing):
            filings.append(result)
            summary.loaded += 1
            if result.flags:
                summary.flagged += 1
                problems.extend(result.flags)
        else:
            summary.rejected += 1
            problems.extend(result)
            if fid and fid not in rejected_row:
                rejected_row[fid] = raw.row
    summary.notes = _notes(filings_table)
    summaries = [summary]

    transfers: list[Transfer] = []
    if transfers_table is not None:
        loaded_ids = {f.filing_id for f in filings}
        known = (
            known_filing_ids
            if isinstance(known_filing_ids, set | frozenset | dict)
            else set(known_filing_ids)
        )
        tsummary = FileSummary("transfers", 0, 0, 0, 0, str(transfers_path))
        for raw in _rows(transfers_table, progress):
            tsummary.read += 1
            tresult = validate_transfer(raw, today)
            fid = raw.values["filing_id"]
            if fid and fid not in loaded_ids and fid not in known:
                missing = unknown_filing(raw, rejected_row.get(fid))
                tresult = [*tresult.flags, missing] if isinstance(tresult, Transfer) else [*tresult, missing]
            if isinstance(tresult, Transfer):
                transfers.append(tresult)
                tsummary.loaded += 1
                if tresult.flags:
                    tsummary.flagged += 1
                    problems.extend(tresult.flags)
            else:
                tsummary.rejected += 1
                problems.extend(tresult)
        tsummary.notes = _notes(transfers_table)
        summaries.append(tsummary)
    return ValidationResult(filings, transfers, problems, summaries)


def _open(path: Path, kind: Kind, mapping: dict[str, str] | None) -> SourceTable:
    try:
        return open_source(path, kind, mapping)
    except OSError as exc:
        raise InputFileError(
            f"{path}: 无法打开文件（{exc.strerror}）。请检查文件是否被其他程序占用或是否有读取权限。 / "
            f"Cannot open the file ({exc.strerror}). Check that no other program holds it and that you may read it."
        ) from None


def _rows(table: SourceTable, progress: bool) -> Iterator[RawRow]:
    rows = table.rows()
    if not progress:
        return rows
    estimate = _estimated_rows(table)
    if estimate < PROGRESS_MIN_ROWS:
        return rows
    from tqdm import tqdm

    return iter(tqdm(rows, total=estimate, desc=table.path.name, unit=" rows", unit_scale=True, leave=False))


def _estimated_rows(table: SourceTable) -> int:
    size = table.path.stat().st_size
    if table.file_format == "xlsx":
        return size // 40  # compressed sheets hold roughly 40 bytes per row of this shape
    with table.path.open("rb") as fh:
        sample = fh.read(256 * 1024)
    lines = sample.count(b"\n")
    return size // max(1, len(sample) // max(1, lines)) if lines else 0


def _notes(table: SourceTable) -> list[str]:
    notes = []
    if table.file_format == "csv":
        notes.append(f"编码 / encoding: {table.encoding}")
    notes.extend(table.notes)
    return notes
