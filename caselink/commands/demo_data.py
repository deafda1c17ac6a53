"""`caselink demo-data`: write synthetic filings and transfers with their ground truth."""

from __future__ import annotations

import time
from pathlib import Path

import click

from caselink.demo_data import ENCODINGS, STYLES, generate, province_code


@click.command("demo-data")
@click.option(
    "--filings",
    "n_filings",
    type=click.IntRange(min=1),
    default=5000,
    show_default=True,
    help="How many filings to write.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Same seed, same files (byte for byte).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write into (created if missing; files in it are overwritten).",
)
@click.option("--chinese-headers", is_flag=True, help="Write 中文 column headers (信访件编号, 登记日期 …).")
@click.option(
    "--encoding",
    type=click.Choice(ENCODINGS),
    default="utf-8-sig",
    show_default=True,
    help="Encoding of filings.csv and transfers.csv (the truth files are always UTF-8).",
)
@click.option(
    "--style",
    type=click.Choice(STYLES),
    default="standard",
    show_default=True,
    help="standard: the generator's own writing in three Hebei cities; varied: other habits of real records "
    "(category schemes by body and year, one-line register entries, reposts, boilerplate, numbers and dates "
    "written many ways, case numbers, hot estate matters, titles and accounts) in Guangxi, Shandong and "
    "Gansu.",
)
@click.option(
    "--region",
    "regions",
    default="",
    metavar="CODES",
    help="Province codes, comma separated (37,45,62 or 370000): draw the counties from these provinces.",
)
def demo_data(
    n_filings: int, seed: int, out_dir: Path, chinese_headers: bool, encoding: str, style: str, regions: str
) -> None:
    """Write a realistic synthetic data set with ground truth into OUT.

    filings.csv and transfers.csv follow the input format `caselink ingest` reads; truth_filings.csv,
    truth_units.csv and truth_people.csv say who really filed, on which issue, and which unit each name
    means; truth_details.csv names each filing's receiving body and the varied style's traits;
    manifest.json records the seed, style and counts.
    """
    codes = [c for c in regions.split(",") if c.strip()]
    for code in codes:
        try:
            province_code(code)
        except ValueError as e:
            raise click.BadParameter(str(e), param_hint="--region") from None
    started = time.perf_counter()
    paths = generate(
        n_filings,
        seed,
        out_dir,
        chinese_headers=chinese_headers,
        encoding=encoding,
        style=style,
        regions=codes,
    )
    took = time.perf_counter() - started
    click.echo(f"wrote {n_filings} filings to {paths.filings.parent} in {took:.1f} s")
    for p in (
        paths.filings,
        paths.transfers,
        paths.truth_filings,
        paths.truth_units,
        paths.truth_people,
        paths.truth_details,
        paths.manifest,
    ):
        click.echo(f"  {p.name}")
