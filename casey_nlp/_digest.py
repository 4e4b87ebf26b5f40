"""A digest across many statements: who demands what of whom, on what evidence.

:func:`digest` streams documents through :func:`casey_nlp.classify_many`
and keeps only what the digest shows (each demand and each figure with its
sentence, source and speaker), so memory grows with the number of demands
and figures, not with the text read. Themes are found at the end by
clustering the demand sentences; figures cited by several documents are
merged. The page, Markdown, JSON and CSV renderings are in
:mod:`casey_nlp._digest_render`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import NamedTuple

DEFAULT_TITLE = "Digest of police-reform statements"


class Demand(NamedTuple):
    """One demand sentence as the digest keeps it."""

    text: str
    source: str
    index: int  # the sentence's position in its document, from 0
    organisation: str  # who raised it: the speaker's organisation, else the document's, else its source
    speaker: str  # the person and organisation as one string ("" if unknown)
    addressees: tuple  # gazetteer names, or ("unknown",)
    confidence: float


class Citation(NamedTuple):
    """One figure as one document cites it."""

    text: str  # the figure as written ("7%")
    sentence: str
    source: str
    index: int
    organisation: str
    kind: str
    value: float
    hedge: str
    per: str


class FigureGroup(NamedTuple):
    """One figure, with every citation of it across the corpus."""

    kind: str
    value: float
    per: str
    citations: list

    @property
    def organisations(self) -> list[str]:
        """Who cited it, each once, in order of first citation."""
        return list(dict.fromkeys(c.organisation for c in self.citations))


class Theme(NamedTuple):
    """Demands that ask for the same kind of change, named by their top terms."""

    name: str
    terms: tuple
    demands: list

    @property
    def organisations(self) -> Counter:
        """How many of the theme's demands each organisation raised."""
        return Counter(d.organisation for d in self.demands)


class Digest(NamedTuple):
    """What :func:`digest` found.

    Attributes
    ----------
    title : str
    documents : int
        Documents read without error.
    sentences : int
        Sentences tagged.
    errors : list of (str, str)
        ``(source, why)`` for each document that could not be read.
    demands : list of Demand
        In corpus order.
    themes : list of Theme
        Largest first; each demand is in exactly one.
    figures : list of FigureGroup
        Most cited first; each citation is in exactly one.
    model : dict
        ``{name, version, sha256}`` of the model that tagged the corpus.
    """

    title: str
    documents: int
    sentences: int
    errors: list
    demands: list
    themes: list
    figures: list
    model: dict

    @property
    def organisations(self) -> dict[str, dict]:
        """Per organisation, its demands by addressee and the figures it cites.

        ``{organisation: {"demands": {addressee: [Demand]}, "figures": [Citation]}}``,
        organisations with most demands first.
        """
        found: dict[str, dict] = {}
        for demand in self.demands:
            entry = found.setdefault(demand.organisation, {"demands": {}, "figures": []})
            for addressee in demand.addressees:
                entry["demands"].setdefault(addressee, []).append(demand)
        for group in self.figures:
            for citation in group.citations:
                found.setdefault(citation.organisation, {"demands": {}, "figures": []})["figures"].append(citation)
        for entry in found.values():  # named addressees first, most called upon first, "unknown" last
            entry["demands"] = dict(sorted(entry["demands"].items(), key=lambda kv: (kv[0] == "unknown", -len(kv[1]))))
        return dict(sorted(found.items(), key=lambda kv: (-sum(map(len, kv[1]["demands"].values())), kv[0].lower())))

    def to_dict(self) -> dict:
        """The digest as plain, JSON-ready types."""
        from ._digest_render import digest_dict

        return digest_dict(self)

    def to_html(self) -> str:
        """A self-contained HTML page (no scripts, no external resources)."""
        from ._digest_render import digest_html

        return digest_html(self)

    def to_markdown(self) -> str:
        """The digest as Markdown."""
        from ._digest_render import digest_markdown

        return digest_markdown(self)


# ------------------------------------------------------------------ reading


def _organisation_of(tagged, source: str) -> str:
    """Who a document is from: the speaker of its own text, else whoever speaks most in it, else its file name."""
    voices = Counter()
    for s in tagged:
        if s.speaker is not None and s.speaker.organisation:
            if s.speaker.source == "document":
                return s.speaker.organisation
            voices[s.speaker.organisation] += 1
    if voices:
        return voices.most_common(1)[0][0]
    name = str(source).replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r"\.(?:txt|text|md)$", "", name, flags=re.I) or str(source)


