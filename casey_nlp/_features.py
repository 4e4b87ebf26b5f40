"""Features that carry across documents and writers.

Words alone barely generalise from four statements to a fifth, so next to a
stemmed bag of n-grams we compute *cues*: counts of patterns that signal a
label in any press release (obligation and calls, quantities, one person's
story, attribution and heading shapes, web boilerplate).
"""

from __future__ import annotations

import hashlib
import math
import re
from functools import lru_cache
from itertools import compress
from operator import itemgetter
from typing import Callable, NamedTuple

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

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
        fresh = {}  # stems each distinct token once, also when the cache is full
        for i, stem in enumerate(out):
            if stem is None:
                token = tokens[i]
                stem = fresh.get(token)
                if stem is None:
                    fresh[token] = stem = _normalise_token(token)
                    if len(_STEMS) < 50_000:
                        _STEMS[token] = stem
                out[i] = stem
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

    def __init__(self, cues: list):
        self.n_cues = len(cues)
        self._phrases = [
            (index, tuple(_slot(spec) for spec in phrase.split()))
            for index, phrases in enumerate(cues)
            for phrase in phrases
        ]
        # One entry per phrase: (cue index, slots, matcher or None for a
        # one-token phrase, the words the next token must be, or None).
        self._entries = [
            (
                index,
                slots,
                None if len(slots) == 1 else _match if any(slot[2] for slot in slots) else _match_fixed,
                # A cheap pre-check: most multi-word phrases fail on their second word.
                slots[1][0] if len(slots) > 1 and not slots[1][1] and not slots[1][2] else None,
            )
            for index, slots in self._phrases
        ]
        # Phrases by the words their first token may be, and the few whose
        # first token is tested (prefix, suffix, number, any): a token never
        # seen before is checked against these instead of every phrase, so a
        # document of many distinct tokens costs the same per token as any other.
        self._by_first_word: dict[str, list[int]] = {}
        self._first_tested = []
        for position, (_, slots) in enumerate(self._phrases):
            words, tests, _ = slots[0]
            for word in words:
                self._by_first_word.setdefault(word, []).append(position)
            if tests:
                self._first_tested.append((position, tests))
        # token -> the entries of the phrases that can start at that token
        self._candidates: dict[str, tuple] = {}

    def _lookup(self, token: str) -> tuple:
        positions = set(self._by_first_word.get(token, ()))
        positions.update(position for position, tests in self._first_tested if any(test(token) for test in tests))
        found = tuple(self._entries[position] for position in sorted(positions))
        if len(self._candidates) < 50_000:
            self._candidates[token] = found
        return found

    def counts(self, tokens: list[str], cap=None) -> list[int]:
        """Matches per cue; a cue stops being matched once it reaches ``cap``.

        The caller caps the counts anyway, so stopping early changes no
        value, and a sentence of 100,000 numbers is not matched 100,000 times.
        """
        counts = [0] * self.n_cues
        never = len(tokens) + 1
        free_from = [0] * self.n_cues  # matches of one cue do not overlap
        found_at = list(map(self._candidates.get, tokens))  # C-level lookups
        if None in found_at:  # tokens seen for the first time
            # Each distinct one looked up once: a sentence may repeat an unseen token 100,000 times.
            fresh = {t: self._lookup(t) for t in {t for t, f in zip(tokens, found_at) if f is None}}
            found_at = [fresh[t] if f is None else f for t, f in zip(tokens, found_at)]
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
                        free_from[index] = i + length if cap is None or counts[index] < cap else never
        return counts




