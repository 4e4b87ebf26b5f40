"""casey_nlp: tag the sentences of police-reform press releases.

Each sentence is tagged ``demand``, ``finding``, ``statistic``, ``case_study``
or ``other``. The package ships the labelled sentences of five statements
answering the 2023 Baroness Casey Review of the Metropolitan Police.

Heavy dependencies (scikit-learn, nltk) are imported only when first needed,
so ``import casey_nlp`` stays fast.
"""

from ._data import DataError, load_dataset, load_statements
from ._labels import LABEL_DEFINITIONS, LABELS
from ._segment import Sentence, split_sentences

__version__ = "0.1.0"

__all__ = [
    "LABELS",
    "LABEL_DEFINITIONS",
    "DataError",
    "Sentence",
    "load_dataset",
    "load_statements",
    "split_sentences",
]
