"""Property tests of every parser and normaliser not covered by test_normalise_properties.py and
test_sources_properties.py (issue 9): whatever the input, nothing raises, normal forms are fixed points and
what the contract accepts is read back exactly.
"""

from __future__ import annotations

import calendar
import tempfile
import unicodedata
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pypinyin.pinyin_dict import pinyin_dict as PINYIN_DICT

from ingest.columns import FILING_COLUMNS, TRANSFER_COLUMNS, Action, Channel, Level, Status
from ingest.errors import IngestError
from ingest.read.normalise import (
    id_check_char,
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
)
from ingest.read.places import County, all_counties, county_by_code, county_of, region_of
from ingest.read.sources import RawRow, load_mapping, open_source
from ingest.read.validate import validate_filing, validate_transfer
from ingest.records import Filing
from ingest.resolve import issues
from ingest.resolve.units import normalise_unit_name, parse_unit

FAST = settings(max_examples=200, deadline=None)
FILES = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
any_text = st.text(max_size=40)
messy = st.text(
    st.one_of(han, st.sampled_from(list(" \u3000·.()（）、，,;；-x#\t")), st.characters()), max_size=30
)
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


# --- dates -----------------------------------------------------------------------------------------------


@st.composite
def impossible_days(draw: st.DrawFn) -> tuple[int, int, int]:
    year = draw(st.integers(1900, 2100))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(calendar.monthrange(year, month)[1] + 1, 31 + 9))
    return year, month, day


@FAST
@given(impossible_days(), st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}年{m}月{d}日"]))
def test_parse_date_refuses_days_the_calendar_lacks(ymd: tuple[int, int, int], pattern: str) -> None:
    y, m, d = ymd
    assert parse_date(pattern.format(y=y, m=m, d=d)) is None


@FAST
@given(dates, st.sampled_from(["-", "/", "年"]), st.sampled_from(["-", "/", "月", "."]))
def test_parse_date_needs_one_separator_style(d: date, first: str, second: str) -> None:
    text = f"{d.year}{first}{d.month}{second}{d.day}" + ("日" if first == "年" else "")
    expected = {("-", "-"), ("/", "/"), ("年", "月")}
    assert (parse_date(text) == d) == ((first, second) in expected)


@FAST
@given(dates, st.sampled_from(["", " ", "\u3000"]))
def test_parse_date_reads_full_width_and_padded_text(d: date, pad: str) -> None:
    wide = unicodedata.normalize("NFKC", d.isoformat()).translate(
        {ord(c): ord(c) + 0xFEE0 for c in "0123456789-"}
    )
    assert parse_date(pad + wide + pad) == d


# --- ID numbers ------------------------------------------------------------------------------------------


@st.composite
def first17(draw: st.DrawFn) -> str:
    region = draw(st.from_regex(r"[1-6][0-9]{5}", fullmatch=True))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)))
    serial = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    return region + born.strftime("%Y%m%d") + serial


@FAST
@given(first17())
def test_an_id_is_valid_with_its_check_char_and_invalid_with_any_other(head: str) -> None:
    right = id_check_char(head)
    info = parse_id_number(head + right)
    assert info.valid and info.number == head + right and info.problem_en is None
    assert info.birth_date == date(int(head[6:10]), int(head[10:12]), int(head[12:14]))
    for wrong in "0123456789X".replace(right, ""):
        bad = parse_id_number(head + wrong)
        assert not bad.valid and bad.number == head + wrong  # kept, flagged
        assert bad.problem_en is not None and "checksum" in bad.problem_en


@FAST
@given(first17(), st.sampled_from("0123456789X"))
def test_case_of_the_last_character_does_not_matter(head: str, last: str) -> None:
    assert parse_id_number(head + last.lower()) == parse_id_number(head + last)


@FAST
@given(first17())
def test_an_18_digit_id_cut_to_15_upgrades_back_to_the_same_number(head: str) -> None:
    assume(head[6:8] == "19")
    old = head[:6] + head[8:]  # 15 digits: no century, no check char
    assert parse_id_number(old).number == head + id_check_char(head)


