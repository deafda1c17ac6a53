"""A small, deliberate Resolution where every pattern has positive and negative cases known by construction.

Counties: A = 110101 (东城区), B = 110102 (西城区); P6 and P8 live in B, the others in A.
Units, all in A: U01 自然资源局, U02 住建局, U03 人社局; U08 信访局 and U09 12345热线 only dispatch.

F01 P1/I1 县 2024-01-05 concluded 02-01; U08→U01, then 协办 and 督办: not bounced
F02 P1/I1 市 2024-03-10 open: a refiling after conclusion; a 县 filing came first, so not
    skip-level; 来信 + 来访 = multi-channel; overdue
F03 P2/I2 省 2024-01-10: skip-level; A→B→A (U01→U02→U01)
F04 P2/I2 县 2024-01-20 open: same channel, another body 10 days later (multi-headed); overdue
F05 P3/I3 省 2024-02-01: 退回 from U03 to U08; F06 (县, 2023-12-01) came first: not skip-level
F07 P4/I4 县 2024-01-01: a 3-unit chain U01→U02→U03
F08 P4/I4 市 2024-04-01 open, 延期: another body 91 days after F07 (not multi-headed at 30 days);
    a chain through 信访局 and 热线 only (not bounced); overdue against 90 days
F09 P5/I5 国家 2024-05-01 no status: skip-level; U01→U08→U01 (not bounced); overdue
F10 P6/I5 市 2024-06-01 open, 延期: skip-level; A→B→A→B with a 退回; 61 days: not overdue
F11 P7/I6 县 2024-07-15, co-signed by P8: cross-county
F12 P1/I7 县 2024-07-01, co-signed by P2 of the same county: not cross-county
F13 P8/I8 县 2024-02-10: P8's own filing
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from ingest.columns import Action, Channel, Level, Status
from ingest.records import Evidence, Filing, Issue, Resolution, Transfer, Unit, UnitMention, UnitRole

A, B = "110101", "110102"
AS_OF = date(2024, 8, 1)
"""The day the overdue expectations are computed for."""

PEOPLE = {
    "P1": ("赵一", A),
    "P2": ("钱二", A),
    "P3": ("孙三", A),
    "P4": ("李四", A),
    "P5": ("周五", A),
    "P6": ("吴六", B),
    "P7": ("郑七", A),
    "P8": ("王八", B),
}
UNITS = {
    "U01": ("自然资源局", A),
    "U02": ("住建局", A),
    "U03": ("人社局", A),
    "U08": ("信访局", A),
    "U09": ("12345热线", A),
}
UNIT_BY_NAME = {name: uid for uid, (name, _) in UNITS.items()}

# filing_id: (date, channel, level, org, petitioner, issue, status, concluded, co-signers, responsible unit)
FILINGS: dict[
    str, tuple[date, Channel, Level, str, str, str, Status | None, date | None, tuple[str, ...], str]
] = {
    "F01": (
        date(2024, 1, 5),
        Channel.LETTER,
        Level.COUNTY,
        "甲县信访局",
        "P1",
        "I1",
        Status.CONCLUDED,
        date(2024, 2, 1),
        (),
        "",
    ),
    "F02": (
        date(2024, 3, 10),
        Channel.VISIT,
        Level.CITY,
        "乙市信访局",
        "P1",
        "I1",
        Status.HANDLING,
        None,
        (),
        "U01",
    ),
    "F03": (
        date(2024, 1, 10),
        Channel.ONLINE,
        Level.PROVINCE,
        "省信访局",
        "P2",
        "I2",
        Status.CONCLUDED,
        date(2024, 2, 20),
        (),
        "",
    ),
    "F04": (
        date(2024, 1, 20),
        Channel.ONLINE,
        Level.COUNTY,
        "甲县信访局",
        "P2",
        "I2",
        Status.HANDLING,
        None,
        (),
        "",
    ),
    "F05": (
        date(2024, 2, 1),
        Channel.VISIT,
        Level.PROVINCE,
        "省信访局",
        "P3",
        "I3",
        Status.CONCLUDED,
        date(2024, 3, 1),
        (),
        "",
    ),
    "F06": (
        date(2023, 12, 1),
        Channel.LETTER,
        Level.COUNTY,
        "甲县信访局",
        "P3",
        "I3",
        Status.CONCLUDED,
        date(2023, 12, 20),
        (),
        "",
    ),
    "F07": (
        date(2024, 1, 1),
        Channel.LETTER,
        Level.COUNTY,
        "甲县信访局",
        "P4",
        "I4",
        Status.CONCLUDED,
        date(2024, 4, 15),
        (),
        "",
    ),
    "F08": (
        date(2024, 4, 1),
        Channel.LETTER,
        Level.CITY,
        "乙市信访局",
        "P4",
        "I4",
        Status.HANDLING,
        None,
        (),
        "",
    ),
    "F09": (date(2024, 5, 1), Channel.VISIT, Level.NATIONAL, "国家信访局", "P5", "I5", None, None, (), ""),
    "F10": (
        date(2024, 6, 1),
        Channel.LETTER,
        Level.CITY,
        "乙市信访局",
        "P6",
        "I5",
        Status.HANDLING,
        None,
        (),
        "",
    ),
    "F11": (
        date(2024, 7, 15),
        Channel.ONLINE,
        Level.COUNTY,
        "丙县信访局",
        "P7",
        "I6",
        Status.PENDING,
        None,
        ("P8",),
        "",
    ),
    "F12": (
        date(2024, 7, 1),
        Channel.LETTER,
        Level.COUNTY,
        "甲县信访局",
        "P1",
        "I7",
        Status.HANDLING,
        None,
        ("P2",),
        "",
    ),
    "F13": (
        date(2024, 2, 10),
        Channel.PHONE,
        Level.COUNTY,
        "丁县信访局",
        "P8",
        "I8",
        Status.CONCLUDED,
        date(2024, 3, 1),
        (),
        "",
    ),
}

# filing_id: [(date, from unit, to unit, action, note)] in seq order
ROUTING: dict[str, list[tuple[date, str, str, Action, str]]] = {
    "F01": [
        (date(2024, 1, 6), "U08", "U01", Action.ASSIGN, ""),
        (date(2024, 1, 8), "U08", "U02", Action.ASSIST, ""),
        (date(2024, 1, 9), "U08", "U03", Action.SUPERVISE, ""),
    ],
    "F03": [
        (date(2024, 1, 11), "U08", "U01", Action.ASSIGN, ""),
        (date(2024, 1, 15), "U01", "U02", Action.SEND_ON, ""),
        (date(2024, 1, 25), "U02", "U01", Action.SEND_ON, ""),
    ],
    "F05": [
        (date(2024, 2, 2), "U08", "U03", Action.ASSIGN, ""),
        (date(2024, 2, 5), "U03", "U08", Action.SEND_BACK, "不属本单位职责"),
    ],
    "F07": [
        (date(2024, 1, 2), "U08", "U01", Action.ASSIGN, ""),
        (date(2024, 1, 5), "U01", "U02", Action.SEND_ON, ""),
        (date(2024, 1, 9), "U02", "U03", Action.SEND_ON, ""),
    ],
    "F08": [
        (date(2024, 4, 2), "U08", "U09", Action.SEND_ON, ""),
        (date(2024, 4, 2), "U09", "U08", Action.SEND_ON, ""),
        (date(2024, 4, 3), "U08", "U01", Action.ASSIGN, "同意延期30日"),
    ],
    "F09": [
        (date(2024, 5, 2), "U01", "U08", Action.SEND_ON, ""),
        (date(2024, 5, 6), "U08", "U01", Action.ASSIGN, ""),
    ],
    "F10": [
        (date(2024, 6, 2), "U08", "U01", Action.ASSIGN, ""),
        (date(2024, 6, 5), "U01", "U02", Action.SEND_ON, ""),
        (date(2024, 6, 9), "U02", "U01", Action.SEND_BACK, ""),
        (date(2024, 6, 12), "U01", "U02", Action.ASSIGN, "延期"),
    ],
}


def query_fixture() -> Resolution:
    """The Resolution described in the module docstring."""
    filings: list[Filing] = []
    transfers: list[Transfer] = []
    mentions: list[UnitMention] = []
    petitioner_of: dict[str, str] = {}
    issue_of: dict[str, str] = {}
    row = 2
    for fid, (day, channel, level, org, pid, iid, status, concluded, cosigners, resp) in FILINGS.items():
        name, county = PEOPLE[pid]
        filings.append(
            Filing(
                row=row,
                filing_id=fid,
                received_date=day,
                channel=channel,
                receiving_level=level,
                receiving_org=org,
                petitioner_name=name,
                name_norm=name,
                name_pinyin="",
                content=f"{fid} 的诉求",
                address_county=county,
                co_petitioners=tuple(PEOPLE[c][0] for c in cosigners),
                headcount=1 + len(cosigners),
                responsible_unit=UNITS[resp][0] if resp else "",
                status=status,
                concluded_date=concluded,
            )
        )
        row += 1
        petitioner_of[fid] = pid
        issue_of[fid] = iid
        if resp:
            mentions.append(UnitMention(fid, UnitRole.RESPONSIBLE, None, UNITS[resp][0], resp))
        for seq, (day2, frm, to, action, note) in enumerate(ROUTING.get(fid, []), start=1):
            transfers.append(Transfer(row, fid, seq, day2, UNITS[frm][0], UNITS[to][0], action, note))
            mentions.append(UnitMention(fid, UnitRole.FROM, seq, UNITS[frm][0], frm))
            mentions.append(UnitMention(fid, UnitRole.TO, seq, UNITS[to][0], to))
    issues = {
        iid: Issue(iid, f"事项{iid}", PEOPLE[p][1], "")
        for iid, p in {v[5]: v[4] for v in FILINGS.values()}.items()
    }
    return Resolution(
        filings=filings,
        transfers=transfers,
        petitioner_of=petitioner_of,
        petitioner_evidence={fid: Evidence(0.0) for fid in petitioner_of},
        issue_of=issue_of,
        issue_evidence={fid: Evidence(0.0) for fid in issue_of},
        issues=issues,
        unit_mentions=mentions,
        units={uid: Unit(uid, name, county, "county_department") for uid, (name, county) in UNITS.items()},
    )


ONLINE: dict[str, dict[str, str]] = {
    "G1": {"title": "小区噪音扰民", "account_id": "A0001", "reply": "已责成街道办事处处理。"},
    "G3": {"title": "道路破损无人修", "account_id": "A0003"},
    "G5": {"account_id": "A0003"},
    "G8": {"title": "供暖不热", "account_id": "人S5"},
}
"""title, account_id and reply of the filings of skip_level_fixture that have them."""


def skip_level_fixture() -> Resolution:
    """Skip-level by channel (domain.md: only visits are counted by default), one petitioner per issue:

    S1/J1 网上信访 市 2024-03-01: an online message to a city is never skip-level
    S2/J2 来访 市 2024-03-01: a visit to a city with nothing earlier below: skip-level
    S3/J3 网上信访 市 2024-02-01, then 来访 市 2024-03-01: the earlier message is no county-level filing, so
        the visit is skip-level
    S4/J4 网上信访 县 2024-02-01, then 来访 省 2024-03-01: an earlier filing at county level by any channel:
        not skip-level
    S5/J5 电话 省 2024-03-01, 领导信箱 市 2024-03-02, 来信 国家 2024-03-03: counted only when asked for

    The online filings carry what message-board exports have (ONLINE): titles, platform account ids and
    replies. Account A0003 was used by S3 and S4 (G3, G5); S5's account 人S5 is also part of S5's name.
    """
    rows = [
        ("G1", "S1", "J1", Channel.ONLINE, Level.CITY, date(2024, 3, 1)),
        ("G2", "S2", "J2", Channel.VISIT, Level.CITY, date(2024, 3, 1)),
        ("G3", "S3", "J3", Channel.ONLINE, Level.CITY, date(2024, 2, 1)),
        ("G4", "S3", "J3", Channel.VISIT, Level.CITY, date(2024, 3, 1)),
        ("G5", "S4", "J4", Channel.ONLINE, Level.COUNTY, date(2024, 2, 1)),
        ("G6", "S4", "J4", Channel.VISIT, Level.PROVINCE, date(2024, 3, 1)),
        ("G7", "S5", "J5", Channel.PHONE, Level.PROVINCE, date(2024, 3, 1)),
        ("G8", "S5", "J5", Channel.MAILBOX, Level.CITY, date(2024, 3, 2)),
        ("G9", "S5", "J5", Channel.LETTER, Level.NATIONAL, date(2024, 3, 3)),
    ]
    filings = [
        Filing(
            row=k,
            filing_id=fid,
            received_date=day,
            channel=channel,
            receiving_level=level,
            receiving_org=f"{level}信访局",
            petitioner_name=f"信访人{pid}",
            name_norm=f"信访人{pid}",
            name_pinyin="",
            content=f"{fid} 的诉求",
            address_county=A,
            **ONLINE.get(fid, {}),
        )
        for k, (fid, pid, _, channel, level, day) in enumerate(rows, start=2)
    ]
    return Resolution(
        filings=filings,
        transfers=[],
        petitioner_of={fid: pid for fid, pid, *_ in rows},
        petitioner_evidence={fid: Evidence(0.0) for fid, *_ in rows},
        issue_of={fid: iid for fid, _, iid, *_ in rows},
        issue_evidence={fid: Evidence(0.0) for fid, *_ in rows},
        issues={iid: Issue(iid, f"事项{iid}", A, "") for _, _, iid, *_ in rows},
        unit_mentions=[],
        units={},
    )


def generated_resolution(n_filings: int, seed: int, folder: Path) -> Resolution:
    """Filings from the project's generator (`caselink demo-data`), validated and resolved as ingest does.

    Issue resolution has not landed yet (the resolver gives one placeholder issue per filing), so the issues
    are taken from the generator's ground truth: otherwise no petitioner would ever file twice on one issue.
    """
    from caselink.demo_data import generate
    from ingest.read import read_and_validate
    from ingest.resolve import resolve

    paths = generate(n_filings, seed, folder)
    valid = read_and_validate(paths.filings, paths.transfers)
    res = resolve(valid.filings, valid.transfers)
    with paths.truth_filings.open(encoding="utf-8-sig", newline="") as fh:
        truth = {row["filing_id"]: row["issue_id"] for row in csv.DictReader(fh)}
    res.issue_of = {f.filing_id: truth[f.filing_id] for f in res.filings if f.filing_id in truth}
    first: dict[str, Filing] = {}
    for f in sorted(res.filings, key=lambda f: (f.received_date, f.filing_id)):
        first.setdefault(res.issue_of.get(f.filing_id, ""), f)
    res.issues = {
        iid: Issue(iid, f.category or f.content[:20], f.county, f.category) for iid, f in first.items() if iid
    }
    res.issue_evidence = {fid: Evidence(0.0) for fid in res.issue_of}
    return res
