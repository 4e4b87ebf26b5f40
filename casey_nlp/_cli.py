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

from ._version import __version__
from ._data import DATASET_COLUMNS, SUBSET_CHOICES, DataError, load_dataset
from ._inputs import check_encoding
from ._labels import LABELS
from ._outputs import check_output_path, open_output


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
    out = sys.stdout if args.out == "-" else open_output(args.out, force=args.force)
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


def _write_table(result, explanations, out, width=72):
    print(f"{'#':>4}  {'label':10}  {'conf':>4}  text", file=out)
    for index, tagged in enumerate(result.sentences):
        text = " ".join(tagged.text.split())
        if len(text) > width:
            text = text[: width - 1] + "\u2026"
        label = tagged.label + ("?" if tagged.unsure else "")
        print(f"{index + 1:>4}  {label:10}  {tagged.confidence:.2f}  {text}", file=out)
        if explanations:
            print(f"{'':>4}  {'':10}  {'':>4}  why: {explanations[index].summary(3)}", file=out)


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


def _cmd_classify(args) -> int:
    from ._classify import classify_many
    from ._explain import explain_many
    from ._inputs import DocumentInputs
    from ._outputs import csv_columns, document_record, sentence_csv_rows
    from ._persist import load_model, model_provenance

    model = load_model(args.model)
    provenance = model_provenance(model)
    inputs = DocumentInputs(args.files, input_format=args.input_format, encoding=args.encoding)
    if args.explain:
        results = explain_many(inputs, model=model, min_confidence=args.min_confidence, extract=not args.no_extract)
    else:
        # model=None lets each worker process load the shipped model itself.
        tagged = classify_many(inputs, model=None if args.model is None else model, n_jobs=args.jobs,
                               min_confidence=args.min_confidence, extract=not args.no_extract)
        results = ((result, None) for result in tagged)
    out, progress, failed, first = sys.stdout, _Progress(inputs.count), 0, True
    if args.format == "csv":
        writer = csv.DictWriter(out, fieldnames=csv_columns(model.classes_, args.explain), lineterminator="\n")
        writer.writeheader()
    elif args.format == "json":
        out.write("[")
    for result, explanations in results:
        if result.error:
            failed += 1
            print(f"casey-nlp: error: {result.error} (skipped)", file=sys.stderr)
            continue
        if args.format == "table":
            if inputs.count != 1:
                print(f"\n{result.source}", file=out)
            _write_table(result, explanations, out)
        elif args.format == "csv":
            writer.writerows(sentence_csv_rows(result, provenance, model.classes_, explanations,
                                               escape=not args.raw_csv))
        else:
            record = json.dumps(document_record(result, provenance, explanations), ensure_ascii=False)
            if args.format == "jsonl":
                out.write(record + "\n")
            else:
                out.write(("\n" if first else ",\n") + record)
        first = False
        progress.update(len(result.sentences))
    if args.format == "json":
        out.write("\n]\n")
    progress.close()
    return 1 if failed else 0


def _cmd_train(args) -> int:
    from ._evaluate import evaluate
    from ._model import train

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
    if args.extraction:
        return _evaluate_extraction(args)
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


_DIGEST_FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".json": "json", ".csv": "csv"}


def _cmd_digest(args) -> int:
    from pathlib import Path

    from ._digest import digest
    from ._digest_render import CSV_COLUMNS, digest_csv_rows
    from ._inputs import DocumentInputs
    from ._persist import load_model

    output_format = args.format or _DIGEST_FORMATS.get(Path(args.out).suffix.lower(), "html")
    inputs = DocumentInputs(args.files, input_format=args.input_format, encoding=args.encoding)
    progress = _Progress(inputs.count)

    def show(documents, sentences):
        progress.update(sentences - progress.sentences)

    # model=None lets each worker process load the shipped model itself.
    found = digest(inputs, model=None if args.model is None else load_model(args.model), title=args.title,
                   n_themes=args.themes, n_jobs=args.jobs, progress=show)
    progress.close()
    for _, why in found.errors:
        print(f"casey-nlp: error: {why} (skipped)", file=sys.stderr)
    # Render first, open second: a failure never leaves an empty digest behind.
    if output_format == "csv":
        import io

        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(digest_csv_rows(found, escape=not args.raw_csv))
        page = buffer.getvalue()
    elif output_format == "json":
        page = json.dumps(found.to_dict(), ensure_ascii=False, indent=1) + "\n"
    else:
        page = found.to_markdown() if output_format == "md" else found.to_html()
    if args.out == "-":
        sys.stdout.write(page)
    else:
        with open_output(args.out, force=args.force) as out:
            out.write(page)
    return 1 if found.errors else 0


