"""ingest.read.normalise: names, pinyin keys, ID numbers, phones, dates, enums, co-petitioners."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ingest.columns import Action, Channel, Level, Status
from ingest.read.normalise import (
    name_pinyin,
    normalise_name,
    normalise_phone,
    parse_action,
    parse_channel,
    parse_date,
    parse_id_number,
    parse_level,
    parse_status,
    split_co_petitioners,
    to_simplified,
)

# GB 11643-1999 written out again here, independently of the module under test.
WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]
CHECK = {0: "1", 1: "0", 2: "X", 3: "9", 4: "8", 5: "7", 6: "6", 7: "5", 8: "4", 9: "3", 10: "2"}


def gb11643(first17: str) -> str:
    return CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def test_independent_checksum_agrees_with_a_published_example() -> None:
    # The sample number printed in GB 11643-1999 itself.
    assert WEIGHTS == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    assert gb11643("11010519491231002") == "X"


# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("張偉", "张伟"),
        ("陳建國", "陈建国"),
        ("王\u3000秀英", "王秀英"),  # full-width space
        ("  李 娜\t", "李娜"),
        ("ＬＩ娜", "LI娜"),  # full-width Latin letters folded by NFKC
        ("“刘洋”", "刘洋"),
        ("赵敏。", "赵敏"),
        ("李娜（女）", "李娜"),
        ("王五(代)", "王五"),
        ("阿卜杜·热合曼", "阿卜杜·热合曼"),
        ("阿卜杜•热合曼", "阿卜杜·热合曼"),  # bullet
        ("阿卜杜・热合曼", "阿卜杜·热合曼"),  # katakana middle dot
        ("阿卜杜．热合曼", "阿卜杜·热合曼"),  # full-width full stop
        ("阿卜杜.热合曼", "阿卜杜·热合曼"),
        ("阿卜杜-热合曼", "阿卜杜·热合曼"),
        ("·阿卜杜 ‧ 热合曼·", "阿卜杜·热合曼"),
        ("张\u200b三", "张三"),  # zero-width space
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalise_name(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


def test_to_simplified_converts_words_not_just_characters() -> None:
    assert to_simplified("臺灣頭髮") == "台湾头发"


def test_to_simplified_reaches_a_fixed_point_on_every_cjk_character() -> None:
    # OpenCC alone is not idempotent here: 薴 → 苧 → 苎.
    assert to_simplified("薴") == "苎"
    chars = [chr(c) for c in range(0x3400, 0xA000)]
    assert [c for c in chars if to_simplified(to_simplified(c)) != to_simplified(c)] == []


def test_to_simplified_keeps_characters_that_are_already_simplified() -> None:
    # OpenCC maps 乾 → 干 and 於 → 于, but both are standard simplified characters in names and places.
    assert to_simplified("李乾") == "李乾"
    assert to_simplified("於丽") == "於丽"
    assert normalise_name("乾安縣") == "乾安县"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张伟", "zhang wei"),
        ("吕布", "lv bu"),
        ("单雄信", "shan xiong xin"),
        ("曾国藩", "zeng guo fan"),
        ("解缙", "xie jin"),
        ("仇英", "qiu ying"),
        ("朴槿惠", "piao jin hui"),
        ("区志明", "ou zhi ming"),
        ("查良镛", "zha liang yong"),
        ("盖聂", "ge nie"),
        ("乐嘉", "yue jia"),
        ("种师道", "chong shi dao"),
        ("覃明", "qin ming"),
        ("尉迟恭", "yu chi gong"),
        ("欧阳修", "ou yang xiu"),
        ("司马光", "si ma guang"),
        ("长孙无忌", "zhang sun wu ji"),
        ("阿卜杜·热合曼", "a bu du re he man"),
        ("", ""),
    ],
)
def test_name_pinyin_reads_the_surname_as_a_surname(name: str, expected: str) -> None:
    assert name_pinyin(name) == expected


def test_surname_reading_only_applies_to_the_first_character() -> None:
    # 单 inside a given name keeps pypinyin's ordinary reading.
    assert name_pinyin("王单") == "wang dan"


def test_traditional_and_simplified_spellings_share_a_pinyin_key() -> None:
    assert name_pinyin(normalise_name("張 偉")) == name_pinyin(normalise_name("张伟")) == "zhang wei"


def test_split_co_petitioners() -> None:
    assert split_co_petitioners("張三、李四； 王五,赵六;钱七，孙八") == (
        "张三",
        "李四",
        "王五",
        "赵六",
        "钱七",
        "孙八",
    )
    assert split_co_petitioners("") == ()
    assert split_co_petitioners("、 ；") == ()


def test_a_space_inside_a_co_signer_name_keeps_it_one_name() -> None:
    assert split_co_petitioners("程 强") == ("程强",)
    assert split_co_petitioners("程 强、吴　辉；陈 永生") == ("程强", "吴辉", "陈永生")
    assert split_co_petitioners(" 程 强 , 吴　辉 ") == ("程强", "吴辉")


# --- ID numbers ------------------------------------------------------------------------------


def test_valid_18_digit_id() -> None:
    info = parse_id_number("11010519491231002X")
    assert info.number == "11010519491231002X"
    assert info.valid
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "F"  # 17th digit 2 is even
    assert info.region == "110105"
    assert info.problem_zh is None and info.problem_en is None


def test_lower_case_x_spaces_and_full_width_digits_are_normalised() -> None:
    assert parse_id_number(" 110105 19491231 002x ").number == "11010519491231002X"
    assert parse_id_number("１１０１０５１９４９１２３１００２Ｘ").number == "11010519491231002X"


def test_sex_from_the_17th_digit() -> None:
    first17 = "13010219800101001"
    info = parse_id_number(first17 + gb11643(first17))
    assert info.valid and info.sex == "M"


def test_15_digit_id_is_upgraded_with_the_right_checksum() -> None:
    old = "130102800101001"
    first17 = old[:6] + "19" + old[6:]
    info = parse_id_number(old)
    assert info.number == first17 + gb11643(first17)
    assert info.valid
    assert info.birth_date == date(1980, 1, 1)
    assert info.sex == "M"
    assert info.region == "130102"


def test_wrong_checksum_keeps_the_number_and_says_so() -> None:
    first17 = "11010519491231002"
    wrong = "1" if gb11643(first17) != "1" else "2"
    info = parse_id_number(first17 + wrong)
    assert info.number == first17 + wrong
    assert not info.valid
    assert info.birth_date == date(1949, 12, 31)
    assert info.problem_zh is not None and "校验" in info.problem_zh
    assert info.problem_en is not None and "checksum" in info.problem_en


@pytest.mark.parametrize(
    "raw", ["1101051949123100", "11010519491231002XX", "11010519491231002A", "身份证", "X" * 18]
)
def test_garbage_ids_give_no_number(raw: str) -> None:
    info = parse_id_number(raw)
    assert info.number is None
    assert not info.valid
    assert info.problem_zh and info.problem_en


def test_digits_of_other_scripts_are_not_id_digits() -> None:
    arabic_indic = "".join(chr(0x660 + int(d)) for d in "11010519491231002") + "X"
    assert parse_id_number(arabic_indic).number is None
    assert normalise_phone("".join(chr(0x660 + int(d)) for d in "13800138000")).number is None


def test_empty_id_is_a_problem_not_an_error() -> None:
    info = parse_id_number("")
    assert info.number is None and info.problem_en


@pytest.mark.parametrize("birth", ["19490230", "18991231", "19801301"])
def test_impossible_birth_date_is_invalid(birth: str) -> None:
    first17 = "110105" + birth + "002"
    info = parse_id_number(first17 + gb11643(first17))
    assert info.number == first17 + gb11643(first17)
    assert not info.valid
    assert info.birth_date is None
    assert info.problem_zh is not None and "出生日期" in info.problem_zh


def test_birth_date_in_the_future_is_invalid() -> None:
    tomorrow = date.today() + timedelta(days=1)
    first17 = "110105" + tomorrow.strftime("%Y%m%d") + "002"
    info = parse_id_number(first17 + gb11643(first17))
    assert not info.valid and info.birth_date is None


# --- phones -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "number", "kind"),
    [
        ("13800138000", "13800138000", "mobile"),
        ("138-0013-8000", "13800138000", "mobile"),
        ("+86 138 0013 8000", "13800138000", "mobile"),
        ("+86-13800138000", "13800138000", "mobile"),
        ("0086 13800138000", "13800138000", "mobile"),
        ("8613800138000", "13800138000", "mobile"),
        ("１３８００１３８０００", "13800138000", "mobile"),
        ("(+86)199 1234 5678", "19912345678", "mobile"),
        ("013800138000", "13800138000", "mobile"),
        ("13800138000/13900139000", "13800138000", "mobile"),
        ("010-12345678", "01012345678", "landline"),
        ("(010)62345678", "01062345678", "landline"),
        ("+86 10 6234 5678", "01062345678", "landline"),
        ("021 5555 6666", "02155556666", "landline"),
        ("0311-8765432", "03118765432", "landline"),
        ("0311-87654321", "031187654321", "landline"),
        ("（0311）8765432转8012", "03118765432", "landline"),
        ("0755-26543210 ext 12", "075526543210", "landline"),
        ("手机：13800138000", "13800138000", "mobile"),
        ("13800138000（本人）", "13800138000", "mobile"),
        ("电话 0311-8765432 转 8", "03118765432", "landline"),
    ],
)
def test_phone_normalised(raw: str, number: str, kind: str) -> None:
    info = normalise_phone(raw)
    assert (info.number, info.kind) == (number, kind)
    assert info.problem_zh is None


@pytest.mark.parametrize("raw", ["", "abc", "12345", "1380013800", "23800138000", "400-800-8888", "0311-123"])
def test_unreadable_phone_gives_no_number_and_a_reason(raw: str) -> None:
    info = normalise_phone(raw)
    assert info.number is None and info.kind is None
    assert info.problem_zh and info.problem_en


def test_landline_without_area_code_says_so() -> None:
    info = normalise_phone("8765432")
    assert info.number is None
    assert info.problem_zh is not None and "区号" in info.problem_zh


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "2023-03-05",
        "2023/03/05",
        "2023年03月05日",
        "2023-3-5",
        "2023/3/5",
        "2023年3月5日",
        "2023年3月5",
        " 2023-03-05 ",
        "２０２３年３月５日",
        "2023-03-05 00:00:00",
        "2023/3/5 0:00",
    ],
)
def test_parse_date_formats(raw: str) -> None:
    assert parse_date(raw) == date(2023, 3, 5)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "2023-02-30",
        "2023-13-01",
        "2023-00-10",
        "2023-03/05",
        "2023年3-5",
        "20230305",
        "05/03/2023",
        "2023.03.05",
        "二〇二三年三月五日",
        "1899-12-31",
        "2023-03-05 morning",
        "2023-3",
    ],
)
def test_parse_date_rejects(raw: str) -> None:
    assert parse_date(raw) is None


def test_parse_date_leap_day() -> None:
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    assert parse_date("2023年2月29日") is None


# --- enums --------------------------------------------------------------------------------------


@pytest.mark.parametrize("member", list(Channel))
def test_channel_canonical_values(member: Channel) -> None:
    assert parse_channel(member.value) is member
    assert parse_channel(f" {member.value} ") is member


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("走访", Channel.VISIT),
        ("信件", Channel.LETTER),
        ("书信", Channel.LETTER),
        ("网信", Channel.ONLINE),
        ("网上投诉", Channel.ONLINE),
        ("12345热线", Channel.PHONE),
        ("来电", Channel.PHONE),
        ("书记信箱", Channel.MAILBOX),
        ("市长信箱", Channel.MAILBOX),
        ("其它", Channel.OTHER),
        ("visit", Channel.VISIT),
        ("飞鸽传书", None),
        ("", None),
    ],
)
def test_channel_aliases(raw: str, expected: Channel | None) -> None:
    assert parse_channel(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("乡", Level.TOWNSHIP),
        ("镇", Level.TOWNSHIP),
        ("街道", Level.TOWNSHIP),
        ("乡镇", Level.TOWNSHIP),
        ("县", Level.COUNTY),
        ("县级", Level.COUNTY),
        ("区", Level.COUNTY),
        ("县（区）", Level.COUNTY),
        ("县(区)", Level.COUNTY),
        ("市级", Level.CITY),
        ("市", Level.CITY),
        ("省级", Level.PROVINCE),
        ("国家信访局", Level.NATIONAL),
        ("中央", Level.NATIONAL),
        ("国家", Level.NATIONAL),
        ("村", None),
    ],
)
def test_level_aliases(raw: str, expected: Level | None) -> None:
    assert parse_level(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *((m.value, m) for m in Status),
        ("办结", Status.CONCLUDED),
        ("受理", Status.HANDLING),
        ("终结", Status.FINAL),
        ("复查", Status.REVIEW),
        ("复核", Status.RE_REVIEW),
        ("不受理", Status.REJECTED),
        ("丢失", None),
    ],
)
def test_status_aliases(raw: str, expected: Status | None) -> None:
    assert parse_status(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *((m.value, m) for m in Action),
        ("转办", Action.SEND_ON),
        ("退办", Action.SEND_BACK),
        ("催办", Action.SUPERVISE),
        ("协助", Action.ASSIST),
        ("归档", None),
    ],
)
def test_action_aliases(raw: str, expected: Action | None) -> None:
    assert parse_action(raw) is expected
