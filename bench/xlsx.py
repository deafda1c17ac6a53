"""XLSX reading speed and peak memory: ingest.read.xlsx (streamed, bounded) against python-calamine (before).

    caselink demo-data --filings 200000 --seed 7 --out /tmp/d200k
    python bench/xlsx.py --csv /tmp/d200k/filings.csv --xlsx /tmp/d200k/filings.xlsx

Writes the CSV as a workbook (xlsxwriter, shared strings, once), then reads every row of its first sheet
in a child process per reader and prints seconds, rows per CPU second and the child's peak RSS (VmHWM).

Measured 2026-12-07 (200,000 filings, seed 7: a 26.6 MB workbook; 2 cores shared, load average 6-9, so
compare CPU seconds): python-calamine 3.37-3.45 s CPU, peak RSS 326 MB; ingest.read.xlsx 13.1-14.1 s CPU, peak
RSS 108 MB (the first version, with namespace-aware expat and a method per event: 25.5-28.0 s). The
streamed reader is about 4x slower than calamine, and its memory no longer follows the sheet's used range:
calamine needed 4.6 GB for one cell at ZZ200000 and aborted on XFD1048576; ingest.read.xlsx refuses both in
1.5 s of CPU at 210 MB (tests/ingest/test_xlsx_limits.py, mostly the interpreter and its imports).

Measured 2026-12-08, same workbook, load average ~3-7: ingest.read.xlsx now scans the XML (cell positions,
dimension, text lengths: ~2.2 s, no cells built) and hands a workbook within every limit to calamine:
  calamine           3.18-3.55 s CPU, peak RSS 326 MB
  ingest.read.xlsx   6.62-6.68 s CPU, peak RSS 413 MB   (scan + calamine; same rows as streamed)
  streamed          14.08-15.19 s CPU, peak RSS 173 MB  (what ingest.read.xlsx did before; fast=False)
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

READERS = {
    "calamine": (
        "import python_calamine, sys\n"
        "book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])\n"
        "n = sum(1 for _ in book.get_sheet_by_index(0).iter_rows())\n"
        "print(n)\n"
    ),
    "ingest.read.xlsx": (
        "import sys\n"
        "from pathlib import Path\n"
        "from ingest.read.xlsx import sheet_rows\n"
        "n = sum(1 for _ in sheet_rows(Path(sys.argv[1])))\n"
        "print(n)\n"
    ),
    "streamed": (
        "import sys\n"
        "from pathlib import Path\n"
        "from ingest.read.xlsx import sheet_rows\n"
        "n = sum(1 for _ in sheet_rows(Path(sys.argv[1]), fast=False))\n"
        "print(n)\n"
    ),
}
_PEAK = "import re\nprint(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
"""Appended to each reader: its own peak RSS (ru_maxrss of a child starts from its parent's size)."""


def write_workbook(src: Path, dst: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(dst), {"strings_to_numbers": False, "strings_to_formulas": False})
    sheet = book.add_worksheet("filings")
    with src.open(encoding="utf-8-sig", newline="") as fh:
        for r, row in enumerate(csv.reader(fh)):
            for c, value in enumerate(row):
                if value:
                    sheet.write_string(r, c, value)
    book.close()


def measure(name: str, path: Path) -> None:
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", READERS[name] + _PEAK, str(path)],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None
    rows, peak_kb = (int(x) for x in proc.stdout.read().split())
    _, _, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    cpu = usage.ru_utime + usage.ru_stime
    print(
        f"{name:16s} {rows:>9,} rows  wall {wall:6.2f} s  CPU {cpu:6.2f} s  {rows / cpu:>9,.0f} rows/CPU-s  "
        f"peak RSS {peak_kb / 1024:6.0f} MB"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--csv", type=Path, required=True)
    ap.add_argument("--xlsx", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    if not args.xlsx.exists():
        write_workbook(args.csv, args.xlsx)
    print(f"{args.xlsx}: {args.xlsx.stat().st_size / 1e6:.1f} MB")
    for _ in range(args.rounds):
        for name in READERS:
            measure(name, args.xlsx)


if __name__ == "__main__":
    main()
