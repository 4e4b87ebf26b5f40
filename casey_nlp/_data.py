"""The bundled statements and labelled dataset, loaded like ``sklearn.datasets``."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import NamedTuple

from ._labels import LABELS
from ._resources import data_dir
from ._spreadsheet import from_spreadsheet

DATASET_FILE = "sentences.csv"
SEED_FILE = "seed_examples.csv"
MANIFEST_FILE = "manifest.csv"
DATASET_COLUMNS = ("id", "doc_id", "position", "start", "end", "text", "label", "note")
MANIFEST_COLUMNS = ("doc_id", "file", "organisation", "title", "date", "sha256")

# subset name -> its folder under data/: the five public statements, and the
# documents written for casey_nlp. Each folder holds its own manifest.csv,
# sentences.csv and raw texts, checked the same way (data/README.md).
SUBSETS = {"statements": "", "written": "written"}
SUBSET_CHOICES = (*SUBSETS, "all")


class DataError(ValueError):
    """A data file is missing, malformed or inconsistent; the message names it."""


def subset_names(subset: str) -> list[str]:
    """The subsets behind ``subset`` ("statements", "written" or "all")."""
    if subset == "all":
        return list(SUBSETS)
    if subset not in SUBSETS:
        raise ValueError(f"subset={subset!r} is not known; use one of {', '.join(map(repr, SUBSET_CHOICES))}")
    return [subset]


def _read_csv(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    """Rows of a CSV file with their 1-based line numbers, checking the header."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in required if c not in (reader.fieldnames or ())]
            if missing:
                raise DataError(
                    f"{path}: missing column(s) {', '.join(missing)}; "
                    f"the header must contain {', '.join(required)}"
                )
            return [(reader.line_num, row) for row in reader]
    except FileNotFoundError:
        raise DataError(
            f"{path}: file not found; the bundled data is incomplete, reinstall casey_nlp"
        ) from None
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: not valid UTF-8 ({error.reason} at byte {error.start})") from None


def _subset_dir(name: str) -> Path:
    return data_dir() / SUBSETS[name]


def _documents(name: str) -> list[dict]:
    """Manifest rows of one subset, each with its checked ``text`` and ``subset``."""
    folder = _subset_dir(name)
    documents = []
    for entry in (row for _, row in _read_csv(folder / MANIFEST_FILE, MANIFEST_COLUMNS)):
        path = folder / entry["file"]
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise DataError(f"{path}: document file not found; reinstall casey_nlp") from None
        if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
            raise DataError(
                f"{path}: contents differ from the SHA-256 in {folder / MANIFEST_FILE}; "
                "the raw texts are the source of truth, restore the original file"
            )
        # The statements' manifest says "kind", the written corpus's "genre".
        genre = entry.get("genre") or entry.get("kind") or ""
        documents.append({**entry, "genre": genre, "subset": name, "text": raw.decode("utf-8")})
    return documents


def load_statements(subset: str = "statements") -> dict[str, str]:
    """The raw text of the bundled documents, keyed by document id.

    Each file is checked against the SHA-256 recorded in its manifest.

    Parameters
    ----------
    subset : {"statements", "written", "all"}, default="statements"
        The five public statements, the written corpus, or both.

    Returns
    -------
    dict of str to str
        ``{doc_id: text}`` in manifest order.

    Examples
    --------
    >>> from casey_nlp import load_statements
    >>> statements = load_statements()
    >>> len(statements)
    5
    >>> statements["refuge-casey-review"].splitlines()[0]
    'Refuge responds to the Baroness Casey Review'
    """
    return {d["doc_id"]: d["text"] for name in subset_names(subset) for d in _documents(name)}


def _parse_dataset(path: Path, statements: dict[str, str]) -> list[dict]:
    rows = []
    for line, row in _read_csv(path, DATASET_COLUMNS):
        where = f"{path}, line {line}"
        if row["label"] not in LABELS:
            raise DataError(
                f"{where}: unknown label {row['label']!r}; use one of {', '.join(LABELS)}"
            )
        if row["doc_id"] not in statements:
            raise DataError(f"{where}: unknown doc_id {row['doc_id']!r}; see {MANIFEST_FILE}")
        try:
            position, start, end = (int(row[key]) for key in ("position", "start", "end"))
        except ValueError:
            raise DataError(f"{where}: position, start and end must be integers") from None
        if statements[row["doc_id"]][start:end] != row["text"]:
            raise DataError(
                f"{where}: text does not match {row['doc_id']}[{start}:{end}]; "
                "the dataset has drifted from its source document"
            )
        rows.append({**row, "position": position, "start": start, "end": end})
    return rows


