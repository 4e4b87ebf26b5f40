"""Saving and loading models, with metadata checked on load.

A model is two files: ``NAME.joblib`` (the pickled estimator) and
``NAME.json`` (labels, library versions, hashes of the training data and of
the model file, evaluation figures). Loading a pickle runs code, so load only
files you trust; the metadata check catches corruption and version drift, not
malice.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from pathlib import Path

from ._labels import LABELS
from ._resources import models_dir

__all__ = ["ModelError", "save_model", "load_model", "default_model", "DEFAULT_MODEL"]

DEFAULT_MODEL = "default"
FORMAT_VERSION = 1


class ModelError(ValueError):
    """A model file is missing, corrupted or was made with other library versions."""


def _versions() -> dict:
    import nltk
    import numpy
    import sklearn

    from . import __version__

    return {
        "casey_nlp": __version__,
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "nltk": nltk.__version__,
    }


def _context_version() -> str:
    """The context stage's feature set: a saved model's context weights follow its rows."""
    from ._context import CONTEXT_VERSION

    return CONTEXT_VERSION


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _atomic_write(path: Path, write, overwrite: bool) -> None:
    """Write via a temporary file in the same folder, then rename over ``path``."""
    if path.exists() and not overwrite:
        raise ModelError(f"{path}: already exists; choose another path or pass overwrite=True (--force)")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp creates 0600 files
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _json_params(model) -> dict:
    return json.loads(json.dumps(model.get_params(), default=list))


def metadata_path(path) -> Path:
    return Path(path).with_suffix(".json")


def save_model(model, path, *, overwrite=False, metadata=None) -> Path:
    """Save a fitted classifier to ``path`` (joblib) with ``path.json`` metadata.

    Both files are written to temporary files and renamed into place. An
    existing file is never replaced unless ``overwrite=True``.

    Parameters
    ----------
    model : SentenceClassifier
        A fitted model.
    path : str or Path
        Where to write the model; conventionally ending in ``.joblib``.
    overwrite : bool, default=False
        Replace existing files.
    metadata : dict, optional
        Extra entries for the metadata file (e.g. ``training_data_sha256``,
        ``evaluation``).

    Returns
    -------
    Path
        The model path.
    """
    import joblib

    from ._features import FEATURE_VERSION

    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(model, "pipeline_")
    path = Path(path)
    if str(path) == "-":
        raise ModelError("-: a model must be saved to a file; give a path such as my_model.joblib")
    if path.suffix == ".json":
        raise ModelError(f"{path}: the model path must not end in .json (that name is for its metadata)")
    if not path.parent.is_dir():
        raise ModelError(f"{path.parent}: folder does not exist; create it first")
    meta_path = metadata_path(path)
    if not overwrite:
        for existing in (path, meta_path):
            if existing.exists():
                raise ModelError(f"{existing}: already exists; choose another path or pass overwrite=True (--force)")
    _atomic_write(path, lambda out: joblib.dump(model, out, compress=3), overwrite)
    meta = {
        "format_version": FORMAT_VERSION,
        "labels": [str(label) for label in model.classes_],
        "params": _json_params(model),
        "versions": _versions(),
        "model_sha256": _sha256(path),
        "feature_version": FEATURE_VERSION,
        # Only a model with a context stage depends on the context features.
        "context_version": None if getattr(model, "context_coef_", None) is None else _context_version(),
        "training_data_sha256": getattr(model, "training_data_sha256_", None),
        "n_training_rows": getattr(model, "n_training_rows_", None),
        "bundled_data_sha256": getattr(model, "bundled_data_sha256_", None),
        **(metadata or {}),
    }
    text = json.dumps(meta, indent=2, sort_keys=True) + "\n"
    _atomic_write(meta_path, lambda out: out.write(text.encode("utf-8")), overwrite=True)
    return path


def _check(path: Path) -> dict:
    """Return the metadata of ``path`` or raise ModelError saying what is wrong."""
    from ._features import FEATURE_VERSION

    meta_path = metadata_path(path)
    if not path.is_file():
        raise ModelError(f"{path}: model file not found")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(
            f"{meta_path}: metadata file not found next to the model; save models with "
            "casey_nlp (model.save) so they can be checked on load"
        ) from None
    except json.JSONDecodeError as error:
        raise ModelError(f"{meta_path}: not valid JSON ({error.msg})") from None
    if _sha256(path) != meta.get("model_sha256"):
        raise ModelError(
            f"{path}: file does not match the SHA-256 in {meta_path.name}; "
            "it is corrupted or was changed after saving: retrain it"
        )
    saved = meta.get("versions", {}).get("scikit-learn")
    installed = _versions()["scikit-learn"]
    if saved != installed:
        raise ModelError(
            f"{path}: saved with scikit-learn {saved}, but {installed} is installed; "
            f"retrain it (casey-nlp train ... --out PATH) or install scikit-learn=={saved}"
        )
    if meta.get("feature_version") != FEATURE_VERSION:
        raise ModelError(
            f"{path}: made with feature set {meta.get('feature_version')}, but this casey_nlp "
            f"computes feature set {FEATURE_VERSION}; retrain it (casey-nlp train ... --out PATH)"
        )
    if meta.get("context_version") not in (None, _context_version()):
        raise ModelError(
            f"{path}: made with context feature set {meta.get('context_version')}, but this casey_nlp "
            f"computes context feature set {_context_version()}; retrain it (casey-nlp train ... --out PATH)"
        )
    unknown = set(meta.get("labels", ())) - set(LABELS)
    if unknown:
        raise ModelError(f"{meta_path}: unknown labels {sorted(unknown)}; not a casey_nlp model")
    return meta


def model_provenance(model) -> dict:
    """Which model produced an output: ``{"name", "version", "sha256"}``.

    ``name`` is the model file's stem (``"default"`` for the shipped model),
    ``version`` the casey_nlp version that saved it, and ``sha256`` the hash
    of its saved content. A model trained in this process and never saved
    has ``name`` ``"unsaved"`` and ``sha256`` None.
    """
    from . import __version__

    meta = getattr(model, "metadata_", None) or {}
    return {
        "name": meta.get("name", "unsaved"),
        "version": meta.get("versions", {}).get("casey_nlp", __version__),
        "sha256": meta.get("model_sha256"),
    }


def _load_checked(path: Path):
    import joblib

    meta = _check(path)
    model = joblib.load(path)
    model.metadata_ = {**meta, "name": path.stem}
    return model


def _rebuild_default(reason: str):
    from ._model import train

    warnings.warn(
        f"the shipped model could not be used ({reason}); rebuilt it from the bundled "
        "data in memory. Run `casey-nlp train --out models/default.joblib --force` "
        "in a source checkout to refresh the file.",
        RuntimeWarning,
        stacklevel=3,
    )
    model = train()
    model.metadata_ = {"rebuilt": reason}
    return model


_DEFAULT_CACHE = {}


def default_model():
    """The shipped model, loaded once per process and reused.

    Checked against its metadata. If the file fails its hash, was made with
    another scikit-learn version, or was trained on data other than the
    bundled dataset, it is rebuilt from the bundled data in memory (about
    ten seconds) with a RuntimeWarning, never silently replaced.
    """
    if DEFAULT_MODEL not in _DEFAULT_CACHE:
        from ._data import bundled_data_sha256
        from ._model import SentenceClassifier

        path = models_dir() / f"{DEFAULT_MODEL}.joblib"
        try:
            model = _load_checked(path)
            if model.metadata_.get("bundled_data_sha256") != bundled_data_sha256():
                model = _rebuild_default("it was trained on other data than the bundled dataset")
            elif model.metadata_.get("params") != _json_params(SentenceClassifier()):
                model = _rebuild_default("its parameters differ from this version's defaults")
        except ModelError as error:
            model = _rebuild_default(str(error))
        _DEFAULT_CACHE[DEFAULT_MODEL] = model
    return _DEFAULT_CACHE[DEFAULT_MODEL]


def load_model(name_or_path=None):
    """Load a classifier: the shipped default, or a file saved with ``save``.

    **Loading unpickles the file, and unpickling runs code: load only files
    you trust.** The metadata file next to the model is checked first (model
    hash, scikit-learn version, labels).

    Parameters
    ----------
    name_or_path : str or Path, optional
        None or ``"default"`` for the shipped model (cached per process, and
        rebuilt from the bundled data if its file fails the checks); otherwise
        the path of a ``.joblib`` file written by ``SentenceClassifier.save``.

    Returns
    -------
    SentenceClassifier
        With a ``metadata_`` dict.

    Raises
    ------
    ModelError
        For a user file that is missing, fails its hash or was saved with
        another scikit-learn version; the message says how to fix it.

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
