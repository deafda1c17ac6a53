"""The intake index: what a duplicate-filing check reads instead of rescanning every record.

Built from a resolution at the end of every `caselink ingest` (so later ingests update it) and kept in
WORKSPACE/index/intake.arrow: numpy arrays and a few string lists as Arrow tables (graph.state; no pickle,
which would run code when loaded), which load in about a second even for a million petitioners. Held in
memory by `cached_index` (the dashboards keep it warm with `st.cache_resource`).

What it holds:
- profiles: the distinct identity fields (name, pinyin, ID number, phone, birth date, address, place,
  category) of each petitioner's filings, at most `MAX_PROFILES` per petitioner, most recent first;
- person postings: 64-bit hashes of the resolution's blocking keys (ingest.resolve.blocking: ID number,
  phone, name pinyin within a county, name + birth date, pinyin + birth date, name variants within a village,
  first 14 ID characters) → profile rows, sorted for binary search;
- filings: id, dates, status, responsible unit, issue, headcount, MinHash signature of the content and the
  hashes of its particulars (ingest.resolve.issues), grouped by petitioner and by issue;
- issue postings: hashes of named places and bodies (village, estate, company …) and MinHash bands → issues,
  for matters raised by other people (group matters);
- the resolution's Fellegi–Sunter model and the name counts of its name-frequency adjustment, so that an
  intake score is the score resolution gives the same pair.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from caselink.workspace import Workspace
from graph.atomic import remove_stale_temps
from graph.state import OldFormat, StateError, column_values, numpy_of, read_state, write_state
from ingest.background import paused_gc
from ingest.columns import Status
from ingest.records import Filing, Resolution, UnitRole
from ingest.resolve import Model
from ingest.resolve.compare import home_county, locality
from ingest.resolve.issues import PLACE_KINDS, TOWN, VILLAGE, minhash_signatures, particulars
from ingest.resolve.scoring import FieldParams

INDEX_FILE = "intake.arrow"
INDEX_FORMAT = 4
"""Bumped when what the index holds changes meaning: 3 = the model's address comparison has four levels;
4 = Arrow tables (graph.state) instead of a pickle (intake.pickle, never read now); profiles carry the
platform account, the model compares it, generic values are kept, names are keys, filings carry titles."""
OLD_INDEX_FILE = "intake.pickle"
MAX_PROFILES = 12
"""Distinct identity profiles kept per petitioner (the most recent filings first)."""
STATUSES: tuple[Status, ...] = tuple(Status)
"""Status codes of the filings table: index into this tuple, -1 when unknown."""
ISSUE_KEY_KINDS = frozenset(PLACE_KINDS - {TOWN})
"""Particular kinds that look up issues of other people (a township is too broad)."""
_BANDS, _ROWS = 4, 4

U64 = NDArray[np.uint64]
I32 = NDArray[np.int32]
I64 = NDArray[np.int64]


def key_hash(key: str) -> int:
    """A stable 64-bit hash of a key string (the same in every process, unlike `hash`)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


def particular_hash(kind: int, value: str) -> int:
    """Hash of one typed particular; its kind is kept in the low 4 bits."""
    return (key_hash(f"{kind}|{value}") & ~0xF) | kind


def person_keys(f: Filing) -> list[str]:
    """The blocking keys of a filing's identity fields, as ingest.resolve.blocking forms them."""
    keys: list[str] = []
    name, py = f.name_norm, f.name_pinyin
    birth = f.birth_date.isoformat() if f.birth_date else ""
    if f.id_number:
        keys.append("i|" + f.id_number)
        keys.append("ih|" + f.id_number[:14])
    if f.phone:
        keys.append("p|" + f.phone)
    if f.account_id:
        keys.append("a|" + f.account_id)
    if py:
        keys.append(f"pc|{py}|{home_county(f) or ''}")
    if name and birth:
        keys.append(f"nb|{name}|{birth}")
    if py and birth:
        keys.append(f"pb|{py}|{birth}")
    if name:
        ends = name[0] + name[-1] if len(name) >= 2 else ""
        head = name[:2] if len(name) >= 2 else ""
        for text in {f.address, f.issue_place}:
            loc = locality(text) if text else None
            if loc:
                keys.append(f"pl|{py}|{loc}")
                if ends:
                    keys.append(f"el|{ends}|{loc}")
                if head:
                    keys.append(f"hl|{head}|{loc}")
    return keys


