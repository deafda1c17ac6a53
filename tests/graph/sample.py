"""Synthetic Resolutions built straight from records (no CSV, no resolver): for graph tests and bench/load.py.

Deterministic for a given seed; sizes scale with `filings` (about 1 petitioner per 3 filings, 1 issue per 8,
2 routing steps per filing on average, a co-signed filing in 20). Online filings carry a title, the
petitioner's platform account id and a reply, as message-board exports do.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ingest.columns import Action, Channel, Level, Status
from ingest.read.places import all_counties
from ingest.records import Evidence, Filing, Issue, Resolution, Transfer, Unit, UnitMention, UnitRole

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
DEPTS = ("自然资源局", "人社局", "住建局", "公安局", "市场监管局", "信访局", "镇人民政府", "村委会")
ORGS = ("县信访局", "市信访局", "省信访局", "国家信访局", "镇信访办")


def synthetic_resolution(filings: int, seed: int = 0, *, id_prefix: str = "F") -> Resolution:
    """A Resolution with `filings` filings and everything that hangs off them."""
    rng = random.Random(seed)
    counties = [c.code for c in all_counties()[:20]]
    units = {
        f"U-{c}-{i}": Unit(f"U-{c}-{i}", dept, c, "county_department")
        for c in counties
        for i, dept in enumerate(DEPTS)
    }
    unit_ids = sorted(units)
    n_people = max(1, filings // 3)
    people = [
        (
            rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            f"11010119{rng.randrange(50, 99)}0101{rng.randrange(1000, 9999)}",
            rng.choice(counties),
        )
        for _ in range(n_people)
    ]
    n_issues = max(1, filings // 8)
    issues = {
        f"I-{i:07d}": Issue(f"I-{i:07d}", f"事项{i}", counties[i % len(counties)], "征地拆迁")
        for i in range(n_issues)
    }
    out: list[Filing] = []
    transfers: list[Transfer] = []
    mentions: list[UnitMention] = []
    petitioner_of: dict[str, str] = {}
    p_ev: dict[str, Evidence] = {}
    issue_of: dict[str, str] = {}
    i_ev: dict[str, Evidence] = {}
    start = date(2023, 1, 1)
    for n in range(filings):
        fid = f"{id_prefix}{n:08d}"
        who = rng.randrange(n_people)
        name, idn, county = people[who]
        co = (
            tuple(people[rng.randrange(n_people)][0] for _ in range(rng.randint(1, 3)))
            if rng.random() < 0.05
            else ()
        )
        received = start + timedelta(days=rng.randrange(700))
        channel = rng.choice(list(Channel))
        online = channel is Channel.ONLINE
        f = Filing(
            row=n + 2,
            filing_id=fid,
            received_date=received,
            channel=channel,
            receiving_level=rng.choice(list(Level)),
            receiving_org=rng.choice(ORGS),
            petitioner_name=name,
            name_norm=name,
            name_pinyin="wang wei",
            content=f"反映{county}征地补偿未到位 {n}",
            id_number=idn if rng.random() < 0.8 else None,
            phone=f"138{rng.randrange(10**7, 10**8)}" if rng.random() < 0.7 else None,
            address=f"某某村{who}号",
            address_county=county,
            place_county=county if rng.random() < 0.5 else None,
            headcount=rng.choice((1, 1, 1, 2, 6)),
            co_petitioners=co,
            category="征地拆迁",
            responsible_unit="自然资源局",
            status=rng.choice(list(Status)),
            concluded_date=received + timedelta(days=40) if rng.random() < 0.3 else None,
            title=f"留言{n}：征地补偿" if online else "",
            account_id=f"A{who:07d}" if online else "",
            reply="已转自然资源局办理。\n请关注后续答复。" if online and n % 2 else "",
        )
        out.append(f)
        pid = f"P-{who:07d}"
        petitioner_of[fid] = pid
        p_ev[fid] = Evidence(round(rng.uniform(0, 30), 3), ("身份证号一致 / ID number equal (+12.3)",), None)
        iid = f"I-{rng.randrange(n_issues):07d}"
        issue_of[fid] = iid
        i_ev[fid] = Evidence(round(rng.uniform(0, 10), 3), (), None)
        resp = rng.choice(unit_ids)
        mentions.append(UnitMention(fid, UnitRole.RESPONSIBLE, None, "自然资源局", resp))
        frm = resp
        for seq in range(1, rng.choice((0, 1, 2, 3, 4)) + 1):
            to = rng.choice(unit_ids)
            transfers.append(
                Transfer(
                    row=len(transfers) + 2,
                    filing_id=fid,
                    seq=seq,
                    date=received + timedelta(days=seq),
                    from_unit=units[frm].name,
                    to_unit=units[to].name,
                    action=rng.choice(list(Action)),
                    note="",
                )
            )
            mentions.append(UnitMention(fid, UnitRole.FROM, seq, units[frm].name, frm))
            mentions.append(UnitMention(fid, UnitRole.TO, seq, units[to].name, to))
            frm = to
    return Resolution(
        filings=out,
        transfers=transfers,
        petitioner_of=petitioner_of,
        petitioner_evidence=p_ev,
        issue_of=issue_of,
        issue_evidence=i_ev,
        issues=issues,
        unit_mentions=mentions,
        units=units,
    )
