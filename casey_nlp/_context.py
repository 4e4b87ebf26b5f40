"""Reading a sentence in its document: features for the second, context-aware stage.

The first stage scores each sentence on its own words and cues. Many tags
depend on the sentences around it, though: "She waited nine months." is a
case study after "One woman told us...", a line inside a long quotation
speaks for the quoted organisation, and the last lines of a web page are
boilerplate. The second stage is a linear model over the first stage's
probabilities for the sentence *and* for its neighbours, plus the sentence's
place in the document.

Each context feature is one row of ``CONTEXT_FEATURES``: a name, what it
means, and a function from a :class:`DocumentView` to one column (or one
column per label). Names are derived from the registry, so nothing lines up
by position across separate lists.
"""

from __future__ import annotations

import hashlib
from typing import Callable, NamedTuple

import numpy as np

# Log-probabilities below this are clipped: a first-stage score of 1e-9
# versus 1e-5 carries no extra information, and the clip keeps the second
# stage's inputs on a bounded scale.
_LOG_FLOOR = np.log(1e-4)
_QUOTES_OPEN = "\u201c"
_QUOTES_CLOSE = "\u201d"
_FINAL = tuple(".?!:;\"')\u201d\u2019]")


def document_bounds(groups, n: int) -> np.ndarray:
    """Start index of each run of equal ``groups`` values, plus ``n`` at the end.

    ``groups=None`` means one document.
    """
    if groups is None or n == 0:
        return np.asarray([0, n] if n else [0], dtype=np.int64)
    values = np.asarray(list(groups), dtype=object)  # any iterable, a generator included
    if values.ndim != 1 or len(values) != n:
        raise ValueError(f"groups has {len(values)} entries but there are {n} sentences")
    changes = np.flatnonzero(values[1:] != values[:-1]) + 1
    return np.concatenate([[0], changes, [n]]).astype(np.int64)


class DocumentView:
    """A batch of documents as the context features see it.

    ``proba`` is the first stage's (n, n_labels) probability matrix,
    ``labels`` its column names, ``items`` the sentences (str or
    ``Sentence``), ``bounds`` from :func:`document_bounds`.
    """

    def __init__(self, proba, labels, items, bounds):
        self.proba = proba
        self.labels = list(labels)
        self.items = items
        self.n = len(items)
        lengths = np.diff(bounds)
        self.start = np.repeat(bounds[:-1], lengths)  # each sentence's document start
        self.end = np.repeat(bounds[1:], lengths)  # ... and end (exclusive)
        self.index = np.arange(self.n)
        self.bounds = bounds
        # Read by several features: computed once per batch.
        self.texts = [getattr(item, "text", item) for item in items]
        self.is_heading = np.asarray([not text.rstrip().endswith(_FINAL) for text in self.texts], dtype=bool)

    def column(self, label: str) -> np.ndarray:
        return self.proba[:, self.labels.index(label)]

    def shifted(self, values: np.ndarray, by: int) -> np.ndarray:
        """``values`` of the sentence ``by`` places earlier (>0) or later (<0) in the same document, else 0."""
        out = np.zeros_like(values)
        source = self.index - by
        inside = (source >= self.start) & (source < self.end)
        out[inside] = values[source[inside]]
        return out


def own_reading(proba) -> np.ndarray:
    """The first stage's log-probabilities, clipped: the offset the context stage corrects."""
    return np.maximum(np.log(np.maximum(np.asarray(proba, dtype=np.float64), 1e-300)), _LOG_FLOOR)


# Pseudo-sentences of "no information" (uniform probabilities) added to every
# document's mean: a two-line snippet says little about what kind of document
# it is, while a fifty-line one speaks for itself.
_DOCUMENT_PRIOR = 10


