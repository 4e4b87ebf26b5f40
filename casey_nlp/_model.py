"""The sentence classifier: a scikit-learn estimator over words and cues."""

from __future__ import annotations

import copy
import gc
import os
import weakref
from contextlib import contextmanager
from functools import partial
from itertools import repeat

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._features import CueFeatures, _stems, tokenised, word_ngrams
from ._labels import LABELS

# Sentences scored at a time. 1,024 rather than 2,048 keeps tagging 100,000
# sentences under 200 MB (196 against 200.2 at most, benchmarks/run.py) at
# the same speed.
_CHUNK = 1024


@contextmanager
def _cyclic_gc_paused():
    """Pause the cyclic garbage collector while one chunk is scored.

    Scoring allocates many short-lived lists and tuples and creates no
    reference cycles (reference counting frees all of it), but the
    allocations trigger full collections that walk every object the
    process holds (scikit-learn, scipy, the caller's data): measured, a
    third of the time and most of the run-to-run spread. The previous state
    is restored on exit, also on error.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _softmax(scores):
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    scores /= scores.sum(axis=1, keepdims=True)
    return scores


def _is_pandas(obj, class_name: str) -> bool:
    # Recognised by name, so that pandas is never imported for the check.
    kind = type(obj)
    return kind.__name__ == class_name and kind.__module__.split(".")[0] == "pandas"


def _columns(frame) -> str:
    names = [repr(name) for name in list(frame.columns)[:6]]
    return ", ".join(names) + (", ..." if len(frame.columns) > 6 else "")


def _example_column(frame) -> str:
    return repr("text" if "text" in frame.columns or not len(frame.columns) else frame.columns[-1])


def as_sentences(X, argument: str = "X") -> list:
    """Check that ``X`` is a list of sentences: strings, or ``Sentence`` objects.

    ``Sentence`` objects (from :func:`casey_nlp.split_sentences`) are kept as
    they are, because their list context is a feature. A pandas Series
    gives its values. Containers whose iteration would give the wrong thing
    (a DataFrame its column names, a dict its keys, a set no order) are
    refused here, below both the estimator (fit, predict) and
    ``classify_sentences``, so that every entry point refuses them alike.
    """
    if isinstance(X, str):
        raise TypeError(
            f"{argument} must be a list of sentences, not a single str; "
            "wrap it in a list, or use casey_nlp.classify(text) for a whole document"
        )
    if _is_pandas(X, "DataFrame"):
        raise TypeError(
            f"{argument} is a pandas DataFrame, whose iteration gives its column names; "
            f"pass the column that holds the sentences, such as df[{_example_column(X)}] "
            f"(columns: {_columns(X)})"
        )
    if _is_pandas(X, "Series"):
        return as_sentences(X.tolist(), argument)  # its values, in order; the index plays no part
    if isinstance(X, (bytes, bytearray)):
        raise TypeError(f"{argument} is bytes; decode it first (data.decode('utf-8')) and pass a list of str")
    if isinstance(X, os.PathLike):
        raise TypeError(
            f"{argument} is a path, not a list of sentences; to tag a file use "
            "classify(path.read_text(encoding='utf-8')) or classify_many([path])"
        )
    if isinstance(X, dict):
        raise TypeError(
            f"{argument} is a dict, whose iteration gives its keys; "
            "pass list(d.values()) to tag the values (or list(d) for the keys)"
        )
    if isinstance(X, (set, frozenset)):
        raise TypeError(f"{argument} is a set, which has no order to match the labels to; pass a list, such as sorted(s)")
    try:
        iter(X)
    except TypeError:
        raise TypeError(f"{argument} must be a list of sentences (str), got {type(X).__name__}") from None
    items = list(X)
    for i, item in enumerate(items):
        if not isinstance(getattr(item, "text", item), str):
            raise TypeError(
                f"{argument}[{i}] is {type(item).__name__}; expected a str (or a Sentence)"
            )
    return items


def as_texts(X, argument: str = "X") -> list[str]:
    """Sentences as plain strings; accepts strings and ``Sentence`` objects."""
    return [getattr(item, "text", item) for item in as_sentences(X, argument)]



def _checked_sample_weight(sample_weight, n: int) -> np.ndarray:
    """``sample_weight`` as a float array of ``n`` finite, non-negative weights, not all zero."""
    weights = np.asarray(sample_weight, dtype=np.float64)
    if weights.shape != (n,):
        raise ValueError(f"sample_weight has shape {weights.shape} but X has {n} sentences; give one weight per sentence")
    if not np.isfinite(weights).all():
        raise ValueError("sample_weight has NaN or infinite values; give finite weights")
    if (weights < 0).any():
        raise ValueError("sample_weight has negative values; give weights of 0 or more")
    if not (weights > 0).any():
        raise ValueError("sample_weight is zero for every sentence of X; give at least one a positive weight")
    return weights


_BIGRAMS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _bigram_index(vectorizer) -> dict:
    """``{(stem, stem): column}`` for the vectorizer's bigrams, built once per fitted vectorizer."""
    index = _BIGRAMS.get(vectorizer)
    if index is None:
        index = {tuple(g.split(" ")): c for g, c in vectorizer.vocabulary_.items() if " " in g}
        _BIGRAMS[vectorizer] = index
    return index


