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


def _read_inputs(paths):
    """Yield ``(source, text)`` per input; ``-`` is stdin. Unreadable files raise DataError."""
    for path in paths:
        if path == "-":
            yield "<stdin>", sys.stdin.read()
            continue
        try:
            with open(path, encoding="utf-8-sig") as handle:
                yield path, handle.read()
        except FileNotFoundError:
            raise DataError(f"{path}: file not found") from None
        except IsADirectoryError:
            raise DataError(f"{path}: is a directory; pass the files inside it") from None
        except UnicodeDecodeError as error:
            raise DataError(f"{path}: not UTF-8 text (byte {error.start}); re-save it as UTF-8") from None


def _rows(source, tagged):
    for index, s in enumerate(tagged):
        yield {
            "source": source, "index": index, "start": s.start, "end": s.end,
            "label": s.label, "confidence": round(s.confidence, 4),
            "scores": {label: round(value, 4) for label, value in s.scores.items()},
            "text": s.text,
        }


def _write_table(rows, out, width=72):
    print(f"{'#':>4}  {'label':10}  {'conf':>4}  text", file=out)
    for row in rows:
        text = " ".join(row["text"].split())
        if len(text) > width:
            text = text[: width - 1] + "…"
        print(f"{row['index'] + 1:>4}  {row['label']:10}  {row['confidence']:.2f}  {text}", file=out)


def _cmd_classify(args) -> int:
    from ._classify import classify
    from ._persist import load_model

    model = load_model(args.model)
    out = sys.stdout
    all_rows = []
    for source, text in _read_inputs(args.files):
        rows = list(_rows(source, classify(text, model=model)))
        if args.format == "table":
            if len(args.files) > 1:
                print(f"\n{source}", file=out)
            _write_table(rows, out)
        elif args.format == "jsonl":
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            all_rows.extend(rows)
    if args.format == "json":
        json.dump(all_rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif args.format == "csv":
        fields = ["source", "index", "start", "end", "label", "confidence",
                  *(f"score_{label}" for label in model.classes_), "text"]
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in all_rows:
            scores = row.pop("scores")
            writer.writerow({**row, **{f"score_{k}": v for k, v in scores.items()}})
    return 0


def _cmd_train(args) -> int:
    from ._evaluate import evaluate
    from ._model import train

    model = train(args.add, include_bundled=not args.no_bundled)
    metadata = {}
    if not args.no_eval:
        report = evaluate(extra=args.add, include_bundled=not args.no_bundled, with_baselines=False)
        print(report)
        metadata["evaluation"] = report.to_dict()
    path = model.save(args.out, overwrite=args.force, metadata=metadata)
    print(f"\ntrained on {model.n_training_rows_} sentences; saved {path} and {path.with_suffix('.json')}")
    return 0


def _cmd_evaluate(args) -> int:
    from ._evaluate import evaluate

    report = evaluate(extra=args.add, include_bundled=not args.no_bundled)
    if args.format == "json":
        print(json.dumps(report.to_dict(), indent=2))
    elif args.format == "markdown":
        print(report.to_markdown())
    else:
        print(report)
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

    classify = commands.add_parser("classify", help="tag the sentences of press releases")
    classify.add_argument("files", nargs="*", default=["-"], metavar="FILE",
                          help="text files to tag; - (the default) reads stdin")
    classify.add_argument("--format", choices=("table", "json", "jsonl", "csv"), default="table",
                          help="output format (default: a readable table)")
    classify.add_argument("--model", help="a model saved with `casey-nlp train` (default: the shipped model)")
    classify.set_defaults(run=_cmd_classify)

    train = commands.add_parser(
        "train", help="train a model on the bundled data plus your labelled CSV/JSONL files"
    )
    train.add_argument("--add", nargs="+", metavar="FILE", help="CSV (text,label[,doc_id]) or JSONL files")
    train.add_argument("--out", required=True, help="where to save the model (.joblib; metadata goes next to it)")
    train.add_argument("--no-bundled", action="store_true", help="train on your files only")
    train.add_argument("--no-eval", action="store_true", help="skip the leave-one-document-out report")
    train.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    train.set_defaults(run=_cmd_train)

    evaluate = commands.add_parser(
        "evaluate", help="leave-one-document-out evaluation with baselines"
    )
    evaluate.add_argument("--add", nargs="+", metavar="FILE", help="also use these labelled files")
    evaluate.add_argument("--no-bundled", action="store_true", help="evaluate on your files only")
    evaluate.add_argument("--format", choices=("table", "json", "markdown"), default="table",
                          help="a readable report (default), every figure as JSON, or Markdown tables")
    evaluate.set_defaults(run=_cmd_evaluate)

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
    from ._persist import ModelError

    try:
        return args.run(args)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, like other Unix tools.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (DataError, ModelError, OSError) as error:
        print(f"casey-nlp: error: {error}", file=sys.stderr)
        return 1
