"""Helpers for the petitioner-resolution tests: hand-made filings and generated data with ground truth."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from caselink.demo_data import generate
from ingest.columns import Channel, Level
from ingest.read.files import read_and_validate
from ingest.read.normalise import name_pinyin, normalise_name, parse_id_number
from ingest.read.places import county_of
from ingest.records import Filing, Transfer


def filing(
    filing_id: str,
    name: str,
    id_number: str | None = None,
    phone: str | None = None,
    address: str = "",
    issue_place: str = "",
    category: str = "",
    account_id: str = "",
) -> Filing:
    """A filing built the way validation builds one, from the few fields resolution reads."""
    norm = normalise_name(name)
    info = parse_id_number(id_number) if id_number else None
    return Filing(
        row=2,
        filing_id=filing_id,
        received_date=date(2025, 1, 1),
        channel=Channel.LETTER,
        receiving_level=Level.COUNTY,
        receiving_org="",
        petitioner_name=name,
        name_norm=norm,
        name_pinyin=name_pinyin(norm),
        content="",
        id_number=info.number if info else None,
        id_valid=bool(info and info.valid),
        birth_date=info.birth_date if info else None,
        sex=info.sex if info else None,
        id_region=info.region if info else None,
        phone=phone,
        address=address,
        address_county=county_of(address) if address else None,
        issue_place=issue_place,
        place_county=county_of(issue_place) if issue_place else None,
        category=category,
        account_id=account_id,
    )


def demo(n: int, seed: int, out: Path) -> tuple[list[Filing], list[Transfer], dict[str, str]]:
    """Generated filings (validated) and their true petitioner per filing."""
    paths = generate(n, seed, out)
    result = read_and_validate(paths.filings, paths.transfers)
    with paths.truth_filings.open(encoding="utf-8") as fh:
        truth = {r["filing_id"]: r["person_id"] for r in csv.DictReader(fh)}
    return result.filings, result.transfers, truth
