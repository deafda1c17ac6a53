"""Load: a Resolution → graph tables → a store (embedded, or Neo4j over Bolt) or neo4j-admin import files.

The names other packages use are re-exported here; see ingest/README.md for the flow.
"""

from ingest.load.bulk import ExportStats, check_target, finish_import, write_import_files
from ingest.load.store import GraphData, LoadStats, load, to_graph, write_graph

__all__ = [
    "ExportStats",
    "GraphData",
    "LoadStats",
    "check_target",
    "finish_import",
    "load",
    "to_graph",
    "write_graph",
    "write_import_files",
]