def _document_mean(view):
    lengths = np.diff(view.bounds)
    keep = lengths > 0
    sums = np.add.reduceat(view.proba, view.bounds[:-1][keep], axis=0) if view.n else view.proba
    uniform = _DOCUMENT_PRIOR / max(view.proba.shape[1], 1)
    means = (sums + uniform) / (lengths[keep][:, None] + _DOCUMENT_PRIOR)
    return np.repeat(means, lengths[keep], axis=0)


def _under_heading(view):
    """First-stage probabilities of the nearest heading line above, within the document."""
    headings = view.is_heading
    last = np.where(headings, view.index, -1)
    last = np.maximum.accumulate(last) if view.n else last
    above = view.shifted(last.astype(np.float64) + 1, 1).astype(np.int64) - 1  # strictly before
    valid = above >= view.start
    out = np.zeros_like(view.proba)
    out[valid] = view.proba[above[valid]]
    return out


def _story_before(view):
    """How strongly one of the two sentences before tells one person's story."""
    story = view.column("case_study") if "case_study" in view.labels else np.zeros(view.n)
    return np.maximum(view.shifted(story, 1), view.shifted(story, 2))


def _boilerplate_before(view):
    """Mean ``other`` probability of up to three sentences before, headings left out.

    Runs of page furniture (menus, cookie lines) say the next line is more of
    it; a headline or section heading above a sentence says nothing of the kind.
    """
    other = view.column("other") if "other" in view.labels else np.zeros(view.n)
    prose = ~view.is_heading
    other, prose = np.where(prose, other, 0.0), prose.astype(np.float64)
    total = sum(view.shifted(other, k) for k in (1, 2, 3))
    count = sum(view.shifted(prose, k) for k in (1, 2, 3))
    return np.divide(total, count, out=np.zeros(view.n), where=count > 0)


def _inside_quotation(view):
    """1 for a sentence that opens inside a quotation begun by an earlier sentence.

    Curly quotes open and close explicitly; straight double quotes toggle.
    The state resets at each document's start.
    """
    out = np.zeros(view.n)
    inside = False
    starts = set(view.bounds[:-1].tolist())
    for i, text in enumerate(view.texts):
        if i in starts:
            inside = False
        out[i] = inside
        opened, closed = text.count(_QUOTES_OPEN), text.count(_QUOTES_CLOSE)
        if opened != closed:
            inside = opened > closed
        if text.count('"') % 2:
            inside = not inside
    return out


def _after_colon(view):
    """1 when the sentence before ends with a colon (an attribution or a lead-in)."""
    ends = np.asarray([text.rstrip().endswith(":") for text in view.texts], dtype=np.float64)
    return view.shifted(ends, 1)


def _headline(view):
    # A first line that ends like a sentence is the start of a text, not a title.
    return ((view.index == view.start) & view.is_heading).astype(np.float64)


def _last_fifth(view):
    length = view.end - view.start
    return ((view.index - view.start) >= 0.8 * length).astype(np.float64) * (length >= 5)


class ContextFeature(NamedTuple):
    """One context feature: ``function(view)`` gives one column, or one per label if ``per_label``."""

    name: str
    description: str
    function: Callable
    per_label: bool = False


CONTEXT_FEATURES = (
    ContextFeature("previous", "first-stage probabilities of the sentence before", lambda v: v.shifted(v.proba, 1), True),
    ContextFeature("next", "first-stage probabilities of the sentence after", lambda v: v.shifted(v.proba, -1), True),
    ContextFeature("document", "mean first-stage probabilities over the whole document, "
                   "shrunk towards uniform for short ones", _document_mean, True),
    ContextFeature("heading", "first-stage probabilities of the nearest heading line above", _under_heading, True),
    ContextFeature("story_before", "case_study probability of the two sentences before", _story_before),
    ContextFeature("boilerplate_before", "mean other probability of up to three non-heading sentences before",
                   _boilerplate_before),
    ContextFeature("inside_quotation", "the sentence continues a quotation opened earlier", _inside_quotation),
    ContextFeature("after_colon", "the sentence before ends with a colon (attribution or lead-in)", _after_colon),
    ContextFeature("headline", "the document's first line, without final punctuation (a headline or title)", _headline),
    ContextFeature("last_fifth", "in the last fifth of a document of five or more sentences", _last_fifth),
)


