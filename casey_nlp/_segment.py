"""Sentence segmentation for press releases, offline.

Press releases are not running prose: they have title lines, bullet lists,
attribution lines ending in ':' and quotes that span sentences. We split in two
stages:

1. *Lines into units.* Blank lines, headings (a line with no sentence-final
   punctuation) and list items each start a new unit; a line that continues
   mid-sentence (the next line starts in lower case) is joined to the previous.
2. *Units into sentences* with nltk's Punkt algorithm, built from our own
   parameters so no ``punkt_tab`` download is needed.

Punkt runs on a same-length copy of the text in which curly quotes, non-breaking
spaces and CR are replaced by plain equivalents, so every offset it returns is
an offset into the caller's original string.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

# Lower-case, without the final period, as Punkt stores them.
ABBREVIATIONS = frozenset(
    """
    dr mr mrs ms mx prof sir st no nos vs etc e.g i.e eg ie cf al approx
    u.k u.s u.n e.u a.m p.m
    jan feb mar apr jun jul aug sep sept oct nov dec
    det insp supt ch cllr rt hon gen col lt sgt capt cmdr pc dc ds dci dcs
    co ltd inc plc dept govt fig figs para paras pp p vol ed eds est
    """.split()
)

# Same-length replacements: Punkt sees plain quotes and spaces, offsets survive.
_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u00a0": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\ufeff": " ",  # a byte-order mark left at the start of a text
        "\u200b": " ",
        "\t": " ",
        "\r": " ",  # CRLF: the \n still ends the line; a lone CR is handled below
        "\u2028": "\n",
        "\u2029": "\n",
        "\x0b": "\n",
        "\x0c": "\n",
        "\x85": "\n",
    }
)
_LONE_CR = re.compile(r"\r(?!\n)")

# A list-item marker at the start of a line: a bullet glyph, a dash or star
# followed by a space, or a number/letter with '.' or ')'.
_ITEM_MARKER = re.compile(
    r"[ \t]*(?:[\u2022\u25cf\u25aa\u25e6\u2023\u2043\u00b7\u25a0\u25a1\u27a2\u2013\u2014*-]"
    r"|\(?\d{1,3}[.)]|\(?[a-zA-Z]\))[ \t]+(?=\S)"
)
_SENTENCE_FINAL = tuple(".?!:;\"')]")


class Sentence(NamedTuple):
    """One sentence of a text, with its character offsets.

    ``text == source[start:end]`` always holds.

    Attributes
    ----------
    text : str
        The sentence as it appears in the source (inner line breaks kept).
    start, end : int
        Offsets into the source text.
    list_item : bool
        True when the sentence comes from a bulleted or numbered list item
        (the marker itself is not part of the sentence).
    lead_in : str
        For a list item, the last sentence before the list (typically a
        lead-in such as "Changes must include:"); otherwise "". A list item
        like "External oversight of complaints" is a demand or a finding
        depending on what introduces it.
    """

    text: str
    start: int
    end: int
    list_item: bool = False
    lead_in: str = ""


@lru_cache(maxsize=1)
def _punkt():
    # Imported here so `import casey_nlp` stays fast.
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def _hard_wrapped(lines: list[str]) -> bool:
    """True for text wrapped at a fixed width (e-mail, plain-text releases).

    Web text keeps each paragraph on one long line; wrapped text has many
    lines of 40 to 100 characters, most of them ending mid-sentence.
    """
    long = [line.strip() for line in lines if len(line.strip()) >= 40]
    if len(long) < 4 or max(map(len, long)) > 100:
        return False
    return sum(not line.endswith(_SENTENCE_FINAL) for line in long) >= len(long) / 2


def _units(plain: str):
    """Yield ``(start, end, list_item)`` blocks of lines that Punkt should split."""
    lines = plain.split("\n")
    wrapped = _hard_wrapped(lines)
    unit_start = unit_end = None
    unit_is_item = False
    previous_line = ""
    line_start = 0
    for line in lines:
        line_start, next_start = line_start, line_start + len(line) + 1
        stripped = line.strip()
        if not stripped:
            if unit_start is not None:
                yield unit_start, unit_end, unit_is_item
            unit_start = None
            previous_line = ""
            line_start = next_start
            continue
        marker = _ITEM_MARKER.match(line)
        content_start = line_start + (marker.end() if marker else len(line) - len(line.lstrip()))
        content_end = line_start + len(line.rstrip())
        continues = (
            unit_start is not None
            and not marker
            and not previous_line.endswith(_SENTENCE_FINAL)
            and (wrapped or stripped[0].islower())
        )
        if continues:
            unit_end = content_end
        else:
            if unit_start is not None:
                yield unit_start, unit_end, unit_is_item
            unit_start, unit_end, unit_is_item = content_start, content_end, bool(marker)
        previous_line = stripped
        line_start = next_start
    if unit_start is not None:
        yield unit_start, unit_end, unit_is_item


# Punkt's regular expressions refuse (with a timeout) units of megabytes; no
# real paragraph is that long, so such a unit is cut at a sentence end (or a
# space) before this many characters.
_MAX_UNIT = 20_000


def _pieces(units, plain: str):
    for start, end, list_item in units:
        while end - start > _MAX_UNIT:
            window = plain[start : start + _MAX_UNIT]
            cut = max(window.rfind(". "), window.rfind("\n"))
            if cut <= 0:
                cut = window.rfind(" ")
            cut = _MAX_UNIT if cut <= 0 else cut + 1
            yield start, start + cut, list_item
            start += cut
            while start < end and plain[start].isspace():
                start += 1
        if start < end:
            yield start, end, list_item


def split_sentences(text: str) -> list[Sentence]:
    """Split a press release into sentences with character offsets.

    Headings and attribution lines are sentences of their own, each bullet or
    numbered list item is split on its own (without its marker), and
    abbreviations such as "Dr.", "St." and "e.g." do not end a sentence.
    Runs offline: Punkt is built from casey_nlp's own parameters.

    Parameters
    ----------
    text : str
        The whole text. CRLF line ends, non-breaking spaces and curly quotes
        are fine.

    Returns
    -------
    list of Sentence
        In order; ``text[s.start:s.end] == s.text`` for each. Empty or
        whitespace-only input gives ``[]``.

    Examples
    --------
    >>> from casey_nlp import split_sentences
    >>> text = "Call to act\\nDr. Lee said the Met must change. It has failed."
    >>> [s.text for s in split_sentences(text)]
    ['Call to act', 'Dr. Lee said the Met must change.', 'It has failed.']
    >>> s = split_sentences(text)[1]
    >>> text[s.start:s.end] == s.text
    True
    """
    if not isinstance(text, str):
        raise TypeError(
            f"split_sentences expects a str, got {type(text).__name__}; "
            "decode bytes first, e.g. data.decode('utf-8')"
        )
    # Each pass copies the whole text: skip the one that has nothing to do.
    plain = (_LONE_CR.sub("\n", text) if "\r" in text else text).translate(_PLAIN)
    tokenizer = _punkt()
    sentences = []
    lead_in = ""
    for unit_start, unit_end, list_item in _pieces(_units(plain), plain):
        for rel_start, rel_end in tokenizer.span_tokenize(plain[unit_start:unit_end]):
            start, end = unit_start + rel_start, unit_start + rel_end
            sentence_text = text[start:end]
            sentences.append(Sentence(sentence_text, start, end, list_item, lead_in if list_item else ""))
            if not list_item:
                lead_in = sentence_text
    return sentences