# --- phones ----------------------------------------------------------------------------------------------


@FAST
@given(
    st.from_regex(r"0(10|2[0-9]|[3-9][0-9]{2})", fullmatch=True),
    st.from_regex(r"[2-8][0-9]{6,7}", fullmatch=True),
    st.sampled_from(["{a}-{n}", "({a}){n}", "{a} {n}", "{a}{n}", "{a}-{n}转123", "电话：{a}-{n}"]),
)
def test_any_formatted_landline_is_read(area: str, number: str, pattern: str) -> None:
    info = normalise_phone(pattern.format(a=area, n=number))
    assert info.kind == "landline" and info.number == area + number


# --- names and pinyin keys -------------------------------------------------------------------------------


@FAST
@given(messy)
def test_co_petitioners_are_normalised_names(raw: str) -> None:
    names = split_co_petitioners(raw)
    assert all(n and normalise_name(n) == n for n in names)
    assert split_co_petitioners("、".join(names)) == names


@FAST
@given(messy)
def test_pinyin_key_never_raises_and_is_plain_ascii(raw: str) -> None:
    key = name_pinyin(normalise_name(raw))
    assert key == key.strip() and "  " not in key
    assert all(c == " " or (c.isascii() and (c.islower() or c.isdigit())) for c in key)


@FAST
@given(st.text(han, min_size=2, max_size=4))
def test_pinyin_key_has_one_syllable_per_han_character(name: str) -> None:
    norm = normalise_name(name)
    assume(all(ord(ch) in PINYIN_DICT for ch in norm))  # a character without a reading adds nothing
    assert len(name_pinyin(norm).split()) == len(norm)


@FAST
@given(st.text(han, min_size=1, max_size=4), st.sampled_from([" ", "\u3000", "\u200b", "\t"]))
def test_spaces_inside_a_name_do_not_change_its_keys(name: str, space: str) -> None:
    spaced = space.join(name)
    assert normalise_name(spaced) == normalise_name(name)
    assert name_pinyin(normalise_name(spaced)) == name_pinyin(normalise_name(name))


# --- places ----------------------------------------------------------------------------------------------

COUNTIES = all_counties()


@FAST
@given(st.sampled_from(COUNTIES), st.text(han, max_size=6))
def test_an_address_naming_province_city_and_county_finds_that_county(county: County, street: str) -> None:
    names = dict.fromkeys(n for n in (county.province_name, county.city_name, county.name) if n)
    assert county_of("".join(names) + street) == county.code


@FAST
@given(messy, st.one_of(st.none(), st.sampled_from([c.code for c in COUNTIES[:50]])))
def test_region_of_and_county_of_with_context_never_raise(raw: str, context: str | None) -> None:
    code = county_of(raw, context)
    assert code is None or county_by_code(code) is not None
    region = region_of(raw)
    assert region is None or (len(region) == 6 and region.isdigit())


# --- enums -----------------------------------------------------------------------------------------------

PARSERS = [(parse_channel, Channel), (parse_level, Level), (parse_status, Status), (parse_action, Action)]
decoration = st.sampled_from(["{v}", " {v} ", "\u3000{v}", "（{v}）", "[{v}]", "{v}。", "【{v}】"])


@pytest.mark.parametrize(("parse", "enum"), PARSERS, ids=lambda p: getattr(p, "__name__", ""))
@FAST
@given(data=st.data())
def test_enum_cells_read_through_spaces_brackets_and_full_width(
    parse: Callable[[str], object], enum: type[StrEnum], data: st.DataObject
) -> None:
    member = data.draw(st.sampled_from(list(enum)))
    text = data.draw(decoration).format(v=member.value)
    assert parse(text) is member
    assert parse(unicodedata.normalize("NFKC", text)) is member