# --- The feature registry ------------------------------------------------------
#
# Every hand-made feature is one row of FEATURES: a name, a description (what
# `explain` shows), and how it is computed, as exactly one of
#
#   phrases  token phrases counted in the sentence (capped at max_count);
#   lead_in  token phrases counted in a list item's lead-in line (capped);
#   count    a function of the sentence giving a count (capped);
#   total    the sum of other, earlier rows (capped): pooled evidence ("some
#            quantity is reported") generalises better than any single
#            pattern seen once;
#   value    a function of the sentence giving a value used as it is.
#
# Phrases are matched on the sentence's lower-cased tokens (the tokens
# ``tokenize`` stems). Matching tokens with dictionaries is several times
# faster than one regular expression per cue, and cues sit on the tagging
# hot path. Phrase syntax: slots separated by spaces; a slot lists
# alternatives with "|"; "pre*" matches a prefix, "*suf" a suffix, "#" any
# number, "#w" a number or a number word, "_" any token; a slot ending in
# "?" is optional. Every phrase is checked when this module is imported, so
# one that could never match fails loudly.

_NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten"
_PEOPLE = (
    "women|men|girls|boys|children|people|officers|staff|survivors|victims|cases|crimes|"
    "complaints|allegations|reports|londoners|respondents|members|adults|families|"
    "incidents|investigations|arrests|charges|convictions|deaths"
)

# "Said:" at the end of a line, or "X, director of Y, said:" before a quote.
# The whitespace after the verb is one run unless a colon or comma splits it:
# two adjacent \s* (as in \s*[:,]?\s*) let the engine try every split of a
# long whitespace run, quadratic in its length.
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|added|adds|commented|comments|stated|states|responded|responds)\s*(?:[:,]\s*)?[\"\u201c]?$"
    r"|^[^\"]{0,120}\b(?:said|says|added):"
)
_ATTRIBUTION_TOKENS = frozenset(
    "said says added adds commented comments stated states responded responds".split()
)
# Numbers that are not measurements: dates, phone numbers (national, London
# 020 and international +44 forms), page counts, times.
_DATE_OR_PHONE = re.compile(
    r"\b\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*"
    r"|\b0\d{3} ?\d{3,4} ?\d{3,4}\b|\b0\d{2} ?\d{4} ?\d{4}\b|\+44[\d ]{9,13}"
    r"|\b\d+-page\b|\b\d{1,2}(?:am|pm)\b"
)
_FINAL = tuple(".?!\"')\u201d\u2019")


class Parsed(NamedTuple):
    """What the feature functions see of one sentence, computed once."""

    text: str
    lowered: str
    tokens: list
    words: list
    list_item: bool
    lead_in: str


def _attribution(s: Parsed) -> int:
    return len(_ATTRIBUTION.findall(s.lowered)) if not _ATTRIBUTION_TOKENS.isdisjoint(s.tokens) else 0


_DIGIT = re.compile(r"\d")


def _date_or_phone(s: Parsed) -> int:
    # Most sentences have no digit; a C-level search skips them cheaply.
    return len(_DATE_OR_PHONE.findall(s.lowered)) if _DIGIT.search(s.lowered) else 0


def _last_word(s: Parsed) -> str:
    return s.words[-1] if s.words else ""


class Feature(NamedTuple):
    """One hand-made feature: its name, what it means, and how it is computed (one of the rest)."""

    name: str
    description: str
    phrases: tuple = ()
    lead_in: tuple = ()
    count: Callable | None = None
    total: tuple = ()
    value: Callable | None = None

    @property
    def kind(self) -> str:
        kinds = [k for k in ("phrases", "lead_in", "count", "total", "value") if getattr(self, k)]
        if len(kinds) != 1:
            raise ValueError(f"feature {self.name!r} must set exactly one of phrases, lead_in, count, total, value")
        return kinds[0]


