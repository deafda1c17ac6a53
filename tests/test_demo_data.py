"""The synthetic generator: determinism, the input contract, and the realism the resolution tests rely on."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from caselink import demo_data
from caselink.cli import cli
from caselink.demo_data import (
    GENERATED_FILING_COLUMNS,
    TRUTH_FILING_COLUMNS,
    TRUTH_PEOPLE_COLUMNS,
    TRUTH_UNIT_COLUMNS,
    GeneratedPaths,
    generate,
    id_checksum,
)
from ingest.columns import TRANSFER_COLUMNS, Action, Channel, Level, Status
from ingest.read.places import county_by_code

N = 3000
TODAY = date(2026, 11, 1)


def _read(path: Path, encoding: str = "utf-8-sig") -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [dict(zip(header, r, strict=True)) for r in reader]
    return header, rows


def _date(text: str) -> date:
    m = re.fullmatch(r"(\d{4})[-/年](\d{2})[-/月](\d{2})日?", text)
    assert m, text
    return date(int(m[1]), int(m[2]), int(m[3]))


class Data:
    def __init__(self, paths: GeneratedPaths) -> None:
        self.paths = paths
        self.filing_header, self.filings = _read(paths.filings)
        self.transfer_header, self.transfers = _read(paths.transfers)
        self.truth_filing_header, truth = _read(paths.truth_filings, "utf-8")
        self.truth = {r["filing_id"]: r for r in truth}
        self.truth_unit_header, self.truth_units = _read(paths.truth_units, "utf-8")
        self.people_header, people = _read(paths.truth_people, "utf-8")
        self.people = {r["person_id"]: r for r in people}
        self.by_id = {f["filing_id"]: f for f in self.filings}
        self.chains: dict[str, list[dict[str, str]]] = defaultdict(list)
        for t in self.transfers:
            self.chains[t["filing_id"]].append(t)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Data:
    return Data(generate(N, 11, tmp_path_factory.mktemp("demo")))


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    a = generate(800, 5, tmp_path / "a")
    b = generate(800, 5, tmp_path / "b")
    c = generate(800, 6, tmp_path / "c")
    for name in ("filings", "transfers", "truth_filings", "truth_units", "truth_people", "manifest"):
        assert getattr(a, name).read_bytes() == getattr(b, name).read_bytes(), name
    assert a.filings.read_bytes() != c.filings.read_bytes()


def test_output_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from caselink.demo_data import generate; "
        "generate(400, 3, Path(sys.argv[1]))"
    )
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", code, str(tmp_path / hash_seed)], check=True, env=env)
    for name in ("filings.csv", "transfers.csv", "truth_units.csv", "truth_people.csv"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name


def test_output_does_not_depend_on_the_number_of_render_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_data, "_CHUNK", 700)  # several chunks without a large run
    one = generate(2000, 9, tmp_path / "one", workers=1)
    two = generate(2000, 9, tmp_path / "two", workers=2)
    for name in ("filings", "transfers", "truth_filings", "truth_units", "truth_people"):
        assert getattr(one, name).read_bytes() == getattr(two, name).read_bytes(), name
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == sorted(
        [
            "filings.csv",
            "transfers.csv",
            "truth_filings.csv",
            "truth_units.csv",
            "truth_people.csv",
            "truth_details.csv",
            "manifest.json",
        ]
    )


def test_headers_are_exactly_the_canonical_ones(data: Data) -> None:
    assert data.filing_header == [c.name for c in GENERATED_FILING_COLUMNS]
    assert data.transfer_header == [c.name for c in TRANSFER_COLUMNS]
    assert data.truth_filing_header == list(TRUTH_FILING_COLUMNS)
    assert data.truth_unit_header == list(TRUTH_UNIT_COLUMNS)
    assert data.people_header == list(TRUTH_PEOPLE_COLUMNS)
    assert data.paths.filings.read_bytes().startswith(b"\xef\xbb\xbf")  # utf-8-sig by default


def test_count_ids_and_references(data: Data) -> None:
    assert len(data.filings) == N
    assert len(data.by_id) == N, "filing_id must be unique"
    assert set(data.truth) == set(data.by_id)
    assert {t["filing_id"] for t in data.transfers} <= set(data.by_id)
    assert {u["filing_id"] for u in data.truth_units} <= set(data.by_id)
    for t in data.truth.values():
        assert t["person_id"] in data.people
        for co in filter(None, t["co_signer_person_ids"].split(";")):
            assert co in data.people
    manifest = json.loads(data.paths.manifest.read_text(encoding="utf-8"))
    assert manifest["seed"] == 11 and manifest["n"] == N
    assert manifest["counts"]["filings"] == N
    assert manifest["counts"]["transfers"] == len(data.transfers)
    assert manifest["counts"]["people"] == len(data.people)


def test_values_are_in_the_contract_enums_and_dates_are_consistent(data: Data) -> None:
    channels, levels, statuses, actions = ({str(v) for v in e} for e in (Channel, Level, Status, Action))
    for f in data.filings:
        assert f["channel"] in channels and f["receiving_level"] in levels and f["status"] in statuses
        assert f["petitioner_name"].strip() and f["content"].strip()
        received = _date(f["received_date"])
        assert received <= TODAY
        if f["concluded_date"]:
            assert received <= _date(f["concluded_date"]) <= TODAY
        if f["status"] in ("已办结", "已终结"):
            assert f["concluded_date"], f["filing_id"]
        if f["status"] in ("待受理", "办理中", "复查中", "复核中"):
            assert not f["concluded_date"], f["filing_id"]
    overdue = [
        f for f in data.filings if f["status"] == "办理中" and (TODAY - _date(f["received_date"])).days > 60
    ]
    assert len(overdue) >= 10, "some filings are still being handled past the 60-day limit"
    for fid, chain in data.chains.items():
        assert [int(t["seq"]) for t in chain] == list(range(1, len(chain) + 1))
        days = [_date(t["date"]) for t in chain]
        assert days == sorted(days)
        assert days[0] >= _date(data.by_id[fid]["received_date"])
        assert all(t["action"] in actions for t in chain)


def test_truth_units_say_what_was_written(data: Data) -> None:
    for u in data.truth_units:
        if u["role"] == "responsible_unit":
            assert data.by_id[u["filing_id"]]["responsible_unit"] == u["raw_name"]
            assert data.truth[u["filing_id"]]["responsible_unit_id"] == u["unit_id"]
        else:
            t = data.chains[u["filing_id"]][int(u["seq"]) - 1]
            assert t[u["role"]] == u["raw_name"]
    forms: dict[str, set[str]] = defaultdict(set)
    for u in data.truth_units:
        forms[u["unit_id"]].add(u["raw_name"])
    assert sum(len(v) >= 3 for v in forms.values()) >= 20, "units must be written many ways"
    kinds = Counter(uid.split(":")[1] for uid in forms)
    assert kinds["town"] > 0 and kinds["village"] > 0 and kinds["petition_bureau"] > 0
    nr = {n for uid, names in forms.items() if uid.endswith(":natural_resources") for n in names}
    assert any("国土" in n for n in nr), "pre-2018 names (国土资源局) appear"


def test_truth_people_have_valid_ids_matching_their_county(data: Data) -> None:
    for p in data.people.values():
        idn = p["id_number"]
        assert re.fullmatch(r"\d{17}[\dX]", idn), idn
        assert id_checksum(idn[:17]) == idn[17]
        assert idn[:6] == p["county"] and county_by_code(p["county"]) is not None
        born = date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14]))
        assert date(1900, 1, 1) < born < TODAY
    assert len({p["id_number"] for p in data.people.values()}) == len(data.people)


def test_one_person_is_written_many_ways(data: Data) -> None:
    filings_of: dict[str, list[dict[str, str]]] = defaultdict(list)
    for f in data.filings:
        filings_of[data.truth[f["filing_id"]]["person_id"]].append(f)
    varied_names = [
        fs for fs in filings_of.values() if len(fs) >= 3 and len({f["petitioner_name"] for f in fs}) > 1
    ]
    assert len(varied_names) >= 20
    ids = [f["id_number"] for f in data.filings]
    missing = sum(not i for i in ids) / len(ids)
    assert 0.25 < missing < 0.45
    assert any(len(i) == 15 for i in ids), "old 15-digit IDs"
    assert any(i.endswith("x") for i in ids), "lower-case x"
    truth_ids = {p["id_number"] for p in data.people.values()}
    assert any(len(i) == 18 and i.upper() not in truth_ids for i in ids), "mistyped IDs"
    phones = [f["phone"] for f in data.filings]
    assert any(p.startswith("+86") for p in phones) and any("-" in p for p in phones)
    changed = [
        fs for fs in filings_of.values() if len({re.sub(r"\D", "", f["phone"])[-11:] for f in fs} - {""}) > 1
    ]
    assert changed, "some people change their phone number"


def test_namesakes_and_families(data: Data) -> None:
    by_name_county = Counter((p["name"], p["county"]) for p in data.people.values())
    assert sum(n >= 2 for n in by_name_county.values()) >= 5, "different people, same name, same county"
    by_phone: dict[str, list[dict[str, str]]] = defaultdict(list)
    for p in data.people.values():
        by_phone[p["phone"]].append(p)
    families = [ps for ps in by_phone.values() if len(ps) >= 2]
    assert len(families) >= 20
    assert all(len({p["county"] for p in ps}) == 1 for ps in families)
    assert sum(len({p["name"][0] for p in ps}) == 1 for ps in families) >= len(families) * 0.9


def test_issues_individual_group_and_cross_county(data: Data) -> None:
    counties: dict[str, set[str]] = defaultdict(set)
    petitioners: dict[str, set[str]] = defaultdict(set)
    for t in data.truth.values():
        counties[t["issue_id"]].add(data.people[t["person_id"]]["county"])
        petitioners[t["issue_id"]].add(t["person_id"])
    assert any(len(c) >= 2 for c in counties.values()), "an issue spans two or more counties"
    assert any(len(p) == 1 for p in petitioners.values())
    groups = [f for f in data.filings if f["headcount"] and int(f["headcount"]) >= 5]
    assert len(groups) >= 30
    for f in groups:
        names = [n for n in re.split(r"[、；;]", f["co_petitioners"]) if n]
        assert len(names) >= 2
        assert len(names) == len(data.truth[f["filing_id"]]["co_signer_person_ids"].split(";"))
        assert int(f["headcount"]) >= len(names) + 1
    # one issue is told in different words
    texts: dict[str, set[str]] = defaultdict(set)
    for f in data.filings:
        texts[data.truth[f["filing_id"]]["issue_id"]].add(f["content"])
    assert sum(len(t) >= 3 for t in texts.values()) >= 20


def test_routing_bounces(data: Data) -> None:
    to_units: dict[str, list[str]] = defaultdict(list)
    for u in data.truth_units:
        if u["role"] == "to_unit":
            to_units[u["filing_id"]].append(u["unit_id"])
    returns = long_chains = 0
    for fid, chain in data.chains.items():
        moves = [
            uid for uid, t in zip(to_units[fid], chain, strict=True) if t["action"] not in ("协办", "督办")
        ]
        handling = [m for m in moves if not m.endswith(":petition_bureau")]
        returns += len(handling) != len(set(handling))
        long_chains += len(set(handling)) >= 3
    sendbacks = sum(any(t["action"] == "退回" for t in chain) for chain in data.chains.values())
    assert returns >= 10, "chains that return to a visited unit"
    assert sendbacks >= 10, "chains with 退回"
    assert long_chains >= 5, "chains through three or more handling units"
    assert sum(len(c) in (1, 2) for c in data.chains.values()) > 0.6 * len(data.chains)
    assert any(t["action"] == "协办" for t in data.transfers) and any(
        t["action"] == "督办" for t in data.transfers
    )


def test_skip_level_first_filings_and_refilings_after_conclusion(data: Data) -> None:
    seen: set[tuple[str, str]] = set()
    skip = refiled_after_conclusion = 0
    concluded: dict[tuple[str, str], date] = {}
    for f in sorted(data.filings, key=lambda f: (_date(f["received_date"]), f["filing_id"])):
        t = data.truth[f["filing_id"]]
        key = (t["person_id"], t["issue_id"])
        day = _date(f["received_date"])
        if key not in seen and f["receiving_level"] in ("市", "省", "国家"):
            skip += 1
        if key in concluded and concluded[key] < day:
            refiled_after_conclusion += 1
        seen.add(key)
        if f["concluded_date"] and key not in concluded:
            concluded[key] = _date(f["concluded_date"])
    assert skip >= 50 and refiled_after_conclusion >= 50


def test_ingest_validation_accepts_every_row(data: Data) -> None:
    from ingest.read import read_rows, validate_filing, validate_transfer

    for raw in read_rows(data.paths.filings, "filings"):
        assert not isinstance(validate_filing(raw, TODAY), list), raw
    for raw in read_rows(data.paths.transfers, "transfers"):
        assert not isinstance(validate_transfer(raw, TODAY), list), raw


def test_cli_writes_chinese_headers_in_gb18030(tmp_path: Path) -> None:
    out = tmp_path / "zh"
    result = CliRunner().invoke(
        cli,
        [
            "demo-data",
            "--filings",
            "200",
            "--seed",
            "3",
            "--out",
            str(out),
            "--chinese-headers",
            "--encoding",
            "gb18030",
        ],
    )
    assert result.exit_code == 0, result.output
    header, rows = _read(out / "filings.csv", "gb18030")
    assert header == [c.alias_zh for c in GENERATED_FILING_COLUMNS] and len(rows) == 200
    theader, _ = _read(out / "transfers.csv", "gb18030")
    assert theader == [c.alias_zh for c in TRANSFER_COLUMNS]
    assert not (out / "filings.csv").read_bytes().startswith(b"\xef\xbb\xbf")


# ---------------------------------------------------------------------------------------------- styles

STANDARD_DIGESTS = {
    "filings": "4186980580cdbf2a8e6c85e731630009d8aa1461b6fb2b6a0884a5f2bfa7c829",
    "transfers": "fcf950b835da68028d79b3171ae7983fed856734a6cdbd1a6ec22bfc8a26eb11",
    "truth_filings": "565e594c1a1b20850c34cb8d9a01a33b3f1d435ee816339f9b46bc9060a8b493",
    "truth_units": "3d4a31bcba822861753a83a6b54d61f5ae3953d7c5eb4890004ef3518200d2c9",
    "truth_people": "103cd2cf76774644ff0ed477386b7d9537b22a798111b3d8c00abe22c6cb2719",
}
"""SHA-256 of generate(600, 5) as written before the varied style existed (main at 9d35135)."""


def test_standard_style_writes_what_it_wrote_before_the_varied_style(tmp_path: Path) -> None:
    paths = generate(600, 5, tmp_path)
    got = {name: hashlib.sha256(getattr(paths, name).read_bytes()).hexdigest() for name in STANDARD_DIGESTS}
    assert got == STANDARD_DIGESTS
    assert json.loads(paths.manifest.read_text(encoding="utf-8"))["style"] == "standard"


V = 4000


class VariedData(Data):
    def __init__(self, paths: GeneratedPaths) -> None:
        super().__init__(paths)
        _, details = _read(paths.truth_details, "utf-8")
        self.traits = {r["filing_id"]: set(filter(None, r["traits"].split(";"))) for r in details}


@pytest.fixture(scope="module")
def varied(tmp_path_factory: pytest.TempPathFactory) -> VariedData:
    return VariedData(generate(V, 13, tmp_path_factory.mktemp("varied"), style="varied"))


def _share(hits: int, of: int) -> float:
    assert of > 100, "too few rows to measure a rate"
    return hits / of


def test_varied_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    a = generate(900, 5, tmp_path / "a", style="varied")
    b = generate(900, 5, tmp_path / "b", style="varied")
    c = generate(900, 6, tmp_path / "c", style="varied")
    for name in (
        "filings",
        "transfers",
        "truth_filings",
        "truth_units",
        "truth_people",
        "truth_details",
        "manifest",
    ):
        assert getattr(a, name).read_bytes() == getattr(b, name).read_bytes(), name
    assert a.filings.read_bytes() != c.filings.read_bytes()
    standard = generate(900, 5, tmp_path / "s")
    assert a.filings.read_bytes() != standard.filings.read_bytes()


def test_varied_passes_validate_with_every_row_loaded(varied: VariedData, tmp_path: Path) -> None:
    from ingest.read import read_and_validate

    v = read_and_validate(varied.paths.filings, varied.paths.transfers, today=TODAY)
    assert len(v.filings) == V and len(v.transfers) == len(varied.transfers)
    assert not [p for p in v.problems if p.severity == "reject"]
    result = CliRunner().invoke(
        cli,
        [
            "validate",
            str(varied.paths.filings),
            "--transfers",
            str(varied.paths.transfers),
            "--out",
            str(tmp_path / "report"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert re.search(rf"filings\s+{V}\s+{V}\s+0\s", result.output), result.output


def test_varied_holds_the_columns_and_truth_of_the_standard_style(varied: VariedData) -> None:
    assert varied.filing_header == [c.name for c in demo_data.VARIED_FILING_COLUMNS]
    assert varied.filing_header[-2:] == ["title", "account_id"]
    assert varied.truth_filing_header == list(TRUTH_FILING_COLUMNS)
    assert varied.truth_unit_header == list(TRUTH_UNIT_COLUMNS)
    assert set(varied.traits) == set(varied.by_id)
    counties = {p["county"][:2] for p in varied.people.values()}
    assert counties == {"45", "37", "62"}, "the varied style's own provinces: Guangxi, Shandong, Gansu"


def test_varied_category_schemes_differ_by_body_channel_and_year(varied: VariedData) -> None:
    labels: dict[str, set[str]] = defaultdict(set)
    for f in varied.filings:
        labels[varied.truth[f["filing_id"]]["issue_id"]].add(f["category"])
    assert sum(len(v - {""}) >= 3 for v in labels.values()) >= 50, "one matter, three or more labels"
    cats = [f["category"] for f in varied.filings]
    assert 0.04 < _share(sum(not c for c in cats), len(cats)) < 0.10  # category_empty 0.07
    paths = sum(bool(re.search(r"\S[/-]\S", c)) for c in cats)
    assert 0.07 < _share(paths, len(cats)) < 0.20  # category_path 0.15 of labelled, non-hotline filings
    for f in varied.filings:
        year = _date(f["received_date"]).year
        if f["category"].startswith("国土"):
            assert year < 2018, f
        if f["category"].startswith("自然资源"):
            assert year >= 2018, f
    assert any(c.startswith("国土") for c in cats) and any(c.startswith("自然资源") for c in cats)
    hotline = Counter(f["category"] for f in varied.filings if f["channel"] == "电话" and f["category"])
    assert {"人社", "住建"} <= set(hotline), "the hotline's own short labels"


def test_varied_register_lines_titles_and_accounts(varied: VariedData) -> None:
    spoken = [f for f in varied.filings if f["channel"] in ("来访", "电话")]
    one_line = [f for f in spoken if len(f["content"]) <= 30 and "，" not in f["content"]]
    assert 0.3 < _share(len(one_line), len(spoken)) < 0.6  # register_entry 0.45 (less reposts)
    assert any(re.fullmatch(r"反映.+问题（重复件）", f["content"]) for f in spoken)
    online = [f for f in varied.filings if f["channel"] in ("网上信访", "领导信箱")]
    titled = [f for f in online if f["title"]]
    assert 0.85 < _share(len(titled), len(online)) < 0.95  # title 0.9
    only_title = sum(f["content"] == f["title"] for f in titled)
    assert 0.06 < _share(only_title, len(titled)) < 0.16  # title_only 0.12 of those not reposted
    with_account = [f for f in online if f["account_id"]]
    assert 0.8 < _share(len(with_account), len(online)) < 0.9  # account 0.85
    nameless = sum(not f["petitioner_name"] for f in with_account)
    assert 0.28 < _share(nameless, len(with_account)) < 0.42  # account_without_name 0.35
    offline = [f for f in varied.filings if f["channel"] not in ("网上信访", "领导信箱")]
    assert not any(f["title"] or f["account_id"] or not f["petitioner_name"] for f in offline)
    accounts: dict[str, set[str]] = defaultdict(set)
    for f in with_account:
        accounts[f["account_id"]].add(varied.truth[f["filing_id"]]["person_id"])
    assert all(len(people) == 1 for people in accounts.values()), "an account is one person's"


def _tellings(varied: VariedData) -> list[dict[str, str]]:
    """Filings told in full (not a register line, a title alone or a repost)."""
    brief = {"register", "title_only", "repost", "repost_other"}
    return [f for f in varied.filings if not varied.traits[f["filing_id"]] & brief]


def test_varied_reposts_are_near_copies_of_an_earlier_text_of_the_matter(varied: VariedData) -> None:
    from difflib import SequenceMatcher

    earlier: dict[str, list[tuple[str, str]]] = defaultdict(list)
    copies = copies_of_others = candidates = 0
    for f in varied.filings:  # in order of receipt
        t = varied.truth[f["filing_id"]]
        text = f["content"]
        candidates += bool(earlier[t["issue_id"]])  # a matter already told can be reposted
        if varied.traits[f["filing_id"]] & {"repost", "repost_other"}:
            near = [
                person
                for person, before in earlier[t["issue_id"]]
                if SequenceMatcher(None, before, text, autojunk=False).ratio() >= 0.85
            ]
            assert near, f  # every repost has its original, a few characters apart
            copies += 1
            copies_of_others += any(person != t["person_id"] for person in near)
        earlier[t["issue_id"]].append((t["person_id"], text))
    assert 0.07 < _share(copies, candidates) < 0.2  # repost 0.08, and supporters' reposts
    assert copies_of_others > 0.3 * copies, "reposts by another petitioner"


def test_varied_boilerplate_typos_and_traditional_characters(varied: VariedData) -> None:
    from opencc import OpenCC

    from caselink.demo_varied_matters import CLOSERS, OPENERS

    told = _tellings(varied)
    openers = tuple({o for os_ in OPENERS.values() for o in os_})
    opened = sum(f["content"].startswith(openers) for f in told)
    assert 0.38 < _share(opened, len(told)) < 0.52  # opener 0.45
    closed = sum(any(c.rstrip("。！") in f["content"][-14:] for c in CLOSERS) for f in told)
    assert 0.33 < _share(closed, len(told)) < 0.47  # closer 0.4
    to_simple = OpenCC("t2s")
    traditional = sum(to_simple.convert(f["content"]) != f["content"] for f in told)
    assert 0.015 < _share(traditional, len(told)) < 0.05  # traditional 0.03
    typos = sum(bool(re.search("反应|混泥土|陪偿|部们|已后|帐", f["content"])) for f in told)
    assert 0.03 < _share(typos, len(told)) < 0.12  # typo 0.08, where the right word is there to mistype
    assert any("混泥土" in f["content"] for f in varied.filings)


def test_varied_particulars_written_many_ways(varied: VariedData) -> None:
    texts = [f["content"] for f in _tellings(varied)]
    forms = {
        "plain sum": r"\d{4,}元",
        "ten thousands": r"\d+\.\d+万元",
        "more than": r"\d+万余元",
        "thousands separator": r"\d{1,3},\d{3}元",
        "Chinese count": r"[一二三四五六七八九十百]+名",
        "digit count": r"\d+名",
        "date in words": r"\d{4}年\d{1,2}月\d{1,2}日",
        "ISO date": r"\d{4}-\d{2}-\d{2}",
        "dotted date": r"\d{4}\.\d{1,2}\.\d{1,2}",
        "month and day": r"(?<![年\d])\d{1,2}月\d{1,2}日",
    }
    for name, pattern in forms.items():
        assert sum(bool(re.search(pattern, t)) for t in texts) >= 10, name


def test_varied_strong_identifiers(varied: VariedData) -> None:
    from caselink.demo_varied import uscc_check

    text = "\n".join(f["content"] + " " + f["title"] for f in varied.filings)
    cases = re.findall(r"（\d{4}）[桂鲁甘]\d{4}(?:民初|民终|执|行初)\d+号", text)
    assert len(set(cases)) >= 20
    codes = re.findall(r"统一社会信用代码([0-9A-Z]{18})", text)
    assert codes and all(uscc_check(c[:17]) == c[17] for c in codes)
    assert re.search(r"HT\d{4}-\d{5}", text) and re.search(r"不动产权第\d{7}号", text)
    for named in (
        r"\w+(华庭|新城|花园|苑)",
        r"\w+路110kV高压线",
        r"\w+路口\S{0,4}搅拌站",
        r"\w+(学院|职业技术学校)",
    ):
        assert re.search(named, text), named


def test_varied_hot_matters_and_their_neighbours(varied: VariedData) -> None:
    people: dict[str, set[str]] = defaultdict(set)
    texts: dict[str, list[str]] = defaultdict(list)
    hot: set[str] = set()
    for f in varied.filings:
        t = varied.truth[f["filing_id"]]
        people[t["issue_id"]].add(t["person_id"])
        texts[t["issue_id"]].append(f["content"])
        if "hot" in varied.traits[f["filing_id"]]:
            hot.add(t["issue_id"])
    big = [i for i in hot if len(people[i]) >= 15]
    assert len(big) >= 3, "matters of dozens of petitioners"
    for i in big:
        assert len(set(texts[i])) >= 0.7 * len(texts[i]), "each tells it in their own words"
    estate = re.compile(r"[\u4e00-\u9fff]{2}(?:华庭|新城|花园|苑|名都|家园|府)")
    named: dict[str, set[str]] = defaultdict(set)
    for i, ts in texts.items():
        for t in ts:
            for e in estate.findall(t):
                named[e].add(i)
    shared = [e for i in big for e in {x for t in texts[i] for x in estate.findall(t)} if len(named[e]) >= 2]
    assert shared, "neighbours in a hot matter's estate raise other matters"


@pytest.mark.parametrize("style", ["standard", "varied"])
def test_region_draws_only_those_provinces(tmp_path: Path, style: str) -> None:
    out = tmp_path / style
    result = CliRunner().invoke(
        cli,
        [
            "demo-data",
            "--filings",
            "1500",
            "--seed",
            "4",
            "--out",
            str(out),
            "--style",
            style,
            "--region",
            "37,45,62",
        ],
    )
    assert result.exit_code == 0, result.output
    _, people = _read(out / "truth_people.csv", "utf-8")
    assert {p["county"][:2] for p in people} == {"37", "45", "62"}
    _, units = _read(out / "truth_units.csv", "utf-8")
    areas = {u["unit_id"].split(":")[0] for u in units} - {"national"}
    assert areas and {a[:2] for a in areas} <= {"37", "45", "62"}
    assert all(county_by_code(p["county"]) is not None for p in people)
    bad = CliRunner().invoke(cli, ["demo-data", "--out", str(tmp_path / "x"), "--region", "99"])
    assert bad.exit_code != 0 and "99" in bad.output
