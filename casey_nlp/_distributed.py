"""Tagging partitions of a corpus spread over many processes or machines (Dask, Spark).

:func:`classify_partition` is a plain function over one partition, so Dask's
``map_partitions`` and Spark's ``mapPartitions`` can both call it; it never
imports Dask. :func:`dask_classify` wraps it for Dask bags and DataFrames
and is the only code here that imports Dask.

The model is never shipped with the tasks when it is given as None (the
shipped model) or as a path: each worker process loads it on first use and
keeps it for every later partition.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping

from ._labels import LABELS

SCORE_COLUMNS = tuple(f"score_{label}" for label in LABELS)

#: The keys of each record (and the columns of each DataFrame) returned by
#: :func:`classify_partition`, in order.
RESULT_COLUMNS = ("document", "sentence", "text", "start", "end", "label", "confidence", *SCORE_COLUMNS)

# One model per file and per process: a worker tags many partitions, and
# loading (reading and checking the file) for each would dominate.
# The key includes the file's modification time so that a long-lived worker
# picks up a model retrained to the same path.
_MODELS_BY_PATH = {}
# Workers may run several threads; without the lock each could load its own copy.
_MODELS_LOCK = threading.Lock()


def _model_from_path(path):
    from ._persist import load_model

    path = os.path.abspath(os.fspath(path))
    try:
        key = (path, os.stat(path).st_mtime_ns)
    except OSError:
        key = (path, None)  # load_model raises the clear "model file not found"
    with _MODELS_LOCK:
        if key not in _MODELS_BY_PATH:
            model = load_model(path)
            for stale in [k for k in _MODELS_BY_PATH if k[0] == path]:
                del _MODELS_BY_PATH[stale]
            _MODELS_BY_PATH[key] = model
        return _MODELS_BY_PATH[key]


def _is_path(model):
    return isinstance(model, (str, os.PathLike))


def _check_model(model):
    if model is None or _is_path(model) or hasattr(model, "predict_proba"):
        return
    raise TypeError(
        f"model must be None (the shipped model), the path of a saved model or a fitted classifier, "
        f"not {type(model).__name__}"
    )


def _resolve_model(model):
    from ._persist import load_model

    _check_model(model)
    if model is None:
        return load_model()  # cached per process by casey_nlp itself
    if _is_path(model):
        return _model_from_path(model)
    return model


def _documents_of_records(partition, text_column, id_column):
    """``(ids, texts)`` of an iterable of str, (id, text) tuples or mappings."""
    ids, texts = [], []
    for position, item in enumerate(partition):
        if isinstance(item, str):
            document, text = position, item
        elif isinstance(item, tuple) and len(item) == 2:
            document, text = item
        elif isinstance(item, Mapping):
            if text_column not in item:
                raise ValueError(
                    f"partition item {position} has no {text_column!r} key; "
                    f"pass text_column= naming the key that holds the text (keys: {', '.join(map(str, item))})"
                )
            if id_column is not None and id_column not in item:
                raise ValueError(
                    f"partition item {position} has no {id_column!r} key; pass id_column= naming the id key, "
                    "or id_column=None to number documents by position"
                )
            document = position if id_column is None else item[id_column]
            text = item[text_column]
        else:
            raise TypeError(
                f"partition item {position} is {type(item).__name__}; expected a str (a document's text), "
                f"an (id, text) tuple or a mapping with a {text_column!r} key"
            )
        if not isinstance(text, str):
            raise TypeError(
                f"partition item {position}: the text is {type(text).__name__}, not str; "
                "drop or fill missing texts first"
            )
        ids.append(document)
        texts.append(text)
    return ids, texts


def _texts_of_frame(frame, text_column, id_column):
    for argument, column in (("text_column", text_column), ("id_column", id_column)):
        if column is not None and column not in frame.columns:
            raise ValueError(
                f"{argument}={column!r} is not a column of the partition "
                f"(columns: {', '.join(map(str, frame.columns))}); pass {argument}=NAME"
            )
    texts = frame[text_column].tolist()
    for position, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(
                f"text_column {text_column!r} holds a {type(text).__name__} at row {frame.index[position]!r}, "
                f"not str; drop or fill missing texts first, e.g. df[{text_column!r}].fillna('')"
            )
    return texts


def _records(ids, texts, model, batch_size):
    """One dict per sentence, in document order."""
    from ._classify import classify_many

    if not texts:
        return []
    model = _resolve_model(model)
    records = []
    # Plain texts, not (id, text) pairs: classify_many would turn ids into str.
    for document, result in zip(ids, classify_many(texts, model=model, batch_size=batch_size, extract=False)):
        if result.error:
            raise ValueError(f"document {document!r}: {result.error}")
        for index, sentence in enumerate(result.sentences):
            records.append({
                "document": document,
                "sentence": index,
                "text": sentence.text,
                "start": sentence.start,
                "end": sentence.end,
                "label": sentence.label,
                "confidence": sentence.scores[sentence.label],
                # Fixed columns for every model, so that a DataFrame's schema is
                # known before any model is loaded; a label the model was not
                # trained on has probability 0.
                **{f"score_{label}": sentence.scores.get(label, 0.0) for label in LABELS},
            })
    return records


def _frame_of_records(frame, records, id_column):
    """The records as a DataFrame; their ``document`` holds row positions in ``frame``."""
    import pandas as pd

    # A one-row sample fixes the column dtypes (whatever this pandas infers
    # for str, int and float) even when the partition has no sentences.
    sample = {"document": 0, "sentence": 0, "text": "", "start": 0, "end": 0, "label": "",
              "confidence": 0.0, **dict.fromkeys(SCORE_COLUMNS, 0.0)}
    result = pd.DataFrame.from_records(records or [sample], columns=list(RESULT_COLUMNS))
    if not records:
        result = result.iloc[:0].copy()
    # Take the ids from the input, so that the document column keeps their
    # dtype and joins back onto the input frame.
    ids = frame.index if id_column is None else pd.Index(frame[id_column])
    result["document"] = ids.take(result["document"].to_numpy())
    return result.reset_index(drop=True)


def classify_partition(partition, *, model=None, text_column="text", id_column=None, batch_size=64):
    """Tag one partition of a corpus: the function for Dask's ``map_partitions`` and Spark's ``mapPartitions``.

    Every document is split into sentences and tagged in context, exactly as
    :func:`classify_many` does, and each sentence becomes one record.

    Parameters
    ----------
    partition : iterable or pandas.DataFrame
        An iterable (list, generator, Spark partition iterator) whose items
        are a ``str`` (a document's text), an ``(id, text)`` tuple, or a
        mapping such as a parsed JSON line with a ``text_column`` key; or a
        pandas DataFrame with a ``text_column`` column.
    model : None, str, path or SentenceClassifier, optional
        None for the shipped model; the path of a model saved with
        ``model.save(path)``, loaded once per process (pass a path rather
        than a model object so that the model is not sent with every task);
        or a fitted classifier.
    text_column : str, default="text"
        The column (DataFrame) or key (mappings) holding the text.
    id_column : str, optional
        The column or key holding the document id. By default a DataFrame's
        index is the id; other items without an id are numbered by position
        in the partition, which restarts at 0 in each partition: give
        ``(id, text)`` pairs to tell documents of different partitions apart.
    batch_size : int, default=64
        Documents per model call.

    Returns
    -------
    list of dict or pandas.DataFrame
        One record per sentence, in document order, with these keys (or
        columns), in this order: ``document`` (the id), ``sentence``
        (its index in the document, from 0), ``text``, ``start``, ``end``
        (character offsets into the document), ``label``, ``confidence``
        (the probability of ``label``) and ``score_<label>`` (the
        probability of each of the five labels). A DataFrame input gives a
        DataFrame with a fresh index. Documents with no text give no rows.

    Raises
    ------
    TypeError
        For a partition that is a single str, an item or text of the wrong
        type, or a ``model`` that is none of the above.
    ValueError
        If ``text_column`` or ``id_column`` is missing, or a document cannot
        be split into sentences (``classify_many`` would report that as the
        document's ``error``; a partition of records has no place for it, so
        the document is not dropped silently).

    See Also
    --------
    dask_classify : Apply this to every partition of a Dask bag or DataFrame.

    Examples
    --------
    >>> import casey_nlp
    >>> part = [("r1", "The Met must change. ENDS"), ("r2", "Only 3% of rapes led to a charge.")]
    >>> for row in casey_nlp.classify_partition(part):
    ...     print(row["document"], row["sentence"], row["start"], row["end"], row["label"])
    r1 0 0 20 demand
    r1 1 21 25 other
    r2 0 0 33 statistic
    """
    if isinstance(partition, (str, bytes)):
        raise TypeError(
            "partition is a single text; pass an iterable of documents (e.g. [text]), "
            "or use casey_nlp.classify(text) for one document"
        )
    if hasattr(partition, "__dask_graph__"):
        raise TypeError(
            f"partition is a whole Dask collection ({type(partition).__name__}); "
            "use casey_nlp.dask_classify(collection), which calls this on each partition"
        )
    _check_model(model)
    if hasattr(partition, "columns") and hasattr(partition, "index"):
        texts = _texts_of_frame(partition, text_column, id_column)
        records = _records(range(len(texts)), texts, model, batch_size)
        return _frame_of_records(partition, records, id_column)
    if not isinstance(partition, Iterable):
        raise TypeError(
            f"partition must be an iterable of documents or a pandas DataFrame, not {type(partition).__name__}"
        )
    ids, texts = _documents_of_records(partition, text_column, id_column)
    return _records(ids, texts, model, batch_size)


def dask_classify(collection, *, model=None, text_column="text", id_column=None, batch_size=64):
    """Tag every document of a Dask bag or DataFrame, partition by partition.

    Lazy, like any Dask operation: call ``.compute()`` (or write the result
    out) to run it, on whatever scheduler or cluster is active.

    Parameters
    ----------
    collection : dask.bag.Bag or dask.dataframe.DataFrame
        A bag of texts, ``(id, text)`` tuples or mappings (e.g. from
        ``dask.bag.read_text(...).map(json.loads)``), or a DataFrame with a
        ``text_column`` column.
    model : None, str or path, or SentenceClassifier, optional
        None for the shipped model, or the path of a saved model: each
        worker process loads it once and reuses it for all its partitions
        (the path must exist on the workers; a relative path is made
        absolute here). A model object is sent to each worker once, as one
        shared piece of the task graph.
    text_column, id_column, batch_size
        As for :func:`classify_partition`.

    Returns
    -------
    dask.bag.Bag or dask.dataframe.DataFrame
        A bag of one dict per sentence, or a DataFrame of one row per
        sentence, with the fields of :func:`classify_partition`. The
        DataFrame's divisions are unknown (each partition has a fresh index);
        its ``document`` column has the dtype of the ids (the index, or
        ``id_column``), so the result joins back onto the input.

    Raises
    ------
    ImportError
        If Dask is not installed.
    TypeError
        If ``collection`` is not a Dask bag or DataFrame, or ``model`` is of
        the wrong type.

    Examples
    --------
    >>> import pytest; dd = pytest.importorskip("dask.dataframe")  # skipped without Dask
    >>> import casey_nlp, pandas as pd
    >>> frame = pd.DataFrame({"text": ["The Met must change. ENDS", "Only 3% of rapes led to a charge."]})
    >>> tags = casey_nlp.dask_classify(dd.from_pandas(frame, npartitions=2))
    >>> for row in tags.compute().itertuples():
    ...     print(row.document, row.sentence, row.label)
    0 0 demand
    0 1 other
    1 0 statistic
    """
    try:
        import dask
        import dask.bag
    except ImportError:
        raise ImportError('dask_classify needs Dask: pip install "casey_nlp[dask]"') from None
    _check_model(model)
    if _is_path(model):
        model = os.path.abspath(os.fspath(model))
    elif model is not None:
        # One graph key for the model, not a pickled copy inside every task.
        model = dask.delayed(model, pure=True)
    options = {"model": model, "text_column": text_column, "id_column": id_column, "batch_size": batch_size}
    if isinstance(collection, dask.bag.Bag):
        return collection.map_partitions(classify_partition, **options)
    try:
        import dask.dataframe
    except ImportError:
        raise ImportError('dask_classify needs Dask DataFrames: pip install "casey_nlp[dask]"') from None
    if isinstance(collection, dask.dataframe.DataFrame):
        # An empty partition: its result has the output's columns and dtypes,
        # and computing it loads no model.
        meta = classify_partition(collection._meta, text_column=text_column, id_column=id_column)
        return collection.map_partitions(classify_partition, **options, meta=meta, clear_divisions=True)
    raise TypeError(
        f"collection must be a dask.bag.Bag or a dask.dataframe.DataFrame, not {type(collection).__name__}; "
        "for texts in memory use casey_nlp.classify_many or casey_nlp.classify_partition"
    )
