"""Comparison levels: the vectorised path equals the per-pair reference, and each level means what it says."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from caselink.demo_data import id_checksum
from ingest.records import Filing
from ingest.resolve.compare import (
    DEFAULT_COMPARISONS,
    NULL,
    AddressComparison,
    BirthComparison,
    FieldTable,
    IdComparison,
    NameComparison,
    PhoneComparison,
    PlaceComparison,
    address_tail,
    compare_pairs,
    flat_number,
)
from tests.ingest.resolution_helpers import demo, filing


def _id(first17: str) -> str:
    return first17 + id_checksum(first17)


def _level(comp: object, a: Filing, b: Filing) -> tuple[int, int]:
    """Reference and vectorised level of one pair."""
    t = FieldTable.from_filings([a, b])
    vec = comp.levels_for(t, np.array([0]), np.array([1]))  # type: ignore[attr-defined]
    return comp.level(a, b), int(vec[0])  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("王伟", "王伟", 5),
        ("王伟", "王炜", 4),  # homophone
        ("王 伟", "王偉", 5),  # space and traditional character are normalised away
        ("魏秀莲", "魏秀", 3),  # one character dropped
        ("王建国", "王建华", 1),  # one character replaced in a three-character name
        ("王伟", "王芳", 0),  # two-character names sharing only the surname
        ("王伟", "李娜", 0),
        ("张英", "张荚", 0),  # look-alike, but nothing else backs it
        ("李建英", "李建荚", 1),  # look-alike, unbacked: as any one character replaced
    ],
)
def test_name_levels(a: str, b: str, level: int) -> None:
    assert _level(NameComparison(), filing("1", a), filing("2", b)) == (level, level)


@pytest.mark.parametrize(
    ("a", "b", "backing", "level"),
    [
        ("张英", "张荚", {"phone": "13812345678"}, 2),
        ("王己", "王已", {"id_number": "110101199003078515"}, 2),
        ("陈未", "陈末", {"address": "井陉县东岗镇宋里村"}, 2),  # same village of one county
        ("张英", "张荚", {"address": "井陉县东岗镇宋里村", "other": "井陉县东岗镇北庄村"}, 0),
        ("张英", "张华", {"phone": "13812345678"}, 0),  # not look-alike: backing alone does not do it
        ("李建英", "李建荚", {"phone": "13812345678"}, 2),
    ],
)
def test_look_alike_names_count_only_when_backed(a: str, b: str, backing: dict[str, str], level: int) -> None:
    other = backing.pop("other", None)
    left = filing("1", a, **backing)
    right = filing("2", b, **({**backing, "address": other} if other else backing))
    assert _level(NameComparison(), left, right) == (level, level)
    if level == 2:
        assert "形近" in NameComparison().reasons()[level]


def test_id_levels_cover_slips_and_transpositions() -> None:
    good = _id("13012119700101123")
    one_off = good[:10] + str((int(good[10]) + 1) % 10) + good[11:]
    swapped = good[:14] + good[15] + good[14] + good[16:]
    comp = IdComparison()
    assert _level(comp, filing("1", "甲", good), filing("2", "甲", good)) == (2, 2)
    assert _level(comp, filing("1", "甲", good), filing("2", "甲", one_off)) == (1, 1)
    if swapped != good:
        assert _level(comp, filing("1", "甲", good), filing("2", "甲", swapped)) == (1, 1)
    other = _id("13012119800505432")
    assert _level(comp, filing("1", "甲", good), filing("2", "甲", other)) == (0, 0)
    assert _level(comp, filing("1", "甲", good), filing("2", "甲")) == (NULL, NULL)


def test_birth_date_is_left_out_when_ids_are_equal() -> None:
    idn = _id("13012119700101123")
    comp = BirthComparison()
    assert _level(comp, filing("1", "甲", idn), filing("2", "甲", idn)) == (NULL, NULL)
    twin = _id("13012119700101125")
    assert _level(comp, filing("1", "甲", idn), filing("2", "乙", twin)) == (2, 2)


def test_phone_levels() -> None:
    comp = PhoneComparison()
    assert _level(comp, filing("1", "甲", phone="13812345678"), filing("2", "甲", phone="13812345678")) == (
        2,
        2,
    )
    assert _level(comp, filing("1", "甲", phone="13812345678"), filing("2", "甲", phone="13812345679")) == (
        1,
        1,
    )
    assert _level(comp, filing("1", "甲", phone="13812345678"), filing("2", "甲", phone="15900001111")) == (
        0,
        0,
    )


def test_address_compares_below_the_county() -> None:
    full = "河北省石家庄市井陉县东岗镇宋里村216号"
    assert address_tail(full, "130121") == "东岗镇宋里村216号"
    comp = AddressComparison()
    a = filing("1", "甲", address=full)
    assert _level(comp, a, filing("2", "甲", address="井陉县东岗镇宋里村216号")) == (3, 3)
    # same village: no house number on one side, or the same one written differently
    assert _level(comp, a, filing("2", "甲", address="井陉县东岗镇宋里村")) == (2, 2)
    assert _level(comp, a, filing("2", "甲", address="井陉县东岗镇宋里村216号2单元")) == (2, 2)
    # same village, another house: two households
    assert _level(comp, a, filing("2", "甲", address="井陉县东岗镇宋里村17号")) == (1, 1)
    assert _level(comp, a, filing("2", "甲", address="井陉县东岗镇北庄村3号")) == (0, 0)
    assert comp.reasons()[1] == "住址同村、门牌号不同 / same village or street, different house numbers"


def test_place_levels() -> None:
    comp = PlaceComparison()
    a = filing("1", "甲", issue_place="灵寿县赵头镇南园村")
    assert _level(comp, a, filing("2", "甲", issue_place="石家庄市灵寿县赵头镇南园村")) == (2, 2)
    assert _level(comp, a, filing("2", "甲", issue_place="灵寿县赵头镇")) == (1, 1)
    assert _level(comp, a, filing("2", "甲", issue_place="灵寿县")) == (0, 0)


def test_every_level_has_a_bilingual_reason() -> None:
    for comp in DEFAULT_COMPARISONS:
        reasons = comp.reasons()
        assert len(reasons) == comp.n_levels
        assert all(" / " in r for r in reasons), reasons


def test_vectorised_levels_equal_the_reference_on_generated_pairs(tmp_path: Path) -> None:
    filings, _, truth = demo(1500, 11, tmp_path)
    for k, f in enumerate(filings):  # the generator writes no accounts: every third filing gets its person's
        f.account_id = f"A{truth[f.filing_id]}" if k % 3 == 0 else ""
    rng = np.random.default_rng(0)
    # half random pairs, half pairs of the same true person (so that every agreement level occurs)
    by_person: dict[str, list[int]] = {}
    for i, f in enumerate(filings):
        by_person.setdefault(truth[f.filing_id], []).append(i)
    same = [(g[0], g[k]) for g in by_person.values() for k in range(1, len(g))]
    left = np.r_[rng.integers(0, len(filings), 1500), [a for a, _ in same]].astype(np.int64)
    right = np.r_[rng.integers(0, len(filings), 1500), [b for _, b in same]].astype(np.int64)
    levels = compare_pairs(FieldTable.from_filings(filings), left, right)
    for k, comp in enumerate(DEFAULT_COMPARISONS):
        expected = [
            comp.level(filings[a], filings[b]) for a, b in zip(left.tolist(), right.tolist(), strict=True)
        ]
        assert levels[:, k].tolist() == expected, comp.field
        assert len(set(expected)) >= 2, comp.field


def test_one_flat_written_three_ways_is_one_address() -> None:
    comp = AddressComparison()
    forms = [
        "古泉街道香榭小区22-3-2402",
        "古泉街道香榭小区22栋3单元2402室",
        "古泉街道香榭小区２２号楼３单元２４０２",
    ]
    home = "河北省石家庄市长安区"
    a = filing("1", "甲", address=home + forms[0])
    for k, form in enumerate(forms[1:], 2):
        assert _level(comp, a, filing(str(k), "甲", address=home + form)) == (3, 3)
    # another flat of the same building is another household
    assert _level(comp, a, filing("9", "甲", address=home + "古泉街道香榭小区22栋3单元1101室"))[0] < 3
    # a phone-like or date-like run is not read as a flat
    assert flat_number("联系电话0311-8888-6666") == "联系电话0311-8888-6666"
