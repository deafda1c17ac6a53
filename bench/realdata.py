"""caselink on a real export: the A市 message board in ../shared/realdata (2,816 messages, accounts only).

    python bench/realdata.py                       # the file, the project's mapping, the hand labels
    python bench/realdata.py --mapping M.csv       # another mapping (e.g. content without the title)

Reads the export as `caselink ingest` does, with a column-mapping file alone
(docs/examples/message-board-mapping.csv), resolves it, and prints:
- rows read, loaded and rejected;
- petitioners: accounts with 2+ messages that are not exactly one petitioner, petitioners holding 2+ accounts;
- matters (issues) against the hand labels of bench/realdata/labels.csv (567 messages read by hand into 422
  matters; how they were read: bench/realdata/LABELS.md): pairwise and B-cubed precision / recall over the
  labelled messages, the same-account same-matter pairs found (what repeat-petitions stands on), and pairs of
  messages with identical text that share an issue.
The labels are kept as data beside the benchmark; caselink's tests never read them.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])  # bench/ingest.py would shadow the ingest package

from ingest.read import read_and_validate  # noqa: E402
from ingest.resolve import resolve_with_report  # noqa: E402
from ingest.resolve.clustering import score_clusters  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ROOT.parent / "shared" / "realdata" / "message_board_replies.xlsx"
MAPPING = ROOT / "docs" / "examples" / "message-board-mapping.csv"
LABELS = ROOT / "bench" / "realdata" / "labels.csv"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--export", type=Path, default=EXPORT)
    ap.add_argument("--mapping", type=Path, default=MAPPING)
    args = ap.parse_args()

    t = time.perf_counter()
    v = read_and_validate(args.export, mapping_path=args.mapping)
    res, report = resolve_with_report(v.filings, v.transfers)
    seconds = time.perf_counter() - t
    (s,) = v.summaries
    print(
        f"{args.export.name}: read {s.read:,}, loaded {s.loaded:,}, rejected {s.rejected:,} ({seconds:.1f} s)"
    )

    account = {f.filing_id: f.account_id for f in v.filings}
    pets_of: dict[str, set[str]] = defaultdict(set)
    accounts_of: dict[str, set[str]] = defaultdict(set)
    for fid, a in account.items():
        pets_of[a].add(res.petitioner_of[fid])
        accounts_of[res.petitioner_of[fid]].add(a)
    several = [a for a in pets_of if sum(1 for x in account.values() if x == a) >= 2]
    print(
        f"petitioners: {len(accounts_of):,} for {len(pets_of):,} accounts; accounts with 2+ messages: "
        f"{len(several)}, not one petitioner: {sum(len(pets_of[a]) > 1 for a in several)}; "
        f"petitioners holding 2+ accounts: {sum(len(x) > 1 for x in accounts_of.values())}"
    )

    with LABELS.open(encoding="utf-8") as fh:
        truth = {r["message_id"]: r["matter_id"] for r in csv.DictReader(fh)}
    issue = {k: res.issue_of[k] for k in truth if k in res.issue_of}
    sc = score_clusters(issue, truth)
    print(
        f"matters on {len(issue)} labelled messages ({len(set(truth.values()))} matters): "
        f"pairwise P {sc.precision:.4f} R {sc.recall:.4f} F1 {sc.f1:.4f}; "
        f"B-cubed P {sc.bcubed_precision:.4f} R {sc.bcubed_recall:.4f} F1 {sc.bcubed_f1:.4f}; "
        f"issues overall {len(set(res.issue_of.values())):,} for {len(res.issue_of):,} messages"
    )
    same = [(a, b) for a, b in combinations(sorted(issue), 2) if truth[a] == truth[b]]
    own = [(a, b) for a, b in same if account[a] == account[b]]
    print(
        f"same-matter pairs: {len(same)}, linked {sum(issue[a] == issue[b] for a, b in same)}; "
        f"of one account (repeat petitioning): {len(own)}, linked {sum(issue[a] == issue[b] for a, b in own)}"
    )
    by_text: dict[str, list[str]] = defaultdict(list)
    for f in v.filings:
        by_text["".join(f.content.split())].append(f.filing_id)
    twins = [(a, b) for ids in by_text.values() for a, b in combinations(ids, 2)]
    print(
        f"pairs of messages with identical text (title and message): {len(twins)}, same issue "
        f"{sum(res.issue_of[a] == res.issue_of[b] for a, b in twins)}"
    )
    sizes = Counter(Counter(res.issue_of.values()).values())
    print(f"issue sizes: {dict(sorted(sizes.items()))}; generic values: {res.generic or 'none'}")


if __name__ == "__main__":
    main()
