"""Tagging documents and sentences with a fitted model."""

from __future__ import annotations

import math
import numbers
import os
from typing import NamedTuple

from ._labels import LABELS
from ._inputs import _read_document  # files, stdin and JSONL are read there
from ._model import _columns, _example_column, _is_pandas, as_sentences
from ._persist import load_model
from ._segment import split_sentences


class TaggedSentence(NamedTuple):
    """A sentence of a document with its tag.

    Attributes
    ----------
    text : str
        The sentence, exactly ``document[start:end]``.
    label : str
        The most probable label: the model's best guess, kept even when the
        tag is ``unsure``.
    scores : dict of str to float
        Probability of every label (summing to 1), keyed by label, in the
        order of ``casey_nlp.LABELS``.
    start, end : int
        Character offsets into the document.
    list_item, lead_in
        The sentence's list context, as in :class:`casey_nlp.Sentence`, so
        that ``explain(tagged)`` sees what the model saw.
    unsure : bool
        True when the caller asked for a ``min_confidence`` and the
        confidence is below it; always False when no ``min_confidence`` was
        given.
    speaker : casey_nlp.Speaker or None
        Who the sentence is attributed to (person, organisation and how it
        was found), or None when neither is known or extraction was off.
    addressees : tuple of casey_nlp.Addressee
        For a ``demand``: the actors it calls upon, normalised against the
        shipped gazetteer, or one ``"unknown"``; empty for other labels.
    figures : tuple of casey_nlp.Figure
        For a ``statistic``: each figure with its span, kind, value, hedge
        and unit; empty for other labels.
    """

    text: str
    label: str
    scores: dict
    start: int
    end: int
    list_item: bool = False
    lead_in: str = ""
    unsure: bool = False
    speaker: object = None
    addressees: tuple = ()
    figures: tuple = ()

    @property
    def confidence(self) -> float:
        """The probability of the chosen label."""
        return self.scores[self.label]

    def to_dict(self) -> dict:
        """The tag as plain, JSON-ready types.

        Examples
        --------
        >>> import json, casey_nlp
        >>> tagged = casey_nlp.classify("ENDS", min_confidence=0.6)[0]
        >>> row = tagged.to_dict()
        >>> list(row)
        ['text', 'label', 'confidence', 'unsure', 'scores', 'start', 'end', 'list_item', 'lead_in', 'speaker', 'addressees', 'figures']
        >>> row["label"], row["unsure"], list(row["scores"]) == list(casey_nlp.LABELS)
        ('other', False, True)
        >>> json.loads(json.dumps(row)) == row
        True
        """
        return {
            "text": str(self.text),
            "label": str(self.label),
            "confidence": float(self.confidence),
            "unsure": bool(self.unsure),
            "scores": {str(label): float(value) for label, value in self.scores.items()},
            "start": int(self.start),
            "end": int(self.end),
            "list_item": bool(self.list_item),
            "lead_in": str(self.lead_in),
            "speaker": None if self.speaker is None else self.speaker.to_dict(),
            "addressees": [addressee.to_dict() for addressee in self.addressees],
            "figures": [figure.to_dict() for figure in self.figures],
        }


def _model(model):
    return load_model() if model is None else model


def check_min_confidence(value):
    """``value`` as a float from 0 to 1, or None; a clear one-line error otherwise.

    Shared by the API and the command line, so both reject the same values
    with the same words.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"min_confidence must be a number from 0 to 1 (such as 0.6) or None, got {type(value).__name__}"
        )
    value = float(value)
    if not 0.0 <= value <= 1.0:  # also rejects NaN
        raise ValueError(f"min_confidence must be from 0 to 1 (such as 0.6), got {value!r}")
    return value


def check_organisation(value):
    """``value`` as one line of text, or None; a TypeError naming the argument otherwise."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"organisation must be a str (who issued the document) or None, got {type(value).__name__}")
    return " ".join(value.split()) or None