def _collect(result, demands: list, citations: list) -> None:
    document = _organisation_of(result.sentences, result.source)
    for index, s in enumerate(result.sentences):
        if s.label not in ("demand", "statistic"):
            continue
        speaker = s.speaker
        organisation = (speaker.organisation if speaker is not None and speaker.organisation else None) or document
        if s.label == "demand":
            demands.append(Demand(
                " ".join(s.text.split()), str(result.source), index, organisation,
                speaker.name if speaker is not None else "",
                tuple(a.name for a in s.addressees) or ("unknown",), round(s.confidence, 4),
            ))
        else:
            sentence = " ".join(s.text.split())
            citations.extend(
                Citation(f.text, sentence, str(result.source), index, organisation, f.kind, f.value, f.hedge, f.per)
                for f in s.figures
            )


def _initials(name: str) -> str:
    """ "Centre for Women's Justice" -> "CWJ": the capitalised words' first letters."""
    return "".join(word[0] for word in name.split() if word[:1].isupper())


def _spelled_out(demands: list, citations: list) -> tuple[list, list]:
    """Demands and citations with an acronym organisation ("CWJ") under the name it stands for, if cited too."""
    names = {x.organisation for x in demands} | {c.organisation for c in citations}
    long_names = {_initials(n): n for n in sorted(names) if len(n.split()) > 1 and len(_initials(n)) > 1}
    full = {n: long_names[n] for n in names if n.isupper() and n in long_names}
    if not full:
        return demands, citations
    return ([x._replace(organisation=full.get(x.organisation, x.organisation)) for x in demands],
            [c._replace(organisation=full.get(c.organisation, c.organisation)) for c in citations])


# ------------------------------------------------------------------- themes

# Words every demand shares, which would otherwise name every theme.
_DEMAND_WORDS = frozenset(
    """must should need needs needed call calls calling called urge urges urging want wants ensure make made sure
    also now every ask asks asked demand demands expect expects today immediately urgent urgently time take taken
    action act government police policing force forces met officers officer home office secretary work able
    recommendations recommendation report review change changes meaningful new real proper properly clear
    forward ahead going way better like people just including include includes particular""".split()
)
GENERAL_THEME = "general: no specific change named"


def _theme_count(n_demands: int) -> int:
    # About the square root of half the number of demands, a readable number
    # for a page: 1 to 20. Fixed before measuring agreement with the hand
    # groupings (see the model card), not tuned on them.
    return max(1, min(20, round(math.sqrt(n_demands / 2)))) if n_demands >= 4 else 1


class _ContentWords:
    """Stemmed content words of a sentence, remembering each stem's commonest spelling for theme names."""

    def __init__(self):
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        from ._features import surface_tokens, tokenize

        self._surface, self._tokenize = surface_tokens, tokenize
        self._stop = frozenset(tokenize(" ".join(sorted(ENGLISH_STOP_WORDS | _DEMAND_WORDS))))
        self.spellings: dict[str, Counter] = {}

    def __call__(self, text: str) -> list[str]:
        words = []
        # tokenize stems surface_tokens one for one, so the two line up.
        for stem, word in zip(self._tokenize(text), self._surface(text)):
            if len(stem) > 2 and stem.isalpha() and stem not in self._stop:
                words.append(stem)
                self.spellings.setdefault(stem, Counter())[word] += 1
        return words

    def spelling(self, stem: str) -> str:
        return self.spellings[stem].most_common(1)[0][0] if stem in self.spellings else stem


