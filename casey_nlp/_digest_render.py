"""The digest as an HTML page, Markdown, JSON-ready dicts and CSV rows."""

from __future__ import annotations

from ._report import PAGE_CSS, _h, _md, _provenance_line
from ._spreadsheet import spreadsheet_safe


def _figure_words(group_or_citation) -> str:
    """"7%" / "one in four" as written, with the hedge: "fewer than 7%"."""
    citation = group_or_citation.citations[0] if hasattr(group_or_citation, "citations") else group_or_citation
    return f"{citation.hedge} {citation.text}".strip()


def _value(kind: str, value: float, per: str) -> str:
    """The normalised value, written for people: 0.07 as "7%", 3 a week as "3 per week"."""
    if kind in ("percentage", "ratio"):
        return f"{value * 100:.3g}%"
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.3g}"
    if kind == "multiple":
        return f"{number}\u00d7"
    return f"{number} per {per}" if per else number


def _folder(d) -> str:
    """The folder every source is in, if it is one on this machine: the page names files relative to it."""
    import os

    sources = [x.source for x in d.demands] + [c.source for g in d.figures for c in g.citations]
    try:
        folder = os.path.commonpath([os.path.dirname(source) or "." for source in sources]) if sources else ""
    except ValueError:  # absolute and relative paths mixed
        return ""
    return folder if folder not in ("", ".") and os.path.isdir(folder) else ""


def _source(source: str, folder: str = "") -> str:
    """``source`` relative to ``folder``, whose name says nothing to a reader of the page."""
    import os

    return os.path.relpath(source, folder) if folder and source.startswith(folder) else source


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _counts(counter) -> str:
    return ", ".join(f"{name} ({n})" for name, n in counter.most_common())


def _summary(d) -> str:
    n_figures = sum(len(g.citations) for g in d.figures)
    return (
        f"{d.documents} statements, {d.sentences:,} sentences: {len(d.demands)} demands in {len(d.themes)} "
        f"themes from {len(d.organisations)} organisations, and {n_figures} figures ({len(d.figures)} distinct)."
    )


# --------------------------------------------------------------------- dicts


def _demand_dict(demand, theme: int | None = None) -> dict:
    row = {"text": demand.text, "organisation": demand.organisation, "speaker": demand.speaker,
           "addressees": list(demand.addressees), "source": demand.source, "index": demand.index,
           "confidence": demand.confidence}
    if theme is not None:
        row["theme"] = theme
    return row


def _citation_dict(c) -> dict:
    return {"figure": c.text, "hedge": c.hedge, "kind": c.kind, "value": c.value, "per": c.per,
            "sentence": c.sentence, "organisation": c.organisation, "source": c.source, "index": c.index}


def digest_dict(d) -> dict:
    """The digest as plain, JSON-ready types."""
    theme_of = {id(demand): i for i, theme in enumerate(d.themes) for demand in theme.demands}
    return {
        "title": d.title,
        "documents": d.documents,
        "sentences": d.sentences,
        "errors": [{"source": source, "error": why} for source, why in d.errors],
        "model": d.model,
        "themes": [
            {"theme": i, "name": t.name, "terms": list(t.terms), "organisations": dict(t.organisations.most_common()),
             "demands": [_demand_dict(x) for x in t.demands]}
            for i, t in enumerate(d.themes)
        ],
        "organisations": [
            {"organisation": name,
             "demands": [{"addressee": addressee, "demands": [_demand_dict(x, theme_of.get(id(x))) for x in items]}
                         for addressee, items in entry["demands"].items()],
             "figures": [_citation_dict(c) for c in entry["figures"]]}
            for name, entry in d.organisations.items()
        ],
        "figures": [
            {"kind": g.kind, "value": g.value, "per": g.per, "organisations": g.organisations,
             "citations": [_citation_dict(c) for c in g.citations]}
            for g in d.figures
        ],
    }


CSV_COLUMNS = ["row", "organisation", "source", "index", "text", "addressees", "theme", "figure", "kind", "value",
               "per", "figure_group", "cited_by", "model", "model_version", "model_sha256"]


def digest_csv_rows(d, *, escape: bool = True):
    """One row per demand (``row=demand``) and per figure cited (``row=figure``), columns :data:`CSV_COLUMNS`."""
    safe = spreadsheet_safe if escape else str
    model = {"model": safe(d.model["name"]), "model_version": safe(d.model["version"]),
             "model_sha256": d.model["sha256"] or ""}
    blank = dict.fromkeys(CSV_COLUMNS, "")
    for i, theme in enumerate(d.themes):
        for x in theme.demands:
            yield {**blank, "row": "demand", "organisation": safe(x.organisation), "source": safe(x.source),
                   "index": x.index, "text": safe(x.text), "addressees": safe("; ".join(x.addressees)),
                   "theme": safe(f"{i}: {theme.name}"), **model}
    for g, group in enumerate(d.figures):
        for c in group.citations:
            yield {**blank, "row": "figure", "organisation": safe(c.organisation), "source": safe(c.source),
                   "index": c.index, "text": safe(c.sentence), "figure": safe(f"{c.hedge} {c.text}".strip()),
                   "kind": c.kind, "value": c.value, "per": safe(c.per), "figure_group": g,
                   "cited_by": len(group.organisations), **model}