def _checked_inputs(inputs):
    """classify_many's counterpart of :func:`casey_nlp._model.as_sentences`; returns an iterator."""
    if isinstance(inputs, str):
        raise TypeError("classify_many expects an iterable of documents; for one text use classify(text)")
    if _is_pandas(inputs, "DataFrame"):
        raise TypeError(
            "inputs is a pandas DataFrame, whose iteration gives its column names; "
            f"pass the column of texts, such as df[{_example_column(inputs)}], "
            f"or (id, text) pairs, such as zip(df.index, df[{_example_column(inputs)}]) "
            f"(columns: {_columns(inputs)})"
        )
    if _is_pandas(inputs, "Series"):
        return iter(inputs.tolist())
    if isinstance(inputs, (bytes, bytearray)):
        raise TypeError("inputs is bytes; decode it first (data.decode('utf-8')) and use classify(text)")
    if isinstance(inputs, os.PathLike):
        raise TypeError(
            "inputs is a single path; to tag a file use classify_many([path]), "
            "for a folder's files classify_many(sorted(path.glob('*.txt')))"
        )
    if isinstance(inputs, dict):
        raise TypeError(
            "inputs is a dict, whose iteration gives its keys; "
            "pass d.items() to tag each value with its key as the id (or d.values())"
        )
    if isinstance(inputs, (set, frozenset)):
        raise TypeError("inputs is a set, which has no order to match the results to; pass a list, such as sorted(s)")
    try:
        return iter(inputs)
    except TypeError:
        raise TypeError(
            "classify_many expects an iterable of documents (str texts, pathlib.Paths "
            f"or (id, text) tuples) as inputs, got {type(inputs).__name__}"
        ) from None


def classify(text: str, *, model=None, min_confidence=None, organisation=None, extract=True) -> list[TaggedSentence]:
    """Split a press release into sentences and tag each one, reading each in its document.

    Each sentence is scored on its own words and cues, then read in context
    (the sentences around it, the heading above it, quotations, its place
    in the document) by the model's context stage.

    Parameters
    ----------
    text : str
        The whole document.
    model : SentenceClassifier, optional
        Defaults to the shipped model (loaded once per process).
    min_confidence : float, optional
        From 0 to 1. Tags whose confidence (the probability of the chosen
        label) is below it come back with ``unsure=True``; their label is
        still the model's best guess. Default None: nothing is marked.
    organisation : str, optional
        Who issued the document: the speaker of its own text. By default
        the organisation the text states ("About X", a title such as "X
        responds to ..."), if any.
    extract : bool, default=True
        Fill each sentence's ``speaker``, and the ``addressees`` of demands
        and ``figures`` of statistics. False skips this (about a fifth of
        the tagging time) and leaves them None and empty.

    Returns
    -------
    list of TaggedSentence
        In document order; ``[]`` for empty or whitespace-only text.

    Raises
    ------
    TypeError
        If ``text`` is not a str, or ``min_confidence`` is not a number.
    ValueError
        If ``min_confidence`` is outside 0 to 1, or ``text`` is longer than
        10,000,000 characters or splits into more than 200,000 sentences:
        one document is read whole, so its memory grows with it (by about a
        kilobyte per sentence). Split a longer text into documents and tag
        them with :func:`classify_many`.

    Examples
    --------
    >>> import casey_nlp
    >>> text = ("The Home Secretary must order an independent inquiry.\\n"
    ...         "Only 3% of reported rapes led to a charge in 2023.\\n"
    ...         "One woman told us she waited two years for a detective to call her back.\\n"
    ...         "ENDS")
    >>> for s in casey_nlp.classify(text):
    ...     print(s.start, s.end, s.label)
    0 53 demand
    54 104 statistic
    105 177 case_study
    178 182 other
    >>> s = casey_nlp.classify("The Met must change.", min_confidence=0.9)[0]
    >>> s.label, s.unsure, s.confidence == s.scores["demand"] < 0.9
    ('demand', True, True)
    >>> [(a.name, a.text, a.start) for a in s.addressees]
    [('Metropolitan Police Service', 'The Met', 0)]
    >>> tagged = casey_nlp.classify(text, organisation="Fairwatch")
    >>> tagged[0].speaker.organisation, [(f.text, f.kind, f.value) for f in tagged[1].figures]
    ('Fairwatch', [('3%', 'percentage', 0.03)])
    """
    if not isinstance(text, str):
        raise TypeError(
            f"classify expects the document as a str, got {type(text).__name__}; "
            "read files with open(path, encoding='utf-8').read(), "
            "or use classify_sentences for a list of sentences"
        )
    from ._context import check_document_length, check_sentence_count

    min_confidence = check_min_confidence(min_confidence)
    organisation = check_organisation(organisation)
    check_document_length(text, "classify")
    sentences = split_sentences(text)
    check_sentence_count(len(sentences), "classify")  # the cost is per sentence, not per character
    if not sentences:
        return []
    model = _model(model)
    tagged = _tagged(sentences, _document_proba(model, sentences), model.classes_, min_confidence)
    if not extract:
        return tagged
    from ._extract import extract_all  # imported on first use: classify_sentences never needs it

    return extract_all(text, tagged, organisation)


