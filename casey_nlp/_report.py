"""Annotated reports of a press release: self-contained HTML, or Markdown.

Both put a summary first: the demands, findings, statistics and case
studies, each with who said it, a link to its sentence and a visible mark
when the tag is unsure. Then come the legend and the full text, tagged
sentence by sentence, with boilerplate muted.

The HTML page needs nothing but itself: inline CSS, no scripts, no fonts or
images, no links outside the page. Every piece of input text goes through
``html.escape``, so a press release containing ``<script>`` shows it as text.
"""

import html
import re
from collections import Counter
from typing import NamedTuple

from ._extract import _one_line
from ._labels import DISPLAY_ORDER, LABEL_DEFINITIONS, LABEL_TABLE

DEFAULT_TITLE = "Annotated press release"

# A tag the model gives less than this probability is shown as unsure: in a
# user's trial, 5 of a new release's 6 errors scored 0.54 or less.
DEFAULT_MIN_CONFIDENCE = 0.6

_STYLES = {label.name: (label.tint, label.colour, label.underline) for label in LABEL_TABLE}
_LETTERS = {label.name: label.letter for label in LABEL_TABLE}
_FALLBACK_STYLE = ("#f5f0c8", "#7a6a00", "solid")  # for labels a custom model might add
_HEADINGS = {"demand": "Demands", "finding": "Findings", "statistic": "Statistics", "case_study": "Case studies"}
_ANCHORS = {"demand": "demands", "finding": "findings", "statistic": "statistics", "case_study": "case-studies"}

# C0 controls other than tab, newline, carriage return and form feed are
# parse errors in HTML; show them as U+FFFD instead.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _label_order(tagged):
    seen = {s.label for s in tagged}
    extra = sorted(seen - set(DISPLAY_ORDER))
    return [*DISPLAY_ORDER, *extra]


def _summary_labels(tagged):
    return [label for label in _label_order(tagged) if label != "other"]


def _heading(label: str) -> str:
    return _HEADINGS.get(label, label.replace("_", " ").capitalize())


def _anchor(label: str) -> str:
    return _ANCHORS.get(label, "list-" + re.sub(r"[^A-Za-z0-9_-]", "_", label))


def _conf(value: float) -> str:
    return f"{value:.2f}"


def _abbreviation(label: str) -> str:
    return _LETTERS.get(label, label[:1].upper() or "?")


def _mark(s) -> str:
    """The letter shown after a sentence; a question mark flags an unsure tag."""
    return _abbreviation(s.label) + ("?" if getattr(s, "unsure", False) else "")


# ------------------------------------------------------------ who said it

_ENDS = re.compile(r"[\W_]*ends[\W_]*", re.I)


def _who(text: str, tagged, organisation: str | None) -> list:
    """Each sentence's speaker: the extractor's, unless the sentences came without one."""
    from ._extract import speakers

    if tagged and all(getattr(s, "speaker", None) is not None for s in tagged) and organisation is None:
        return [s.speaker for s in tagged]
    return speakers(text, tagged, organisation)


# ------------------------------------------------------------- boilerplate


def boilerplate(tagged) -> list[bool]:
    """Which sentences are boilerplate, to be shown muted.

    The rule: an ``other`` sentence that has one of the feature registry's
    web-boilerplate cues (``cue:boilerplate``: cookies, website, subscribe,
    helpline, ENDS, notes to editors, contact us, ...) or that comes after a
    line reading ENDS, where a press release's notes to editors begin.
    """
    if not tagged:
        return []
    from ._features import FEATURE_NAMES, CueFeatures

    column = FEATURE_NAMES.index("cue:boilerplate")
    cues = CueFeatures().transform([s.text for s in tagged])[:, column]
    out, ended = [], False
    for s, cue in zip(tagged, cues.tolist()):
        out.append(s.label == "other" and (ended or cue > 0))
        ended = ended or bool(_ENDS.fullmatch(s.text.strip()))
    return out


# --------------------------------------------------------------- analysis


