"""The bundled statements and labelled dataset, loaded like ``sklearn.datasets``."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from ._labels import LABELS
from ._resources import data_dir

__all__ = ["DataError", "load_dataset", "load_statements"]

DATASET_FILE = "sentences.csv"
MANIFEST_FILE = "manifest.csv"
DATASET_COLUMNS = ("id", "doc_id", "position", "start", "end", "text", "label", "note")
MANIFEST_COLUMNS = ("doc_id", "file", "organisation", "title", "date", "kind", "sha256")


class DataError(ValueError):
    """A data file is missing, malformed or inconsistent; the message names it."""


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


def _manifest(folder: Path) -> list[dict]:
    return [row for _, row in _read_csv(folder / MANIFEST_FILE, MANIFEST_COLUMNS)]


def load_statements() -> dict[str, str]:
    """The raw text of the five bundled statements, keyed by document id.

    Each file is checked against the SHA-256 recorded in ``data/manifest.csv``.

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
    folder = data_dir()
    statements = {}
    for entry in _manifest(folder):
        path = folder / entry["file"]
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise DataError(
                f"{path}: statement file not found; reinstall casey_nlp"
            ) from None
        if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
            raise DataError(
                f"{path}: contents differ from the SHA-256 in {MANIFEST_FILE}; "
                "the statements are the source of truth, restore the original file"
            )
        statements[entry["doc_id"]] = raw.decode("utf-8")
    return statements


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
                "the dataset has drifted from its source statement"
            )
        rows.append({**row, "position": position, "start": start, "end": end})
    return rows


def load_dataset(*, return_X_y: bool = False, as_frame: bool = False):
    """Load the labelled sentences of the five Casey Review statements.

    Every sentence of every bundled statement is one sample, labelled
    ``demand``, ``finding``, ``statistic``, ``case_study`` or ``other``
    following ``data/GUIDELINE.md``. Rows are in document order.

    Parameters
    ----------
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
        ``documents`` (manifest rows with each statement's ``text``),
        ``frame`` (None unless ``as_frame``) and ``DESCR`` (the data card).
    (texts, labels) : tuple of lists
        If ``return_X_y`` is True.

    Raises
    ------
    DataError
        If a bundled file is missing, malformed or no longer matches its
        source statement; the message names the file and line.

    Examples
    --------
    >>> from casey_nlp import load_dataset
    >>> bunch = load_dataset()
    >>> len(bunch.data) == len(bunch.target) == len(bunch.doc_ids)
    True
    >>> sorted(bunch.target_names)
    ['case_study', 'demand', 'finding', 'other', 'statistic']
    >>> texts, labels = load_dataset(return_X_y=True)
    """
    from sklearn.utils import Bunch

    folder = data_dir()
    statements = load_statements()
    rows = _parse_dataset(folder / DATASET_FILE, statements)
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
        frame = pd.DataFrame(rows, columns=list(DATASET_COLUMNS))
        texts, labels = frame["text"], frame["label"]
    if return_X_y:
        return texts, labels
    documents = [
        {**entry, "text": statements[entry["doc_id"]]} for entry in _manifest(folder)
    ]
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
        documents=documents,
        frame=frame,
        DESCR=(folder / "README.md").read_text(encoding="utf-8"),
    )
