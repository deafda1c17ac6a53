"""Raw rows → validated, normalised records, or the problems that reject them.

Per-row rules live here as pure functions (`validate_filing`, `validate_transfer`); the checks that need other
rows (a filing_id seen before, a transfer naming an unknown filing, a filing's seq seen before) are
`duplicate_id`, `unknown_filing` and `duplicate_seq`, applied by ingest.read.files in file order.

Reject (row not loaded): a required cell empty, a date that cannot be read or lies after `today`, an unknown
channel / level / action, headcount not an integer ≥ 1, concluded_date before received_date, seq not an
integer, a duplicated filing_id or (filing_id, seq), a transfer naming an unknown filing, a fault found
while reading the row.
Flag (row loaded, problem recorded): ID number unparseable or with a wrong checksum, phone unparseable,
address / place of the matter with no recognisable county, unknown status, birth date (from the ID) after
the filing date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from sys import intern

from ingest.columns import FILING_COLUMNS, TRANSFER_COLUMNS
from ingest.read import normalise, places
from ingest.read.sources import RawRow
from ingest.records import Filing, Problem, Severity, Transfer

_REQUIRED_FILING = tuple((c.name, c.alias_zh, c.required_unless) for c in FILING_COLUMNS if c.required)
_REQUIRED_TRANSFER = tuple((c.name, c.alias_zh) for c in TRANSFER_COLUMNS if c.required)
_REJECT = Severity.REJECT
MAX_COUNT = 1_000_000
"""The largest headcount or seq accepted: a bigger one is a typo (and may not fit a graph integer)."""
_FLAG = Severity.FLAG
_Reject = Callable[[str, str, str], None]


def validate_filing(raw: RawRow, today: date) -> Filing | list[Problem]:
    """One filings row → a Filing (soft problems in .flags) or the list of its problems when rejected."""
    v = raw.values
    row = raw.row
    problems: list[Problem] = list(raw.problems)
    if problems and _row_broken(problems):
        return problems  # the row itself is broken (wrong field count, bad quoting): its cells mean nothing

    def reject(column: str, zh: str, en: str) -> None:
        problems.append(Problem("filings", row, column, v.get(column, ""), zh, en, _REJECT))

    def flag(column: str, zh: str, en: str) -> None:
        problems.append(Problem("filings", row, column, v.get(column, ""), zh, en, _FLAG))

    for name, alias, unless in _REQUIRED_FILING:
        if not v[name] and not (unless and v[unless]) and not _has_problem(problems, name):
            if unless:
                reject(
                    name,
                    f"必填项{alias}为空（也没有{unless}）",
                    f"required column {name} is empty (and no {unless})",
                )
            else:
                reject(name, f"必填项{alias}为空", f"required column {name} is empty")

    received = _date_cell(v["received_date"], "received_date", today, reject)
    concluded = (
        _date_cell(v["concluded_date"], "concluded_date", today, reject) if v["concluded_date"] else None
    )
    if received is not None and concluded is not None and concluded < received:
        reject(
            "concluded_date",
            f"办结日期早于登记日期（{received.isoformat()}）",
            f"concluded_date is before received_date ({received.isoformat()})",
        )

    channel = normalise.parse_channel(v["channel"]) if v["channel"] else None
    if v["channel"] and channel is None:
        reject(
            "channel",
            "无法识别的信访形式",
            "unknown channel (expected 来信/来访/网上信访/电话/领导信箱/其他)",
        )
    level = normalise.parse_level(v["receiving_level"]) if v["receiving_level"] else None
    if v["receiving_level"] and level is None:
        reject(
            "receiving_level", "无法识别的登记层级", "unknown receiving level (expected 乡镇/县/市/省/国家)"
        )

    headcount = 1
    if v["headcount"]:
        headcount = _int_or_none(v["headcount"]) or 0
        if not 1 <= headcount <= MAX_COUNT:
            reject(
                "headcount",
                f"人数应为 1 到 {MAX_COUNT} 之间的整数",
                f"headcount must be a whole number from 1 to {MAX_COUNT}",
            )

    if v["status"]:
        status = normalise.parse_status(v["status"])
        if status is None:
            flag("status", "无法识别的办理状态，已置空", "unknown status, left empty")
    else:
        status = None

    id_number = None
    id_valid = False
    birth = sex = region = None
    if v["id_number"]:
        info = normalise.parse_id_number(v["id_number"])
        id_number, id_valid, birth, sex, region = (
            info.number,
            info.valid,
            info.birth_date,
            info.sex,
            info.region,
        )
        if info.problem_zh or not info.valid:
            flag(
                "id_number",
                info.problem_zh or "身份证号无效",
                info.problem_en or "ID number is not valid",
            )
        if birth is not None and received is not None and birth > received:
            flag(
                "id_number",
                "身份证号中的出生日期晚于登记日期",
                "the birth date in the ID number is after received_date",
            )

    phone = None
    if v["phone"]:
        pinfo = normalise.normalise_phone(v["phone"])
        phone = pinfo.number
        if phone is None or pinfo.problem_zh:
            flag(
                "phone",
                pinfo.problem_zh or "无法识别的电话号码",
                pinfo.problem_en or "phone number not recognised",
            )

    # The bodies that received and handle the filing say where it is: they break ties between counties of
    # the same name, and give the county of a place written below county level (镇/街道/村 only).
    office_region = _office_region(v["responsible_unit"], v["receiving_org"])
    address_county = places.county_of(v["address"], office_region) if v["address"] else None
    if v["address"] and address_county is None:
        flag("address", "住址中找不到可识别的县（区）", "no county recognised in the address")
    place_county = None
    if v["issue_place"]:
        place_county = places.county_of(v["issue_place"], address_county or office_region)
        if place_county is None and places.is_county_code(office_region):
            place_county = office_region
    if v["issue_place"] and place_county is None:
        flag(
            "issue_place",
            "问题属地中找不到可识别的县（区）",
            "no county recognised in the place of the matter",
        )

    if problems and _any_reject(problems):
        return problems
    assert received is not None and channel is not None and level is not None  # by the checks above
    name_norm = normalise.normalise_name(v["petitioner_name"])
    return Filing(
        row=row,
        filing_id=v["filing_id"],
        received_date=received,
        channel=channel,
        receiving_level=level,
        receiving_org=intern(v["receiving_org"]),  # interned: few distinct values over millions of rows
        petitioner_name=v["petitioner_name"],
        name_norm=name_norm,
        name_pinyin=normalise.name_pinyin(name_norm),
        content=v["content"],
        id_number=id_number,
        id_valid=id_valid,
        birth_date=birth,
        sex=intern(sex) if sex else sex,
        id_region=intern(region) if region else region,
        phone=phone,
        address=v["address"],
        address_county=intern(address_county) if address_county else address_county,
        issue_place=intern(v["issue_place"]),
        place_county=intern(place_county) if place_county else place_county,
        headcount=headcount,
        co_petitioners=normalise.split_co_petitioners(v["co_petitioners"]) if v["co_petitioners"] else (),
        category=intern(v["category"]),
        responsible_unit=intern(v["responsible_unit"]),
        status=status,
        concluded_date=concluded,
        flags=tuple(problems),
        title=v["title"],
        account_id=normalise.normalise_account(v["account_id"]),
        reply=v["reply"],
    )


def validate_transfer(raw: RawRow, today: date) -> Transfer | list[Problem]:
    """One transfers row → a Transfer or the list of its problems (the filing reference is checked later)."""
    v = raw.values
    row = raw.row
    problems: list[Problem] = list(raw.problems)
    if problems and _row_broken(problems):
        return problems

    def reject(column: str, zh: str, en: str) -> None:
        problems.append(Problem("transfers", row, column, v.get(column, ""), zh, en, _REJECT))

    for name, alias in _REQUIRED_TRANSFER:
        if not v[name] and not _has_problem(problems, name):
            reject(name, f"必填项{alias}为空", f"required column {name} is empty")
    seq = _int_or_none(v["seq"]) if v["seq"] else None
    if seq is not None and not 0 <= seq <= MAX_COUNT:
        seq = None
    if v["seq"] and seq is None:
        reject(
            "seq",
            f"序号应为 0 到 {MAX_COUNT} 之间的整数",
            f"seq must be a whole number from 0 to {MAX_COUNT}",
        )
    when = _date_cell(v["date"], "date", today, reject)
    action = normalise.parse_action(v["action"]) if v["action"] else None
    if v["action"] and action is None:
        reject("action", "无法识别的流转类型", "unknown action (expected 交办/转送/退回/协办/督办)")
    if problems and _any_reject(problems):
        return problems
    assert seq is not None and when is not None and action is not None
    return Transfer(
        row=row,
        filing_id=v["filing_id"],
        seq=seq,
        date=when,
        from_unit=intern(v["from_unit"]),
        to_unit=intern(v["to_unit"]),
        action=action,
        note=v["note"],
        flags=tuple(problems),
    )


def duplicate_id(row: int, filing_id: str, first_row: int) -> Problem:
    """The rejecting problem of filings row `row` whose filing_id already appeared in row `first_row`."""
    return Problem(
        "filings",
        row,
        "filing_id",
        filing_id,
        f"信访件编号重复（首次出现在第 {first_row} 行，以该行为准）",
        f"duplicate filing_id (first seen in row {first_row}, which is kept)",
        _REJECT,
    )


def duplicate_seq(raw: RawRow, first_row: int) -> Problem:
    """The rejecting problem of a transfers row repeating the (filing_id, seq) of row `first_row`."""
    return Problem(
        "transfers",
        raw.row,
        "seq",
        raw.values["seq"],
        f"同一信访件的序号重复（首次出现在第 {first_row} 行，以该行为准）",
        f"duplicate seq for this filing (first seen in row {first_row}, which is kept)",
        _REJECT,
    )


def unknown_filing(raw: RawRow, rejected_row: int | None) -> Problem:
    """The rejecting problem of a transfer naming a filing not loaded: unknown, or rejected in that row."""
    if rejected_row is None:
        zh = "信访件编号在信访件文件和已导入的数据中都找不到"
        en = "filing_id not found in the filings file nor in earlier ingests"
    else:
        zh = f"所指信访件（信访件文件第 {rejected_row} 行）未通过校验，未导入"
        en = f"the filing it names (filings row {rejected_row}) was rejected, so it is not loaded"
    return Problem("transfers", raw.row, "filing_id", raw.values["filing_id"], zh, en, _REJECT)


def _date_cell(text: str, column: str, today: date, reject: _Reject) -> date | None:
    if not text:
        return None
    parsed = normalise.parse_date(text)
    if parsed is None:
        reject(
            column,
            "无法识别的日期（应为 YYYY-MM-DD、YYYY/MM/DD 或 YYYY年MM月DD日）",
            "date not understood (expected YYYY-MM-DD, YYYY/MM/DD or YYYY年MM月DD日)",
        )
        return None
    if parsed > today:
        reject(
            column,
            f"日期晚于今天（{today.isoformat()}）",
            f"date is in the future (after {today.isoformat()})",
        )
        return None
    return parsed


def _int_or_none(text: str) -> int | None:
    try:
        number = float(text) if "." in text else int(text)
    except ValueError:
        return None
    if isinstance(number, float):
        return int(number) if number.is_integer() else None
    return number


def _row_broken(problems: list[Problem]) -> bool:
    return any(p.column == "" and p.severity is _REJECT for p in problems)


def _has_problem(problems: list[Problem], column: str) -> bool:
    return any(p.column == column for p in problems) if problems else False


def _any_reject(problems: list[Problem]) -> bool:
    return any(p.severity is _REJECT for p in problems)


def _office_region(responsible_unit: str, receiving_org: str) -> str | None:
    """The county of the handling or receiving body if either names one, else the city or province named."""
    regions = [places.region_of(name) for name in (responsible_unit, receiving_org) if name]
    for region in regions:
        if places.is_county_code(region):
            return region
    return next((r for r in regions if r), None)
