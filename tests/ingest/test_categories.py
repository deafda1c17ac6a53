"""The category taxonomy (ingest/resolve/reference/categories.csv): every label offices write maps, and two
labels relate as same / family / unrelated / unknown."""

from __future__ import annotations

import csv
import doctest
from itertools import combinations
from pathlib import Path

import pytest

from caselink.demo_data import generate
from ingest.resolve import categories
from ingest.resolve.categories import CATEGORIES_PATH, CategoryRelation, Taxonomy

SAME, FAMILY, UNRELATED, UNKNOWN = (
    CategoryRelation.SAME,
    CategoryRelation.FAMILY,
    CategoryRelation.UNRELATED,
    CategoryRelation.UNKNOWN,
)


@pytest.fixture(scope="module")
def t() -> Taxonomy:
    return Taxonomy.load()


def test_docstring_examples_hold() -> None:
    result = doctest.testmod(categories)
    assert result.attempted > 0 and result.failed == 0


def test_the_table_says_where_its_scheme_comes_from() -> None:
    head = CATEGORIES_PATH.read_text(encoding="utf-8").split("\nlabel,")[0]
    assert "信访事项" in head and "12345" in head and "2018" in head


def test_load_is_shared(t: Taxonomy) -> None:
    assert Taxonomy.load() is t


def test_every_demo_data_category_maps(tmp_path: Path, t: Taxonomy) -> None:
    paths = generate(600, 3, tmp_path)
    with paths.filings.open(encoding="utf-8-sig", newline="") as fh:
        labels = {row["category"] for row in csv.DictReader(fh)} - {""}
    assert len(labels) >= 8
    unmapped = sorted(label for label in labels if t.family(label) is None)
    assert unmapped == []


# Labels as written by letters offices, visit registers, online platforms and 12345 hotlines, old and new
# schemes,
# with the canonical category each must reach.
VARIANTS = {
    # 城乡建设 and its sub-categories
    "城乡建设": "住房城乡建设",
    "住房城乡建设": "住房城乡建设",
    "住房和城乡建设": "住房城乡建设",
    "住建": "住房城乡建设",
    "城建": "住房城乡建设",
    "房地产": "房地产",
    "房地产管理": "房地产",
    "商品房": "房地产",
    "房屋征收": "房屋征收",
    "拆迁": "房屋征收",
    "房屋拆迁": "房屋征收",
    "拆迁安置": "房屋征收",
    "棚户区改造": "房屋征收",
    "征地拆迁": "征地拆迁",
    "物业": "物业管理",
    "物业管理": "物业管理",
    "城市管理": "城市管理",
    "城管": "城市管理",
    "违章建筑": "违法建设",
    "住房公积金": "住房公积金",
    "保障性住房": "住房保障",
    # 2018 renamings
    "国土资源": "自然资源",
    "国土": "自然资源",
    "自然资源": "自然资源",
    "自然资源和规划": "自然资源",
    "农业": "农业农村",
    "农村农业": "农业农村",
    "农业农村": "农业农村",
    "三农": "农业农村",
    "环境保护": "生态环境",
    "环保": "生态环境",
    "生态环境": "生态环境",
    "劳动和社会保障": "人力资源社会保障",
    "劳动保障": "人力资源社会保障",
    "劳动社保": "人力资源社会保障",
    "人社": "人力资源社会保障",
    "人力资源和社会保障": "人力资源社会保障",
    "卫生计生": "卫生健康",
    "卫生和计划生育": "卫生健康",
    "卫生健康": "卫生健康",
    "安全生产": "应急管理",
    "优抚安置": "退役军人事务",
    "退役军人事务": "退役军人事务",
    "新农合": "医疗保障",
    "医保": "医疗保障",
    "工商": "市场监管",
    "食药监": "市场监管",
    "质监": "市场监管",
    "市场监管": "市场监管",
    # other first-level classes
    "教育": "教育",
    "教育文体": "教育文体",
    "民办教师": "教师待遇",
    "涉法涉诉": "涉法涉诉",
    "政法": "政法",
    "公安": "公安",
    "纪检监察": "纪检监察",
    "组织人事": "组织人事",
    "民政": "民政",
    "低保": "社会救助",
    "社会保障": "社会保障",
    "拖欠工资": "拖欠工资",
    "欠薪": "拖欠工资",
    "劳动争议": "劳动关系",
    "养老保险": "社会保险",
    "企业改制": "企业改制",
    "交通运输": "交通运输",
    "公交": "公共交通",
    "供水": "供水",
    "供电": "供电",
    "燃气": "供气",
    "科技与信息产业": "科技信息",
    "文化旅游": "文化旅游",
    "民族宗教": "民族宗教",
    "党务政务": "党务政务",
    "经济管理": "经济管理",
    "金融": "金融",
    "土地承包": "土地承包",
    "林业": "林业",
    "水利": "水利",
    "医疗纠纷": "医疗纠纷",
    "乡村医生": "乡村医生",
    "计划生育": "计划生育",
    "食品安全": "食品药品安全",
    "消费维权": "消费维权",
}


@pytest.mark.parametrize(("label", "category"), sorted(VARIANTS.items()))
def test_real_world_labels_map(t: Taxonomy, label: str, category: str) -> None:
    assert t.canonical(label) == category
    assert t.family(label) is not None