# ---------------------------------------------------------------------- HTML

# A theme of a large corpus can hold thousands of demands; the page lists the
# first ones under the theme (all are under their organisations).
THEME_ITEMS_SHOWN = 100

_CSS = PAGE_CSS + """
main { max-width: 60rem; }
h4 { font-size: .95rem; margin: .9rem 0 .2rem; color: #333; }
p.how { color: #555; font-size: .92rem; margin: .2rem 0 .5rem; }
a { color: #0b4f8a; }
table { border-collapse: collapse; width: 100%; font-size: .93rem; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid #e4e4e4; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.figure { font-weight: 700; white-space: nowrap; }
ul.items { margin: .2rem 0 .6rem; padding-left: 1.3rem; }
ul.items li { margin: .45rem 0; }
.about { display: block; color: #555; font-size: .85em; }
.who { color: #1b1b1b; font-weight: 600; }
.to { display: inline-block; margin-right: .3em; padding: 0 .35em; border-radius: 3px;
  background: #e8f0fa; color: #0b3d6b; font-size: .85em; }
details { margin: .4rem 0 .8rem; }
summary { cursor: pointer; font-weight: 600; }
article.org { border-top: 1px solid #e4e4e4; padding-top: .2rem; }
p.empty { color: #555; font-style: italic; }
@media print { details { display: block; } }
"""


def _html_demand(x, folder: str, with_organisation: bool = True) -> str:
    who = f'<span class="who">{_h(x.speaker or x.organisation)}</span> · ' if with_organisation else ""
    to = "".join(f'<span class="to">{_h(a)}</span>' for a in x.addressees if a != "unknown")
    return (f"<li>{_h(x.text)}<span class=\"about\">{who}{to}{_h(_source(x.source, folder))}, sentence {x.index + 1}"
            "</span></li>")


def _html_citation(c, folder: str, with_organisation: bool = True) -> str:
    who = f'<span class="who">{_h(c.organisation)}</span> · ' if with_organisation else ""
    return (f"<li><b>{_h(_figure_words(c))}</b> ({_h(c.kind)}, {_h(_value(c.kind, c.value, c.per))}): "
            f"{_h(c.sentence)}<span class=\"about\">{who}{_h(_source(c.source, folder))}, sentence {c.index + 1}</span></li>")


