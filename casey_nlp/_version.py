"""The casey_nlp version, at the bottom of the import stack so any module can read it."""

__version__ = "0.4.0"