_SEED_CACHE: list = []


def seed_examples() -> tuple[list, list[str]]:
    """The seed sentences written from the guideline: ``(items, labels)``, read once.

    A seed with a ``lead_in`` is a list item, returned as a ``Sentence`` that
    carries that context; the others are plain strings.
    """
    if not _SEED_CACHE:
        from ._segment import Sentence

        path = data_dir() / SEED_FILE
        items, labels = [], []
        for line, row in _read_csv(path, ("text", "label", "lead_in")):
            if row["label"] not in LABELS:
                raise DataError(f"{path}, line {line}: unknown label {row['label']!r}; use one of {', '.join(LABELS)}")
            text, lead_in = row["text"], row["lead_in"]
            items.append(Sentence(text, 0, len(text), list_item=True, lead_in=lead_in) if lead_in else text)
            labels.append(row["label"])
        _SEED_CACHE.append((items, labels))
    items, labels = _SEED_CACHE[0]
    return list(items), list(labels)


def load_dataset(*, subset: str = "statements", return_X_y: bool = False, as_frame: bool = False):
    """Load labelled sentences: the five Casey Review statements, the written corpus, or both.

    Every sentence of every document in the subset is one sample, labelled
    ``demand``, ``finding``, ``statistic``, ``case_study`` or ``other``
    following ``data/GUIDELINE.md``. Rows are in document order.

    Parameters
    ----------
    subset : {"statements", "written", "all"}, default="statements"
        ``"statements"``: every sentence of the five public statements.
        ``"written"``: the corpus of documents written for casey_nlp in many
        genres and on many topics, each labelled by two independent
        annotators with disagreements settled by a third (see the data card).
        ``"all"``: both.
    return_X_y : bool, default=False
        If True, return ``(texts, labels)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``frame`` holds a pandas DataFrame of all columns and
        ``data``/``target`` are pandas Series (requires pandas, which is not
        a dependency of casey_nlp).

    Returns
    -------
    sklearn.utils.Bunch
        ``data`` (sentence texts), ``target`` (labels), ``target_names``,
        ``ids``, ``doc_ids``, ``positions``, ``starts``, ``ends``, ``notes``,
        ``subsets``, ``genres`` and ``writers`` (one per row; the writer is
        the organisation for the public statements), ``documents``
        (manifest rows with each document's ``text``), ``frame`` (None
        unless ``as_frame``) and ``DESCR`` (the data card).
    (texts, labels) : tuple of lists
        If ``return_X_y`` is True.

    Raises
    ------
    DataError
        If a bundled file is missing, malformed or no longer matches its
        source document; the message names the file and line.
    ValueError
        If ``subset`` is not one of the names above.

    Examples
    --------
    >>> from casey_nlp import load_dataset
    >>> bunch = load_dataset()
    >>> len(bunch.data) == len(bunch.target) == len(bunch.doc_ids)
    True
    >>> sorted(bunch.target_names)
    ['case_study', 'demand', 'finding', 'other', 'statistic']
    >>> sorted(set(load_dataset(subset="all").subsets))
    ['statements', 'written']
    >>> texts, labels = load_dataset(return_X_y=True)
    """
    from sklearn.utils import Bunch

    documents, rows = [], []
    for name in subset_names(subset):
        subset_documents = _documents(name)
        texts_by_id = {d["doc_id"]: d["text"] for d in subset_documents}
        by_id = {d["doc_id"]: d for d in subset_documents}
        for row in _parse_dataset(_subset_dir(name) / DATASET_FILE, texts_by_id):
            document = by_id[row["doc_id"]]
            rows.append({**row, "subset": name, "genre": document["genre"],
                         "writer": document.get("writer") or document["organisation"]})
        documents += subset_documents
    texts = [row["text"] for row in rows]
    labels = [row["label"] for row in rows]
    frame = None
    if as_frame:
        try:
            import pandas as pd
        except ImportError:
            raise ImportError(
                "load_dataset(as_frame=True) needs pandas: pip install pandas"
            ) from None
        frame = pd.DataFrame(rows, columns=[*DATASET_COLUMNS, "subset", "genre", "writer"])
        texts, labels = frame["text"], frame["label"]
    if return_X_y:
        return texts, labels
    return Bunch(
        data=texts,
        target=labels,
        target_names=list(LABELS),
        ids=[row["id"] for row in rows],
        doc_ids=[row["doc_id"] for row in rows],
        positions=[row["position"] for row in rows],
        starts=[row["start"] for row in rows],
        ends=[row["end"] for row in rows],
        notes=[row["note"] for row in rows],
        subsets=[row["subset"] for row in rows],
        genres=[row["genre"] for row in rows],
        writers=[row["writer"] for row in rows],
        documents=documents,
        frame=frame,
        DESCR=(data_dir() / "README.md").read_text(encoding="utf-8"),
    )


