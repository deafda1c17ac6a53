"""The README and the code agree: every command, named query and bench script is documented, and nothing
documented is missing."""

from __future__ import annotations

import re
from pathlib import Path

from caselink.cli import cli
from queries.registry import SPECS

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented_and_every_documented_command_exists() -> None:
    documented = set(re.findall(r"^\| `caselink ([a-z-]+)", README, flags=re.M))
    assert documented == set(cli.commands)


def test_every_named_query_is_documented() -> None:
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", README, flags=re.M))
    assert {spec.name for spec in SPECS} <= documented


def test_every_bench_script_is_documented() -> None:
    documented = set(re.findall(r"`bench/([a-z_]+\.py)", README))
    scripts = {p.name for p in (ROOT / "bench").glob("*.py") if not p.name.startswith("_")}
    assert scripts == documented


def test_set_up_is_two_commands() -> None:
    block = README.split("## Set-up", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in block.strip().splitlines()] == ["make demo", "make test"]


def test_the_readme_says_what_a_duplicate_filing_id_does(tmp_path: Path) -> None:
    """README: a filing_id seen twice rejects the later row only — and the program does exactly that."""
    from ingest.read import read_and_validate

    assert "rejects the later row only" in README
    unreadable = README.split("A file that cannot be read at all", 1)[1].split(".", 1)[0]
    assert "duplicate `filing_id`" not in unreadable
    path = tmp_path / "filings.csv"
    path.write_text(
        "filing_id,received_date,channel,receiving_level,petitioner_name,content\n"
        "F1,2024-03-01,来访,县,张三,征地补偿款未发放\nF1,2024-03-05,来信,县,张三,又一次\n",
        encoding="utf-8",
    )
    result = read_and_validate(path)
    assert [f.content for f in result.filings] == ["征地补偿款未发放"]
    (problem,) = result.problems
    assert problem.row == 3 and "duplicate filing_id (first seen in row 2" in problem.reason_en
