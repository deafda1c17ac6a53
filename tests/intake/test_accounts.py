"""The intake check with platform accounts, generic values and name-only queries (hand-made records)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from caselink.intake import IntakeQuery, MatchLevel, Recommendation, check_index
from caselink.intake_index import build_from_resolution
from ingest.records import Filing
from ingest.resolve import resolve_with_report
from tests.ingest.resolution_helpers import filing

TODAY = date(2025, 6, 1)
PLANT = (
    "小区东侧的搅拌站日夜生产，粉尘和噪音严重影响居民休息，晚上十一点以后还有大车进出，"
    "多次向街道反映没有结果，请求有关部门依法查处并督促搬迁。"
)
PARKING = "开发商将小区地下车位只售不租，捆绑销售储藏间，每个车位要价二十八万元，业主无力购买，请求规范。"
ROAD = "村里通往镇上的水泥路去年修好后不到半年就开裂塌陷，雨天无法通行，请求查处施工单位偷工减料问题。"


def _post(fid: str, account: str, content: str, day: int, **kw: object) -> Filing:
    f = filing(fid, "", account_id=account)
    return replace(f, content=content, received_date=date(2025, 1, day), **kw)


def _index(filings: list[Filing]):  # type: ignore[no-untyped-def]
    res, report = resolve_with_report(filings, [])
    return res, build_from_resolution(res, report.model)


def test_a_repost_by_the_same_account_is_the_same_matter_with_the_earlier_post_first() -> None:
    posts = [
        _post("M1", "A0001", PLANT, 3),
        _post("M2", "A0001", PARKING, 9),
        _post("M3", "A0002", ROAD, 5),
        _post("M4", "A0003", PARKING, 12),
    ]
    res, ix = _index(posts)
    assert res.petitioner_of["M1"] == res.petitioner_of["M2"] != res.petitioner_of["M3"]
    r = check_index(ix, IntakeQuery(name="", account_id="A0001", content=PLANT), today=TODAY)
    first = r.candidates[0]
    assert first.petitioner_id == res.petitioner_of["M1"] and first.match is MatchLevel.SAME_PERSON
    assert first.filings[0].filing_id == "M1" and first.filings[0].same_matter
    assert r.recommendation in (Recommendation.SAME_MATTER_IN_HANDLING, Recommendation.SAME_MATTER_CONCLUDED)
    # another account with the same words is not this petitioner
    other = check_index(ix, IntakeQuery(name="", account_id="A0999", content=PLANT), today=TODAY)
    assert all(c.petitioner_id != res.petitioner_of["M1"] for c in other.candidates)


def test_no_name_and_no_account_is_refused() -> None:
    _, ix = _index([_post("M1", "A0001", PLANT, 3)])
    try:
        check_index(ix, IntakeQuery(name=" ", account_id=""), today=TODAY)
    except Exception as exc:  # IntakeError
        assert "name is required" in str(exc)
    else:
        raise AssertionError("a check with neither name nor account was made")


def test_a_generic_phone_is_said_and_not_used() -> None:
    office = "03118888888"
    names = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵磊"]
    fs = [replace(filing(f"V{k}", n, phone=office), content=ROAD) for k, n in enumerate(names)]
    res, ix = _index(fs)
    assert ix.generic == {"phone": [office]}
    r = check_index(ix, IntakeQuery(name="孙丽", phone=office, content=PLANT), today=TODAY)
    assert any("shared by many people" in n for n in r.notes)
    assert not [c for c in r.candidates if c.match is MatchLevel.SAME_PERSON]


def test_a_namesake_on_a_similar_matter_is_never_a_green_new_matter() -> None:
    # 王秀兰 wrote twice about the plant from her village; the clerk types her name and the matter only
    home = "河北省石家庄市井陉县东岗镇宋里村12号"
    fs = [
        replace(filing("W1", "王秀兰", phone="13912345678", address=home), content=PLANT),
        replace(filing("W2", "王秀兰", phone="13912345678", address=home), content=PLANT[:40] + "再次反映。"),
        replace(filing("Z1", "赵刚", phone="13700000000", address=home), content=PARKING),
    ]
    res, ix = _index(fs)
    r = check_index(ix, IntakeQuery(name="王秀兰", content=PLANT), today=TODAY)
    assert r.recommendation is not Recommendation.NEW_MATTER
    assert r.candidates and r.candidates[0].petitioner_id == res.petitioner_of["W1"]
    # the same name with an unrelated matter is a new matter
    fresh = check_index(ix, IntakeQuery(name="王秀兰", content=ROAD), today=TODAY)
    assert fresh.recommendation is Recommendation.NEW_MATTER
