"""Resolve: Filings and Transfers → petitioners, units and issues with stable ids (a Resolution).

The names other packages use are re-exported here; see ingest/README.md for the flow.
"""

from ingest.resolve.clustering import ClusterScores, score_clusters
from ingest.resolve.decisions import Decision, DecisionStore, ReviewItem, Verdict, pair_key
from ingest.resolve.identity import COUNTER_FILE, REGISTRY_FILE, IdRegistry
from ingest.resolve.issues import resolve_issues
from ingest.resolve.resolver import (
    PetitionerReport,
    ResolveSettings,
    identity_evidence,
    resolve,
    resolve_petitioners,
    resolve_with_report,
)
from ingest.resolve.scoring import Model
from ingest.resolve.units import resolve_units

__all__ = [
    "COUNTER_FILE",
    "REGISTRY_FILE",
    "ClusterScores",
    "Decision",
    "DecisionStore",
    "IdRegistry",
    "Model",
    "PetitionerReport",
    "ResolveSettings",
    "ReviewItem",
    "Verdict",
    "identity_evidence",
    "pair_key",
    "resolve",
    "resolve_issues",
    "resolve_petitioners",
    "resolve_units",
    "resolve_with_report",
    "score_clusters",
]
