"""Blind evaluation: every sentence is tagged by a model that never saw its document.

Three splits give the figures to expect on a new statement (``BLIND_SPLITS``),
and every model and baseline is scored on the same folds.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.pipeline import make_pipeline

from ._labels import LABELS
from ._model import SentenceClassifier, as_texts

# split name -> what it measures. Models are chosen on the two splits that
# never test on the five statements the cues were designed from
# ("written-to-statements" does test on them, but trains on nothing of theirs).
SPLITS = {
    "statements": "leave-one-statement-out on the five public statements, "
    "with the written corpus always in training",
    "written-to-statements": "trained on the written corpus only, tested on the five public statements",
    "writers": "leave-one-writer-out on the written corpus: each writer's documents are tagged "
    "by a model trained on the other writers' documents and the five statements",
    "documents": "leave-one-document-out over all the training data (use it for your own data)",
}
BLIND_SPLITS = ("statements", "written-to-statements", "writers")


class KeywordBaseline(ClassifierMixin, BaseEstimator):
    """Hand-written keyword rules, the way a careful analyst would start.

    Learns nothing from the data (``fit`` only records ``classes_``): a
    reference point for what simple rules achieve on unseen statements.
    """

    _RULES = (
        ("case_study", re.compile(r"\b(?:told us|one woman|another woman|one man|another man)\b")),
        ("demand", re.compile(r"\b(?:must|should|needs? to|has to|have to|call(?:s|ed)? (?:for|on)|urge[sd]?|demand)\b")),
        ("statistic", re.compile(r"\d+(?:\.\d+)?\s?%|\bper ?cent\b|\b\d+ out of \d+\b|\bone in \w+\b|\b\d[\d,]* (?:women|men|officers|cases|people|survivors|victims)\b")),
        ("other", re.compile(r"(?::\s*$)|\b(?:cookies?|website|ends|notes to editors|helpline|visit|click)\b")),
    )

    def fit(self, X, y):
        self.classes_ = np.unique(np.asarray(y, dtype=object))
        return self

    def _label(self, text: str) -> str:
        lowered = text.lower()
        for label, pattern in self._RULES:
            if pattern.search(lowered):
                return label
        if len(text.split()) <= 8 and not text.rstrip().endswith((".", "?", "!", "\u201d", '"')):
            return "other"  # a short line without final punctuation: a heading
        return "finding"

    def predict(self, X):
        return np.asarray([self._label(t) for t in as_texts(X)], dtype=object)


def baselines() -> dict:
    """The reference models scored next to the default model."""
    return {
        "majority class": DummyClassifier(strategy="most_frequent"),
        "keyword rules": KeywordBaseline(),
        "TF-IDF + logistic regression": make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(max_iter=1000)
        ),
        "TF-IDF + logistic regression (balanced)": make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2)),
            LogisticRegression(max_iter=1000, class_weight="balanced"),
        ),
    }


@dataclass
class EvaluationReport:
    """Blind results for one model on one split.

    ``y_true``, ``y_pred`` and ``proba`` are pooled over the folds: every
    sentence was predicted by a model that never saw its document.
    ``y_pred`` reads each sentence in its document (as ``classify`` does);
    ``isolated`` holds the same model's figures with each sentence read on
    its own (as ``classify_sentences`` does), when they differ.
    """

    name: str
    labels: list
    y_true: np.ndarray
    y_pred: np.ndarray
    groups: np.ndarray
    proba: np.ndarray | None = None
    baselines: dict = field(default_factory=dict)
    split: str = "documents"
    genres: np.ndarray | None = None
    isolated: "EvaluationReport | None" = None

    @property
    def description(self) -> str:
        """What the split measures, in words."""
        return SPLITS.get(self.split, self.split)

    @property
    def scored_labels(self) -> list:
        """The labels macro-F1 averages over: those in the data or predicted."""
        present = set(self.y_true) | set(self.y_pred)
        return [label for label in self.labels if label in present]

    @property
    def macro_f1(self) -> float:
        """F1 averaged over ``scored_labels`` (all five on the bundled data)."""
        return float(
            f1_score(self.y_true, self.y_pred, labels=self.scored_labels, average="macro", zero_division=0)
        )

    @property
    def accuracy(self) -> float:
        return float(np.mean(self.y_true == self.y_pred))

    def per_label(self) -> dict:
        """``{label: {precision, recall, f1, support}}``."""
        p, r, f, s = precision_recall_fscore_support(
            self.y_true, self.y_pred, labels=self.labels, zero_division=0
        )
        return {
            label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
            for i, label in enumerate(self.labels)
        }

    def _per(self, keys) -> dict:
        out = {}
        for key in dict.fromkeys(keys):
            mask = keys == key
            present = sorted(set(self.y_true[mask]) | set(self.y_pred[mask]))
            out[str(key)] = {
                "macro_f1": float(f1_score(self.y_true[mask], self.y_pred[mask], labels=present, average="macro", zero_division=0)),
                "accuracy": float(np.mean(self.y_true[mask] == self.y_pred[mask])),
                "n": int(mask.sum()),
            }
        return out

    def per_document(self) -> dict:
        """``{doc_id: {macro_f1, accuracy, n}}`` for each held-out document.

        Macro-F1 here averages over the labels present in that document or
        predicted for it.
        """
        return self._per(self.groups)

    def per_genre(self) -> dict:
        """``{genre: {macro_f1, accuracy, n}}``, or ``{}`` when genres are unknown."""
        return {} if self.genres is None else dict(sorted(self._per(self.genres).items()))

    def confusion(self) -> np.ndarray:
        """Rows: true label; columns: predicted label; both in ``labels`` order."""
        return confusion_matrix(self.y_true, self.y_pred, labels=self.labels)

    def calibration(self, n_bins: int = 5) -> dict | None:
        """Expected calibration error of the top label, Brier score, and a reliability table."""
        if self.proba is None:
            return None
        confidence = self.proba.max(axis=1)
        correct = (self.y_true == self.y_pred).astype(float)
        edges = np.linspace(0, 1, n_bins + 1)
        bins, ece = [], 0.0
        for low, high in zip(edges[:-1], edges[1:]):
            mask = (confidence > low) & (confidence <= high)
            if mask.any():
                gap = abs(confidence[mask].mean() - correct[mask].mean())
                ece += mask.mean() * gap
                bins.append(
                    {"bin": f"{low:.1f}-{high:.1f}", "n": int(mask.sum()),
                     "mean_confidence": float(confidence[mask].mean()), "accuracy": float(correct[mask].mean())}
                )
        onehot = (self.y_true[:, None] == np.asarray(self.labels)[None, :]).astype(float)
        brier = float(np.mean(np.sum((self.proba - onehot) ** 2, axis=1)))
        return {"ece": float(ece), "brier": brier, "bins": bins}

    def to_dict(self) -> dict:
        """Every figure, JSON-ready."""
        return {
            "model": self.name,
            "split": self.split,
            "description": self.description,
            "n_sentences": int(len(self.y_true)),
            "n_documents": int(len(set(self.groups))),
            "macro_f1": self.macro_f1,
            "accuracy": self.accuracy,
            "per_label": self.per_label(),
            "per_document": self.per_document(),
            "per_genre": self.per_genre(),
            "isolated": None if self.isolated is None else {
                "macro_f1": self.isolated.macro_f1, "accuracy": self.isolated.accuracy},
            "confusion": {"labels": list(self.labels), "matrix": self.confusion().tolist()},
            "calibration": self.calibration(),
            "baselines": {name: {"macro_f1": r.macro_f1, "accuracy": r.accuracy} for name, r in self.baselines.items()},
        }

    def to_markdown(self) -> str:
        """The same figures as ``str(report)``, as Markdown tables (for model cards)."""
        out = ["| model | macro-F1 | accuracy |", "|---|---|---|",
               f"| **{self.name}** | **{self.macro_f1:.3f}** | **{self.accuracy:.3f}** |"]
        if self.isolated is not None:
            out.append(f"| {self.isolated.name} | {self.isolated.macro_f1:.3f} | {self.isolated.accuracy:.3f} |")
        out += [f"| {name} | {r.macro_f1:.3f} | {r.accuracy:.3f} |" for name, r in self.baselines.items()]
        out += ["", "| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        out += [f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |"
                for label, m in self.per_label().items()]
        out += ["", "| true \\ predicted | " + " | ".join(self.labels) + " |", "|---" * (len(self.labels) + 1) + "|"]
        out += [f"| {label} | " + " | ".join(str(v) for v in row) + " |" for label, row in zip(self.labels, self.confusion())]
        if self.genres is not None:
            out += ["", "| genre | sentences | macro-F1 | accuracy |", "|---|---|---|---|"]
            out += [f"| {g} | {m['n']} | {m['macro_f1']:.3f} | {m['accuracy']:.3f} |" for g, m in self.per_genre().items()]
        if len(set(self.groups)) <= 12:
            out += ["", "| held-out document | sentences | macro-F1 | accuracy |", "|---|---|---|---|"]
            out += [f"| {doc} | {m['n']} | {m['macro_f1']:.3f} | {m['accuracy']:.3f} |" for doc, m in self.per_document().items()]
        calibration = self.calibration()
        if calibration:
            out += ["", f"Calibration of the top label: ECE {calibration['ece']:.3f}, Brier score {calibration['brier']:.3f}.", "",
                    "| top-label confidence | sentences | mean confidence | accuracy |", "|---|---|---|---|"]
            out += [f"| {b['bin']} | {b['n']} | {b['mean_confidence']:.2f} | {b['accuracy']:.2f} |" for b in calibration["bins"]]
        return "\n".join(out)

    def __str__(self) -> str:
        lines = [
            f"{self.split}: {self.description}",
            f"{len(self.y_true)} sentences, {len(set(self.groups))} documents",
            "",
            f"{'model':42s} {'macro-F1':>8s} {'accuracy':>8s}",
            f"{self.name:42s} {self.macro_f1:8.3f} {self.accuracy:8.3f}",
        ]
        if self.isolated is not None:
            lines.append(f"{self.isolated.name:42s} {self.isolated.macro_f1:8.3f} {self.isolated.accuracy:8.3f}")
        for name, report in self.baselines.items():
            lines.append(f"{name:42s} {report.macro_f1:8.3f} {report.accuracy:8.3f}")
        lines += ["", f"{'label':12s} {'precision':>9s} {'recall':>7s} {'F1':>6s} {'support':>7s}"]
        for label, m in self.per_label().items():
            lines.append(f"{label:12s} {m['precision']:9.3f} {m['recall']:7.3f} {m['f1']:6.3f} {m['support']:7d}")
        lines += ["", "confusion (rows: true, columns: predicted)"]
        lines.append(" " * 12 + "".join(f"{label[:10]:>11s}" for label in self.labels))
        for label, row in zip(self.labels, self.confusion()):
            lines.append(f"{label:12s}" + "".join(f"{v:11d}" for v in row))
        if self.genres is not None:
            lines += ["", f"{'genre':30s} {'n':>5s} {'macro-F1':>8s} {'accuracy':>8s}"]
            for genre, m in self.per_genre().items():
                lines.append(f"{genre:30s} {m['n']:5d} {m['macro_f1']:8.3f} {m['accuracy']:8.3f}")
        if len(set(self.groups)) <= 12:
            lines += ["", f"{'held-out document':30s} {'n':>5s} {'macro-F1':>8s} {'accuracy':>8s}"]
            for doc, m in self.per_document().items():
                lines.append(f"{doc:30s} {m['n']:5d} {m['macro_f1']:8.3f} {m['accuracy']:8.3f}")
        calibration = self.calibration()
        if calibration:
            lines += [
                "",
                f"calibration of the top label: ECE {calibration['ece']:.3f}, Brier {calibration['brier']:.3f}",
            ]
            for b in calibration["bins"]:
                lines.append(
                    f"  confidence {b['bin']}: n={b['n']:3d}  mean confidence {b['mean_confidence']:.2f}  accuracy {b['accuracy']:.2f}"
                )
        return "\n".join(lines)


def _folds(rows, split: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(train, test)`` index arrays for ``split`` over ``rows`` (LabelledRow)."""
    from ._data import DataError

    subsets = np.asarray([r.subset for r in rows], dtype=object)
    groups = np.asarray([r.group for r in rows], dtype=object)
    everything = np.arange(len(rows))
    if split == "documents":
        held_out = [groups == g for g in dict.fromkeys(groups)]
        if len(held_out) < 2:
            raise DataError(
                "leave-one-document-out needs at least two documents; give your rows a doc_id column "
                "(or keep the bundled data)"
            )
        return [(everything[~mask], everything[mask]) for mask in held_out]
    if not {"statements", "written"} <= set(subsets):
        raise DataError(f"split {split!r} needs the bundled data; use split='documents' for your own data only")
    statements = subsets == "statements"
    if split == "statements":
        return [(everything[groups != g], everything[groups == g]) for g in dict.fromkeys(groups[statements])]
    if split == "written-to-statements":
        return [(everything[subsets == "written"], everything[statements])]
    if split == "writers":
        writers = np.asarray([r.writer for r in rows], dtype=object)
        written = subsets == "written"
        return [
            (everything[~(written & (writers == w))], everything[written & (writers == w)])
            for w in dict.fromkeys(writers[written])
        ]
    raise ValueError(f"split={split!r} is not known; use one of {', '.join(map(repr, SPLITS))}")


