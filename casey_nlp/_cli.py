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

from ._data import DATASET_COLUMNS, SUBSET_CHOICES, DataError, load_dataset
from ._labels import LABELS

__all__ = ["main"]


def _label_table(doc_ids, labels, first_column="document") -> str:
    """Counts per label per document (or per genre), as an aligned text table."""
    counts = Counter(zip(doc_ids, labels))
    docs = list(dict.fromkeys(doc_ids))
    header = [first_column, *LABELS, "total"]
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
    bunch = load_dataset(subset=args.subset)
    if args.export is None:
        kind = "statements" if args.subset == "statements" else "documents"
        print(f"{len(bunch.data)} labelled sentences from {len(bunch.documents)} {kind}\n")
        if args.subset == "statements":
            print(_label_table(bunch.doc_ids, bunch.target))
        else:  # 130-odd documents: one row per genre reads better
            print(_label_table(bunch.genres, bunch.target, "genre"))
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


def _stdin_text() -> str:
    """All of stdin as UTF-8 (a byte-order mark is dropped), whatever the locale."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # a StringIO standing in for stdin (tests)
        return sys.stdin.read()
    try:
        return buffer.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(f"<stdin>: not UTF-8 text (byte {error.start}); send UTF-8") from None


def _read_inputs(paths):
    """Yield ``(source, text)`` per input; ``-`` is stdin. Unreadable files raise DataError."""
    from pathlib import Path

    from ._classify import _read_document

    for position, path in enumerate(paths):
        if path == "-":
            yield "<stdin>", _stdin_text()
            continue
        source, text, error = _read_document(Path(path), position)
        if error:
            raise DataError(error)
        yield path, text


def _sentence_rows(tagged):
    for index, s in enumerate(tagged):
        yield {
            "index": index, "start": s.start, "end": s.end,
            "label": s.label, "confidence": round(s.confidence, 4),
            "scores": {label: round(value, 4) for label, value in s.scores.items()},
            "text": s.text,
        }


def _write_table(rows, out, width=72):
    print(f"{'#':>4}  {'label':10}  {'conf':>4}  text", file=out)
    for row in rows:
        text = " ".join(row["text"].split())
        if len(text) > width:
            text = text[: width - 1] + "\u2026"
        print(f"{row['index'] + 1:>4}  {row['label']:10}  {row['confidence']:.2f}  {text}", file=out)
        if "explanation" in row:
            print(f"{'':>4}  {'':10}  {'':>4}  why: {row['explanation']}", file=out)


class _Inputs:
    """The documents named on the command line, as inputs for classify_many.

    Files are passed as paths, read as each batch is tagged; a directory
    stands for the ``*.txt`` files below it (an empty one is reported); ``-`` is stdin, either one document or,
    with ``--input-format jsonl``, one JSON object per line with ``id`` and
    ``text``. Bad JSONL lines are reported and counted, not fatal.
    """

    def __init__(self, names, input_format):
        self.names, self.input_format = names, input_format
        self.failed = 0
        self.total = None if "-" in names else 0
        self.paths = []
        from pathlib import Path

        self.has_folder = False
        for name in names:
            if name == "-":
                self.paths.append(name)
            elif Path(name).is_dir():
                self.has_folder = True
                found = sorted(p for p in Path(name).rglob("*.txt") if p.is_file())
                if not found:
                    self.report(f"{name}: folder has no *.txt files")
                self.paths.extend(found)
            else:
                self.paths.append(Path(name))
        if self.total is not None:
            self.total = len(self.paths)

    def report(self, message):
        self.failed += 1
        print(f"casey-nlp: error: {message} (skipped)", file=sys.stderr)

    def __iter__(self):
        for path in self.paths:
            if path != "-":
                yield path
            elif self.input_format == "text":
                yield ("<stdin>", _stdin_text())
            else:
                yield from self._jsonl(getattr(sys.stdin, "buffer", sys.stdin))

    def _jsonl(self, stream):
        # Line by line, so a large stream is never held in memory at once.
        for line_number, line in enumerate(stream, start=1):
            if isinstance(line, bytes):
                try:
                    line = line.decode("utf-8-sig" if line_number == 1 else "utf-8")
                except UnicodeDecodeError:
                    self.report(f"<stdin>, line {line_number}: not UTF-8 text")
                    continue
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                doc_id, text = record["id"], record["text"]
                if not isinstance(text, str):
                    raise TypeError
            except (json.JSONDecodeError, KeyError, TypeError):
                self.report(f"<stdin>, line {line_number}: expected a JSON object with 'id' and a string 'text'")
                continue
            yield (str(doc_id), text)


class _Progress:
    """A one-line counter on stderr, only when stderr is a terminal."""

    def __init__(self, total):
        import time

        self.total, self.done, self.sentences = total, 0, 0
        self.clock, self.shown = time.monotonic, 0.0
        self.active = sys.stderr.isatty()

    def update(self, n_sentences):
        self.done += 1
        self.sentences += n_sentences
        if self.active and self.clock() - self.shown > 0.5:
            self.shown = self.clock()
            of = f"/{self.total}" if self.total else ""
            print(f"\rtagged {self.done}{of} documents, {self.sentences} sentences", end="", file=sys.stderr)

    def close(self):
        if self.active and self.shown:
            print(f"\rtagged {self.done} documents, {self.sentences} sentences", file=sys.stderr)


def _explained(inputs, model):
    """Like classify_many, with an explanation per sentence (slower: one document at a time)."""
    from ._classify import DocumentResult, _read_document, classify
    from ._explain import explain_document

    for position, item in enumerate(inputs):
        source, text, error = _read_document(item, position)
        if error:
            yield DocumentResult(source, [], error), []
        else:
            yield DocumentResult(source, classify(text, model=model)), explain_document(text, model=model)


def _cmd_classify(args) -> int:
    from ._classify import classify_many
    from ._persist import load_model

    model = load_model(args.model)
    inputs = _Inputs(args.files, args.input_format)
    out = sys.stdout
    progress = _Progress(inputs.total)
    several = len(args.files) > 1 or inputs.has_folder or args.input_format == "jsonl"
    if args.format == "csv":
        fields = ["source", "index", "start", "end", "label", "confidence",
                  *(f"score_{label}" for label in model.classes_), "text",
                  *(["explanation"] if args.explain else [])]
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
    if args.format == "json":
        out.write("[")
    first = True
    if args.explain:
        results = _explained(inputs, model)
    else:
        results = ((r, None) for r in classify_many(inputs, model=None if args.model is None else model, n_jobs=args.jobs))
    for result, explanations in results:
        if result.error:
            inputs.report(result.error)
            continue
        rows = list(_sentence_rows(result.sentences))
        for row, explanation in zip(rows, explanations or ()):
            row["explanation"] = explanation.summary(3) if args.format in ("table", "csv") else explanation.to_dict()
        progress.update(len(rows))
        if args.format == "table":
            if several:
                print(f"\n{result.source}", file=out)
            _write_table(rows, out)
        elif args.format in ("jsonl", "json"):
            document = json.dumps({"source": result.source, "sentences": rows}, ensure_ascii=False)
            if args.format == "jsonl":
                out.write(document + "\n")
            else:
                out.write(("\n" if first else ",\n") + document)
        else:
            for row in rows:
                scores = row.pop("scores")
                writer.writerow({"source": result.source, **row, **{f"score_{k}": v for k, v in scores.items()}})
        first = False
    if args.format == "json":
        out.write("\n]\n")
    progress.close()
    return 1 if inputs.failed else 0


def _cmd_train(args) -> int:
    from pathlib import Path

    from ._evaluate import evaluate
    from ._model import train

    out = Path(args.out)
    if args.out == "-" or out.is_dir():
        raise DataError(f"{args.out}: --out needs a file path, such as my_model.zip")
    if not args.force and out.exists():
        raise DataError(f"{args.out}: already exists; choose another --out or pass --force")
    model = train(args.add, include_bundled=not args.no_bundled)
    metadata = {}
    if not args.no_eval:
        # With the bundled data, the first blind figure (your rows join the
        # training side); with your data alone, leave-one-document-out.
        split = "documents" if args.no_bundled else "statements"
        try:
            report = evaluate(extra=args.add, include_bundled=not args.no_bundled, with_baselines=False, split=split)
        except DataError as why:
            print(f"no blind figures: {why}")
        else:
            print(report)
            metadata["evaluation"] = report.to_dict()
    path = model.save(args.out, overwrite=args.force, metadata=metadata)
    print(f"\ntrained on {model.n_training_rows_} sentences; saved {path}")
    return 0


def _cmd_evaluate(args) -> int:
    from ._evaluate import BLIND_SPLITS, evaluate

    splits = [args.split] if args.split else (["documents"] if args.no_bundled else list(BLIND_SPLITS))
    reports = [evaluate(extra=args.add, include_bundled=not args.no_bundled, split=split) for split in splits]
    if args.format == "json":
        print(json.dumps({report.split: report.to_dict() for report in reports}, indent=2))
    elif args.format == "markdown":
        print("\n\n".join(f"### {report.split}: {report.description}\n\n{report.to_markdown()}" for report in reports))
    else:
        print(("\n\n" + "=" * 72 + "\n\n").join(map(str, reports)))
    return 0


def _open_new(path: str, force: bool):
    """Open ``path`` for writing, refusing to replace an existing file unless forced."""
    try:
        return open(path, "w" if force else "x", encoding="utf-8", newline="")
    except FileExistsError:
        raise DataError(f"{path}: already exists; choose another --out or pass --force") from None


def _cmd_report(args) -> int:
    from pathlib import Path

    from ._persist import load_model
    from ._report import DEFAULT_TITLE, report_html, report_markdown

    ((source, text),) = _read_inputs([args.file])
    title = DEFAULT_TITLE if args.file == "-" else f"{DEFAULT_TITLE}: {Path(source).name}"
    render = report_markdown if args.format == "md" else report_html
    page = render(text, model=load_model(args.model), title=title)
    # Render first, open second: a failure never leaves an empty report behind.
    if args.out == "-":
        sys.stdout.write(page)
        return 0
    with _open_new(args.out, args.force) as out:
        out.write(page)
    return 0


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}")
    return number


def _non_negative_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not number >= 0:
        raise argparse.ArgumentTypeError(f"expected a number of 0 or more, got {value!r}")
    return number


def _cmd_suggest(args) -> int:
    from ._persist import load_model
    from ._suggest import suggest, write_suggestions_csv

    documents = dict(_read_inputs(args.files))
    picks = suggest(documents, n=args.n, model=load_model(args.model), diversity=args.diversity)
    if not picks:
        raise DataError(
            "no sentences to suggest: every sentence of the input is empty, repeated "
            "or already in the bundled dataset"
        )
    # Choose first, open second: a failure never leaves an empty file behind.
    to_stdout = args.out == "-"
    out = sys.stdout if to_stdout else _open_new(args.out, args.force)
    try:
        write_suggestions_csv(picks, out)
    finally:
        if not to_stdout:
            out.close()
    info = sys.stderr if to_stdout else sys.stdout
    where = "stdout" if to_stdout else args.out
    print(f"{len(picks)} sentences to label, most useful first, written to {where}:", file=info)
    print(f"{'#':>4}  {'guess':10}  {'conf':>4}  text", file=info)
    for i, s in enumerate(picks, start=1):
        text = " ".join(s.text.split())
        text = text if len(text) <= 64 else text[:63] + "…"
        print(f"{i:>4}  {s.guess:10}  {s.confidence:.2f}  {text}", file=info)
    print(
        f"\nFill in the label column ({', '.join(LABELS)}; delete rows you skip), then:\n"
        f"  casey-nlp train --add {args.out if not to_stdout else 'FILE'} --out my_model.zip",
        file=info,
    )
    return 0


def _jobs(value: str) -> int:
    jobs = int(value)
    if jobs == 0 or jobs < -1:
        raise argparse.ArgumentTypeError("use a positive number of processes, or -1 for all cores")
    return jobs


def _parser() -> argparse.ArgumentParser:
    from ._evaluate import SPLITS  # every command imports scikit-learn anyway
    parser = argparse.ArgumentParser(
        prog="casey-nlp",
        description="Tag press-release sentences as demand, finding, statistic, case_study or other.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    classify = commands.add_parser("classify", help="tag the sentences of press releases")
    classify.add_argument("files", nargs="*", default=["-"], metavar="FILE",
                          help="UTF-8 text files or directories (their *.txt files) to tag; "
                               "- (the default) reads stdin")
    classify.add_argument("--format", choices=("table", "json", "jsonl", "csv"), default="table",
                          help="output: a readable table (default); json or jsonl, one object per "
                               "document with its sentences; csv, one row per sentence")
    classify.add_argument("--input-format", choices=("text", "jsonl"), default="text",
                          help="what stdin holds: one document (default), or one JSON object per "
                               "line with 'id' and 'text'")
    classify.add_argument("--explain", action="store_true",
                          help="show the cues that pushed each sentence towards its label and away "
                               "from the runner-up")
    classify.add_argument("--jobs", type=_jobs, default=1, metavar="N",
                          help="worker processes for large corpora (default 1; -1 for all cores)")
    classify.add_argument("--model", help="a model saved with `casey-nlp train` (default: the shipped model)")
    classify.set_defaults(run=_cmd_classify)

    train = commands.add_parser(
        "train", help="train a model on the bundled data plus your labelled CSV/JSONL files"
    )
    train.add_argument("--add", nargs="+", metavar="FILE", help="CSV (text,label[,doc_id]) or JSONL files")
    train.add_argument("--out", required=True, help="where to save the model (a .zip file: JSON metadata and arrays)")
    train.add_argument("--no-bundled", action="store_true", help="train on your files only")
    train.add_argument("--no-eval", action="store_true", help="skip the blind evaluation report")
    train.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    train.set_defaults(run=_cmd_train)

    evaluate = commands.add_parser(
        "evaluate", help="blind evaluation with baselines: the three figures to expect on new statements"
    )
    evaluate.add_argument("--add", nargs="+", metavar="FILE", help="also use these labelled files")
    evaluate.add_argument(
        "--split", choices=list(SPLITS),
        help="one split only (default: the three blind splits; 'documents' with --no-bundled)",
    )
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
    dataset.add_argument(
        "--subset", choices=SUBSET_CHOICES, default="statements",
        help="the five public statements (default), the written corpus, or all",
    )
    dataset.add_argument("--out", default="-", help="output file for --export (default: stdout)")
    dataset.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    dataset.set_defaults(run=_cmd_dataset)

    suggest = commands.add_parser(
        "suggest", help="pick the sentences whose labels would help the model most (active learning)"
    )
    suggest.add_argument("files", nargs="+", metavar="FILE",
                         help="documents to choose from (UTF-8 text); - reads stdin")
    suggest.add_argument("--n", type=_positive_int, default=20, help="how many sentences (default: 20)")
    suggest.add_argument("--out", required=True,
                         help="CSV to write (text,label,guess,confidence,doc_id); - for stdout")
    suggest.add_argument("--diversity", type=_non_negative_float, default=0.5,
                         help="penalty on picks similar to earlier picks; 0 is plain uncertainty (default: 0.5)")
    suggest.add_argument("--model", help="a model saved with `casey-nlp train` (default: the shipped model)")
    suggest.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    suggest.set_defaults(run=_cmd_suggest)

    report = commands.add_parser(
        "report", help="an annotated HTML (or Markdown) report of one press release"
    )
    report.add_argument("file", metavar="FILE", help="the press release (UTF-8 text); - reads stdin")
    report.add_argument("--out", required=True, help="where to write the report; - for stdout")
    report.add_argument("--format", choices=("html", "md"), default="html",
                        help="a self-contained HTML page (default) or Markdown")
    report.add_argument("--model", help="a model saved with `casey-nlp train` (default: the shipped model)")
    report.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    report.set_defaults(run=_cmd_report)
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