def _document_proba(model, sentences, groups=None):
    """Probabilities of sentences read in their documents (any classifier with predict_proba)."""
    in_context = getattr(model, "predict_proba_in_context", None)
    return model.predict_proba(sentences) if in_context is None else in_context(sentences, groups)


def _score_columns(classes) -> list[tuple[int, str]]:
    """``(column, label)`` pairs in LABELS order, then any labels a custom model adds."""
    names = [str(c) for c in classes]
    rank = {label: i for i, label in enumerate(LABELS)}
    order = sorted(range(len(names)), key=lambda j: (rank.get(names[j], len(rank)), j))
    return [(j, names[j]) for j in order]


def _score_dicts(probabilities, classes) -> list[dict]:
    columns = _score_columns(classes)
    names = [name for _, name in columns]
    return [dict(zip(names, row)) for row in probabilities[:, [j for j, _ in columns]].tolist()]


def _tagged(sentences, probabilities, classes, min_confidence=None) -> list[TaggedSentence]:
    names = [str(c) for c in classes]
    best = probabilities.argmax(axis=1).tolist()
    if min_confidence is None:
        unsure = [False] * len(best)
    else:
        unsure = (probabilities.max(axis=1) < min_confidence).tolist()
    return [
        TaggedSentence(s.text, names[b], scores, s.start, s.end, s.list_item, s.lead_in, flag)
        for s, scores, b, flag in zip(sentences, _score_dicts(probabilities, classes), best, unsure)
    ]


