import hashlib
import io
import json
import os
import pickle
import warnings
import zipfile

import numpy as np
import pytest

import casey_nlp
from casey_nlp import ModelError, SentenceClassifier, load_model, train
from casey_nlp import _modelfile, _persist, _resources

SENTENCES = ["The Met must change.", "ENDS", "7% of cases were charged.", "The force failed."]
TINY = (
    ["The Met must change.", "Ministers should act.", "7% were charged.", "Half of cases failed.",
     "The force failed women.", "Vetting was weak.", "ENDS", "Contact the press office."],
    ["demand", "demand", "statistic", "statistic", "finding", "finding", "other", "other"],
)


@pytest.fixture(scope="module")
def model():
    return train()


@pytest.fixture
def saved(model, tmp_path):
    return model.save(tmp_path / "mine.zip")


def _members(path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rewrite(path, members) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())


def _replace_array(path, name, npy_bytes) -> None:
    """Swap one array, recording its new hash: a well-formed file with other content."""
    members = _members(path)
    members[f"{name}.npy"] = npy_bytes
    meta = json.loads(members["metadata.json"])
    meta["arrays"][name]["sha256"] = hashlib.sha256(npy_bytes).hexdigest()
    members["metadata.json"] = json.dumps(meta).encode()
    _rewrite(path, members)


def _edit_metadata(path, **changes) -> None:
    members = _members(path)
    meta = json.loads(members["metadata.json"])
    meta.update(changes)
    members["metadata.json"] = json.dumps(meta).encode()
    _rewrite(path, members)


def test_save_then_load_gives_the_same_tags_and_records_what_made_it(model, saved):
    loaded = load_model(saved)
    np.testing.assert_array_equal(loaded.predict_proba(SENTENCES), model.predict_proba(SENTENCES))
    np.testing.assert_array_equal(
        loaded.predict_proba_in_context(SENTENCES), model.predict_proba_in_context(SENTENCES)
    )
    meta = loaded.metadata_
    assert meta["labels"] == list(model.classes_)
    assert meta["training_data_sha256"] == model.training_data_sha256_ == loaded.training_data_sha256_
    assert meta["model_sha256"] == hashlib.sha256(saved.read_bytes()).hexdigest()
    assert meta["saved_by"] == {"casey_nlp": casey_nlp.__version__}
    assert casey_nlp._persist.model_provenance(loaded) == {
        "name": "mine", "version": casey_nlp.__version__, "sha256": meta["model_sha256"]
    }


def test_the_model_file_is_one_zip_of_json_and_plain_arrays(saved):
    members = _members(saved)
    assert sorted(p.name for p in saved.parent.iterdir()) == ["mine.zip"]  # no side file
    assert set(members) == {"metadata.json"} | {f"{name}.npy" for name in json.loads(members["metadata.json"])["arrays"]}
    for name, data in members.items():
        if name.endswith(".npy"):
            assert np.load(io.BytesIO(data), allow_pickle=False).dtype != object


def test_the_same_model_saves_to_the_same_bytes(model, tmp_path):
    assert model.save(tmp_path / "a.zip").read_bytes() == model.save(tmp_path / "b.zip").read_bytes()


@pytest.mark.parametrize(
    "params",
    [
        {"use_cues": False},
        {"use_words": False},
        {"ngram_range": (1, 1), "class_weight": None},
        {"class_weight": {"demand": 2.0, "statistic": 1.0, "finding": 1.0, "other": 1.0, "case_study": 1.0}},
        {"context": False, "seed_examples": False},
    ],
)
def test_every_setting_round_trips_exactly(params, tmp_path):
    X, y = TINY
    groups = [0, 0, 0, 0, 1, 1, 1, 1]
    fitted = SentenceClassifier(**params).fit(X, y, groups=groups)
    loaded = load_model(fitted.save(tmp_path / "m.zip"))
    assert loaded.get_params() == fitted.get_params()
    np.testing.assert_array_equal(loaded.predict_proba(SENTENCES), fitted.predict_proba(SENTENCES))
    np.testing.assert_array_equal(loaded.predict_proba_in_context(X, groups), fitted.predict_proba_in_context(X, groups))


def test_a_two_label_model_round_trips_through_scikit_learn(tmp_path):
    X, y = TINY
    fitted = SentenceClassifier(seed_examples=False).fit(X[:4], y[:4])
    loaded = load_model(fitted.save(tmp_path / "m.zip"))
    np.testing.assert_array_equal(loaded.predict_proba(SENTENCES), fitted.predict_proba(SENTENCES))
    assert loaded.predict(["The Met must change."]).tolist() == ["demand"]


