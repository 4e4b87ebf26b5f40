"""Writing results: where they may go, spreadsheet-safe CSV cells, and records of tagged documents."""

from __future__ import annotations

import os
from pathlib import Path

from ._data import DataError
from ._spreadsheet import spreadsheet_safe

def check_output_path(path, *, force: bool = False, option: str = "--out") -> Path:
    """Refuse, before any work is done, an output path that cannot or must not be written.

    The one place where the command line decides whether a file may be
    written: its folder must exist, it must not be a folder, and an existing
    file is only replaced with ``force``.

    Parameters
    ----------
    path : str or Path
        ``"-"`` (stdout) is always accepted.
    force : bool, default=False
        Whether an existing file may be replaced.
    option : str, default="--out"
        The option that named the path, for messages.

    Returns
    -------
    Path

    Raises
    ------
    DataError
        One line naming the path and the fix.
    """
    path = Path(path)
    if str(path) == "-":
        return path
    if path.is_dir():
        raise DataError(f"{path}: is a folder; give {option} a file path inside it")
    if not path.parent.is_dir():
        raise DataError(f"{path}: folder {path.parent} does not exist; create it or choose another {option}")
    if path.exists() and not force:
        raise DataError(f"{path}: already exists; choose another {option} or pass --force")
    if not os.access(path.parent, os.W_OK):
        raise DataError(f"{path}: folder {path.parent} is not writable; choose another {option}")
    return path


def open_output(path, *, force: bool = False, option: str = "--out"):
    """Open a checked output path for writing UTF-8 text (newlines as written).

    Without ``force`` the file is opened in exclusive mode, so a file that
    appeared since :func:`check_output_path` is still not replaced.
    """
    try:
        return open(path, "w" if force else "x", encoding="utf-8", newline="")
    except FileExistsError:
        raise DataError(f"{path}: already exists; choose another {option} or pass --force") from None


def document_record(result, model_info: dict, explanations=None) -> dict:
    """One tagged document as a JSON-ready dict, with the model that tagged it.

    Parameters
    ----------
    result : DocumentResult
        From :func:`casey_nlp.classify_many` (without ``error``).
    model_info : dict
        :func:`casey_nlp._persist.model_provenance` of the model.
    explanations : list of Explanation, optional
        One per sentence; each sentence then gets an ``explanation``.

    Returns
    -------
    dict
        ``{"source", "model": {"name", "version", "sha256"}, "sentences": [...]}``;
        each sentence has ``index`` (from 0), ``start``, ``end``, ``label``,
        ``confidence``, ``unsure`` (below the ``min_confidence`` asked for),
        ``scores`` (probabilities rounded to 4 places), ``text``, and
        ``speaker`` (or null), ``addressees`` and ``figures`` as
        :meth:`casey_nlp.TaggedSentence.to_dict` gives them.
    """
    sentences = []
    for index, tagged in enumerate(result.sentences):
        sentences.append({
            "index": index, "start": tagged.start, "end": tagged.end,
            "label": tagged.label, "confidence": round(tagged.confidence, 4), "unsure": tagged.unsure,
            "scores": {label: round(value, 4) for label, value in tagged.scores.items()},
            "text": tagged.text,
            "speaker": None if tagged.speaker is None else tagged.speaker.to_dict(),
            "addressees": [addressee.to_dict() for addressee in tagged.addressees],
            "figures": [figure.to_dict() for figure in tagged.figures],
        })
    for sentence, explanation in zip(sentences, explanations or ()):
        sentence["explanation"] = explanation.to_dict()
    return {"source": result.source, "model": model_info, "sentences": sentences}


def sentence_csv_rows(result, model_info: dict, labels, explanations=None, *, escape=True):
    """Yield one CSV row (a dict) per sentence of a tagged document.

    Columns: ``source, index, start, end, label, confidence, unsure, score_<label>...,
    text, speaker, addressees, figures[, explanation], model, model_version, model_sha256``:
    ``speaker`` is the person and organisation, ``addressees`` the names
    joined by "; ", ``figures`` each as ``hedge text = kind value[ per unit]``
    joined by "; " (such as ``fewer than 7% = percentage 0.07``). Text columns
    go through :func:`spreadsheet_safe` unless ``escape`` is False; numbers
    are written as they are.
    """
    safe = spreadsheet_safe if escape else str
    explanations = explanations or [None] * len(result.sentences)
    for index, (tagged, explanation) in enumerate(zip(result.sentences, explanations)):
        row = {
            "source": safe(result.source), "index": index, "start": tagged.start, "end": tagged.end,
            "label": safe(tagged.label), "confidence": round(tagged.confidence, 4), "unsure": tagged.unsure,
            **{f"score_{label}": round(tagged.scores[label], 4) for label in labels},
            "text": safe(tagged.text),
            "speaker": safe(tagged.speaker.name if tagged.speaker is not None else ""),
            "addressees": safe("; ".join(a.name for a in tagged.addressees)),
            "figures": safe("; ".join(_figure_cell(f) for f in tagged.figures)),
        }
        if explanation is not None:
            row["explanation"] = safe(explanation.summary(3))
        row.update(model=safe(model_info["name"]), model_version=safe(model_info["version"]),
                   model_sha256=model_info["sha256"] or "")
        yield row


def _figure_cell(figure) -> str:
    unit = f" per {figure.per}" if figure.per else ""
    # .10g: 1,234,567 stays 1234567, not 1.23457e+06.
    return f"{figure.hedge} {figure.text}".strip() + f" = {figure.kind} {figure.value:.10g}{unit}"


def csv_columns(labels, explain: bool = False) -> list[str]:
    """The header of :func:`sentence_csv_rows`."""
    return ["source", "index", "start", "end", "label", "confidence", "unsure", *(f"score_{label}" for label in labels),
            "text", "speaker", "addressees", "figures", *(["explanation"] if explain else []), "model", "model_version", "model_sha256"]