def classify_sentences(sentences, *, model=None, return_scores=False, min_confidence=None):
    """Tag already-split sentences, each on its own, in one vectorised pass.

    No document context is used: each string is read in isolation. To tag a
    document's sentences in context, pass the whole text to :func:`classify`.

    Parameters
    ----------
    sentences : list of str, or pandas Series
        One sentence each (``Sentence`` objects work too; a Series gives its
        values). A DataFrame, dict or set is refused with a message saying
        what to pass (``df["text"]``, ``list(d.values())``, ``sorted(s)``).
    model : SentenceClassifier, optional
        Defaults to the shipped model.
    return_scores : bool, default=False
        Also return each sentence's probabilities, keyed by label.
    min_confidence : float, optional
        From 0 to 1. Also return which tags are unsure: those whose
        probability for the chosen label is below it. The labels themselves
        stay the model's best guesses.

    Returns
    -------
    labels : list of str
        Returned alone when neither ``return_scores`` nor ``min_confidence``
        is given; otherwise first in a tuple ``(labels, scores)``,
        ``(labels, unsure)`` or ``(labels, scores, unsure)``, in that order.
    scores : list of dict of str to float
        Only if ``return_scores``: one ``{label: probability}`` per sentence,
        keys in the order of ``casey_nlp.LABELS``; look values up by label.
        (Up to casey_nlp 0.2.0 this was an array whose columns followed
        ``model.classes_``, not ``LABELS``, so ``zip(LABELS, row)``
        mislabelled silently; code written for the array now fails loudly.)
    unsure : list of bool
        Only if ``min_confidence`` is given.

    Raises
    ------
    TypeError
        If ``sentences`` is a single str, a path, bytes, a DataFrame, a dict,
        a set or not iterable, or an item is not a str.
    ValueError
        If ``min_confidence`` is outside 0 to 1.

    Examples
    --------
    >>> import casey_nlp
    >>> casey_nlp.classify_sentences(["Police should publish vetting data.", "ENDS"])
    ['demand', 'other']
    >>> labels, scores = casey_nlp.classify_sentences(["ENDS"], return_scores=True)
    >>> labels, max(scores[0], key=scores[0].get), list(scores[0]) == list(casey_nlp.LABELS)
    (['other'], 'other', True)
    >>> labels, unsure = casey_nlp.classify_sentences(["Police should publish vetting data."],
    ...                                               min_confidence=0.6)
    >>> labels, unsure
    (['demand'], [False])
    """
    texts = as_sentences(sentences, "sentences")  # refuses DataFrames, dicts, sets, as fit/predict do
    min_confidence = check_min_confidence(min_confidence)
    model = _model(model)
    if not texts:
        labels, scores = [], []
    else:
        probabilities = model.predict_proba(texts)
        labels = [str(label) for label in model.classes_[probabilities.argmax(axis=1)]]
        scores = _score_dicts(probabilities, model.classes_) if return_scores or min_confidence is not None else None
    extra = []
    if return_scores:
        extra.append(scores)
    if min_confidence is not None:
        extra.append([row[label] < min_confidence for row, label in zip(scores, labels)])
    return (labels, *extra) if extra else labels


class DocumentResult(NamedTuple):
    """The tags of one document from :func:`classify_many`.

    Attributes
    ----------
    source : str
        The document's id: its path, the id you gave, or its position.
    sentences : list of TaggedSentence
        Empty if the document had no text or could not be read.
    error : str or None
        Why the document could not be read (then ``sentences`` is empty).
    """

    source: str
    sentences: list
    error: str | None = None

    def to_dict(self) -> dict:
        """The result as plain, JSON-ready types: ``{"source", "error", "sentences"}``.

        Examples
        --------
        >>> import casey_nlp
        >>> (result,) = casey_nlp.classify_many([("release-1", "ENDS")])
        >>> row = result.to_dict()
        >>> row["source"], row["error"], [s["label"] for s in row["sentences"]]
        ('release-1', None, ['other'])
        """
        return {
            "source": str(self.source),
            "error": None if self.error is None else str(self.error),
            "sentences": [s.to_dict() for s in self.sentences],
        }


def _split(source, text, error):
    """``(sentences, error)``: one document's failure must not stop a corpus run."""
    from ._context import MAX_DOCUMENT_CHARS, sentence_count_problem

    if error or not text:
        return [], error
    if len(text) > MAX_DOCUMENT_CHARS:  # read whole, its memory would grow with it
        return [], (
            f"{source}: {len(text):,} characters, more than the {MAX_DOCUMENT_CHARS:,} one document "
            "may have; split it into documents (e.g. one per press release)"
        )
    try:
        sentences = split_sentences(text)
    except Exception as failure:  # reported as this document's error, not raised
        return [], f"{source}: could not be split into sentences ({type(failure).__name__}: {failure})"
    problem = sentence_count_problem(len(sentences))  # the cost is per sentence, not per character
    return ([], f"{source}: {problem}") if problem else (sentences, None)