# --- Users' own labelled data -------------------------------------------------

USER_COLUMNS = ("text", "label")
OPTIONAL_USER_COLUMNS = ("doc_id", "lead_in")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
# One DataError lists this many problems, then "... and N more": enough to fix
# a batch at once without burying the terminal under a file of bad rows.
MAX_REPORTED = 20
# Fitting needs about 50 bytes of memory per byte of CSV (measured peaks:
# 0.67 GB for a 10 MB file, 1.5 GB for 30 MB, 2.2 GB for 49 MB); a larger file
# is refused before it is read, rather than exhausting the machine mid-fit.
MAX_FILE_BYTES = 50_000_000
EXTRA_TYPES = (
    "a file path, a list of paths, a list of (text, label[, doc_id[, lead_in]]) tuples, "
    "or a pandas DataFrame with text and label columns"
)


class LabelledRow(NamedTuple):
    """One training example and where it came from.

    ``item`` is what the model sees: the ``Sentence`` (with its list context)
    for bundled rows and for users' rows with a ``lead_in``, the plain text for
    other users' rows. ``group`` is the document; ``subset`` is "statements",
    "written" or "user"; ``writer`` and ``genre`` come from the bundled
    manifests (empty for users' rows). ``in_document`` is False for a user's
    row without ``doc_id``: its group (the file) serves evaluation folds, but
    its neighbours in the file are not its context. ``source`` is the file
    (or ``extra[3]``, ``bundled dataset, <id>``) and ``line`` the row's first
    line in that file (0 when it is not from a file).
    """

    text: str
    label: str
    group: str
    source: str
    item: object = None
    subset: str = "user"
    writer: str = ""
    genre: str = ""
    in_document: bool = True
    line: int = 0

    @property
    def where(self) -> str:
        """``FILE:LINE`` for a row from a file, else its source."""
        return f"{self.source}:{self.line}" if self.line else self.source


class _Problems:
    """Errors found in users' data, gathered so that one DataError lists them all."""

    def __init__(self):
        self.shown: list[str] = []
        self.count = 0

    def add(self, where, message: str) -> None:
        self.count += 1
        if len(self.shown) < MAX_REPORTED:  # the rest are only counted, however many
            self.shown.append(f"{where}: {message}")

    def raise_if_any(self) -> None:
        if self.count == 1:
            raise DataError(self.shown[0])
        if self.count:
            more = [f"... and {self.count - len(self.shown)} more"] if self.count > len(self.shown) else []
            raise DataError(
                f"{self.count} problems in the training data; fix them and try again:\n  "
                + "\n  ".join(self.shown + more)
            )


def _describe(value) -> str:
    """A value that should have been text, named as its JSON (or Python) type."""
    if isinstance(value, bool):
        return f"true/false ({value!r})"
    if isinstance(value, (int, float)):
        return f"a number ({value!r})"
    names = {list: "a list", tuple: "a list", dict: "an object"}
    return names.get(type(value), f"a {type(value).__name__}")


def _surrogate_problem(field: str, value: str) -> str | None:
    # A JSON escape such as "\ud800" decodes to a lone surrogate: a str that
    # cannot be written or hashed as UTF-8, which would fail after fitting.
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        return (
            f"{field} has an unpaired surrogate escape (\\u{ord(value[error.start]):04x} at character "
            f"{error.start + 1}), which is not a character; delete it, or write the character itself"
        )
    return None