def name_key(f: Filing) -> list[str]:
    """The name alone (its pinyin: homophones meet): what the intake check looks up as well when a query
    has no ID number, phone or account (a visitor who gives a name, a place in another county than the
    address …), so that a namesake's filings on the same matter are still seen."""
    return ["np|" + f.name_pinyin] if f.name_pinyin else []


def content_particulars(content: str, issue_place: str) -> list[tuple[int, str]]:
    """The particulars of a matter as issue resolution reads them: the content's, and the village or
    township of the place of the matter."""
    found = particulars(content) if content else []
    if issue_place:
        found += [p for p in particulars(issue_place) if p[0] in (VILLAGE, TOWN)]
    return list(dict.fromkeys(found))


def lsh_keys(sig: NDArray[np.uint32]) -> NDArray[np.uint64]:
    """One key per MinHash band (4 bands of 4 rows, as ingest.resolve.issues blocks): (n, 16) → (n, 4)."""
    sig2 = np.atleast_2d(sig).astype(np.uint64)
    out = np.empty((len(sig2), _BANDS), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for b in range(_BANDS):
            h = np.full(len(sig2), 0xCBF29CE484222325 ^ b, dtype=np.uint64)
            for r in range(b * _ROWS, (b + 1) * _ROWS):
                h = (h ^ sig2[:, r]) * np.uint64(0x100000001B3)
            out[:, b] = (h ^ (h >> np.uint64(29))) | np.uint64(1 << 63)  # top bit: never a particular's key
    return out


@dataclass(slots=True)
class Postings:
    """Sorted 64-bit keys → runs of int32 values (CSR), looked up by binary search."""

    keys: U64
    offsets: I64
    values: I32

    @classmethod
    def build(cls, keys: Iterable[int], values: Iterable[int]) -> Postings:
        k = np.fromiter(keys, dtype=np.uint64)
        v = np.fromiter(values, dtype=np.int64)
        if len(k) == 0:
            return cls(np.empty(0, np.uint64), np.zeros(1, np.int64), np.empty(0, np.int32))
        order = np.lexsort((v, k))
        k, v = k[order], v[order]
        keep = np.r_[True, (k[1:] != k[:-1]) | (v[1:] != v[:-1])]
        k, v = k[keep], v[keep]
        starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
        return cls(k[starts], np.r_[starts, len(k)].astype(np.int64), v.astype(np.int32))

    def get(self, key: int) -> I32:
        """The values of one key (empty when absent)."""
        i = int(np.searchsorted(self.keys, np.uint64(key)))
        if i < len(self.keys) and int(self.keys[i]) == key:
            return self.values[self.offsets[i] : self.offsets[i + 1]]
        return self.values[:0]


@dataclass(slots=True)
class IntakeIndex:
    """Everything a check reads; arrays are indexed by profile, filing, petitioner or issue row."""

    built_at: str
    model: Model
    n_filings: int
    strings: list[str]
    """Shared vocabulary of the profiles' string columns (codes index into it; -1 is empty)."""
    prof: dict[str, I32]
    """Profile columns: pet, filing, name, pinyin, id, phone, address, address_county, place,
    place_county, category, account (string codes), birth (YYYYMMDD or -1), id_valid (0/1)."""
    generic: dict[str, list[str]]
    """Generic values of the resolution (field → compared values: phone digits, account, address below the
    county): no evidence of identity at intake either."""
    person: Postings
    name_counts: Postings
    """key_hash(name) → [count of filings with that name] (the resolution's name-frequency adjustment)."""
    pet_ids: list[str]
    pet_filings: I64
    """CSR offsets into filing rows, per petitioner (filing rows are grouped by petitioner, newest first)."""
    filing_ids: list[str]
    filing_titles: dict[int, str]
    """Filing row → the filing's own title (留言主题), for the filings that have one."""
    filing_pet: I32
    received: I32
    """Date ordinals."""
    concluded: I32
    """Date ordinals, -1 when not concluded."""
    status: NDArray[np.int8]
    unit: I32
    """Index into units, -1 when none."""
    units: list[str]
    issue: I32
    headcount: NDArray[np.int16]
    sig: NDArray[np.uint32]
    part_offsets: I64
    """CSR offsets into part_hashes, per filing row."""
    part_hashes: U64
    """Hashes of each filing's particulars (`particular_hash`)."""
    issue_ids: list[str]
    issue_titles: list[str]
    issue_people: I32
    """Distinct petitioners and co-signers of each issue."""
    issue_headcount: I32
    """The largest headcount of the issue's filings."""
    issue_filings: I64
    """CSR offsets into issue_rows."""
    issue_rows: I32
    issue_lookup: Postings
    """Particular hashes (named places and bodies) and MinHash band keys → issue rows."""

    @property
    def n_petitioners(self) -> int:
        return len(self.pet_ids)

    def filings_of(self, pet: int) -> range:
        return range(int(self.pet_filings[pet]), int(self.pet_filings[pet + 1]))

    def particulars_of(self, row: int) -> list[int]:
        """The particular hashes of one filing row."""
        out: list[int] = self.part_hashes[
            int(self.part_offsets[row]) : int(self.part_offsets[row + 1])
        ].tolist()
        return out


def _birth_int(d: date | None) -> int:
    return d.year * 10000 + d.month * 100 + d.day if d is not None else -1


def build_index(
    filings: Sequence[Filing],
    petitioner_of: Mapping[str, str],
    issue_of: Mapping[str, str],
    model: Model,
    *,
    issue_titles: Mapping[str, str] | None = None,
    unit_of: Mapping[str, str] | None = None,
    generic: Mapping[str, Sequence[tuple[str, int]]] | None = None,
) -> IntakeIndex:
    """Build the index of resolved filings. `unit_of` gives each filing's responsible unit as shown to a
    clerk (default: the unit as written); `issue_titles` the issues' titles; `generic` the resolution's
    generic values (Resolution.generic)."""
    with paused_gc():
        index = _build(filings, petitioner_of, issue_of, model, issue_titles, unit_of)
    index.generic = {k: [value for value, _ in v] for k, v in (generic or {}).items()}
    return index


def _build(
    filings: Sequence[Filing],
    petitioner_of: Mapping[str, str],
    issue_of: Mapping[str, str],
    model: Model,
    issue_titles: Mapping[str, str] | None,
    unit_of: Mapping[str, str] | None,
) -> IntakeIndex:
    n = len(filings)
    # Filings grouped by petitioner, newest first.
    pet_index: dict[str, int] = {}
    pet_of_row = np.fromiter(
        (pet_index.setdefault(petitioner_of[f.filing_id], len(pet_index)) for f in filings),
        dtype=np.int64,
        count=n,
    )
    day = np.fromiter((f.received_date.toordinal() for f in filings), dtype=np.int64, count=n)
    order = np.lexsort((np.arange(n), -day, pet_of_row))
    fl = [filings[i] for i in order.tolist()]
    pet_rows = pet_of_row[order]
    n_pet = len(pet_index)
    counts = np.bincount(pet_rows, minlength=n_pet)
    pet_filings = np.r_[0, np.cumsum(counts)].astype(np.int64)

    strings: dict[str, int] = {"": -1}

    def code(s: str | None) -> int:
        if not s:
            return -1
        c = strings.get(s)
        if c is None:
            c = strings[s] = len(strings) - 1
        return c

    # Profiles: distinct identity fields per petitioner, newest first, at most MAX_PROFILES.
    cols: dict[str, list[int]] = {
        k: []
        for k in (
            "pet", "filing", "name", "pinyin", "id", "phone", "address", "address_county", "place",
            "place_county", "category", "account", "birth", "id_valid",
        )
    }  # fmt: skip
    pkeys: list[int] = []
    pvals: list[int] = []
    seen: set[tuple[object, ...]] = set()
    hashed: dict[str, int] = {}
    kept = 0
    last_pet = -1
    for row, (f, p) in enumerate(zip(fl, pet_rows.tolist(), strict=True)):
        if p != last_pet:
            seen.clear()
            kept, last_pet = 0, p
        ident = (
            f.name_norm, f.id_number, f.phone, f.address, f.address_county, f.issue_place,
            f.place_county, f.category, f.account_id,
        )  # fmt: skip
        if ident in seen or kept >= MAX_PROFILES:
            continue
        seen.add(ident)
        kept += 1
        prow = len(cols["pet"])
        for k, v in (
            ("pet", p), ("filing", row), ("name", code(f.name_norm)), ("pinyin", code(f.name_pinyin)),
            ("id", code(f.id_number)), ("phone", code(f.phone)), ("address", code(f.address)),
            ("address_county", code(f.address_county)), ("place", code(f.issue_place)),
            ("place_county", code(f.place_county)), ("category", code(f.category)),
            ("account", code(f.account_id)), ("birth", _birth_int(f.birth_date)),
            ("id_valid", int(f.id_valid and f.id_number is not None)),
        ):  # fmt: skip
            cols[k].append(v)
        for key in (*person_keys(f), *name_key(f)):
            h = hashed.get(key)
            if h is None:
                h = hashed[key] = key_hash(key)
            pkeys.append(h)
            pvals.append(prow)
    prof = {k: np.asarray(v, dtype=np.int32) for k, v in cols.items()}

    name_count: dict[str, int] = {}
    for f in filings:
        name_count[f.name_norm] = name_count.get(f.name_norm, 0) + 1
    name_counts = Postings(
        *_sorted_counts([key_hash("n|" + k) for k in name_count], list(name_count.values()))
    )

    # Issues.
    issue_index: dict[str, int] = {}
    issue_row = np.fromiter(
        (issue_index.setdefault(issue_of.get(f.filing_id, "~" + f.filing_id), len(issue_index)) for f in fl),
        dtype=np.int64,
        count=n,
    )
    n_issue = len(issue_index)
    titles = issue_titles or {}
    issue_ids = list(issue_index)
    people: list[set[str]] = [set() for _ in range(n_issue)]
    head = np.zeros(n_issue, dtype=np.int32)
    for f, i, p in zip(fl, issue_row.tolist(), pet_rows.tolist(), strict=True):
        people[i].add(f"#{p}")
        people[i].update(f.co_petitioners)
        if f.headcount > head[i]:
            head[i] = f.headcount
    iorder = np.lexsort((np.arange(n), issue_row))
    icounts = np.bincount(issue_row, minlength=n_issue)

    # Content features.
    sig = minhash_signatures([f.content for f in fl])
    part_off = np.zeros(n + 1, dtype=np.int64)
    part_vals: list[int] = []
    ikeys: list[int] = []
    ivals: list[int] = []
    cache: dict[tuple[str, str], list[tuple[int, str]]] = {}
    bands = lsh_keys(sig)
    for row, f in enumerate(fl):
        ck = (f.content, f.issue_place)
        parts = cache.get(ck)
        if parts is None:
            parts = cache[ck] = content_particulars(f.content, f.issue_place)
        hs = [particular_hash(k, v) for k, v in parts]
        part_vals.extend(hs)
        part_off[row + 1] = len(part_vals)
        i = int(issue_row[row])
        for (kind, _value), h in zip(parts, hs, strict=True):
            if kind in ISSUE_KEY_KINDS:
                ikeys.append(h)
                ivals.append(i)
    ikeys.extend(bands.ravel().tolist())
    ivals.extend(np.repeat(issue_row, _BANDS).tolist())

    units: dict[str, int] = {}
    unit_names = unit_of or {}
    unit = np.fromiter(
        (
            units.setdefault(u, len(units))
            if (u := unit_names.get(f.filing_id) or f.responsible_unit)
            else -1
            for f in fl
        ),
        dtype=np.int32,
        count=n,
    )
    status_code = {s: k for k, s in enumerate(STATUSES)}
    vocab = [""] * (len(strings) - 1)
    for s, c in strings.items():
        if c >= 0:
            vocab[c] = s
    return IntakeIndex(
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        model=model,
        n_filings=n,
        strings=vocab,
        prof=prof,
        person=Postings.build(pkeys, pvals),
        name_counts=name_counts,
        pet_ids=list(pet_index),
        pet_filings=pet_filings,
        filing_ids=[f.filing_id for f in fl],
        filing_titles={row: f.title for row, f in enumerate(fl) if f.title},
        filing_pet=pet_rows.astype(np.int32),
        received=(day[order]).astype(np.int32),
        concluded=np.fromiter(
            (f.concluded_date.toordinal() if f.concluded_date else -1 for f in fl), dtype=np.int32, count=n
        ),
        status=np.fromiter(
            (status_code[f.status] if f.status is not None else -1 for f in fl), dtype=np.int8, count=n
        ),
        unit=unit,
        units=list(units),
        issue=issue_row.astype(np.int32),
        headcount=np.fromiter((min(f.headcount, 32767) for f in fl), dtype=np.int16, count=n),
        sig=sig,
        part_offsets=part_off,
        part_hashes=np.asarray(part_vals, dtype=np.uint64),
        issue_ids=issue_ids,
        issue_titles=[titles.get(i, "") for i in issue_ids],
        issue_people=np.fromiter((len(p) for p in people), dtype=np.int32, count=n_issue),
        issue_headcount=head,
        issue_filings=np.r_[0, np.cumsum(icounts)].astype(np.int64),
        issue_rows=iorder.astype(np.int32),
        issue_lookup=Postings.build(ikeys, ivals),
        generic={},
    )


def _sorted_counts(keys: list[int], counts: list[int]) -> tuple[U64, I64, I32]:
    k = np.asarray(keys, dtype=np.uint64)
    c = np.asarray(counts, dtype=np.int32)
    order = np.argsort(k)
    return k[order], np.arange(len(k) + 1, dtype=np.int64), c[order]


def build_from_resolution(res: Resolution, model: Model) -> IntakeIndex:
    """The index of a resolution (what `caselink ingest` builds after resolving)."""
    unit_of: dict[str, str] = {}
    for m in res.unit_mentions:
        if m.role is UnitRole.RESPONSIBLE:
            u = res.units.get(m.unit_id)
            if u is not None:
                unit_of[m.filing_id] = _unit_label(u.name, u.county)
    titles = {i: x.title for i, x in res.issues.items()}
    return build_index(
        res.filings,
        res.petitioner_of,
        res.issue_of,
        model,
        issue_titles=titles,
        unit_of=unit_of,
        generic=res.generic,
    )


def _unit_label(name: str, county: str | None) -> str:
    from ingest.read.places import county_by_code

    c = county_by_code(county) if county else None
    return f"{c.name}{name}" if c is not None and not name.startswith(c.name) else name


# --- persistence ------------------------------------------------------------------------------------


def index_path(ws: Workspace) -> Path:
    return ws.index_dir / INDEX_FILE


def save_index(ws: Workspace, index: IntakeIndex) -> Path:
    """Write the index crash-safely (graph.state via graph.atomic: temporary file, fsync, rename)."""
    path = index_path(ws)
    remove_stale_temps(path)
    tables: dict[str, pa.Table] = {}
    shapes: dict[str, list[int]] = {}
    meta: dict[str, object] = {"shapes": shapes}
    for f in dataclasses.fields(IntakeIndex):
        value = getattr(index, f.name)
        if isinstance(value, np.ndarray):
            tables[f.name] = pa.table({"v": value.reshape(-1)})
            shapes[f.name] = list(value.shape)
        elif isinstance(value, Postings):
            for part in ("keys", "offsets", "values"):
                tables[f"{f.name}.{part}"] = pa.table({"v": getattr(value, part)})
        elif f.name == "filing_titles":  # row → title, for the filings that have one
            tables[f.name] = pa.table(
                {
                    "row": pa.array(list(value), pa.int64()),
                    "title": pa.array(list(value.values()), pa.string()),
                }
            )
        elif f.name == "generic":  # a few values per field: JSON in the footer
            meta[f.name] = value
        elif isinstance(value, dict):
            for key, array in value.items():
                tables[f"{f.name}:{key}"] = pa.table({"v": array})
            meta[f.name] = list(value)
        elif isinstance(value, list):
            tables[f.name] = pa.table({"v": pa.array(value, pa.string())})
        elif isinstance(value, Model):
            meta[f.name] = dataclasses.asdict(value)
        else:
            meta[f.name] = value
    write_state(path, "intake-index", INDEX_FORMAT, tables, meta)
    return path


class IndexMissing(Exception):
    """The workspace has no intake index (nothing ingested yet, or written by another version)."""


def load_index(ws: Workspace) -> IntakeIndex:
    """Read the index of a workspace; IndexMissing when there is none to use."""
    path = index_path(ws)
    if not path.exists():
        raise IndexMissing(
            f"工作区 {ws.root} 中没有查重索引，请先运行 `caselink ingest`。 / "
            f"No intake index in workspace {ws.root}: run `caselink ingest` first."
        )
    try:
        meta, tables = read_state(path, "intake-index", INDEX_FORMAT)
        values: dict[str, object] = {}
        for f in dataclasses.fields(IntakeIndex):
            if f.name == "filing_titles":
                titles = tables[f.name]
                rows = numpy_of(titles.column("row")).tolist()
                values[f.name] = dict(zip(rows, column_values(titles.column("title")), strict=True))
            elif f.name in tables:
                column = tables[f.name].column("v")
                values[f.name] = (
                    column_values(column)
                    if pa.types.is_string(column.type)
                    else numpy_of(column).reshape(meta["shapes"][f.name])
                )
            elif f"{f.name}.keys" in tables:
                values[f.name] = Postings(
                    *(
                        numpy_of(tables[f"{f.name}.{part}"].column("v"))
                        for part in ("keys", "offsets", "values")
                    )
                )
            elif f.name == "model":
                m = dict(meta["model"])  # type: ignore[call-overload]
                m["fields"] = [FieldParams(**p) for p in m["fields"]]
                values[f.name] = Model(**m)
            elif f.name == "prof":
                values[f.name] = {k: numpy_of(tables[f"prof:{k}"].column("v")) for k in meta["prof"]}  # type: ignore[union-attr]
            else:
                values[f.name] = meta[f.name]
        return IntakeIndex(**values)  # type: ignore[arg-type]
    except (OldFormat, StateError, KeyError, TypeError, ValueError) as exc:
        raise IndexMissing(
            f"{path} 由其他版本写入或已损坏，请重新运行 `caselink ingest`。 / "
            f"{path} was written by another caselink version or is damaged ({exc}): "
            "run `caselink ingest` again."
        ) from None


_CACHE: dict[Path, tuple[int, int, IntakeIndex]] = {}
_CACHE_LOCK = threading.Lock()


def cached_index(ws: Workspace) -> IntakeIndex:
    """The workspace's index, loaded once per process and reloaded when an ingest has replaced the file."""
    path = index_path(ws).resolve()
    try:
        st = path.stat()
    except FileNotFoundError:
        return load_index(ws)  # raises IndexMissing
    stamp = (st.st_mtime_ns, st.st_size)
    with _CACHE_LOCK:
        hit = _CACHE.get(path)
        if hit is not None and hit[:2] == stamp:
            return hit[2]
        index = load_index(ws)
        _CACHE[path] = (*stamp, index)
        return index


def update_index(ws: Workspace, res: Resolution, model: Model) -> IntakeIndex:
    """Rebuild the workspace's index from the latest resolution (called by `caselink ingest`).

    Resolution runs over all records at every ingest and may merge or split petitioners, so the index is
    rebuilt from its result rather than patched: it always says what the graph says.
    """
    index = build_from_resolution(res, model)
    save_index(ws, index)
    return index
