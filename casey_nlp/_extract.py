"""Who says each sentence, and whom each demand calls upon.

Both are read off the text with rules, after tagging: the speaker of every
sentence (from attribution lines, inline attributions and reported speech,
carried through quotations), and the addressees of each demand (normalised
against the gazetteer ``data/addressees.csv``). Figures of statistics are in
:mod:`casey_nlp._figures`. The rules and their measured precision and recall
are described in the model card.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from typing import NamedTuple

from ._resources import data_dir

# ------------------------------------------------------------------ speakers


class Speaker(NamedTuple):
    """Who a sentence is attributed to.

    Attributes
    ----------
    person : str or None
        The person as named, without title or role ("Ann Lee").
    organisation : str or None
        Their organisation as the document names it, or the document's own
        organisation for its own text.
    source : str
        How it was found: ``"quotation"`` (the sentence is in a quotation,
        or in the paragraphs after an "X said:" line, whose speaker is named
        in it or before it), ``"attribution"`` (reported speech naming its
        source: "X said the force had failed", "according to X") or
        ``"document"`` (the document's own text).
    attribution : str
        The attribution as written ("Ann Lee, chair of Fairwatch"); the
        organisation for ``"document"``.
    """

    person: str | None
    organisation: str | None
    source: str
    attribution: str

    @property
    def name(self) -> str:
        """The person and organisation as one display string ("Ann Lee, Fairwatch")."""
        return ", ".join(part for part in (self.person, self.organisation) if part)

    def to_dict(self) -> dict:
        """The speaker as plain, JSON-ready types."""
        return {
            "person": self.person,
            "organisation": self.organisation,
            "source": self.source,
            "attribution": self.attribution,
        }


_VERB = (
    r"(?:said|says|added|adds|commented|comments|stated|states|explained|explains|continued|continues"
    r"|warned|warns|responded|responds|told|tells|argued|argues|claimed|claims|insisted|insists)"
)
_QUOTES = "\u201c\u201d\""
# "X, chief executive of Y, said:" as a line of its own, or before the
# quotation in the same sentence.
# Every run is bounded ({1,150}) and the sentence is read with its whitespace
# collapsed (see _one_line), so no pattern here backtracks over a long run;
# tests/test_adversarial.py holds the shapes that once did.
_LEAD_IN = re.compile(rf"^(?P<who>[^{_QUOTES}:]{{1,150}}?),?\s+(?:has\s+|have\s+)?{_VERB}(?:\s+today)?\s*:")
# "... ,” said X." / "... ,” X said." ending the sentence, or followed by more quotation.
_TRAILING = re.compile(
    rf"[\u201d\"]\s+(?:{_VERB}\s+(?P<after>[^{_QUOTES}]{{1,150}}?)|(?P<before>[^{_QUOTES}]{{1,150}}?)\s+{_VERB})"
    r"\s*(?:,\s*[\u201c\"]|\.?\s*$)"
)
# Reported speech: "X said (that) the force ...", "..., X said.", "according to X".
# Fewer verbs than for quotations: "X responds to the report" is a title.
_REPORTED_VERB = (
    r"(?:said|says|told|warned|warns|argued|argues|claimed|claims|insisted|insists|stated|states|added"
    r"|called\s+(?:for|on)|calls\s+(?:for|on)|urged|urges)"
)
# The source of reported speech is a name ("Kath Moreland", "Stun Gun Watch
# director Femi Adeyinka"), perhaps with one appositive ("Chloe Brennan, a
# nursing student,"), or a short noun phrase ("The charity"). Not "One in four
# women told us ..." (a figure), "Many officers said ..." nor "The panel
# found gross misconduct proven and stated ..." (a clause).
_ROLE_NOUN = (
    r"(?:director|chief\s+executive|chair|chairman|chairwoman|head|spokesperson|spokesman|spokeswoman|leader|founder"
    r"|president|secretary|commissioner|minister|manager|campaigner|lawyer|solicitor|coordinator|co-ordinator)"
)
# Each word can be read one way only (a role noun is not also "and" or
# "the"), and at most ten follow the first, so a failed match is given up
# after a bounded number of steps: an earlier version, where "and director"
# could be read two ways, doubled its work with each repetition.
_CAPITALISED = (
    r"[A-Z][\w\u2019'.&-]*(?:\s+(?:[A-Z][\w\u2019'.&-]*|of|for|and|&|the|de|van"
    rf"|{_ROLE_NOUN}(?=\s+[A-Z]))){{0,10}}"  # "Stun Gun Watch director Femi Adeyinka"
)
# "Stun Gun Watch director Femi Adeyinka": organisation, role, then the person.
_ORGANISATION_ROLE_PERSON = re.compile(
    rf"^(?P<organisation>[A-Z][^,]*?)\s+(?:[a-z-]+\s+)?{_ROLE_NOUN}\s+(?P<person>[A-Z][\w\u2019'-]+(?:\s+[A-Z][\w\u2019'-]+){{1,2}})$"
)
_COUNTING = (
    r"(?:One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Eleven|Twelve|Twenty|Thirty|Forty|Fifty|Hundreds|Thousands"
    r"|Many|Most|Some|Half|All|Few|Several|Nearly|Almost|More|Fewer|Over|Around|About|Only|Just"
    r"|A\s+(?:third|quarter|fifth|half|majority|minority|number))\b|\d"
)
_REPORTED_HEAD = re.compile(
    rf"^(?!{_COUNTING})(?P<who>(?:[a-z]+\s+){{0,3}}{_CAPITALISED}(?:,\s[^{_QUOTES},;:]{{2,90}},)?"
    rf"|(?:The|A|An|Its|Their|Our)\s+[a-z\u2019'-]+(?:\s+[a-z\u2019'-]+){{0,2}})"
    rf"\s+(?:has\s+|have\s+|had\s+)?{_REPORTED_VERB}\b(?!\s*:|\s+(?:us|me|our)\b)"
)
_REPORTED_TAIL = re.compile(
    rf",\s+(?:{_REPORTED_VERB}\s+(?P<after>[^{_QUOTES},;]{{2,100}}?)"
    rf"|(?P<before>[^{_QUOTES},;]{{2,100}}?)\s+{_REPORTED_VERB})\.?\s*$"
)
_ACCORDING = re.compile(rf"\b[Aa]ccording to (?P<who>[^{_QUOTES},;.]{{2,100}})")
# "Responding to the report, X said:" - the speaker is after the clause.
_CONTEXT_CLAUSE = re.compile(r"^(?:[A-Z][a-z]+ing|In response to|After|Following)\b[^,]*,\s*")
# "About the Kestrel Trust": the heading of a press release's boilerplate about its issuer.
_ABOUT = re.compile(r"About\s+(?P<who>(?:the\s+)?[A-Z][\w\u2019'&.-]*(?:\s+[\w\u2019'&.()-]+){0,7})")
# A title naming its issuer: "Refuge responds to ...", "Statement from Wexley Police on ...".
_NAME = r"(?:the\s+)?[A-Z][\w\u2019'&.-]*(?:\s+(?:[A-Z][\w\u2019'&.-]*|of|for|and|&|on|the|in)){0,7}?"
_TITLE = re.compile(
    rf"^(?P<who>{_NAME})\s+(?:[Rr]esponds?|[Ww]elcomes?|[Cc]alls|[Rr]eacts?|[Uu]rges?|[Ww]arns?|[Ss]ays|[Ss]tatement"
    rf"|[Ll]aunches|[Pp]ublishes)\b"
    rf"|^(?:Statement|A statement|Response|Open letter|Letter)\s+(?:from|by)\s+(?P<from>{_NAME})(?:\s+(?:on|to|about|in)\b|\s*[:\-\u2013]|$)"
)
_OPENING = ("\u201c", '"')
_MAX_SPEAKER = 120

_PRONOUNS = frozenset("he she they it we i you this that who".split())
# Titles dropped before a person's name; roles dropped around an organisation.
_TITLES = re.compile(
    r"^(?:(?:Chief|Deputy|Assistant|Acting|Detective|Police|Temporary)\s+)*"
    r"(?:Constable|Superintendent|Chief Superintendent|Inspector|Chief Inspector|Sergeant|Commissioner|Commander"
    r"|Dr|Dr\.|Sir|Dame|Baroness|Baron|Lord|Lady|Professor|Prof|Prof\.|Mr|Mr\.|Mrs|Mrs\.|Ms|Ms\.|Miss|Cllr|Councillor"
    r"|Rev|Reverend|DCI|DI|DS|DC|PC|Supt|Ch Supt)\s+"
)
_ROLE_WORDS = frozenset(
    """chief executive officer ceo director head chair chairman chairwoman chairperson president founder co-founder
    spokesperson spokesman spokeswoman lead manager secretary general deputy interim acting national senior policy
    campaigns campaign coordinator co-ordinator trustee member advisor adviser solicitor lawyer partner researcher
    executive of at for from the a an and commissioner constable superintendent inspector leader minister mp
    representative officer's communications public affairs research service services programme strategy operations
    assistant associate principal vice barrister counsel""".split()
)
# Titles that make a phrase a role ("chair of X", "Refuge CEO"), not a name.
_TITLE_WORDS = frozenset(
    """ceo director chair chairman chairwoman chairperson head spokesperson spokesman spokeswoman manager founder
    co-founder president secretary coordinator co-ordinator adviser advisor lead officer executive chief minister
    commissioner mp trustee member leader""".split()
)
_OF = re.compile(r"\s(?:of|at|for|from|with)\s+(?=(?:the\s+)?[A-Z])")
_AT = re.compile(r"\s(?:at|from|with)\s+(?=(?:the\s+)?[A-Z])")
_NAME_TOKEN = re.compile(r"^[A-Z][a-z\u2019'-]+(?:-[A-Z][a-z]+)?$|^[A-Z]\.?$|^(?:de|van|von|der|al|bin|le|la)$")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _clean(who: str | None) -> str | None:
    if not who:
        return None
    who = _one_line(_CONTEXT_CLAUSE.sub("", who.strip())).strip(" ,;")
    return who if 2 <= len(who) <= _MAX_SPEAKER else None


# Capitalised words that end the names of bodies, not people: "Wexley Police".
_BODY_WORDS = frozenset(
    """Police Constabulary Council Service Services Office Department Committee Commission Authority Trust Board
    Inquiry Federation Association Agency Ministry Executive Panel Partnership Foundation Network Coalition Alliance
    Institute Centre Center Project Campaign Union Society Group Charity News Press Watch Forum Fund Families
    Together Parents Survivors Women Voices Action Friends Justice Rights Officers Workers Members""".split()
)


def _looks_like_person(text: str) -> bool:
    tokens = text.split()
    return (2 <= len(tokens) <= 4 and all(_NAME_TOKEN.match(t) for t in tokens) and tokens[0][0].isupper()
            and _BODY_WORDS.isdisjoint(tokens))


def _strip_article(text: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", text.strip(" ,;.'\u2019"), flags=re.I)


# "Director of Service Delivery": the part of the organisation, not the organisation.
_DEPARTMENT_WORDS = frozenset(
    """service services delivery policy policies communications campaigns campaign operations research public affairs
    external strategy development fundraising programmes programme engagement partnerships advocacy legal media
    press digital finance people support practice standards professional safeguarding""".split()
)


def _organisation_in(role: str) -> str | None:
    found = _organisation_in_role(role)
    if found and all(word.lower() in _DEPARTMENT_WORDS | {"and", "&", "of", "the"} for word in found.split()):
        return None
    return found


def _organisation_in_role(role: str) -> str | None:
    """The organisation in a role phrase: "chief executive of Fairwatch", "Refuge CEO"."""
    # "Head of Policy at the Kestrel Trust": the last "at X"; else the first
    # "of X", so "director of the Centre for Women's Justice" keeps its "for".
    match = None
    for match in _AT.finditer(role):
        pass
    if match is None:  # "of X" after a title only: "Association of Custody Officers" is one name
        match = next((m for m in _OF.finditer(role) if role[: m.start()].split()[-1:] and
                      role[: m.start()].split()[-1].lower() in _TITLE_WORDS), None)
    if match:
        candidate = _strip_article(role[match.end():])
        candidate = re.split(r",|\s+(?:who|which|said|says)\b", candidate)[0].strip()
        return candidate or None
    words = role.split()
    if words and words[0][:1].isupper() and not any(w.lower() in _TITLE_WORDS for w in words):
        return _strip_article(role.strip(" ,;.")) or None  # a name with no title in it: the organisation
    # "Refuge CEO", "Fairwatch's director": the capitalised words that are not roles.
    kept = [w for w in words if w.lower().strip("'\u2019s") not in _ROLE_WORDS and w[:1].isupper()]
    if kept and len(kept) == len([w for w in words if w[:1].isupper() and w.lower() not in _ROLE_WORDS]):
        name = " ".join(kept)
        name = re.sub(r"[\u2019']s$", "", name)
        return _strip_article(name) or None
    return None


def parse_attribution(who: str) -> tuple[str | None, str | None]:
    """``(person, organisation)`` of an attribution such as "Ann Lee, chair of Fairwatch".

    >>> parse_attribution("Ann Lee, chair of Fairwatch")
    ('Ann Lee', 'Fairwatch')
    >>> parse_attribution("Ruth Davison, Refuge CEO")
    ('Ruth Davison', 'Refuge')
    >>> parse_attribution("A Home Office spokesperson")
    (None, 'Home Office')
    >>> parse_attribution("Chief Constable Rachel Dunmore of Wexley Police")
    ('Rachel Dunmore', 'Wexley Police')
    """
    head, _, rest = who.partition(",")
    head = head.strip()
    match = _ORGANISATION_ROLE_PERSON.match(head)
    if match:
        return match.group("person"), _strip_article(match.group("organisation"))
    person = organisation = None
    of = _OF.search(head)
    name_part = head[: of.start()].strip() if of else head
    untitled = name_part
    while True:  # "Detective Chief Superintendent Dr Ann Lee"
        shorter = _TITLES.sub("", untitled, count=1)
        if shorter == untitled:
            break
        untitled = shorter
    if _looks_like_person(untitled) or (untitled != name_part and _NAME_TOKEN.match(untitled or "-")):
        person = untitled
        if of:
            organisation = _organisation_in(head[of.start():])
    else:
        organisation = _organisation_in(head)
    if rest and organisation is None:
        # "Chair, Kesterton branch, Association of Custody Officers": the part naming a body, else the first found.
        found = [o for o in (_organisation_in(part.strip()) for part in rest.split(",")) if o]
        organisation = next((o for o in found if not _BODY_WORDS.isdisjoint(o.split())), found[0] if found else None)
    return person, organisation


def _title_organisation(sentence: str) -> str | None:
    match = _TITLE.match(sentence)
    if not match:
        return None
    name = _strip_article(match.group("who") or match.group("from") or "")
    return name if 2 <= len(name) <= _MAX_SPEAKER and name.split()[0].lower() not in _PRONOUNS else None


# Where a document names who issued it, besides an "About X" section and a
# title such as "X responds to ...":
# "Opening remarks by Chief Constable Priya Raman, Calder Valley Constabulary, on ..."
_BY_LINE = re.compile(
    r"^(?:[A-Z][a-z]+\s+)?(?:[Rr]emarks|[Ss]peech|[Ss]tatement|[Aa]ddress|[Ll]etter|[Mm]essage|[Ee]vidence)\s+"
    r"(?:by|from)\s+(?P<who>[A-Z][^:\n]{2,150}?)(?:,?\s+(?:on|to|about|at|in response to)\s+[^,]*)?\s*$"
)
# A wire dateline: "LONDON, 11 November 2024 (Albion Press Association) - ..."
_DATELINE = re.compile(r"^[A-Z][A-Za-z .,'-]{1,60}?\d[^()]{0,40}\((?P<who>[A-Z][^()]{2,80})\)\s*[-\u2013\u2014]")
# "... reports Asian Lite News" closing a sentence.
_REPORTS = re.compile(r"\breports\s+(?P<who>[A-Z][\w'\u2019&]*(?:\s+[A-Z][\w'\u2019&]*){0,5})\s*$")
# A short line of capitalised words near the top, such as a letterhead: "Harbour Minds".
_NAME_LINE = re.compile(
    r"^(?:The\s+)?[A-Z][\w'\u2019&.-]*(?:\s+(?:[A-Z][\w'\u2019&.-]*|of|for|and|&|on|the|in|de)){0,11}$"
)
_NOT_ISSUERS = frozenset("us our this these the me my you your".split())
_NOT_A_NAME = re.compile(
    r"^(?:About|By|From|To|Dear|Sir|Madam|Yours|Published|Updated|Posted|Contact|Notes?|Summary|Embargoed|Blog"
    r"|Briefing|Press|News|Statement|Contents|Introduction|Background|Conclusions?|Recommendations?|Good)\b"
    r"|^[A-Z\s&'-]+$"  # "PRESS RELEASE", "FOR IMMEDIATE RELEASE"
)
# A letter to an editor ("Sir,") is its signatory's; a campaign email ("Dear
# supporter,") speaks for the organisation, so only the first counts.
_SALUTATION = re.compile(r"^(?:Sir|Madam|Dear\s+(?:Sir|Madam|Editor|Sir\s+or\s+Madam)),?\s*$", re.M)
_PREFIX = re.compile(r"^(?:PR|Press release|News|Statement|Update)\s*[:|\-\u2013]\s*", re.I)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _name_line(line: str) -> str | None:
    # Two words at least, and no full stop: "Sure." or "Thank you" is not a letterhead.
    if len(line) > 90 or line.endswith(".") or " " not in line or not _NAME_LINE.match(line) or _NOT_A_NAME.match(line):
        return None
    return _strip_article(line)


def _sign_off(lines: list[str]) -> tuple[str | None, str | None]:
    """The person and organisation signing a letter: a name line, then "Role, Organisation" or an address."""
    tail = lines[-6:]
    for i, line in enumerate(tail):
        person = _TITLES.sub("", line)
        if _looks_like_person(person):
            organisation = None
            # "Chair, Kesterton branch, Association of Custody Officers": the part naming a body;
            # "Holmbrook, Northmoor" is an address, not an organisation.
            for part in reversed((tail[i + 1] if i + 1 < len(tail) else "").split(",")):
                part = _strip_article(part.strip())
                if part and not _BODY_WORDS.isdisjoint(part.split()):
                    organisation = _organisation_in(part) or part
                    break
            return person, organisation
    return None, None


# Notes to editors: "The Hearing Room Trust is a registered charity founded in 2009."
_SELF_DESCRIPTION = re.compile(
    rf"^(?:\d+[.)]\s*)?(?P<who>(?:The\s+)?{_CAPITALISED})\s+is\s+(?:a|an|the)\s+(?:[\w-]+\s+){{0,4}}?"
    r"(?:charity|organisation|organization|campaign|network|trust|coalition|alliance|association|group|institute"
    r"|think[- ]tank|union|federation|membership\s+body|body)\b"
)
def _issuer(text: str, sentences) -> tuple[str | None, str | None, str | None]:
    """``(person, organisation, how)``: see :func:`document_speaker`.

    ``how`` is "by-line", "signature", "about", "title", "dateline",
    "reports", "letterhead" or "notes" (None if nothing was found). A
    dateline or "reports X" names a news agency, whose reporters' sources
    are not its staff.
    """
    lines = _lines(text)
    for line in lines[:3]:
        match = _BY_LINE.match(line) if len(line) <= 300 else None
        if match:
            person, organisation = parse_attribution(match.group("who"))
            if person or organisation:
                return person, organisation, "by-line"
    if _SALUTATION.search("\n".join(lines[:4])):
        person, organisation = _sign_off(lines)
        if person:
            return person, organisation, "signature"
    about = None
    for s in sentences:
        if s.text.startswith("About"):
            match = _ABOUT.fullmatch(s.text.strip())
            if match and not text[text.rfind("\n", 0, s.start) + 1 : s.start].strip():  # a line of its own
                about = _clean(_strip_article(match.group("who")))
                if about and about.split()[0].lower() in _NOT_ISSUERS:  # "About Us", "About this report"
                    about = None
                    continue
                break
    if about and len(about.split()) > 1:
        return None, about, "about"
    for candidate, how in _issuer_candidates(lines, sentences):
        if candidate and (about is None or about.lower() in candidate.lower()):
            return None, candidate, how
    return None, about, "about" if about else None


def _issuer_candidates(lines: list[str], sentences):
    """``(name, how)`` in order of trust, produced lazily: most documents stop at the title."""
    if sentences:
        yield _title_organisation(_PREFIX.sub("", sentences[0].text.strip())), "title"
    for line in lines[:6]:
        for pattern, how in ((_DATELINE, "dateline"), (_REPORTS, "reports")):
            match = pattern.search(line) if len(line) <= 2000 else None
            if match:
                yield _strip_article(match.group("who")), how
    for line in lines[1:5]:
        yield _name_line(line), "letterhead"
    for s in sentences:
        match = _SELF_DESCRIPTION.match(s.text.strip()) if len(s.text) <= 2000 else None
        if match:
            yield _strip_article(match.group("who")), "notes"
            return


def document_speaker(text: str, sentences) -> tuple[str | None, str | None]:
    """``(person, organisation)`` who issued the document, as far as its text says.

    In order: the speaker of a title such as "Remarks by X, Y" or a letter's
    signature; the organisation of an "About X" section (unless it is one
    word such as "the Institute"), of a title such as "X responds to ...",
    of a wire dateline "(X) -", of "... reports X", of a letterhead line
    near the top, or of a note such as "X is a registered charity"; else
    an "About X" of one word.

    >>> from casey_nlp import split_sentences
    >>> text = "Fairwatch responds to the figures\\n\\nThe force must act."
    >>> document_speaker(text, split_sentences(text))
    (None, 'Fairwatch')
    """
    return _issuer(text, sentences)[:2]


def _lead_in_speaker(sentence: str) -> str | None:
    if ":" not in sentence:
        return None
    match = _LEAD_IN.match(sentence)
    return _clean(match.group("who")) if match else None


def _trailing_speaker(sentence: str) -> str | None:
    match = _TRAILING.search(sentence)
    return _clean(match.group("after") or match.group("before")) if match else None


# Every reported-speech pattern needs one of these words; most sentences have none.
_REPORTED_HINT = re.compile(r"\b(?:said|says|told|warn|argue|claim|insist|state|added|call|urge|[Aa]ccording)")


def _reported_speaker(sentence: str) -> str | None:
    """The source of reported speech outside quotation marks, if the sentence names one."""
    if not _REPORTED_HINT.search(sentence):
        return None
    for pattern in (_ACCORDING, _REPORTED_HEAD, _REPORTED_TAIL):
        match = pattern.search(sentence)
        if match:
            who = match.groupdict().get("who") or match.groupdict().get("after") or match.groupdict().get("before")
            return _clean(who)
    return None


_STAFF_ROLE = re.compile(
    r"^(?!.*\bformer\b).*\b(?:director|chief\s+executive|ceo|head|chair|spokes(?:person|man|woman)|manager|founder"
    r"|president|co-?ordinator|adviser|advisor)\b", re.I
)


class _People:
    """The people a document has introduced, so "Lee said" finds Ann Lee of Fairwatch."""

    def __init__(self, employer: str | None = None):
        self.by_surname: dict[str, tuple[str, str | None]] = {}
        self.last: Speaker | None = None
        self.employer = employer  # the issuer, for "X, Director of Service Delivery" in its own release

    def speaker(self, who: str, source: str) -> Speaker | None:
        first = who.split()[0].lower()
        if first in _PRONOUNS or who == who.lower() or _strip_article(who) == _strip_article(who).lower():
            # "she said", "the charity said": the last speaker named, if any
            if self.last is not None and (first in _PRONOUNS or self.last.organisation):
                return self.last._replace(source=source, attribution=who)
            return None
        person, organisation = parse_attribution(who)
        if person is None and organisation in self.by_surname:  # "Lee said": Ann Lee, named before
            person, organisation = self.by_surname[organisation]
        elif person:
            known = self.by_surname.get(person.split()[-1])
            if known and organisation is None:
                person, organisation = (person if len(person.split()) > 1 else known[0]), known[1]
            elif organisation or person.split()[-1] not in self.by_surname:
                self.by_surname[person.split()[-1]] = (person, organisation)
        elif organisation is None:
            organisation = _strip_article(who)  # "the chief constable": kept as written
        if person and organisation is None and self.employer and _STAFF_ROLE.search(who):
            organisation = self.employer
        found = Speaker(person, organisation, source, who)
        self.last = found
        return found


def speakers(text: str, sentences, organisation: str | None = None) -> list[Speaker | None]:
    """Who each sentence is attributed to: a :class:`Speaker` or None, one per sentence.

    A sentence inside a quotation is the quotation's speaker's: the one named
    by an inline attribution in the same quotation ("..., said X.", "X said:
    ...") or else by the nearest attribution before it (a line such as "X,
    chief executive of Y, said:"). Reported speech ("X said the force had
    failed", "according to X") is its source's. Any other sentence is the
    document's organisation's: ``organisation`` if given, else the one the
    text states (:func:`document_speaker`); None when neither is known.
    Only double quotation marks count; a quotation left open at the end of a
    paragraph goes on only if the next paragraph opens with a quotation mark,
    the usual press style.

    Examples
    --------
    >>> from casey_nlp import split_sentences
    >>> text = ('Jo Park, director of Openly, said: "Vetting must be repeated. Every year."\\n'
    ...         "Officers were not vetted.")
    >>> [s and s.name for s in speakers(text, split_sentences(text))]
    ['Jo Park, Openly', 'Jo Park, Openly', None]
    """
    person, stated, how = _issuer(text, sentences)
    organisation = _one_line(organisation) if organisation else stated
    # In a release, staff named by role alone speak for the issuer; in a news story, not for the agency.
    people = _People(organisation if how not in ("dateline", "reports") else None)
    if person:
        people.speaker(f"{person}, {organisation}" if organisation else person, "document")
    blocks: list[int | None] = [None] * len(sentences)  # the quotation or speech each sentence is in, if any
    block_speaker: dict[int, Speaker | None] = {}
    inline: dict[int, Speaker] = {}
    reported: dict[int, Speaker] = {}
    current = None  # speaker of the nearest attribution so far
    inside = False  # in a quotation
    speech = False  # in unquoted speech: after an "X said:" line, or a quotation its writer never closed
    unclosed = False  # that speech is a quotation carried over paragraphs, so its closing mark ends it
    block, previous_end, after_colon_line = -1, 0, False
    own_lines = _own_lines(text, sentences)
    for i, s in enumerate(sentences):
        sentence = _one_line(s.text)  # no long whitespace run reaches the patterns
        new_paragraph = "\n" in text[previous_end : s.start]
        previous_end = s.end
        own_line = own_lines[i]
        if (inside or speech) and _ends_speech(sentence, s, own_line):
            inside = speech = False
        continued = inside and new_paragraph
        if inside and new_paragraph and not sentence.startswith(_OPENING):
            # Press style reopens a quotation at each of its paragraphs. A
            # paragraph that opens no quotation of its own, after one left
            # open, carries on the speech until the closing mark.
            opens = "\u201c" in sentence or ('"' in sentence and sentence.count('"') % 2 == 0)
            speech = unclosed = not opens  # "It must change now.\u201d" still belongs to it, and closes it
            inside = False
        lead_in = _lead_in_speaker(sentence)
        if lead_in:
            current = people.speaker(lead_in, "quotation") or current
            speech = unclosed = False
        if after_colon_line and not sentence.startswith(_OPENING) and not lead_in and not _ends_speech(sentence, s, own_line):
            speech, unclosed = True, False  # "Jayne Butler, CEO of Rape Crisis, says:" then paragraphs without quotation marks
            block += 1
            block_speaker[block] = current
        after_colon_line = bool(lead_in) and not any(q in sentence for q in _QUOTE_MARKS)
        quoted_here = sentence.startswith(_OPENING) or (lead_in and any(q in sentence for q in _OPENING))
        if inside or quoted_here:
            if not inside:
                speech = False
                block += 1
                block_speaker[block] = current
            blocks[i] = block
            trailing = _trailing_speaker(sentence) or (lead_in if quoted_here else None)
            if trailing:
                found = people.speaker(trailing, "quotation")
                if found:
                    inline.setdefault(block, found)
                    current = found
        elif speech:
            blocks[i] = block
        elif not lead_in and not sentence.startswith(_OPENING):  # "X called for the report to be \u201caccepted\u201d"
            who = _reported_speaker(sentence)
            found = people.speaker(who, "attribution") if who else None
            if found:
                reported[i] = found
                current = found
        # A paragraph reopening the quotation (press style) does not open a
        # new one: only the marks after its first count, so its closing mark ends it.
        counted = sentence[1:] if continued and sentence.startswith(_OPENING) else sentence
        opened, closed = counted.count("\u201c"), counted.count("\u201d")
        if speech and unclosed and (closed > opened or counted.count('"') % 2):
            speech = unclosed = False  # the closing mark of the quotation carried over paragraphs
            continue
        if opened != closed:
            inside = opened > closed
        if counted.count('"') % 2:
            inside = not inside
        if inside and blocks[i] is None:  # a quotation opened mid-sentence goes on in the next one
            block += 1
            block_speaker[block] = current
    if person or organisation:
        own = Speaker(person, organisation, "document", ", ".join(p for p in (person, organisation) if p))
    else:
        own = None
    out = []
    for i in range(len(sentences)):
        who = reported.get(i)
        if who is None and blocks[i] is not None:
            who = inline.get(blocks[i]) or block_speaker[blocks[i]]
        out.append(who or own)
    return out


_QUOTE_MARKS = ("\u201c", "\u201d", '"')
_FINAL_PUNCTUATION = tuple(".?!\"')\u201d\u2019:;")
# Lines that end a speech: ENDS, notes to editors, "About X", contact details.
_SPEECH_STOP = re.compile(
    r"^(?:[\W_]*ends[\W_]*$|about\s|notes?\s+to\s+editors?|for\s+(?:more|further)\s+information|media\s+enquiries"
    r"|press\s+office)", re.I
)


def _own_lines(text: str, sentences) -> list[bool]:
    """Which sentences are a line of their own, read off the gaps between sentences (linear in the text)."""
    gaps = [text[a.end : b.start] for a, b in zip(sentences, sentences[1:])]
    starts_line = [True] + ["\n" in gap for gap in gaps]
    ends_line = ["\n" in gap for gap in gaps] + [True]
    return [start and end for start, end in zip(starts_line, ends_line)]


def _ends_speech(sentence: str, s, own_line: bool) -> bool:
    """A line that no speech runs over: a heading (a line of its own with no final punctuation) or a stop line."""
    if _SPEECH_STOP.match(sentence):
        return True
    if getattr(s, "list_item", False) or sentence.endswith(_FINAL_PUNCTUATION):
        return False
    return own_line


# ---------------------------------------------------------------- addressees


class Addressee(NamedTuple):
    """An actor a demand calls upon.

    Attributes
    ----------
    name : str
        The gazetteer's name ("Metropolitan Police Service") when the text
        names a listed body, the text's own name for an unlisted one
        ("Wexley Police"), or ``"unknown"`` when the demand names no one.
    text : str
        The words in the document ("the Met"); "" for unknown.
    start, end : int or None
        Offsets of ``text`` in the document (None for unknown). For a list
        item they may point into the lead-in above it.
    listed : bool
        True when ``name`` comes from the gazetteer.
    """

    name: str
    text: str
    start: int | None
    end: int | None
    listed: bool

    def to_dict(self) -> dict:
        """The addressee as plain, JSON-ready types."""
        return {"name": self.name, "text": self.text, "start": self.start, "end": self.end, "listed": self.listed}


UNKNOWN = "unknown"
_LEAD_IN_REACH = 200_000  # characters searched back for a list item's lead-in
GAZETTEER_FILE = "addressees.csv"


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, str]:
    """Alias to name, read once from ``data/addressees.csv`` (columns name, kind, aliases)."""
    aliases = {}
    with open(data_dir() / GAZETTEER_FILE, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for alias in [row["name"], *row["aliases"].split("|")]:
                aliases.setdefault(alias.strip(), row["name"])
    return aliases


@lru_cache(maxsize=1)
def _kinds() -> dict[str, str]:
    """Name to kind ("force" for a police force, "government", ...), from the gazetteer."""
    with open(data_dir() / GAZETTEER_FILE, encoding="utf-8", newline="") as handle:
        return {row["name"]: row["kind"] for row in csv.DictReader(handle)}


_FORCE_HINT = re.compile(r"Police|Constabulary|Met\b|Scotland Yard|MPS")


def _last_force(sentence: str) -> str | None:
    """The last police force the sentence names, listed ("Metropolitan Police Service") or not ("Wexley Police")."""
    if not _FORCE_HINT.search(sentence):
        return None
    force = None
    for match in _force_mentions().finditer(sentence):
        alias = match.group("alias")
        force = _alias_name(alias) if alias is not None else _strip_article(match.group(0))
    return force


def _alias_pattern(aliases) -> str:
    """One pattern for all ``aliases``, laid out as a trie (see :func:`casey_nlp._figures._one_of`).

    An alias in lower case ("police forces") also matches with a capital
    first letter; one with capitals ("Met") only as written, so "we met" is
    not the Met.
    """
    from ._figures import _one_of

    return _one_of(variant for alias in aliases
                   for variant in ({alias, alias[:1].upper() + alias[1:]} if alias == alias.lower() else {alias}))


def _alias_name(alias: str) -> str:
    """The gazetteer name of an alias as it matched (any case of a lower-case alias's first letter, any spacing)."""
    alias = " ".join(alias.split())
    names = gazetteer()
    return names.get(alias) or names[alias[:1].lower() + alias[1:]]


@lru_cache(maxsize=1)
def _mentions():
    return re.compile(
        rf"(?<![\w-])(?:[Tt]he\s+)?(?P<alias>{_alias_pattern(gazetteer())})(?![\w-])"
        rf"|(?P<unlisted>{_UNLISTED})|(?P<generic>{_GENERIC_FORCE})"
    )


@lru_cache(maxsize=1)
def _force_mentions():
    forces = [alias for alias, name in gazetteer().items() if _kinds().get(name) == "force"]
    return re.compile(
        rf"(?<![\w-])(?:[Tt]he\s+)?(?P<alias>{_alias_pattern(forces)})(?![\w-])"
        r"|(?<![\w-])(?:[A-Z][\w\u2019'&-]+\s+){1,4}(?:Police|Constabulary)(?:\s+Service)?(?![\w-])"
    )


# Bodies the gazetteer cannot know: "Wexley Police", "Northshire County Council";
# a person called upon by title: "Chief Constable Ruth Halloran".
_UNLISTED = (
    r"(?<![\w-])(?:[Tt]he\s+)?(?:[A-Z][\w\u2019'&-]+\s+){1,4}"
    r"(?:Police|Constabulary|Council|Service|Office|Department|Committee|Commission|Authority|Trust|Board"
    r"|Inquiry|Federation|Association|Agency|Ministry|Executive|Panel|Partnership|Foundation)(?![\w-])"
    r"|(?<![\w-])(?:Chief\s+Constable|Police\s+Commissioner|Commissioner|Minister|Secretary|Mayor|Councillor|Cllr)"
    r"\s+(?P<person>[A-Z][a-z\u2019'-]+(?:\s+[A-Z][a-z\u2019'-]+){1,2})(?![\w-])"
)
# "The force must ...": the police force the document is about, resolved in
# extract_all from the last force named before.
_GENERIC_FORCE = r"(?<![\w-])[Tt]he\s+(?:force|police\s+service|constabulary|institution|service)(?![\w-])"
_OBLIGED = (
    r"(?:must|should|shall|needs?\s+to|has\s+to|have\s+to|ought\s+to|has\s+got\s+to|have\s+got\s+to|cannot|can\u2019t"
    r"|can't|can\s+no\s+longer|could\s+not|must\s+not|should\s+not|be\s+(?:required|made|obliged|compelled)\s+to"
    r"|(?:is|are)\s+(?:being\s+)?(?:urged|called\s+on|called\s+upon|asked|expected|required|told|obliged)\s+to"
    r"|(?:has|have)\s+a\s+duty\s+to|will\s+(?:need|have)\s+to|(?:is|are)\s+duty-bound)\b"
)
# What may stand between a body and its obligation: "'s leadership", "across
# England and Wales", "urgently".
_MODAL = re.compile(
    r"^(?:[\u2019']s(?:\s+[a-z][\w-]*){1,2})?"
    r"(?:,?\s+(?:across|in|throughout|nationwide)(?:\s+(?:[A-Z][\w-]*|and|the|all|every|each|of)){0,4},?)?"
    r"(?:\s+(?:also|now|urgently|immediately|finally|then|itself|themselves|too|alone|collectively|together"
    r"|really|still|both|all)){0,3}"
    rf"\s+{_OBLIGED}"
)
_CALL = re.compile(
    r"(?:\bcall(?:s|ed|ing)?\s+(?:on|upon)|\burg(?:e|es|ed|ing)|\bask(?:s|ed|ing)?|\bpress(?:es|ed|ing)?"
    r"|\bimplor(?:e|es|ed|ing)|\bappeal(?:s|ed|ing)?\s+to|\bchalleng(?:e|es|ed|ing)|\bencourag(?:e|es|ed|ing)"
    r"|\bwant(?:s|ed)?|\bexpect(?:s|ed|ing)?|\brecommend(?:s|ed|ing)?(?:\s+that)?|\bdemand(?:s|ed|ing)?\s+that"
    r"|\bwr(?:ote|ite|iting|itten)\s+to|\bletter\s+to|\binvit(?:e|es|ed|ing)|\btell(?:s|ing)?|\bcalling\s+for"
    r"|\blook(?:s|ed|ing)?\s+to)"
    r"(?:\s+(?:both|all|of|on|every|each|its|their|our|local|one|two|three|four|five|six|seven|eight|nine|ten|\d+)){0,3}"
    r"\s+$"
)
_FOR = re.compile(r"\bfor\s+$")
_TO_VERB = re.compile(r"^\s+to\s+[\u201c\u2018\"']?[a-z]")
# "should be brought in by the Met": the agent of a passive obligation.
_PASSIVE_BY = re.compile(
    r"\b(?:must|should|shall|needs?\s+to|has\s+to|have\s+to|ought\s+to)\s+be\b[^.;:]{0,60}\bby\s+$"
)
# "reform of the Met", "a complete overhaul of the Met": the body to be changed.
_CHANGE_OF = re.compile(
    r"\b(?:reform|overhaul|transformation|shake-up|reset|rebuild|changes?)\s+(?:of|to|in|at|within|across)\s+$", re.I
)
_JOIN = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s+)$")
_PREPOSITION = re.compile(r"\b(?:in|of|for|with|by|to|from|about|against|on|at|into|within|across|between)\s+$", re.I)
# "We must act", not "we must see change" (the speaker watching, not acting).
_WE = re.compile(
    r"(?<![\w-])(?P<we>[Ww]e|I)\s+(?:(?:also|now|all)\s+)?(?:must|should|need\s+to|have\s+to|will\s+have\s+to|ought\s+to)"
    r"\s+(?!see\b|hear\b|know\b|feel\b|have\b|get\b|be\b)"
)


def _chains(sentence: str):
    """Mentions of bodies, grouped where only "and", "or" or a comma separates them."""
    chains: list[list[re.Match]] = []
    for match in _mentions().finditer(sentence):
        if chains and _JOIN.match(sentence[chains[-1][-1].end() : match.start()]):
            chains[-1].append(match)
        else:
            chains.append([match])
    return chains


def _called_upon(sentence: str, chain) -> bool:
    first, last = chain[0], chain[-1]
    # A window each side: the patterns look a few words away, and a long
    # sentence with many mentions must not be rescanned for each.
    before, after = sentence[max(0, first.start() - 100) : first.start()], sentence[last.end() : last.end() + 150]
    if _CALL.search(before) or _PASSIVE_BY.search(before) or _CHANGE_OF.search(before):
        return True  # "we urge the Home Secretary and the Mayor", "... be brought in by the Met", "reform of the Met"
    if _FOR.search(before) and _TO_VERB.match(after):
        return True  # "it is time for the Met to act"
    return bool(_MODAL.match(after)) and not _PREPOSITION.search(before)  # "the Met must", not "trust in the Met must"


def _named(match: re.Match, offset: int, force: str | None = None) -> Addressee:
    surface = match.group(0)
    if match.group("generic") is not None:  # "the force": the one named before, else forces in general
        name = force or "police forces"
        return Addressee(name, surface, offset + match.start(), offset + match.end(), name in _kinds())
    if match.group("person") is not None:
        return Addressee(match.group("person"), surface, offset + match.start(), offset + match.end(), False)
    if match.group("alias") is not None:
        name = _alias_name(match.group("alias"))
        return Addressee(name, surface, offset + match.start(), offset + match.end(), True)
    return Addressee(_strip_article(surface), surface, offset + match.start(), offset + match.end(), False)


def _normalised(organisation: str) -> tuple[str, bool]:
    aliases = gazetteer()
    for candidate in (organisation, _strip_article(organisation)):
        for key in (candidate, candidate[:1].lower() + candidate[1:]):
            if key in aliases:
                return aliases[key], True
    return organisation, False


def _addressees_in(sentence: str, offset: int, speaker: Speaker | None, force: str | None = None) -> list[Addressee]:
    found = []
    for chain in _chains(sentence):
        if _called_upon(sentence, chain):
            found.extend(_named(match, offset, force) for match in chain)
    if speaker is not None and speaker.organisation:
        for match in _WE.finditer(sentence):
            name, listed = _normalised(speaker.organisation)
            found.append(Addressee(name, match.group("we"), offset + match.start("we"), offset + match.end("we"), listed))
    unique, seen = [], set()
    for addressee in sorted(found, key=lambda a: a.start):
        if addressee.name not in seen:
            seen.add(addressee.name)
            unique.append(addressee)
    return unique


def addressees(text: str, sentence, speaker: Speaker | None = None, force: str | None = None) -> list[Addressee]:
    """The actors a demand sentence calls upon; ``[Addressee("unknown", ...)]`` if it names none.

    A body is called upon when it is the subject of *must / should / needs
    to* (not after a preposition: "trust in the Met must" does not call on
    the Met), the object of *call on / urge / ask / recommend*, or the X of
    "for X to act"; bodies joined by "and" or commas share that role. "We
    must" calls upon the speaker's organisation. "The force" (or "the
    institution", "the service") is ``force``, the police force the document
    named last, else police forces in general; an obligation in the passive
    calls upon its agent ("should be brought in by the Met"); "reform of
    the Met" calls upon the Met. A list item that names no one takes the
    addressees of its lead-in ("We call on the Government to:").

    Examples
    --------
    >>> from casey_nlp import split_sentences
    >>> text = "We urge the Home Secretary and Scotland Yard to act."
    >>> [(a.name, a.text) for a in addressees(text, split_sentences(text)[0])]
    [('Home Secretary', 'the Home Secretary'), ('Metropolitan Police Service', 'Scotland Yard')]
    >>> text = "This has to change."
    >>> [a.name for a in addressees(text, split_sentences(text)[0])]
    ['unknown']
    """
    found = _addressees_in(sentence.text, sentence.start, speaker, force)
    lead_in = getattr(sentence, "lead_in", "")
    if not found and lead_in:
        position = text.rfind(lead_in, max(0, sentence.start - _LEAD_IN_REACH), sentence.start)
        found = _addressees_in(lead_in, max(position, 0), speaker, force)
        if position < 0:  # the lead-in is not in this text: keep the names, drop the offsets
            found = [a._replace(start=None, end=None) for a in found]
    return found or [Addressee(UNKNOWN, "", None, None, False)]


# ------------------------------------------------------------------ together


class _ForcesNamed:
    """The police force a document named last before each sentence, for "the force must ...".

    Read lazily: only a demand that says "the force" makes the sentences
    before it be scanned, each once.
    """

    def __init__(self, sentences):
        self.sentences, self.scanned, self.force = sentences, 0, None

    def last(self, index: int) -> str | None:
        if not _GENERIC_FORCE_HINT.search(self.sentences[index].text):
            return None  # no "the force" to resolve
        while self.scanned <= index:
            self.force = _last_force(self.sentences[self.scanned].text) or self.force
            self.scanned += 1
        return self.force


_GENERIC_FORCE_HINT = re.compile(r"(?i:the)\s+(?:force|police\s+service|constabulary|institution|service)\b")


def extract_all(text: str, tagged, organisation: str | None = None) -> list:
    """``tagged`` with ``speaker`` on every sentence, ``addressees`` on demands and ``figures`` on statistics.

    ``tagged`` are :class:`casey_nlp.TaggedSentence` of ``text``, in order;
    new ones are returned. Only sentences with those labels pay for the
    addressee and figure rules.
    """
    from ._figures import find_figures

    forces = _ForcesNamed(tagged)
    out = []
    for i, (s, speaker) in enumerate(zip(tagged, speakers(text, tagged, organisation))):
        found = tuple(addressees(text, s, speaker, forces.last(i))) if s.label == "demand" else ()
        figures = tuple(find_figures(s.text, s.start)) if s.label == "statistic" else ()
        out.append(s._replace(speaker=speaker, addressees=found, figures=figures))
    return out
