"""The synthetic generator: determinism, the input contract, and the realism the resolution tests rely on."""

from __future__ import annotations

import csv
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