@pytest.mark.parametrize(("parse", "enum"), PARSERS, ids=lambda p: getattr(p, "__name__", ""))
@FAST
@given(raw=any_text)
def test_enum_parsers_never_raise(parse: Callable[[str], object], enum: type[StrEnum], raw: str) -> None:
    result = parse(raw)
    assert result is None or isinstance(result, enum)


# --- column headers and the mapping file -----------------------------------------------------------------


def spelling(name: str, alias: str) -> st.SearchStrategy[str]:
    """Ways an export may spell a header: canonical or Chinese, any case, padded, spaces for '_'."""
    case = st.sampled_from([str.lower, str.upper, str.title, lambda s: s])
    pad = st.sampled_from(["", " ", "  ", "\u3000"])
    canonical = st.tuples(case, pad, st.booleans()).map(
        lambda t: t[1] + t[0](name.replace("_", " ") if t[2] else name) + t[1]
    )
    return st.one_of(canonical, pad.map(lambda p: p + alias + p))


def _write_rows(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> None:
    path.write_bytes(
        ("\n".join(",".join(f'"{c}"' for c in line) for line in [header, *rows]) + "\n").encode(encoding)
    )


@FILES
@given(data=st.data())
def test_any_spelling_of_the_headers_finds_every_column(data: st.DataObject) -> None:
    columns = list(TRANSFER_COLUMNS)
    order = data.draw(st.permutations(columns))
    header = [data.draw(spelling(c.name, c.alias_zh)) for c in order]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        _write_rows(
            path, header, [[c.name for c in order]], data.draw(st.sampled_from(["utf-8", "utf-8-sig"]))
        )
        table = open_source(path, "transfers")
        assert table.columns == tuple(c.name for c in order)
        (row,) = list(table.rows())
    assert row.values == {c.name: c.name for c in columns}


header_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(
    lambda s: s.strip() and '"' not in s and not s.strip().startswith("=")  # "=VALUE" is a constant
)


@FILES
@given(st.lists(header_text, min_size=len(FILING_COLUMNS), max_size=len(FILING_COLUMNS), unique_by=str.strip))
def test_a_mapping_file_maps_any_headers_onto_the_columns(headers: list[str]) -> None:
    names = [c.name for c in FILING_COLUMNS]
    with tempfile.TemporaryDirectory() as tmp:
        mapping_path = Path(tmp) / "map.csv"
        _write_rows(
            mapping_path, ["source_header", "column"], [[h, n] for h, n in zip(headers, names, strict=True)]
        )
        try:
            load_mapping(mapping_path)
        except IngestError:  # two headers equal once case-folded and NFKC'd: refused, never garbled
            return
        path = Path(tmp) / "f.csv"
        _write_rows(path, headers, [names])
        try:
            table = open_source(path, "filings", mapping_path)
        except IngestError as exc:  # headers that collide after normalisation are named in the message
            assert "both mean column" in str(exc)
            return
        (row,) = list(table.rows())
    assert row.values == {n: n for n in names}


@FILES
@given(st.binary(max_size=300))
def test_load_mapping_on_any_bytes_gives_a_mapping_or_a_clear_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "map.csv"
        path.write_bytes(data)
        try:
            mapping = load_mapping(path)
        except IngestError as exc:
            assert " / " in str(exc)
            return
    known = {c.name for c in FILING_COLUMNS} | {c.name for c in TRANSFER_COLUMNS}
    assert set(mapping.sources) | set(mapping.constants) <= known


# --- CSV sniffing on arbitrary bytes ---------------------------------------------------------------------

HEADER = ",".join(c.name for c in FILING_COLUMNS).encode()


@FILES
@given(
    st.one_of(
        st.binary(max_size=400),
        st.binary(max_size=400).map(lambda b: HEADER + b"\n" + b),
        st.binary(max_size=400).map(lambda b: b"\xef\xbb\xbf" + HEADER + b"\r\n" + b),
    ),
    st.sampled_from(["f.csv", "f.xlsx", "f.txt"]),
)
def test_any_bytes_give_rows_or_a_clear_error(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            rows = list(open_source(path, "filings").rows())
        except IngestError as exc:
            assert " / " in str(exc)
            return
    for raw in rows:
        assert raw.row >= 2 and set(raw.values) == {c.name for c in FILING_COLUMNS}


# --- validation of whole rows ----------------------------------------------------------------------------

cell = st.one_of(any_text, st.sampled_from(["", "2024-03-01", "来访", "县", "张三", "1", "x"]))


@FAST
@given(st.fixed_dictionaries({c.name: cell for c in FILING_COLUMNS}))
def test_validate_filing_never_raises_and_keeps_text_as_given(values: dict[str, str]) -> None:
    values = {k: v.strip() for k, v in values.items()}
    result = validate_filing(RawRow(2, values), date(2025, 1, 1))
    if isinstance(result, Filing):
        assert (result.filing_id, result.content, result.petitioner_name, result.address) == (
            values["filing_id"],
            values["content"],
            values["petitioner_name"],
            values["address"],
        )
        assert all(p.severity == "flag" for p in result.flags)
    else:
        assert result and any(p.severity == "reject" for p in result)
        assert all(p.row == 2 and p.reason_zh and p.reason_en for p in result)


@FAST
@given(st.fixed_dictionaries({c.name: cell for c in TRANSFER_COLUMNS}))
def test_validate_transfer_never_raises(values: dict[str, str]) -> None:
    values = {k: v.strip() for k, v in values.items()}
    result = validate_transfer(RawRow(2, values), date(2025, 1, 1))
    if isinstance(result, list):
        assert result and all(p.row == 2 and p.reason_en for p in result)
    else:
        assert result.note == values["note"] and 0 <= result.seq


# --- unit names ------------------------------------------------------------------------------------------

unit_text = st.text(
    st.one_of(han, st.sampled_from(list("中共县市区局委办（）() ·-—、")), st.characters()), max_size=25
)


@FAST
@given(unit_text)
def test_normalise_unit_name_never_raises_and_is_idempotent(raw: str) -> None:
    once = normalise_unit_name(raw)
    assert normalise_unit_name(once) == once
    assert not any(ch.isspace() for ch in once)


@FAST
@given(unit_text, st.one_of(st.none(), st.sampled_from([c.code for c in COUNTIES[:200]])))
def test_parse_unit_never_raises_and_names_a_unit(raw: str, county: str | None) -> None:
    parsed = parse_unit(raw, county)
    unit = parsed.unit
    assert unit.unit_id and parsed.how in {"exact", "fuzzy", "township", "village", "unknown"}
    assert unit.county is None or county_by_code(unit.county) is not None
    if normalise_unit_name(raw):  # a name of punctuation only is kept as written
        assert parse_unit(normalise_unit_name(raw), county).unit.unit_id == unit.unit_id


# --- issue text features ---------------------------------------------------------------------------------


@FAST
@given(any_text)
def test_normalise_content_is_idempotent_and_spaceless(raw: str) -> None:
    once = issues.normalise_content(raw)
    assert issues.normalise_content(once) == once
    assert not any(ch.isspace() for ch in once)


@FAST
@given(
    st.text(
        st.one_of(han, st.sampled_from(list("0123456789０１２年亩元万村镇乡县 ，。")), st.characters()),
        max_size=60,
    )
)
def test_particulars_never_raise_and_come_from_the_text(raw: str) -> None:
    found = issues.particulars(raw)
    assert all(isinstance(kind, int) and isinstance(text, str) and text for kind, text in found)
    assert issues.particulars(issues.normalise_content(raw)) == found


@FAST
@given(st.lists(any_text, max_size=8))
def test_minhash_signatures_are_deterministic_per_text(texts: list[str]) -> None:
    sig = issues.minhash_signatures(texts)
    assert sig.shape[0] == len(texts)
    again = issues.minhash_signatures(list(reversed(texts)))
    for i, text in enumerate(texts):
        if len(text) >= 2 and "\x00" not in text:  # NUL separates the texts: a bigram across it is no bigram
            assert (sig[i] == again[len(texts) - 1 - i]).all()