def _tfidf(vectorizer, items, lowered_tokens):
    """``vectorizer.transform(items)`` for our analyzer, sublinear tf and l2 norm.

    ``lowered_tokens`` is ``tokenised(items)``, shared with the cue block.
    Python only looks the n-grams up (in C, through ``map``); counting,
    weighting and normalising are done for the whole batch in numpy.
    """
    from scipy import sparse  # a dependency of scikit-learn

    vocabulary, n, width = vectorizer.vocabulary_, len(items), len(vectorizer.vocabulary_)
    columns, lengths = [], []
    if getattr(vectorizer.analyzer, "keywords", {}).get("ngram_range") == (1, 2):
        # The common case: unigrams by stem, bigrams by (stem, stem) tuple,
        # so no bigram string is ever built.
        unigram = vocabulary.get
        bigram = _bigram_index(vectorizer).get
        for _, tokens in lowered_tokens:
            stems = _stems(tokens)
            before = len(columns)
            columns.extend(map(unigram, stems, repeat(-1)))
            columns.extend(map(bigram, zip(stems, stems[1:]), repeat(-1)))
            lengths.append(len(columns) - before)
    else:
        for item in items:
            grams = vectorizer.analyzer(item)
            columns.extend(map(vocabulary.get, grams, repeat(-1)))
            lengths.append(len(grams))
    columns = np.asarray(columns, dtype=np.int64)
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
    known = columns >= 0  # n-grams outside the vocabulary are dropped
    keys, counts = np.unique(rows[known] * width + columns[known], return_counts=True)
    rows, columns = np.divmod(keys, width)
    data = counts.astype(np.float64)
    if vectorizer.sublinear_tf:
        np.log(data, out=data)
        data += 1.0
    data *= vectorizer.idf_[columns]
    norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=n))
    norms[norms == 0] = 1.0
    data /= norms[rows]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))])
    return sparse.csr_matrix((data, columns, indptr), shape=(n, width))


def _real(value, low=0.0, low_ok=False) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)
            and (value >= low if low_ok else value > low))


def _whole(value, low=1) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= low


def _class_weight_ok(value) -> bool:
    if value is None or value == "balanced":
        return True
    return isinstance(value, dict) and all(label in LABELS and _real(w) for label, w in value.items())


# What a saved model's parameters may be: a file is data, so each is checked
# before the estimator is built from it (fit itself relies on scikit-learn's
# checks, which a loaded model never runs).
_PARAMETER_CHECKS = {
    "C": _real,
    "cue_weight": lambda v: _real(v, low_ok=True),
    "ngram_range": lambda v: isinstance(v, (list, tuple)) and len(v) == 2 and all(map(_whole, v)) and v[0] <= v[1],
    "use_words": lambda v: isinstance(v, bool),
    "use_cues": lambda v: isinstance(v, bool),
    "seed_examples": lambda v: isinstance(v, bool),
    "class_weight": _class_weight_ok,
    "max_iter": _whole,
    "context": lambda v: isinstance(v, bool),
    "context_C": _real,
    "min_df": lambda v: _whole(v) or (_real(v) and v <= 1.0),
}


