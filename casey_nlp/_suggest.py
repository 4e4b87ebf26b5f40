"""What to label next: uncertain sentences, picked so that they differ.

Active learning by *margin sampling with diversity*. A sentence is
informative when the model hesitates between its two most probable labels
(small margin ``p1 - p2``). Picking the twenty smallest margins tends to
return twenty variants of the same boilerplate, so picks are greedy: each
step takes the sentence with the highest

    (1 - margin) - diversity * (max cosine similarity to the sentences already picked)

where similarity is measured in the model's own TF-IDF space (stemmed word
n-grams). ``diversity=0`` is plain margin sampling.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple

import numpy as np

# The document is named in ``source``, not ``doc_id``: rows are in usefulness
# order, mixing documents and skipping sentences, and training reads each run
# of one doc_id as a document in reading order. Without doc_id each row is
# read alone (see casey_nlp._data.context_groups).
SUGGESTION_COLUMNS = ("text", "label", "guess", "confidence", "source", "lead_in")
DEFAULT_DIVERSITY = 0.5


class Suggestion(NamedTuple):
    """A sentence worth labelling, with the model's current guess.

    Attributes
    ----------
    text : str
        The sentence.
    guess : str
        The model's most probable label (a guess to check, not a label).
    confidence : float
        Its probability.
    margin : float
        Probability of the guess minus that of the runner-up: the smaller,
        the more the model hesitates.
    source : str or None
        The document it came from: the key of a mapping passed to
        :func:`suggest` (the file name on the command line), else None.
    start, end : int or None
        Offsets in that document, when it was split by :func:`suggest`.
    lead_in : str
        For a list item, the sentence that introduces its list (see
        :class:`casey_nlp.Sentence`); "" otherwise.
    """

    text: str
    guess: str
    confidence: float
    margin: float
    source: str | None = None
    start: int | None = None
    end: int | None = None
    lead_in: str = ""


def _similarity_space(model, items):
    """L2-normalised rows in which cosine similarity is a dot product."""
    from sklearn.preprocessing import normalize

    vectors = model._word_vectors(items)  # TF-IDF rows, already unit length
    return normalize(model._feature_matrix(items) if vectors is None else vectors)


def select_informative(model, items, n, *, diversity=DEFAULT_DIVERSITY, probabilities=None) -> list[int]:
    """Indices of the ``n`` sentences of ``items`` most worth labelling, best first.

    The selection behind :func:`suggest`, on a pool that has already been
    cleaned (no duplicates, nothing already labelled). Also used by
    ``benchmarks/active_learning.py``.

    Parameters
    ----------
    model : SentenceClassifier
        Fitted; its probabilities give the uncertainty, its TF-IDF space the
        similarity.
    items : sequence of str or Sentence
        The unlabelled pool.
    n : int
        How many to pick (fewer if the pool is smaller).
    diversity : float, default=0.5
        Weight of the similarity penalty; 0 is plain margin sampling.
    probabilities : ndarray, optional
        ``model.predict_proba(items)`` if already computed.

    Returns
    -------
    list of int
    """
    items = list(items)
    n = min(int(n), len(items))
    if n <= 0:
        return []
    proba = model.predict_proba(items) if probabilities is None else np.asarray(probabilities)
    top2 = np.sort(proba, axis=1)[:, -2:]
    uncertainty = 1.0 - (top2[:, 1] - top2[:, 0])
    if diversity == 0:
        return [int(i) for i in np.argsort(-uncertainty, kind="stable")[:n]]
    vectors = _similarity_space(model, items)
    closest = np.zeros(len(items))  # max similarity to anything picked so far
    available = np.ones(len(items), dtype=bool)
    picked = []
    for _ in range(n):
        score = np.where(available, uncertainty - diversity * closest, -np.inf)
        best = int(np.argmax(score))  # ties: the earliest sentence
        picked.append(best)
        available[best] = False
        similarity = np.asarray((vectors @ vectors[best].T).todense()).ravel() if hasattr(vectors, "todense") \
            else vectors @ vectors[best]
        closest = np.maximum(closest, similarity)
    return picked


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _known_sentences() -> set:
    """Sentences that are already labelled: the bundled dataset and the seed examples."""
    from ._data import load_dataset, seed_examples

    known = {_normal(t) for t in load_dataset(subset="all", return_X_y=True)[0]}
    known.update(_normal(getattr(item, "text", item)) for item in seed_examples()[0])
    return known


def _candidates(texts_or_sentences, split):
    """Yield ``(item, source)`` for every sentence of the input."""
    from ._segment import split_sentences

    if isinstance(texts_or_sentences, str) or hasattr(texts_or_sentences, "text"):
        texts_or_sentences = [texts_or_sentences]
    if isinstance(texts_or_sentences, dict):
        entries = [(str(key), value) for key, value in texts_or_sentences.items()]
    else:
        entries = [(None, value) for value in texts_or_sentences]
    for i, (source, value) in enumerate(entries):
        if hasattr(value, "text") and isinstance(value.text, str):
            yield value, source  # a Sentence: already split, keeps its list context
        elif isinstance(value, str):
            if split:
                for sentence in split_sentences(value):
                    yield sentence, source
            else:
                yield value, source
        else:
            raise TypeError(
                f"texts_or_sentences[{i}] is {type(value).__name__}; expected a str or a Sentence"
            )


def suggest(texts_or_sentences, n=20, *, model=None, diversity=DEFAULT_DIVERSITY, split=True,
            exclude_known=True) -> list[Suggestion]:
    """The sentences whose labels would help the model most, best first.

    Uncertainty sampling with diversity: sentences the model hesitates on
    (smallest margin between its top two labels), picked greedily so that
    each new pick is penalised by its TF-IDF cosine similarity to those
    already picked; twenty near-copies of one sentence are not twenty times
    as useful. Write them with :func:`write_suggestions_csv`, fill in the
    ``label`` column and train with ``casey_nlp.train(path)`` or
    ``casey-nlp train --add``.

    Parameters
    ----------
    texts_or_sentences : str, sequence, or mapping of name to str
        With ``split=True`` (the default) every str is a **document** and is
        split with :func:`casey_nlp.split_sentences`; with ``split=False``
        every str is **one sentence**. ``Sentence`` objects are always taken
        as one sentence (with their list context). A single str is one
        document (or one sentence). A mapping ``{name: text}`` names each
        document; the name becomes ``source`` and the CSV's ``source`` column.
    n : int, default=20
        How many sentences to return (fewer if there are not that many).
    model : SentenceClassifier, optional
        Defaults to the shipped model.
    diversity : float, default=0.5
        Weight of the similarity penalty; 0 is plain margin sampling.
    split : bool, default=True
        Whether strings are documents (split into sentences) or sentences.
    exclude_known : bool, default=True
        Leave out sentences already in the bundled dataset or the seed
        examples. Exact duplicates (ignoring case and spacing) and sentences
        without a letter or digit are always left out.

    Returns
    -------
    list of Suggestion
        Most informative first.

    Examples
    --------
    >>> import casey_nlp
    >>> text = open("examples/press_release.txt", encoding="utf-8").read()
    >>> picks = casey_nlp.suggest(text, n=5)
    >>> len(picks), len({p.text for p in picks})
    (5, 5)
    >>> picks[0].guess in casey_nlp.LABELS and 0 <= picks[0].margin <= 1
    True
    """
    from ._persist import load_model

    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if not diversity >= 0:
        raise ValueError(f"diversity must be 0 or more, got {diversity!r}")
    known = _known_sentences() if exclude_known else set()
    seen = set()
    pool, sources = [], []
    for item, source in _candidates(texts_or_sentences, split):
        text = getattr(item, "text", item)
        key = _normal(text)
        if not any(ch.isalnum() for ch in key) or key in seen or key in known:
            continue
        seen.add(key)
        pool.append(item)
        sources.append(source)
    if not pool:
        return []
    model = load_model() if model is None else model
    proba = model.predict_proba(pool)
    classes = [str(c) for c in model.classes_]
    out = []
    for i in select_informative(model, pool, n, diversity=diversity, probabilities=proba):
        order = np.argsort(-proba[i], kind="stable")
        item = pool[i]
        out.append(
            Suggestion(
                text=getattr(item, "text", item),
                guess=classes[order[0]],
                confidence=float(proba[i, order[0]]),
                margin=float(proba[i, order[0]] - proba[i, order[1]]),
                source=sources[i],
                start=getattr(item, "start", None),
                end=getattr(item, "end", None),
                lead_in=getattr(item, "lead_in", ""),
            )
        )
    return out


def write_suggestions_csv(suggestions, path, *, overwrite=False, escape_formulas=True, model_info=None):
    """Write suggestions as a CSV to fill in: ``text,label,guess,confidence,source,lead_in``.

    ``label`` is left blank for you to fill with one of
    ``demand, finding, statistic, case_study, other`` (``guess`` is the
    model's guess, to check, not to copy blindly). ``casey-nlp train --add
    FILE`` and ``casey_nlp.train(FILE)`` read the file as it is (extra columns
    are ignored) once every label is filled in; a row left blank is refused,
    so delete the rows you do not want to label. ``lead_in`` is the
    sentence that introduces a list item's list (empty for other
    sentences); keep it, so that training reads the item in its list as
    the model read it here. ``source`` names the document a sentence came
    from, for you; training ignores it and reads each row on its own, since
    the rows are picks from anywhere in the documents, not a document's
    sentences in reading order (which a ``doc_id`` column would claim).

    Parameters
    ----------
    suggestions : iterable of Suggestion
    path : path or writable text file
        A path is created (refused if it exists, unless ``overwrite``); an
        open file is written to and left open.
    overwrite : bool, default=False
    escape_formulas : bool, default=True
        Prefix ``'`` to text cells beginning with ``= + - @``, tab or CR, so
        that a spreadsheet shows them instead of running them as formulas
        (see :func:`casey_nlp._spreadsheet.spreadsheet_safe`); training
        reads them back as they were.
    model_info : dict, optional
        The model that made the guesses (``model_provenance(model)``),
        written in three last columns: ``model``, ``model_version``,
        ``model_sha256``.

    Returns
    -------
    Path or the file object
    """
    from ._spreadsheet import spreadsheet_safe

    safe = spreadsheet_safe if escape_formulas else str
    provenance, columns = {}, list(SUGGESTION_COLUMNS)
    if model_info is not None:
        provenance = {"model": safe(model_info["name"]), "model_version": safe(model_info["version"]),
                      "model_sha256": model_info["sha256"] or ""}
        columns += list(provenance)
    rows = [
        {"text": safe(s.text), "label": "", "guess": s.guess, "confidence": f"{s.confidence:.3f}",
         "source": safe(s.source or ""), "lead_in": safe(s.lead_in), **provenance}
        for s in suggestions
    ]

    def write(handle):
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    if hasattr(path, "write"):
        write(path)
        return path
    path = Path(path)
    try:
        with open(path, "w" if overwrite else "x", encoding="utf-8", newline="") as handle:
            write(handle)
    except FileExistsError:
        raise FileExistsError(f"{path}: already exists; choose another path or pass overwrite=True") from None
    return path

