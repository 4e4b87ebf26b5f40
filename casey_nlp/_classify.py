"""Tagging documents and sentences with a fitted model."""

from __future__ import annotations

from typing import NamedTuple

from ._model import as_sentences
from ._persist import load_model
from ._segment import split_sentences

__all__ = ["TaggedSentence", "classify", "classify_sentences"]


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
    """

    text: str
    label: str
    scores: dict
    start: int
    end: int

    @property
    def confidence(self) -> float:
        """The probability of the chosen label."""
        return self.scores[self.label]


def _model(model):
    return load_model() if model is None else model


def classify(text: str, *, model=None) -> list[TaggedSentence]:
    """Split a press release into sentences and tag each one.

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

    Examples
    --------
    >>> import casey_nlp
    >>> for s in casey_nlp.classify("The Home Office must act now. 42% of women said so."):
    ...     print(s.start, s.end, s.label)
    0 29 demand
    30 51 statistic
    """
    if not isinstance(text, str):
        raise TypeError(
            f"classify expects the document as a str, got {type(text).__name__}; "
            "read files with open(path, encoding='utf-8').read(), "
            "or use classify_sentences for a list of sentences"
        )
    sentences = split_sentences(text)
    if not sentences:
        return []
    model = _model(model)
    probabilities = model.predict_proba(sentences)
    return _tagged(sentences, probabilities, model.classes_)


def _tagged(sentences, probabilities, classes) -> list[TaggedSentence]:
    names = [str(c) for c in classes]
    best = probabilities.argmax(axis=1)
    return [
        TaggedSentence(s.text, names[b], dict(zip(names, row.tolist())), s.start, s.end)
        for s, row, b in zip(sentences, probabilities, best)
    ]


def classify_sentences(sentences, *, model=None, return_scores=False):
    """Tag already-split sentences, in one vectorised pass.

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
