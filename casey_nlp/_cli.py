"""The ``casey-nlp`` command line: a thin layer over the Python API.

Every subcommand is a function of parsed arguments that returns an exit code:
0 success, 1 bad data or files, 2 usage error (argparse's own).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter

from ._data import DATASET_COLUMNS, DataError, load_dataset
from ._labels import LABELS

__all__ = ["main"]


def _label_table(doc_ids, labels) -> str:
    """Counts per label per document, as an aligned text table."""
    counts = Counter(zip(doc_ids, labels))
    docs = list(dict.fromkeys(doc_ids))
    header = ["document", *LABELS, "total"]
    rows = [
        [doc, *(str(counts[doc, label]) for label in LABELS), str(sum(counts[doc, l] for l in LABELS))]
        for doc in docs
    ]
    totals = Counter(labels)
    rows.append(["total", *(str(totals[label]) for label in LABELS), str(len(labels))])
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def fmt(row):
        return "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths))
        )

    return "\n".join([fmt(header), *(fmt(row) for row in rows)])


def _cmd_dataset(args) -> int:
    bunch = load_dataset()
    if args.export is None:
        print(
            f"{len(bunch.data)} labelled sentences from {len(bunch.documents)} statements\n"
        )
        print(_label_table(bunch.doc_ids, bunch.target))
        return 0
    rows = [
        dict(zip(DATASET_COLUMNS, values))
        for values in zip(
            bunch.ids, bunch.doc_ids, bunch.positions, bunch.starts, bunch.ends,
            bunch.data, bunch.target, bunch.notes,
        )
    ]
    out = sys.stdout if args.out == "-" else _open_new(args.out, args.force)
    try:
        if args.export == "csv":
            writer = csv.DictWriter(out, fieldnames=DATASET_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        else:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


def _open_new(path: str, force: bool):
    """Open ``path`` for writing, refusing to replace an existing file unless forced."""
    try:
        return open(path, "w" if force else "x", encoding="utf-8", newline="")
    except FileExistsError:
        raise DataError(f"{path}: already exists; choose another --out or pass --force") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casey-nlp",
        description="Tag press-release sentences as demand, finding, statistic, case_study or other.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    dataset = commands.add_parser(
        "dataset", help="summarise the bundled labelled dataset, or export it"
    )
    dataset.add_argument(
        "--export", choices=("csv", "jsonl"), help="write every labelled sentence in this format"
    )
    dataset.add_argument("--out", default="-", help="output file for --export (default: stdout)")
    dataset.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    dataset.set_defaults(run=_cmd_dataset)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except (DataError, OSError) as error:
        print(f"casey-nlp: error: {error}", file=sys.stderr)
        return 1