# Bump when a context function changes what it computes; changes to the rows
# themselves (names, one column or one per label) change CONTEXT_VERSION on
# their own. Descriptions are left out, so rewording one breaks no saved model.
_FUNCTION_REVISION = 3
CONTEXT_VERSION = f"{_FUNCTION_REVISION}-" + hashlib.sha256(
    repr([(f.name, f.per_label) for f in CONTEXT_FEATURES]).encode("utf-8")
).hexdigest()[:12]


# The context stage reads a document whole (its mean, its headings, which
# quotation is open), so one document cannot be tagged in pieces and its
# memory grows with it. A press release is tens of kilobytes; a text a
# thousand times longer is a corpus pasted together.
MAX_DOCUMENT_CHARS = 10_000_000

# Characters alone do not bound the cost: it is per sentence (a Sentence, a
# feature row, a probability row each), and text such as "?! ?! ?! " has a
# sentence every 1.5 characters, so 10,000,000 characters could be millions of
# sentences (gigabytes, minutes). Measured with /usr/bin/time -v (command in
# README, "Speed"): about 0.8 to 0.9 kB per sentence beyond the loaded model
# for "?! " text, about 1.3 kB for ordinary sentences, so this cap holds one
# document to a few hundred MB (the split before the count is known still
# costs: 1.36 GB and 4 minutes for 10,000,000 characters of "?! "). The
# bundled corpus's longest document has 99 sentences; 200,000 is far above
# any press release.
MAX_DOCUMENT_SENTENCES = 200_000


def check_document_length(text: str, caller: str) -> None:
    """Refuse a document too long to read whole, saying how to tag it instead."""
    if len(text) > MAX_DOCUMENT_CHARS:
        raise ValueError(
            f"text is {len(text):,} characters; {caller} reads at most {MAX_DOCUMENT_CHARS:,} at once: "
            "split it into documents (e.g. one per press release) and tag them with casey_nlp.classify_many"
        )


def sentence_count_problem(count: int) -> str | None:
    """Why a document of ``count`` sentences is too many to read whole, or None."""
    if count <= MAX_DOCUMENT_SENTENCES:
        return None
    return (
        f"{count:,} sentences, more than the {MAX_DOCUMENT_SENTENCES:,} one document may have; "
        "split it into documents (e.g. one per press release)"
    )


def check_sentence_count(count: int, caller: str) -> None:
    """Refuse a document of too many sentences to read whole, saying how to tag it instead."""
    if count > MAX_DOCUMENT_SENTENCES:
        raise ValueError(
            f"text splits into {count:,} sentences; {caller} reads at most {MAX_DOCUMENT_SENTENCES:,} at once: "
            "split it into documents (e.g. one per press release) and tag them with casey_nlp.classify_many"
        )


def context_feature_names(labels) -> list[str]:
    """Column names of :func:`context_features`, e.g. ``previous:demand``."""
    names = []
    for feature in CONTEXT_FEATURES:
        names += [f"{feature.name}:{label}" for label in labels] if feature.per_label else [feature.name]
    return names


def context_features(proba, labels, items, groups=None) -> np.ndarray:
    """The second stage's input: one row per sentence, columns as :func:`context_feature_names`.

    Parameters
    ----------
    proba : ndarray of shape (n_sentences, n_labels)
        First-stage probabilities, columns in ``labels`` order.
    labels : sequence of str
    items : list of str or Sentence
        The sentences, documents one after another, each in reading order.
    groups : sequence, optional
        The document of each sentence (consecutive runs); None for one document.
    """
    view = DocumentView(np.asarray(proba, dtype=np.float64), labels, items, document_bounds(groups, len(items)))
    widths = [len(view.labels) if feature.per_label else 1 for feature in CONTEXT_FEATURES]
    # Filled in place: stacking the columns at the end held the matrix twice
    # (over 100 MB each for a 50 MB document).
    out = np.empty((len(items), sum(widths)))
    at = 0
    for feature, width in zip(CONTEXT_FEATURES, widths):
        value = np.asarray(feature.function(view), dtype=np.float64)
        out[:, at : at + width] = value if value.ndim == 2 else value[:, None]
        at += width
    return out


