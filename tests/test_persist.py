import json
import warnings

import numpy as np
import pytest

import casey_nlp
from casey_nlp import ModelError, load_model, train
from casey_nlp import _persist, _resources

SENTENCES = ["The Met must change.", "ENDS", "7% of cases were charged.", "The force failed."]


@pytest.fixture(scope="module")
def model():
    return train()


def test_save_then_load_gives_the_same_predictions(model, tmp_path):
    path = model.save(tmp_path / "mine.joblib")
    meta = json.loads((tmp_path / "mine.json").read_text())
    import sklearn

    assert meta["versions"]["scikit-learn"] == sklearn.__version__
    assert meta["labels"] == list(model.classes_)
    assert meta["training_data_sha256"] == model.training_data_sha256_
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.predict_proba(SENTENCES), model.predict_proba(SENTENCES))
    assert loaded.metadata_["model_sha256"] == meta["model_sha256"]


def test_save_refuses_to_overwrite_unless_asked(model, tmp_path):
    path = tmp_path / "mine.joblib"
    path.write_bytes(b"someone's precious file")
    with pytest.raises(ModelError, match="already exists.*overwrite=True"):
        model.save(path)
    assert path.read_bytes() == b"someone's precious file"
    model.save(path, overwrite=True)
    assert load_model(path).predict(["ENDS"])[0] == "other"


def test_a_crash_while_saving_leaves_no_partial_file(model, tmp_path, monkeypatch):
    import joblib

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(joblib, "dump", crash)
    with pytest.raises(KeyboardInterrupt):
        model.save(tmp_path / "mine.joblib")
    assert list(tmp_path.iterdir()) == []


def test_save_to_a_missing_folder_names_it(model, tmp_path):
    with pytest.raises(ModelError, match="folder does not exist"):
        model.save(tmp_path / "nope" / "mine.joblib")


def test_tampered_model_fails_its_hash(model, tmp_path):
    path = model.save(tmp_path / "mine.joblib")
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(ModelError, match="does not match the SHA-256"):
        load_model(path)


def test_model_from_another_sklearn_version_is_refused_with_the_fix(model, tmp_path):
    path = model.save(tmp_path / "mine.joblib")
    meta_path = tmp_path / "mine.json"
    meta = json.loads(meta_path.read_text())
    meta["versions"]["scikit-learn"] = "0.1"
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(ModelError, match=r"saved with scikit-learn 0\.1.*retrain it"):
        load_model(path)


def test_model_made_with_other_context_features_is_refused_with_the_fix(model, tmp_path):
    path = model.save(tmp_path / "mine.joblib")
    meta_path = tmp_path / "mine.json"
    meta = json.loads(meta_path.read_text())
    meta["context_version"] = "1-000000000000"
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(ModelError, match=r"made with context feature set 1-000000000000, .*retrain it"):
        load_model(path)


def test_model_without_metadata_is_refused(model, tmp_path):
    path = model.save(tmp_path / "mine.joblib")
    (tmp_path / "mine.json").unlink()
    with pytest.raises(ModelError, match="metadata file not found"):
        load_model(path)


def test_missing_model_file(tmp_path):
    with pytest.raises(ModelError, match="model file not found"):
        load_model(tmp_path / "none.joblib")


def test_shipped_model_matches_its_metadata_and_a_fresh_rebuild():
    """`casey-nlp train` rebuilds the shipped model deterministically."""
    path = _resources.models_dir() / "default.joblib"
    shipped = _persist._load_checked(path)
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
    for name in ("default.joblib", "default.json"):
        (folder / name).write_bytes((_resources.models_dir() / name).read_bytes())
    (folder / "default.joblib").write_bytes(b"garbage")
    monkeypatch.setattr(_persist, "models_dir", lambda: folder)
    monkeypatch.setattr(_persist, "_DEFAULT_CACHE", {})
    with pytest.warns(RuntimeWarning, match="rebuilt it from the bundled data"):
        model = _persist.default_model()
    assert model.predict(["The Met must change."])[0] == "demand"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _persist.default_model() is model  # cached: rebuilt once, not per call


def test_the_vocabulary_is_pickled_as_one_array_and_restored_exactly(model):
    import copy
    import pickle

    state = model.__getstate__()
    terms = state["_vocabulary_terms"]
    vocabulary = model._words_vectorizer().vocabulary_
    assert terms.dtype.kind == "U" and len(terms) == len(vocabulary)
    assert "vocabulary_" not in dict(state["pipeline_"].named_steps["features"].transformer_list)["words"].__dict__
    assert "vocabulary_" in model._words_vectorizer().__dict__  # the live model is untouched
    for restored in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
        assert restored._words_vectorizer().vocabulary_ == vocabulary
        np.testing.assert_array_equal(restored.predict_proba(SENTENCES), model.predict_proba(SENTENCES))