class _RunsCode:
    """A pickle that, when loaded, creates a marker file: what a hostile model file does."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('ran')",))


def test_loading_a_hostile_pickle_never_runs_it(tmp_path):
    """The issue's reproducer: a joblib file whose __reduce__ calls exec, with a copied
    metadata file carrying its SHA-256, used to run code through load_model."""
    import joblib

    marker = tmp_path / "code_ran"
    for suffix in (".joblib", ".zip"):
        path = tmp_path / f"evil{suffix}"
        joblib.dump(_RunsCode(marker), path, compress=3)
        shipped_meta = _resources.models_dir() / "default.json"
        meta = json.loads(shipped_meta.read_text()) if shipped_meta.exists() else {}
        meta["model_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
        path.with_suffix(".json").write_text(json.dumps(meta))
        with pytest.raises(ModelError, match=r"pickled \(joblib\) model.*retrain it with `casey-nlp train"):
            load_model(path)
    assert not marker.exists()


def _npy_with_object_array() -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray([{"a": 1}], dtype=object), allow_pickle=True)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty"),
        (os.urandom(256).replace(b"PK", b"pk").replace(b"\x80", b"\x81").replace(b"x", b"y"), "is not a casey_nlp model"),
        (pickle.dumps({"labels": ["demand"]}), r"pickled \(joblib\) model"),
        (b'{"format_version": 1}', "is JSON, not a model"),
        (b"%PDF-1.7\n...", "is a PDF"),
    ],
    ids=["empty", "random-bytes", "pickled-dict", "json", "pdf"],
)
def test_a_file_that_is_not_a_model_gets_one_line_saying_what_it_is(tmp_path, content, message):
    path = tmp_path / "thing.zip"
    path.write_bytes(content)
    with pytest.raises(ModelError, match=message) as caught:
        load_model(path)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)


def test_a_pickled_plain_estimator_is_refused_at_load_not_later(tmp_path):
    from sklearn.linear_model import LogisticRegression

    path = tmp_path / "lr.joblib"
    import joblib

    joblib.dump(LogisticRegression().fit([[0.0], [1.0]], [0, 1]), path)
    with pytest.raises(ModelError, match="pickled"):
        load_model(path)


def test_zips_that_are_not_models_are_refused(tmp_path, saved):
    path = tmp_path / "other.zip"
    _rewrite(path, {"readme.txt": b"hello"})
    with pytest.raises(ModelError, match="without metadata.json"):
        load_model(path)
    _replace_array(saved, "coef", _npy_with_object_array())
    with pytest.raises(ModelError, match="'coef' is not plain data"):
        load_model(saved)


def test_a_changed_array_fails_its_hash(saved):
    members = _members(saved)
    coef = np.load(io.BytesIO(members["coef.npy"]))
    buffer = io.BytesIO()
    np.save(buffer, coef * 2)
    members["coef.npy"] = buffer.getvalue()
    _rewrite(saved, members)
    with pytest.raises(ModelError, match="'coef' does not match its SHA-256"):
        load_model(saved)


def test_a_truncated_file_is_refused(saved):
    saved.write_bytes(saved.read_bytes()[:-200])
    with pytest.raises(ModelError):
        load_model(saved)


def test_arrays_that_do_not_fit_together_are_refused(saved):
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(3))
    _replace_array(saved, "intercept", buffer.getvalue())
    with pytest.raises(ModelError, match="do not fit"):
        load_model(saved)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"format_version": 99}, r"format 99 is newer.*upgrade casey_nlp"),
        ({"format_version": 1}, r"format 1 is no longer read"),
        ({"saved_by": {"casey_nlp": "99.0.0"}}, r"saved by casey_nlp 99\.0\.0, newer.*upgrade"),
        ({"saved_by": None}, "does not say which casey_nlp saved it"),
        ({"feature_version": "1-000000000000"}, r"feature set 1-000000000000.*retrain it \(casey-nlp train"),
        ({"analyzer_fingerprint": "0" * 16}, r"stemmed differently.*retrain it"),
        ({"context_version": "1-000000000000"}, r"context feature set 1-000000000000, .*retrain it"),
        ({"labels": ["demand", "spam"]}, "not casey_nlp labels"),
        ({"params": {"C": 1.0, "shell": "rm -rf /"}}, r"unknown parameters \['shell'\]"),
    ],
    ids=["newer-format", "older-format", "newer-casey", "no-saved-by", "features", "stemmer", "context", "labels", "params"],
)
def test_every_recorded_version_is_checked_on_load(saved, changes, message):
    _edit_metadata(saved, **changes)
    with pytest.raises(ModelError, match=message) as caught:
        load_model(saved)
    assert "None" not in str(caught.value).replace(str(saved), "")


def test_a_model_from_an_older_casey_nlp_with_the_same_features_loads(saved):
    _edit_metadata(saved, saved_by={"casey_nlp": "0.0.1"})
    assert load_model(saved).predict(["The Met must change."]).tolist() == ["demand"]


def test_save_refuses_to_overwrite_unless_asked(model, tmp_path):
    path = tmp_path / "mine.zip"
    path.write_bytes(b"someone's precious file")
    with pytest.raises(ModelError, match="already exists.*overwrite=True"):
        model.save(path)
    assert path.read_bytes() == b"someone's precious file"
    model.save(path, overwrite=True)
    assert load_model(path).predict(["ENDS"])[0] == "other"


@pytest.mark.parametrize("name, message", [("m.joblib", r"must end in \.zip.*use m\.zip"), ("-", "must be saved to a file")])
def test_save_names_a_bad_path_and_the_fix(model, tmp_path, name, message):
    with pytest.raises(ModelError, match=message):
        model.save(tmp_path / name if name != "-" else name)


def test_save_to_a_missing_folder_names_it(model, tmp_path):
    with pytest.raises(ModelError, match=r"mine\.zip: folder .*nope does not exist; create it first"):
        model.save(tmp_path / "nope" / "mine.zip")


def test_a_crash_while_saving_keeps_the_old_model_whole(model, tmp_path, monkeypatch):
    """A kill mid-save leaves the previous file as it was and nothing else."""
    path = model.save(tmp_path / "mine.zip")
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(_modelfile.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        SentenceClassifier(context=False).fit(*TINY).save(path, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.zip"]
    assert path.read_bytes() == before


def test_missing_model_file(tmp_path):
    with pytest.raises(ModelError, match="model file not found"):
        load_model(tmp_path / "none.zip")


def test_shipped_model_is_a_model_file_and_matches_a_fresh_rebuild():
    """`casey-nlp train --out models/default.zip` rebuilds the shipped model deterministically."""
    assert sorted(p.name for p in _resources.models_dir().iterdir() if p.suffix != ".md") == ["default.zip"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no rebuild, no version warning
        shipped = _persist._load_checked(_resources.models_dir() / "default.zip")
    rebuilt = train()
    assert shipped.metadata_["training_data_sha256"] == rebuilt.training_data_sha256_
    assert shipped.metadata_["bundled_data_sha256"] == rebuilt.bundled_data_sha256_
    texts = casey_nlp.load_dataset().data
    np.testing.assert_allclose(shipped.predict_proba(texts), rebuilt.predict_proba(texts), rtol=0, atol=1e-9)
    np.testing.assert_allclose(
        shipped.predict_proba_in_context(texts), rebuilt.predict_proba_in_context(texts), rtol=0, atol=1e-9
    )


def test_corrupted_shipped_model_is_rebuilt_with_a_warning(tmp_path, monkeypatch):
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "default.zip").write_bytes(b"garbage")
    monkeypatch.setattr(_persist, "models_dir", lambda: folder)
    monkeypatch.setattr(_persist, "_DEFAULT_CACHE", {})
    with pytest.warns(RuntimeWarning, match="rebuilt it from the bundled data"):
        model = _persist.default_model()
    assert model.predict(["The Met must change."])[0] == "demand"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _persist.default_model() is model  # cached: rebuilt once, not per call


def test_the_vocabulary_is_pickled_as_one_array_and_restored_exactly(model):
    """Pickling (joblib workers of classify_many) stays fast: the vocabulary travels as one array."""
    import copy

    state = model.__getstate__()
    terms = state["_vocabulary_terms"]
    vocabulary = model._words_vectorizer().vocabulary_
    assert terms.dtype.kind == "U" and len(terms) == len(vocabulary)
    assert "vocabulary_" not in dict(state["pipeline_"].named_steps["features"].transformer_list)["words"].__dict__
    assert "vocabulary_" in model._words_vectorizer().__dict__  # the live model is untouched
    for restored in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
        assert restored._words_vectorizer().vocabulary_ == vocabulary
        np.testing.assert_array_equal(restored.predict_proba(SENTENCES), model.predict_proba(SENTENCES))
