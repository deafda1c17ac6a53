"""What an ingest keeps in the workspace between runs, and one run against it.

`records.py` holds the accumulated filings and transfers (load, merge, save); `run.py` reads new files into
them, resolves everything held and logs the run. The graph's side of the workspace (digests of what the
store holds) is load/sent_state.py's, used through `ingest.load.update_graph`. Commands call these and print;
the intake index and the dashboards' figures are caselink's and queries' (they import ingest, not the other
way round).
"""

from ingest.workspace.records import (
    OLD_RECORDS_FILE,
    RECORDS_FILE,
    MergeCounts,
    Records,
    load_records,
    merge_records,
    save_records,
)
from ingest.workspace.run import RUNS_FILE, Resolved, Say, read_and_resolve, record_run

__all__ = [
    "OLD_RECORDS_FILE",
    "RECORDS_FILE",
    "RUNS_FILE",
    "MergeCounts",
    "Records",
    "Resolved",
    "Say",
    "load_records",
    "merge_records",
    "read_and_resolve",
    "record_run",
    "save_records",
]
