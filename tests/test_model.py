import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, GroupKFold, LeaveOneGroupOut, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from casey_nlp import LABELS, SentenceClassifier, load_dataset, train
from casey_nlp._data import seed_examples


@pytest.fixture(scope="module")
def data():
    bunch = load_dataset()
    return bunch.data, np.asarray(bunch.target, dtype=object), np.asarray(bunch.doc_ids)


@pytest.fixture(scope="module")
def fitted(data):
    X, y, _ = data
    return SentenceClassifier().fit(X, y)


def test_init_only_stores_parameters_and_fit_returns_self(data):
    X, y, _ = data
    model = SentenceClassifier(C=0.5, cue_weight=0.2)
    assert model.get_params()["C"] == 0.5
    assert not hasattr(model, "classes_")
    assert model.fit(X, y) is model


def test_classes_and_proba_shape(fitted, data):
    X, _, _ = data
    assert sorted(fitted.classes_) == sorted(LABELS)
    proba = fitted.predict_proba(X[:7])
    assert proba.shape == (7, 5)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(fitted.predict(X[:7])) == list(fitted.classes_[proba.argmax(axis=1)])


def test_works_under_clone_pipeline_cross_val_and_grid_search(data):
    X, y, groups = data
    cloned = clone(SentenceClassifier(C=0.7))
    assert cloned.get_params()["C"] == 0.7 and not hasattr(cloned, "pipeline_")
    strip = FunctionTransformer(lambda texts: [t.strip() for t in texts])
    pipeline = make_pipeline(strip, SentenceClassifier()).fit(X, y)
    assert pipeline.predict(["The Met must change."])[0] == "demand"
    scores = cross_val_score(
        SentenceClassifier(), np.asarray(X, dtype=object), y, groups=groups,
        cv=LeaveOneGroupOut(), scoring="f1_macro",
    )
    assert scores.shape == (5,)
    search = GridSearchCV(SentenceClassifier(), {"C": [0.3, 1.0]}, cv=GroupKFold(n_splits=5), scoring="f1_macro")
    search.fit(np.asarray(X, dtype=object), y, groups=groups)
    assert search.best_params_["C"] in (0.3, 1.0)


def test_seed_examples_teach_labels_absent_from_the_training_data():
    X = ["The force must act.", "The force has failed.", "ENDS", "Police should listen."]
    y = ["demand", "finding", "other", "demand"]
    with_seeds = SentenceClassifier().fit(X, y)
    without = SentenceClassifier(seed_examples=False).fit(X, y)
    assert "case_study" in with_seeds.classes_ and "statistic" in with_seeds.classes_
    assert "case_study" not in without.classes_
    story = "One woman told us she waited two years for a detective to call her back."
    assert with_seeds.predict([story])[0] == "case_study"
    assert with_seeds.predict(["Only 3% of reported rapes led to a charge."])[0] == "statistic"
    assert len(seed_examples()[0]) >= 5 * len(LABELS)


def test_training_is_deterministic(data):
    X, y, _ = data
    a = SentenceClassifier().fit(X, y).predict_proba(X)
    b = SentenceClassifier().fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)


def test_bad_inputs_raise_clear_errors(fitted):
    with pytest.raises(TypeError, match="not a single str"):
        fitted.predict("The Met must change.")
    with pytest.raises(TypeError, match=r"X\[1\] is int; expected a str"):
        fitted.predict(["fine", 3])
    with pytest.raises(ValueError, match="2 sentences but y has 1"):
        SentenceClassifier().fit(["a", "b"], ["demand"])
    with pytest.raises(ValueError, match="at least one"):
        SentenceClassifier(use_words=False, use_cues=False).fit(["a", "b"], ["demand", "other"])


def test_the_estimator_refuses_containers_whose_iteration_misleads(fitted):
    # Iterating a DataFrame gives its column names and a dict its keys: the
    # estimator must refuse them as classify_sentences does, not tag those.
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"id": ["a", "b", "c"], "text": ["The board must resign.", "ENDS", "Nine in ten agreed."]})
    with pytest.raises(TypeError, match=r"^X is a pandas DataFrame, whose iteration gives its column names; .*df\['text'\]"):
        fitted.predict(frame)
    with pytest.raises(TypeError, match=r"^X is a pandas DataFrame"):
        SentenceClassifier().fit(frame.iloc[:2], ["demand"])
    with pytest.raises(TypeError, match=r"^X is a dict, whose iteration gives its keys"):
        fitted.predict({"The board must resign.": 1})
    with pytest.raises(TypeError, match=r"^X is a set, which has no order"):
        fitted.predict_proba({"The board must resign."})
    series = frame["text"].set_axis([10, 20, 30])  # a Series gives its values, whatever its index
    assert list(fitted.predict(series)) == list(fitted.predict(list(series)))


def test_feature_ablations_fit(data):
    X, y, _ = data
    assert SentenceClassifier(use_words=False).fit(X, y).predict(["The Met must act."]).shape == (1,)
    assert SentenceClassifier(use_cues=False).fit(X, y).predict(["The Met must act."]).shape == (1,)


