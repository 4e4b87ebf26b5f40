"""Figures: the measured quantities in a ``statistic`` sentence.

A figure is a number that reports something measured about the world, as the
guideline defines it (``data/GUIDELINE.md``, "Figures (statistic sentences)"):
a percentage, a ratio or fraction, a multiple, a rate or a count, with the
qualifier in front of it ("more than", "almost") and, for a rate, its unit.
Numbers that measure nothing are not figures: dates, years, times, phone
numbers, page counts, ages, section or recommendation numbers, ordinals, list
numbering, time windows ("over the past five years") and vague amounts
("thousands", "dozens", "hundreds of").

The search runs over the lower-cased sentence in two precompiled parts.
``_FIGURE`` reads forwards from each number: it either *skips* a number
that is not a measurement (a date, a year, a phone number, a list number),
so that nothing inside it is read as a figure, or reads the number and lets
what follows decide the kind. Alternatives come in order of precedence,
because at any one position the first that matches wins: a ratio ("14 out
of 15") before the counts inside it, a percentage ("7 per cent") before a
rate ("12 per 100,000"), a rate ("three times a week") before a multiple
("three times more likely"). ``_BEFORE`` then reads backwards from the
figure's start, on the reversed sentence, for the words just before it: a
hedge, or a context that makes the number no figure ("aged", "section",
"the past").

This runs on every sentence tagged ``statistic``, so it is built for speed:
a sentence with no digit and no number word is turned away by a single
search; word lists are compiled as tries, so the engine drops a position
after a character or two; ``_FIGURE`` starts only where a number can begin;
and the context before a number is one anchored match rather than a
search.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import NamedTuple

from ._features import _DATE_OR_PHONE

FIGURE_KINDS = ("percentage", "ratio", "multiple", "rate", "count")


class Figure(NamedTuple):
    """One measured quantity in a sentence.

    Attributes
    ----------
    text : str
        The number expression as it stands in the sentence, without the
        hedge and without the counted noun: ``"7%"``, ``"40 per cent"``,
        ``"£2.5 million"``, ``"two-thirds"``, ``"three times"``. A ratio keeps
        both of its numbers (``"one in four"``, ``"14 out of 15"``) and a
        rate runs from its number to the end of its unit, counted noun
        included (``"three women a week"``, ``"12 per 100,000 people"``).
        Always ``sentence[start - offset : end - offset]``.
    start, end : int
        Offsets of ``text`` in the document: the ``offset`` given to
        :func:`find_figures` plus the position in the sentence.
    kind : str
        One of :data:`FIGURE_KINDS`: ``"percentage"``, ``"ratio"`` (also
        fractions such as "half" or "a fifth"), ``"multiple"`` ("twice as
        likely", "three times more", "double the rate", "threefold"),
        ``"rate"`` (a number per unit of time or of population) or
        ``"count"`` (anything else: people, cases, money, days).
    value : float
        A percentage or ratio as a fraction (7% gives 0.07, "one in four"
        0.25); a multiple as its factor ("twice" gives 2.0); a count or rate
        as the number, money without its currency ("£2.5 million" gives
        2500000.0, "three women a week" 3.0).
    hedge : str
        The qualifier just before the number, lower-cased with single
        spaces ("more than", "almost", "up to", "an estimated", "some"), or
        ``""``. Emphasis that does not loosen the number ("only", "just")
        is not a hedge.
    per : str
        For a rate, its unit, lower-cased with single spaces (``"week"``,
        ``"100,000 people"``, ``"two minutes"``); ``""`` for other kinds.
    """

    text: str
    start: int
    end: int
    kind: str
    value: float
    hedge: str
    per: str

    def to_dict(self) -> dict:
        """The figure as a plain dict of JSON-ready values, fields in order.

        Returns
        -------
        dict
            Keys ``text, start, end, kind, value, hedge, per``.
        """
        return self._asdict()


def _one_of(phrases: Iterable[str]) -> str:
    """A group matching any of ``phrases`` as written (a space matches any run of whitespace).

    The phrases are laid out as a trie (``t(?:en|h(?:ird|ree))`` rather than
    ``ten|third|three``): the engine tries a group's alternatives one by one,
    and with shared prefixes factored out it drops a position after a
    character or two instead of after every phrase. Where one phrase is a
    prefix of another the longer is tried first, as in a list sorted
    longest first; callers add ``\\b`` where a whole word is meant.
    """
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}  # a phrase ends here
    return f"(?:{_trie_pattern(trie)})"


def _trie_pattern(node: dict) -> str:
    branches = [
        (r"\s+" if char == " " else re.escape(char)) + _trie_pattern(child)
        for char, child in sorted(node.items())
        if char
    ]
    if not branches:
        return ""
    if "" in node:
        return f"(?:{'|'.join(branches)})?"
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


# --- Words -----------------------------------------------------------------

_UNITS = "one two three four five six seven eight nine".split()
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = "hundred thousand million billion trillion".split()
_FRACTION_WORDS = "half third quarter fifth sixth seventh eighth ninth tenth".split()
_MULTIPLE_WORDS = {
    "twice": 2.0, "double": 2.0, "doubled": 2.0, "treble": 3.0, "trebled": 3.0,
    "triple": 3.0, "tripled": 3.0, "quadruple": 4.0, "quadrupled": 4.0,
}
_TIME_UNITS = "second minute hour day week fortnight month quarter year decade".split()
# Qualifiers that loosen or bound a number.
_HEDGES = (
    "just over", "just under", "well over", "well under", "a little over", "a little under",
    "slightly more than", "slightly fewer than", "slightly less than", "far more than",
    "many more than", "no more than", "no fewer than", "no less than", "more than", "fewer than",
    "less than", "at least", "at most", "up to", "as many as", "as few as", "as much as",
    "an estimated", "estimated", "approximately", "approx.", "roughly", "around", "about",
    "almost", "nearly", "close to", "in excess of", "upwards of", "over", "under", "above",
    "below", "some", "barely",
)
_REFERENCE_WORDS = (
    "section", "sections", "chapter", "chapters", "recommendation", "recommendations",
    "paragraph", "paragraphs", "para", "paras", "article", "articles", "page", "pages", "p.", "pp.",
    "part", "parts", "clause", "clauses", "schedule", "schedules", "annex", "annexes", "appendix",
    "appendices", "figure", "figures", "fig.", "table", "tables", "regulation", "regulations",
    "rule", "rules", "volume", "volumes", "vol.", "question", "questions", "item", "items",
    "stage", "stages", "phase", "phases", "step", "steps", "level", "levels", "tier", "tiers",
    "no.", "number",
)
_AGE_WORDS = ("aged", "age", "ages")
# Words that make the number after them a point in a period ("the past five
# years", "the first half of 2023") rather than a measurement.
_PERIOD_WORDS = (
    "past", "last", "previous", "preceding", "next", "coming", "first", "second", "final",
    "following", "latter",
)
_MONTHS = (
    "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june",
    "jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october", "nov",
    "november", "dec", "december",
)
_CALL_WORDS = ("call", "calls", "called", "calling", "dial", "dialled", "dialling", "ring", "ringing")
_EMERGENCY_NUMBERS = ("999", "101", "111")

# --- Numbers ---------------------------------------------------------------

_TIME_UNIT = _one_of(_TIME_UNITS)
_SMALL_WORD_LETTERS = rf"(?:{_one_of(_TENS)}(?:[- ]{_one_of(_UNITS)})?|{_one_of(_TEENS + _UNITS)})"
_SMALL_WORD = rf"{_SMALL_WORD_LETTERS}\b"
_SCALE_OR_DOZEN = _one_of([*_SCALES, "dozen"])
_WORD_NUMBER = (
    rf"\b(?:{_SMALL_WORD}|a(?=\s+{_SCALE_OR_DOZEN}\b)|half\s+a(?=\s+{_SCALE_OR_DOZEN}\b))"
    rf"(?:\s+{_SCALE_OR_DOZEN}\b|(?<=hundred)\s+and\s+{_SMALL_WORD})*"
)
# Digits stand alone: not inside a word or code ("m25", "covid-19", "4g"),
# not an ordinal ("5th"), not half of "24/7", not the front of a longer
# decimal or grouped number. A scale may follow: "2.5 million", "£3bn".
_DIGIT_NUMBER = (
    r"(?<![\w.,/])(?<![^\W\d_]-)(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
    rf"(?:(?:bn|m|k)\b|\s+{_one_of(_SCALES)}\b)?(?![\w/]|[.,]\d)"
)
# Atomic: once read, a number is not taken apart again when what follows
# it fails to match, which would only find shorter numbers that fail too.
_NUMBER = rf"(?>(?:[£$€]\s?)?{_DIGIT_NUMBER}|{_WORD_NUMBER})"
_YEAR_DIGITS = r"(?:1[89]|20)\d\d"
_PERCENT = r"(?:%|(?:per\s?cent|percent|percentage\s+points?)\b)"

# --- Numbers that are not measurements, known from the number on ----------

_YEAR = (  # "in 2022", "the 1990s", "2022/23", "2019-2021"; not "£2000" or "2000%"
    rf"(?<![\w£$€.,/]){_YEAR_DIGITS}(?:s\b|\s?[-–/]\s?(?:{_YEAR_DIGITS}|\d\d)(?!\d))?"
    rf"(?!\w|[.,]\d|\s?{_PERCENT}|\s+{_one_of(_SCALES)}\b)"
)
_LIST_NUMBER = r"(?<=^ )\s*\(?\d{1,3}[.)](?=\s)"  # "1. " opening a list item (after the space put first)
_CLOCK_OR_DATE = (  # what _DATE_OR_PHONE leaves: "10.30am", "10 am", "10 a.m.", "14:00", "6/4/2023", "24/7"
    r"(?>\d{1,2})(?:[:.]\d{2}\s?[ap]\.?m\b\.?|\s?[ap]\.m\.|\s(?:am|pm)\b|:\d{2}\b"
    r"|/\d{1,2}(?:/\d{2,4})?\b|[.-]\d{1,2}[.-]\d{2,4}\b)"
)
_EMERGENCY_CALLS = rf"{_one_of(_EMERGENCY_NUMBERS)}(?=\s+(?:calls?|line|number|service)\b)"  # "999 calls"
# _DATE_OR_PHONE reads lower-cased text, as the sentence is here.
_SKIP = f"(?:{_DATE_OR_PHONE.pattern})|{_CLOCK_OR_DATE}|{_YEAR}|{_LIST_NUMBER}|{_EMERGENCY_CALLS}"

# --- What follows a number -------------------------------------------------

_FRACTION_NAME = _one_of([*_FRACTION_WORDS, *(word + "s" for word in _FRACTION_WORDS[1:])])
_COMPARATIVE = _one_of(
    "as more less fewer higher lower greater larger bigger smaller longer shorter likelier worse "
    "better faster slower the that what over".split()
)
# Words that may sit between a rate's number and its unit ("three women are
# killed a week"): anything but the small words that carry the sentence on
# to something else ("two officers in a year", "five over a week").
_RATE_GAP_WORD = (
    r"(?!"
    + _one_of(
        "a an the and or but of in on at to for by with from than that which who this these those "
        "per each every over under within during after before since about around into across "
        "throughout ago last past next".split()
    )
    + r"\b)[^\W\d_]+(?:-[^\W\d_]+)*"
)
_POPULATION = _one_of(
    "people population residents inhabitants londoners women men girls boys children adults "
    "officers staff employees households victims cases crimes complaints reports incidents "
    "arrests calls searches".split()
)
_PER_ONE = _one_of(
    "head capita person resident household officer victim woman man child case crime complaint "
    "report incident arrest call search force".split()
)
# "a week later", "a year ago", "a year-long", "a day's" are times, not units.
_NOT_A_UNIT = r"(?!\s+(?:later|earlier|ago|before|after|on|into|long|old)\b|['’-])"
_RATE_UNIT_OF_TIME = rf"(?:{_NUMBER}[- ]|{_NUMBER}\s+)?{_TIME_UNIT}s?\b{_NOT_A_UNIT}"
# A fraction quantifies what follows ("half of all", "a third of those"),
# unlike "on behalf of", "half-hearted", "a third party", "a quarter of an
# hour"; unless it is hedged, a fraction without this is no figure.
_QUANTITY_FOLLOWS = (
    r"(?=\s+(?:of|the|all|those|these|their|its|our|his|her|them)\b)(?!\s+of\s+an?\s+(?:hour|day|century)\b)"
)

# Every figure and every skipped number starts after a character that is
# not part of a word (the sentence gets a space put in front), at a digit, a
# currency sign, "(" or "+" of a number, or one of these words. The pattern
# therefore opens by consuming that one character: the engine then skips in
# a tight loop to the next space or punctuation mark, and the guard that
# follows checks the next word in one cheap step, sparing the full
# expression at nearly every position. "fold" is the one ending written on
# to a number word ("threefold").
_FIRST_WORDS = {
    *_UNITS, *_TEENS, *_TENS, *_MULTIPLE_WORDS, "half", "once", "every",
    *(f"a {word}" for word in (*_SCALES, "dozen", *_FRACTION_WORDS)),
}
_GUARD = rf"\W(?=[\d£$€(+]|(?<=^ )\s|{_one_of(_FIRST_WORDS)}(?:fold)?\b)"

# A figure led by a number is read in one pass: the number first, then what
# follows it decides the kind, so the number is parsed once however many
# kinds are tried. Each reading is a named group, the last to close in its
# match (so ``Match.lastgroup`` names it); ``_READINGS`` maps it to its kind
# and to the group where the figure's text starts. "skip" and
# "not_a_figure" consume numbers that measure nothing.
_FIGURE = re.compile(
    rf"{_GUARD}(?:(?P<skip>{_SKIP})"
    # The top of a fraction ("three quarters", "one third") is read below.
    rf"|(?P<number>{_NUMBER})(?!\s+{_FRACTION_NAME}\b)(?:"
    rf"(?P<ratio>\s+(?:in\s+(?:every\s+)?(?!{_YEAR_DIGITS}\b)|out\s+of\s+(?:every\s+)?)(?P<denominator>{_NUMBER}))"
    # The first end of a range ("40-50%", "from 40 to 50 per cent") is a
    # percentage too, without the sign the second end carries for both.
    rf"|(?P<percentage>\s?{_PERCENT}|(?=\s?(?:[-–]|to)\s?{_NUMBER}\s?{_PERCENT}))"
    # An age ("15-year-old", "18-24-year-olds") or a period ("a 5 year period").
    rf"|(?P<not_a_figure>(?:\s?(?:-|–|to)\s?{_NUMBER})?[- ]years?[- ]olds?\b|\s+{_TIME_UNIT}s?\s+period\b)"
    rf"|(?P<rate>(?>\s+{_RATE_GAP_WORD}){{0,3}}?\s+(?:(?:an?|each|every|per)\s+(?P<per_time>{_RATE_UNIT_OF_TIME})"
    rf"|per\s+(?P<per_population>{_NUMBER}(?:\s+(?:of\s+the\s+)?{_POPULATION}\b)?|{_PER_ONE}\b)))"
    rf"|(?P<times>\s+times(?=\s+{_COMPARATIVE}\b))"
    # Days, months, years: a count, unless the words before make it a period.
    rf"|(?P<duration>(?=\s+{_TIME_UNIT}s?\b))"
    r"|(?P<count>(?!-[^\W\d_])))"  # not a compound modifier: "a 12-month pilot", "a ten-point plan"
    rf"|(?P<repeat>\b(?:once|twice)\b)(?:(?P<repeat_rate>\s+(?:an?|each|every|per)\s+(?P<repeat_per>{_RATE_UNIT_OF_TIME}))"
    rf"|(?P<repeat_multiple>(?<=twice)(?=\s+{_COMPARATIVE}\b))|(?P<repeat_count>(?<=twice)))"
    rf"|(?P<interval>\bevery\s+(?P<interval_per>{_NUMBER}\s+{_TIME_UNIT}s\b))"
    rf"|(?P<fold>(?:(?<![\w.])\d+(?:\.\d+)?|\b{_SMALL_WORD_LETTERS})-?fold\b)"
    r"|(?P<double>\b(?:double|treble|triple|quadruple)(?=\s+(?:the|that|what|its|their)\b)"
    r"|\b(?:doubled|trebled|tripled|quadrupled)\b)"
    rf"|(?P<fraction>\b(?:(?:(?:a|one)[- ])?{_one_of(_FRACTION_WORDS)}"
    rf"|{_one_of(_UNITS)}[- ]{_FRACTION_NAME})"
    rf"\b(?!-)(?P<quantifies>{_QUANTITY_FOLLOWS})?))",
)
# The group that names a match's reading: (kind, group where the text starts).
_READINGS = {
    "ratio": ("ratio", "number"),
    "percentage": ("percentage", "number"),
    "rate": ("rate", "number"),
    "times": ("multiple", "number"),
    "duration": ("count", "number"),
    "count": ("count", "number"),
    "repeat_rate": ("rate", "repeat"),
    "repeat_multiple": ("multiple", "repeat"),
    "repeat_count": ("count", "repeat"),
    "interval": ("rate", "interval"),
    "fold": ("multiple", "fold"),
    "double": ("multiple", "double"),
    "fraction": ("ratio", "fraction"),
}

# --- What comes before a figure --------------------------------------------
# Read backwards: matched on the reversed sentence at the figure's start, so
# one anchored match finds the words just before it, however long they are.
# The patterns are written reversed ("dega" is "aged").

_REVERSED_HEDGE = _one_of(phrase[::-1] for phrase in _HEDGES)
_REVERSED_REFERENCE_ID = rf"(?:[a-z]?\d+(?:\.\d+)*|{_one_of(word[::-1] for word in _UNITS + _TEENS + _TENS)})"
_IN_A_YEARLIKE = re.compile(r"\s+in\s+(?:1[89]|20)\d\d\b")
_BEFORE = re.compile(
    # "aged 15", "aged between 16 and 24", "the age of 10"; "aged about 15"
    # is a hedge with this before it (see find_figures).
    rf"(?P<age>(?:\s?(?:-|–|ot|dna)\s?\d+)?\s+(?:neewteb\s+)?(?:fo\s+)?{_one_of(word[::-1] for word in _AGE_WORDS)}\b)"
    # "section 5", "recommendations 3 and 4", "paragraph 2.1", "pages 12-14"
    # At most eight numbers back: a list of 4,000 numbers must not be rescanned for each.
    rf"|(?P<reference>(?:\s?(?:,|dna|ro|ot|-|–|&)\s?{_REVERSED_REFERENCE_ID}){{0,8}}\s?"
    rf"{_one_of(word[::-1] for word in _REFERENCE_WORDS)}\b)"
    rf"|(?P<month>\s\.?{_one_of(word[::-1] for word in _MONTHS)}\b)"  # "april 6"
    # The rest are one word or phrase after a space, told apart by a trie each.
    rf"|\s+(?:(?P<call>(?:ro\s+{_one_of(_EMERGENCY_NUMBERS)}\s+)*{_one_of(word[::-1] for word in _CALL_WORDS)})"
    rf"|(?P<period>{_one_of(word[::-1] for word in _PERIOD_WORDS)})"  # "past five years", "first half"
    # A time window: "in five years", "within 28 days", "over the 12 months"
    r"|(?P<window>(?:eht\s+)?(?:ni|gnirud|ssorca|tuohguorht|nihtiw)|eht\s+(?:revo|rof))"
    rf"|(?P<hedge>{_REVERSED_HEDGE}))\b"
)

# A digit, or a word that can start or make a number; no closing \b, so
# "thirds", "doubled" and "fourfold" pass too. Most sentences fail here.
_MAYBE_FIGURE = re.compile(
    rf"\d|\b{_one_of([*_UNITS, *_TEENS, *_TENS, *_SCALES, 'dozen', *_FRACTION_WORDS, *_MULTIPLE_WORDS, 'once'])}"
)

# --- Values ----------------------------------------------------------------

_WORD_VALUES = {word: float(value) for value, word in enumerate([*_UNITS, *_TEENS], start=1)} | {
    word: float(value) for value, word in zip(range(20, 100, 10), _TENS)
}
_SCALE_VALUES = {
    "hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "k": 1e3, "m": 1e6, "bn": 1e9,
}
_DENOMINATORS = {word: float(value) for value, word in enumerate(_FRACTION_WORDS, start=2)}
_DIGITS_AND_SCALE = re.compile(r"[£$€]?\s*([\d,]+(?:\.\d+)?)\s*([a-z]*)")
_WORD_SEPARATOR = re.compile(r"[\s-]+")


def _number_value(words: str) -> float:
    """The value of a lower-cased number expression matched by ``_NUMBER``, "once" or "twice"."""
    if words[-1].isdigit() and words[0].isdigit():  # the common case: "1,071", "7.5"
        return float(words.replace(",", ""))
    digits = _DIGITS_AND_SCALE.match(words)
    if digits:
        return float(digits[1].replace(",", "")) * _SCALE_VALUES.get(digits[2], 1.0)
    if words == "once":
        return 1.0
    if words == "twice":
        return 2.0
    total = current = 0.0
    for word in _WORD_SEPARATOR.split(words):
        if word in _WORD_VALUES:
            current += _WORD_VALUES[word]
        elif word == "half":
            current = 0.5
        elif word == "a":  # "a million"; after "half" ("half a million") it adds nothing
            current = current or 1.0
        elif word == "hundred" or word == "dozen":
            current = (current or 1.0) * (100.0 if word == "hundred" else 12.0)
        elif word in _SCALE_VALUES:
            total += (current or 1.0) * _SCALE_VALUES[word]
            current = 0.0
    return total + current


def _fraction_value(words: str) -> float:
    """The value of a fraction matched by ``_FIGURE``: "half", "a third", "two-thirds", "three quarters"."""
    parts = _WORD_SEPARATOR.split(words)
    numerator = _WORD_VALUES.get(parts[0], 1.0) if len(parts) == 2 else 1.0  # "a third", "one third": 1
    return numerator / _DENOMINATORS[parts[-1].removesuffix("s")]


def _rules_out(context: str, reading: str, number: str) -> bool:
    """Whether the words before a number (a ``_BEFORE`` group other than the hedge) make it no figure."""
    if context == "call":  # "call 999", but "call 40 witnesses"
        return number in _EMERGENCY_NUMBERS
    if context == "period":  # "the past five years", "the first half"
        return reading == "duration" or reading == "fraction"
    if context == "window":  # "within 28 days", but "in 40 cases"
        return reading == "duration"
    return True  # an age, a reference, a month


def find_figures(sentence: str, offset: int = 0) -> list[Figure]:
    """Find the measured quantities in a sentence.

    Parameters
    ----------
    sentence : str
        One sentence, typically one tagged ``statistic``.
    offset : int, default 0
        Where the sentence starts in its document; added to every
        ``start`` and ``end``.

    Returns
    -------
    list of Figure
        In the order they appear, never overlapping. One figure per
        quantity: "14 out of 15" is one ratio, not the counts 14 and 15.

    Notes
    -----
    The text of a rate runs from its number to its unit, counted noun
    included ("three women a week"), so the unit is never cut off from the
    number it belongs to. "every two minutes" with no number before it is a
    rate of one per two minutes. Bare "one" is not a count: in "one of the
    officers" or "one woman told us" it picks out, it does not measure.
    "twice" or "three times" is a multiple when it compares ("twice as
    likely", "three times the rate"); otherwise it counts occurrences
    ("reported twice" is a count of 2, "arrested five times" a count of
    5). The lower end of a range takes the upper end's per cent sign
    ("40-50%" gives 40% and 50%). A bare four-digit number from 1900 to
    2099 is read as a year, also as the second number of "1 in 2000";
    write "2,000 officers" for the count. A number with a unit of time is a
    count ("waited over 400 days") unless the words before it make it the
    period measured over ("in the past five years", "within 28 days", "over
    the 12 months").

    Examples
    --------
    >>> for figure in find_figures("Almost 7% of reports led to a charge, and one in four women waited over a year."):
    ...     print(figure.text, figure.kind, figure.value, repr(figure.hedge))
    7% percentage 0.07 'almost'
    one in four ratio 0.25 ''
    >>> find_figures("Three women a week are killed.", offset=10)[0]
    Figure(text='Three women a week', start=10, end=28, kind='rate', value=3.0, hedge='', per='week')
    >>> find_figures("The 2022 report, at paragraph 12, names thousands of victims.")
    []
    """
    lowered = sentence.lower()
    if len(lowered) != len(sentence):  # only "İ" lower-cases to two characters
        lowered = sentence.replace("\u0130", "i").lower()
    if not _MAYBE_FIGURE.search(lowered):
        return []
    spaced = " " + lowered  # see _GUARD; positions in it are one more than in the sentence
    backwards = spaced[::-1]
    figures = []
    for match in _FIGURE.finditer(spaced):
        reading = match.lastgroup
        if reading not in _READINGS:  # a skipped number, an age, a period
            continue
        kind, first_group = _READINGS[reading]
        start = match.start(first_group)
        number = match[first_group]
        hedge = ""
        before = _BEFORE.match(backwards, len(spaced) - start)
        if before is not None:
            context = before.lastgroup
            if context == "hedge":
                behind_hedge = _BEFORE.match(backwards, before.end())
                if behind_hedge is not None and behind_hedge.lastgroup == "age":  # "aged about 15"
                    continue
                hedge = " ".join(before["hedge"][::-1].split())
            elif _rules_out(context, reading, number):
                continue
        per = ""
        if reading == "count" or reading == "duration":
            if number == "one":  # a bare "one" picks out ("one of the officers"), it does not count
                continue
            if number == "1" and _IN_A_YEARLIKE.match(spaced, match.end()):  # "1 in 2000": a ratio, not a count
                continue
            value = _number_value(number)
        elif reading == "percentage":
            value = _number_value(number) / 100.0
        elif reading == "ratio":
            denominator = _number_value(match["denominator"])
            if not denominator:
                continue
            value = _number_value(number) / denominator
        elif reading == "fraction":
            if not hedge and match["quantifies"] is None:
                continue
            value = _fraction_value(number)
        elif reading == "rate" or reading == "repeat_rate" or reading == "interval":
            value = 1.0 if reading == "interval" else _number_value(number)
            per = match["per_time"] or match["per_population"] or match["repeat_per"] or match["interval_per"]
            per = " ".join(per.split())
        elif reading == "times":
            value = _number_value(number)
        elif reading == "fold":
            value = _number_value(number[:-4].rstrip("-"))
        else:  # "twice" as a count or multiple, "double", "tripled"
            value = _MULTIPLE_WORDS[number]
        if not math.isfinite(value):  # 400 digits overflow a float; JSON has no infinity
            continue
        start, end = start - 1, match.end() - 1  # the reading runs to the end of the match
        figures.append(Figure(sentence[start:end], offset + start, offset + end, kind, value, hedge, per))
    return figures
