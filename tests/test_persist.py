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
    if fitted.use_words:
        assert loaded._words_vectorizer().vocabulary_ == fitted._words_vectorizer().vocabulary_
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
        # Seeded, and led by bytes no known format starts with: the case is the same every run.
        (b"\x00\x01" + np.random.default_rng(0).bytes(254), "is not a casey_nlp model"),
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
    with pytest.raises(ModelError, match="'coef' holds object, not numbers or text"):
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


# --- Damaged and crafted files: one ModelError line each, never a traceback ---

def _patch_zip_field(data: bytes, member: str, local_offset: int, central_offset: int, value: int) -> bytes:
    """Set a 2-byte header field of ``member`` in both its local and its central header."""
    data = bytearray(data)
    for signature, offset, name_at in ((b"PK\x03\x04", local_offset, 30), (b"PK\x01\x02", central_offset, 46)):
        start = data.find(signature)
        while start != -1:
            length_at = start + (26 if signature == b"PK\x03\x04" else 28)
            length = int.from_bytes(data[length_at:length_at + 2], "little")
            if data[start + name_at:start + name_at + length] == member.encode():
                data[start + offset:start + offset + 2] = value.to_bytes(2, "little")
            start = data.find(signature, start + 4)
    return bytes(data)


def _npy_declaring(shape) -> bytes:
    """A .npy file whose header declares ``shape`` but holds 8 bytes of data."""
    header = f"{{'descr': '<f8', 'fortran_order': False, 'shape': {shape!r}, }}"
    header += " " * (64 - (10 + len(header) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + b"\0" * 8


def test_byte_flips_anywhere_give_a_model_error(saved):
    """The reviewer's fuzz: flipped bytes gave zlib.error and others; now each is a ModelError."""
    original = saved.read_bytes()
    rng = np.random.default_rng(0)
    for position in rng.choice(len(original), size=60, replace=False):
        damaged = bytearray(original)
        damaged[position] ^= 0x5A
        saved.write_bytes(bytes(damaged))
        try:
            load_model(saved)
        except ModelError as error:
            assert "\n" not in str(error) and str(saved) in str(error)


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda d: _patch_zip_field(d, "metadata.json", 6, 8, 1), "damaged model file"),  # "encrypted" flag
        (lambda d: _patch_zip_field(d, "coef.npy", 8, 10, 9), "damaged model file"),  # deflate64: unsupported
        (lambda d: d[: len(d) // 2], "damaged or incomplete zip"),  # an interrupted download
    ],
    ids=["encrypted-flag", "compression-method", "truncated"],
)
def test_damaged_zip_structures_give_a_model_error(saved, damage, message):
    saved.write_bytes(damage(saved.read_bytes()))
    with pytest.raises(ModelError, match=message):
        load_model(saved)


def test_an_array_header_cannot_ask_for_terabytes(saved):
    _replace_array(saved, "intercept", _npy_declaring((10_000_000_000_000,)))
    with pytest.raises(ModelError, match="'intercept' declares a shape its data does not fill"):
        load_model(saved)


def test_one_member_cannot_be_read_under_many_names(saved):
    """The zip-bomb bypass: names pointing at the same member were each read and kept."""
    members = _members(saved)
    meta = json.loads(members["metadata.json"])
    for i in range(5):
        meta["arrays"][f"copy_{i}"] = dict(meta["arrays"]["coef"])
    members["metadata.json"] = json.dumps(meta).encode()
    _rewrite(saved, members)
    with pytest.raises(ModelError, match="lists its arrays wrongly"):
        load_model(saved)


def _replace_metadata_text(path, text: str) -> None:
    members = _members(path)
    members["metadata.json"] = text.encode()
    _rewrite(path, members)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda text: "[" * 100_000, "not valid JSON"),
        (lambda text: text.replace('"cue_weight": 0.15', '"cue_weight": NaN'), "not valid JSON"),
    ],
    ids=["deeply-nested", "nan"],
)
def test_metadata_that_is_not_plain_json_is_refused(saved, edit, message):
    text = _members(saved)["metadata.json"].decode()
    assert '"cue_weight": 0.15' in text
    _replace_metadata_text(saved, edit(text))
    with pytest.raises(ModelError, match=message):
        load_model(saved)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"saved_by": "0.3.0"}, "does not say which casey_nlp saved it"),
        ({"labels": [["demand"]]}, "not casey_nlp labels"),
        ({"labels": ["demand"] * 5}, "not casey_nlp labels"),
        ({"params": {"ngram_range": [2, 1]}}, r"parameter ngram_range=\[2, 1\] is invalid"),
        ({"params": {"ngram_range": [1, 2, 3]}}, "parameter ngram_range"),
        ({"params": {"cue_weight": "x"}}, "parameter cue_weight='x' is invalid"),
        ({"params": {"C": -1}}, "parameter C=-1 is invalid"),
        ({"params": {"ngram_range": [1, 1]}}, r"n-grams longer than ngram_range \(1, 1\)"),
    ],
)
def test_metadata_of_the_wrong_type_or_range_is_refused(saved, changes, message):
    if "params" in changes:
        changes = {"params": {**json.loads(_members(saved)["metadata.json"])["params"], **changes["params"]}}
    _edit_metadata(saved, **changes)
    with pytest.raises(ModelError, match=message) as caught:
        load_model(saved)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "name, values, message",
    [
        ("coef", lambda a: np.full_like(a, np.nan), "'coef' holds NaN"),
        ("idf", lambda a: np.full_like(a, np.inf), "'idf' holds NaN or infinite"),
        ("cue_scale", np.zeros_like, "scale of 0"),
        ("classes", lambda a: np.asarray(["demand"] * len(a)), "distinct labels"),
        ("vocabulary", lambda a: np.concatenate([a, np.asarray([0xFF], dtype=np.uint8)]), "not UTF-8 text"),
        ("vocabulary", lambda a: np.asarray(["must", "act"]), "not UTF-8 text"),
    ],
)
def test_arrays_that_would_tag_silently_wrong_are_refused(saved, name, values, message):
    array = np.load(io.BytesIO(_members(saved)[f"{name}.npy"]))
    buffer = io.BytesIO()
    np.save(buffer, values(array))
    _replace_array(saved, name, buffer.getvalue())
    with pytest.raises(ModelError, match=message):
        load_model(saved)


def test_every_parameter_is_checked_on_load():
    from casey_nlp._model import _PARAMETER_CHECKS

    defaults = SentenceClassifier()._json_params()
    assert set(_PARAMETER_CHECKS) == set(defaults)  # a new parameter needs its check
    assert all(_PARAMETER_CHECKS[name](value) for name, value in defaults.items())


def test_save_refuses_metadata_that_would_overwrite_its_own(model, tmp_path):
    for key in ("labels", "params", "arrays"):
        with pytest.raises(ValueError, match=f"'{key}'.*written by casey_nlp itself"):
            model.save(tmp_path / "m.zip", metadata={key: 1})
    assert not (tmp_path / "m.zip").exists()


def test_a_saved_model_gets_the_permissions_of_any_new_file(model, tmp_path):
    mask = os.umask(0o022)
    try:
        path = model.save(tmp_path / "m.zip")
    finally:
        os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o644


def test_a_path_without_the_suffix_is_pointed_at_the_model(model, tmp_path):
    model.save(tmp_path / "mine.zip")
    with pytest.raises(ModelError, match=r"mine: model file not found; did you mean .*mine\.zip\?"):
        load_model(tmp_path / "mine")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a FIFO")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "model.zip"
    os.mkfifo(fifo)
    with pytest.raises(ModelError, match="not a regular file"):
        load_model(fifo)
