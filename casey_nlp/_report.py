"""Annotated reports of a press release: self-contained HTML, or Markdown.

The HTML page needs nothing but itself: inline CSS, no scripts, no fonts or
images, no links outside the page. Every piece of input text goes through
``html.escape``, so a press release containing ``<script>`` shows it as text.
"""

from __future__ import annotations

import html
import re
from collections import Counter

from ._labels import DISPLAY_ORDER, LABEL_DEFINITIONS, LABEL_TABLE

__all__ = ["report_html", "report_markdown"]

DEFAULT_TITLE = "Annotated press release"

_STYLES = {label.name: (label.tint, label.colour, label.underline) for label in LABEL_TABLE}
_LETTERS = {label.name: label.letter for label in LABEL_TABLE}
_FALLBACK_STYLE = ("#f5f0c8", "#7a6a00", "solid")  # for labels a custom model might add

# C0 controls other than tab, newline, carriage return and form feed are
# parse errors in HTML; show them as U+FFFD instead.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

_CSS = """
:root { color-scheme: light; }
body { margin: 0; background: #fff; color: #1b1b1b;
  font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 52rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .4rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
p.meta { color: #555; margin: 0 0 1rem; font-size: .92rem; }
nav { font-size: .95rem; }
nav a, .lists a { color: #0b4f8a; }
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
sup.conf { font-size: .68em; font-weight: 600; color: #333; margin: 0 .2em 0 .1em;
  white-space: nowrap; font-variant-numeric: tabular-nums; }
.lists li { margin: .35rem 0; }
.lists .conf { color: #555; font-size: .85em; white-space: nowrap; font-variant-numeric: tabular-nums; }
p.empty { color: #555; font-style: italic; }
@media print { * { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""


def _tagged(text, model):
    from ._classify import classify

    return classify(text, model=model)


def _label_order(tagged):
    seen = {s.label for s in tagged}
    extra = sorted(seen - set(DISPLAY_ORDER))
    return [*DISPLAY_ORDER, *extra]


def _conf(value: float) -> str:
    return f"{value:.2f}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _abbreviation(label: str) -> str:
    return _LETTERS.get(label, label[:1].upper() or "?")


# --------------------------------------------------------------------- HTML


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


def _sentence_title(s) -> str:
    return f"{s.label}, confidence {_conf(s.confidence)}"


def _html_document(text, tagged) -> str:
    """The text with every sentence wrapped in a mark; the gaps kept verbatim."""
    parts, position = [], 0
    for index, s in enumerate(tagged, 1):
        parts.append(_h(text[position:s.start]))
        parts.append(
            f'<mark class="sentence {_css_class(s.label)}" id="s{index}" '
            f'title="{_h(_sentence_title(s))}">{_h(text[s.start:s.end])}</mark>'
            f'<sup class="conf" title="{_h(_sentence_title(s))}">'
            f"{_h(_abbreviation(s.label))}\u00a0{_conf(s.confidence)}</sup>"
        )
        position = s.end
    parts.append(_h(text[position:]))
    return "".join(parts).strip("\n")


def _html_list(tagged, label, heading, anchor) -> list[str]:
    items = [(i, s) for i, s in enumerate(tagged, 1) if s.label == label]
    out = [f'<section class="lists" aria-labelledby="{anchor}">',
           f'<h2 id="{anchor}">{_h(heading)} ({len(items)})</h2>']
    if not items:
        out.append(f'<p class="empty">No sentence was tagged {_h(label)}.</p>')
    else:
        out.append("<ol>")
        for index, s in items:
            out.append(
                f'<li><a href="#s{index}">{_h(_one_line(s.text))}</a> '
                f'<span class="conf">(confidence {_conf(s.confidence)})</span></li>'
            )
        out.append("</ol>")
    out.append("</section>")
    return out


def _render_html(text: str, tagged, title: str) -> str:
    from . import __version__

    labels = _label_order(tagged)
    counts = Counter(s.label for s in tagged)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="casey_nlp ' + _h(__version__) + '">',
        f"<title>{_h(title)}</title>",
        "<style>" + _CSS + _label_css(labels) + "\n</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{_h(title)}</h1>",
        f'<p class="meta">{len(tagged)} sentences tagged by casey_nlp {_h(__version__)}. '
        "The letter and number after each sentence give its tag (see the table) and the model's confidence "
        "(its probability for that tag); hover over a sentence to see them too. "
        "Expect some tags to be wrong, more on texts far from police reform.</p>",
        '<nav><a href="#tags">Tags</a> · <a href="#text">Annotated text</a> · '
        f'<a href="#demands">Demands ({counts["demand"]})</a> · '
        f'<a href="#statistics">Statistics ({counts["statistic"]})</a></nav>',
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
        "</section>",
        '<section aria-labelledby="text">',
        '<h2 id="text">Annotated text</h2>',
    ]
    if tagged:
        out.append(f'<div class="document">{_html_document(text, tagged)}</div>')
    else:
        out.append('<p class="empty">The text has no sentences.</p>')
    out.append("</section>")
    out += _html_list(tagged, "demand", "Demands", "demands")
    out += _html_list(tagged, "statistic", "Statistics", "statistics")
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def report_html(text: str, *, model=None, title: str | None = None) -> str:
    """An annotated report of a press release as one self-contained HTML page.

    The page shows the text with its layout kept (line breaks, bullets and
    everything between sentences) and each sentence highlighted by its tag,
    with the tag's letter and confidence beside it and in a tooltip; a
    legend with the counts per tag; and the demands and statistics pulled
    out with their confidences. It uses inline CSS only: no scripts, no
    external fonts, images or links. All input text is HTML-escaped.

    Parameters
    ----------
    text : str
        The whole press release.
    model : SentenceClassifier, optional
        Defaults to the shipped model.
    title : str, optional
        Page title and heading (default ``"Annotated press release"``).

    Returns
    -------
    str
        An HTML5 document (UTF-8; write it with ``encoding="utf-8"``).

    Raises
    ------
    TypeError
        If ``text`` is not a str.

    Examples
    --------
    >>> import casey_nlp
    >>> page = casey_nlp.report_html("The Met must change. <b>ENDS</b>", title="Demo")
    >>> page.startswith("<!DOCTYPE html>")
    True
    >>> page.count('<mark class="sentence label-demand"')
    1
    >>> "&lt;b&gt;ENDS&lt;/b&gt;" in page and "<b>" not in page
    True
    """
    tagged = _tagged(text, model)
    return _render_html(text, tagged, DEFAULT_TITLE if title is None else str(title))


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


def _render_markdown(tagged, title: str) -> str:
    from . import __version__

    labels = _label_order(tagged)
    counts = Counter(s.label for s in tagged)
    out = [
        f"# {_md(title)}",
        "",
        f"{len(tagged)} sentences tagged by casey_nlp {__version__}. Confidence is the "
        "model's probability for the chosen tag; expect some tags to be wrong.",
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
    for label, heading in (("demand", "Demands"), ("statistic", "Statistics")):
        items = [(i, s) for i, s in enumerate(tagged, 1) if s.label == label]
        out += ["", f"## {heading} ({len(items)})", ""]
        if not items:
            out.append(f"No sentence was tagged {label}.")
        for number, (index, s) in enumerate(items, 1):
            out.append(
                f"{number}. {_md(s.text)} (sentence {index}, confidence {_conf(s.confidence)})"
            )
    out += ["", "## Sentences", ""]
    if not tagged:
        out.append("The text has no sentences.")
    else:
        out += ["| # | mark | tag | confidence | sentence |", "|---:|---|---|---:|---|"]
        for index, s in enumerate(tagged, 1):
            out.append(
                f"| {index} | {_md(_abbreviation(s.label))} | {_md(s.label)} "
                f"| {_conf(s.confidence)} | {_md(s.text)} |"
            )
    out.append("")
    return "\n".join(out)


def report_markdown(text: str, *, model=None, title: str | None = None) -> str:
    """An annotated report of a press release as Markdown.

    The same content as :func:`report_html`: a title, a table of the tags
    with their counts, the demands and the statistics with their
    confidences, then every sentence with its tag and confidence. Input text
    is escaped so that it shows literally (a leading ``#`` makes no heading,
    ``|`` does not break a table, ``<script>`` is shown as text); line breaks
    inside a sentence become spaces.

    Parameters
    ----------
    text : str
        The whole press release.
    model : SentenceClassifier, optional
        Defaults to the shipped model.
    title : str, optional
        The top-level heading (default ``"Annotated press release"``).

    Returns
    -------
    str
        GitHub-flavoured Markdown.

    Raises
    ------
    TypeError
        If ``text`` is not a str.

    Examples
    --------
    >>> import casey_nlp
    >>> md = casey_nlp.report_markdown("The Met must change. ENDS", title="Demo")
    >>> md.splitlines()[0]
    '# Demo'
    >>> [line.split(" | ")[1:3] for line in md.splitlines() if line.startswith("| 1 |")]
    [['D', 'demand']]
    """
    tagged = _tagged(text, model)
    return _render_markdown(tagged, DEFAULT_TITLE if title is None else str(title))
