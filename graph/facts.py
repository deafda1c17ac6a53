"""Pattern facts computed once when a filing is loaded and stored on its node, so that whole-graph queries
can start from an index instead of reading every filing's routing.

A fact is a pure function of rows the loader writes anyway (graph.model's edge rows);
`ingest.load.graph_tables` puts it into the Filing row, so every load (and every re-ingest, which rewrites
each filing's row and replaces its edges) keeps it in step with the edges. Both back ends store it like any
other property.

    >>> revisit([{"other": "U2", "props": {"from_unit_id": "U1"}},
    ...          {"other": "U1", "props": {"from_unit_id": "U2"}}])
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

REVISIT = "revisit"
"""Filing property: True when its routing could return to a unit (see `revisit`)."""


def revisit(routed: Sequence[dict[str, Any]]) -> bool:
    """True when the filing's routing (ROUTED edge rows in seq order: `other` = receiving unit,
    `props.from_unit_id` = sending unit) reaches one unit twice, or reaches a unit that sent it in the same
    or an earlier step. A chain that returns to a unit (a bounce, whatever actions or dispatch units a query
    leaves out) needs one of the two, so queries about returns only look at filings where this is True."""
    tos = [step["other"] for step in routed]
    if len(set(tos)) < len(tos):
        return True
    return any(step["props"].get("from_unit_id") in tos[k:] for k, step in enumerate(routed))


UNCONCLUDED = "unconcluded"
"""Filing property: True while the filing has no concluded_date. Indexed, so the overdue query reads the
filings still open (~12 % of them) instead of every filing."""


SIGNER_COUNTIES = "signer_counties"
"""Issue and (co-signed) Filing property: how many home counties its petitioners come from."""


def signer_counties(
    signers: Iterable[tuple[str, str | None, str | None, Sequence[str]]], county_of: Mapping[str, str | None]
) -> tuple[dict[str, int], dict[str, int]]:
    """Distinct home counties (`county_of`: petitioner_id -> county, None = unknown) of the petitioners of
    each issue and of each co-signed filing, from (filing_id, issue_id or None, filer's petitioner_id or
    None, co-signers' petitioner_ids) per filing. Returns (per issue_id, per co-signed filing_id): the groups
    of the cross-county query, which then only reads the groups that can span enough counties.

    >>> where = {"P1": "A", "P2": "A", "P3": "B"}
    >>> signer_counties([("F1", "I1", "P1", ()), ("F2", "I1", "P2", ["P3"])], where)
    ({'I1': 2}, {'F2': 2})
    """
    issue_counties: dict[str, set[str]] = {}
    filing_counties: dict[str, int] = {}
    for fid, iid, filer, cosigners in signers:
        people = ([filer] if filer else []) + list(cosigners)
        counties = {c for c in (county_of.get(p) for p in people) if c}
        if iid is not None:
            issue_counties.setdefault(iid, set()).update(counties)
        if cosigners:
            filing_counties[fid] = len(counties)
    return {iid: len(c) for iid, c in issue_counties.items()}, filing_counties