FEATURES = (
    # demand
    Feature("cue:modal_obligation", "obligation words (must, should, needs to)", phrases=(
        "must", "should", "shall", "ought to", "need|needs to", "need", "has to", "have to",
        "got to", "require|requires|required", "needs",
    )),
    Feature("cue:call_verb", "calls and appeals (call for, urge, recommend)", phrases=(
        "call|calls|called|calling on|for|upon", "urge|urges|urged|urging", "demand|demands|demanded",
        "insist|insists", "recommend|recommends|recommended|recommendation|recommendations",
        "we want|ask|expect|welcome", "look|looking to", "deserve|deserves", "accept|accepted and",
    )),
    Feature("cue:implied_call", "implied calls (would like to see, it is time, oppose, not enough)", phrases=(
        "would like to see", "want|wants|wanted to see", "it is time", "it's time", "time for",
        "urgently required|needed", "is|are needed", "oppose|opposes|opposed|opposing",
        "not|never enough", "lobby|lobbying|lobbied|campaigning|pressing for",
    )),
    Feature("cue:norm_negation", "refusals (cannot accept, no more, must end)", phrases=(
        "cannot be|accept", "can't be", "must|should not", "shouldn't", "can no longer",
        "no more", "must end", "has to change", "not acceptable",
    )),
    Feature("cue:urgency", "urgency (now, urgently, immediately)", phrases=(
        "urgent|urgently|now|immediate|immediately|swiftly|quickly", "without delay",
    )),
    Feature("cue:reform_noun", "reform words (reform, overhaul, action, accountability)", phrases=(
        "reform|overhaul|change|changes|transformation|inquiry|action|suspension|suspending|dismissal",
        "accountab*|implement*",
    )),
    # statistic
    Feature("cue:percent", "percentages", phrases=("*%", "per cent", "percent|percentage")),
    Feature("cue:x_out_of_y", "'X in Y' or 'X out of Y'", phrases=("#w out of every? #w", "#w in every? #w")),
    Feature("cue:fraction_word", "proportions (a fifth, half of, twice as)", phrases=(
        "a fifth|third|quarter|half|tenth", "one|two|three fifth|fifths|third|thirds|quarter|quarters",
        "half|majority|minority of", "twice as", "times more|as",
    )),
    Feature("cue:count_of_people", "counts of people or cases (300 women)", phrases=(
        "#|hundreds|thousands plus? _? " + _PEOPLE,
    )),
    Feature("cue:number", "numbers", phrases=("#",)),
    Feature("cue:rate_phrase", "rates and comparisons (a year, on average, more than)", phrases=(
        "every _? minute|minutes|hour|hours|day|days|week|weeks", "a week|year|day|month",
        "per year|week|day|month", "on average", "fewer|more than",
        "almost|over|nearly|increase|decrease|rate", "rise|fall of",
    )),
    # case_study
    Feature("cue:told_us", "one person's reported speech (told us, she said)", phrases=(
        "told us|me|the", "said she|he", "she|he said", "described|describes how",
    )),
    Feature("cue:one_person", "one person (one woman, her partner)", phrases=(
        "one|another woman|man|survivor", "a woman|man who", "one victim", "a mother",
        "her|his ex? partner", "her children|child|husband|home|family", "his children|wife",
    )),
    Feature("cue:incident", "one incident or offender (officer A, was jailed, pleaded guilty)", phrases=(
        "officer|pc|constable|sergeant|inspector a|b|c|d|e|x|y|z", "was|were jailed|sentenced|convicted|sacked|acquitted",
        "pleaded|pled guilty", "jury|court heard|was|were", "in prison|jail", "the hearing heard|was",
    )),
    Feature("cue:she_he", "third-person pronouns (she, he, her, his)", phrases=(
        "she|he|her|him|his|herself|himself",
    )),
    Feature("cue:past_narrative", "past-tense verbs", phrases=(
        "was|were|had|did|went|told|said|made|asked|reported|informed|received|waited|left|took",
        "*ed",
    )),
    # finding
    Feature("cue:finding_verb", "finding words (found, shows, reveals, evidence)", phrases=(
        "found|finds|show|shows|showed|reveal|reveals|revealed|conclude|concludes|concluded",
        "highlight|highlights|highlighted|highlighting|confirm|confirms|confirmed|exposed",
        "describe|describes|identified|evidence|endemic|rife|institutional|institutionally",
    )),
    Feature("cue:state_of_affairs", "states of affairs (there is, has been, remains)", phrases=(
        "has|have been", "there is|are", "is|are|remain|remains|failed|failing|fails",
        "continue|continues to",
    )),
    Feature("cue:first_person_plural", "we, our, us", phrases=("we|our|us",)),
    # other
    Feature("cue:own_commitment", "the writer's own plans (we will, we look forward to)", phrases=(
        "we|i will|shall", "we'll", "we are|we're going|committed to", "we look|looking forward",
        "we intend|plan to", "we continue|will continue to",
    )),
    Feature("cue:self_description", "an organisation describing itself (we are a, founded in)", phrases=(
        "we are a|an|the", "founded|established in", "registered charity", "our members|volunteers|services",
        "we support|represent|provide|campaign", "is a|an charity|organisation|network|union",
    )),
    Feature("cue:background", "background (commissioned, set up, announced)", phrases=(
        "commissioned|commissioning", "set up|launched in|after|by|to", "was|were asked to",
        "announced|announces|announcing", "last week|month|year",
    )),
    Feature("cue:reaction", "reaction words (deeply troubling, harrowing, hard to read)", phrases=(
        "troubling|harrowing|shocking|disturbing|sobering|distressing|heartbreaking|appalling|devastating",
        "difficult|hard|painful to read", "a sad|dark|difficult day",
    )),
    Feature("cue:society", "society at large (society, every walk of life)", phrases=(
        "society|societal", "walk|walks of life", "every community|workplace",
    )),
    Feature("cue:role_title", "job titles (chief executive, director)", phrases=(
        "chief executive", "head of",
        "ceo|director|spokesman|spokeswoman|spokesperson|chair|founder|minister|commissioner",
    )),
    Feature("cue:boilerplate", "web boilerplate (cookies, website, ENDS, helpline)", phrases=(
        "cookie|cookies|website|click|visit|www|http*|subscribe|newsletter|helpline|ends|privacy|free|confidential|signpost",
        "skip to", "notes to editors", "about us", "read|also more|read", "contact us",
        "24 hours", "here for you", "affected by",
    )),
    Feature("cue:response_news", "news framing (responds, published, today)", phrases=(
        "respond|responds|responded|response|published|publication|release|announcement|today",
    )),
    Feature("cue:attribution", "attribution ('X said:')", count=_attribution),
    Feature("cue:date_or_phone", "dates, phone numbers and times", count=_date_or_phone),
    # pooled
    Feature("cue:any_call", "any call cue (obligation, call verb, implied call or refusal)",
            total=("cue:modal_obligation", "cue:call_verb", "cue:implied_call", "cue:norm_negation")),
    Feature("cue:any_quantity", "any quantity cue (percentage, X in Y, proportion, count)",
            total=("cue:percent", "cue:x_out_of_y", "cue:fraction_word", "cue:count_of_people")),
    Feature("cue:any_story", "any story cue (told us, one person, one incident)",
            total=("cue:told_us", "cue:one_person", "cue:incident")),
    Feature("cue:any_other", "any 'other' cue (attribution, boilerplate, news, own plans, self-description)",
            total=("cue:attribution", "cue:boilerplate", "cue:response_news", "cue:own_commitment",
                   "cue:self_description", "cue:background")),
    # shape
    Feature("shape:ends_colon", "ends with a colon", value=lambda s: _last_word(s).endswith(":")),
    Feature("shape:no_final_punct", "no final punctuation (a heading)",
            value=lambda s: not _last_word(s).endswith((":", *_FINAL))),
    Feature("shape:question", "a question", value=lambda s: _last_word(s).rstrip("\"'\u201d\u2019").endswith("?")),
    Feature("shape:short", "short (8 words or fewer)", value=lambda s: len(s.words) <= 8),
    Feature("shape:log_words", "length (log of the number of words)", value=lambda s: math.log1p(len(s.words) or 1)),
    Feature("shape:title_case", "share of capitalised words",
            value=lambda s: sum(map(str.isupper, map(itemgetter(0), s.words))) / (len(s.words) or 1)),
    Feature("shape:has_quote", "contains quotation marks",
            value=lambda s: '"' in s.text or "\u201c" in s.text or "\u201d" in s.text),
    Feature("shape:starts_lower", "starts in lower case", value=lambda s: bool(s.words) and s.words[0][:1].islower()),
    # list context (from Sentence objects; plain strings have none)
    Feature("context:list_item", "a bulleted or numbered list item", value=lambda s: s.list_item),
    Feature("context:lead_in_call", "its list's lead-in calls for something", lead_in=(
        "must|should|need|needs|urge|urges|demand|demands|reform|reforms|change|changes|welcome",
        "call|calls|called|calling on|for", "recommend*|priorit*|includ*", "we want|ask",
    )),
    Feature("context:lead_in_finding", "its list's lead-in reports something", lead_in=(
        "found|find|finds|finding|findings|evidence|saw|seen|concern|concerns|show|shows",
        "reveal*|problem*|failure*|issue*",
    )),
)