class SentenceClassifier(ClassifierMixin, BaseEstimator):
    """Tag sentences as demand, finding, statistic, case_study or other.

    A logistic regression over two blocks of features: a stemmed TF-IDF bag of
    word n-grams, and standardised linguistic cues
    (:class:`casey_nlp._features.CueFeatures`: obligation and calls,
    quantities, one person's story, attribution, heading shape, boilerplate).
    The cue block is what lets the model generalise to statements by writers
    it has never seen.

    Parameters
    ----------
    C : float, default=2.0
        Inverse regularisation strength of the logistic regression.
    cue_weight : float, default=0.15
        Multiplier on the standardised cue block, whose rows have a norm
        several times that of the unit-length TF-IDF rows. 2.0 and 0.15 were
        chosen on blind figures (``benchmarks/MODEL_SELECTION.md``).
    ngram_range : tuple of int, default=(1, 2)
        Word n-gram range.
    use_words, use_cues : bool, default=True
        Switch either feature block off (for ablations).
    seed_examples : bool, default=True
        Also train on the 48 seed sentences in ``data/seed_examples.csv``:
        generic examples of each label written from the annotation
        guideline, not taken from any statement. They are prior knowledge
        that lets the model recognise a label (case studies, above all) even
        when no training document contains one. They are added inside
        ``fit``, so they are always training data and never test data.
    class_weight : dict, "balanced" or None, default="balanced"
        Passed to the logistic regression; "balanced" keeps rare labels
        (statistic, case_study) from being swamped by findings.
    max_iter : int, default=2000
        Solver iterations (newton-cg).
    context : bool, default=True
        Also learn a second, context-aware stage when ``fit`` is given the
        document of each sentence (``groups``). Starting from the first
        stage's log-probabilities for the sentence, it adds a linear
        correction from the first stage's probabilities for its neighbours,
        the heading above and the whole document, and from its place in the
        document and in quotations
        (:data:`casey_nlp._context.CONTEXT_FEATURES`). It is trained on
        out-of-fold first-stage probabilities, so it learns how the first
        stage behaves on documents it has not seen.
    context_C : float, default=1.0
        Inverse regularisation strength of the context stage's correction;
        towards 0, ``classify`` tags as ``classify_sentences`` does.

    Attributes
    ----------
    classes_ : ndarray of str
        The labels seen in training, sorted.
    pipeline_ : sklearn.pipeline.Pipeline
        The fitted feature union and logistic regression (the first stage).
    context_coef_, context_intercept_ : ndarray or None
        The context stage's weights over
        :func:`casey_nlp._context.context_feature_names`; None when no
        context stage was fitted: ``context=False``, no ``groups`` or only
        one document, a label of ``classes_`` (one the seed examples add)
        missing from the documents, or an out-of-fold split whose training
        side holds a single label. The model then reads every sentence
        alone.

    Examples
    --------
    >>> from casey_nlp import SentenceClassifier, load_dataset
    >>> X, y = load_dataset(return_X_y=True)
    >>> model = SentenceClassifier().fit(X, y)
    >>> model.predict(["The government must act now.", "Cookies help us run this site."]).tolist()
    ['demand', 'other']
    """

    def __init__(
        self,
        C=2.0,
        cue_weight=0.15,
        ngram_range=(1, 2),
        use_words=True,
        use_cues=True,
        seed_examples=True,
        class_weight="balanced",
        max_iter=2000,
        context=True,
        context_C=1.0,
        min_df=1,
    ):
        self.C = C
        self.cue_weight = cue_weight
        self.ngram_range = ngram_range
        self.use_words = use_words
        self.use_cues = use_cues
        self.seed_examples = seed_examples
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.context = context
        self.context_C = context_C
        self.min_df = min_df

    def _features(self) -> FeatureUnion:
        blocks, weights = [], {}
        if self.use_words:
            blocks.append(
                (
                    "words",
                    TfidfVectorizer(
                        analyzer=partial(word_ngrams, ngram_range=tuple(self.ngram_range)),
                        sublinear_tf=True,
                        dtype=np.float32,
                        min_df=self.min_df,
                    ),
                )
            )
        if self.use_cues:
            blocks.append(("cues", Pipeline([("count", CueFeatures()), ("scale", StandardScaler())])))
            weights["cues"] = self.cue_weight
        if not blocks:
            raise ValueError("use_words and use_cues are both False: enable at least one")
        return FeatureUnion(blocks, transformer_weights=weights or None)

    def fit(self, X, y, groups=None, sample_weight=None):
        """Fit on sentences ``X`` and labels ``y``; return self.

        Parameters
        ----------
        X : list of str or Sentence
            The training sentences.
        y : sequence of str
            The label of each sentence, one of ``casey_nlp.LABELS``.
        groups : iterable, optional
            The document of each sentence, with each document's sentences
            consecutive and in reading order. With ``groups`` (and
            ``context=True``) the context stage is fitted too; without it the
            model tags each sentence on its own.
        sample_weight : array-like of shape (n_sentences,), optional
            Non-negative weight of each sentence in the training losses (of
            the first stage, its out-of-fold refits and the context stage);
            an integer weight counts like that many copies of the sentence.
            The seed examples weigh 1. A sentence of weight 0 is left out of
            the first stage altogether (vocabulary and cue scaling included)
            but is still read as the context of its neighbours. The
            vocabulary, idf and cue scaling count every other sentence once,
            whatever its weight: they describe the text, not the labels.

        Returns
        -------
        SentenceClassifier
            The fitted model.
        """
        texts = as_sentences(X)
        if not texts:
            raise ValueError("X is empty; fit needs at least one labelled sentence")
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None; give a label per sentence"
            )
        if not hasattr(y, "__len__"):
            y = list(y)  # a generator
        # A one-column table of labels is read as the column, with scikit-learn's warning.
        labels = np.asarray([str(label) for label in column_or_1d(np.asarray(y, dtype=object), warn=True)], dtype=object)
        if len(texts) != len(labels):
            raise ValueError(f"X has {len(texts)} sentences but y has {len(labels)} labels")
        unknown = sorted(set(labels) - set(LABELS))
        if unknown:
            raise ValueError(f"y has unknown label(s) {unknown}; use only {', '.join(LABELS)}")
        if groups is not None:
            groups = list(groups)  # any iterable, a generator included
            if len(groups) != len(texts):
                raise ValueError(f"groups has {len(groups)} entries but X has {len(texts)} sentences")
        if sample_weight is not None:
            sample_weight = _checked_sample_weight(sample_weight, len(texts))
        self._fit_sentence_stage(texts, labels, sample_weight)
        self.context_coef_ = self.context_intercept_ = None
        # The context stage needs two documents to cross-fit over, and every
        # label of classes_ among the documents' own rows (seed examples may add one).
        if self.context and groups is not None and len(set(groups)) >= 2 and set(labels) == set(self.classes_):
            self._fit_context_stage(texts, labels, groups, sample_weight)
        return self

    def _fit_sentence_stage(self, texts, labels, sample_weight=None):
        if sample_weight is not None:
            # Weight 0 is the same as leaving the sentence out, so it is left
            # out: its words would otherwise still enter the vocabulary and idf.
            kept = np.flatnonzero(sample_weight > 0)
            texts, labels, sample_weight = [texts[i] for i in kept], labels[kept], sample_weight[kept]
        if self.seed_examples:
            from ._data import seed_examples

            seed_texts, seed_labels = seed_examples()
            texts = texts + seed_texts
            labels = np.concatenate([labels, np.asarray(seed_labels, dtype=object)])
            if sample_weight is not None:
                sample_weight = np.concatenate([sample_weight, np.ones(len(seed_texts))])
        if len(set(labels)) < 2:
            where = " where sample_weight is positive" if sample_weight is not None else ""
            raise ValueError(
                f"y has only 1 class ({labels[0]!r}){where}; a classifier needs at least two different labels"
            )
        self.pipeline_ = Pipeline(
            [
                ("features", self._features()),
                (
                    "classifier",
                    # newton-cg converges in a few iterations here; lbfgs needs
                    # more and is slowed by BLAS threads contending on small problems.
                    LogisticRegression(
                        C=self.C,
                        class_weight=self.class_weight,
                        max_iter=self.max_iter,
                        solver="newton-cg",
                    ),
                ),
            ]
        )
        if sample_weight is None:
            self.pipeline_.fit(texts, labels)
        else:
            # Step by step, as Pipeline.fit would: with scikit-learn's metadata
            # routing enabled, Pipeline refuses "classifier__sample_weight".
            features = self.pipeline_.named_steps["features"].fit_transform(texts, labels)
            self.pipeline_.named_steps["classifier"].fit(features, labels, sample_weight=sample_weight)
        words = dict(self.pipeline_.named_steps["features"].transformer_list).get("words")
        if words is not None and hasattr(words, "stop_words_"):
            # The n-grams min_df dropped: introspection only, and large to store.
            del words.stop_words_
        self.classes_ = self.pipeline_.classes_

    def _fit_context_stage(self, texts, labels, groups, sample_weight=None):
        from scipy import sparse
        from sklearn.base import clone
        from sklearn.model_selection import GroupKFold

        from ._context import context_features, fit_context_stage, own_reading

        # The second stage must learn how the first stage scores documents it
        # has not seen, so it is trained on out-of-fold probabilities: scores
        # of the fitted first stage on its own training data are overconfident.
        # The out-of-fold models share the fitted features (vocabulary, idf and
        # cue scaling are learned from this training set without its labels)
        # and refit only the logistic regression, where the labels enter; this
        # keeps training to a fraction of refitting everything per fold.
        groups = np.asarray(groups, dtype=object)
        classes = list(self.classes_)
        features = self._feature_matrix(texts)
        seed_features, seed_labels = sparse.csr_matrix((0, features.shape[1])), np.asarray([], dtype=object)
        if self.seed_examples:
            from ._data import seed_examples

            seed_items, seed_labels = seed_examples()
            seed_features, seed_labels = self._feature_matrix(seed_items), np.asarray(seed_labels, dtype=object)
        out_of_fold = np.zeros((len(texts), len(classes)))
        folds = list(GroupKFold(n_splits=min(5, len(set(groups)))).split(texts, labels, groups))
        if sample_weight is not None:
            # As in the first stage, weight 0 leaves a sentence out of the fit
            # (it is still scored, and still read as context).
            folds = [(train[sample_weight[train] > 0], test) for train, test in folds]
        if any(len(set(labels[train]) | set(seed_labels)) < 2 for train, _ in folds):
            return  # a fold would train on one label: no out-of-fold scores to learn from
        for train, test in folds:
            fit_params = {}
            if sample_weight is not None:
                fit_params["sample_weight"] = np.concatenate([sample_weight[train], np.ones(len(seed_labels))])
            fold = clone(self.pipeline_.named_steps["classifier"]).fit(
                sparse.vstack([features[train], seed_features]), np.concatenate([labels[train], seed_labels]),
                **fit_params,
            )
            columns = [classes.index(c) for c in fold.classes_]
            out_of_fold[np.ix_(test, columns)] = fold.predict_proba(features[test])
        self.context_coef_, self.context_intercept_ = fit_context_stage(
            context_features(out_of_fold, classes, texts, groups), own_reading(out_of_fold), labels, classes,
            C=self.context_C, class_weight=self.class_weight, max_iter=self.max_iter, sample_weight=sample_weight,
        )

    def _fast_path(self) -> bool:
        """Whether the hand-written scoring below reproduces the pipeline exactly.

        It does for the feature union this class builds and a multinomial
        logistic regression; anything else (two labels, a pipeline changed
        by hand) is scored by scikit-learn itself.
        """
        union = self.pipeline_.named_steps["features"]
        names = [name for name, _ in union.transformer_list]
        return (
            self.pipeline_.named_steps["classifier"].coef_.shape[0] == len(self.classes_) > 2
            and names in (["words", "cues"], ["words"], ["cues"])
        )

    def _blocks(self, items):
        """Yield ``(name, matrix, weight)`` for each feature block of ``items``, as the classifier sees them.

        Tokens are computed once and shared by both blocks; TF-IDF is
        computed in numpy (``_tfidf``) and the cues are scaled directly,
        avoiding scikit-learn's per-call validation, which dominates the cost
        of tagging one short document.
        """
        union = self.pipeline_.named_steps["features"]
        weights = union.transformer_weights or {}
        shared_tokens = tokenised(items)
        for name, transformer in union.transformer_list:
            if name == "words":
                yield name, _tfidf(transformer, items, shared_tokens), weights.get(name, 1.0)
            else:
                counts, scaler = transformer.named_steps["count"], transformer.named_steps["scale"]
                cues = counts.transform_tokenised(items, shared_tokens)
                yield name, (cues - scaler.mean_) / scaler.scale_, weights.get(name, 1.0)

    def _linear_weights(self):
        """``(W, b)`` of the first stage in softmax form: ``scores = X @ W.T + b``."""
        classifier = self.pipeline_.named_steps["classifier"]
        W, b = np.asarray(classifier.coef_, dtype=float), np.asarray(classifier.intercept_, dtype=float)
        if W.shape[0] == 1:  # two classes: p1 = sigmoid(w.x + b), i.e. z0 = 0, z1 = w.x + b
            W, b = np.vstack([np.zeros_like(W[0]), W[0]]), np.asarray([0.0, b[0]])
        return W, b

    def _feature_matrix(self, items):
        """The first stage's input for ``items`` (sparse), columns as ``get_feature_names_out``."""
        from scipy import sparse

        if not self._fast_path():
            return sparse.csr_matrix(self.pipeline_.named_steps["features"].transform(items))
        blocks = [sparse.csr_matrix(matrix) * weight for _, matrix, weight in self._blocks(items)]
        return sparse.hstack(blocks, format="csr")

    def _cue_values(self, items):
        """The registry features of ``items`` before scaling, or None if the model has no cue block."""
        union = self.pipeline_.named_steps["features"]
        cues = dict(union.transformer_list).get("cues")
        return None if cues is None else cues.named_steps["count"].transform(items)

    def _word_vectors(self, items):
        """Unit-length TF-IDF rows of ``items``, or None if the model has no word block."""
        words = dict(self.pipeline_.named_steps["features"].transformer_list).get("words")
        return None if words is None else _tfidf(words, items, tokenised(items))

    def _decision(self, items):
        """``X @ coef_.T + intercept_`` for the multinomial model, computed directly.

        Equal to ``pipeline_.decision_function`` (the tests check this for
        every supported setting). Fitting still goes through the pipeline;
        only this read-only path is hand-written.
        """
        coef = self.pipeline_.named_steps["classifier"].coef_
        scores = np.tile(self.pipeline_.named_steps["classifier"].intercept_, (len(items), 1))
        offset = 0
        for _, block, weight in self._blocks(items):
            width = block.shape[1]
            scores += (block @ coef[:, offset : offset + width].T) * weight
            offset += width
        return scores

    def _in_chunks(self, method: str, X):
        # Chunks keep memory flat on large batches.
        check_is_fitted(self, "pipeline_")
        items = as_sentences(X)
        if not self._fast_path():
            return getattr(self.pipeline_, method)(items)
        out = []
        for i in range(0, len(items), _CHUNK):
            with _cyclic_gc_paused():
                scores = self._decision(items[i : i + _CHUNK])
            out.append(_softmax(scores) if method == "predict_proba" else scores)
        return np.vstack(out) if out else np.zeros((0, len(self.classes_)))

    def predict_proba(self, X):
        """Probability of each label in ``classes_`` for each sentence."""
        return self._in_chunks("predict_proba", X)

    def decision_function(self, X):
        """Per-label scores before the softmax."""
        return self._in_chunks("decision_function", X)

    def predict(self, X):
        """The most probable label for each sentence."""
        check_is_fitted(self, "pipeline_")  # before classes_ is read, for a NotFittedError
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def predict_proba_in_context(self, X, groups=None):
        """Probabilities for sentences read in their documents.

        Parameters
        ----------
        X : list of str or Sentence
            Sentences, each document's consecutive and in reading order.
        groups : sequence, optional
            The document of each sentence; None when ``X`` is one document.

        Returns
        -------
        ndarray of shape (n_sentences, n_labels)
            The context stage's probabilities; ``predict_proba(X)`` when the
            model has no context stage, and for a document of one sentence.
        """
        items = as_sentences(X)
        if getattr(self, "context_coef_", None) is None or not items:
            return self.predict_proba(items)
        first_stage, _, _, scores, alone = self._context_reading(items, groups)
        return np.where(alone[:, None], first_stage, _softmax(scores))

    def _context_reading(self, items, groups=None):
        """Everything the context stage computes for ``items``, for tagging and for ``explain``.

        Returns ``(first_stage, features, offset, scores, alone)``: the first
        stage's probabilities, the context features, the clipped
        log-probabilities the scores start from, the context scores
        (``offset + features @ context_coef_.T + context_intercept_``), and
        which sentences are read alone instead (documents of one sentence:
        their first line is not a headline and their mean is themselves).
        """
        from ._context import context_features, document_bounds, own_reading

        groups = None if groups is None else list(groups)  # read twice below
        first_stage = self.predict_proba(items)
        features, offset = context_features(first_stage, self.classes_, items, groups), own_reading(first_stage)
        scores = offset + features @ self.context_coef_.T + self.context_intercept_
        lengths = np.diff(document_bounds(groups, len(items)))
        return first_stage, features, offset, scores, np.repeat(lengths == 1, lengths)

    def predict_in_context(self, X, groups=None):
        """The most probable label for each sentence read in its document."""
        check_is_fitted(self, "pipeline_")  # before classes_ is read, for a NotFittedError
        return self.classes_[np.argmax(self.predict_proba_in_context(X, groups), axis=1)]

    def __getstate__(self):
        # The n-gram vocabulary is tens of thousands of strings; joblib
        # unpickles a dict of them one item at a time in pure Python, which
        # dominated loading the shipped model. Stored as one numpy array of
        # terms (in column order), it loads as a single buffer.
        state = super().__getstate__()
        words = self._words_vectorizer()
        if words is None or "vocabulary_" not in words.__dict__:
            return state
        light = copy.copy(words)
        del light.vocabulary_
        union = self.pipeline_.named_steps["features"]
        light_union = copy.copy(union)
        light_union.transformer_list = [(n, light if t is words else t) for n, t in union.transformer_list]
        pipeline = copy.copy(self.pipeline_)
        pipeline.steps = [(n, light_union if s is union else s) for n, s in self.pipeline_.steps]
        terms = np.asarray(sorted(words.vocabulary_, key=words.vocabulary_.__getitem__), dtype=str)
        return {**state, "pipeline_": pipeline, "_vocabulary_terms": terms}

    def __setstate__(self, state):
        terms = state.pop("_vocabulary_terms", None)
        super().__setstate__(state)
        if terms is not None:
            self._words_vectorizer().vocabulary_ = dict(zip(terms.tolist(), range(len(terms))))

    def _words_vectorizer(self):
        pipeline = self.__dict__.get("pipeline_")
        return None if pipeline is None else dict(pipeline.named_steps["features"].transformer_list).get("words")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False  # X is a list of sentences
        tags.input_tags.one_d_array = True
        tags.input_tags.string = True
        return tags

    def get_feature_names_out(self):
        """Names of the features the logistic regression weighs."""
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.named_steps["features"].get_feature_names_out()

    def save(self, path, *, overwrite=False, metadata=None):
        """Save the fitted model as one file that loading can never run code from.

        The file is a zip of ``metadata.json`` and ``.npy`` arrays (see
        :mod:`casey_nlp._modelfile`), written to a temporary file and renamed
        into place, so a crash never leaves a half-written model; an existing
        file is kept unless ``overwrite=True``.

        Parameters
        ----------
        path : str or Path
            Where to write the model; it must end in ``.zip``.
        overwrite : bool, default=False
            Replace an existing file.
        metadata : dict, optional
            Extra JSON-serialisable entries for the metadata (for example
            ``{"evaluation": ...}``).

        Returns
        -------
        Path
            The model path.

        Examples
        --------
        >>> import tempfile, pathlib, casey_nlp
        >>> model = casey_nlp.train([("Ministers must fund refuges.", "demand")])
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = model.save(pathlib.Path(folder) / "mine.zip")
        ...     casey_nlp.load_model(path).predict(["Ministers must fund refuges."]).tolist()
        ['demand']
        """
        from ._modelfile import RESERVED_KEYS, check_writable, model_file_bytes, write_model_file

        check_is_fitted(self, "pipeline_")
        path = check_writable(path, overwrite=overwrite)  # before the work of packing
        provenance = self._provenance()
        reserved = sorted(set(metadata or {}) & (set(provenance) | RESERVED_KEYS))
        if reserved:
            raise ValueError(f"metadata key(s) {reserved} are written by casey_nlp itself; choose other names")
        content = model_file_bytes(self._arrays(), {**provenance, **(metadata or {})})
        return write_model_file(path, content, overwrite=overwrite)

    def _json_params(self) -> dict:
        """``get_params()`` as JSON gives it back (tuples become lists)."""
        import json

        return json.loads(json.dumps(self.get_params(), default=list))

    def _provenance(self) -> dict:
        """The metadata a model file records about how this model was made."""
        from ._version import __version__
        from ._context import CONTEXT_VERSION
        from ._features import FEATURE_VERSION, analyzer_fingerprint

        return {
            "saved_by": {"casey_nlp": __version__},
            "labels": [str(label) for label in self.classes_],
            "params": self._json_params(),
            "feature_version": FEATURE_VERSION,
            "analyzer_fingerprint": analyzer_fingerprint(),
            # Only a model with a context stage depends on the context features.
            "context_version": None if getattr(self, "context_coef_", None) is None else CONTEXT_VERSION,
            "training_data_sha256": getattr(self, "training_data_sha256_", None),
            "n_training_rows": getattr(self, "n_training_rows_", None),
            "bundled_data_sha256": getattr(self, "bundled_data_sha256_", None),
        }

    def _arrays(self) -> dict:
        """Everything the fitted model learned, as plain arrays: what a model file stores."""
        classifier = self.pipeline_.named_steps["classifier"]
        arrays = {
            "classes": np.asarray([str(c) for c in self.classes_], dtype=str),
            # Dtypes are kept as fitted: the slow path's output dtype follows them.
            "coef": np.asarray(classifier.coef_),
            "intercept": np.asarray(classifier.intercept_),
        }
        blocks = dict(self.pipeline_.named_steps["features"].transformer_list)
        if "words" in blocks:
            vocabulary = blocks["words"].vocabulary_
            # The terms in column order as UTF-8 lines: a fixed-width str array
            # would take four bytes per character of the longest term for
            # every term, ten times the size, and memory on every load.
            # Terms are tokens joined by spaces, so never hold a newline.
            terms = "\n".join(sorted(vocabulary, key=vocabulary.__getitem__))
            arrays["vocabulary"] = np.frombuffer(terms.encode("utf-8"), dtype=np.uint8)
            arrays["idf"] = np.asarray(blocks["words"].idf_)
        if "cues" in blocks:
            scaler = blocks["cues"].named_steps["scale"]
            arrays["cue_mean"], arrays["cue_scale"] = scaler.mean_, scaler.scale_
        if getattr(self, "context_coef_", None) is not None:
            arrays["context_coef"], arrays["context_intercept"] = self.context_coef_, self.context_intercept_
        return arrays

    @classmethod
    def _from_arrays(cls, params: dict, arrays: dict):
        """A fitted model rebuilt from ``_arrays()`` and its parameters.

        Raises ValueError, saying what is inconsistent, if the arrays do not
        fit together; nothing here evaluates anything read from a file.
        """
        unknown = sorted(set(params) - set(cls().get_params()))
        if unknown:
            raise ValueError(f"unknown parameters {unknown}")
        problem = next((f"parameter {name}={value!r} is invalid" for name, value in params.items()
                        if not _PARAMETER_CHECKS[name](value)), None)
        if problem:
            raise ValueError(problem)
        params = dict(params)
        if "ngram_range" in params:
            params["ngram_range"] = tuple(params["ngram_range"])
        model = cls(**params)
        for name, array in arrays.items():
            if array.dtype.kind == "f" and not np.isfinite(array).all():
                raise ValueError(f"array {name!r} holds NaN or infinite values")
        union = model._features()
        blocks = dict(union.transformer_list)
        expected = {"classes", "coef", "intercept"}
        expected |= {"vocabulary", "idf"} if "words" in blocks else set()
        expected |= {"cue_mean", "cue_scale"} if "cues" in blocks else set()
        optional = {"context_coef", "context_intercept"}
        if not expected <= set(arrays) <= expected | optional:
            raise ValueError(f"arrays {sorted(arrays)} do not match the parameters (expected {sorted(expected)})")
        classes, coef, intercept = arrays["classes"], arrays["coef"], arrays["intercept"]
        width = 0
        if "words" in blocks:
            encoded, idf = arrays["vocabulary"], arrays["idf"]
            if encoded.dtype != np.uint8 or encoded.ndim != 1:
                raise ValueError("the vocabulary is not UTF-8 text")
            try:
                vocabulary = encoded.tobytes().decode("utf-8").split("\n") if len(encoded) else []
            except UnicodeDecodeError:
                raise ValueError("the vocabulary is not UTF-8 text") from None
            if idf.shape != (len(vocabulary),):
                raise ValueError("the vocabulary and idf arrays do not match")
            words = blocks["words"]
            words.vocabulary_ = dict(zip(vocabulary, range(len(vocabulary))))
            if len(words.vocabulary_) != len(vocabulary):
                raise ValueError("the vocabulary has repeated terms")
            if max((term.count(" ") for term in vocabulary), default=0) + 1 > model.ngram_range[1]:
                raise ValueError(f"the vocabulary holds n-grams longer than ngram_range {model.ngram_range}")
            words.fixed_vocabulary_ = False
            words.idf_ = idf  # the setter builds the fitted TfidfTransformer
            words._tfidf.n_features_in_ = len(vocabulary)
            width += len(vocabulary)
        if "cues" in blocks:
            from ._features import FEATURES

            mean, scale = arrays["cue_mean"], arrays["cue_scale"]
            if mean.shape != (len(FEATURES),) or scale.shape != mean.shape:
                raise ValueError(f"the cue scaling has {mean.shape} values for {len(FEATURES)} features")
            if not (scale > 0).all():
                raise ValueError("the cue scaling has a scale of 0 or less")
            counts, scaler = blocks["cues"].named_steps["count"], blocks["cues"].named_steps["scale"]
            counts.fit(None)
            scaler.mean_, scaler.scale_, scaler.var_ = mean, scale, scale**2
            scaler.n_features_in_ = len(FEATURES)
            width += len(FEATURES)
        names = classes.tolist() if classes.dtype.kind == "U" and classes.ndim == 1 else []
        if len(names) < 2 or len(set(names)) != len(names) or not set(names) <= set(LABELS):
            raise ValueError("the classes array is not a list of two or more distinct labels")
        rows = 1 if len(classes) == 2 else len(classes)
        if coef.shape != (rows, width) or intercept.shape != (rows,):
            raise ValueError(f"coefficients of shape {coef.shape} do not fit {len(classes)} labels and {width} features")
        classifier = LogisticRegression(
            C=model.C, class_weight=model.class_weight, max_iter=model.max_iter, solver="newton-cg"
        )
        classifier.classes_, classifier.coef_, classifier.intercept_ = classes.astype(object), coef, intercept
        classifier.n_features_in_ = width
        model.pipeline_ = Pipeline([("features", union), ("classifier", classifier)])
        model.classes_ = classifier.classes_
        model.context_coef_ = arrays.get("context_coef")
        model.context_intercept_ = arrays.get("context_intercept")
        if (model.context_coef_ is None) != (model.context_intercept_ is None):
            raise ValueError("the context stage has coefficients or an intercept, not both")
        if model.context_coef_ is not None and (
            model.context_coef_.ndim != 2
            or model.context_coef_.shape[0] != len(classes)
            or model.context_intercept_.shape != (len(classes),)
        ):
            raise ValueError("the context stage's weights do not fit the labels")
        return model


