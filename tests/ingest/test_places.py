"""ingest.read.places: the county reference and free-text place → county code matching."""

from __future__ import annotations

from collections import Counter

import pytest

from ingest.read.normalise import to_simplified
from ingest.read.places import all_counties, county_by_code, county_of, region_of, short_name


def test_reference_has_every_mainland_county_once() -> None:
    counties = all_counties()
    codes = [c.code for c in counties]
    assert len(codes) == len(set(codes))
    assert 2800 < len(counties) < 3000
    assert all(len(c.code) == 6 and c.code.isdigit() for c in counties)
    assert {c.province_code[:2] for c in counties}.isdisjoint({"71", "81", "82", "99"})
    # Every province of the mainland (31) has counties.
    assert len({c.province_code for c in counties}) == 31


def test_reference_names_survive_to_simplified() -> None:
    # county_of simplifies the text before matching, so the names must be fixed points (乾安县, 乾县).
    assert [c.name for c in all_counties() if to_simplified(c.name) != c.name] == []


def test_county_fields() -> None:
    haidian = county_by_code("110108")
    assert haidian is not None
    assert (haidian.name, haidian.short) == ("海淀区", "海淀")
    assert (haidian.city_code, haidian.city_name) == ("110100", "北京市")
    assert (haidian.province_code, haidian.province_name) == ("110000", "北京市")
    zhengding = county_by_code("130123")
    assert zhengding is not None and zhengding.city_name == "石家庄市" and zhengding.province_name == "河北省"


def test_counties_governed_by_their_province_have_no_city() -> None:
    xiantao = county_by_code("429004")
    assert xiantao is not None and xiantao.name == "仙桃市"
    assert xiantao.city_code is None and xiantao.province_name == "湖北省"


def test_cities_without_counties_count_as_counties() -> None:
    dongguan = county_by_code("441900")
    assert dongguan is not None and dongguan.name == "东莞市" and dongguan.city_code == "441900"


def test_unknown_code() -> None:
    assert county_by_code("999999") is None
    assert county_by_code("110000") is None  # a province, not a county


def test_duplicate_county_names_exist_in_the_reference() -> None:
    names = Counter(c.name for c in all_counties())
    assert names["长安区"] == 2 and names["朝阳区"] == 2


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("海淀区", "海淀"),
        ("正定县", "正定"),
        ("乐东黎族自治县", "乐东"),
        ("鄂温克族自治旗", "鄂温克"),
        ("浦东新区", "浦东"),
        ("城区", "城区"),
        ("赵县", "赵县"),
    ],
)
def test_short_name(name: str, short: str) -> None:
    assert short_name(name) == short


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("河北省石家庄市长安区", "130102"),
        ("河北省石家庄市长安区建设北大街12号", "130102"),
        ("石家庄长安区", "130102"),
        ("石家庄市 长安区 XX镇", "130102"),
        ("陕西省西安市长安区韦曲街道", "610116"),
        ("西安长安区", "610116"),
        ("正定县城关镇东街", "130123"),
        ("河北正定", "130123"),
        ("北京市朝阳区", "110105"),
        ("北京朝阳", "110105"),
        ("吉林省长春市朝阳区", "220104"),
        ("辽宁省朝阳县", "211321"),
        ("朝阳县", "211321"),
        ("北京市海淀区中关村大街1号", "110108"),
        ("海淀", "110108"),
        ("上海浦东新区张江镇", "310115"),
        ("天津和平区", "120101"),
        ("沈阳市和平区", "210102"),
        ("重庆市万州区", "500101"),
        ("重庆市巫山县", "500237"),
        ("广东省东莞市长安镇", "441900"),
        ("济南市市中区", "370103"),
        ("济南市中区", "370103"),  # 济南 + 市中区
        ("青岛市南区", "370202"),  # 青岛 + 市南区
        ("河北石家庄桥西区", "130104"),  # 桥西区 also in 张家口
        ("河北张家口桥西区", "130703"),
        ("湖北省仙桃市", "429004"),
        ("海南省乐东黎族自治县", "469027"),
        ("内蒙古自治区呼伦贝尔市鄂温克族自治旗", "150724"),
        ("鄂温克旗", "150724"),
        ("河北省晋州市", "130183"),
        ("新疆维吾尔自治区乌鲁木齐市天山区", "650102"),
        ("河北省石家莊市長安區", "130102"),  # traditional characters
        ("河北省石家庄市长安区", "130102"),
    ],
)
def test_county_of(text: str, code: str) -> None:
    assert county_of(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "",
        "长安区",  # Hebei and Shaanxi
        "长安区 XX镇",
        "朝阳区",  # Beijing and Changchun
        "和平区",
        "北京市",  # a province, no county named
        "石家庄市",
        "中山路88号",  # a street, not 中山市
        "不知道",
    ],
)
def test_county_of_none_when_absent_or_ambiguous(text: str) -> None:
    assert county_of(text) is None


