"""Where the bundled statements, dataset and models live.

In a wheel they are installed inside the package (``casey_nlp/data``,
``casey_nlp/models``); in a source checkout they are the top-level ``data/`` and
``models/`` folders, which the wheel build maps into the package.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def _bundled(name: str) -> Path:
    installed = Path(str(files("casey_nlp"))) / name
    if installed.is_dir():
        return installed
    return _CHECKOUT / name


def data_dir() -> Path:
    """The folder holding the statements, manifest, dataset and data card."""
    return _bundled("data")


def models_dir() -> Path:
    """The folder holding the shipped model(s) and their metadata."""
    return _bundled("models")
