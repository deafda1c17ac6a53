"""Read: input files → validated, normalised Filings and Transfers; every row loaded or rejected.

The names other packages use are re-exported here; see ingest/README.md for the flow.
"""

from ingest.read.files import FileSummary, ValidationResult, read_and_validate
from ingest.read.report import PROBLEM_COLUMNS, format_summary, nothing_loaded, write_report
from ingest.read.sources import MAX_CELL_CHARS, RawRow, read_rows
from ingest.read.validate import validate_filing, validate_transfer

__all__ = [
    "MAX_CELL_CHARS",
    "PROBLEM_COLUMNS",
    "FileSummary",
    "RawRow",
    "ValidationResult",
    "format_summary",
    "nothing_loaded",
    "read_and_validate",
    "read_rows",
    "validate_filing",
    "validate_transfer",
    "write_report",
]