def _fit(estimator, items, labels, groups):
    """Fit a fresh clone, giving it the documents when it can read context."""
    model = clone(estimator)
    if "groups" in inspect.signature(model.fit).parameters:
        return model.fit(items, labels, groups=groups)
    return model.fit(items, labels)


def _readings(model, items, groups, with_proba) -> dict:
    """``{reading: probabilities, or None for predict-only models}`` for one fold's held-out sentences."""
    if hasattr(model, "predict_proba_in_context"):
        # Both readings for every fold, whether or not this fold's model has a
        # context stage (one without reads in context as it reads alone).
        return {"context": model.predict_proba_in_context(items, groups), "isolated": model.predict_proba(items)}
    return {"context": model.predict_proba(items) if with_proba else None}


def _predict_folds(estimator, items, labels, groups, folds, with_proba):
    # ``groups`` here are the documents as the context stage reads them
    # (``context_groups``); the folds themselves were made from the rows' groups.
    """Pooled out-of-fold predictions: ``{"context": (y_pred, proba), "isolated": ...}``.

    "context" reads each held-out document as ``classify`` does; "isolated"
    (only for models that read context) reads each sentence alone.
    """
    tested = np.concatenate([test for _, test in folds])
    out = {}
    for train, test in folds:
        model = _fit(estimator, [items[i] for i in train], labels[train], groups[train])
        test_items = [items[i] for i in test]
        for reading, fold in _readings(model, test_items, groups[test], with_proba).items():
            y_pred, proba = out.setdefault(
                reading, (np.empty(len(labels), dtype=object), np.zeros((len(labels), len(LABELS))) if with_proba else None)
            )
            if fold is None:
                y_pred[test] = model.predict(test_items)
                continue
            columns = [LABELS.index(c) for c in model.classes_]
            proba[np.ix_(test, columns)] = fold
            y_pred[test] = np.asarray(model.classes_, dtype=object)[fold.argmax(axis=1)]
    return {k: (y[tested], None if p is None else p[tested]) for k, (y, p) in out.items()}, tested


