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
