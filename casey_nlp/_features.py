"""Features that carry across documents and writers.

Words alone barely generalise from four statements to a fifth, so next to a
stemmed bag of n-grams we compute *cues*: counts of patterns that signal a
label in any press release (obligation and calls, quantities, one person's
story, attribution and heading shapes, web boilerplate).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from itertools import compress
from operator import itemgetter

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

__all__ = ["CueFeatures", "CUES", "FEATURE_VERSION", "tokenize"]

# Bump whenever a change here alters the features a fitted model expects: a
# saved model records it, and loading checks it.
FEATURE_VERSION = 4

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*%?|[^\W\d_]+(?:'[^\W\d_]+)?")
_YEAR = re.compile(r"(?:19|20)\d\d")


@lru_cache(maxsize=1)
def _stemmer():
    # Snowball needs no downloaded data.
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english", ignore_stopwords=False)


def _normalise_token(token: str) -> str:
    if token[0].isdigit():
        if token.endswith("%"):
            return "<pct>"
        return "<year>" if _YEAR.fullmatch(token) else "<num>"
    return _stemmer().stem(token)


# A plain dict is faster than lru_cache on this hot path; vocabularies are
# Zipfian, so a bounded cache catches nearly every token.
_STEMS: dict[str, str] = {}


def _lower(text: str) -> str:
    return text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("\u02bc", "'")


def _stems(tokens: list[str]) -> list[str]:
    out = list(map(_STEMS.get, tokens))
    if None in out:  # first sight of some tokens
        for i, stem in enumerate(out):
            if stem is None:
                out[i] = stem = _normalise_token(tokens[i])
                if len(_STEMS) < 50_000:
                    _STEMS[tokens[i]] = stem
    return out


def tokenised(items) -> list[tuple[str, list[str]]]:
    """``(lower-cased text, tokens)`` for each sentence (str or ``Sentence``).

    Computed once per batch and shared by both feature blocks on the tagging
    path (see ``SentenceClassifier._decision``).
    """
    out = []
    for item in items:
        lowered = _lower(item if isinstance(item, str) else item.text)
        out.append((lowered, _TOKEN.findall(lowered)))
    return out


def surface_tokens(text: str) -> list[str]:
    """The lower-cased tokens of ``text`` before stemming (what ``tokenize`` stems)."""
    return _TOKEN.findall(_lower(text))


def tokenize(text: str) -> list[str]:
    """Lower-cased, stemmed word tokens; numbers become ``<num>``, ``<pct>`` or ``<year>``.

    Examples
    --------
    >>> tokenize("The Met's officers must act: 7% of 2022 cases failed.")
    ['the', 'met', 'offic', 'must', 'act', '<pct>', 'of', '<year>', 'case', 'fail']
    """
    return _stems(_TOKEN.findall(_lower(text)))


def word_ngrams(item, ngram_range=(1, 2)) -> list[str]:
    """Stemmed word n-grams of a sentence (a str or a ``Sentence``).

    The analyzer of the classifier's TF-IDF block: one function instead of
    scikit-learn's preprocess / tokenize / n-gram chain, because it runs on
    every sentence tagged.

    Examples
    --------
    >>> word_ngrams("Police must act.")
    ['polic', 'must', 'act', 'polic must', 'must act']
    """
    stems = tokenize(getattr(item, "text", item))
    low, high = ngram_range
    grams = stems if low == 1 else []
    if high >= 2 and low <= 2:
        grams = grams + [a + " " + b for a, b in zip(stems, stems[1:])]
    for n in range(max(low, 3), high + 1):
        grams += [" ".join(stems[i : i + n]) for i in range(len(stems) - n + 1)]
    return grams


# --- Cues ---------------------------------------------------------------------
#
# A cue is a list of phrases matched on the sentence's lower-cased tokens
# (the same tokens as ``tokenize`` before stemming). Matching tokens with
# dictionaries is several times faster than running one regular expression
# per cue over the text, and cue extraction sits on the tagging hot path.
#
# Phrase syntax: slots separated by spaces; a slot lists alternatives with
# "|"; "pre*" matches a prefix, "*suf" a suffix, "#" any number, "#w" a
# number or a number word, "_" any token; a slot ending in "?" is optional.

_NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten"
_PEOPLE = (
    "women|men|girls|boys|children|people|officers|staff|survivors|victims|cases|crimes|"
    "complaints|allegations|reports|londoners|respondents|members|adults|families|"
    "incidents|investigations|arrests|charges|convictions|deaths"
)

# name -> phrases. Each cue becomes one feature: its number of matches (capped).
CUES = {
    # demand
    "modal_obligation": [
        "must", "should", "shall", "ought to", "need|needs to", "need", "has to", "have to",
        "got to", "require|requires|required", "needs",
    ],
    "call_verb": [
        "call|calls|called|calling on|for|upon", "urge|urges|urged", "demand|demands|demanded",
        "insist|insists", "recommend|recommends|recommended|recommendation|recommendations",
        "we want|ask|expect|welcome", "look|looking to", "deserve|deserves", "accept|accepted and",
    ],
    "norm_negation": [
        "cannot be|accept", "can't be", "must|should not", "shouldn't", "can no longer",
        "no more", "must end", "has to change", "not acceptable",
    ],
    "urgency": ["urgent|urgently|now|immediate|immediately|swiftly|quickly", "without delay"],
    "reform_noun": [
        "reform|overhaul|change|changes|transformation|inquiry|action|suspension|suspending|dismissal",
        "accountab*|implement*",
    ],
    # statistic
    "percent": ["*%", "per cent", "percent|percentage"],
    "x_out_of_y": ["#w out of every? #w", "#w in every? #w"],
    "fraction_word": [
        "a fifth|third|quarter|half|tenth", "one|two|three fifth|fifths|third|thirds|quarter|quarters",
        "half|majority|minority of", "twice as", "times more|as",
    ],
    "count_of_people": ["#|hundreds|thousands plus? _? " + _PEOPLE],
    "number": ["#"],
    "rate_phrase": [
        "every _? minute|minutes|hour|hours|day|days|week|weeks", "a week|year|day|month",
        "per year|week|day|month", "on average", "fewer|more than",
        "almost|over|nearly|increase|decrease|rate", "rise|fall of",
    ],
    # case_study
    "told_us": ["told us|me|the", "said she|he", "she|he said", "described|describes how"],
    "one_person": [
        "one|another woman|man|survivor", "a woman|man who", "one victim", "a mother",
        "her|his ex? partner", "her children|child|husband|home|family", "his children|wife",
    ],
    "she_he": ["she|he|her|him|his|herself|himself"],
    "past_narrative": [
        "was|were|had|did|went|told|said|made|asked|reported|informed|received|waited|left|took",
        "*ed",
    ],
    # finding
    "finding_verb": [
        "found|finds|show|shows|showed|reveal|reveals|revealed|conclude|concludes|concluded",
        "highlight|highlights|highlighted|highlighting|confirm|confirms|confirmed|exposed",
        "describe|describes|identified|evidence|endemic|rife|institutional|institutionally",
    ],
    "state_of_affairs": [
        "has|have been", "there is|are", "is|are|remain|remains|failed|failing|fails",
        "continue|continues to",
    ],
    "first_person_plural": ["we|our|us"],
    # other: attribution, headings, boilerplate
    "role_title": [
        "chief executive", "head of", "ceo|director|spokesman|spokeswoman|spokesperson|chair|founder|minister|commissioner",
    ],
    "boilerplate": [
        "cookie|cookies|website|click|visit|www|http*|subscribe|newsletter|helpline|ends|privacy|free|confidential|signpost",
        "skip to", "notes to editors", "about us", "read|also more|read", "contact us",
        "24 hours", "here for you", "affected by",
    ],
    "response_news": [
        "respond|responds|responded|response|published|publication|release|announcement|today",
    ],
}

# Cues read from a list item's lead-in (``Sentence.lead_in``): "Changes must
# include:" makes its items demands, "Other findings:" makes them findings.
LEAD_IN_CUES = {
    "lead_in_call": [
        "must|should|need|needs|urge|urges|demand|demands|reform|reforms|change|changes|welcome",
        "call|calls|called|calling on|for", "recommend*|priorit*|includ*", "we want|ask",
    ],
    "lead_in_finding": [
        "found|find|finds|finding|findings|evidence|saw|seen|concern|concerns|show|shows",
        "reveal*|problem*|failure*|issue*",
    ],
}

# "Said:" at the end of a line, or "X, director of Y, said:" before a quote.
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|added|adds|commented|comments|stated|states|responded|responds)\s*[:,]?\s*[\"\u201c]?$"
    r"|^[^\"]{0,120}\b(?:said|says|added):"
)
_ATTRIBUTION_TOKENS = frozenset(
    "said says added adds commented comments stated states responded responds".split()
)
# Numbers that are not measurements: dates, phone numbers, page counts, times.
_DATE_OR_PHONE = re.compile(
    r"\b\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*"
    r"|\b0\d{3} ?\d{3,4} ?\d{3,4}\b|\b\d+-page\b|\b\d{1,2}(?:am|pm)\b"
)
REGEX_CUES = ("attribution", "date_or_phone")


def _is_number(token: str) -> bool:
    return token[:1].isdigit()


def _slot(spec: str):
    optional = spec.endswith("?") and len(spec) > 1
    words, tests = set(), []
    for alternative in spec.rstrip("?").split("|"):
        if alternative == "#":
            tests.append(_is_number)
        elif alternative == "#w":
            words.update(_NUMBER_WORDS.split("|"))
            tests.append(_is_number)
        elif alternative == "_":
            tests.append(bool)
        elif alternative.endswith("*"):
            tests.append(lambda token, prefix=alternative[:-1]: token.startswith(prefix))
        elif alternative.startswith("*"):
            tests.append(lambda token, suffix=alternative[1:]: token.endswith(suffix) and token != suffix)
        else:
            words.update(_TOKEN.findall(alternative))
    return frozenset(words), tuple(tests), optional


def _slot_matches(slot, token: str) -> bool:
    words, tests, _ = slot
    if token in words:
        return True
    for test in tests:
        if test(token):
            return True
    return False


def _match_fixed(slots, tokens, i) -> int:
    """Like ``_match`` for phrases without optional slots (the common, faster case)."""
    if i + len(slots) > len(tokens):
        return -1
    for k, slot in enumerate(slots):
        if not _slot_matches(slot, tokens[i + k]):
            return -1
    return len(slots)


def _match(slots, tokens, i) -> int:
    """Length of the match of ``slots`` at ``tokens[i:]`` (-1 for none); optional slots are greedy."""
    if not slots:
        return 0 if i <= len(tokens) else -1
    slot, rest = slots[0], slots[1:]
    if i < len(tokens) and _slot_matches(slot, tokens[i]):
        tail = _match(rest, tokens, i + 1)
        if tail >= 0:
            return 1 + tail
    if slot[2]:
        return _match(rest, tokens, i)
    return -1


class _PhraseMatcher:
    """Counts non-overlapping phrase matches per cue in one pass over the tokens."""

    def __init__(self, cues: dict):
        self.n_cues = len(cues)
        self._phrases = [
            (index, tuple(_slot(spec) for spec in phrase.split()))
            for index, phrases in enumerate(cues.values())
            for phrase in phrases
        ]
        # token -> ((cue index, slots, matcher or None for a one-token phrase,
        #            the words the next token must be, or None), ...)
        self._candidates: dict[str, tuple] = {}

    def _lookup(self, token: str) -> tuple:
        found = tuple(
            (
                index,
                slots,
                None if len(slots) == 1 else _match if any(slot[2] for slot in slots) else _match_fixed,
                # A cheap pre-check: most multi-word phrases fail on their second word.
                slots[1][0] if len(slots) > 1 and not slots[1][1] and not slots[1][2] else None,
            )
            for index, slots in self._phrases
            if _slot_matches(slots[0], token)
        )
        if len(self._candidates) < 50_000:
            self._candidates[token] = found
        return found

    def counts(self, tokens: list[str]) -> list[int]:
        counts = [0] * self.n_cues
        free_from = [0] * self.n_cues  # matches of one cue do not overlap
        found_at = list(map(self._candidates.get, tokens))  # C-level lookups
        if None in found_at:  # tokens seen for the first time
            found_at = [self._lookup(t) if f is None else f for t, f in zip(tokens, found_at)]
        last = len(tokens) - 1
        # Visit only the tokens that can start some phrase (a few per sentence).
        for i in compress(range(len(tokens)), found_at):
            for index, slots, match, second in found_at[i]:
                if free_from[index] <= i:
                    if second is not None and (i == last or tokens[i + 1] not in second):
                        continue
                    length = 1 if match is None else match(slots, tokens, i)
                    if length > 0:
                        counts[index] += 1
                        free_from[index] = i + length
        return counts


_CUE_MATCHER = _PhraseMatcher(CUES)
_LEAD_IN_MATCHER = _PhraseMatcher(LEAD_IN_CUES)
_CUE_NAMES = [*CUES, *REGEX_CUES]

# Sums over related cues: with a handful of examples per label, evidence that
# is pooled ("some quantity is reported") generalises better than any single
# pattern seen once.
CUE_GROUPS = {
    "any_call": ("modal_obligation", "call_verb", "norm_negation"),
    "any_quantity": ("percent", "x_out_of_y", "fraction_word", "count_of_people"),
    "any_story": ("told_us", "one_person"),
    "any_other": ("attribution", "boilerplate", "response_news"),
}
_GROUP_INDEX = {group: [_CUE_NAMES.index(name) for name in members] for group, members in CUE_GROUPS.items()}


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
_NO_CONTEXT = (0.0, 0, 0)  # not a list item, no lead-in
_N_RAW = len(CUES) + len(REGEX_CUES) + len(SHAPE_FEATURES) + 1 + len(LEAD_IN_CUES)




def _shape(text: str) -> list[float]:
    words = text.split()
    n_words = len(words) or 1
    last = words[-1] if words else ""
    ends_colon = last.endswith(":")
    return [
        ends_colon,
        not ends_colon and not last.endswith(_FINAL),
        last.rstrip("\"'\u201d\u2019").endswith("?"),
        n_words <= 8,
        math.log1p(n_words),
        sum(map(str.isupper, map(itemgetter(0), words))) / n_words,
        '"' in text or "\u201c" in text or "\u201d" in text,
        words[0][:1].islower() if words else False,
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
            [f"cue:{name}" for name in _CUE_NAMES]
            + [f"cue:{name}" for name in CUE_GROUPS]
            + [f"shape:{name}" for name in SHAPE_FEATURES]
            + ["context:list_item"]
            + [f"context:{name}" for name in LEAD_IN_CUES]
        )
        return np.asarray(names, dtype=object)

    def transform(self, X):
        items = list(X)
        return self.transform_tokenised(items, tokenised(items))

    def transform_tokenised(self, items, lowered_tokens):
        """``transform`` given ``tokenised(items)``, so that tokens can be shared."""
        n = len(items)
        rows = []
        number = _CUE_NAMES.index("number")
        for item, (lowered, tokens) in zip(items, lowered_tokens):
            row = _CUE_MATCHER.counts(tokens)
            row.append(len(_ATTRIBUTION.findall(lowered)) if not _ATTRIBUTION_TOKENS.isdisjoint(tokens) else 0)
            row.append(len(_DATE_OR_PHONE.findall(lowered)) if row[number] else 0)
            if isinstance(item, str):
                text = item
                row += _shape(text)
                row += _NO_CONTEXT
            else:
                # Sentence objects from split_sentences carry their list context.
                text = item.text
                row += _shape(text)
                lead_in = getattr(item, "lead_in", "")
                row.append(float(getattr(item, "list_item", False)))
                row += _LEAD_IN_MATCHER.counts(_TOKEN.findall(_lower(lead_in))) if lead_in else (0, 0)
            rows.append(row)
        raw = np.asarray(rows, dtype=np.float64).reshape(n, _N_RAW)
        n_cues = len(_CUE_NAMES)
        cues = np.minimum(raw[:, :n_cues], self.max_count)
        groups = np.empty((n, len(_GROUP_INDEX)))
        for column, index in enumerate(_GROUP_INDEX.values()):
            groups[:, column] = np.minimum(cues[:, index].sum(axis=1), self.max_count)
        rest = raw[:, n_cues:]
        rest[:, -len(LEAD_IN_CUES):] = np.minimum(rest[:, -len(LEAD_IN_CUES):], self.max_count)
        return np.hstack([cues, groups, rest])
