"""Read + validate + normalise one filings file (and optionally its transfers file): the ingest front end.

Every row read ends up either loaded (a Filing / Transfer, possibly flagged) or rejected (its problems in
`ValidationResult.problems`), so for each file `read == loaded + rejected`. A file that cannot be read at
all raises ingest.errors.InputFileError before anything is returned.

Each input file is handed to ingest.read.sources once (`open_source`, which also reads the column-mapping
file); everything here works on the table it returns, whose rows come whole or by byte spans.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import shutil
import tempfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from sys import intern
from typing import Any

from ingest import background
from ingest.background import paused_gc
from ingest.columns import Channel, Level, Status
from ingest.errors import InputFileError
from ingest.read.normalise import normalise_account
from ingest.read.sources import RawRow, SourceTable, estimated_rows, open_source, read_span, split_csv
from ingest.read.validate import (
    duplicate_id,
    duplicate_seq,
    unknown_filing,
    validate_filing,
    validate_transfer,
)
from ingest.records import Filing, Problem, Severity, Transfer

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
    workers: int = 1
    """Processes that validated the file (2 for big CSV files, see WORKERS)."""


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
    with paused_gc():  # records hold no cycles: the collector's passes would only cost time
        return _read_and_validate(
            Path(filings_path),
            transfers_path,
            mapping_path,
            known_filing_ids,
            progress,
            today or date.today(),
        )


def _read_and_validate(
    filings_path: Path,
    transfers_path: Path | None,
    mapping_path: Path | None,
    known_filing_ids: Collection[str],
    progress: bool,
    today: date,
) -> ValidationResult:
    filings_table = open_source(Path(filings_path), "filings", mapping_path)
    transfers_table = (
        open_source(Path(transfers_path), "transfers", mapping_path) if transfers_path is not None else None
    )

    try:
        filings, problems, summary, rejected_row = _load_filings(
            filings_table, today, progress, parallel=True
        )
    except _ReadFault:  # a malformed row may have misled the split: read the file again in one piece
        filings, problems, summary, rejected_row = _load_filings(
            filings_table, today, progress, parallel=False
        )
    summary.notes = _notes(filings_table, summary.read)
    summaries = [summary]

    transfers: list[Transfer] = []
    if transfers_table is not None:
        loaded_ids = {f.filing_id: f.filing_id for f in filings}
        known = (
            known_filing_ids
            if isinstance(known_filing_ids, set | frozenset | dict)
            else set(known_filing_ids)
        )
        tsummary = FileSummary("transfers", 0, 0, 0, 0, str(transfers_path))
        first_seq: dict[tuple[str, int], int] = {}
        for raw in _rows(transfers_table, progress):
            tsummary.read += 1
            tresult = validate_transfer(raw, today)
            fid = raw.values["filing_id"]
            if fid and fid not in loaded_ids and fid not in known:
                missing = unknown_filing(raw, rejected_row.get(fid))
                tresult = [*tresult.flags, missing] if isinstance(tresult, Transfer) else [*tresult, missing]
            if isinstance(tresult, Transfer):
                first = first_seq.setdefault((tresult.filing_id, tresult.seq), raw.row)
                if first != raw.row:
                    tresult = [*tresult.flags, duplicate_seq(raw, first)]
            if isinstance(tresult, Transfer):
                # the filing's own id string: a million transfers need not each hold a copy
                tresult.filing_id = loaded_ids.get(tresult.filing_id, tresult.filing_id)
                transfers.append(tresult)
                tsummary.loaded += 1
                if tresult.flags:
                    tsummary.flagged += 1
                    problems.extend(tresult.flags)
            else:
                tsummary.rejected += 1
                problems.extend(tresult)
        tsummary.notes = _notes(transfers_table, tsummary.read)
        summaries.append(tsummary)
    return ValidationResult(filings, transfers, problems, summaries)


def _load_filings(
    table: SourceTable, today: date, progress: bool, *, parallel: bool
) -> tuple[list[Filing], list[Problem], FileSummary, dict[str, int]]:
    filings: list[Filing] = []
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    rejected_row: dict[str, int] = {}
    summary = FileSummary("filings", 0, 0, 0, 0, str(table.path))
    spans = split_csv(table, WORKERS) if parallel and WORKERS > 1 else None
    summary.workers = WORKERS if spans is not None else 1
    for fid, row, result in _checked_filings(table, today, progress, spans):
        summary.read += 1
        if fid:
            seen = first_row.get(fid)
            if seen is None:
                first_row[fid] = row
            else:
                dup = duplicate_id(row, fid, seen)
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
                rejected_row[fid] = row
    return filings, problems, summary, rejected_row


def _checked_filings(
    table: SourceTable, today: date, progress: bool, spans: list[tuple[int, int]] | None
) -> Iterator[tuple[str, int, Checked]]:
    """(filing_id, row, Filing or problems) for every row, in file order; in parallel when given spans."""
    if spans is not None:
        yield from _validate_in_parallel(table, today, spans, progress)
        return
    for raw in _rows(table, progress):
        yield raw.values["filing_id"], raw.row, validate_filing(raw, today)


def _rows(table: SourceTable, progress: bool) -> Iterator[RawRow]:
    rows = table.rows()
    bar = _progress_bar(table, progress)
    if bar is None:
        return rows
    return _counted(rows, bar)


def _counted(rows: Iterator[RawRow], bar: Any) -> Iterator[RawRow]:
    with bar:
        for raw in rows:
            bar.update()
            yield raw


def _progress_bar(table: SourceTable, progress: bool) -> Any:
    if not progress:
        return None
    estimate = estimated_rows(table)
    if estimate < PROGRESS_MIN_ROWS:
        return None
    from tqdm import tqdm

    return tqdm(total=estimate, desc=table.path.name, unit=" rows", unit_scale=True, leave=False)


def _notes(table: SourceTable, read: int) -> list[str]:
    notes = []
    if table.file_format == "csv":
        notes.append(f"编码 / encoding: {table.encoding}")
    if read == 0:
        notes.append("表头之后没有记录 / no records after the header")
    notes.extend(table.notes)
    return notes


# --- parallel reading of big CSV files ------------------------------------------------------------------

Checked = Filing | list[Problem]
WORKERS = background.WORKERS
"""Processes (this one included) that validate a big filings CSV; 1 reads every file in one piece."""
_JOB: tuple[SourceTable, date, Path] | None = None
"""What the forked workers read (the table, the day, the folder for their results): set before the fork."""


class _ReadFault(Exception):
    """A span held a row-level read fault: the split may be wrong, so the file is read again in one piece."""


def _validate_in_parallel(
    table: SourceTable, today: date, spans: list[tuple[int, int]], progress: bool
) -> Iterator[tuple[str, int, Checked]]:
    """Validate the spans in order, some here and the rest in forked workers, yielding file-order results.

    This process reads every span itself (it needs the text anyway). Of a worker's span it takes only
    what validation derived (dates, enums, normalised name, ID and phone fields, counties, problems):
    pickling the text or the dataclasses across would cost more than validating. The spans it validates
    itself cost no pickling at all, so it keeps a share of them (see _worker_spans). Raises _ReadFault
    (possibly after yielding) when a span holds a row that could not be split into cells, or the two
    readings of a span disagree: the caller then starts again reading the file in one piece.
    """
    global _JOB
    _warm_up()
    results_dir = Path(tempfile.mkdtemp(prefix="caselink-ingest-", dir=background.results_folder()))
    _JOB = (table, today, results_dir)
    remote = _worker_spans(len(spans))
    bar = None
    last_row = 1  # the header
    blank = 0
    try:
        with multiprocessing.get_context("fork").Pool(WORKERS - 1) as pool:
            bar = _progress_bar(table, progress)  # after the fork: tqdm starts a monitor thread
            results = pool.imap(_validate_span, [spans[k] for k in sorted(remote)], chunksize=1)
            for k, (start, end) in enumerate(spans):
                counts = [0, 0]
                rows = read_span(table, start, end, counts, last_row)
                if k in remote:
                    fault, derived = _take(next(results))
                    if fault:
                        raise _ReadFault()
                    items = iter(derived)
                    for raw in rows:
                        item = next(items, None)
                        if item is None or item[1] != raw.values["filing_id"]:
                            raise _ReadFault()
                        yield item[1], raw.row, _assemble(raw, item)
                    if next(items, None) is not None:
                        raise _ReadFault()
                else:
                    for raw in rows:
                        if raw.problems and _read_fault(raw):
                            raise _ReadFault()
                        yield raw.values["filing_id"], raw.row, validate_filing(raw, today)
                last_row += counts[0]
                blank += counts[1]
                if bar is not None:
                    bar.update(counts[0] - counts[1])
    except InputFileError:
        raise _ReadFault() from None
    finally:
        _JOB = None
        shutil.rmtree(results_dir, ignore_errors=True)
        if bar is not None:
            bar.close()
    if blank:
        table.notes.append(f"跳过空行 {blank} 行 / {blank} blank rows skipped")


def _worker_spans(n: int) -> set[int]:
    """Which spans go to the workers: with one worker, 3 in 5. The parent also re-reads their text and
    assembles their records, which costs it about half of validating a span itself (bench/ingest.py
    prints the CPU time of both sides: they should come out about equal)."""
    if WORKERS > 2:
        return {k for k in range(n) if k % WORKERS}
    return {k for k in range(n) if k % 5 in (1, 2, 4)}


def _read_fault(raw: RawRow) -> bool:
    return any(p.column == "" for p in raw.problems)


def _warm_up() -> None:
    """Load reference data once in the parent so forked workers share it instead of each loading it."""
    from ingest.read import normalise, places

    places.county_of("河北省石家庄市长安区")
    normalise.name_pinyin(normalise.normalise_name("张三"))


def _validate_span(span: tuple[int, int]) -> tuple[bool, str]:
    """Validate one span in a worker; the derived values go to a file whose path is returned.

    Through a file rather than the pool's pipe: a pipe holds 64 KiB, so a worker sending megabytes would
    wait on every chunk for the parent's result thread, which shares the interpreter lock with the busy
    validating main thread (measured: the worker idled about a quarter of the time).
    """
    assert _JOB is not None
    table, today, results_dir = _JOB
    gc.disable()  # as in the parent (see _gc_paused); the worker ends after the pool closes
    encoded: list[tuple[Any, ...]] = []
    fault = False
    for raw in read_span(table, span[0], span[1], [0, 0]):
        if raw.problems and _read_fault(raw):
            fault = True
        encoded.append(_derived(raw.values["filing_id"], validate_filing(raw, today)))
    fd, path = tempfile.mkstemp(dir=results_dir)
    with os.fdopen(fd, "wb") as fh:
        pickle.dump(encoded, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return fault, path


def _take(result: tuple[bool, str]) -> tuple[bool, list[tuple[Any, ...]]]:
    """A worker's result read back (and its file removed)."""
    fault, path = result
    with open(path, "rb") as fh:
        derived: list[tuple[Any, ...]] = pickle.load(fh)
    os.unlink(path)
    return fault, derived


