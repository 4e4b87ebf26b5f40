import numpy as np
import pytest

from casey_nlp import SentenceClassifier
from casey_nlp._data import bundled_rows
from casey_nlp._features import (
    FEATURE_DESCRIPTIONS,
    FEATURE_NAMES,
    FEATURE_VERSION,
    FEATURES,
    CueFeatures,
    Feature,
    _check_registry,
    registry_version,
    tokenize,
)


def values(sentence):
    row = CueFeatures().fit([]).transform([sentence])[0]
    return dict(zip(FEATURE_NAMES, row))


# --- the registry ---------------------------------------------------------------


def test_every_feature_is_one_row_with_a_unique_name_and_a_description():
    assert len(FEATURE_NAMES) == len(set(FEATURE_NAMES)) == len(FEATURES)
    assert all(FEATURE_DESCRIPTIONS[name].strip() for name in FEATURE_NAMES)
    assert list(CueFeatures().fit([]).get_feature_names_out()) == list(FEATURE_NAMES)
    assert CueFeatures().fit([]).transform(["x", "y"]).shape == (2, len(FEATURES))


@pytest.mark.parametrize(
    "phrase",
    ["Must", "e-mail", "per-cent", "call|For", "on-line*"],
)
def test_a_phrase_that_can_never_match_fails_loudly(phrase):
    with pytest.raises(ValueError, match="no lower-cased token can match"):
        _check_registry([Feature("cue:broken", "a broken cue", phrases=(phrase,))])


def test_a_row_must_say_how_it_is_computed_exactly_once():
    with pytest.raises(ValueError, match="exactly one of"):
        _check_registry([Feature("cue:nothing", "computes nothing")])
    with pytest.raises(ValueError, match="exactly one of"):
        _check_registry([Feature("cue:both", "two ways", phrases=("must",), value=len)])


def test_a_total_may_only_sum_rows_above_it():
    with pytest.raises(ValueError, match=r"sums \['cue:later'\]"):
        _check_registry([Feature("cue:sum", "sum", total=("cue:later",)), Feature("cue:later", "x", phrases=("x",))])


def test_names_must_carry_their_family_and_be_unique():
    with pytest.raises(ValueError, match="names are unique"):
        _check_registry([Feature("obligation", "no family prefix", phrases=("must",))])
    row = Feature("cue:a", "a", phrases=("a",))
    with pytest.raises(ValueError, match="names are unique"):
        _check_registry([row, row])


def test_feature_version_is_derived_from_the_registry():
    assert FEATURE_VERSION == registry_version(FEATURES)
    changed = [f._replace(phrases=f.phrases + ("ought",)) if f.name == "cue:modal_obligation" else f for f in FEATURES]
    assert registry_version(changed) != FEATURE_VERSION
    assert registry_version(list(reversed(FEATURES))) != FEATURE_VERSION  # the order is the column layout


def test_counts_are_capped_and_totals_pool_their_members():
    v = values("Police must, should, must and should act; they need to and have to.")
    assert v["cue:modal_obligation"] == 3  # capped at max_count
    assert v["cue:any_call"] == 3
    assert CueFeatures(max_count=10).fit([]).transform(["must must must must must"])[0][
        FEATURE_NAMES.index("cue:modal_obligation")
    ] == 5


# --- cues for the error kinds seen on unseen statements (issue 9) ------------------


def test_urging_is_a_call():
    assert values("Campaigners are urging ministers to intervene.")["cue:call_verb"] == 1


@pytest.mark.parametrize("number", ["020 7946 0000", "0207 946 0000", "0808 802 9999", "+44 20 7946 0000"])
def test_phone_numbers_are_not_measurements(number):
    assert values(f"Call our helpline on {number}.")["cue:date_or_phone"] == 1


@pytest.mark.parametrize(
    "sentence, cue",
    [
        ("We would like to see independent oversight of every search.", "cue:implied_call"),
        ("We oppose any extension of these powers.", "cue:implied_call"),
        ("Words and apologies are not enough.", "cue:implied_call"),
        ("We will meet the Chief Constable next week.", "cue:own_commitment"),
        ("We are a national network of advocacy services.", "cue:self_description"),
        ("The review was commissioned by the force in 2022.", "cue:background"),
        ("This is a deeply troubling report.", "cue:reaction"),
        ("Officer B was later jailed for six years.", "cue:incident"),
        ("Violence against women is common across society.", "cue:society"),
    ],
)
def test_cue_for_each_error_kind(sentence, cue):
    assert values(sentence)[cue] >= 1


def test_a_phrase_needs_its_words_in_order():
    assert values("See to it that we would like it.")["cue:implied_call"] == 0


def test_tokenize_normalises_numbers():
    assert tokenize("In 2023, 41% of 300 cases") == ["in", "<year>", "<pct>", "of", "<num>", "case"]


# --- the estimator's fast scoring path --------------------------------------------

SUPPORTED = [
    {},
    {"ngram_range": (1, 1)},
    {"ngram_range": (1, 3)},
    {"use_cues": False},
    {"use_words": False},
    {"class_weight": None, "C": 3.0},
    {"seed_examples": False, "cue_weight": 0.8},
]


@pytest.fixture(scope="module")
def sample():
    rows = bundled_rows("statements")
    return [r.item for r in rows], [r.label for r in rows]


@pytest.mark.parametrize("params", SUPPORTED, ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()) or "default")
def test_fast_path_equals_the_scikit_learn_pipeline(sample, params):
    X, y = sample
    model = SentenceClassifier(context=False, **params).fit(X, y)
    assert model._fast_path()
    expected = model.pipeline_.decision_function(X)
    # TF-IDF is float32 in the pipeline: agreement to ~1e-6 absolute
    np.testing.assert_allclose(model._decision(X), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(model.predict_proba(X), model.pipeline_.predict_proba(X), rtol=1e-5, atol=1e-6)
    union = model.pipeline_.named_steps["features"].transform(X)
    expected_features = union.toarray() if hasattr(union, "toarray") else np.asarray(union)
    np.testing.assert_allclose(model._feature_matrix(X).toarray(), expected_features, rtol=1e-5, atol=1e-6)


def test_two_labels_fall_back_to_the_pipeline():
    X = ["The Met must act.", "Cookies help us.", "Forces should change.", "ENDS"]
    y = ["demand", "other", "demand", "other"]
    model = SentenceClassifier(seed_examples=False, context=False).fit(X, y)
    assert not model._fast_path()
    np.testing.assert_allclose(model.predict_proba(X), model.pipeline_.predict_proba(X))


def test_a_hand_changed_pipeline_falls_back_to_scikit_learn(sample):
    X, y = sample
    model = SentenceClassifier(context=False).fit(X, y)
    union = model.pipeline_.named_steps["features"]
    union.transformer_list = union.transformer_list + [("extra", union.transformer_list[1][1])]
    classifier = model.pipeline_.named_steps["classifier"]
    classifier.coef_ = np.hstack([classifier.coef_, np.zeros((5, len(FEATURES)))])
    classifier.n_features_in_ += len(FEATURES)
    assert not model._fast_path()  # a layout the hand-written path does not know
    np.testing.assert_allclose(model.predict_proba(X[:3]), model.pipeline_.predict_proba(X[:3]))
