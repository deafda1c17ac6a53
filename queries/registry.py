"""The query library as typed records: one QuerySpec per queries/NAME.cypher.

A spec says what a query is for (titles, description), which parameters it takes (type, default, bounds)
and which columns it returns; the Cypher text is read from the package with importlib.resources. The
embedded twin of each query lives in queries.embedded under the same name. Every query only reads.

    >>> spec = get("repeat-petitions")
    >>> [p.name for p in spec.params], spec.columns[:2]
    (['min_filings'], ('petitioner_id', 'issue_id'))
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from queries.errors import UnknownQuery

ParamType = Literal["int", "str", "date", "list"]

TODAY = "today"
"""Default of a date parameter that means the day the query runs."""

DISPATCH_MARKERS = ("信访局", "信访办", "信访接待", "热线", "12345", "信箱")
"""Name parts of units that only dispatch (信访局/信访办 at any level, hotlines, leaders' mailboxes)."""


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """One named parameter: its type, default (None = required) and, for ints, bounds."""

    name: str
    type: ParamType
    default: int | str | tuple[str, ...] | None
    help: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        return self.default is None

    def default_text(self) -> str:
        """The default as written in the .cypher header and shown by `caselink query --list`."""
        if self.default is None:
            return "required"
        if isinstance(self.default, tuple):
            return ",".join(self.default)
        if self.default == "":
            return "''"
        return str(self.default)


@dataclass(frozen=True, slots=True)
class QuerySpec:
    """A saved, read-only query: name, titles, description, parameters, returned columns."""

    name: str
    title_zh: str
    title_en: str
    description: str
    params: tuple[ParamSpec, ...]
    columns: tuple[str, ...]
    is_write: bool = False

    @property
    def paged(self) -> bool:
        """True when the query takes `limit` and `offset` (the PAGE parameters)."""
        return all(p in self.params for p in PAGE)

    @property
    def cypher(self) -> str:
        """The Cypher text of queries/NAME.cypher."""
        return cypher_text(self.name)

    def param(self, name: str) -> ParamSpec:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)


@cache
def cypher_text(name: str) -> str:
    return resources.files("queries").joinpath(f"{name}.cypher").read_text(encoding="utf-8")


def _int(name: str, default: int | None, help: str, lo: int | None = 0, hi: int | None = None) -> ParamSpec:
    return ParamSpec(name, "int", default, help, minimum=lo, maximum=hi)


PAGE: tuple[ParamSpec, ...] = (
    _int("limit", 0, "the most rows returned (0 = all of them)"),
    _int("offset", 0, "how many rows of the ordered result to skip before the first one returned"),
)
"""Paging of the whole-graph pattern queries: by default (limit 0) the complete result; a page is
`offset`, `limit`. On Neo4j a page is read in the result's order from an index and stops early, so it costs
what its rows cost, not what the whole result costs."""

IGNORE_ACTIONS = ParamSpec(
    "ignore_actions", "list", ("协办", "督办"), "routing actions that do not move the file"
)
DISPATCH = ParamSpec("dispatch_markers", "list", DISPATCH_MARKERS, "name parts of dispatch-only units")

