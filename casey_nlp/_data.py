"""The bundled statements and labelled dataset, loaded like ``sklearn.datasets``."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import NamedTuple

from ._labels import LABELS
from ._resources import data_dir

__all__ = ["DataError", "load_dataset", "load_statements"]

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
            items.append(Sentence(text, 0, len(text), True, True, lead_in) if lead_in else text)
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


class LabelledRow(NamedTuple):
    """One training example and where it came from.

    ``item`` is what the model sees: the ``Sentence`` (with its list context)
    for bundled rows, the plain text for users' rows. ``group`` is the
    document; ``subset`` is "statements", "written" or "user"; ``writer`` and
    ``genre`` come from the bundled manifests (empty for users' rows).
    ``in_document`` is False for a user's row without ``doc_id``: its group
    (the file) serves evaluation folds, but its neighbours in the file are not
    its context.
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


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")  # tolerates a UTF-8 byte-order mark
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataError(
            f"{path}, line {line}: bytes that are not UTF-8 (at byte {error.start}); "
            "re-save the file as UTF-8"
        ) from None


def _user_records(path: Path, text: str):
    """Yield ``(line, record)`` from a CSV or JSONL file of labelled sentences."""
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        import json

        # split("\n"), not splitlines(): U+2028 and friends may sit inside JSON strings.
        for line, content in enumerate(text.split("\n"), start=1):
            if not content.strip():
                continue
            try:
                record = json.loads(content)
            except json.JSONDecodeError as error:
                raise DataError(f"{path}, line {line}: not valid JSON ({error.msg})") from None
            if not isinstance(record, dict):
                raise DataError(f"{path}, line {line}: expected a JSON object with 'text' and 'label'")
            missing = [c for c in USER_COLUMNS if c not in record]
            if missing:
                raise DataError(f"{path}, line {line}: missing field(s) {', '.join(missing)}")
            yield line, record
        return
    import io

    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = [f.strip() for f in (reader.fieldnames or ())]
    reader.fieldnames = fields
    missing = [c for c in USER_COLUMNS if c not in fields]
    if missing:
        raise DataError(
            f"{path}, line 1: missing column(s) {', '.join(missing)}; "
            "the header needs text,label (and optionally doc_id)"
        )
    for record in reader:
        if None in record:
            raise DataError(
                f"{path}, line {reader.line_num}: more fields than the header; "
                'put text that contains commas in double quotes'
            )
        yield reader.line_num, record


def read_labelled(path) -> list[LabelledRow]:
    """Read and validate a CSV or JSONL file of labelled sentences.

    CSV needs columns ``text`` and ``label`` (``doc_id`` optional); JSONL needs
    one object per line with the same keys. A UTF-8 byte-order mark and CRLF
    line ends are fine. Rows without ``doc_id`` form one group named after the
    file, for leave-one-document-out evaluation.

    Raises
    ------
    DataError
        Naming the file and line: not UTF-8, missing column, empty text,
        unknown label (listing the valid ones), invalid JSON.
    """
    path = Path(path)
    try:
        text = _decode(path)
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory; pass a CSV or JSONL file") from None
    rows = []
    for line, record in _user_records(path, text):
        where = f"{path}, line {line}"
        sentence = record.get("text")
        label = record.get("label")
        if not isinstance(sentence, str) or not sentence.strip():
            raise DataError(f"{where}: empty text; every row needs a sentence")
        label = label.strip() if isinstance(label, str) else label
        if label in ("", None):
            raise DataError(
                f"{where}: label is blank; fill in every label (or delete the row) "
                f"before training, with one of {', '.join(LABELS)}"
            )
        if label not in LABELS:
            raise DataError(
                f"{where}: unknown label {label!r}; use one of {', '.join(LABELS)}"
            )
        doc_id = record.get("doc_id")
        in_document = doc_id not in (None, "")
        group = str(doc_id).strip() if in_document else f"user:{path.name}"
        rows.append(LabelledRow(sentence.strip(), label, group, f"{path}, line {line}", sentence.strip(),
                                in_document=in_document))
    if not rows:
        raise DataError(f"{path}: no labelled rows; add lines of text,label")
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


def training_rows(extra=None, *, include_bundled=True) -> list[LabelledRow]:
    """Combine the bundled data with users' files or rows, refusing conflicts.

    ``extra`` is a path, a list of paths, or a list of ``(text, label)`` /
    ``(text, label, doc_id)`` tuples. A user's sentence that appears
    elsewhere in the combined data with another label is refused, listing
    every conflict: fix the labels, or pass ``include_bundled=False`` to
    replace the bundled data instead of adding to it.
    """
    rows = bundled_rows() if include_bundled else []
    if extra is not None:
        if isinstance(extra, (str, Path)):
            extra = [extra]
        for item in extra:
            if isinstance(item, (str, Path)):
                rows.extend(read_labelled(item))
            else:
                rows.append(_row_from_tuple(item, len(rows)))
    if not rows:
        raise DataError("no training data: include the bundled data or pass extra rows")
    _refuse_conflicts(rows)
    return rows


def _row_from_tuple(item, index) -> LabelledRow:
    text, label, *rest = item
    where = f"extra row {index}"
    if not isinstance(text, str) or not text.strip():
        raise DataError(f"{where}: empty text")
    if label not in LABELS:
        raise DataError(f"{where}: unknown label {label!r}; use one of {', '.join(LABELS)}")
    in_document = bool(rest) and rest[0] not in (None, "")
    group = str(rest[0]) if in_document else "user:rows"
    return LabelledRow(text.strip(), label, group, where, text.strip(), in_document=in_document)


def _refuse_conflicts(rows) -> None:
    # Bundled rows were labelled in their document, so the same short line
    # (a heading, say) may rightly carry different labels in two documents;
    # only conflicts that involve a user's row are refused.
    first_seen: dict[str, list[LabelledRow]] = {}
    conflicts = []
    for row in rows:
        seen = first_seen.setdefault(" ".join(row.text.split()), [])
        for other in seen:
            if other.label != row.label and "user" in (row.subset, other.subset):
                conflicts.append(
                    f"{row.source}: {row.text[:60]!r} is labelled {row.label!r} "
                    f"but {other.label!r} at {other.source}"
                )
                break
        seen.append(row)
    if conflicts:
        raise DataError(
            f"{len(conflicts)} conflicting label(s); fix them, or drop the bundled data "
            "with include_bundled=False / --no-bundled:\n  " + "\n  ".join(conflicts)
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
    """A SHA-256 of what a model is trained on: the rows (text, label, group), and the seeds if used."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update("\x1f".join(row[:3]).encode("utf-8") + b"\x1e")
    if seeds:
        for item, label in zip(*seed_examples()):
            lead_in = getattr(item, "lead_in", "")
            digest.update(f"seed\x1f{getattr(item, 'text', item)}\x1f{lead_in}\x1f{label}".encode("utf-8") + b"\x1e")
    return digest.hexdigest()