# Bump when a feature *function* changes what it computes; changes to the
# rows themselves (names, phrases) change FEATURE_VERSION on their own.
_FUNCTION_REVISION = 5


def _check_phrase(feature: Feature, phrase: str) -> None:
    for spec in phrase.split():
        for alternative in spec.removesuffix("?").split("|"):
            if alternative in ("#", "#w", "_"):
                continue
            literal = alternative.strip("*") if alternative.endswith("*") or alternative.startswith("*") else alternative
            tokens = _TOKEN.findall(literal)
            if literal != literal.lower() or not literal or (
                tokens != [literal] and not (alternative.startswith("*") and literal in ("%",))
            ):
                raise ValueError(
                    f"feature {feature.name!r}: phrase {phrase!r} has {alternative!r}, which no lower-cased "
                    "token can match; write it as lower-case tokens separated by spaces"
                )


def _check_registry(features) -> None:
    seen = set()
    for feature in features:
        prefix = feature.name.partition(":")[0]
        if prefix not in ("cue", "shape", "context") or feature.name in seen or not feature.description:
            raise ValueError(f"feature {feature.name!r}: names are unique, start with cue:, shape: or context:, "
                             "and every feature has a description")
        kind = feature.kind
        for phrase in (*feature.phrases, *feature.lead_in):
            _check_phrase(feature, phrase)
        missing = [name for name in feature.total if name not in seen]
        if kind == "total" and missing:
            raise ValueError(f"feature {feature.name!r} sums {missing}, which are not rows above it")
        seen.add(feature.name)