SPECS: tuple[QuerySpec, ...] = (
    QuerySpec(
        "repeat-petitions",
        "重复访",
        "Repeat petitioning",
        "One petitioner with at least min_filings filings on one issue, and whether any came after the "
        "matter was concluded.",
        (_int("min_filings", 2, "the least number of filings by one petitioner on one issue", lo=1), *PAGE),
        (
            "petitioner_id",
            "issue_id",
            "filings",
            "filing_ids",
            "first_date",
            "last_date",
            "channels",
            "concluded_date",
            "after_conclusion",
            "filings_after_conclusion",
        ),
    ),
    QuerySpec(
        "multi-channel",
        "多头访",
        "Multi-channel petitioning",
        "One petitioner and issue through at least min_channels channels, or to two receiving bodies within "
        "window_days days.",
        (
            _int("min_channels", 2, "the least number of distinct channels", lo=1),
            _int("window_days", 30, "two filings to different receiving bodies at most this many days apart"),
            *PAGE,
        ),
        (
            "petitioner_id",
            "issue_id",
            "channels",
            "receiving_orgs",
            "filing_ids",
            "by_channel",
            "by_receiving_org",
        ),
    ),
    QuerySpec(
        "skip-level",
        "越级访",
        "Skip-level petitioning",
        "Visits (the channels counted) received above county level with no earlier filing at county level "
        "or below by that petitioner on that issue.",
        (
            ParamSpec(
                "local_levels", "list", ("乡镇", "县"), "receiving levels that count as county level or below"
            ),
            ParamSpec(
                "channels",
                "list",
                ("来访",),
                "channels whose filings are counted (the others may go to any level)",
            ),
            *PAGE,
        ),
        (
            "filing_id",
            "petitioner_id",
            "issue_id",
            "receiving_level",
            "received_date",
            "receiving_org",
            "channel",
        ),
    ),
    QuerySpec(
        "cross-county",
        "跨地区",
        "Cross-county linkage",
        "Petitioners joined by one issue or one co-signed filing whose home counties number at least "
        "min_counties.",
        (_int("min_counties", 2, "the least number of distinct petitioner counties in a group", lo=1), *PAGE),
        ("group_id", "kind", "petitioner_ids", "counties", "issue_ids", "size"),
    ),
    QuerySpec(
        "bounced-cases",
        "推诿",
        "Bounced cases",
        "Filings whose routing visits at least min_units distinct handling units, returns to a unit it "
        "already visited, or has a send-back (退回).",
        (
            _int("min_units", 3, "distinct handling units that make a chain bounced", lo=1),
            ParamSpec("send_back", "str", "退回", "the action that sends a filing back"),
            IGNORE_ACTIONS,
            DISPATCH,
            *PAGE,
        ),
        (
            "filing_id",
            "chain",
            "chain_unit_ids",
            "distinct_units",
            "returns",
            "send_backs",
            "days_in_routing",
            "reason",
        ),
    ),
    QuerySpec(
        "unit-bounce-pairs",
        "推诿单位对",
        "Unit bounce pairs",
        "Pairs of units that pass filings back and forth: a step from B back to A after one from A to B.",
        (
            _int("min_bounces", 1, "the least number of bounces between the two units", lo=1),
            IGNORE_ACTIONS,
            DISPATCH,
        ),
        ("unit_a", "unit_b", "unit_a_name", "unit_b_name", "bounces", "filings", "filing_ids"),
    ),
    QuerySpec(
        "overdue",
        "超期",
        "Overdue filings",
        "Filings not concluded past the handling time limit (60 days, or 90 with an extension), counted to "
        "as_of.",
        (
            ParamSpec("as_of", "date", TODAY, "the day the ages are counted to"),
            _int("limit_days", 60, "the handling time limit"),
            _int("extended_days", 90, "the limit of a filing with an approved extension"),
            ParamSpec("extension_marker", "str", "延期", "text in a routing note that marks an extension"),
            ParamSpec(
                "open_statuses", "list", ("待受理", "办理中"), "statuses of a filing still being handled"
            ),
        ),
        (
            "filing_id",
            "petitioner_id",
            "issue_id",
            "received_date",
            "status",
            "responsible_unit",
            "extended",
            "limit_days",
            "days_open",
            "days_overdue",
            "responsible_unit_id",
        ),
    ),
    QuerySpec(
        "concluded-late",
        "超期办结",
        "Concluded late",
        "Filings concluded after the handling time limit (60 days, or 90 with an extension), with the delay.",
        (
            _int("limit_days", 60, "the handling time limit"),
            _int("extended_days", 90, "the limit of a filing with an approved extension"),
            ParamSpec("extension_marker", "str", "延期", "text in a routing note that marks an extension"),
        ),
        (
            "filing_id",
            "petitioner_id",
            "issue_id",
            "received_date",
            "concluded_date",
            "status",
            "responsible_unit",
            "extended",
            "limit_days",
            "days_taken",
            "days_late",
        ),
    ),
    QuerySpec(
        "petitioner",
        "信访人档案",
        "Petitioner profile",
        "Timeline of one petitioner's filings with their issues, units and linked petitioners (ids only).",
        (ParamSpec("petitioner_id", "str", None, "the petitioner to show"),),
        (
            "petitioner_id",
            "filing_id",
            "role",
            "received_date",
            "channel",
            "receiving_level",
            "receiving_org",
            "issue_id",
            "status",
            "concluded_date",
            "units",
            "co_petitioner_ids",
            "issue_petitioner_ids",
        ),
    ),
    QuerySpec(
        "neighbourhood",
        "关联范围",
        "Neighbourhood",
        "Every node within hops steps of the node with this key, with its distance.",
        (
            ParamSpec("key", "str", None, "the key of the start node"),
            ParamSpec(
                "label",
                "str",
                "",
                "Filing, Petitioner, Issue, Unit, County or Org; empty for any",
                choices=("", "Filing", "Petitioner", "Issue", "Unit", "County", "Org"),
            ),
            _int("hops", 1, "how many steps out (0 to 3)", lo=0, hi=3),
            _int("limit", 500, "the most rows returned", lo=1),
        ),
        ("label", "key", "distance"),
    ),
    QuerySpec(
        "path",
        "最短关联",
        "Shortest connection",
        "The shortest connection between two filings or petitioners (not through counties, receiving "
        "bodies or, unless asked, dispatch hubs such as petition bureaus, hotlines and mailboxes).",
        (
            ParamSpec("from_id", "str", None, "filing_id or petitioner_id where the path starts"),
            ParamSpec("to_id", "str", None, "filing_id or petitioner_id where it ends"),
            _int("max_hops", 8, "the longest path looked for", lo=1, hi=20),
            ParamSpec("avoid_units", "list", DISPATCH_MARKERS,
                      "name parts of units the path does not pass through (dispatch hubs); empty: any unit"),
        ),
        ("step", "label", "key", "rel"),
    ),
    QuerySpec(
        "overview-trends",
        "概览趋势",
        "Overview trends",
        "Filings counted by month, channel, category and county in one pass, with how many are concluded "
        "and how many have a status.",
        (),
        ("month", "channel", "category", "county", "county_name", "filings", "concluded", "with_status"),
    ),
    QuerySpec(
        "search",
        "检索",
        "Search",
        "Petitioners, filings, issues and units by key, ID number, phone, account id, name, title or filing "
        "text; best match first.",
        (
            ParamSpec("text", "str", None, "what to look for"),
            _int("limit", 50, "the most rows returned", lo=1),
        ),
        (
            "label",
            "key",
            "name",
            "category",
            "received_date",
            "county",
            "id_number",
            "phone",
            "rank",
            "title",
            "account_ids",
        ),
    ),
    QuerySpec(
        "entities",
        "实体名片",
        "Entity cards",
        "Name, category, county and dates of the nodes with the given keys.",
        (ParamSpec("keys", "list", None, "the keys to look up"),),
        (
            "label",
            "key",
            "name",
            "category",
            "county",
            "received_date",
            "status",
            "id_number",
            "phone",
            "account_ids",
        ),
    ),
    QuerySpec(
        "links",
        "实体关系",
        "Links between entities",
        "The relationships among the nodes with the given keys, counted per start, type and end.",
        (ParamSpec("keys", "list", None, "the keys of the nodes whose links are wanted"),),
        ("src_label", "src", "rel", "dst_label", "dst", "edges"),
    ),
    QuerySpec(
        "filing",
        "信访件详情",
        "Filing details",
        "One filing with its petitioner, co-signers, issue, responsible unit and routing events, and its own "
        "title, platform account and reply.",
        (ParamSpec("filing_id", "str", None, "the filing to show"),),
        (
            "filing_id",
            "received_date",
            "channel",
            "receiving_level",
            "receiving_org",
            "category",
            "content",
            "headcount",
            "status",
            "concluded_date",
            "county",
            "petitioner_name",
            "petitioner_id",
            "co_petitioner_ids",
            "issue_id",
            "responsible_unit_id",
            "seq",
            "route_date",
            "action",
            "from_unit",
            "to_unit_id",
            "to_unit",
            "note",
            "title",
            "account_id",
            "reply",
        ),
    ),
    QuerySpec(
        "entity-filings",
        "相关信访件",
        "Filings of an issue or unit",
        "Every filing about an issue, or routed to or handled by a unit, oldest first.",
        (
            ParamSpec("key", "str", None, "the issue_id or unit_id"),
            ParamSpec("label", "str", "Issue", "Issue or Unit", choices=("Issue", "Unit")),
        ),
        (
            "filing_id",
            "received_date",
            "channel",
            "receiving_level",
            "category",
            "status",
            "concluded_date",
            "petitioner_id",
            "petitioner_name",
            "issue_id",
            "relation",
            "title",
            "first_line",
        ),
    ),
)

REGISTRY: dict[str, QuerySpec] = {s.name: s for s in SPECS}


def get(name: str) -> QuerySpec:
    """The spec of a query; UnknownQuery (listing the known names) when there is none."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownQuery(f"No query named {name!r}. Known queries: {', '.join(REGISTRY)}.") from None


def names() -> list[str]:
    return list(REGISTRY)