def test_train_adds_rows_and_records_a_data_hash():
    model = train([("Ministers must fund refuges now.", "demand", "mine")])
    bundled = train()
    assert model.n_training_rows_ == bundled.n_training_rows_ + 1
    assert model.training_data_sha256_ != bundled.training_data_sha256_
    only_mine = train(
        [("Ministers must fund refuges.", "demand"), ("ENDS", "other")], include_bundled=False
    )
    assert only_mine.n_training_rows_ == 2


def test_fast_scoring_path_equals_the_fitted_pipeline(fitted, data):
    from casey_nlp import split_sentences

    X, _, _ = data
    items = list(X) + ["", "zzz qqq", "must must must must"] + split_sentences("We call for:\n\u2022 Vetting reform")
    np.testing.assert_allclose(fitted.predict_proba(items), fitted.pipeline_.predict_proba(items), atol=1e-6)
    np.testing.assert_allclose(fitted.decision_function(items), fitted.pipeline_.decision_function(items), atol=1e-5)
    assert fitted.predict_proba([]).shape == (0, 5)


def test_two_label_models_work_too():
    model = SentenceClassifier(seed_examples=False).fit(
        ["The Met must act.", "Police should change.", "ENDS", "Notes to editors"],
        ["demand", "demand", "other", "other"],
    )
    proba = model.predict_proba(["The council must act.", "About us"])
    assert proba.shape == (2, 2)
    np.testing.assert_allclose(proba, model.pipeline_.predict_proba(["The council must act.", "About us"]))


def test_numpy_string_arrays_work_like_lists(fitted, data):
    X, y, _ = data
    as_array = np.array(X[:20])  # dtype '<U...', items are numpy.str_
    np.testing.assert_allclose(fitted.predict_proba(as_array), fitted.predict_proba(list(X[:20])))
    assert list(SentenceClassifier().fit(np.array(X), np.array(y)).classes_) == sorted(LABELS)


def test_unknown_labels_are_refused_at_fit_time():
    with pytest.raises(ValueError, match=r"unknown label\(s\) \['weird'\]; use only case_study"):
        SentenceClassifier().fit(["The Met must act.", "ENDS"], ["demand", "weird"])


def test_saving_an_unfitted_model_writes_nothing(tmp_path):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        SentenceClassifier().save(tmp_path / "m.joblib")
    assert list(tmp_path.iterdir()) == []


def test_fit_with_groups_keeps_the_contract_and_learns_a_context_stage(data):
    X, y, groups = data
    model = SentenceClassifier(context_C=0.5)
    assert model.fit(X, y, groups=groups) is model
    assert model.context_coef_.shape[0] == len(model.classes_) == len(model.context_intercept_)
    assert clone(model).get_params() == model.get_params() and not hasattr(clone(model), "context_coef_")
    in_context = model.predict_in_context(X[:20], groups=groups[:20])
    assert in_context.shape == (20,) and set(in_context) <= set(LABELS)
    with pytest.raises(ValueError, match="groups has 3 entries but X has 153 sentences"):
        SentenceClassifier().fit(X, y, groups=groups[:3])


def test_a_fold_with_one_label_means_no_context_stage_not_an_error():
    # Without seed examples, holding out document "b" leaves only demands to train on.
    X = ["Forces must act.", "Ministers should act.", "The force failed.", "Vetting is broken.", "ENDS"]
    y = ["demand", "demand", "finding", "finding", "other"]
    model = SentenceClassifier(seed_examples=False).fit(X, y, groups=["a", "a", "b", "b", "b"])
    assert model.context_coef_ is None
    np.testing.assert_array_equal(model.predict_proba_in_context(X), model.predict_proba(X))


def test_scoring_pauses_the_cyclic_gc_and_restores_its_state():
    import gc

    from casey_nlp._model import _cyclic_gc_paused

    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with _cyclic_gc_paused():
            assert not gc.isenabled()
            raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with _cyclic_gc_paused():
            pass
        assert not gc.isenabled()  # a caller who disabled it keeps it disabled
    finally:
        gc.enable()


@pytest.mark.parametrize(
    "method",
    ["predict", "predict_proba", "decision_function", "predict_in_context", "predict_proba_in_context"],
)
def test_an_unfitted_model_raises_not_fitted_error(method):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        getattr(SentenceClassifier(), method)(["The Met must change."])
    with pytest.raises(NotFittedError):
        SentenceClassifier().get_feature_names_out()


def test_fit_refuses_an_empty_x():
    # With seed examples there would be something to train on, but not the user's data.
    with pytest.raises(ValueError, match="^X is empty; fit needs at least one labelled sentence$"):
        SentenceClassifier().fit([], [])
    with pytest.raises(ValueError, match="^X is empty"):
        SentenceClassifier(seed_examples=False).fit([], [], groups=[])