def _row_weights(y, classes, class_weight, sample_weight):
    """One-hot targets and each row's weight in the loss: its class weight times its sample weight.

    "balanced" weighs each class by ``sum(sample_weight) / (k * its summed
    sample_weight)``, so that an integer sample weight counts exactly like
    that many copies of the row, class weights included. Without sample
    weights this is ``n / (k * count)``.
    """
    classes = list(classes)
    n, k = len(y), len(classes)
    target = np.zeros((n, k))
    target[np.arange(n), [classes.index(label) for label in y]] = 1.0
    sample_weight = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    if sample_weight.shape != (n,):
        raise ValueError(f"sample_weight has shape {sample_weight.shape} but there are {n} rows")
    if class_weight == "balanced":
        counts = (target * sample_weight[:, None]).sum(axis=0)
        per_class = np.divide(sample_weight.sum(), k * counts, out=np.zeros(k), where=counts > 0)
        return target, per_class[target.argmax(axis=1)] * sample_weight
    if isinstance(class_weight, dict):
        return target, np.asarray([class_weight.get(label, 1.0) for label in y], dtype=np.float64) * sample_weight
    return target, sample_weight


def _context_loss(flat, features, offset, target, weights, C):
    """The context stage's objective and its gradient at ``flat`` (``W`` raveled, then ``b``).

    The weighted mean cross-entropy plus ``|W|^2 / (2 C)``, both divided by
    the total weight: scaling every weight by ``m`` is the same as repeating
    every row ``m`` times.
    """
    k, d = target.shape[1], features.shape[1]
    total = weights.sum()
    W, b = flat[: k * d].reshape(k, d), flat[k * d :]
    scores = offset + features @ W.T + b
    scores -= scores.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(scores).sum(axis=1, keepdims=True))
    log_p = scores - log_norm
    value = -(weights * (target * log_p).sum(axis=1)).sum() / total + (W * W).sum() / (2 * C * total)
    residual = (np.exp(log_p) - target) * weights[:, None] / total
    gradient = np.concatenate([(residual.T @ features + W / (C * total)).ravel(), residual.sum(axis=0)])
    return value, gradient


def fit_context_stage(features, offset, y, classes, *, C=1.0, class_weight="balanced", max_iter=500, sample_weight=None):
    """Fit ``softmax(offset + features @ W.T + b)`` to labels ``y``; return ``(W, b)``.

    A multinomial logistic regression whose scores start from ``offset``
    (the first stage's log-probabilities, weight fixed at 1), so it learns
    only how the context should *correct* the sentence's own reading. The
    L2 penalty ``1 / (2 C) * |W|^2`` therefore shrinks towards the first
    stage, not towards a uniform guess: with little evidence, the context
    stage leaves tags as they were.

    ``sample_weight`` (one non-negative weight per row, optional) multiplies
    each row's term in the loss, on top of ``class_weight``; an integer weight
    counts like that many copies of the row.
    """
    from scipy.optimize import minimize

    n, d = features.shape
    k = len(classes)
    target, weights = _row_weights(y, classes, class_weight, sample_weight)
    result = minimize(
        _context_loss, np.zeros(k * d + k), args=(features, offset, target, weights, C), jac=True,
        method="L-BFGS-B", options={"maxiter": max_iter},
    )
    return result.x[: k * d].reshape(k, d), result.x[k * d :]