def evaluate(model=None, *, split="statements", extra=None, include_bundled=True, with_baselines=True):
    """Blind evaluation of a model configuration on one split.

    For each fold, a fresh clone of ``model`` (and of each baseline) is
    fitted on the training side only, so nothing (vocabulary, scaling,
    weights, the context stage) is learned from a held-out document.
    Predictions are pooled over folds and scored once.

    Parameters
    ----------
    model : estimator, optional
        An unfitted scikit-learn classifier over sentences; defaults to
        ``SentenceClassifier()`` with default parameters. If its ``fit``
        takes ``groups``, it is given each sentence's document.
    split : str, default="statements"
        One of ``SPLITS``. The three in ``BLIND_SPLITS`` are the figures to
        expect on new statements: ``"statements"`` (leave one of the five
        statements out, the written corpus always in training),
        ``"written-to-statements"`` (train on the written corpus only) and
        ``"writers"`` (leave one writer of the written corpus out).
        ``"documents"`` is leave-one-document-out over everything, for your
        own data.
    extra, include_bundled
        As for :func:`casey_nlp.train`: your own labelled files or rows.
        They are on the training side of every fold of ``"statements"`` and
        ``"writers"``; ``"written-to-statements"`` trains on the written
        corpus alone, without them. Rows without ``doc_id`` form one group
        per file for the folds, and are each read alone by the context
        stage.
    with_baselines : bool, default=True
        Also score the majority class, keyword rules and TF-IDF + logistic
        regression on the same folds.

    Returns
    -------
    EvaluationReport
        ``str(report)`` is a readable table; ``report.to_dict()`` has every
        figure.

    Examples
    --------
    >>> import casey_nlp
    >>> report = casey_nlp.evaluate(split="written-to-statements", with_baselines=False)
    >>> sorted(report.per_document()) == sorted(set(casey_nlp.load_dataset().doc_ids))
    True
    """
    from ._data import context_groups, training_rows

    rows = training_rows(extra, include_bundled=include_bundled)
    folds = _folds(rows, split)
    items = [r.item for r in rows]
    labels = np.asarray([r.label for r in rows], dtype=object)
    groups = np.asarray([r.group for r in rows], dtype=object)
    documents = np.asarray(context_groups(rows), dtype=object)
    genres = np.asarray([r.genre or r.subset for r in rows], dtype=object)
    estimator = SentenceClassifier() if model is None else model
    name = "casey_nlp SentenceClassifier" if model is None else type(model).__name__
    predictions, tested = _predict_folds(estimator, items, labels, documents, folds, hasattr(estimator, "predict_proba"))
    truth, held_groups, held_genres = labels[tested], groups[tested], genres[tested]

    def report_for(report_name, y_pred, proba=None):
        return EvaluationReport(report_name, list(LABELS), truth, y_pred, held_groups, proba,
                                split=split, genres=held_genres)

    report = report_for(name, *predictions["context"])
    if "isolated" in predictions and not np.array_equal(predictions["isolated"][1], predictions["context"][1]):
        report.name = f"{name} (in context)"
        report.isolated = report_for(f"{name} (sentences alone)", *predictions["isolated"])
    if with_baselines:
        texts = [r.text for r in rows]
        for baseline_name, baseline in baselines().items():
            b_pred, _ = _predict_folds(baseline, texts, labels, documents, folds, with_proba=False)[0]["context"]
            report.baselines[baseline_name] = report_for(baseline_name, b_pred)
    return report
