"""Tagging documents and sentences with a fitted model."""

from __future__ import annotations

from typing import NamedTuple

from ._model import as_sentences
from ._persist import load_model
from ._segment import split_sentences

__all__ = ["DocumentResult", "TaggedSentence", "classify", "classify_many", "classify_sentences"]


class TaggedSentence(NamedTuple):
    """A sentence of a document with its tag.

    Attributes
    ----------
    text : str
        The sentence, exactly ``document[start:end]``.
    label : str
        The most probable label.
    scores : dict of str to float
        Probability of every label (summing to 1).
    start, end : int
        Character offsets into the document.
    list_item, lead_in
        The sentence's list context, as in :class:`casey_nlp.Sentence`, so
        that ``explain(tagged)`` sees what the model saw.
    """

    text: str
    label: str
    scores: dict
    start: int
    end: int
    list_item: bool = False
    lead_in: str = ""

    @property
    def confidence(self) -> float:
        """The probability of the chosen label."""
        return self.scores[self.label]


def _model(model):
    return load_model() if model is None else model


def classify(text: str, *, model=None) -> list[TaggedSentence]:
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

    Returns
    -------
    list of TaggedSentence
        In document order; ``[]`` for empty or whitespace-only text.

    Raises
    ------
    TypeError
        If ``text`` is not a str.
    ValueError
        If ``text`` is longer than 10,000,000 characters: one document is read
        whole, so its memory grows with it. Split a longer text into documents
        and tag them with :func:`classify_many`.

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
    """
    if not isinstance(text, str):
        raise TypeError(
            f"classify expects the document as a str, got {type(text).__name__}; "
            "read files with open(path, encoding='utf-8').read(), "
            "or use classify_sentences for a list of sentences"
        )
    from ._context import check_document_length

    check_document_length(text, "classify")
    sentences = split_sentences(text)
    if not sentences:
        return []
    model = _model(model)
    return _tagged(sentences, _document_proba(model, sentences), model.classes_)


def _document_proba(model, sentences, groups=None):
    """Probabilities of sentences read in their documents (any classifier with predict_proba)."""
    in_context = getattr(model, "predict_proba_in_context", None)
    return model.predict_proba(sentences) if in_context is None else in_context(sentences, groups)


def _tagged(sentences, probabilities, classes) -> list[TaggedSentence]:
    names = [str(c) for c in classes]
    best = probabilities.argmax(axis=1)
    return [
        TaggedSentence(s.text, names[b], dict(zip(names, row.tolist())), s.start, s.end, s.list_item, s.lead_in)
        for s, row, b in zip(sentences, probabilities, best)
    ]


def classify_sentences(sentences, *, model=None, return_scores=False):
    """Tag already-split sentences, each on its own, in one vectorised pass.

    No document context is used: each string is read in isolation. To tag a
    document's sentences in context, pass the whole text to :func:`classify`.

    Parameters
    ----------
    sentences : sequence of str
        One sentence each (``Sentence`` objects work too).
    model : SentenceClassifier, optional
        Defaults to the shipped model.
    return_scores : bool, default=False
        Also return the probability matrix.

    Returns
    -------
    labels : list of str
    scores : ndarray of shape (n_sentences, n_labels)
        Only if ``return_scores``; columns follow ``model.classes_``.

    Examples
    --------
    >>> import casey_nlp
    >>> casey_nlp.classify_sentences(["Police should publish vetting data.", "ENDS"])
    ['demand', 'other']
    """
    texts = as_sentences(sentences, "sentences")
    model = _model(model)
    if not texts:
        labels, probabilities = [], None
    else:
        probabilities = model.predict_proba(texts)
        labels = [str(label) for label in model.classes_[probabilities.argmax(axis=1)]]
    if return_scores:
        import numpy as np

        if probabilities is None:
            probabilities = np.zeros((0, len(model.classes_)))
        return labels, probabilities
    return labels


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


def _read_document(item, position):
    """``(source, text, error)`` for one input of classify_many."""
    import os

    if isinstance(item, str):
        return str(position), item, None
    if isinstance(item, os.PathLike):
        try:
            with open(item, encoding="utf-8-sig") as handle:
                return os.fspath(item), handle.read(), None
        except UnicodeDecodeError as error:
            return os.fspath(item), None, f"{os.fspath(item)}: not UTF-8 text (byte {error.start}); re-save it as UTF-8"
        except FileNotFoundError:
            return os.fspath(item), None, f"{os.fspath(item)}: file not found"
        except IsADirectoryError:
            return os.fspath(item), None, f"{os.fspath(item)}: is a directory"
        except OSError as error:
            return os.fspath(item), None, f"{os.fspath(item)}: {error.strerror or error}"
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], str):
        return str(item[0]), item[1], None
    raise TypeError(
        f"input {position} is {type(item).__name__}; expected a str (a document's text), "
        "a pathlib.Path (a file to read) or an (id, text) tuple"
    )


def _split(source, text, error):
    """``(sentences, error)``: one document's failure must not stop a corpus run."""
    if error or not text:
        return [], error
    try:
        return split_sentences(text), None
    except Exception as failure:  # reported as this document's error, not raised
        return [], f"{source}: could not be split into sentences ({type(failure).__name__}: {failure})"