def _evaluate_extraction(args) -> int:
    from ._evaluate_extraction import evaluate_extraction, extraction_markdown

    results = evaluate_extraction(args.subset)
    if args.format == "json":
        print(json.dumps(results, indent=2))
    else:
        print(f"Extractors against the hand annotations ({args.subset} half):\n")
        print(extraction_markdown(results))
    return 0


def _cmd_report(args) -> int:
    from pathlib import Path

    from ._inputs import read_texts
    from ._persist import load_model
    from ._report import DEFAULT_TITLE, report_html, report_markdown

    ((source, text),) = read_texts([args.file], encoding=args.encoding, folders=False).items()
    title = DEFAULT_TITLE if args.file == "-" else f"{DEFAULT_TITLE}: {Path(source).name}"
    render = report_markdown if args.format == "md" else report_html
    page = render(text, model=load_model(args.model), title=title,
                  min_confidence=args.min_confidence, organisation=args.organisation)
    # Render first, open second: a failure never leaves an empty report behind.
    if args.out == "-":
        sys.stdout.write(page)
        return 0
    with open_output(args.out, force=args.force) as out:
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


def _min_confidence(value: str) -> float | None:
    """``--min-confidence``: a probability from 0 to 1; 0 switches the marks off."""
    from ._classify import check_min_confidence

    try:
        number = check_min_confidence(float(value))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error).replace("min_confidence", "--min-confidence")) from None
    return number or None


def _non_negative_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not number >= 0:
        raise argparse.ArgumentTypeError(f"expected a number of 0 or more, got {value!r}")
    return number


def _cmd_suggest(args) -> int:
    from ._inputs import read_texts
    from ._persist import load_model, model_provenance
    from ._suggest import suggest, write_suggestions_csv

    documents = read_texts(args.files, encoding=args.encoding)
    model = load_model(args.model)
    picks = suggest(documents, n=args.n, model=model, diversity=args.diversity)
    if not picks:
        raise DataError(
            "no sentences to suggest: every sentence of the input is empty, repeated "
            "or already in the bundled dataset"
        )
    # Choose first, open second: a failure never leaves an empty file behind.
    to_stdout = args.out == "-"
    out = sys.stdout if to_stdout else open_output(args.out, force=args.force)
    try:
        write_suggestions_csv(picks, out, escape_formulas=not args.raw_csv, model_info=model_provenance(model))
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