def _tag_batch(batch, model, min_confidence=None, extract=True):
    """Tag a batch of ``(source, text, error)`` documents with one model call."""
    model = _model(model)  # None: the shipped model, loaded once per (worker) process
    if extract:
        from ._extract import extract_all  # imported on first use: classify_sentences never needs it
    segmented = [(source, *_split(source, text, error)) for source, text, error in batch]
    everything = [s for _, sentences, _ in segmented for s in sentences]
    groups = [i for i, (_, sentences, _) in enumerate(segmented) for _ in sentences]
    probabilities = _document_proba(model, everything, groups) if everything else None
    results, offset = [], 0
    for (source, sentences, error), (_, text, _) in zip(segmented, batch):
        tagged = []
        if sentences:
            tagged = _tagged(
                sentences, probabilities[offset : offset + len(sentences)], model.classes_, min_confidence
            )
            offset += len(sentences)
            if extract:
                tagged = extract_all(text, tagged)
        results.append(DocumentResult(source, tagged, error))
    return results


def _batches(inputs, batch_size):
    batch = []
    for position, item in enumerate(inputs):
        batch.append(_read_document(item, position))
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def classify_many(inputs, *, n_jobs=1, model=None, batch_size=64, min_confidence=None, extract=True):
    """Tag many documents, streaming results in input order with bounded memory.

    Documents are read, split and tagged in batches of ``batch_size`` (one
    vectorised model call per batch); at most a few batches are in memory at
    once, so an archive of any size can be streamed through. The arguments
    are checked when the function is called, before any document is read.

    Parameters
    ----------
    inputs : iterable
        Each item is a ``str`` (a document's text), a ``pathlib.Path`` (a
        UTF-8 file to read) or an ``(id, text)`` tuple. It may be a
        generator, or a pandas Series of texts (its values; pass
        ``zip(s.index, s)`` to use the index as ids). A DataFrame, dict,
        set or single path is refused with a message saying what to pass.
    n_jobs : int, default=1
        Worker processes (joblib); ``-1`` for all cores. Results still come
        back in input order.
    model : SentenceClassifier, optional
        Defaults to the shipped model.
    batch_size : int, default=64
        Documents per model call.
    min_confidence : float, optional
        From 0 to 1: tags whose confidence is below it get
        ``unsure=True`` (their label stays the model's best guess).
        Default None: nothing is marked.
    extract : bool, default=True
        Fill speakers, addressees and figures as :func:`classify` does
        (each document's organisation is the one its text states).

    Returns
    -------
    iterator of DocumentResult
        ``(source, sentences, error)`` per input, in order. A file that
        cannot be read or decoded, an item of an unknown type, or a
        document longer than 10,000,000 characters, of more than 200,000
        sentences or that cannot be split gives a result with ``error`` set
        and no sentences; the run goes on.

    Raises
    ------
    TypeError
        If ``inputs`` is a single str or path, bytes, a DataFrame, a dict, a
        set or not iterable (at once).
    ValueError
        If ``min_confidence`` is outside 0 to 1.

    Examples
    --------
    >>> import casey_nlp
    >>> docs = ["The Met must change.", ("release-2", "ENDS")]
    >>> for result in casey_nlp.classify_many(docs):
    ...     print(result.source, [s.label for s in result.sentences])
    0 ['demand']
    release-2 ['other']
    """
    items = _checked_inputs(inputs)
    min_confidence = check_min_confidence(min_confidence)
    return _stream(items, n_jobs, model, batch_size, min_confidence, bool(extract))


def _stream(items, n_jobs, model, batch_size, min_confidence, extract):
    batches = _batches(items, batch_size)
    if n_jobs == 1:
        model = _model(model)
        for batch in batches:
            yield from _tag_batch(batch, model, min_confidence, extract)
        return
    from joblib import Parallel, delayed

    # With model=None each worker loads the shipped model once, instead of
    # receiving a pickled copy with every batch.
    parallel = Parallel(n_jobs=n_jobs, return_as="generator", pre_dispatch="2*n_jobs")
    for results in parallel(delayed(_tag_batch)(batch, model, min_confidence, extract) for batch in batches):
        yield from results