class _Analysis(NamedTuple):
    tagged: list
    who: list
    muted: list
    provenance: dict | None
    min_confidence: float | None


def _analyse(text, tagged, provenance=None, organisation=None, min_confidence=None) -> _Analysis:
    return _Analysis(tagged, _who(text, tagged, organisation), boilerplate(tagged), provenance, min_confidence)


def _prepare(text, model, min_confidence, organisation) -> _Analysis:
    from ._classify import _model, check_min_confidence, check_organisation, classify
    from ._persist import model_provenance

    organisation = check_organisation(organisation)
    min_confidence = check_min_confidence(min_confidence)
    if not isinstance(text, str):
        classify(text)  # raises the TypeError that says what to pass
    model = _model(model)
    tagged = classify(text, model=model, min_confidence=min_confidence, organisation=organisation)
    return _Analysis(tagged, [s.speaker for s in tagged], boilerplate(tagged), model_provenance(model), min_confidence)


def _provenance_line(provenance) -> str:
    if not provenance:
        return "model not recorded"
    digest = provenance.get("sha256")
    return (
        f"model {provenance.get('name')} (casey_nlp {provenance.get('version')}; "
        + (f"sha256 {digest}" if digest else "not saved, so no hash")
        + ")"
    )


def _unsure_rule(min_confidence) -> str:
    if min_confidence is None:
        return "No tag is marked unsure (min_confidence is off)."
    return (
        f"Tags with a confidence below {_conf(min_confidence)} are marked unsure (in the text, a ? after "
        "the letter): the tag shown is still the model's best guess, but check it."
    )


# --------------------------------------------------------------------- HTML

# The page frame the report and the digest share.
PAGE_CSS = """
:root { color-scheme: light; }
body { margin: 0; background: #fff; color: #1b1b1b;
  font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 52rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .4rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
h3 { font-size: 1.02rem; margin: 1.2rem 0 .3rem; }
p.meta { color: #555; margin: 0 0 .6rem; font-size: .92rem; }
p.meta code { font-size: .85em; overflow-wrap: anywhere; }
"""

