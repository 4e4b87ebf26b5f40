import numpy as np
import pytest

from casey_nlp import SentenceClassifier, classify, classify_sentences, split_sentences
from casey_nlp._context import (
    CONTEXT_FEATURES,
    context_feature_names,
    context_features,
    document_bounds,
    fit_context_stage,
    own_reading,
)
from casey_nlp._data import bundled_rows

LABELS = ["case_study", "demand", "finding", "other", "statistic"]


def column(name, proba, items, groups=None, labels=LABELS):
    return context_features(proba, labels, items, groups)[:, context_feature_names(labels).index(name)]


def one_hot(labels):
    return np.asarray([[float(label == c) for c in LABELS] for label in labels])


def test_document_bounds_mark_runs_of_groups():
    assert document_bounds(None, 3).tolist() == [0, 3]
    assert document_bounds(["a", "a", "b", "c", "c"], 5).tolist() == [0, 2, 3, 5]
    with pytest.raises(ValueError, match="groups has 2 entries but there are 3 sentences"):
        document_bounds(["a", "b"], 3)


def test_names_come_from_the_registry_one_column_each():
    names = context_feature_names(LABELS)
    per_label = sum(f.per_label for f in CONTEXT_FEATURES)
    assert len(names) == len(set(names)) == per_label * len(LABELS) + len(CONTEXT_FEATURES) - per_label
    assert context_features(one_hot(["other"] * 4), LABELS, ["a."] * 4).shape == (4, len(names))


def test_neighbours_never_cross_a_document_boundary():
    proba = one_hot(["demand", "case_study", "statistic", "finding"])
    items = ["a.", "b.", "c.", "d."]
    groups = ["x", "x", "y", "y"]
    assert column("previous:demand", proba, items, groups).tolist() == [0, 1, 0, 0]
    assert column("previous:case_study", proba, items, groups).tolist() == [0, 0, 0, 0]  # "c." starts y
    assert column("next:statistic", proba, items, groups).tolist() == [0, 0, 0, 0]  # "b." ends x
    assert column("headline", proba, items, groups).tolist() == [0, 0, 0, 0]  # all end with "."
    assert column("headline", proba, ["Title", "b.", "Title", "d."], groups).tolist() == [1, 0, 1, 0]
    # Each document's mean, with ten pseudo-sentences of 1/5 each: (1 + 2) / (2 + 10) for x.
    assert column("document:demand", proba, items, groups).tolist() == pytest.approx([0.25, 0.25, 2 / 12, 2 / 12])


def test_a_story_carries_on_for_two_sentences():
    proba = one_hot(["other", "case_study", "finding", "finding", "finding"])
    assert column("story_before", proba, ["x."] * 5).tolist() == [0, 0, 1, 1, 0]


def test_inside_quotation_follows_quotes_over_several_sentences():
    items = [
        "Jane Doe, director of Safe Homes, said:",
        "\u201cThis report is damning.",
        "The force must change.",
        "We will hold them to it.\u201d",
        "The force did not respond.",
        '"It failed us.',
        'Nobody listened."',
    ]
    inside = column("inside_quotation", one_hot(["other"] * 7), items)
    assert inside.tolist() == [0, 0, 1, 1, 0, 0, 1]
    assert column("after_colon", one_hot(["other"] * 7), items).tolist() == [0, 1, 0, 0, 0, 0, 0]


def test_heading_above_is_the_nearest_line_without_final_punctuation():
    proba = one_hot(["other", "finding", "demand", "other", "statistic"])
    items = ["Title", "The force failed.", "It must change.", "What happens next", "Half waited."]
    assert column("heading:other", proba, items).tolist() == [0, 1, 1, 1, 1]
    assert column("heading:demand", proba, items).tolist() == [0, 0, 0, 0, 0]


def test_with_no_evidence_the_context_stage_leaves_the_first_stage_alone():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(200, 4))
    proba = rng.dirichlet(np.ones(3), size=200)
    y = [["a", "b", "c"][i] for i in proba.argmax(axis=1)]
    W, b = fit_context_stage(features, own_reading(proba), y, ["a", "b", "c"], C=1e-8, class_weight=None)
    assert np.abs(W).max() < 1e-4


def test_the_context_stage_learns_a_rule_the_first_stage_cannot_see():
    # The label is whatever the previous sentence looked like; the sentence itself says nothing.
    rng = np.random.default_rng(1)
    previous = rng.integers(0, 2, size=400)
    features = np.eye(2)[previous]
    y = np.asarray(["a", "b"])[previous]
    flat = np.log(np.full((400, 2), 0.5))
    W, b = fit_context_stage(features, flat, y, ["a", "b"], C=10.0)
    scores = flat + features @ W.T + b
    assert (np.asarray(["a", "b"])[scores.argmax(axis=1)] == y).all()