def test_y_none_and_a_one_column_y_are_handled_as_in_scikit_learn(data):
    from sklearn.exceptions import DataConversionWarning

    X, y, _ = data
    with pytest.raises(ValueError, match="requires y to be passed, but the target y is None"):
        SentenceClassifier().fit(X, None)
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        column = SentenceClassifier(context=False).fit(X[:60], y[:60, None])
    flat = SentenceClassifier(context=False).fit(X[:60], y[:60])
    np.testing.assert_array_equal(column.predict_proba(X[60:90]), flat.predict_proba(X[60:90]))
    with pytest.raises(ValueError, match=r"y has only 1 class \('demand'\); a classifier needs at least two"):
        SentenceClassifier(seed_examples=False).fit(["The Met must act.", "Police should act."], ["demand"] * 2)


@pytest.mark.parametrize(
    "weights, message",
    [
        ([1.0, 1.0], r"sample_weight has shape \(2,\) but X has 3 sentences"),
        ([[1.0], [1.0], [1.0]], r"sample_weight has shape \(3, 1\) but X has 3 sentences"),
        ([1.0, -0.5, 1.0], "sample_weight has negative values"),
        ([1.0, np.nan, 1.0], "sample_weight has NaN or infinite values"),
        ([1.0, np.inf, 1.0], "sample_weight has NaN or infinite values"),
        ([0.0, 0.0, 0.0], "sample_weight is zero for every sentence of X"),
    ],
)
def test_bad_sample_weights_are_refused(weights, message):
    with pytest.raises(ValueError, match=message):
        SentenceClassifier().fit(["The Met must act.", "ENDS", "Half waited."], ["demand", "other", "statistic"],
                                 sample_weight=weights)


def test_integer_sample_weights_act_like_repeated_sentences(data):
    X, y, _ = data
    copies = np.random.default_rng(0).integers(1, 4, size=len(X))
    weighted = SentenceClassifier().fit(X, y, sample_weight=copies).predict_proba(X)
    repeated = SentenceClassifier().fit(np.repeat(np.asarray(X, dtype=object), copies), np.repeat(y, copies))
    unweighted = SentenceClassifier().fit(X, y).predict_proba(X)
    # Repeats also shift idf and cue scaling, which weights leave alone:
    # close, not equal. Ignoring the weights would be ten times further off.
    assert np.abs(weighted - repeated.predict_proba(X)).max() < 0.03
    assert np.abs(unweighted - repeated.predict_proba(X)).max() > 0.15


def test_a_zero_sample_weight_is_the_same_as_leaving_the_sentence_out(data):
    X, y, _ = data
    weights = np.ones(len(X))
    weights[::3] = 0.0
    kept = weights > 0
    weighted = SentenceClassifier().fit(X, y, sample_weight=weights)
    dropped = SentenceClassifier().fit(np.asarray(X, dtype=object)[kept], y[kept])
    probe = list(X) + ["Ministers must fund refuges.", "One woman waited two years."]
    np.testing.assert_allclose(weighted.predict_proba(probe), dropped.predict_proba(probe), rtol=0, atol=1e-12)
    assert len(weighted.get_feature_names_out()) == len(dropped.get_feature_names_out())


def test_sample_weights_reach_every_stage_of_a_fit_with_groups(data, monkeypatch):
    import casey_nlp._context as context_module
    from sklearn.linear_model import LogisticRegression

    X, y, groups = data
    weights = np.full(len(X), 3.0)
    logistic_fits, context_fits = [], []
    real_logistic_fit, real_context_fit = LogisticRegression.fit, context_module.fit_context_stage

    def logistic_fit(self, features, labels, sample_weight=None):
        logistic_fits.append((features.shape[0], sample_weight))
        return real_logistic_fit(self, features, labels, sample_weight=sample_weight)

    def context_fit(*args, **kwargs):
        context_fits.append(kwargs.get("sample_weight"))
        return real_context_fit(*args, **kwargs)

    monkeypatch.setattr(LogisticRegression, "fit", logistic_fit)
    monkeypatch.setattr(context_module, "fit_context_stage", context_fit)
    SentenceClassifier().fit(X, y, groups=groups, sample_weight=weights)
    n_seeds = len(seed_examples()[0])
    # The first stage on all sentences, then one refit per held-out document (5 statements).
    assert logistic_fits[0][0] == len(X) + n_seeds
    assert sorted(rows for rows, _ in logistic_fits[1:]) == sorted(
        len(X) - (groups == document).sum() + n_seeds for document in set(groups)
    )
    for rows, sample_weight in logistic_fits:
        assert (sample_weight == 3.0).sum() == rows - n_seeds and (sample_weight == 1.0).sum() == n_seeds
    assert len(context_fits) == 1
    np.testing.assert_array_equal(context_fits[0], weights)


def test_sample_weights_work_with_metadata_routing_enabled(data):
    import sklearn

    X, y, _ = data
    weights = np.linspace(0.5, 2.0, len(X))
    expected = SentenceClassifier(context=False).fit(X, y, sample_weight=weights).predict_proba(X[:30])
    with sklearn.config_context(enable_metadata_routing=True):
        routed = SentenceClassifier(context=False).fit(X, y, sample_weight=weights).predict_proba(X[:30])
    np.testing.assert_allclose(routed, expected, rtol=0, atol=1e-12)