_check_registry(FEATURES)

FEATURE_NAMES = tuple(f.name for f in FEATURES)
FEATURE_DESCRIPTIONS = {f.name: f.description for f in FEATURES}


def registry_version(features) -> str:
    """A short version string for a feature registry: changes whenever a row does."""
    rows = [(f.name, f.phrases, f.lead_in, f.total, f.kind) for f in features]
    return f"{_FUNCTION_REVISION}-" + hashlib.sha256(repr(rows).encode("utf-8")).hexdigest()[:12]


FEATURE_VERSION = registry_version(FEATURES)


def analyzer_fingerprint() -> str:
    """A hash of how the word block tokenises and stems a fixed sample of words.

    A model's vocabulary holds stems. If another nltk release stemmed some
    words differently, those n-grams would silently stop matching; a model
    file records this fingerprint and loading checks it.
    """
    words = sorted({w for f in FEATURES for phrase in f.phrases + f.lead_in for w in str(phrase).split()})
    sample = " ".join(words + ["Officers' vetting reviewed; misconduct hearings, 1,234 complaints (7%)."])
    return hashlib.sha256(" | ".join(word_ngrams(sample)).encode("utf-8")).hexdigest()[:16]


def _columns(kind: str) -> list[int]:
    return [i for i, f in enumerate(FEATURES) if f.kind == kind]


