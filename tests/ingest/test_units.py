"""Unit resolution: raw names → one unit per (place, department)."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.columns import Action, Channel, Level
from ingest.records import Filing, Transfer, UnitRole
from ingest.resolve.units import parse_unit, read_alias_table, resolve_units

CHANG_AN = "130102"  # 河北省石家庄市长安区
HAI_DIAN = "110108"  # 北京市海淀区


def uid(raw: str, county: str | None = CHANG_AN, area: str | None = None) -> str:
    return parse_unit(raw, county, area).unit.unit_id


@pytest.mark.parametrize(
    "raw",
    [
        "自然资源局",
        "国土资源局",
        "国土局",
        "长安区自然资源和规划局",
        "河北省石家庄市长安区国土资源局",
        "县自然资源局",
        "長安區國土資源局",
        " 长安区 国土资源局 ",
        "自然资原局",
    ],
)
def test_spellings_of_one_department_in_one_county_are_one_unit(raw: str) -> None:
    assert uid(raw) == "130102:natural_resources"


def test_abbreviations_and_pre_reform_names() -> None:
    assert uid("人社局") == uid("人力资源和社会保障局") == uid("劳动局") == "130102:human_resources"
    assert uid("住建局") == uid("住房和城乡建设局") == "130102:housing_construction"
    assert {uid(n) for n in ("工商局", "质监局", "食药监局", "市场监管局", "市场监督管理局")} == {
        "130102:market_regulation"
    }
    assert uid("信访办") == uid("信访局") == "130102:petition_bureau"


def test_same_department_in_two_counties_is_two_units() -> None:
    assert uid("公安局", CHANG_AN) != uid("公安局", HAI_DIAN)
    assert uid("海淀区公安分局", CHANG_AN) == uid("公安局", HAI_DIAN) == "110108:public_security"


def test_county_prefix_beats_the_filing_county() -> None:
    assert uid("公安县公安局", CHANG_AN) == "421022:public_security"
    assert uid("公安局", None) == "none:public_security"


def test_city_and_province_bodies() -> None:
    city = parse_unit("石家庄市信访局", CHANG_AN).unit
    assert (city.unit_id, city.level, city.county) == ("130100:petition_bureau", "city", None)
    assert uid("市信访局") == "130100:petition_bureau"
    assert uid("省信访局") == uid("河北省信访办") == "130000:petition_bureau"
    assert uid("中级人民法院") == "130100:intermediate_court"
    assert uid("河北省人社厅") == "130000:human_resources"
    assert uid("北京市信访办", HAI_DIAN) == "110000:petition_bureau"


def test_national_bodies_and_county_branches_of_city_bureaus() -> None:
    assert uid("国家信访局") == uid("国家信访局", None) == "national:petition_bureau"
    assert uid("石家庄市生态环境局行唐县分局") == uid("行唐县环保局", None) == "130125:ecology_environment"


def test_typos_in_head_nouns_and_place_names() -> None:
    assert uid("长安区信访居") == "130102:petition_bureau"  # 居 for 局
    assert uid("行唐县生态环境居") == "130125:ecology_environment"  # not the province's 生态环境厅
    assert uid("公安居", HAI_DIAN) == "110108:public_security"


def test_townships() -> None:
    ids = {uid(n) for n in ("城关镇人民政府", "城关镇政府", "城关镇", "长安区城关镇人民政府")}
    assert ids == {"130102:town:城关镇"}
    unit = parse_unit("东城街道办事处", CHANG_AN).unit
    assert (unit.unit_id, unit.name, unit.level) == ("130102:town:东城街道", "东城街道办事处", "township")
    assert uid("城关镇", HAI_DIAN) != uid("城关镇", CHANG_AN)


def test_villages() -> None:
    ids = {uid(n) for n in ("李家庄村委会", "李家庄村村民委员会", "李家庄村民委员会", "城关镇李家庄村委会")}
    assert ids == {"130102:village:李家庄村"}
    assert parse_unit("李家庄村委会", CHANG_AN).unit.level == "village_committee"


def test_unknown_names_are_kept_and_flagged() -> None:
    unit = parse_unit("长安区某某协会", CHANG_AN).unit
    assert unit.known is False
    assert unit.unit_id == "130102:unknown:某某协会"
    assert uid("某某协会") == unit.unit_id
    # An ambiguous typo is not guessed: 人设局 is one edit from 人社局 and from 建设局.
    assert parse_unit("人设局", CHANG_AN).unit.known is False


def test_every_spelling_in_the_table_resolves_to_its_own_key() -> None:
    for dep in read_alias_table():
        for spelling in dep.spellings:
            unit_id = uid(spelling)
            assert unit_id.endswith(":" + dep.key.removeprefix("national_")), (spelling, unit_id)


def _filing(fid: str, county: str | None, responsible: str) -> Filing:
    return Filing(
        row=2,
        filing_id=fid,
        received_date=date(2024, 3, 1),
        channel=Channel.ONLINE,
        receiving_level=Level.COUNTY,
        receiving_org="",
        petitioner_name="张三",
        name_norm="张三",
        name_pinyin="zhang san",
        content="反映问题",
        place_county=county,
        responsible_unit=responsible,
    )


def test_resolve_units_over_filings_and_transfers() -> None:
    filings = [
        _filing("F1", CHANG_AN, "国土局"),
        _filing("F2", HAI_DIAN, "自然资源局"),
        _filing("F3", CHANG_AN, ""),
    ]
    transfers = [
        Transfer(
            row=2,
            filing_id="F1",
            seq=1,
            date=date(2024, 3, 2),
            from_unit="县信访局",
            to_unit="长安区自然资源和规划局",
            action=Action.ASSIGN,
        ),
        Transfer(
            row=3,
            filing_id="F1",
            seq=2,
            date=date(2024, 3, 9),
            from_unit="自然资源局",
            to_unit="城关镇政府",
            action=Action.SEND_BACK,
        ),
    ]
    mentions, units = resolve_units(filings, transfers)
    assert [(m.filing_id, m.role, m.seq, m.unit_id) for m in mentions] == [
        ("F1", UnitRole.RESPONSIBLE, None, "130102:natural_resources"),
        ("F2", UnitRole.RESPONSIBLE, None, "110108:natural_resources"),
        ("F1", UnitRole.FROM, 1, "130102:petition_bureau"),
        ("F1", UnitRole.TO, 1, "130102:natural_resources"),
        ("F1", UnitRole.FROM, 2, "130102:natural_resources"),
        ("F1", UnitRole.TO, 2, "130102:town:城关镇"),
    ]
    assert set(units) == {m.unit_id for m in mentions}
    # A typo no rule catches is repaired against a known unit of the same county.
    more = [_filing("F4", CHANG_AN, "城关镇人民正府")]
    mentions2, units2 = resolve_units(filings + more, transfers)
    f4 = next(m for m in mentions2 if m.filing_id == "F4")
    assert f4.unit_id == "130102:town:城关镇" and "130102:unknown:城关镇人民正府" not in units2
    assert units["130102:natural_resources"].name == "自然资源局"
    assert units["130102:natural_resources"].county == CHANG_AN


# --- context from the routing chain, provinces, development zones, hotline sub-centres ----------------------

LI_XIA = "370102"  # 山东省济南市历下区
LI_CHENG = "370112"  # 山东省济南市历城区


def test_a_short_name_never_takes_a_unit_into_another_province() -> None:
    # 港北 is short for 港北区 in Guangxi; in a Shandong filing it is not read as that place.
    assert not uid("港北公安局", LI_XIA).startswith("45")
    assert not uid("港北公安局", None, "370100").startswith("45")
    # Named in full, or with its city before it, the other province is meant.
    assert uid("港北区公安局", LI_XIA) == "450802:public_security"
    assert uid("贵港港北公安局", LI_XIA) == "450802:public_security"
    # Without any context the short name is all there is.
    assert uid("港北公安局", None) == "450802:public_security"


def test_bare_names_take_the_city_of_the_filing_when_its_county_is_unknown() -> None:
    assert uid("县信访办", None, "370100") == uid("区信访局", None, "370100") == "none@370100:petition_bureau"
    assert uid("县信访办", None, "370100") != uid("县信访办", None, "130100")
    assert uid("市信访局", None, "370100") == "370100:petition_bureau"
    assert uid("信访局", None) == "none:petition_bureau"


def _transfer(fid: str, seq: int, a: str, b: str) -> Transfer:
    return Transfer(
        row=seq + 1,
        filing_id=fid,
        seq=seq,
        date=date(2024, 3, seq),
        from_unit=a,
        to_unit=b,
        action=Action.ASSIGN,
    )


def test_bare_names_in_a_chain_take_their_county_from_the_chain() -> None:
    filings = [_filing("F1", None, "住建局"), _filing("F2", None, "住建局")]
    transfers = [
        _transfer("F1", 1, "济南市信访局", "县信访办"),
        _transfer("F1", 2, "县信访办", "历城区住房和城乡建设局"),
        _transfer("F2", 1, "石家庄市信访局", "县信访办"),
    ]
    mentions, _ = resolve_units(filings, transfers)
    got = {(m.filing_id, m.role, m.seq, m.raw_name): m.unit_id for m in mentions}
    assert got["F1", UnitRole.RESPONSIBLE, None, "住建局"] == "370112:housing_construction"
    assert got["F1", UnitRole.TO, 1, "县信访办"] == "370112:petition_bureau"
    # F2's chain names only its city: its county bureau is a bureau of that city, not of Jinan's county.
    assert got["F2", UnitRole.TO, 1, "县信访办"] == "none@130100:petition_bureau"
    assert got["F2", UnitRole.FROM, 1, "石家庄市信访局"] == "130100:petition_bureau"


def test_a_chain_in_one_province_does_not_read_a_short_name_of_another() -> None:
    filings = [_filing("F1", None, "港北公安局")]
    filings[0].receiving_org = "济南市信访局"
    mentions, units = resolve_units(filings, [_transfer("F1", 1, "济南市信访局", "县信访局")])
    assert not any(u.startswith("45") for u in units)


def test_development_zones_are_units_of_their_city() -> None:
    # Listed zones get their statistics code, whether named in full or for short in the city's context.
    full = uid("济南高新技术产业开发区信访局", None)
    assert uid("高新区信访局", LI_XIA) == full == "370176:petition_bureau"
    assert uid("济南高新区管委会", LI_XIA) == uid("高新技术产业开发区管理委员会", LI_CHENG)
    assert uid("高新区管委会", LI_XIA) == "370176:zone_committee"
    assert uid("高新区公安分局", LI_XIA) == "370176:public_security"
    # 威海 lists three zones; 临港 picks one, a bare 高新区 the only high-tech one.
    assert uid("威海临港经济技术开发区信访局", LI_XIA) == "371073:petition_bureau"
    assert uid("临港经济开发区信访局", "371002") == "371073:petition_bureau"
    assert uid("高新区信访局", "371002") == "371071:petition_bureau"
    # A zone the list does not have is keyed by its city: two cities' 经开区 are two places.
    jinan = parse_unit("经开区信访局", LI_XIA).unit
    assert (jinan.unit_id, jinan.county, jinan.known) == ("370100-经开区:petition_bureau", None, True)
    assert uid("经开区信访局", CHANG_AN) == "130100-经开区:petition_bureau"
    assert uid("石家庄经济技术开发区信访局", LI_XIA) == "130100-经开区:petition_bureau"
    # With no city at all the zone cannot be told, and says so.
    assert parse_unit("经开区信访局", None).unit.known is False
    # Townships and departments that merely contain a zone word are what they were.
    assert uid("新区街道办事处") == "130102:town:新区街道"
    assert uid("滨海新区信访办", None) == "120116:petition_bureau"


def test_hotline_sub_centres_are_their_county_hotline() -> None:
    assert uid("12345热线", LI_CHENG) == uid("市12345政务服务便民热线", LI_CHENG) == "370100:hotline"
    sub = parse_unit("12345热线历城分中心", LI_XIA).unit
    assert (sub.unit_id, sub.county) == ("370112:hotline", LI_CHENG)
    full = uid("12345政务服务便民热线历城区分中心", None)
    assert uid("历城区12345分中心", LI_XIA) == full == "370112:hotline"
    assert uid("12345热线分中心", LI_CHENG) == "370112:hotline"  # the filing's county
    assert uid("12345热线某某分中心", LI_CHENG).split(":")[1] == "unknown"


def test_a_chain_handled_in_another_county_reads_its_bare_names_there() -> None:
    # The filing's county is the petitioner's (长安区); the chain is handled in 鹿泉区 and says so.
    filings = [_filing("F1", CHANG_AN, "自然资源和规划局"), _filing("F2", CHANG_AN, "自然资源和规划局")]
    transfers = [
        _transfer("F1", 1, "鹿泉区信访局", "自然资源和规划局"),
        _transfer("F2", 1, "鹿泉区信访局", "信访局"),
        _transfer("F2", 2, "信访局", "行唐县自然资源局"),  # two counties named: the filing's county stays
    ]
    got = {(m.filing_id, m.role, m.seq): m.unit_id for m in resolve_units(filings, transfers)[0]}
    assert got["F1", UnitRole.RESPONSIBLE, None] == got["F1", UnitRole.TO, 1] == "130110:natural_resources"
    assert got["F2", UnitRole.RESPONSIBLE, None] == "130102:natural_resources"
    assert got["F2", UnitRole.TO, 1] == "130102:petition_bureau"


def test_a_township_of_a_known_city_takes_its_county_from_the_gazetteer() -> None:
    # Only the city (菏泽) is known; 古泉街道 is one street office of it in the division codes.
    assert uid("古泉街道办事处", None, "371700") == "371726:town:古泉街道"
    assert uid("菏泽市古泉街道办事处", None) == "371726:town:古泉街道"
    # Not in another city than the gazetteer's, nor where several counties of the city have one.
    assert uid("古泉街道办事处", None, "370100") == "none@370100:town:古泉街道"
    assert uid("长安街道办事处", None, "230000").startswith("none@230000:")  # three in 黑龙江
    # The filing's county, when known, is the township's as before.
    assert uid("古泉街道办事处", LI_XIA) == "370102:town:古泉街道"