@pytest.mark.parametrize(
    "written",
    [
        "國土資源",
        "国土资源类",
        "国土资源问题",
        "国土资源方面",
        " 国土 资源 ",
        "国土资源　",
        "01国土资源",
        "“国土资源”",
        "国土资源局",
        "市国土资源局",
        "国土资源（自然资源）",
    ],
)
def test_labels_are_folded_before_lookup(t: Taxonomy, written: str) -> None:
    assert t.canonical(written) == "自然资源"


def test_full_width_and_department_forms(t: Taxonomy) -> None:
    assert t.canonical("城乡建设／房屋征收") == "房屋征收"
    assert t.canonical("Ａ01 城乡建设") == "住房城乡建设"
    assert t.canonical("市人社局") == "人力资源社会保障"
    assert t.canonical("住建委") == "住房城乡建设"
    assert t.canonical("市场监管局") == "市场监管"  # 市 here is part of the name, not the level


@pytest.mark.parametrize(
    "path",
    [
        "城乡建设/房屋征收",
        "城乡建设-房屋征收",
        "城乡建设>房屋征收",
        "城乡建设＞房屋征收",
        "城乡建设（房屋征收）",
        "城乡建设 / 房屋征收类",
    ],
)
def test_sub_category_paths_map_to_their_most_specific_known_part(t: Taxonomy, path: str) -> None:
    assert t.canonical(path) == "房屋征收"
    assert t.family(path) == "城乡建设"


def test_a_path_with_an_unknown_or_empty_step_keeps_the_known_one(t: Taxonomy) -> None:
    assert t.canonical("城乡建设/小区配套设施") == "住房城乡建设"
    assert t.canonical("劳动保障/其他") == "人力资源社会保障"
    assert t.canonical("12345/劳动社保/欠薪") == "拖欠工资"


def test_unknown_and_empty_labels(t: Taxonomy) -> None:
    for label in ("", "   ", "xyz", "未知的分类名称", "/"):
        assert t.canonical(label) is None
        assert t.family(label) is None


def test_a_label_that_says_nothing_maps_without_a_family(t: Taxonomy) -> None:
    assert t.canonical("其他") == "其他"
    assert t.family("其他") is None
    assert t.family("投诉") is None


@pytest.mark.parametrize(
    ("a", "b", "relation"),
    [
        ("劳动和社会保障", "人社", SAME),
        ("国土资源", "自然资源", SAME),
        ("环境保护", "生态环境", SAME),
        ("城乡建设", "住房城乡建设", SAME),
        ("农村农业", "农业", SAME),
        ("城乡建设", "房屋征收", FAMILY),
        ("城乡建设", "城乡建设/房屋征收", FAMILY),
        ("房地产", "物业", FAMILY),
        ("拆迁", "城乡建设", FAMILY),
        ("劳动保障", "拖欠工资", FAMILY),
        ("社会保障", "劳动社保", FAMILY),
        ("征地拆迁", "国土资源", FAMILY),  # overlapping families: land and housing
        ("低保", "社会保障", FAMILY),
        ("教育", "环境保护", UNRELATED),
        ("公安", "农业", UNRELATED),
        ("卫生健康", "房屋征收", UNRELATED),
        ("", "城乡建设", UNKNOWN),
        ("城乡建设", "", UNKNOWN),
        ("xyz", "城乡建设", UNKNOWN),
        ("其他", "城乡建设", UNKNOWN),
        ("其他", "其他", UNKNOWN),
    ],
)
def test_relations(t: Taxonomy, a: str, b: str, relation: CategoryRelation) -> None:
    assert t.relation(a, b) is relation


def test_relation_is_symmetric_and_same_with_itself(t: Taxonomy) -> None:
    labels = [*VARIANTS, "其他", "", "xyz"]
    for a, b in combinations(labels, 2):
        assert t.relation(a, b) is t.relation(b, a), (a, b)
    for a in VARIANTS:
        assert t.relation(a, a) is SAME


def test_levels_order_from_unknown_to_same() -> None:
    assert UNKNOWN < UNRELATED < FAMILY < SAME


def test_every_category_is_its_own_label(t: Taxonomy) -> None:
    for category in t.categories:
        assert t.canonical(category) == category


def _table(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "categories.csv"
    path.write_text("# test\nlabel,category,family,related\n" + rows, encoding="utf-8")
    return path


def test_an_office_extends_the_table(tmp_path: Path) -> None:
    t = Taxonomy.load(_table(tmp_path, "信访件办理,信访工作,党务政务,\n"))
    assert t.canonical("信访件办理") == "信访工作"


def test_a_label_mapped_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="already mapped"):
        Taxonomy.load(
            _table(
                tmp_path, "住建,住房城乡建设,城乡建设,\n住房和建设,房地产,城乡建设,\n住 建,房地产,城乡建设,\n"
            )
        )


def test_an_unknown_related_family_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="related families"):
        Taxonomy.load(_table(tmp_path, "征地拆迁,征地拆迁,城乡建设,国土\n"))


def test_a_category_with_two_families_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="two families"):
        Taxonomy.load(_table(tmp_path, "拆迁,房屋征收,城乡建设,\n征收,房屋征收,自然资源,\n"))
