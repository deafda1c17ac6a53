"""Static checks of the query library: files, specs, headers and twins agree with each other."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from queries.embedded import TWINS
from queries.registry import SPECS, QuerySpec

CONTRACT: dict[str, tuple[str, ...]] = {
    "repeat-petitions": (
        "petitioner_id", "issue_id", "filings", "filing_ids", "first_date", "last_date", "channels",
        "after_conclusion",
    ),
    "multi-channel": ("petitioner_id", "issue_id", "channels", "receiving_orgs", "filing_ids"),
    "skip-level": ("filing_id", "petitioner_id", "issue_id", "receiving_level"),
    "cross-county": ("group_id", "petitioner_ids", "counties", "issue_ids", "size"),
    "bounced-cases": (
        "filing_id", "chain", "distinct_units", "returns", "send_backs", "days_in_routing", "reason",
    ),
    "unit-bounce-pairs": ("unit_a", "unit_b", "bounces", "filings"),
    "overdue": ("filing_id",),
    "concluded-late": (
        "filing_id", "petitioner_id", "issue_id", "received_date", "concluded_date", "responsible_unit",
        "limit_days", "days_taken", "days_late",
    ),
    "petitioner": ("petitioner_id", "filing_id", "issue_id", "units", "co_petitioner_ids"),
    "neighbourhood": ("label", "key", "distance"),
    "path": ("step", "label", "key"),
    "overview-trends": ("month", "channel", "category", "county", "filings"),
    "search": ("label", "key", "name", "rank"),
    "entities": ("label", "key", "name"),
    "links": ("src_label", "src", "rel", "dst_label", "dst"),
    "filing": ("filing_id", "petitioner_id", "issue_id", "seq", "action", "to_unit_id"),
    "entity-filings": ("filing_id", "received_date", "petitioner_id", "issue_id"),
}  # fmt: skip
"""The columns promised in issue 6: a stable contract (more columns are welcome)."""

PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
HEADER_PARAM = re.compile(r"^//\s+\$(\w+): (\w+) = (.*?) — ")


def cypher_files() -> set[str]:
    return {
        p.name[: -len(".cypher")] for p in resources.files("queries").iterdir() if p.name.endswith(".cypher")
    }


def header(spec: QuerySpec) -> list[str]:
    lines = []
    for line in spec.cypher.splitlines():
        if not line.startswith("//"):
            break
        lines.append(line)
    return lines


def body(spec: QuerySpec) -> str:
    return "\n".join(line for line in spec.cypher.splitlines() if not line.startswith("//"))


def test_every_cypher_file_has_a_spec_and_a_twin() -> None:
    names = [s.name for s in SPECS]
    assert len(names) == len(set(names))
    assert cypher_files() == set(names)
    assert set(TWINS) == set(names)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_declared_params_are_the_ones_used(spec: QuerySpec) -> None:
    assert set(PARAM.findall(body(spec))) == {p.name for p in spec.params}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_header_documents_title_params_defaults_and_columns(spec: QuerySpec) -> None:
    lines = header(spec)
    assert lines[0] == f"// {spec.name} — {spec.title_zh} / {spec.title_en}"
    documented = [m.groups() for line in lines if (m := HEADER_PARAM.match(line))]
    assert documented == [(p.name, p.type, p.default_text()) for p in spec.params]
    text = " ".join(line.removeprefix("//").strip() for line in lines)
    columns = text.split("columns:", 1)[1]
    assert [c.strip() for c in columns.split(",")] == list(spec.columns)


def test_columns_keep_the_contract() -> None:
    """run_query refuses rows whose keys differ from the spec's columns, so the contract suite checks the
    Cypher RETURN clauses and the twins against these lists on real data."""
    for spec in SPECS:
        assert set(CONTRACT[spec.name]) <= set(spec.columns), spec.name
        assert len(set(spec.columns)) == len(spec.columns), spec.name


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_queries_only_read_and_hold_no_literal_data(spec: QuerySpec) -> None:
    assert spec.is_write is False
    text = body(spec).upper()
    for word in ("CREATE", "MERGE", "DELETE", "SET", "REMOVE", "LOAD CSV", "CALL DB.", "APOC."):
        assert not re.search(rf"(?<![\w$]){re.escape(word)}\b", text), word
    # the only string literals are the reason codes of bounced-cases and the line break at which
    # entity-filings cuts a filing's first line (a separator, not data)
    literals = set(re.findall(r"'([^']*)'", body(spec)))
    assert literals <= {"many_units", "return", "send_back", "\\n"}
    assert '"' not in body(spec)
