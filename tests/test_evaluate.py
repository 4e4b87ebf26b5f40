import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from casey_nlp import LABELS, evaluate, load_dataset
from casey_nlp._evaluate import KeywordBaseline


class Spy(ClassifierMixin, BaseEstimator):
    """Records what each fold trains on; predicts 'finding' with uniform scores."""

    seen = []

    def fit(self, X, y):
        Spy.seen.append({getattr(x, "text", x) for x in X})
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return np.full((len(X), len(self.classes_)), 1 / len(self.classes_))


def test_each_fold_trains_on_the_other_documents_only():
    Spy.seen = []
    report = evaluate(Spy(), with_baselines=False)
    bunch = load_dataset()
    assert len(Spy.seen) == 5
    by_doc = {}
    for text, doc in zip(bunch.data, bunch.doc_ids):
        by_doc.setdefault(doc, set()).add(text)
    for trained_on in Spy.seen:
        held_out = [doc for doc, texts in by_doc.items() if not texts & trained_on]
        assert len(held_out) == 1
        assert trained_on == set().union(*(t for d, t in by_doc.items() if d != held_out[0]))
    assert len(report.y_pred) == len(bunch.data)


def test_report_figures_are_consistent():
    report = evaluate(with_baselines=False)
    confusion = report.confusion()
    assert confusion.shape == (5, 5) and confusion.sum() == 153
    assert report.accuracy == np.trace(confusion) / 153
    per_label = report.per_label()
    assert [per_label[l]["support"] for l in LABELS] == confusion.sum(axis=1).tolist()
    assert abs(report.macro_f1 - np.mean([m["f1"] for m in per_label.values()])) < 1e-12
    calibration = report.calibration()
    assert 0 <= calibration["ece"] <= 1 and sum(b["n"] for b in calibration["bins"]) == 153
    text = str(report)
    assert "confusion" in text and "calibration" in text


def test_keyword_baseline_rules():
    rules = KeywordBaseline().fit(["a"], ["demand"])
    assert list(rules.predict([
        "One woman told us she was ignored.", "The Met must act.", "7% were charged.",
        "Jane Doe said:", "The force is failing.", "Case Studies",
    ])) == ["case_study", "demand", "statistic", "other", "finding", "other"]


def test_macro_f1_averages_over_the_labels_present():
    from casey_nlp._evaluate import EvaluationReport

    y = np.array(["demand", "other", "demand"], dtype=object)
    report = EvaluationReport("x", list(LABELS), y, y.copy(), np.array(["a", "b", "b"]))
    assert report.scored_labels == ["demand", "other"] and report.macro_f1 == 1.0


def test_the_readme_and_model_card_tables_are_what_evaluate_prints():
    """The published figures cannot drift from `casey-nlp evaluate`."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    headline = evaluate().to_markdown().split("\n\n")[0]
    assert headline in (root / "README.md").read_text(encoding="utf-8")
    card = (root / "models" / "README.md").read_text(encoding="utf-8")
    assert evaluate().to_markdown() in card