@pytest.fixture(scope="module")
def model():
    rows = bundled_rows("statements")
    return SentenceClassifier().fit([r.item for r in rows], [r.label for r in rows], groups=[r.group for r in rows])


def test_groups_train_a_context_stage_and_without_them_there_is_none(model):
    assert model.context_coef_.shape == (5, len(context_feature_names(model.classes_)))
    rows = bundled_rows("statements")
    alone = SentenceClassifier().fit([r.item for r in rows], [r.label for r in rows])
    assert alone.context_coef_ is None
    items = [r.item for r in rows[:20]]
    np.testing.assert_array_equal(alone.predict_proba_in_context(items), alone.predict_proba(items))


def test_context_is_read_per_document_and_the_batch_does_not_matter(model):
    first = split_sentences("The Met must change.\nOne woman told us she waited a year.\nShe was never called back.")
    second = split_sentences("Cookies\nSkip to content\n40% of women said they would not report again.")
    together = model.predict_proba_in_context(first + second, groups=[0] * len(first) + [1] * len(second))
    np.testing.assert_allclose(together[: len(first)], model.predict_proba_in_context(first))
    np.testing.assert_allclose(together[len(first):], model.predict_proba_in_context(second))


def test_a_one_sentence_document_is_read_alone(model):
    for text in ["The Home Office must act now.", "ENDS", "One woman told us she waited two years."]:
        assert [t.label for t in classify(text, model=model)] == classify_sentences([text], model=model)


def test_a_heading_is_not_page_furniture_for_the_line_below():
    """Review finding: a headline counted as boilerplate and turned the demand under it into `other`."""
    proba = one_hot(["other", "demand", "other"])
    items = ["Police reform", "The Met must act now.", "ENDS"]
    assert column("boilerplate_before", proba, items).tolist() == [0, 0, 0]
    assert [t.label for t in classify("Police reform\nThe Met must act now.\nENDS")] == ["other", "demand", "other"]


def test_groups_may_be_any_iterable(model):
    rows = bundled_rows("statements")[:30]
    items, labels = [r.item for r in rows], [r.label for r in rows]
    as_list = model.predict_proba_in_context(items, groups=[r.group for r in rows])
    as_generator = model.predict_proba_in_context(items, groups=(r.group for r in rows))
    np.testing.assert_array_equal(as_list, as_generator)
    assert document_bounds((g for g in "aab"), 3).tolist() == [0, 2, 3]


def _weighted_problem(seed=2, n=60, d=4, classes=("a", "b", "c")):
    rng = np.random.default_rng(seed)
    features = rng.normal(size=(n, d))
    offset = own_reading(rng.dirichlet(np.ones(len(classes)), size=n))
    y = np.asarray(classes)[rng.integers(0, len(classes), size=n)]
    copies = rng.integers(0, 4, size=n)  # zeros included
    return features, offset, y, list(classes), copies


@pytest.mark.parametrize("class_weight", [None, "balanced", {"a": 2.0, "c": 0.5}])
def test_the_weighted_context_loss_has_the_gradient_it_reports(class_weight):
    from scipy.optimize import approx_fprime

    from casey_nlp._context import _context_loss, _row_weights

    features, offset, y, classes, copies = _weighted_problem()
    target, weights = _row_weights(y, classes, class_weight, copies * 0.7)
    point = np.random.default_rng(3).normal(scale=0.5, size=len(classes) * (features.shape[1] + 1))
    value, gradient = _context_loss(point, features, offset, target, weights, 0.8)
    numeric = approx_fprime(point, lambda flat: _context_loss(flat, features, offset, target, weights, 0.8)[0], 1e-7)
    assert gradient.shape == point.shape == (15,)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_integer_sample_weights_in_the_context_stage_equal_repeated_rows(class_weight):
    features, offset, y, classes, copies = _weighted_problem()
    weighted = fit_context_stage(features, offset, y, classes, C=0.5, class_weight=class_weight, sample_weight=copies)
    repeated = fit_context_stage(
        features.repeat(copies, axis=0), offset.repeat(copies, axis=0), y.repeat(copies), classes,
        C=0.5, class_weight=class_weight,
    )
    unweighted = fit_context_stage(features, offset, y, classes, C=0.5, class_weight=class_weight)
    for fitted, expected in zip(weighted, repeated):
        np.testing.assert_allclose(fitted, expected, atol=1e-6)
    assert np.abs(unweighted[0] - repeated[0]).max() > 0.05