# Results cross the process boundary as plain tuples without the row's text: pickling the dataclasses
# (with their enums) and the text costs more than the validation itself.


def _derived(fid: str, result: Checked) -> tuple[Any, ...]:
    if isinstance(result, Filing):
        f = result
        return (
            True,
            fid,
            f.received_date,
            f.channel.value,
            f.receiving_level.value,
            f.name_norm,
            f.name_pinyin,
            f.id_number,
            f.id_valid,
            f.birth_date,
            f.sex,
            f.id_region,
            f.phone,
            f.address_county,
            f.place_county,
            f.headcount,
            f.co_petitioners,
            f.status.value if f.status is not None else None,
            f.concluded_date,
            [_encode_problem(p) for p in f.flags] if f.flags else None,
        )
    return (False, fid, [_encode_problem(p) for p in result])


def _assemble(raw: RawRow, item: tuple[Any, ...]) -> Checked:
    """Worker-derived values plus this process's reading of the text: what validate_filing would return."""
    row = raw.row
    if not item[0]:
        return [_decode_problem(p, row) for p in item[2]]
    (
        _,
        fid,
        received,
        channel,
        level,
        name_norm,
        pinyin,
        id_number,
        id_valid,
        birth,
        sex,
        region,
        phone,
        address_county,
        place_county,
        headcount,
        co,
        status,
        concluded,
        flags,
    ) = item
    v = raw.values
    return Filing(
        row,
        fid,
        received,
        _CHANNELS[channel],
        _LEVELS[level],
        intern(v["receiving_org"]),
        v["petitioner_name"],
        name_norm,
        pinyin,
        v["content"],
        id_number,
        id_valid,
        birth,
        intern(sex) if sex else sex,
        intern(region) if region else region,
        phone,
        v["address"],
        intern(address_county) if address_county else address_county,
        intern(v["issue_place"]),
        intern(place_county) if place_county else place_county,
        headcount,
        co,
        intern(v["category"]),
        intern(v["responsible_unit"]),
        _STATUSES[status] if status is not None else None,
        concluded,
        tuple(_decode_problem(p, row) for p in flags) if flags else (),
        v["title"],
        normalise_account(v["account_id"]),
        v["reply"],
    )


def _encode_problem(p: Problem) -> tuple[str, str, str, str, str, str]:
    return (p.file, p.column, p.value, p.reason_zh, p.reason_en, p.severity.value)


def _decode_problem(t: tuple[str, str, str, str, str, str], row: int) -> Problem:
    return Problem(t[0], row, t[1], t[2], t[3], t[4], Severity(t[5]))


_CHANNELS = {c.value: c for c in Channel}
_LEVELS = {c.value: c for c in Level}
_STATUSES = {c.value: c for c in Status}