def test_street_named_after_a_place_does_not_count() -> None:
    assert county_of("东莞长安镇长安路") == "441900"
    assert county_of("石家庄市中山路") is None


def test_context_county_breaks_ties() -> None:
    assert county_of("长安区", context_county="130104") == "130102"  # context: 石家庄桥西区
    assert county_of("长安区 XX镇", context_county="610113") == "610116"  # context: 西安雁塔区
    assert county_of("朝阳区", context_county="110108") == "110105"
    assert county_of("朝阳区", context_county="220102") == "220104"


def test_context_may_be_a_city_or_a_province() -> None:
    assert county_of("长安区", context_county="130100") == "130102"  # 石家庄市
    assert county_of("长安区", context_county="610000") == "610116"  # 陕西省
    assert county_of("新华区", context_county="130100") == "130105"
    assert county_of("新华区", context_county="130000") is None  # 石家庄 and 沧州 both have one


@pytest.mark.parametrize(
    ("office", "code"),
    [
        ("正定县信访局", "130123"),
        ("石家庄市信访局", "130100"),
        ("吉林市信访局", "220200"),
        ("河北省信访局", "130000"),
        ("吉林省信访局", "220000"),
        ("北京市信访局", "110000"),
        ("信访局", None),
        ("国家信访局", None),
        ("", None),
        ("中共正定县委", "130123"),
        # a place word inside a department's name is not where the office is
        ("自然资源和规划局", None),  # 资源县
        ("公安局", None),  # 公安县
        ("高峪镇人民政府", None),
    ],
)
def test_region_of_office_names(office: str, code: str | None) -> None:
    assert region_of(office) == code


def test_text_beats_context_county() -> None:
    assert county_of("陕西省西安市长安区", context_county="130104") == "610116"


def test_every_county_is_found_by_its_full_address() -> None:
    missed = []
    for c in all_counties():
        parts = [c.province_name]
        if c.city_name and c.city_name != c.province_name and c.city_code != c.code:
            parts.append(c.city_name)
        parts.append(c.name)
        text = "".join(parts) + "某某街道"
        if county_of(text) != c.code:
            missed.append(text)
    assert missed == []


def test_addresses_written_from_the_township_down_get_their_county() -> None:
    # 古泉街道 and 东平街道 are each the name of one street office in the national division codes; the
    # receiving office (here its province or city) says which part of the country the filing is from.
    assert county_of("古泉街道香榭小区22-3-2402", "370000") == "371726"
    assert county_of("东平街道地区尚庄村", "370900") == "370923"
    # With nothing to place it, a township name alone is not guessed.
    assert county_of("古泉街道香榭小区22-3-2402") is None
    # 长安街道 is in eight counties: it stays unresolved unless the filing's city or county decides.
    assert county_of("长安街道幸福小区3号", "230000") is None  # three in 黑龙江
    assert county_of("长安街道幸福小区3号", "320000") == "320206"  # one in 江苏
    assert county_of("长安街道幸福小区3号", "320200") == "320206"  # 无锡市 → 梁溪区
    assert county_of("长安街道幸福小区3号", "320206") == "320206"
    # Context never takes a township into another city or province than the filing's.
    assert county_of("古泉街道香榭小区", "130102") is None
    assert county_of("古泉街道香榭小区", "371702") == "371726"  # another county of the same city
    # A city written before the township must agree with it.
    assert county_of("济南市古泉街道") is None
    assert county_of("菏泽市古泉街道") == "371726"
    # Names that merely end like a township are not guessed into one.
    assert county_of("城乡结合部", "370000") is None
    assert county_of("12号楼3单元", "370000") is None


def test_a_county_named_in_the_text_still_comes_first() -> None:
    assert county_of("河北省石家庄市长安区古泉街道") == "130102"
