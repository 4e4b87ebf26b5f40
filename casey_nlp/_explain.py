"""Why a sentence got its tag: exact attributions of the linear model.

The classifier is a multinomial logistic regression, so for a sentence with
feature vector ``x`` (what the fitted feature union produces: TF-IDF weights
of word n-grams, and standardised cue counts times ``cue_weight``) the
log-odds between the predicted label ``a`` and the runner-up ``b`` is exactly

    log(p_a / p_b) = sum_j x_j * (w_a[j] - w_b[j]) + (b_a - b_b)

Each term ``x_j * (w_a[j] - w_b[j])`` is one feature's contribution: positive
pushes towards the label, negative towards the runner-up. Nothing is
approximated or sampled.

Standardised cues are measured from the training mean, so a cue that is
*absent* from a sentence still contributes (e.g. "no obligation word" pushes
away from ``demand``); such cues are shown with count 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ._labels import LABELS
from ._model import _softmax, as_sentences

class Contribution(NamedTuple):
    """One feature's share of the log-odds between a label and its runner-up.

    Attributes
    ----------
    name : str
        Readable name: the words of an n-gram as they appear in the sentence
        (``"must act"``), or a cue such as ``"cue:modal_obligation"``.
    kind : str
        ``"words"`` for word n-grams, ``"cue"``, ``"shape"`` or ``"context"``.
    description : str
        What the feature is: ``"word 2-gram (stemmed: 'must act')"`` or the
        cue's description.
    value : float
        The raw value: a cue's count (0 when absent), a shape feature's value,
        or an n-gram's TF-IDF weight.
    contribution : float
        ``x_j * (w_label[j] - w_runner_up[j])``: positive pushes towards the
        label, negative towards the runner-up.
    feature : str
        The model's own feature name (``model.get_feature_names_out()``).
    """

    name: str
    kind: str
    description: str
    value: float
    contribution: float
    feature: str

    def _value_text(self) -> str:
        if self.kind == "words":
            return f"tf-idf {self.value:.2f}"
        if self.kind in ("cue", "context") and self.value == 0:
            return "absent"
        if self.kind == "sentence":
            return f"first-stage log-odds {self.contribution:+.2f}"
        if float(self.value).is_integer():
            return f"count {int(self.value)}" if self.kind != "shape" else f"= {int(self.value)}"
        return f"= {self.value:.2f}"


@dataclass
class Explanation:
    """Why a sentence got its label rather than the runner-up.

    ``logit_difference == intercept_difference + sum(c.contribution for c in
    contributions)`` exactly (up to floating point).

    Attributes
    ----------
    text : str
        The sentence.
    label, runner_up : str
        The predicted label and the second most probable one.
    probability, runner_up_probability : float
        Their probabilities.
    scores : dict of str to float
        Every label's probability.
    logit_difference : float
        ``log(probability / runner_up_probability)``.
    intercept_difference : float
        The part of the log-odds that does not depend on the sentence.
    towards : list of Contribution
        The ``top`` largest positive contributions (towards ``label``).
    against : list of Contribution
        The ``top`` most negative ones (towards ``runner_up``), most negative first.
    contributions : list of Contribution
        Every non-zero contribution, largest first.
    start, end : int or None
        Offsets in the document for a ``Sentence``; None for a plain str.
    own : Explanation or None
        For a sentence read in its document (:func:`explain_document`): the
        word and cue explanation of the sentence's own reading, which the
        context stage then weighs with its neighbours. The contributions
        above are then the context stage's: ``own reading`` (the sentence on
        its own) and one per context feature (``previous:case_study``,
        ``inside_quotation``, ...). None for a sentence read alone.
    """

    text: str
    label: str
    runner_up: str
    probability: float
    runner_up_probability: float
    scores: dict
    logit_difference: float
    intercept_difference: float
    towards: list
    against: list
    contributions: list = field(repr=False)
    start: int | None = None
    end: int | None = None
    own: "Explanation | None" = field(default=None, repr=False)

    def to_dict(self) -> dict:
        """JSON-ready: every field, contributions as dicts (``towards``/``against`` only)."""
        def rows(items):
            return [
                {"name": c.name, "kind": c.kind, "description": c.description,
                 "value": round(float(c.value), 4), "contribution": round(float(c.contribution), 4),
                 "feature": c.feature}
                for c in items
            ]

        return {
            "text": self.text,
            "label": self.label,
            "runner_up": self.runner_up,
            "probability": round(self.probability, 4),
            "runner_up_probability": round(self.runner_up_probability, 4),
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "logit_difference": round(self.logit_difference, 4),
            "intercept_difference": round(self.intercept_difference, 4),
            "towards": rows(self.towards),
            "against": rows(self.against),
            "start": self.start,
            "end": self.end,
            "own": None if self.own is None else self.own.to_dict(),
        }

    def summary(self, n: int = 3) -> str:
        """One line: the ``n`` strongest cues each way, e.g. for a table column."""
        def names(items):
            return ", ".join(
                f"{c.name}{' (absent)' if c.kind != 'words' and c.value == 0 else ''} {c.contribution:+.2f}"
                for c in items[:n]
            ) or "nothing"

        return (f"{self.label} over {self.runner_up}: + {names(self.towards)}; "
                f"- {names(self.against)}")

    def __str__(self) -> str:
        width = max([len(c.name) for c in self.towards + self.against] + [12])
        features = self.logit_difference - self.intercept_difference
        lines = [
            repr(" ".join(self.text.split())),
            f"{self.label} ({self.probability:.2f}) rather than {self.runner_up} "
            f"({self.runner_up_probability:.2f}): log-odds {self.logit_difference:+.2f} "
            f"= features {features:+.2f} + intercepts {self.intercept_difference:+.2f}",
        ]
        for title, items in ((f"towards {self.label}", self.towards), (f"towards {self.runner_up}", self.against)):
            lines.append(f"  {title}:")
            if not items:
                lines.append("    (nothing)")
            for c in items:
                lines.append(f"    {c.contribution:+6.2f}  {c.name:{width}s}  {c.description} ({c._value_text()})")
        if self.own is not None:
            lines.append("  the sentence on its own:")
            lines += ["  " + line for line in str(self.own).split("\n")[1:]]
        return "\n".join(lines)


def _check_model(model):
    if getattr(model, "pipeline_", None) is None or not hasattr(model, "_linear_weights"):
        raise TypeError(
            f"explain needs a fitted casey_nlp SentenceClassifier, got {type(model).__name__}"
        )


def _surface_ngrams(text: str) -> dict:
    """Map each stemmed n-gram of ``text`` to its first surface form (lower case)."""
    from ._features import surface_tokens, tokenize

    raw, stems = surface_tokens(text), tokenize(text)
    surface = {}
    for n in (3, 2, 1):
        for i in range(len(stems) - n + 1):
            surface.setdefault(" ".join(stems[i:i + n]), " ".join(raw[i:i + n]))
    return surface


def explain_sentences(sentences, *, model=None, top=8) -> list[Explanation]:
    """Explain several sentences at once; see :func:`explain`.

    Parameters
    ----------
    sentences : sequence of str or Sentence
        ``Sentence`` objects keep their list context (a feature).
    model : SentenceClassifier, optional
        Defaults to the shipped model.
    top : int, default=8
        How many contributions to keep each way.

    Returns
    -------
    list of Explanation
    """
    from ._persist import load_model

    items = as_sentences(sentences, "sentences")
    model = load_model() if model is None else model
    if not items:
        return []
    _check_model(model)
    from ._features import FEATURE_DESCRIPTIONS

    W, b = model._linear_weights()
    classes = np.asarray(model.classes_)
    names = [str(n) for n in model.get_feature_names_out()]
    X = model._feature_matrix(items)
    logits = np.asarray(X @ W.T) + b
    probabilities = model.predict_proba(items)
    raw_cues = model._cue_values(items)
    cue_offset = next((i for i, n in enumerate(names) if n.startswith("cues__")), len(names))
    out = []
    for row, item in enumerate(items):
        order = np.argsort(-probabilities[row], kind="stable")
        a, r = int(order[0]), int(order[1])
        x = X.getrow(row)
        idx, vals = x.indices, x.data.astype(float)
        contrib = vals * (W[a, idx] - W[r, idx])
        text = getattr(item, "text", item)
        surface = _surface_ngrams(text)
        contributions = []
        for j, value, c in zip(idx, vals, contrib):
            if c == 0:
                continue
            feature = names[j]
            block, _, name = feature.partition("__")
            if block == "words":
                shown = surface.get(name, name)
                n = len(name.split())
                description = f"word {n}-gram" if n > 1 else "word"
                if shown != name:
                    description += f" (stemmed: {name!r})"
                contributions.append(Contribution(shown, "words", description, float(value), float(c), feature))
            else:
                kind = name.split(":", 1)[0] if ":" in name else block
                raw = float(raw_cues[row, j - cue_offset]) if raw_cues is not None and j >= cue_offset else float(value)
                description = FEATURE_DESCRIPTIONS.get(name, name.split(":", 1)[-1].replace("_", " "))
                contributions.append(Contribution(name, kind, description, raw, float(c), feature))
        contributions.sort(key=lambda c: -c.contribution)
        towards = [c for c in contributions if c.contribution > 0][:top]
        against = [c for c in reversed(contributions) if c.contribution < 0][:top]
        out.append(
            Explanation(
                text=text,
                label=str(classes[a]),
                runner_up=str(classes[r]),
                probability=float(probabilities[row, a]),
                runner_up_probability=float(probabilities[row, r]),
                scores={str(c): float(p) for c, p in zip(classes, probabilities[row])},
                logit_difference=float(logits[row, a] - logits[row, r]),
                intercept_difference=float(b[a] - b[r]),
                towards=towards,
                against=against,
                contributions=contributions,
                start=getattr(item, "start", None),
                end=getattr(item, "end", None),
            )
        )
    return out


def explain(sentence, *, model=None, top=8) -> Explanation:
    """Explain why a sentence got its label rather than the runner-up.

    The model is linear, so the explanation is exact: the log-odds between
    the predicted label and the second most probable label is the sum of one
    contribution per feature plus the intercept difference. Word n-grams are
    shown as they appear in the sentence; cues (``cue:modal_obligation``,
    ``shape:no_final_punct``, ``context:lead_in_call``, ...) with a
    description and their raw count.

    Parameters
    ----------
    sentence : str or Sentence
        One sentence. A ``Sentence`` from :func:`casey_nlp.split_sentences`
        keeps its list context (bullet, lead-in line), which is a feature;
        a plain str has none.
    model : SentenceClassifier, optional
        Defaults to the shipped model.
    top : int, default=8
        How many contributions to list each way.

    Returns
    -------
    Explanation
        ``label``, ``runner_up``, their probabilities, ``towards`` (the top
        contributions towards the label), ``against`` (towards the
        runner-up), ``logit_difference``, ``intercept_difference``;
        ``str(explanation)`` is a readable report, ``to_dict()`` JSON-ready.

    Examples
    --------
    >>> import casey_nlp
    >>> e = casey_nlp.explain("The Home Office must act now.")
    >>> e.label
    'demand'
    >>> "cue:modal_obligation" in [c.name for c in e.towards]
    True
    >>> total = e.intercept_difference + sum(c.contribution for c in e.contributions)
    >>> abs(total - e.logit_difference) < 1e-6
    True
    """
    if isinstance(sentence, (list, tuple)) and not hasattr(sentence, "text"):
        raise TypeError("explain takes one sentence; use explain_sentences for a list")
    return explain_sentences([sentence], model=model, top=top)[0]


def explain_in_context(sentences, *, model=None, top=8, groups=None) -> list[Explanation]:
    """Explain sentences read in their documents, as ``classify`` tags them.

    The label is the context stage's. Its log-odds are split exactly into
    the sentence's own reading (one term, explained word by word in
    ``own``) and each context feature's share. A model without a context
    stage gives :func:`explain_sentences`.
    """
    from ._context import CONTEXT_FEATURES, context_feature_names
    from ._persist import load_model

    items = as_sentences(sentences, "sentences")
    model = load_model() if model is None else model
    own = explain_sentences(items, model=model, top=top)
    if not items or getattr(model, "context_coef_", None) is None:
        return own
    classes = [str(c) for c in model.classes_]
    first_stage, Z, offset, logits, alone = model._context_reading(items, groups)
    W, b = model.context_coef_, model.context_intercept_
    probabilities = _softmax(logits)
    names = context_feature_names(classes)
    descriptions = [
        f"{feature.description} ({label})" if feature.per_label else feature.description
        for feature in CONTEXT_FEATURES for label in (classes if feature.per_label else [None])
    ]
    described = dict(zip(names, descriptions))
    out = []
    for row, (item, reading) in enumerate(zip(items, own)):
        if alone[row]:
            out.append(reading)
            continue
        order = np.argsort(-probabilities[row], kind="stable")
        a, r = int(order[0]), int(order[1])
        shares = Z[row] * (W[a] - W[r])
        # The sentence's own reading enters with weight 1: its share is the
        # first stage's log-odds between the two labels (clipped as scored).
        contributions = [Contribution(
            "own reading", "sentence",
            f"the sentence on its own: {classes[a]} {first_stage[row, a]:.2f}, {classes[r]} {first_stage[row, r]:.2f}",
            float(first_stage[row, a]), float(offset[row, a] - offset[row, r]), "own_reading",
        )]
        contributions += [
            Contribution(name, "context", described[name], float(Z[row, j]), float(shares[j]), name)
            for j, name in enumerate(names) if shares[j] != 0
        ]
        contributions.sort(key=lambda c: -c.contribution)
        out.append(Explanation(
            text=reading.text, label=classes[a], runner_up=classes[r],
            probability=float(probabilities[row, a]), runner_up_probability=float(probabilities[row, r]),
            scores={c: float(p) for c, p in zip(classes, probabilities[row])},
            logit_difference=float(logits[row, a] - logits[row, r]), intercept_difference=float(b[a] - b[r]),
            towards=[c for c in contributions if c.contribution > 0][:top],
            against=[c for c in reversed(contributions) if c.contribution < 0][:top],
            contributions=contributions, start=reading.start, end=reading.end, own=reading,
        ))
    return out


def explain_document(text: str, *, model=None, top=8) -> list[Explanation]:
    """Split a document like :func:`casey_nlp.classify` and explain every sentence in context.

    Labels and probabilities are the ones ``classify(text, model=model)``
    gives (same sentences, same context); ``start``/``end`` are offsets into
    ``text``. Each explanation's ``own`` explains the sentence's own words
    and cues; its contributions say how the context moved the tag.

    Raises
    ------
    ValueError
        If ``text`` is longer than ``classify`` accepts (10,000,000
        characters, or more than 200,000 sentences).

    Examples
    --------
    >>> import casey_nlp
    >>> [e.label for e in casey_nlp.explain_document("The Met must change. ENDS")]
    ['demand', 'other']
    """
    from ._context import check_document_length, check_sentence_count
    from ._segment import split_sentences

    if not isinstance(text, str):
        raise TypeError(f"explain_document expects the document as a str, got {type(text).__name__}")
    check_document_length(text, "explain_document")
    sentences = split_sentences(text)
    check_sentence_count(len(sentences), "explain_document")  # the cost is per sentence, not per character
    return explain_in_context(sentences, model=model, top=top)


def explain_many(inputs, *, model=None, top=8, min_confidence=None, extract=True):
    """Tag and explain many documents, reading, splitting and scoring each once.

    The explained counterpart of :func:`casey_nlp.classify_many` (one
    document at a time, in this process): the tags are taken from the same
    reading as the explanations, so they are those of ``classify``.

    Parameters
    ----------
    inputs : iterable
        As for ``classify_many``: texts, paths or ``(id, text)`` tuples.
    model : SentenceClassifier, optional
        Defaults to the shipped model.
    top : int, default=8
        Contributions kept per explanation.
    min_confidence : float, optional
        Mark tags whose probability is below it as unsure, as ``classify`` does.
    extract : bool, default=True
        Fill speakers, addressees and figures, as ``classify_many`` does.

    Yields
    ------
    (DocumentResult, list of Explanation)
        One pair per input, in order; a document that cannot be read, is
        longer than 10,000,000 characters or cannot be split gives a result
        with ``error`` set and no explanations; the run goes on.
    """
    from ._classify import DocumentResult, TaggedSentence, _checked_inputs, _split, check_min_confidence
    from ._extract import extract_all
    from ._inputs import _read_document
    from ._persist import load_model

    items = _checked_inputs(inputs)  # the containers classify_many refuses, refused alike
    model = load_model() if model is None else model
    min_confidence = check_min_confidence(min_confidence)
    for position, item in enumerate(items):
        source, text, error = _read_document(item, position)
        # classify_many's protections (size limit, a splitter failure becoming
        # this document's error) apply here too: --explain must not be the
        # way round them.
        sentences, error = _split(source, text, error)
        if not sentences:
            yield DocumentResult(source, [], error), []
            continue
        explanations = explain_in_context(sentences, model=model, top=top)
        tagged = [
            # Scores in LABELS order, as classify gives them.
            TaggedSentence(s.text, e.label, {l: e.scores[l] for l in LABELS if l in e.scores},
                           s.start, s.end, s.list_item, s.lead_in,
                           min_confidence is not None and e.scores[e.label] < min_confidence)
            for s, e in zip(sentences, explanations)
        ]
        if extract:
            tagged = extract_all(text, tagged)
        yield DocumentResult(source, tagged, None), explanations
