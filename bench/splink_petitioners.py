"""Splink (DuckDB back end) configured for petitioners: the yardstick beside caselink's own resolver.

Benchmark-only (the `bench` extra). It sees the same validated, normalised filings as caselink: names after
normalisation and their pinyin, 18-digit IDs, digits-only phones, the birth date from the ID, the home
county, the address below the county and the place of the matter. Configuration, as Splink's docs suggest:
  comparisons  name (exact / pinyin equal / Levenshtein ≤ 1, term-frequency adjusted), ID (exact /
               Damerau-Levenshtein ≤ 1), phone (exact / DL ≤ 1), birth date (exact), county, address,
               place of the matter, category (exact)
  blocking     same ID; same phone; same pinyin within a county; same name and birth date
  training     λ from deterministic rules (same ID), u by random sampling (1M pairs), m by EM in two
               sessions (blocked on ID; on pinyin + county; on phone)
  clustering   connected components at match probability ≥ threshold
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import pandas as pd

from ingest.records import Filing
from ingest.resolve.compare import address_tail, home_county


@dataclass(slots=True)
class SplinkRun:
    cluster_of: dict[str, str]
    seconds: float
    pairs_scored: int


def filings_frame(filings: list[Filing]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unique_id": [f.filing_id for f in filings],
            "name": [f.name_norm or None for f in filings],
            "pinyin": [f.name_pinyin or None for f in filings],
            "id_number": [f.id_number for f in filings],
            "phone": [f.phone for f in filings],
            "birth_date": [f.birth_date.isoformat() if f.birth_date else None for f in filings],
            "county": [home_county(f) for f in filings],
            "address": [
                address_tail(f.address, f.address_county) or None if f.address else None for f in filings
            ],
            "place": [
                address_tail(f.issue_place, f.place_county) or None if f.issue_place else None
                for f in filings
            ],
            "category": [f.category or None for f in filings],
        }
    )


def run_splink(filings: list[Filing], threshold: float = 0.9, seed: int = 1) -> SplinkRun:
    """Train, predict and cluster with Splink; returns filing_id → cluster id and the wall time."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.WARNING)
    t0 = time.perf_counter()
    db = DuckDBAPI()
    df = db.register(filings_frame(filings))
    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name"),
            cll.ExactMatchLevel("name", term_frequency_adjustments=True),
            cll.ExactMatchLevel("pinyin"),
            cll.LevenshteinLevel("name", 1),
            cll.ElseLevel(),
        ],
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            name,
            cl.DamerauLevenshteinAtThresholds("id_number", [1]),
            cl.DamerauLevenshteinAtThresholds("phone", [1]),
            cl.ExactMatch("birth_date"),
            cl.ExactMatch("county"),
            cl.ExactMatch("address"),
            cl.ExactMatch("place"),
            cl.ExactMatch("category"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("id_number"),
            block_on("phone"),
            block_on("pinyin", "county"),
            block_on("name", "birth_date"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(df, settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match([block_on("id_number")], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("id_number"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("pinyin", "county"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("phone"))
    pred = linker.inference.predict(threshold_match_probability=0.01)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        pred, threshold_match_probability=threshold
    )
    out = clusters.as_pandas_dataframe()
    seconds = time.perf_counter() - t0
    n_pairs = len(pred.as_pandas_dataframe())  # pairs above 0.01, counted outside the timing
    return SplinkRun(
        dict(zip(out["unique_id"], out["cluster_id"].astype(str), strict=True)), seconds, n_pairs
    )