def _tag_batch(batch, model):
    """Tag a batch of ``(source, text, error)`` documents with one model call."""
    model = _model(model)  # None: the shipped model, loaded once per (worker) process
    segmented = [(source, *_split(source, text, error)) for source, text, error in batch]
    everything = [s for _, sentences, _ in segmented for s in sentences]
    groups = [i for i, (_, sentences, _) in enumerate(segmented) for _ in sentences]
    probabilities = _document_proba(model, everything, groups) if everything else None
    results, offset = [], 0
    for source, sentences, error in segmented:
        tagged = []
        if sentences:
            tagged = _tagged(sentences, probabilities[offset : offset + len(sentences)], model.classes_)
            offset += len(sentences)
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


def classify_many(inputs, *, n_jobs=1, model=None, batch_size=64):
    """Tag many documents, streaming results in input order with bounded memory.

    Documents are read, split and tagged in batches of ``batch_size`` (one
    vectorised model call per batch); at most a few batches are in memory at
    once, so an archive of any size can be streamed through.

    Parameters
    ----------
    inputs : iterable
        Each item is a ``str`` (a document's text), a ``pathlib.Path`` (a
        UTF-8 file to read) or an ``(id, text)`` tuple. It may be a
        generator.
    n_jobs : int, default=1
        Worker processes (joblib); ``-1`` for all cores. Results still come
        back in input order.
    model : SentenceClassifier, optional
        Defaults to the shipped model.
    batch_size : int, default=64
        Documents per model call.

    Yields
    ------
    DocumentResult
        ``(source, sentences, error)`` per input, in order. A file that
        cannot be read or decoded gives a result with ``error`` set and no
        sentences; the run goes on.

    Examples
    --------
    >>> import casey_nlp
    >>> docs = ["The Met must change.", ("release-2", "ENDS")]
    >>> for result in casey_nlp.classify_many(docs):
    ...     print(result.source, [s.label for s in result.sentences])
    0 ['demand']
    release-2 ['other']
    """
    if isinstance(inputs, str):
        raise TypeError("classify_many expects an iterable of documents; for one text use classify(text)")
    batches = _batches(inputs, batch_size)
    if n_jobs == 1:
        model = _model(model)
        for batch in batches:
            yield from _tag_batch(batch, model)
        return
    from joblib import Parallel, delayed

    # With model=None each worker loads the shipped model once, instead of
    # receiving a pickled copy with every batch.
    parallel = Parallel(n_jobs=n_jobs, return_as="generator", pre_dispatch="2*n_jobs")
    for results in parallel(delayed(_tag_batch)(batch, model) for batch in batches):
        yield from results