def find_themes(texts, n_themes: int | None = None, random_state: int = 0, groups=None):
    """Cluster demand sentences into themes: ``(theme of each text, top terms of each theme)``.

    Each demand is a TF-IDF vector of its stemmed content words (stop words
    and words every demand uses, such as *must* or *police*, removed),
    plus, with equal weight, the mean vector of the demands of its own
    statement (``groups``): a short demand is read with what its statement
    asks for. The rows are clustered by k-means on unit vectors (cosine
    similarity). Demands with no content word at all ("This has to
    change.") form the last theme, :data:`GENERAL_THEME`, named ``()``.
    Themes are otherwise numbered largest first.

    Parameters
    ----------
    texts : list of str
    n_themes : int, optional
        Themes besides the general one. Default: about the square root of
        half the number of texts, 1 to 20.
    random_state : int, default=0
    groups : list, optional
        The statement each text comes from (default: each its own).

    Examples
    --------
    >>> texts = ["Vetting must be repeated for every officer.", "Re-vet all officers now.",
    ...          "Vetting checks must be tougher.", "Fund specialist services for survivors.",
    ...          "Specialist services need long-term funding.", "Ring-fence funding for services.",
    ...          "This has to change."]
    >>> themes, terms = find_themes(texts, n_themes=2)
    >>> themes
    [1, 1, 1, 0, 0, 0, 2]
    >>> terms
    [('funding', 'services', 'specialist'), ('vetting',), ()]
    """
    import numpy as np
    from scipy import sparse
    from sklearn.cluster import KMeans, MiniBatchKMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    texts = list(texts)
    if not texts:
        return [], []
    words = _ContentWords()
    vectoriser = TfidfVectorizer(analyzer=words, sublinear_tf=True)
    try:
        rows = vectoriser.fit_transform(texts)
    except ValueError:  # not one content word in any text: all general
        return [0] * len(texts), [()]
    has_words = np.asarray(rows.getnnz(axis=1) > 0)
    groups = list(range(len(texts))) if groups is None else list(groups)
    if len(groups) != len(texts):
        raise ValueError(f"groups has {len(groups)} items for {len(texts)} texts; give one per text")
    # Each row plus the mean row of its statement: one sparse product.
    index = {g: i for i, g in enumerate(dict.fromkeys(groups))}
    member = sparse.csr_matrix((np.ones(len(texts)), ([index[g] for g in groups], range(len(texts)))))
    means = normalize(sparse.diags(1 / np.asarray(member.sum(axis=1)).ravel()) @ member @ rows)
    blended = normalize(normalize(rows) + member.T @ means)[has_words]
    n_rows = blended.shape[0]
    # No more themes than distinct demands: k-means cannot split identical rows.
    blended.sort_indices()
    bounds = zip(blended.indptr[:-1].tolist(), blended.indptr[1:].tolist())
    distinct = len({(blended.indices[a:b].tobytes(), blended.data[a:b].round(9).tobytes()) for a, b in bounds})
    k = max(1, min(n_themes if n_themes is not None else _theme_count(n_rows), distinct))
    if k == 1:
        labels = np.zeros(n_rows, dtype=int)
    else:
        # MiniBatchKMeans keeps a large corpus's clustering fast and its memory bounded.
        algorithm = (MiniBatchKMeans(k, random_state=random_state, n_init=3, batch_size=4096) if n_rows > 20_000
                     else KMeans(k, random_state=random_state, n_init=4))
        labels = algorithm.fit_predict(blended)
    sizes = Counter(labels.tolist())
    order = sorted(sizes, key=lambda c: (-sizes[c], c))
    rank = {cluster: i for i, cluster in enumerate(order)}
    names = vectoriser.get_feature_names_out()
    content = rows[has_words]
    # A theme is named by the words most typical of it compared with the rest
    # of the corpus (mean weight inside minus mean weight outside), among words
    # used by at least two of its demands, so one long sentence cannot name it.
    overall = np.asarray(content.mean(axis=0)).ravel()
    terms = []
    for c in order:
        inside = content[labels == c]
        support = np.asarray((inside > 0).sum(axis=0)).ravel()
        typical = np.asarray(inside.mean(axis=0)).ravel() - overall
        typical[support < min(2, inside.shape[0])] = 0.0
        if not (typical > 0).any():  # one theme, or nothing typical: its commonest words
            typical = np.asarray(inside.mean(axis=0)).ravel()
        terms.append(_top_terms(names, typical, words))
    general = len(order)
    it = iter(labels.tolist())
    themes = [rank[next(it)] if has else general for has in has_words.tolist()]
    if not has_words.all():
        terms.append(())
    return themes, terms


def _top_terms(names, weights, words: _ContentWords, n: int = 3) -> tuple:
    order = weights.argsort()[::-1][:n]
    return tuple(words.spelling(str(names[j])) for j in order if weights[j] > 0)


# ------------------------------------------------------------------ figures

_WORD = re.compile(r"[a-z]{4,}")


def _words(sentence: str) -> frozenset:
    return frozenset(_WORD.findall(sentence.lower()))