def digest_html(d) -> str:
    """The digest as one self-contained page: inline CSS, no scripts, nothing fetched."""
    from ._version import __version__

    provenance = _provenance_line(d.model)
    organisations = d.organisations
    folder = _folder(d)
    out = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="casey_nlp {_h(__version__)}">',
        f'<meta name="casey-nlp-model" content="{_h(provenance)}">',
        f"<title>{_h(d.title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>", "<main>",
        f"<h1>{_h(d.title)}</h1>", f'<p class="meta">{_h(_summary(d))}</p>',
        f'<p class="meta">Tagged by casey_nlp: {_h(provenance)}. Every sentence was tagged by a model, and '
        "speakers, addressees and figures were read off by rules; check a quotation against its source before "
        "you use it.</p>",
        '<nav>Contents: <a href="#themes">What is demanded</a> · <a href="#organisations">Who demands what of '
        'whom</a> · <a href="#figures">Figures cited</a></nav>',
    ]
    out += ['<section aria-labelledby="themes">', '<h2 id="themes">What is demanded: themes</h2>',
            '<p class="how">Demands grouped automatically by the words they share; each theme is named by its '
            "most distinctive terms.</p>"]
    if not d.themes or not d.demands:
        out.append('<p class="empty">No sentence was tagged as a demand.</p>')
    else:
        out += ["<table>", '<thead><tr><th>Theme</th><th class="n">Demands</th><th>Raised by</th></tr></thead>',
                "<tbody>"]
        for i, theme in enumerate(d.themes):
            out.append(f'<tr><td><a href="#theme-{i + 1}">{_h(theme.name)}</a></td>'
                       f'<td class="n">{len(theme.demands)}</td><td>{_h(_counts(theme.organisations))}</td></tr>')
        out += ["</tbody>", "</table>"]
        for i, theme in enumerate(d.themes):
            out += [f'<details id="theme-{i + 1}"><summary>{_h(theme.name)}: {_plural(len(theme.demands), "demand")} '
                    f"from {_plural(len(theme.organisations), 'organisation')}</summary>", '<ul class="items">']
            out += [_html_demand(x, folder) for x in theme.demands[:THEME_ITEMS_SHOWN]]
            if len(theme.demands) > THEME_ITEMS_SHOWN:  # each is also under its organisation below
                out.append(f'<li class="more">and {len(theme.demands) - THEME_ITEMS_SHOWN:,} more: every demand '
                           "is listed under its organisation below, and in the CSV and JSON formats</li>")
            out += ["</ul>", "</details>"]
    out.append("</section>")
    out += ['<section aria-labelledby="organisations">', '<h2 id="organisations">Who demands what of whom</h2>',
            '<p class="how">Each organisation\'s demands, grouped by whom they call upon ("unknown": the '
            "demand names no one), and the figures it cites.</p>"]
    if not organisations:
        out.append('<p class="empty">No demands or figures were found.</p>')
    for name, entry in organisations.items():
        n_demands = sum(map(len, entry["demands"].values()))
        out += ['<article class="org">', f"<h3>{_h(name)}</h3>",
                f'<p class="meta">{_plural(n_demands, "demand")}, {_plural(len(entry["figures"]), "figure")}</p>']
        for addressee, items in entry["demands"].items():
            heading = "Calling on no one named" if addressee == "unknown" else f"Calling on {addressee}"
            out += [f"<h4>{_h(heading)} ({len(items)})</h4>", '<ul class="items">']
            out += [_html_demand(x, folder, with_organisation=False) for x in items]
            out.append("</ul>")
        if entry["figures"]:
            out += [f"<h4>Figures cited ({len(entry['figures'])})</h4>", '<ul class="items">']
            out += [_html_citation(c, folder, with_organisation=False) for c in entry["figures"]]
            out.append("</ul>")
        out.append("</article>")
    out.append("</section>")
    out += ['<section aria-labelledby="figures">', '<h2 id="figures">Figures cited</h2>',
            '<p class="how">Every figure in a sentence tagged as a statistic. A figure cited by several '
            "statements (same kind, value and unit, in sentences that share words) is shown once with all its "
            "sources.</p>"]
    if not d.figures:
        out.append('<p class="empty">No figures were found.</p>')
    else:
        out += ["<table>", '<thead><tr><th>Figure</th><th>Value</th><th>As cited</th><th>Cited by</th></tr></thead>',
                "<tbody>"]
        for group in d.figures:
            first = group.citations[0]
            sources = "; ".join(f"{c.organisation} ({_source(c.source, folder)}, sentence {c.index + 1})"
                                for c in group.citations)
            out.append(f'<tr><td class="figure">{_h(_figure_words(group))}</td>'
                       f"<td>{_h(group.kind)}, {_h(_value(group.kind, group.value, group.per))}</td>"
                       f"<td>{_h(first.sentence)}</td><td>{_h(sources)}</td></tr>")
        out += ["</tbody>", "</table>"]
    out.append("</section>")
    if d.errors:
        out += ["<h2>Not read</h2>", '<ul class="items">']
        out += [f"<li>{_h(why)}</li>" for _, why in d.errors]
        out.append("</ul>")
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


# ------------------------------------------------------------------ Markdown


def digest_markdown(d) -> str:
    """The digest as Markdown, in the page's order."""
    provenance = _provenance_line(d.model)
    folder = _folder(d)
    out = [f"# {_md(d.title)}", "", _md(_summary(d)), "", f"Tagged by casey_nlp: {_md(provenance)}.", "",
           "## What is demanded: themes", ""]
    if not d.demands:
        out += ["No sentence was tagged as a demand.", ""]
    for theme in d.themes:
        out += [f"### {_md(theme.name)} ({len(theme.demands)})", "",
                f"Raised by: {_md(_counts(theme.organisations))}", ""]
        out += [f"- {_md(x.text)} ({_md(x.organisation)}; {_md(_source(x.source, folder))}, sentence {x.index + 1})"
                for x in theme.demands]
        out.append("")
    out += ["## Who demands what of whom", ""]
    for name, entry in d.organisations.items():
        out += [f"### {_md(name)}", ""]
        for addressee, items in entry["demands"].items():
            heading = "Calling on no one named" if addressee == "unknown" else f"Calling on {addressee}"
            out += [f"**{_md(heading)}** ({len(items)})", ""]
            out += [f"- {_md(x.text)} ({_md(_source(x.source, folder))}, sentence {x.index + 1})" for x in items]
            out.append("")
        if entry["figures"]:
            out += [f"**Figures cited** ({len(entry['figures'])})", ""]
            out += [f"- **{_md(_figure_words(c))}**: {_md(c.sentence)} ({_md(_source(c.source, folder))}, sentence {c.index + 1})"
                    for c in entry["figures"]]
            out.append("")
    out += ["## Figures cited", ""]
    if not d.figures:
        out += ["No figures were found.", ""]
    else:
        out += ["| figure | value | as cited | cited by |", "|---|---|---|---|"]
        for group in d.figures:
            sources = "; ".join(f"{c.organisation} ({_source(c.source, folder)})" for c in group.citations)
            out.append(f"| {_md(_figure_words(group))} | {_md(group.kind)}, "
                       f"{_md(_value(group.kind, group.value, group.per))} | {_md(group.citations[0].sentence)} "
                       f"| {_md(sources)} |")
        out.append("")
    if d.errors:
        out += ["## Not read", ""] + [f"- {_md(why)}" for _, why in d.errors] + [""]
    return "\n".join(out)
