"""Features that carry across documents and writers.

Words alone barely generalise from four statements to a fifth, so next to a
stemmed bag of n-grams we compute *cues*: counts of patterns that signal a
label in any press release (obligation and calls, quantities, one person's
story, attribution and heading shapes, web boilerplate).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

__all__ = ["CueFeatures", "CUES", "FEATURE_VERSION", "tokenize"]

# Bump whenever a change here alters the features a fitted model expects: a
# saved model records it, and loading checks it.
FEATURE_VERSION = 2

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*%?|[^\W\d_]+(?:'[^\W\d_]+)?")
_YEAR = re.compile(r"(?:19|20)\d\d")


@lru_cache(maxsize=1)
def _stemmer():
    # Snowball needs no downloaded data.
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english", ignore_stopwords=False)


@lru_cache(maxsize=100_000)
def _normalise_token(token: str) -> str:
    if token[0].isdigit():
        if token.endswith("%"):
            return "<pct>"
        return "<year>" if _YEAR.fullmatch(token) else "<num>"
    return _stemmer().stem(token)


def tokenize(text: str) -> list[str]:
    """Lower-cased, stemmed word tokens; numbers become ``<num>``, ``<pct>`` or ``<year>``.

    Examples
    --------
    >>> tokenize("The Met's officers must act: 7% of 2022 cases failed.")
    ['the', 'met', 'offic', 'must', 'act', '<pct>', 'of', '<year>', 'case', 'fail']
    """
    return [_normalise_token(t) for t in _TOKEN.findall(text.lower().translate(_APOSTROPHES))]


def _words(*alternatives: str) -> str:
    return r"\b(?:" + "|".join(alternatives) + r")\b"


_NUMBER_WORD = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|\d+)"
_PEOPLE = (
    r"(?:women|men|girls|boys|children|people|officers|staff|survivors|victims|"
    r"cases|crimes|complaints|allegations|reports|londoners|respondents|members|"
    r"adults|families|incidents|investigations|arrests|charges|convictions|deaths)"
)

# name -> pattern. Each becomes one feature: the number of matches (capped).
# Patterns run on the lower-cased sentence with plain apostrophes.
CUES = {
    # demand
    "modal_obligation": _words(
        "must", "should", "shall", "ought to", "needs? to", "need", "has to", "have to",
        "got to", "requires?", "required", "needs",
    ),
    "call_verb": _words(
        "call(?:s|ed|ing)? (?:on|for|upon)", "urges?", "urged", "demands?", "demanded",
        "insists?", "recommend(?:s|ed|ation|ations)?", "we want", "we ask", "we expect",
        "look(?:ing)? to", "deserves?", "we welcome", "accept(?:ed)? and",
    ),
    "norm_negation": _words(
        "cannot be", "can't be", "must not", "should not", "shouldn't", "cannot accept",
        "can no longer", "no more", "must end", "has to change", "not acceptable",
    ),
    "urgency": _words("urgent(?:ly)?", "now", "immediate(?:ly)?", "without delay", "swiftly", "quickly"),
    "reform_noun": _words(
        "reform", "overhaul", "change", "changes", "transformation", "inquiry", "action",
        "suspension", "suspending", "dismissal", "accountab\\w*", "implement\\w*",
    ),
    # statistic
    "percent": r"\d+(?:\.\d+)?\s?%|\bper ?cent\b|\bpercentage\b",
    "x_out_of_y": r"\b" + _NUMBER_WORD + r" (?:out of|in) (?:every )?" + _NUMBER_WORD + r"\b",
    "fraction_word": _words(
        "a (?:fifth|third|quarter|half|tenth)", "(?:one|two|three)[- ](?:fifths?|thirds?|quarters?)",
        "half of", "majority of", "minority of", "twice as", "times more", "times as",
    ),
    "count_of_people": r"\b(?:\d[\d,]*|hundreds|thousands)\+?\s(?:plus\s)?(?:\w+\s)?" + _PEOPLE + r"\b",
    "number": r"(?<![\d/:.-])\d[\d,]*(?:\.\d+)?(?![\d/:-])",
    "rate_phrase": _words(
        "every (?:\\w+ )?(?:minutes?|hours?|days?|weeks?)", "a (?:week|year|day|month)",
        "per (?:year|week|day|month)", "on average", "fewer than", "more than", "almost",
        "over", "nearly", "rise of", "fall of", "increase", "decrease", "rate",
    ),
    "date_or_phone": r"\b\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*"
    r"|\b0\d{3} ?\d{3,4} ?\d{3,4}\b|\b\d+-page\b|\b\d{1,2}(?:am|pm)\b",
    # case_study
    "told_us": _words("told us", "told me", "told the", "said she", "said he", "she said", "he said", "describ(?:ed|es) how"),
    "one_person": _words(
        "one woman", "another woman", "a woman who", "one man", "another man", "a man who",
        "one survivor", "another survivor", "one victim", "a mother", "her (?:ex-)?partner",
        "his (?:ex-)?partner", "her children", "her child", "his children", "her husband",
        "his wife", "her home", "her family",
    ),
    "she_he": _words("she", "he", "her", "him", "his", "herself", "himself"),
    "past_narrative": _words(
        "was", "were", "had", "did", "went", "told", "said", "made", "asked", "reported",
        "informed", "received", "waited", "left", "took",
    ) + r"|\b\w+ed\b",
    # finding
    "finding_verb": _words(
        "found", "finds", "shows?", "showed", "reveals?", "revealed", "concludes?",
        "concluded", "highlight(?:s|ed|ing)?", "confirms?", "confirmed", "exposed",
        "describes?", "identified", "evidence", "endemic", "rife", "institutional(?:ly)?",
    ),
    "state_of_affairs": _words(
        "is", "are", "has been", "have been", "there is", "there are", "remains?",
        "continues? to", "failed", "failing", "fails",
    ),
    "first_person_plural": _words("we", "our", "us"),
    # other: attribution, headings, boilerplate
    "attribution": r"\b(?:said|says|added|adds|commented|comments|stated|states|responded|responds)\s*[:,]?\s*[\"\u201c]?$"
    r"|^[^\"]{0,120}\b(?:said|says|added):",
    "role_title": _words(
        "chief executive", "ceo", "director", "head of", "spokes(?:man|woman|person)",
        "chair", "founder", "minister", "commissioner",
    ),
    "boilerplate": _words(
        "cookies?", "website", "click", "visit", "www", "http\\w*", "skip to", "subscribe",
        "newsletter", "helpline", "ends", "notes to editors", "about us", "read more",
        "also read", "privacy", "contact us", "free", "confidential", "24 hours",
        "signpost", "here for you", "affected by",
    ),
    "response_news": _words("responds?", "responded", "response", "published", "publication", "release", "announcement", "today"),
}

_COMPILED = {name: re.compile(pattern) for name, pattern in CUES.items()}

# Sums over related cues: with a handful of examples per label, evidence that
# is pooled ("some quantity is reported") generalises better than any single
# pattern seen once.
CUE_GROUPS = {
    "any_call": ("modal_obligation", "call_verb", "norm_negation"),
    "any_quantity": ("percent", "x_out_of_y", "fraction_word", "count_of_people"),
    "any_story": ("told_us", "one_person"),
    "any_other": ("attribution", "boilerplate", "response_news"),
}
_GROUP_INDEX = {
    group: [list(CUES).index(name) for name in members] for group, members in CUE_GROUPS.items()
}

# Cues read from a list item's lead-in (``Sentence.lead_in``): "Changes must
# include:" makes its items demands, "Other findings:" makes them findings.
LEAD_IN_CUES = {
    "lead_in_call": _words(
        "must", "should", "needs?", "call(?:s|ed|ing)? (?:on|for)", "urges?", "demands?",
        "recommend\\w*", "reforms?", "changes?", "priorit\\w*", "we want", "we ask",
        "welcome", "includ(?:e|ing)",
    ),
    "lead_in_finding": _words(
        "found", "finds?", "findings?", "evidence", "saw", "seen", "concerns?", "shows?",
        "reveal\\w*", "problems?", "failures?", "issues?",
    ),
}
_LEAD_IN = [re.compile(p) for p in LEAD_IN_CUES.values()]

SHAPE_FEATURES = (
    "ends_colon",
    "no_final_punct",
    "question",
    "short",
    "log_words",
    "title_case",
    "has_quote",
    "starts_lower",
)
_FINAL = tuple(".?!\"')\u201d\u2019")
_QUOTES = re.compile("[\"\u201c\u201d]")


def _shape(text: str) -> list[float]:
    stripped = text.strip()
    words = stripped.split()
    n_words = len(words) or 1
    capitalised = sum(w[:1].isupper() for w in words)
    return [
        float(stripped.endswith(":")),
        float(not stripped.endswith(_FINAL) and not stripped.endswith(":")),
        float(stripped.rstrip("\"'\u201d\u2019").endswith("?")),
        float(n_words <= 8),
        float(np.log1p(n_words)),
        capitalised / n_words,
        float(bool(_QUOTES.search(stripped))),
        float(stripped[:1].islower()),
    ]


class CueFeatures(TransformerMixin, BaseEstimator):
    """Linguistic cue counts and sentence-shape features for each sentence.

    Stateless: ``fit`` learns nothing, so the transformer is safe inside
    cross-validation. Counts are capped at ``max_count`` so that one long
    sentence cannot dominate.

    Parameters
    ----------
    max_count : int, default=3
        Cap applied to every cue count.

    Examples
    --------
    >>> cues = CueFeatures().fit(["x"])
    >>> X = cues.transform(["The Met must act now.", "7% of women said no"])
    >>> X.shape == (2, len(cues.get_feature_names_out()))
    True
    """

    def __init__(self, max_count=3):
        self.max_count = max_count

    def fit(self, X, y=None):
        self.n_features_in_ = 1
        return self

    def get_feature_names_out(self, input_features=None):
        names = (
            [f"cue:{name}" for name in CUES]
            + [f"cue:{name}" for name in CUE_GROUPS]
            + [f"shape:{name}" for name in SHAPE_FEATURES]
            + ["context:list_item"]
            + [f"context:{name}" for name in LEAD_IN_CUES]
        )
        return np.asarray(names, dtype=object)

    def transform(self, X):
        rows = []
        patterns = list(_COMPILED.values())
        for item in X:
            # Sentence objects from split_sentences carry their list context;
            # plain strings have none.
            text = getattr(item, "text", item)
            lowered = text.lower().translate(_APOSTROPHES).strip()
            counts = [min(len(p.findall(lowered)), self.max_count) for p in patterns]
            groups = [min(sum(counts[i] for i in index), self.max_count) for index in _GROUP_INDEX.values()]
            lead_in = getattr(item, "lead_in", "").lower().translate(_APOSTROPHES)
            context = [float(getattr(item, "list_item", False))] + [
                min(len(p.findall(lead_in)), self.max_count) for p in _LEAD_IN
            ]
            rows.append(counts + groups + _shape(text) + context)
        return np.asarray(rows, dtype=np.float64).reshape(len(rows), -1)