def train(extra=None, *, include_bundled=True, **params):
    """Train a classifier on the bundled dataset plus your own labelled data.

    The bundled data is the five statements and the written corpus. Each
    document's sentences are given to ``fit`` as ``groups``, so the context
    stage is trained too, reading each ``doc_id``'s rows in file order as one
    document (rows without ``doc_id`` are each read alone).

    Parameters
    ----------
    extra : path, list of paths or tuples, or pandas DataFrame, optional
        CSV files (columns ``text``, ``label``, optional ``doc_id`` and
        ``lead_in``), JSONL files (one object per line with the same keys),
        ``(text, label[, doc_id[, lead_in]])`` tuples, or a DataFrame with
        those columns. A row with a ``lead_in`` is a list item read with that
        context. Everything is validated before fitting; one DataError lists
        every problem as ``FILE:LINE: what is wrong; how to fix it``.
    include_bundled : bool, default=True
        Train on the bundled dataset too. The bundled files are never changed.
    **params
        Parameters of :class:`SentenceClassifier` (e.g. ``C=0.5``).

    Returns
    -------
    SentenceClassifier
        Fitted, with ``training_data_sha256_``, ``n_training_rows_`` and
        ``bundled_data_sha256_`` (None when ``extra`` was given) set;
        call ``.save(path)`` to keep it.

    Raises
    ------
    DataError
        Invalid files or rows, or the same sentence with conflicting labels.
    TypeError
        If ``extra`` is none of the kinds above.

    Examples
    --------
    >>> import casey_nlp
    >>> model = casey_nlp.train([("Ministers must fund refuges.", "demand")])
    >>> model.n_training_rows_ == len(casey_nlp.load_dataset(subset="all").data) + 1
    True
    """
    from ._data import bundled_data_sha256, context_groups, training_data_hash, training_rows

    rows = training_rows(extra, include_bundled=include_bundled)
    model = SentenceClassifier(**params).fit(
        [r.item for r in rows], [r.label for r in rows], groups=context_groups(rows)
    )
    model.training_data_sha256_ = training_data_hash(rows, model.seed_examples)
    model.n_training_rows_ = len(rows)
    # Trained on exactly the bundled data: the shipped model can be checked cheaply.
    model.bundled_data_sha256_ = bundled_data_sha256() if include_bundled and extra is None else None
    return model
