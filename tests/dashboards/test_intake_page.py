"""The intake page on a real workspace (demo data ingested by the real command), run with AppTest."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from caselink.audit import read_log
from caselink.cli import cli
from caselink.users import add_user
from tests.hostile.corpus import shown

APP = str(Path(__file__).parents[2] / "dashboards" / "streamlit_app.py")
PASSWORD = "a long password"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """A 1,500-filing workspace, and a petitioner with several filings and an ID number (one filing's row)."""
    root = tmp_path_factory.mktemp("intake-page")
    mp = pytest.MonkeyPatch()
    for var in ("CASELINK_NEO4J_URI", "CASELINK_BACKEND", "CASELINK_WORKSPACE", "CASELINK_USERS"):
        mp.delenv(var, raising=False)
    runner = CliRunner()
    out = runner.invoke(cli, ["demo-data", "--filings", "1500", "--seed", "11", "--out", str(root / "data")])
    assert out.exit_code == 0, out.output
    out = runner.invoke(cli, ["ingest", str(root / "data" / "filings.csv"), "--transfers",
                              str(root / "data" / "transfers.csv"), "--workspace", str(root / "ws"),
                              "--backend", "embedded"])
    assert out.exit_code == 0, out.output
    with (root / "data" / "filings.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    by_id = Counter(r["id_number"] for r in rows if r["id_number"])
    row = next(r for r in rows if by_id[r["id_number"]] >= 3 and r["phone"])
    yield root / "ws", row
    mp.undo()


@pytest.fixture
def ws(demo: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CASELINK_WORKSPACE", str(demo[0]))
    monkeypatch.setenv("CASELINK_BACKEND", "embedded")
    monkeypatch.delenv("CASELINK_USERS", raising=False)
    st.cache_resource.clear()
    st.cache_data.clear()
    return demo[0]


def _page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("app_pages/intake.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _fill(at: AppTest, row: dict[str, str], *, with_ids: bool = True) -> AppTest:
    labels = {w.label: w for w in at.text_input}
    labels["信访人姓名 *"].input(row["petitioner_name"])
    if with_ids:
        labels["身份证号"].input(row["id_number"])
        labels["联系电话"].input(row["phone"])
    labels["问题属地"].input(row["issue_place"])
    at.text_area[0].input(row["content"])
    next(b for b in at.button if b.label == "查重").click()
    at.run()
    assert not at.exception, at.exception
    return at


def test_form_before_any_check(ws: Path) -> None:
    at = _page()
    assert [t.value for t in at.title] == ["来访登记查重"]
    assert any("查重" in i.value for i in at.info)
    assert not at.dataframe


def test_known_person_and_matter_found_with_evidence_and_masked_ids(
    ws: Path, demo: tuple[Path, dict[str, str]]
) -> None:
    row = demo[1]
    at = _fill(_page(), row)
    boxes = [b.value for b in (*at.warning, *at.success, *at.info)]
    assert any("同一事项" in v for v in boxes), boxes
    people = at.dataframe[0].value
    first = people.iloc[0]
    assert first["姓名"] == row["petitioner_name"]
    assert first["判断"] == "同一人"
    idn = row["id_number"]
    assert first["身份证号"] == idn[:3] + "*" * (len(idn) - 7) + idn[-4:]
    assert row["id_number"] not in people.to_string()
    assert row["phone"] not in people.to_string()
    evidence = " ".join(shown(m.value) for m in at.markdown)
    assert "身份证号一致（+" in evidence and "基础分" in evidence  # in Chinese only, weights kept
    assert "same ID number" not in evidence and "先验" not in evidence
    assert not any(" / " in v.split("**")[1] for v in boxes if "**" in v)  # the heading in one language
    links = [(link.label, link.page) for link in at.get("page_link")]
    assert ("打开信访人页面 →", "details") in links
    filings = at.dataframe[1].value
    assert row["filing_id"] in set(filings["信访件编号"])
    assert {"办理状态", "责任单位", "登记日期", "期限", "标题"} <= set(filings.columns)
    assert filings.iloc[0]["相同事项"] == "✓"
    same = filings[filings["相同事项"] == "✓"]["登记日期"].tolist()
    assert same == sorted(same, reverse=True)  # the same matter first, newest first
    kinds = ("（申请复查截止）", "（办结期限）", "（决定是否受理）")
    assert all(d == "" or d.endswith(kinds) for d in filings["期限"])
    checks = [e for e in read_log(ws / "audit.log") if e["action"] == "check"]
    assert checks and row["filing_id"] in checks[-1]["shown"]


def test_missing_name_says_what_to_do(ws: Path) -> None:
    at = _page()
    next(b for b in at.button if b.label == "查重").click()
    at.run()
    assert not at.exception
    assert any("姓名" in e.value for e in at.error)


def test_investigator_may_reveal_clerk_may_not(ws: Path, demo: tuple[Path, dict[str, str]],
                                               monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    users = tmp_path / "users.toml"
    add_user(users, "inv", "investigator", PASSWORD)
    monkeypatch.setenv("CASELINK_USERS", str(users))
    row = demo[1]
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input[0].input("inv")
    at.text_input[1].input(PASSWORD)
    at.button[0].click()
    at.run()
    at.sidebar.toggle[0].set_value(True).run()
    at.switch_page("app_pages/intake.py")
    at.run()
    _fill(at, row)
    assert at.dataframe[0].value.iloc[0]["身份证号"] == row["id_number"]
    at.sidebar.toggle[0].set_value(False).run()  # masking back on: the unmasked result is dropped
    assert not at.dataframe


def test_english(ws: Path, demo: tuple[Path, dict[str, str]]) -> None:
    at = _page()
    at.sidebar.radio[0].set_value("en").run()
    assert [t.value for t in at.title] == ["Duplicate-filing check"]
    labels = {w.label: w for w in at.text_input}
    labels["Petitioner's name *"].input(demo[1]["petitioner_name"])
    labels["ID number"].input(demo[1]["id_number"])
    next(b for b in at.button if b.label == "Check").click()
    at.run()
    assert not at.exception
    evidence = " ".join(shown(m.value) for m in at.markdown)
    assert "same ID number (+" in evidence and "身份证号一致" not in evidence
    assert at.subheader[0].value == "Recommendation"
    assert at.dataframe[0].value.iloc[0]["Match"] == "same person"
