import numpy as np
import pytest
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


class GroupSpy(Spy):
    """A model whose fit takes the documents: records them."""

    groups = []

    def fit(self, X, y, groups=None):
        GroupSpy.groups.append(list(groups))
        return super().fit(X, y)


def _texts_by(key):
    bunch = load_dataset(subset="all")
    out = {}
    for text, value in zip(bunch.data, key(bunch)):
        out.setdefault(value, set()).add(text)
    return out


def test_statements_split_holds_out_each_statement_and_always_trains_on_the_written_corpus():
    Spy.seen = []
    report = evaluate(Spy(), split="statements", with_baselines=False)
    statements = load_dataset()
    by_doc = _texts_by(lambda b: b.doc_ids)
    written = set(load_dataset(subset="written").data)
    assert len(Spy.seen) == 5
    docs = sorted(set(statements.doc_ids))
    # Lines such as "ENDS" recur across documents: compare on each statement's own sentences.
    unique = {d: by_doc[d] - written - set().union(*(by_doc[e] for e in docs if e != d)) for d in docs}
    for trained_on in Spy.seen:
        held_out = [doc for doc in docs if not unique[doc] & trained_on]
        assert len(held_out) == 1
        assert written <= trained_on
    assert sorted(report.per_document()) == sorted(set(statements.doc_ids))
    assert len(report.y_pred) == len(statements.data)


def test_written_to_statements_trains_on_the_written_corpus_only():
    Spy.seen = []
    report = evaluate(Spy(), split="written-to-statements", with_baselines=False)
    assert Spy.seen == [set(load_dataset(subset="written").data)]
    assert list(report.y_true) == load_dataset().target


def test_writers_split_never_trains_on_the_held_out_writer():
    Spy.seen = []
    report = evaluate(Spy(), split="writers", with_baselines=False)
    written = load_dataset(subset="written")
    by_writer = _texts_by(lambda b: b.writers)
    writers = sorted(set(written.writers))
    assert len(Spy.seen) == len(writers) >= 6
    statements = set(load_dataset().data)
    for trained_on in Spy.seen:
        # Headings such as "Notes to editors" recur across writers, so compare
        # on the sentences that only one writer wrote.
        unique = {w: by_writer[w] - set().union(*(by_writer[v] for v in writers if v != w)) for w in writers}
        held_out = [w for w in writers if not unique[w] & trained_on]
        assert len(held_out) == 1 and statements <= trained_on
    assert len(report.y_true) == len(written.data)
    assert set(report.per_genre()) == set(written.genres)


def test_a_model_that_reads_context_is_given_each_sentences_document():
    GroupSpy.groups, GroupSpy.seen = [], []
    evaluate(GroupSpy(), split="written-to-statements", with_baselines=False)
    written = load_dataset(subset="written")
    assert GroupSpy.groups == [written.doc_ids]


def test_unknown_split_names_the_choices():
    with pytest.raises(ValueError, match="split='lodo' is not known; use one of 'statements'"):
        evaluate(Spy(), split="lodo", with_baselines=False)


def test_report_figures_are_consistent():
    report = evaluate(split="written-to-statements", with_baselines=False)
    confusion = report.confusion()
    assert confusion.shape == (5, 5) and confusion.sum() == 153
    assert report.accuracy == np.trace(confusion) / 153
    per_label = report.per_label()
    assert [per_label[l]["support"] for l in LABELS] == confusion.sum(axis=1).tolist()
    assert abs(report.macro_f1 - np.mean([m["f1"] for m in per_label.values()])) < 1e-12
    calibration = report.calibration()
    assert 0 <= calibration["ece"] <= 1 and sum(b["n"] for b in calibration["bins"]) == 153
    # The default model reads context, so the report also scores sentences read alone.
    assert report.isolated is not None and len(report.isolated.y_pred) == 153
    text = str(report)
    assert "confusion" in text and "calibration" in text and "sentences alone" in text


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


@pytest.mark.slow
def test_the_readme_and_model_card_tables_are_what_evaluate_prints():
    """The published figures cannot drift from `casey-nlp evaluate`."""
    from pathlib import Path

    from casey_nlp._evaluate import BLIND_SPLITS

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    card = (root / "models" / "README.md").read_text(encoding="utf-8")
    for split in BLIND_SPLITS:
        tables = evaluate(split=split).to_markdown()
        assert tables.split("\n\n")[0] in readme, split
        assert tables in card, split


def test_user_data_where_some_folds_cannot_train_a_context_stage(tmp_path):
    """A held-out document with the only case study leaves that fold's training side without one."""
    data = tmp_path / "mine.csv"
    rows = {
        "a": [("Forces must publish vetting data.", "demand"), ("The force failed to act.", "finding"),
              ("Half of the cases were dropped.", "statistic"), ("ENDS", "other")],
        "b": [("Ministers should fund refuges.", "demand"), ("Vetting is broken.", "finding"),
              ("One in four complaints was upheld.", "statistic"), ("Notes to editors", "other")],
        "c": [("One woman told us she waited a year.", "case_study"), ("She was never called back.", "case_study"),
              ("The Met must change.", "demand")],
        "d": [("The review found a toxic culture.", "finding"), ("Cookies help us run this site.", "other"),
              ("Only 3% of reports led to a charge.", "statistic"), ("Forces need to act now.", "demand")],
    }
    data.write_text(
        "text,label,doc_id\n" + "".join(f'"{t}",{l},{d}\n' for d, pairs in rows.items() for t, l in pairs),
        encoding="utf-8",
    )
    report = evaluate(extra=[data], include_bundled=False, split="documents", with_baselines=False)
    assert len(report.y_pred) == 15 and None not in set(report.y_pred)
    assert report.isolated is not None and None not in set(report.isolated.y_pred)
    assert 0 <= report.isolated.macro_f1 <= 1