def _label_problem(label) -> str | None:
    if label is None or (isinstance(label, str) and not label.strip()):
        return (
            "label is blank; fill in every label (or delete the row) "
            f"before training, with one of {', '.join(LABELS)}"
        )
    if not isinstance(label, str):
        return f"label is {_describe(label)}; use one of {', '.join(LABELS)}"
    label = label.strip()
    if label in LABELS:
        return None
    import difflib

    guess = label.casefold().replace(" ", "_").replace("-", "_")
    close = [guess] if guess in LABELS else difflib.get_close_matches(guess, LABELS, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? Use" if close else "use"
    return f"unknown label {label!r}; {hint} one of {', '.join(LABELS)}"


def _checked_row(where, record: dict, problems: _Problems):
    """``(text, label, doc_id, lead_in)`` of one user's row, or None after reporting every problem in it."""
    found = problems.count
    text, label = record.get("text"), record.get("label")
    if text is None:
        problems.add(where, "no text; every row needs a sentence (delete the row if it has none)")
    elif not isinstance(text, str):
        problems.add(where, f"text is {_describe(text)}, not a sentence; write the sentence as text "
                            "(in JSON, inside double quotes)")
    elif not text.strip():
        problems.add(where, "empty text; every row needs a sentence (delete the row if it has none)")
    problem = _label_problem(label)
    if problem:
        problems.add(where, problem)
    doc_id, lead_in = record.get("doc_id"), record.get("lead_in")
    if isinstance(doc_id, (int, float)) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if doc_id is not None and not isinstance(doc_id, str):
        problems.add(where, f"doc_id is {_describe(doc_id)}; write the document's name as text, or leave it empty")
    if lead_in is not None and not isinstance(lead_in, str):
        problems.add(where, f"lead_in is {_describe(lead_in)}; write the sentence that introduces the list "
                            "as text, or leave it empty")
    for field, value in (("text", text), ("doc_id", doc_id), ("lead_in", lead_in)):
        problem = isinstance(value, str) and _surrogate_problem(field, value)
        if problem:
            problems.add(where, problem)
    if problems.count > found:
        return None
    return text.strip(), label.strip(), (doc_id or "").strip(), (lead_in or "").strip()


class _RowMaker:
    """Turns checked rows into LabelledRows, sharing the strings that repeat from row to row."""

    def __init__(self, source: str, default_group: str):
        from ._segment import Sentence

        self.source, self.default_group, self.sentence = source, default_group, Sentence
        self.shared = {label: label for label in LABELS}  # also interns doc_ids and lead-ins

    def __call__(self, checked, line=0) -> LabelledRow:
        text, label, doc_id, lead_in = checked
        share = self.shared.setdefault
        # A lead-in makes the row the list item it was in its document, read
        # with that context, as the bundled list items and seed examples are.
        item = self.sentence(text, 0, len(text), list_item=True, lead_in=share(lead_in, lead_in)) if lead_in else text
        group = share(doc_id, doc_id) if doc_id else self.default_group
        return LabelledRow(text, share(label, label), group, self.source, item, in_document=bool(doc_id), line=line)


def _lines(path: Path, handle, problems: _Problems):
    """The file's lines one at a time, line ends kept, decoded from UTF-8 (a byte-order mark is dropped)."""
    import codecs

    for number, raw in enumerate(handle, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as error:
            problems.add(f"{path}:{number}", f"bytes that are not UTF-8 (at byte {error.start + 1} of the line); "
                                             "re-save the file as UTF-8")
            yield raw.decode("utf-8", "replace")  # so that the rest of the file is still checked


# Messages of the csv module, by a fragment of them, and what they mean for a user.
_CSV_ERRORS = {
    "unexpected end of data": "a double quote opens a field that is never closed (the rest of the file "
    'was read into it); close the quote, and write a quote inside text as two ("")',
    "expected after '\"'": "text goes on after the double quote that closes a field; put the whole "
    'field in double quotes and write a quote inside text as two ("")',
    "new-line character seen in unquoted field": "a bare carriage return (CR) inside a field; put the "
    "field in double quotes, or remove the CR (save the file with LF or CRLF line ends)",
}


def _csv_records(path: Path, lines, problems: _Problems):
    """Yield ``(first line, record)`` per CSV row, reporting unreadable rows and going on."""
    reader = csv.reader(lines, strict=True)  # strict: a stray quote is an error, not a merged row
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as error:
        problems.add(f"{path}:1", f"unreadable header ({error}); the first line must be text,label")
        return
    if not header:
        empty = reader.line_num == 0
        problems.add(path if empty else f"{path}:1", f"{'empty file' if empty else 'the first line is blank'}; "
                                                     "the first line must be the header text,label")
        return
    missing = [name for name in USER_COLUMNS if name not in header]
    if missing:
        problems.add(f"{path}:1", _header_problem(header, missing))
        return
    columns = {name: header.index(name) for name in (*USER_COLUMNS, *OPTIONAL_USER_COLUMNS) if name in header}
    while True:
        first_line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            why = next((text for fragment, text in _CSV_ERRORS.items() if fragment in str(error)), None)
            problems.add(f"{path}:{first_line}", why or f"unreadable row ({error}); check its quotes")
            continue
        if not fields:
            continue  # a blank line
        if any(field.strip() for field in fields[len(header):]):
            problems.add(f"{path}:{first_line}", "more fields than the header; put text that contains "
                                                 "commas in double quotes")
            continue
        # Cells escaped for spreadsheets by casey_nlp's own CSVs (suggest) are read back as written.
        yield first_line, {
            name: from_spreadsheet(fields[i]) if i < len(fields) else None for name, i in columns.items()
        }


def _header_problem(header: list[str], missing: list[str]) -> str:
    line = ",".join(header)
    for delimiter, name in ((";", "semicolon"), ("\t", "tab")):
        if all(column in (part.strip() for part in line.split(delimiter)) for column in USER_COLUMNS):
            return f"looks {name}-separated; save it as comma-separated CSV (in a spreadsheet: Save As, CSV UTF-8)"
    near = {name: cell for name in missing for cell in header if cell.lower() == name}
    if near:
        renames = ", ".join(f"{cell!r} to {name!r}" for name, cell in near.items())
        return f"column names are lower case: rename {renames} in the header"
    return (
        f"missing column(s) {', '.join(missing)}; "
        "the header needs text,label (and optionally doc_id, lead_in)"
    )


def json_limit_problem(error: Exception) -> str:
    """What a JSON line that parses but exceeds Python's limits is, in one line.

    ``json.loads`` raises a plain ValueError for an integer of more than
    4,300 digits (Python's int-string limit) and RecursionError for
    nesting deeper than the interpreter's stack; neither is a
    JSONDecodeError, yet both are one bad line, not a reason to stop.
    """
    if isinstance(error, RecursionError):
        return "JSON nested too deeply to read"
    if "integer string conversion" in str(error):
        return "a JSON number too long to read (more than 4,300 digits)"
    return "not readable as JSON (" + " ".join(str(error).split()) + ")"


def _jsonl_records(path: Path, lines, problems: _Problems):
    """Yield ``(line, record)`` per JSON object, reporting the lines that are not one and going on."""
    import json

    # Lines end at "\n" only: U+2028 and friends may sit inside JSON strings.
    for number, content in enumerate(lines, start=1):
        if not content.strip():
            continue
        where = f"{path}:{number}"
        if content.lstrip().startswith("["):
            problems.add(where, "a JSON array; write one object per line (JSON Lines), "
                                'such as {"text": "...", "label": "demand"}')
            continue
        try:
            record = json.loads(content)
        except json.JSONDecodeError as error:
            problems.add(where, f"not valid JSON ({error.msg}, column {error.colno}); write one object per line, "
                                'such as {"text": "...", "label": "demand"}')
            continue
        except (ValueError, RecursionError) as error:  # too-long number, too-deep nesting: still just a bad line
            problems.add(where, f"{json_limit_problem(error)}; write one flat object per line, "
                                'such as {"text": "...", "label": "demand"}')
            continue
        if not isinstance(record, dict):
            problems.add(where, 'expected a JSON object with "text" and "label", such as '
                                '{"text": "...", "label": "demand"}')
            continue
        yield number, record


class _FieldSizeLimit:
    """Let the csv module read fields as long as the file, restoring its limit afterwards."""

    def __init__(self, size: int):
        import sys

        self.size = min(max(size, csv.field_size_limit()), sys.maxsize)

    def __enter__(self):
        self.before = csv.field_size_limit(self.size)

    def __exit__(self, *exc):
        csv.field_size_limit(self.before)


def _read_file(path: Path, problems: _Problems, rows: list) -> None:
    """Append the rows of one CSV or JSONL file to ``rows``, reporting every problem to ``problems``."""
    found, before = problems.count, len(rows)
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        problems.add(path, "file not found; check the path")
        return
    except IsADirectoryError:
        problems.add(path, "is a directory; pass a CSV or JSONL file")
        return
    except PermissionError:
        problems.add(path, "cannot be read (permission denied)")
        return
    with handle:
        import os

        size = os.fstat(handle.fileno()).st_size
        if size > MAX_FILE_BYTES:
            problems.add(path, f"{size / 1e6:.1f} MB is over the {MAX_FILE_BYTES / 1e6:g} MB limit for training data "
                               "(training needs about 50 times the file's size in memory); train on a sample "
                               "of the rows, or a few files of the rows that matter most")
            return
        lines = _lines(path, handle, problems)
        jsonl = path.suffix.lower() in JSONL_SUFFIXES
        records = _jsonl_records(path, lines, problems) if jsonl else _csv_records(path, lines, problems)
        make_row = _RowMaker(str(path), f"user:{path.name}")
        with _FieldSizeLimit(size):
            for line, record in records:
                checked = _checked_row(f"{path}:{line}", record, problems)
                if checked is not None:
                    rows.append(make_row(checked, line))
    if len(rows) == before and problems.count == found:
        header = "one JSON object per line" if jsonl else "lines of text,label under the header"
        problems.add(path, f"no labelled rows; add {header}")


def read_labelled(path) -> list[LabelledRow]:
    """Read and validate a CSV or JSONL file of labelled sentences.

    CSV needs columns ``text`` and ``label``, and may have ``doc_id`` and
    ``lead_in``; JSONL needs one object per line with the same keys. A row
    with a ``lead_in`` (the sentence that introduces its list, as in the CSV
    that ``suggest`` writes) is a list item read with that context. A UTF-8
    byte-order mark, CRLF line ends and fields of any length are fine.
    Rows without ``doc_id`` form one group named after the file, for
    leave-one-document-out evaluation. The file is read a line at a time.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    list of LabelledRow

    Raises
    ------
    DataError
        Listing every problem (up to 20, then how many more), each as
        ``FILE:LINE: what is wrong; how to fix it``: not UTF-8, missing column
        or wrong delimiter, unclosed quote, empty or non-text text, blank or
        unknown label, invalid JSON, unpaired surrogate escape, file over
        ``MAX_FILE_BYTES`` (50 MB).
    """
    problems, rows = _Problems(), []
    _read_file(Path(path), problems, rows)
    problems.raise_if_any()
    return rows


def context_groups(rows) -> list[str]:
    """The document each row is read in by the context stage.

    A row's ``group`` when it belongs to a document; a row without one
    (a user's row with no ``doc_id``) is a document of its own, since the
    lines around it in its file are not its context.
    """
    return [row.group if row.in_document else f"{row.source}#{i}" for i, row in enumerate(rows)]


def bundled_rows(subset: str = "all") -> list[LabelledRow]:
    """The bundled labelled sentences as training rows, grouped by document, in document order."""
    from ._segment import split_sentences

    bunch = load_dataset(subset=subset)
    segmented = {d["doc_id"]: split_sentences(d["text"]) for d in bunch.documents}
    return [
        LabelledRow(text, label, doc_id, f"bundled dataset, {sid}", segmented[doc_id][position], name, writer, genre)
        for text, label, doc_id, sid, position, name, writer, genre in zip(
            bunch.data, bunch.target, bunch.doc_ids, bunch.ids, bunch.positions,
            bunch.subsets, bunch.writers, bunch.genres,
        )
    ]


def _is_dataframe(value) -> bool:
    # Looked at by module name first: pandas is imported only for what may be a DataFrame.
    if not type(value).__module__.startswith("pandas"):
        return False
    import pandas

    if not isinstance(value, pandas.DataFrame):
        raise TypeError(f"extra is a pandas {type(value).__name__}; pass {EXTRA_TYPES}")
    return True


def _extra_entries(extra) -> list:
    """``extra`` as a list of paths, row tuples and DataFrames; a TypeError says what to pass instead."""
    import os

    if extra is None:
        return []
    if isinstance(extra, (str, os.PathLike)) or _is_dataframe(extra):
        return [extra]
    if isinstance(extra, (bytes, bytearray, dict)) or not hasattr(extra, "__iter__"):
        raise TypeError(f"extra is {type(extra).__name__}; pass {EXTRA_TYPES}")
    if isinstance(extra, tuple) and len(extra) >= 2 and extra[1] in LABELS:
        raise TypeError(f"extra is one (text, label) tuple; pass a list of them, such as [{extra!r}]")
    entries = list(extra)
    for i, entry in enumerate(entries):
        if isinstance(entry, (str, os.PathLike)) or _is_dataframe(entry):
            continue
        if not isinstance(entry, (tuple, list)) or not 2 <= len(entry) <= 4:
            raise TypeError(
                f"extra[{i}] is {type(entry).__name__}"
                + (f" of length {len(entry)}" if isinstance(entry, (tuple, list)) else "")
                + f"; pass {EXTRA_TYPES}"
            )
    return entries


def _dataframe_rows(frame, problems: _Problems, rows: list) -> None:
    import math

    import pandas

    columns = [name for name in (*USER_COLUMNS, *OPTIONAL_USER_COLUMNS) if name in frame.columns]
    missing = [name for name in USER_COLUMNS if name not in columns]
    if missing:
        problems.add("extra DataFrame", f"missing column(s) {', '.join(missing)}; it needs text and label "
                                        "columns (doc_id and lead_in are optional)")
        return

    def cell(value):  # an empty cell is NaN (or NA) in pandas, None in a record
        missing_value = value is None or value is pandas.NA or (isinstance(value, float) and math.isnan(value))
        return None if missing_value else value

    values = {name: frame[name].tolist() for name in columns}
    make_row = _RowMaker("extra DataFrame", "user:DataFrame")
    for position, index in enumerate(frame.index):
        record = {name: cell(values[name][position]) for name in columns}
        checked = _checked_row(f"extra DataFrame, index {index!r}", record, problems)
        if checked is not None:
            rows.append(make_row(checked)._replace(source=f"extra DataFrame, index {index!r}"))


def training_rows(extra=None, *, include_bundled=True) -> list[LabelledRow]:
    """Combine the bundled data with users' files or rows, refusing conflicts.

    Everything is checked before any training: every problem in every file,
    and every user's sentence that appears elsewhere in the combined data
    with another label, is listed in one DataError (up to 20 of them).
    Repeated rows (same sentence, list lead-in and label) are kept, with a
    warning listing them.

    Parameters
    ----------
    extra : path, list of paths or tuples, or pandas DataFrame, optional
        CSV or JSONL files (see :func:`read_labelled`), ``(text, label)``,
        ``(text, label, doc_id)`` or ``(text, label, doc_id, lead_in)``
        tuples, or a DataFrame with ``text`` and ``label`` columns
        (``doc_id`` and ``lead_in`` optional).
    include_bundled : bool, default=True
        Start from the bundled data; False replaces it with ``extra``.

    Returns
    -------
    list of LabelledRow

    Raises
    ------
    DataError
        Problems in the data, or conflicting labels: fix the labels, or pass
        ``include_bundled=False`` to replace the bundled data instead of
        adding to it.
    TypeError
        If ``extra`` is none of the above.
    """
    entries = _extra_entries(extra)
    problems, user_rows = _Problems(), []
    tuples = _RowMaker("extra", "user:rows")
    for i, entry in enumerate(entries):
        if isinstance(entry, (tuple, list)):
            text, label, *rest = entry
            record = dict(zip(("text", "label", "doc_id", "lead_in"), (text, label, *rest)))
            checked = _checked_row(f"extra[{i}]", record, problems)
            if checked is not None:
                user_rows.append(tuples(checked)._replace(source=f"extra[{i}]"))
        elif _is_dataframe(entry):
            _dataframe_rows(entry, problems, user_rows)
        else:
            _read_file(Path(entry), problems, user_rows)
    rows = (bundled_rows() if include_bundled else []) + user_rows
    if not rows and not problems.count:
        raise DataError("no training data: include the bundled data or pass extra rows")
    _check_repeats(rows, problems)
    problems.raise_if_any()
    return rows


def _check_repeats(rows, problems: _Problems) -> None:
    """Report a user's sentence labelled otherwise elsewhere; warn about repeated rows."""
    # Bundled rows were labelled in their document, so the same short line
    # (a heading, say) may rightly carry different labels in two documents;
    # only conflicts that involve a user's row are refused. A list item is
    # keyed with its lead-in, which can rightly change its label.
    first: dict = {}  # sentence -> index of its first row
    by_label: dict = {}  # sentence seen twice -> {label: index of a row with it, a user's if any}
    repeats, n_repeats = [], 0
    for i, row in enumerate(rows):
        text = " ".join(row.text.split())
        lead_in = getattr(row.item, "lead_in", "")
        key = (text, lead_in) if lead_in else (row.text if text == row.text else text)
        j = first.setdefault(key, i)
        if j == i:
            continue
        seen = by_label.setdefault(key, {rows[j].label: j})
        user = row.subset == "user"
        conflict = next((k for label, k in seen.items() if label != row.label and (user or rows[k].subset == "user")), None)
        if conflict is not None:
            other = rows[conflict]
            problems.add(row.where, f"{row.text[:60]!r} is labelled {row.label!r} but {other.label!r} at "
                                    f"{other.where}; give both the same label, or drop the bundled data "
                                    "with include_bundled=False / --no-bundled")
        elif user and row.label in seen and rows[seen[row.label]].subset == "user":
            # Only the user's own repeats: a line such as "ENDS" that the
            # bundled documents also hold is not a mistake in the user's file.
            n_repeats += 1
            if len(repeats) < MAX_REPORTED:
                repeats.append(f"{row.where} repeats {rows[seen[row.label]].where}")
        if row.label not in seen or (user and rows[seen[row.label]].subset != "user"):
            seen[row.label] = i
    if n_repeats:
        import warnings

        more = [f"... and {n_repeats - len(repeats)} more"] if n_repeats > len(repeats) else []
        warnings.warn(
            f"{n_repeats} repeated row(s) (same sentence and label), each counted again in training; "
            "delete the repeats unless you mean to weight them:\n  " + "\n  ".join(repeats + more),
            UserWarning, stacklevel=3,
        )


def bundled_data_sha256() -> str:
    """A SHA-256 of the bundled training data files, read as bytes (a few milliseconds).

    Covers each subset's manifest (which holds every raw text's own SHA-256)
    and labelled sentences, and the seed examples: the shipped model records
    it, and loading compares it without re-reading and re-segmenting the data.
    """
    digest = hashlib.sha256()
    for name in SUBSETS:
        for file in (MANIFEST_FILE, DATASET_FILE):
            digest.update(f"{name}/{file}\x1f".encode("utf-8") + (_subset_dir(name) / file).read_bytes())
    digest.update(b"seeds\x1f" + (data_dir() / SEED_FILE).read_bytes())
    return digest.hexdigest()


def training_data_hash(rows, seeds: bool) -> str:
    """A SHA-256 of what a model is trained on: the rows (text, label, group, a user's lead-in), and the seeds if used."""
    digest = hashlib.sha256()
    for row in rows:
        # Only users' lead-ins are added: bundled rows hash as they always
        # have, so the shipped model's recorded hash still matches a rebuild.
        lead_in = getattr(row.item, "lead_in", "") if row.subset == "user" else ""
        digest.update("\x1f".join((*row[:3], lead_in) if lead_in else row[:3]).encode("utf-8") + b"\x1e")
    if seeds:
        for item, label in zip(*seed_examples()):
            lead_in = getattr(item, "lead_in", "")
            digest.update(f"seed\x1f{getattr(item, 'text', item)}\x1f{lead_in}\x1f{label}".encode("utf-8") + b"\x1e")
    return digest.hexdigest()