_CSS = PAGE_CSS + """nav { font-size: .95rem; }
nav a, .lists a, .legend a { color: #0b4f8a; }
p.how { color: #444; font-size: .9rem; margin: .2rem 0 .4rem; }
table.legend { border-collapse: collapse; width: 100%; font-size: .92rem; }
table.legend th, table.legend td { text-align: left; vertical-align: top; padding: .35rem .5rem;
  border-bottom: 1px solid #e4e4e4; }
table.legend td.count, table.legend th.count { text-align: right; font-variant-numeric: tabular-nums; }
table.legend tfoot td { font-weight: 600; border-bottom: none; }
.swatch { padding: .1em .3em; border-radius: 3px; white-space: nowrap; }
table.legend td.letter { font-weight: 700; text-align: center; }
.document { white-space: pre-wrap; overflow-wrap: break-word; line-height: 1.9;
  border: 1px solid #ddd; border-radius: 6px; padding: 1rem 1.1rem; background: #fff; }
mark.sentence { color: inherit; padding: .1em .15em; border-radius: 3px;
  -webkit-box-decoration-break: clone; box-decoration-break: clone;
  text-decoration-thickness: 2px; text-underline-offset: .22em; text-decoration-skip-ink: none; }
mark.sentence:target { outline: 3px solid #0b4f8a; outline-offset: 1px; }
mark.sentence.unsure { outline: 1px dashed #555; outline-offset: 1px; }
mark.sentence.boilerplate { background: transparent; color: #6b6b6b; text-decoration: none; }
sup.conf { font-size: .68em; font-weight: 600; color: #333; margin: 0 .2em 0 .1em;
  white-space: nowrap; font-variant-numeric: tabular-nums; }
sup.conf.boilerplate { color: #8a8a8a; font-weight: 400; }
.lists ol { margin: .2rem 0 .6rem; padding-left: 1.6rem; }
.lists li { margin: .5rem 0; }
.lists .said { display: block; }
.lists .about { display: block; color: #555; font-size: .85em; font-variant-numeric: tabular-nums; }
.lists .who { color: #1b1b1b; font-weight: 600; }
.badge { display: inline-block; margin-left: .4em; padding: 0 .35em; border: 1px dashed #555;
  border-radius: 3px; color: #1b1b1b; font-size: .9em; font-weight: 600; }
p.empty { color: #555; font-style: italic; margin: .2rem 0; }
@media print { * { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""


def _h(text: str) -> str:
    """Escape text (or an attribute value) for HTML."""
    return html.escape(_CONTROL.sub("\ufffd", text), quote=True)


def _css_class(label: str) -> str:
    return "label-" + re.sub(r"[^A-Za-z0-9_-]", "_", label)


def _label_css(labels) -> str:
    rules = []
    for label in labels:
        background, colour, underline = _STYLES.get(label, _FALLBACK_STYLE)
        cls = _css_class(label)
        decoration = (
            "text-decoration: none;" if underline == "none"
            else f"text-decoration: underline {underline} {colour};"
        )
        rules.append(f"mark.{cls} {{ background: {background}; {decoration} }}")
        rules.append(
            f".swatch.{cls} {{ background: {background}; {decoration} "
            f"text-decoration-thickness: 2px; text-underline-offset: .22em; "
            f"text-decoration-skip-ink: none; }}"
        )
    return "\n".join(rules)


def _sentence_title(s, muted: bool = False) -> str:
    notes = (", unsure" if getattr(s, "unsure", False) else "") + (", boilerplate" if muted else "")
    return f"{s.label}, confidence {_conf(s.confidence)}{notes}"


def _html_document(text, analysis: _Analysis) -> str:
    """The text with every sentence wrapped in a mark; the gaps kept verbatim."""
    parts, position = [], 0
    for index, (s, muted) in enumerate(zip(analysis.tagged, analysis.muted), 1):
        extra = (" unsure" if getattr(s, "unsure", False) else "") + (" boilerplate" if muted else "")
        title = _h(_sentence_title(s, muted))
        parts.append(_h(text[position:s.start]))
        parts.append(
            f'<mark class="sentence {_css_class(s.label)}{extra}" id="s{index}" '
            f'title="{title}">{_h(text[s.start:s.end])}</mark>'
            f'<sup class="conf{" boilerplate" if muted else ""}" title="{title}">'
            f"{_h(_mark(s))}\u00a0{_conf(s.confidence)}</sup>"
        )
        position = s.end
    parts.append(_h(text[position:]))
    return "".join(parts).strip("\n")


def _html_who(speaker) -> str:
    if speaker is None or not speaker.name:
        return ""
    if speaker.source == "document":
        return f'<span class="who">{_h(speaker.name)}</span> (release text) · '
    return f'<span class="who">{_h(speaker.name)}</span> · '


def _html_list(analysis: _Analysis, label) -> list[str]:
    items = [(i, s, who) for i, (s, who) in enumerate(zip(analysis.tagged, analysis.who), 1) if s.label == label]
    anchor = _anchor(label)
    out = [f'<section class="lists" aria-labelledby="{_h(anchor)}">',
           f'<h3 id="{_h(anchor)}">{_h(_heading(label))} ({len(items)})</h3>']
    if not items:
        out.append(f'<p class="empty">No sentence was tagged {_h(label)}.</p>')
    else:
        out.append("<ol>")
        for index, s, who in items:
            unsure = getattr(s, "unsure", False)
            out.append(
                ('<li class="unsure">' if unsure else "<li>")
                + f'<span class="said">{_h(_one_line(s.text))}</span>'
                f'<span class="about">{_html_who(who)}<span class="conf">confidence {_conf(s.confidence)}</span>'
                + ('<span class="badge">unsure</span>' if unsure else "")
                + f' · <a href="#s{index}">sentence {index} in the text</a></span></li>'
            )
        out.append("</ol>")
    out.append("</section>")
    return out


def _render_html(text: str, tagged, title: str, analysis: _Analysis | None = None) -> str:
    from ._version import __version__

    analysis = analysis or _analyse(text, tagged)
    labels = _label_order(tagged)
    summary = _summary_labels(tagged)
    counts = Counter(s.label for s in tagged)
    provenance = _provenance_line(analysis.provenance)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="casey_nlp ' + _h(__version__) + '">',
        f'<meta name="casey-nlp-model" content="{_h(provenance)}">',
        f"<title>{_h(title)}</title>",
        "<style>" + _CSS + _label_css(labels) + "\n</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{_h(title)}</h1>",
        f'<p class="meta">{len(tagged)} sentences tagged by casey_nlp {_h(__version__)} with '
        f'<span class="model">{_h(provenance)}</span>. '
        "Expect some tags to be wrong, more on texts far from police reform.</p>",
        "<nav>"
        + " · ".join(f'<a href="#{_h(_anchor(label))}">{_h(_heading(label))} ({counts[label]})</a>' for label in summary)
        + ' · <a href="#tags">Tags</a> · <a href="#text">Annotated text</a></nav>',
        '<section aria-labelledby="summary">',
        '<h2 id="summary">Summary</h2>',
        '<p class="how">Under each item: who said it (the speaker of the quotation or speech it is in, named '
        "in the quotation or by the nearest \u201cX said:\u201d before it, or of reported speech; otherwise the "
        "organisation issuing the release, marked release text), the model's confidence, and a link to the sentence in the text. "
        f"{_h(_unsure_rule(analysis.min_confidence))}</p>",
    ]
    for label in summary:
        out += _html_list(analysis, label)
    out += [
        "</section>",
        '<section aria-labelledby="tags">',
        '<h2 id="tags">Tags</h2>',
        '<table class="legend">',
        '<thead><tr><th scope="col">Tag</th><th scope="col">Letter</th><th scope="col">Underline</th>'
        '<th scope="col" class="count">Sentences</th><th scope="col">Meaning</th></tr></thead>',
        "<tbody>",
    ]
    for label in labels:
        underline = _STYLES.get(label, _FALLBACK_STYLE)[2]
        out.append(
            f'<tr><td><span class="swatch {_css_class(label)}">{_h(label)}</span></td>'
            f'<td class="letter">{_h(_abbreviation(label))}</td>'
            f"<td>{_h(underline)}</td>"
            f'<td class="count">{counts[label]}</td>'
            f"<td>{_h(LABEL_DEFINITIONS.get(label, ''))}</td></tr>"
        )
    out += [
        "</tbody>",
        f'<tfoot><tr><td>total</td><td></td><td></td><td class="count">{len(tagged)}</td><td></td></tr></tfoot>',
        "</table>",
        '<p class="how">In the text, the letter and number after each sentence give its tag and the '
        "model's confidence (its probability for that tag); hover over a sentence to see them too. "
        f"{_h(_unsure_rule(analysis.min_confidence))} Grey text is boilerplate (an \u201cother\u201d "
        "sentence with web or press-office wording such as a website, helpline or ENDS, or anything "
        "after ENDS).</p>",
        "</section>",
        '<section aria-labelledby="text">',
        '<h2 id="text">Annotated text</h2>',
    ]
    if tagged:
        out.append(f'<div class="document">{_html_document(text, analysis)}</div>')
    else:
        out.append('<p class="empty">The text has no sentences.</p>')
    out += ["</section>", "</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def report_html(
    text: str,
    *,
    model=None,
    title: str | None = None,
    min_confidence: float | None = DEFAULT_MIN_CONFIDENCE,
    organisation: str | None = None,
) -> str:
    """An annotated report of a press release as one self-contained HTML page.

    The page opens with a summary: the demands, findings, statistics and
    case studies, each with who said it, its confidence (marked *unsure*
    below ``min_confidence``) and a link to its sentence. Below come a
    legend with the counts per tag and the text with its layout kept (line
    breaks, bullets and everything between sentences), each sentence
    highlighted by its tag with the tag's letter and confidence beside it
    and in a tooltip; boilerplate is muted. The page names the model that
    produced it (name, version, sha256). It uses inline CSS only: no
    scripts, no external fonts, images or links. All input text is
    HTML-escaped.

    Who said it: the sentence's speaker as :func:`casey_nlp.classify` finds
    it. A sentence inside a quotation, or in the paragraphs after an "X
    said:" line, is that speaker's; reported speech ("X said the force had
    failed") is its source's; any other sentence is the organisation's
    (``organisation``, or the one the release names: "About X", a title
    such as "X responds to ...", a letterhead), or nobody's when none is
    known.
    Boilerplate: an ``other`` sentence with a web-boilerplate cue (website,
    cookies, helpline, ENDS, notes to editors, ...) or after a line reading
    ENDS.

    Parameters
    ----------
    text : str
        The whole press release.
    model : SentenceClassifier, optional
        Defaults to the shipped model.
    title : str, optional
        Page title and heading (default ``"Annotated press release"``).
    min_confidence : float or None, default=0.6
        Tags whose confidence is below it are marked unsure; their label is
        still the model's best guess. None marks nothing.
    organisation : str, optional
        Who issued the release, for sentences outside quotations; by
        default taken from an "About X" heading, if there is one.

    Returns
    -------
    str
        An HTML5 document (UTF-8; write it with ``encoding="utf-8"``).

    Raises
    ------
    TypeError
        If ``text`` or ``organisation`` is not a str.
    ValueError
        If ``min_confidence`` is outside 0 to 1.

    Examples
    --------
    >>> import casey_nlp
    >>> page = casey_nlp.report_html("The Met must change. <b>ENDS</b>", title="Demo")
    >>> page.startswith("<!DOCTYPE html>")
    True
    >>> page.count('<mark class="sentence label-demand')
    1
    >>> "&lt;b&gt;ENDS&lt;/b&gt;" in page and "<b>" not in page
    True
    >>> page.index('id="demands"') < page.index('id="text"')  # the summary comes first
    True
    """
    analysis = _prepare(text, model, min_confidence, organisation)
    return _render_html(text, analysis.tagged, DEFAULT_TITLE if title is None else str(title), analysis)


# ----------------------------------------------------------------- Markdown

# "_" inside a word (case_study) never starts emphasis, so only escape it at
# a word boundary.
_MD_INLINE = re.compile(r"([\\`*\[\]|~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
_MD_ENTITY = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")


def _md(text: str) -> str:
    """One line of Markdown showing ``text`` literally (also safe in a table cell)."""
    text = _one_line(_CONTROL.sub("\ufffd", text))
    text = _MD_ENTITY.sub("&amp;", text)
    text = _MD_INLINE.sub(r"\\\1", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    # A leading #, -, +, = or "1." would start a heading, list or rule.
    if text[:1] in ("#", "+", "=", "-"):
        text = "\\" + text
    match = re.match(r"(\d+)([.)])", text)
    if match:
        text = match.group(1) + "\\" + text[len(match.group(1)):]
    return text


def _md_who(speaker) -> str:
    if speaker is None or not speaker.name:
        return ""
    return f"{_md(speaker.name)}{', release text' if speaker.source == 'document' else ''}; "


def _render_markdown(tagged, title: str, analysis: _Analysis | None = None) -> str:
    from ._version import __version__

    analysis = analysis or _Analysis(tagged, [None] * len(tagged), [False] * len(tagged), None, None)
    labels = _label_order(tagged)
    counts = Counter(s.label for s in tagged)
    out = [
        f"# {_md(title)}",
        "",
        f"{len(tagged)} sentences tagged by casey_nlp {__version__} with "
        f"{_md(_provenance_line(analysis.provenance))}. Confidence is the model's probability for the "
        "chosen tag; expect some tags to be wrong. "
        f"{_md(_unsure_rule(analysis.min_confidence))}",
        "",
        "## Summary",
        "",
        "Who said it: the speaker of the quotation or speech the sentence is in (named in the quotation or in "
        "the nearest \u201cX said:\u201d before it) or of reported speech; otherwise the organisation that issued "
        "the release, marked (release text), when the text names it.",
    ]
    for label in _summary_labels(tagged):
        items = [(i, s, who) for i, (s, who) in enumerate(zip(tagged, analysis.who), 1) if s.label == label]
        out += ["", f"### {_md(_heading(label))} ({len(items)})", ""]
        if not items:
            out.append(f"No sentence was tagged {_md(label)}.")
        for number, (index, s, who) in enumerate(items, 1):
            unsure = ", **unsure**" if getattr(s, "unsure", False) else ""
            out.append(
                f"{number}. {_md(s.text)} ({_md_who(who)}sentence {index}, confidence {_conf(s.confidence)}{unsure})"
            )
    out += [
        "",
        "## Tags",
        "",
        "| mark | tag | sentences | meaning |",
        "|---|---|---:|---|",
    ]
    for label in labels:
        out.append(
            f"| {_md(_abbreviation(label))} | {_md(label)} | {counts[label]} "
            f"| {_md(LABEL_DEFINITIONS.get(label, ''))} |"
        )
    out.append(f"| | **total** | **{len(tagged)}** | |")
    out += ["", "## Sentences", ""]
    if not tagged:
        out.append("The text has no sentences.")
    else:
        out += ["A ? after the mark: the tag is unsure.", ""]
        out += ["| # | mark | tag | confidence | sentence |", "|---:|---|---|---:|---|"]
        for index, s in enumerate(tagged, 1):
            out.append(
                f"| {index} | {_md(_mark(s))} | {_md(s.label)} "
                f"| {_conf(s.confidence)} | {_md(s.text)} |"
            )
    out.append("")
    return "\n".join(out)


def report_markdown(
    text: str,
    *,
    model=None,
    title: str | None = None,
    min_confidence: float | None = DEFAULT_MIN_CONFIDENCE,
    organisation: str | None = None,
) -> str:
    """An annotated report of a press release as Markdown.

    The same content as :func:`report_html`, with the same rules for who
    said what and for unsure tags: a title and the model that produced the
    report; a summary of the demands, findings, statistics and case studies
    with who said each, its sentence number and confidence; a table of the
    tags with their counts; then every sentence with its tag and confidence
    (a ``?`` after the mark when the tag is unsure). Input text is escaped
    so that it shows literally (a leading ``#`` makes no heading, ``|`` does
    not break a table, ``<script>`` is shown as text); line breaks inside a
    sentence become spaces. Boilerplate is not muted: Markdown has no grey.

    Parameters
    ----------
    text : str
        The whole press release.
    model : SentenceClassifier, optional
        Defaults to the shipped model.
    title : str, optional
        The top-level heading (default ``"Annotated press release"``).
    min_confidence : float or None, default=0.6
        Tags whose confidence is below it are marked unsure. None marks
        nothing.
    organisation : str, optional
        Who issued the release, for sentences outside quotations.

    Returns
    -------
    str
        GitHub-flavoured Markdown.

    Raises
    ------
    TypeError
        If ``text`` or ``organisation`` is not a str.
    ValueError
        If ``min_confidence`` is outside 0 to 1.

    Examples
    --------
    >>> import casey_nlp
    >>> md = casey_nlp.report_markdown("The Met must change. ENDS", title="Demo", min_confidence=None)
    >>> md.splitlines()[0]
    '# Demo'
    >>> [line.split(" | ")[1:3] for line in md.splitlines() if line.startswith("| 1 |")]
    [['D', 'demand']]
    """
    analysis = _prepare(text, model, min_confidence, organisation)
    return _render_markdown(analysis.tagged, DEFAULT_TITLE if title is None else str(title), analysis)
