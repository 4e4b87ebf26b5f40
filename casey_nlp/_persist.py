"""Loading models: the shipped default or a file saved with ``model.save``.

A model file is data, not code (:mod:`casey_nlp._modelfile`): loading reads
JSON and ``.npy`` arrays with ``allow_pickle=False``, checks that the file is
intact and was made for the features this version computes, and rebuilds the
estimator from the arrays. Pickled (joblib) models of casey_nlp 0.2 and
earlier are refused with the command that retrains them.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from ._labels import LABELS
from ._model import SentenceClassifier
from ._modelfile import SUFFIX, ModelError, read_model_file
from ._resources import models_dir

DEFAULT_MODEL = "default"
_RETRAIN = f"retrain it (casey-nlp train --add YOUR_LABELS.csv --out my_model{SUFFIX})"


def _version_tuple(version) -> tuple[int, ...] | None:
    match = re.match(r"(\d+)\.(\d+)\.(\d+)", version) if isinstance(version, str) else None
    return None if match is None else tuple(int(part) for part in match.groups())


def _check(path: Path, meta: dict) -> None:
    """Raise ModelError if the metadata says the model cannot be used with this casey_nlp."""
    from ._version import __version__
    from ._context import CONTEXT_VERSION
    from ._features import FEATURE_VERSION, analyzer_fingerprint

    saved_by = meta.get("saved_by")
    saved_by = saved_by.get("casey_nlp") if isinstance(saved_by, dict) else None
    if _version_tuple(saved_by) is None:
        raise ModelError(f"{path}: metadata does not say which casey_nlp saved it; not a casey_nlp model")
    if _version_tuple(saved_by) > _version_tuple(__version__):
        raise ModelError(
            f"{path}: saved by casey_nlp {saved_by}, newer than the installed {__version__}; "
            "upgrade casey_nlp (pip install -U casey_nlp)"
        )
    if meta.get("feature_version") != FEATURE_VERSION:
        raise ModelError(
            f"{path}: made with feature set {meta.get('feature_version')}, but this casey_nlp "
            f"computes feature set {FEATURE_VERSION}; {_RETRAIN}"
        )
    if meta.get("analyzer_fingerprint") != analyzer_fingerprint():
        raise ModelError(
            f"{path}: its words were stemmed differently from how the installed nltk stems them; {_RETRAIN}"
        )
    if meta.get("context_version") not in (None, CONTEXT_VERSION):
        raise ModelError(
            f"{path}: made with context feature set {meta.get('context_version')}, but this casey_nlp "
            f"computes context feature set {CONTEXT_VERSION}; {_RETRAIN}"
        )
    labels = meta.get("labels")
    if not (isinstance(labels, list) and all(isinstance(label, str) and label in LABELS for label in labels)
            and len(set(labels)) == len(labels) >= 2):
        raise ModelError(f"{path}: its labels {str(labels)[:80]} are not casey_nlp labels; not a casey_nlp model")
    if not isinstance(meta.get("params"), dict):
        raise ModelError(f"{path}: metadata has no parameters; not a casey_nlp model")


def _load_checked(path: Path) -> SentenceClassifier:
    meta, arrays, sha256 = read_model_file(path)
    _check(path, meta)
    try:
        model = SentenceClassifier._from_arrays(meta["params"], arrays)
    except (TypeError, ValueError) as error:
        raise ModelError(f"{path}: {error}; the file is damaged or not a casey_nlp model") from None
    if [str(c) for c in model.classes_] != meta["labels"]:
        raise ModelError(f"{path}: its labels and its arrays disagree; the file is damaged")
    if (model.context_coef_ is None) != (meta.get("context_version") is None):
        raise ModelError(f"{path}: its context stage and its metadata disagree; the file is damaged")
    model.training_data_sha256_ = meta.get("training_data_sha256")
    model.n_training_rows_ = meta.get("n_training_rows")
    model.bundled_data_sha256_ = meta.get("bundled_data_sha256")
    model.metadata_ = {**meta, "name": path.stem, "model_sha256": sha256}
    return model


def model_provenance(model) -> dict:
    """Which model produced an output: ``{"name", "version", "sha256"}``.

    ``name`` is the model file's stem (``"default"`` for the shipped model),
    ``version`` the casey_nlp version that saved it, and ``sha256`` the hash
    of the model file. A model trained in this process and never loaded from
    a file has ``name`` ``"unsaved"`` and ``sha256`` None.
    """
    from ._version import __version__

    meta = getattr(model, "metadata_", None) or {}
    return {
        "name": meta.get("name", "unsaved"),
        "version": meta.get("saved_by", {}).get("casey_nlp", __version__),
        "sha256": meta.get("model_sha256"),
    }


def _rebuild_default(reason: str):
    from ._model import train

    warnings.warn(
        f"the shipped model could not be used ({reason}); rebuilt it from the bundled "
        f"data in memory. Run `casey-nlp train --out models/{DEFAULT_MODEL}{SUFFIX} --force` "
        "in a source checkout to refresh the file.",
        RuntimeWarning,
        stacklevel=3,
    )
    model = train()
    model.metadata_ = {"rebuilt": reason, "name": f"{DEFAULT_MODEL} (rebuilt)"}
    return model


_DEFAULT_CACHE = {}


def default_model():
    """The shipped model, loaded once per process and reused.

    Checked on load. If the file is damaged, was made for other features, or
    was trained on data other than the bundled dataset or with other default
    parameters, it is rebuilt from the bundled data in memory (about ten
    seconds) with a RuntimeWarning, never silently replaced.
    """
    if DEFAULT_MODEL not in _DEFAULT_CACHE:
        from ._data import bundled_data_sha256

        path = models_dir() / f"{DEFAULT_MODEL}{SUFFIX}"
        try:
            model = _load_checked(path)
            if model.metadata_.get("bundled_data_sha256") != bundled_data_sha256():
                model = _rebuild_default("it was trained on other data than the bundled dataset")
            elif model.metadata_.get("params") != SentenceClassifier()._json_params():
                model = _rebuild_default("its parameters differ from this version's defaults")
        except ModelError as error:
            model = _rebuild_default(str(error))
        _DEFAULT_CACHE[DEFAULT_MODEL] = model
    return _DEFAULT_CACHE[DEFAULT_MODEL]


def load_model(name_or_path=None):
    """Load a classifier: the shipped default, or a file saved with ``save``.

    Loading never runs code from the file: a model file is a zip of JSON and
    ``.npy`` arrays, read with ``allow_pickle=False`` in one read. It is
    checked before use: every array against its SHA-256, the format, the
    casey_nlp version that saved it (not newer than this one), and the
    feature set, stemming and context features it was made for.

    Parameters
    ----------
    name_or_path : str or Path, optional
        None or ``"default"`` for the shipped model (cached per process, and
        rebuilt from the bundled data if its file fails the checks); otherwise
        the path of a ``.zip`` file written by ``SentenceClassifier.save``.

    Returns
    -------
    SentenceClassifier
        With a ``metadata_`` dict (including ``name`` and ``model_sha256``).

    Raises
    ------
    ModelError
        One line saying what is wrong and how to fix it: a missing file,
        a file that is not a casey_nlp model (a pickled model of casey_nlp
        0.2 or earlier is refused with the command that retrains it), a
        damaged or changed file, or one made for other features.

    Examples
    --------
    >>> import casey_nlp
    >>> model = casey_nlp.load_model()
    >>> sorted(model.classes_)
    ['case_study', 'demand', 'finding', 'other', 'statistic']
    """
    if name_or_path is None or name_or_path == DEFAULT_MODEL:
        return default_model()
    if not hasattr(name_or_path, "__fspath__") and not isinstance(name_or_path, str):
        raise TypeError(f"name_or_path must be None, 'default' or a path, not {type(name_or_path).__name__}")
    return _load_checked(Path(name_or_path))
