"""matter_text, strong_identifiers and named_objects: one test per phenomenon, on small hand-written texts."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from ingest.resolve import (
    identifiers,
    text_fold,
)
from ingest.resolve import (
    matter_text as matter_text_module,
)
from ingest.resolve import (
    named_objects as named_objects_module,
)
from ingest.resolve.identifiers import credit_code_valid
from ingest.resolve.matter_text import (
    BOILERPLATE_PATH,
    TYPOS_PATH,
    matter_text,
    named_objects,
    read_boilerplate,
    read_typos,
    strong_identifiers,
)


@pytest.mark.parametrize("module", [matter_text_module, identifiers, named_objects_module, text_fold])
def test_docstring_examples_hold(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0


# --------------------------------------------------------------------------------------------- boilerplate


@pytest.mark.parametrize(
    "text",
    [
        "各位领导：村里的路坏了",
        "尊敬的领导您好，村里的路坏了",
        "尊敬的领导：您好！村里的路坏了",
        "尊敬的杨书记：您好！村里的路坏了",
        "尊敬的l3县各位领导你们好，村里的路坏了",
        "网民反映：村里的路坏了",
        "群众来电反映：村里的路坏了",
        "信访人反映：村里的路坏了。恳请领导调查处理",
        "来信人反映，村里的路坏了，特此反映。",
        "村里的路坏了，望领导重视！谢谢！",
        "村里的路坏了（重复件）",
        "村里的路坏了，已反映多次无果。此致敬礼！",
        "村里的路坏了。此致\n敬礼",
    ],
)
def test_boilerplate_says_nothing_of_the_matter(text: str) -> None:
    assert matter_text(text) == "村里的路坏了"


def test_boilerplate_is_removed_only_where_it_is_boilerplate() -> None:
    assert matter_text("领导干部违规收费") == "领导干部违规收费"  # 领导 opens a sentence, not an address
    assert matter_text("村党支部书记张三贪污") == "村党支部书记张三贪污"  # 书记 here is the subject
    assert (
        matter_text("谢谢你们帮我修路，但是路又坏了") == "谢谢你们帮我修路，但是路又坏了"
    )  # thanks not at the end


def test_an_office_adds_its_own_boilerplate(tmp_path: Path) -> None:
    table = tmp_path / "boilerplate.csv"
    table.write_text("# ours\nphrase,place\n敬请批示,end\n…同志：,start\n", encoding="utf-8")
    b = read_boilerplate(table)
    assert b.end is not None and b.start is not None and b.anywhere is None
    assert b.end.match("示批请敬，坏路")
    assert b.start.match("王局长同志，路坏了")


def test_a_boilerplate_row_without_a_place_is_refused(tmp_path: Path) -> None:
    table = tmp_path / "boilerplate.csv"
    table.write_text("phrase,place\n敬请批示,middle\n", encoding="utf-8")
    with pytest.raises(ValueError, match="start, end or any"):
        read_boilerplate(table)


def test_packaged_tables_read() -> None:
    assert read_boilerplate(BOILERPLATE_PATH).start is not None
    assert any(t.wrong == "混泥土" for t in read_typos(TYPOS_PATH))


# ---------------------------------------------------------------------------------- numbers, sums, dates


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("三十八名村民", "38名村民"),
        ("十二户", "12户"),
        ("两个月", "2个月"),
        ("一千零五元", "1005元"),
        ("两万五千元", "25000元"),
        ("两万五元", "25000元"),
        ("一百二十万元", "1200000元"),
        ("第三次", "第3次"),
        ("二〇二三年", "2023年"),
        ("二零二三年", "2023年"),
        ("二○一一年", "2011年"),
    ],
)
def test_chinese_numerals_become_digits(written: str, normal: str) -> None:
    assert matter_text(written) == normal


@pytest.mark.parametrize("approximate", ["三四十人", "七八个", "几十万元", "数十名", "十几年"])
def test_approximate_counts_stay_in_words(approximate: str) -> None:
    assert matter_text(approximate) == approximate


def test_a_word_with_one_is_no_number() -> None:
    assert matter_text("一直没有统一处理") == "一直没有统一处理"
    assert matter_text("月租800一个月") == "月租800一个月"  # not 8001个月


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("14.48万元", "144800元"),
        ("１４．４８万元", "144800元"),
        ("十四万四千八百元", "144800元"),
        ("144,800元", "144800元"),
        ("144800.00元", "144800元"),
        ("人民币144800元", "144800元"),
        ("￥144800", "144800元"),
        ("3000块钱", "3000元"),
        ("3000元整", "3000元"),
        ("1.5亿元", "150000000元"),
        ("3千元", "3000元"),
    ],
)
def test_sums_are_written_in_yuan(written: str, normal: str) -> None:
    assert matter_text(written) == normal


@pytest.mark.parametrize("written", ["14万余元", "14万多元", "十四万多元", "140000余元", "140000多元"])
def test_approximate_sums_keep_their_yu(written: str) -> None:
    assert matter_text(written) == "140000余元"
    assert matter_text(written) != matter_text("140000元")


def test_ten_thousand_and_more() -> None:
    assert matter_text("10余万元") == "100000余元"
    assert matter_text("营业收入5千万，纯收入5百万") == "营业收入50000000，纯收入5000000"


def test_spaces_inside_a_number_or_phrase() -> None:
    assert matter_text("一 个人") == "1个人"
    assert matter_text("110 KV") == "110kv"
    assert matter_text("房号 3 402") == "房号3 402"  # two numbers stay two


@pytest.mark.parametrize(
    "written",
    [
        "2023年5月3日",
        "2023-05-03",
        "2023/5/3",
        "2023.5.3",
        "2023年05月03日",
        "2023年5月3号",
        "二〇二三年五月三日",
    ],
)
def test_dates_are_written_one_way(written: str) -> None:
    assert matter_text(written) == "2023年5月3日"


def test_what_stood_between_dates_and_times_is_folded() -> None:
    assert matter_text("土地使用权2007.9.21-2074.8.17止") == "土地使用权2007年9月21日，2074年8月17日止"
    assert matter_text("回复（2017-08-01 11:08:16）") == "回复（2017年8月1日11:08:16）"


def test_year_months_and_month_days() -> None:
    assert matter_text("2023-05起") == "2023年5月起"
    assert matter_text("5月份") == "5月"
    assert matter_text("05月03号") == "5月3日"
    assert matter_text("3号楼") == "3号楼"


def test_values_with_separators_keep_them() -> None:
    assert matter_text("水4.23一吨，9:30开会，电话0731-8888") == "水4.23一吨，9:30开会，电话0731-8888"


def test_commas_between_clauses_are_no_thousands_separators() -> None:
    assert matter_text("共3，400人") == "共3，400人"


# ------------------------------------------------------------------------------- characters and spelling


def test_traditional_characters_become_simplified() -> None:
    assert matter_text("國土資源局拆遷補償款") == "国土资源局拆迁补偿款"


def test_full_width_digits_and_letters_become_ascii() -> None:
    assert matter_text("１１０ＫＶ高压线") == matter_text("110kV高压线") == "110kv高压线"


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("多次向镇政府反应", "多次向镇政府反映"),
        ("混泥土搅拌站", "混凝土搅拌站"),
        ("欠帐不还", "欠账不还"),
        ("强行折迁", "强行拆迁"),
        ("补尝款", "补偿款"),
    ],
)
def test_common_typos_are_corrected(written: str, normal: str) -> None:
    assert matter_text(written) == normal


@pytest.mark.parametrize(
    "correct", ["打疫苗后出现不良反应", "过敏反应", "群众反应强烈", "搭了帐篷", "挂蚊帐"]
)
def test_a_typo_guard_keeps_the_real_word(correct: str) -> None:
    assert matter_text(correct) == correct


def test_whitespace_and_punctuation_fold() -> None:
    assert matter_text("\n\t\t村里的路 坏了！！！路灯？也坏了……") == "村里的路坏了。路灯。也坏了"
    assert matter_text("《信访条例》规定“三十日内”答复") == "信访条例规定30日内答复"
    assert matter_text("【补偿】（）款") == "（补偿）款"
    assert matter_text("hello world") == "hello world"  # two Latin words stay two


def test_matter_text_is_idempotent() -> None:
    texts = [
        "尊敬的領導：您好！二〇二三年五月三日，三十八名村民反应14.48万元補償款未發放。此致敬礼！",
        "网民反映：2023-05-03起拖欠工资十四万多元，涉及三四十人（重复件）。谢谢！",
        "１１０ＫＶ高压线 离 小区 仅 30 米，《规划》要求……",
        "这两个同志一个叫胡某，一 个叫张某，收入5千万以上",
    ]
    for t in texts:
        once = matter_text(t)
        assert matter_text(once) == once


def test_texts_of_different_matters_stay_different() -> None:
    pairs = [
        ("拖欠工资144800元", "拖欠工资14.48元"),
        ("拖欠工资14万元", "拖欠工资14万余元"),
        ("2023年5月3日被强拆", "2023年5月13日被强拆"),
        ("2023.5.3被强拆", "2023.5.31被强拆"),
        ("三十八名村民", "三百八十名村民"),
        ("二号楼漏水", "十二号楼漏水"),
        ("a栋b单元", "ab栋单元"),
        ("反映张庄村征地补偿", "反映李庄村征地补偿"),
        ("（2023）桂0225民初4027号", "（2023）桂0225民初4028号"),
        ("过敏反应严重", "过敏反映严重"),
        ("hello world", "hell oworld"),
        ("三四十人", "34人"),
    ]
    for a, b in pairs:
        assert matter_text(a) != matter_text(b), (a, b)


def test_one_matter_in_two_habits_of_writing_reads_the_same() -> None:
    letter = (
        "尊敬的领导：您好！我们是张庄村三十八名村民，二〇二三年五月三日被征地，"
        "补偿款十四万四千八百元至今未发。此致敬礼！"
    )
    hotline = "群众来电反映：我们是张庄村38名村民，2023.5.3被征地，补偿款14.48万元至今未发。"
    assert matter_text(letter) == matter_text(hotline)


# --------------------------------------------------------------------------------------- identifiers


@pytest.mark.parametrize(
    "written",
    [
        "（2023）桂0225民初4027号",
        "(2023)桂0225民初4027号",
        "〔2023〕桂0225民初4027号",
        "【2023】桂0225民初4027号",
        "（ 2023 ）桂 0225 民初 4027 号",
        "（２０２３）桂０２２５民初４０２７号",
        "2023桂0225民初4027号",
        "（2023）桂0225民初第4027号",
    ],
)
def test_case_numbers_in_their_variants_are_one(written: str) -> None:
    assert strong_identifiers(f"法院判决书{written}已生效") == [("case", "（2023）桂0225民初4027号")]


def test_two_different_case_numbers_differ() -> None:
    found = strong_identifiers(
        "一审（2022）桂0225民初118号，二审（2023）桂02民终77号，执行（2023）桂0225执1203号"
    )
    assert found == [
        ("case", "（2022）桂0225民初118号"),
        ("case", "（2023）桂02民终77号"),
        ("case", "（2023）桂0225执1203号"),
    ]


def test_old_style_case_numbers() -> None:
    assert strong_identifiers("（2015）桂民一终字第123号") == [("case", "（2015）桂民一终123号")]


def test_a_date_is_no_case_number() -> None:
    assert strong_identifiers("2023年5月3日至今，（2023年）3号文件") == []


def test_credit_code_checksum() -> None:
    assert credit_code_valid("91350100M000100Y43")
    assert not credit_code_valid("91350100M000100Y44")
    assert not credit_code_valid("91350100M000100Y4")
    assert strong_identifiers("统一社会信用代码：91350100M000100Y43") == [("credit", "91350100M000100Y43")]
    assert strong_identifiers("统一社会信用代码：91350100M000100Y44") == []
    assert strong_identifiers("代码91350100m000100y43。") == [("credit", "91350100M000100Y43")]


def test_an_id_number_is_no_credit_code() -> None:
    id_number = "11010519491231002X"  # the published example of GB 11643
    assert strong_identifiers(f"身份证号{id_number}") == []


def test_document_numbers() -> None:
    text = "合同编号：HT-2021-0087，不动产权证号：桂(2020)南宁市不动产权第0123456号，施工许可证4501002020001"
    assert strong_identifiers(text) == [
        ("document", "HT-2021-0087"),
        ("document", "桂(2020)南宁市不动产权第0123456号"),
        ("document", "4501002020001"),
    ]
    assert strong_identifiers("合同编号 ht-2021-0087") == [("document", "HT-2021-0087")]
    assert strong_identifiers("房产证：0012345，身份证：110105194912310021") == [("document", "0012345")]


def test_old_certificate_numbers_keep_year_and_sequence() -> None:
    text = "土地出让证号为：国用2014年字第：0269号，预售许可证号为：预许字(2013)第03号"
    assert strong_identifiers(text) == [("document", "国用2014年字第0269"), ("document", "预许字(2013)第03")]


def test_a_certificate_named_in_passing_or_dated_is_no_number() -> None:
    assert strong_identifiers("房产证于2014年1月办理，施工许可证2017年12月才取得") == []


def test_an_identity_card_number_is_no_document() -> None:
    assert strong_identifiers("身份证号110105194912310021") == []


# ------------------------------------------------------------------------------------- named objects


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("恒大华庭业主维权", ("estate", "恒大华庭")),
        ("我们是来雁新城的住户", ("estate", "来雁新城")),
        ("购买了万科花园小区的房子", ("estate", "万科花园")),
        ("位于景蓉华苑", ("estate", "景蓉华苑")),
        ("锦绣家园小区停车", ("estate", "锦绣家园")),
        ("碧桂园公馆交房", ("estate", "碧桂园公馆")),
        ("恒大华府延期", ("estate", "恒大华府")),
        ("雅塘小区停车难", ("estate", "雅塘小区")),
        ("长沙学院宿舍", ("school", "长沙学院")),
        ("湖南城建职业技术学校招生", ("school", "湖南城建职业技术学校")),
        ("孩子在雅礼中学读书", ("school", "雅礼中学")),
        ("柳营镇中心小学收费", ("school", "柳营镇中心小学")),
        ("在a7县人民医院做手术", ("hospital", "a7县人民医院")),
        ("2月l市公交公司调整线路", ("company", "l市公交公司")),
        ("湘雅医院误诊", ("hospital", "湘雅医院")),
        ("美顺物业管理有限公司收费", ("company", "美顺物业管理公司")),
        ("美顺物业管理公司收费", ("company", "美顺物业管理公司")),
        ("潇楚南路修了一年", ("road", "潇楚南路")),
    ],
)
def test_each_kind_of_named_object(text: str, expected: tuple[str, str]) -> None:
    assert expected in named_objects(text)


def test_a_road_with_its_object() -> None:
    assert named_objects("万家丽路 110kV 高压线离小区太近") == [
        ("road", "万家丽路"),
        ("road_object", "万家丽路高压线"),
    ]
    assert ("road_object", "万家丽路搅拌站") in named_objects("万家丽路口搅拌站噪音扰民")
    assert named_objects("万家丽路修好了，搅拌站还在") == [("road", "万家丽路")]  # another clause


@pytest.mark.parametrize(
    "text",
    [
        "该小区的物业公司扬言要退出小区",
        "老旧小区改造",
        "去人民医院看病",
        "这家公司拖欠工资",
        "市政府不管",
        "道路坏了，马路上全是坑",
        "部分路段开始恢复路面",
        "县新城区的规划",
        "在街道办事处",
        "而且县城总公司也给了钱",
        "家园小区",
        "新建西路修建后",
    ],
)
def test_generic_words_are_no_names(text: str) -> None:
    assert named_objects(text) == []


def test_names_are_not_read_back_across_verbs_or_places() -> None:
    assert named_objects("我们购买了万科华庭的房子") == [("estate", "万科华庭")]
    assert named_objects("位于a市a2区赤岭路白沙花园") == [("road", "赤岭路"), ("estate", "白沙花园")]
    assert named_objects("希望有关部门加大雅塘路的管理力度") == [("road", "雅塘路")]
    assert named_objects("现到3月开元路开盘") == [("road", "开元路")]
    assert named_objects("a1区远大二路天园假日家园小区业主") == [
        ("road", "远大二路"),
        ("estate", "天园假日家园"),
    ]


def test_empty_text() -> None:
    assert matter_text("") == "" and strong_identifiers("") == [] and named_objects("") == []
