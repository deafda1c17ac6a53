"""Load: a Resolution → graph tables → a store (embedded, or Neo4j over Bolt) or neo4j-admin import files.

The names other packages use are re-exported here; see ingest/README.md for the flow.
"""

from ingest.load.bulk import ExportStats, check_target, finish_import, write_import_files
from ingest.load.sent_state import DIGESTS_FILE, forget_sent_state
from ingest.load.store import GraphData, LoadStats, load, to_graph, write_graph
from ingest.load.update import update_graph

__all__ = [
    "DIGESTS_FILE",
    "ExportStats",
    "GraphData",
    "LoadStats",
    "check_target",
    "finish_import",
    "forget_sent_state",
    "load",
    "to_graph",
    "update_graph",
    "write_graph",
    "write_import_files",
]