_PHRASE_COLUMNS, _LEAD_IN_COLUMNS = _columns("phrases"), _columns("lead_in")
_COUNT_COLUMNS, _VALUE_COLUMNS, _TOTAL_COLUMNS = _columns("count"), _columns("value"), _columns("total")
_CAPPED_COLUMNS = sorted(_PHRASE_COLUMNS + _LEAD_IN_COLUMNS + _COUNT_COLUMNS)
_PHRASES = _PhraseMatcher([FEATURES[i].phrases for i in _PHRASE_COLUMNS])
_LEAD_IN_PHRASES = _PhraseMatcher([FEATURES[i].lead_in for i in _LEAD_IN_COLUMNS])
_FUNCTIONS = [FEATURES[i].count or FEATURES[i].value for i in _COUNT_COLUMNS + _VALUE_COLUMNS]
_RAW_ORDER = np.asarray(_PHRASE_COLUMNS + _LEAD_IN_COLUMNS + _COUNT_COLUMNS + _VALUE_COLUMNS)
_TOTALS = [(i, [FEATURE_NAMES.index(n) for n in FEATURES[i].total]) for i in _TOTAL_COLUMNS]
_NO_LEAD_IN = (0,) * len(_LEAD_IN_COLUMNS)


class CueFeatures(TransformerMixin, BaseEstimator):
    """The registry's hand-made features (``FEATURES``) for each sentence.

    Stateless: ``fit`` learns nothing, so the transformer is safe inside
    cross-validation. Counts are capped at ``max_count`` so that one long
    sentence cannot dominate.

    Parameters
    ----------
    max_count : int, default=3
        Cap applied to every count and pooled count.

    Examples
    --------
    >>> cues = CueFeatures().fit(["x"])
    >>> X = cues.transform(["The Met must act now.", "7% of women said no"])
    >>> X.shape == (2, len(FEATURES))
    True
    >>> float(dict(zip(cues.get_feature_names_out(), X[1]))["cue:percent"])
    1.0
    """

    def __init__(self, max_count=3):
        self.max_count = max_count

    def fit(self, X, y=None):
        self.n_features_in_ = 1
        return self

    def get_feature_names_out(self, input_features=None):
        return np.asarray(FEATURE_NAMES, dtype=object)

    def transform(self, X):
        items = list(X)
        return self.transform_tokenised(items, tokenised(items))

    def transform_tokenised(self, items, lowered_tokens):
        """``transform`` given ``tokenised(items)``, so that tokens can be shared."""
        rows = []
        for item, (lowered, tokens) in zip(items, lowered_tokens):
            if isinstance(item, str):
                parsed = Parsed(item, lowered, tokens, item.split(), False, "")
            else:  # Sentence objects from split_sentences carry their list context
                parsed = Parsed(item.text, lowered, tokens, item.text.split(),
                                bool(getattr(item, "list_item", False)), getattr(item, "lead_in", ""))
            row = _PHRASES.counts(tokens, self.max_count)
            row += (_LEAD_IN_PHRASES.counts(_TOKEN.findall(_lower(parsed.lead_in)), self.max_count)
                    if parsed.lead_in else _NO_LEAD_IN)
            row += [function(parsed) for function in _FUNCTIONS]
            rows.append(row)
        out = np.zeros((len(items), len(FEATURES)))
        if rows:
            out[:, _RAW_ORDER] = np.asarray(rows, dtype=np.float64)
        out[:, _CAPPED_COLUMNS] = np.minimum(out[:, _CAPPED_COLUMNS], self.max_count)
        for column, members in _TOTALS:
            out[:, column] = np.minimum(out[:, members].sum(axis=1), self.max_count)
        return out
