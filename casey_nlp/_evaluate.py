"""Leave-one-document-out evaluation, with baselines scored on the same folds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import LeaveOneGroupOut
from sklearn.pipeline import make_pipeline

from ._labels import LABELS
from ._model import SentenceClassifier, as_texts

__all__ = ["KeywordBaseline", "EvaluationReport", "evaluate", "baselines"]


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
    """Leave-one-document-out results for one model.

    ``y_true``, ``y_pred`` and ``proba`` are pooled over the folds: every
    sentence was predicted by a model that never saw its document.
    """

    name: str
    labels: list
    y_true: np.ndarray
    y_pred: np.ndarray
    groups: np.ndarray
    proba: np.ndarray | None = None
    baselines: dict = field(default_factory=dict)

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

    def per_document(self) -> dict:
        """``{doc_id: {macro_f1, accuracy, n}}`` for each held-out document.

        Macro-F1 here averages over the labels present in that document or
        predicted for it.
        """
        out = {}
        for group in dict.fromkeys(self.groups):
            mask = self.groups == group
            present = sorted(set(self.y_true[mask]) | set(self.y_pred[mask]))
            out[str(group)] = {
                "macro_f1": float(f1_score(self.y_true[mask], self.y_pred[mask], labels=present, average="macro", zero_division=0)),
                "accuracy": float(np.mean(self.y_true[mask] == self.y_pred[mask])),
                "n": int(mask.sum()),
            }
        return out

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
            "macro_f1": self.macro_f1,
            "accuracy": self.accuracy,
            "per_label": self.per_label(),
            "per_document": self.per_document(),
            "confusion": {"labels": list(self.labels), "matrix": self.confusion().tolist()},
            "calibration": self.calibration(),
            "baselines": {name: {"macro_f1": r.macro_f1, "accuracy": r.accuracy} for name, r in self.baselines.items()},
        }

    def to_markdown(self) -> str:
        """The same figures as ``str(report)``, as Markdown tables (for model cards)."""
        out = ["| model | macro-F1 | accuracy |", "|---|---|---|",
               f"| **{self.name}** | **{self.macro_f1:.3f}** | **{self.accuracy:.3f}** |"]
        out += [f"| {name} | {r.macro_f1:.3f} | {r.accuracy:.3f} |" for name, r in self.baselines.items()]
        out += ["", "| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        out += [f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |"
                for label, m in self.per_label().items()]
        out += ["", "| true \\ predicted | " + " | ".join(self.labels) + " |", "|---" * (len(self.labels) + 1) + "|"]
        out += [f"| {label} | " + " | ".join(str(v) for v in row) + " |" for label, row in zip(self.labels, self.confusion())]
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
            f"Leave-one-document-out evaluation of {self.name} "
            f"({len(self.y_true)} sentences, {len(set(self.groups))} documents)",
            "",
            f"{'model':42s} {'macro-F1':>8s} {'accuracy':>8s}",
            f"{self.name:42s} {self.macro_f1:8.3f} {self.accuracy:8.3f}",
        ]
        for name, report in self.baselines.items():
            lines.append(f"{name:42s} {report.macro_f1:8.3f} {report.accuracy:8.3f}")
        lines += ["", f"{'label':12s} {'precision':>9s} {'recall':>7s} {'F1':>6s} {'support':>7s}"]
        for label, m in self.per_label().items():
            lines.append(f"{label:12s} {m['precision']:9.3f} {m['recall']:7.3f} {m['f1']:6.3f} {m['support']:7d}")
        lines += ["", "confusion (rows: true, columns: predicted)"]
        lines.append(" " * 12 + "".join(f"{label[:10]:>11s}" for label in self.labels))
        for label, row in zip(self.labels, self.confusion()):
            lines.append(f"{label:12s}" + "".join(f"{v:11d}" for v in row))
        lines += ["", f"{'held-out document':30s} {'n':>4s} {'macro-F1':>8s} {'accuracy':>8s}"]
        for doc, m in self.per_document().items():
            lines.append(f"{doc:30s} {m['n']:4d} {m['macro_f1']:8.3f} {m['accuracy']:8.3f}")
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


def _lodo_predict(estimator, texts, labels, groups, with_proba):
    """Pooled out-of-fold predictions; each fold fits a fresh clone on the other documents."""
    y_pred = np.empty(len(labels), dtype=object)
    proba = np.zeros((len(labels), len(LABELS))) if with_proba else None
    for train, test in LeaveOneGroupOut().split(labels, labels, groups):
        model = clone(estimator).fit([texts[i] for i in train], labels[train])
        test_items = [texts[i] for i in test]
        if with_proba:
            fold = model.predict_proba(test_items)
            columns = [LABELS.index(c) for c in model.classes_]
            proba[np.ix_(test, columns)] = fold
            y_pred[test] = np.asarray(model.classes_, dtype=object)[fold.argmax(axis=1)]
        else:
            y_pred[test] = model.predict(test_items)
    return y_pred, proba


def evaluate(model=None, *, extra=None, include_bundled=True, with_baselines=True):
    """Leave-one-document-out evaluation of a model configuration.

    Each document is held out in turn; a fresh clone of ``model`` (and of
    each baseline) is fitted on all the other documents only, so nothing
    (vocabulary, scaling, weights) is learned from the held-out statement.
    Predictions are pooled over folds and scored once.

    Parameters
    ----------
    model : estimator, optional
        An unfitted scikit-learn classifier over sentences; defaults to
        ``SentenceClassifier()`` with default parameters.
    extra, include_bundled
        As for :func:`casey_nlp.train`: your own labelled files or rows. Rows
        without ``doc_id`` form one group per file.
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
    >>> report = casey_nlp.evaluate(with_baselines=False)
    >>> sorted(report.per_document()) == sorted(set(casey_nlp.load_dataset().doc_ids))
    True
    """
    from ._data import DataError, training_rows

    rows = training_rows(extra, include_bundled=include_bundled)
    items = [r.item for r in rows]
    labels = np.asarray([r.label for r in rows], dtype=object)
    groups = np.asarray([r.group for r in rows], dtype=object)
    if len(set(groups)) < 2:
        raise DataError(
            "leave-one-document-out needs at least two documents; give your rows a doc_id column "
            "(or keep the bundled data)"
        )
    estimator = SentenceClassifier() if model is None else model
    name = "casey_nlp SentenceClassifier" if model is None else type(model).__name__
    y_pred, proba = _lodo_predict(estimator, items, labels, groups, hasattr(estimator, "predict_proba"))
    report = EvaluationReport(name, list(LABELS), labels, y_pred, groups, proba)
    if with_baselines:
        for baseline_name, baseline in baselines().items():
            b_pred, _ = _lodo_predict(baseline, [r.text for r in rows], labels, groups, with_proba=False)
            report.baselines[baseline_name] = EvaluationReport(baseline_name, list(LABELS), labels, b_pred, groups)
    return report