def _encoding(value: str) -> str:
    try:
        return check_encoding(value)
    except LookupError:
        raise argparse.ArgumentTypeError(
            f"unknown encoding {value!r}; use a Python codec name such as cp1252, latin-1 or utf-16"
        ) from None


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
    parser.add_argument("--version", action="version", version=f"casey-nlp {__version__}")
    encoding = argparse.ArgumentParser(add_help=False)
    encoding.add_argument("--encoding", type=_encoding, metavar="CODEC",
                          help="encoding of the input files and stdin, e.g. cp1252 or latin-1 (default: UTF-8)")
    raw_csv = argparse.ArgumentParser(add_help=False)
    raw_csv.add_argument("--raw-csv", action="store_true",
                         help="write CSV text cells as they are, without the ' that stops spreadsheets "
                              "from running cells beginning with = + - @ as formulas")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    classify = commands.add_parser("classify", parents=[encoding, raw_csv],
                                   help="tag the sentences of press releases")
    classify.add_argument("files", nargs="*", default=["-"], metavar="FILE",
                          help="text files or folders (their *.txt files, any case) to tag; "
                               "- (the default) reads stdin")
    classify.add_argument("--format", choices=("table", "json", "jsonl", "csv"), default="table",
                          help="output: a readable table (default); json or jsonl, one object per "
                               "document with its sentences; csv, one row per sentence")
    classify.add_argument("--input-format", choices=("text", "jsonl"), default="text",
                          help="what each file and stdin hold: one document (default), or JSON lines, "
                               "one object with 'id' and 'text' per line (folders: their *.jsonl files)")
    classify.add_argument("--explain", action="store_true",
                          help="show the cues that pushed each sentence towards its label and away "
                               "from the runner-up")
    classify.add_argument("--jobs", type=_jobs, default=1, metavar="N",
                          help="worker processes for large corpora (default 1; -1 for all cores)")
    classify.add_argument("--model", help="a model saved with `casey-nlp train` (default: the shipped model)")
    classify.add_argument("--min-confidence", type=_min_confidence, default=None, metavar="P",
                          help="mark tags whose probability is below P (0 to 1) as unsure: "
                               "'?' after the label in the table, unsure=true in JSON and CSV")
    classify.add_argument("--no-extract", action="store_true",
                          help="skip speakers, addressees and figures (faster; their fields stay empty)")
    classify.set_defaults(run=_cmd_classify)

    train = commands.add_parser(
        "train", help="train a model on the bundled data plus your labelled CSV/JSONL files"
    )
    train.add_argument("--add", nargs="+", metavar="FILE", help="CSV (text,label[,doc_id][,lead_in]) or JSONL files")
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
    evaluate.add_argument("--extraction", action="store_true",
                          help="score the speaker, addressee and figure extractors and the digest's themes "
                               "against the hand annotations instead")
    evaluate.add_argument("--subset", choices=("held-out", "development", "all"), default="held-out",
                          help="with --extraction: the annotated half the rules were not developed on "
                               "(default), the half they were, or both")
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
        "suggest", parents=[encoding, raw_csv], help="pick the sentences whose labels would help the model most (active learning)"
    )
    suggest.add_argument("files", nargs="+", metavar="FILE",
                         help="documents to choose from (text files, or folders of *.txt); - reads stdin")
    suggest.add_argument("--n", type=_positive_int, default=20, help="how many sentences (default: 20)")
    suggest.add_argument("--out", required=True,
                         help="CSV to write (text,label,guess,confidence,source,lead_in); - for stdout")
    suggest.add_argument("--diversity", type=_non_negative_float, default=0.5,
                         help="penalty on picks similar to earlier picks; 0 is plain uncertainty (default: 0.5)")
    suggest.add_argument("--model", help="a model saved with `casey-nlp train` (default: the shipped model)")
    suggest.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    suggest.set_defaults(run=_cmd_suggest)

    report = commands.add_parser(
        "report", parents=[encoding], help="an annotated HTML (or Markdown) report of one press release"
    )
    report.add_argument("file", metavar="FILE", help="the press release (a text file); - reads stdin")
    report.add_argument("--out", required=True, help="where to write the report; - for stdout")
    report.add_argument("--format", choices=("html", "md"), default="html",
                        help="a self-contained HTML page (default) or Markdown")
    report.add_argument("--model", help="a model saved with `casey-nlp train` (default: the shipped model)")
    report.add_argument("--min-confidence", type=_min_confidence, default=0.6, metavar="P",
                        help="mark tags whose probability is below P as unsure (default: 0.6; 0 for no marks)")
    report.add_argument("--organisation", metavar="NAME",
                        help="who issued the release: credited with sentences outside quotations")
    report.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    report.set_defaults(run=_cmd_report)

    from ._digest import DEFAULT_TITLE as DIGEST_TITLE

    digest = commands.add_parser(
        "digest", parents=[encoding, raw_csv],
        help="a digest of many statements: demands by organisation and addressee, themes, figures cited",
    )
    digest.add_argument("files", nargs="+", metavar="FILE",
                        help="text files or folders (their *.txt files); - reads stdin")
    digest.add_argument("--out", required=True, help="where to write the digest; - for stdout")
    digest.add_argument("--format", choices=("html", "md", "json", "csv"), default=None,
                        help="a self-contained HTML page, Markdown, JSON, or CSV (one row per demand and per "
                             "figure); default: from the --out suffix, else html")
    digest.add_argument("--themes", type=_positive_int, default=None, metavar="N",
                        help="group the demands into N themes, plus one for demands that name no specific change "
                             "(default: chosen from the number of demands)")
    digest.add_argument("--title", default=DIGEST_TITLE, help=f"the digest's title (default: {DIGEST_TITLE!r})")
    digest.add_argument("--input-format", choices=("text", "jsonl"), default="text",
                        help="what each file holds: one document (default), or JSON lines with 'id' and 'text'")
    digest.add_argument("--jobs", type=_jobs, default=1, metavar="N",
                        help="worker processes for large corpora (default 1; -1 for all cores)")
    digest.add_argument("--model", help="a model saved with `casey-nlp train` (default: the shipped model)")
    digest.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    digest.set_defaults(run=_cmd_digest)
    return parser


def _utf8_streams():
    """Write UTF-8 whatever the locale: tags of a text with an emoji must not crash on cp1252."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            # backslashreplace only matters for file names with undecodable bytes.
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def _check_outputs(args):
    """Refuse an --out that cannot or must not be written, before any work is done."""
    out = getattr(args, "out", "-")
    if args.command == "train":
        from ._modelfile import check_writable

        check_writable(out, overwrite=args.force)
    elif out != "-":
        check_output_path(out, force=args.force)


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    _utf8_streams()
    args = _parser().parse_args(argv)
    from ._persist import ModelError

    try:
        _check_outputs(args)
        return args.run(args)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, like other Unix tools.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (DataError, ModelError, OSError) as error:
        print(f"casey-nlp: error: {error}", file=sys.stderr)
        return 1