def group_figures(citations, similarity: float = 0.2) -> list[FigureGroup]:
    """Merge citations of the same figure: same kind, value and unit, and sentences sharing words.

    Two citations are of one figure when kind, value (to four significant
    figures) and unit agree and the Jaccard similarity of their sentences'
    words (of four letters or more) is at least ``similarity``, so "7% of
    rapes were charged" and "7% of officers were women" stay apart.
    """
    groups: list[tuple[FigureGroup, list]] = []
    by_key: dict[tuple, list[int]] = {}
    for citation in citations:
        key = (citation.kind, float(f"{citation.value:.4g}"), citation.per)
        words = _words(citation.sentence)
        for g in by_key.get(key, []):
            group, bags = groups[g]
            if any(len(words & bag) / max(1, len(words | bag)) >= similarity for bag in bags):
                group.citations.append(citation)
                bags.append(words)
                break
        else:
            by_key.setdefault(key, []).append(len(groups))
            groups.append((FigureGroup(citation.kind, citation.value, citation.per, [citation]), [words]))
    merged = [group for group, _ in groups]
    return sorted(merged, key=lambda g: (-len(g.organisations), -len(g.citations)))


# ------------------------------------------------------------------- digest


def digest(documents, *, model=None, title: str = DEFAULT_TITLE, n_themes=None, n_jobs: int = 1,
           batch_size: int = 64, progress=None) -> Digest:
    """Read many statements and digest who demands what of whom, and on what evidence.

    Parameters
    ----------
    documents : iterable
        What :func:`casey_nlp.classify_many` takes: texts, paths or
        ``(id, text)`` pairs; a generator is read once, streaming.
    model : SentenceClassifier, optional
        Defaults to the shipped model.
    title : str
        The digest's title.
    n_themes : int, optional
        How many themes to group the demands into; by default about the
        square root of half the number of demands, at most 20.
    n_jobs, batch_size
        As for :func:`casey_nlp.classify_many`.
    progress : callable, optional
        Called as ``progress(documents_done, sentences_done)`` after each
        document; the command line uses it to show progress on a terminal.

    Returns
    -------
    Digest
        Render it with ``.to_html()``, ``.to_markdown()`` or ``.to_dict()``.

    Examples
    --------
    >>> import casey_nlp
    >>> d = casey_nlp.digest([
    ...     ("a.txt", "Safe Homes responds to the review\\n\\nWe call on the Home Office to fund "
    ...               "specialist advocates for every survivor.\\n\\nOnly 3% of reported rapes led to a charge."),
    ...     ("b.txt", "Fairwatch responds to the review\\n\\nFewer than 3% of reported rapes were charged."),
    ... ])
    >>> d.documents, [(x.organisation, x.addressees) for x in d.demands]
    (2, [('Safe Homes', ('Home Office',))])
    >>> [(g.kind, g.value, g.organisations) for g in d.figures]
    [('percentage', 0.03, ['Safe Homes', 'Fairwatch'])]
    """
    from ._classify import _checked_inputs, _model, _stream
    from ._persist import model_provenance

    if not isinstance(title, str):
        raise TypeError(f"title must be a str, got {type(title).__name__}")
    if n_themes is not None and (isinstance(n_themes, bool) or not isinstance(n_themes, int) or n_themes < 1):
        raise ValueError(f"n_themes must be a whole number of at least 1 (such as 8) or None, got {n_themes!r}")
    items = _checked_inputs(documents)
    loaded = _model(model)
    demands, citations, errors = [], [], []
    n_documents = n_sentences = 0
    # With model=None and n_jobs > 1 each worker loads the shipped model once,
    # rather than receiving a pickled copy with every batch.
    for result in _stream(items, n_jobs, loaded if n_jobs == 1 else model, batch_size, None, True):
        if result.error:
            errors.append((str(result.source), result.error))
            continue
        n_documents += 1
        n_sentences += len(result.sentences)
        _collect(result, demands, citations)
        if progress is not None:
            progress(n_documents, n_sentences)
    demands, citations = _spelled_out(demands, citations)
    assignment, terms = find_themes([d.text for d in demands], n_themes, groups=[d.source for d in demands])
    themes = [Theme(", ".join(t) or GENERAL_THEME, t, []) for t in terms]
    for demand, theme in zip(demands, assignment):
        themes[theme].demands.append(demand)
    return Digest(title, n_documents, n_sentences, errors, demands, themes, group_figures(citations),
                  model_provenance(loaded))
