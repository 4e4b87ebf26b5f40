"""casey_nlp: tag the sentences of police-reform press releases.

Each sentence is tagged ``demand``, ``finding``, ``statistic``, ``case_study``
or ``other``. The package ships the labelled sentences of five statements
answering the 2023 Baroness Casey Review of the Metropolitan Police and a
classifier trained on them.

>>> import casey_nlp
>>> [s.label for s in casey_nlp.classify("The Met must change. ENDS")]
['demand', 'other']

scikit-learn is imported only when a model is first needed, so
``import casey_nlp`` stays fast.
"""

from importlib import import_module

from ._data import DataError, load_dataset, load_statements
from ._labels import LABEL_DEFINITIONS, LABELS
from ._segment import Sentence, split_sentences

from ._version import __version__

# Public names that need scikit-learn, resolved on first access (PEP 562).
_LAZY = {
    "SentenceClassifier": "._model",
    "train": "._model",
    "TaggedSentence": "._classify",
    "classify": "._classify",
    "classify_sentences": "._classify",
    "classify_many": "._classify",
    "DocumentResult": "._classify",
    "load_model": "._persist",
    "ModelError": "._persist",
    "evaluate": "._evaluate",
    "EvaluationReport": "._evaluate",
    "explain": "._explain",
    "explain_document": "._explain",
    "explain_sentences": "._explain",
    "Contribution": "._explain",
    "Explanation": "._explain",
    "suggest": "._suggest",
    "Suggestion": "._suggest",
    "write_suggestions_csv": "._suggest",
    "report_html": "._report",
    "report_markdown": "._report",
    "classify_partition": "._distributed",
    "dask_classify": "._distributed",
    "digest": "._digest",
    "Digest": "._digest",
    "Speaker": "._extract",
    "Addressee": "._extract",
    "Figure": "._figures",
}

__all__ = [
    "LABELS",
    "LABEL_DEFINITIONS",
    "DataError",
    "Sentence",
    "load_dataset",
    "load_statements",
    "split_sentences",
    *_LAZY,
]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'casey_nlp' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
