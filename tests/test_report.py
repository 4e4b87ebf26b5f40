"""The annotated report: HTML and Markdown, the CLI, and the page in a real browser."""

import html
import io
import re
import shutil
import struct
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casey_nlp import LABELS, classify, report_html, report_markdown
from casey_nlp._cli import main
from casey_nlp._classify import TaggedSentence
from casey_nlp._report import _md, _render_html

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "press_release.txt"

RELEASE = (
    "Charity responds to vetting figures\n\n"
    "Jane Doe, chief executive, said:\n\n"
    "\u201cThe Home Secretary must order an independent inquiry. "
    "Only 3% of reported rapes led to a charge.\u201d\n\n"
    "Our asks:\n"
    "\u2022 vetting of every officer & member of staff\n"
    "\u2022 publication of the results\n\n"
    "Officers wrote <script>alert(1)</script> in a group chat, the review found.\n\n"
    "ENDS\n"
)


class _Page(HTMLParser):
    """Collects the sentence marks, the document's text and tag balance of a page."""

    VOID = {"meta", "br", "hr", "img", "input", "link", "wbr"}

    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.marks = []  # (classes, title, text, id)
        self.document = []  # text of div.document, without the confidence superscripts
        self.stack = []
        self.tags = Counter()
        self.balanced = True
        self._in_mark = self._in_doc = self._in_sup = False
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags[tag] += 1
        classes = (attrs.get("class") or "").split()
        if tag not in self.VOID:
            self.stack.append((tag, classes))
        if tag == "mark" and "sentence" in classes:
            self.marks.append([classes, attrs.get("title"), "", attrs.get("id")])
            self._in_mark = True
        elif tag == "div" and "document" in classes:
            self._in_doc = True
        elif tag == "sup" and self._in_doc:
            self._in_sup = True

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            self.balanced = False
            return
        _, classes = self.stack.pop()
        if tag == "mark" and "sentence" in classes:
            self._in_mark = False
        elif tag == "div" and "document" in classes:
            self._in_doc = False
        elif tag == "sup":
            self._in_sup = False

    def handle_data(self, data):
        if self._in_mark:
            self.marks[-1][2] += data
        if self._in_doc and not self._in_sup:
            self.document.append(data)


def _section(page, anchor):
    """The HTML of the <section> whose heading has id ``anchor`` (up to its first nested section's end)."""
    match = re.search(rf'<h[23] id="{anchor}">.*?</section>', page, re.S)
    assert match, anchor
    return match.group(0)


@pytest.fixture(scope="module")
def example():
    text = EXAMPLE.read_text(encoding="utf-8")
    return text, classify(text, min_confidence=0.6), report_html(text, title="Kestrel <Trust> & co")


# ------------------------------------------------------------------ HTML


def test_every_sentence_is_in_a_mark_with_its_label_class_and_confidence(example):
    text, tagged, page = example
    parsed = _Page(page)
    assert len(parsed.marks) == len(tagged) > 20
    for (classes, title, mark_text, mark_id), s, index in zip(parsed.marks, tagged, range(1, 999)):
        assert mark_text == s.text
        assert classes[:2] == ["sentence", f"label-{s.label}"]
        assert ("unsure" in classes) == (s.confidence < 0.6)  # the report's default min_confidence
        assert title.startswith(f"{s.label}, confidence {s.confidence:.2f}")
        assert mark_id == f"s{index}"
    # The confidence is visible without hovering too: one superscript per sentence.
    sups = re.findall(r'<sup class="conf[^"]*"[^>]*>([^<]*)</sup>', page)
    assert len(sups) == len(tagged)
    for sup, s in zip(sups, tagged):
        assert sup == f"{s.label[0].upper()}{'?' if s.confidence < 0.6 else ''}\u00a0{s.confidence:.2f}"
    assert any(s.confidence < 0.6 for s in tagged)  # the example has unsure tags to show


def test_layout_between_sentences_is_kept(example):
    text, tagged, page = example
    parsed = _Page(page)
    assert "".join(parsed.document) == text.strip("\n")
    assert '<div class="document">' in page and "white-space: pre-wrap" in page
    assert "\u2022 " in "".join(parsed.document)  # bullet markers between sentences


def test_counts_and_the_summary_lists_match_classify(example):
    text, tagged, page = example
    counts = Counter(s.label for s in tagged)
    for label in LABELS:
        row = re.search(
            rf'<span class="swatch label-{label}">{label}</span>.*?<td class="count">(\d+)</td>', page
        )
        assert row and int(row.group(1)) == counts[label], label
    assert re.search(rf'<td>total</td>.*?<td class="count">{len(tagged)}</td>', page)
    anchors = {"demand": "demands", "finding": "findings", "statistic": "statistics", "case_study": "case-studies"}
    for label, anchor in anchors.items():
        section = _section(page, anchor)
        expected = [s for s in tagged if s.label == label]
        items = re.findall(
            r'<li(?: class="unsure")?><span class="said">(.*?)</span><span class="about">.*?'
            r'<span class="conf">confidence ([\d.]+)</span>(<span class="badge">unsure</span>)? · '
            r'<a href="#s(\d+)">sentence \d+ in the text</a></span></li>',
            section,
        )
        assert [(tagged[int(i) - 1].text, text_, conf, bool(badge)) for text_, conf, badge, i in items] == [
            (s.text, " ".join(s.text.split()).replace("&", "&amp;"), f"{s.confidence:.2f}", s.confidence < 0.6)
            for s in expected
        ]
        assert f"({len(expected)})</h3>" in section


def test_page_is_self_contained_html5(example):
    _, _, page = example
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert '<meta charset="utf-8">' in page
    for forbidden in ("http://", "https://", "src=", "<link", "<script", "@import", "url("):
        assert forbidden not in page, forbidden
    parsed = _Page(page)
    assert parsed.balanced and not parsed.stack
    assert parsed.tags["html"] == parsed.tags["head"] == parsed.tags["body"] == 1
    assert parsed.tags["title"] == 1 and parsed.tags["style"] == 1
    # Internal links only, each pointing at an id on the page.
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and all(h.startswith("#") and h[1:] in ids for h in hrefs)


def test_legend_gives_every_label_a_non_colour_cue(example):
    _, _, page = example
    legend = _section(page, "tags")
    letters = re.findall(r'<td class="letter">(\w)</td>', legend)
    underlines = re.findall(r'<td class="letter">\w</td><td>(\w+)</td>', legend)
    assert len(set(letters)) == len(letters) == len(LABELS)
    assert len(set(underlines)) == len(LABELS)


def test_input_text_and_title_are_escaped(example):
    page = report_html(RELEASE, title="<b>T</b> & co")
    assert "<script" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "officer &amp; member" in page
    assert "<title>&lt;b&gt;T&lt;/b&gt; &amp; co</title>" in page
    parsed = _Page(page)
    assert any("<script>alert(1)</script>" in m[2] for m in parsed.marks)
    # Quotes cannot leave an attribute either.
    tagged = [TaggedSentence('say "hi" \' x', "demand", {"demand": 1.0}, 0, 12)]
    page = _render_html('say "hi" \' x', tagged, 'a"b')
    assert 'say &quot;hi&quot; &#x27; x' in page and '"b' not in page.split("<title>")[1][:20]


def test_empty_text_gives_a_page_without_sentences():
    page = report_html("   \n")
    assert "The text has no sentences." in page and "<mark" not in page
    assert "Demands (0)" in page and "No sentence was tagged demand." in page
    assert "Case studies (0)" in page and "No sentence was tagged case_study." in page
    assert _Page(page).balanced


def test_control_characters_are_replaced():
    tagged = [TaggedSentence("a\x00b\x1bc", "other", {"other": 1.0}, 0, 5)]
    page = _render_html("a\x00b\x1bc", tagged, "t")
    assert "\x00" not in page and "\x1b" not in page and "a\ufffdb\ufffdc" in page


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("ab .!?\n<>&\"'#|*•%1")), max_size=80))
def test_any_text_round_trips_through_the_page(text):
    page = report_html(text)
    parsed = _Page(page)
    tagged = classify(text)
    assert parsed.balanced
    assert [m[2] for m in parsed.marks] == [s.text for s in tagged]
    if tagged:
        assert "".join(parsed.document) == text.strip("\n")


# -------------------------------------------------------------- Markdown


def test_markdown_has_title_counts_lists_and_every_sentence():
    tagged = classify(RELEASE)
    md = report_markdown(RELEASE, title="Vetting | # report")
    lines = md.splitlines()
    assert lines[0] == "# Vetting \\| # report"
    counts = Counter(s.label for s in tagged)
    for label in LABELS:
        (row,) = [line for line in lines if re.match(rf"\| \w \| {label} \|", line)]
        assert row.split(" | ")[2] == str(counts[label])
    assert f"| | **total** | **{len(tagged)}** | |" in lines
    assert md.index("## Summary") < md.index("### Demands") < md.index("## Tags") < md.index("## Sentences")
    demands = md.split("### Demands")[1].split("### Findings")[0]
    assert len(re.findall(r"^\d+\. ", demands, re.M)) == counts["demand"]
    for s in (s for s in tagged if s.label == "demand"):
        unsure = ", **unsure**" if s.confidence < 0.6 else ""
        assert f"confidence {s.confidence:.2f}{unsure})" in demands
    statistics = md.split("### Statistics")[1].split("### Case studies")[0]
    assert len(re.findall(r"^\d+\. ", statistics, re.M)) == counts["statistic"]
    rows = [line for line in md.split("## Sentences")[1].splitlines() if re.match(r"\| \d+ \|", line)]
    assert len(rows) == len(tagged)
    for row, s in zip(rows, tagged):
        cells = re.split(r"(?<!\\)\|", row)[1:-1]  # unescaped pipes only
        mark = s.label[0].upper() + ("?" if s.confidence < 0.6 else "")
        assert [c.strip() for c in cells[1:4]] == [mark, s.label, f"{s.confidence:.2f}"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md and "<script" not in md


def test_markdown_escaping():
    assert _md("# not a heading") == "\\# not a heading"
    assert _md("- not a list") == "\\- not a list"
    assert _md("12. not a list") == "12\\. not a list"
    assert _md("a | b") == "a \\| b"
    assert _md("*x* _y_ [l](u) `c`") == "\\*x\\* \\_y\\_ \\[l\\](u) \\`c\\`"
    assert _md("case_study") == "case_study"
    assert _md("> quote <b>") == "&gt; quote &lt;b&gt;"
    assert _md("&amp; & co") == "&amp;amp; & co"
    assert _md("two\nlines\r\n  here") == "two lines here"
    # In a whole report, a sentence starting with # or containing | breaks nothing.
    md = report_markdown("# Police must act | now.\n\nENDS")
    assert not any(line.startswith("# Police") for line in md.splitlines())
    for row in (line for line in md.splitlines() if re.match(r"\| \d+ \|", line)):
        assert len(re.findall(r"(?<!\\)\|", row)) == 6


# ------------------------------------------------------------------- CLI


@pytest.fixture
def release(tmp_path):
    path = tmp_path / "release.txt"
    path.write_text(RELEASE, encoding="utf-8")
    return path


def test_cli_writes_the_html_report(release, tmp_path):
    out = tmp_path / "report.html"
    assert main(["report", str(release), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page == report_html(RELEASE, title="Annotated press release: release.txt")


def test_cli_refuses_to_overwrite_without_force(release, tmp_path, capsys):
    out = tmp_path / "report.html"
    out.write_text("precious", encoding="utf-8")
    assert main(["report", str(release), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert str(out) in err and "--force" in err and len(err.strip().splitlines()) == 1
    assert out.read_text(encoding="utf-8") == "precious"
    assert main(["report", str(release), "--out", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_markdown(release, tmp_path):
    out = tmp_path / "report.md"
    assert main(["report", str(release), "--out", str(out), "--format", "md"]) == 0
    md = out.read_text(encoding="utf-8")
    assert md == report_markdown(RELEASE, title="Annotated press release: release.txt")


def test_cli_reads_stdin_and_writes_stdout(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(RELEASE))
    assert main(["report", "-", "--out", "-"]) == 0
    out = capsys.readouterr().out
    assert out == report_html(RELEASE)
    monkeypatch.setattr("sys.stdin", io.StringIO(RELEASE))
    assert main(["report", "-", "--out", "-", "--format", "md"]) == 0
    assert capsys.readouterr().out.startswith("# Annotated press release\n")


def test_cli_bad_input_exits_1_with_one_line_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", str(tmp_path / "nope.txt"), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "nope.txt: file not found" in err
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9 must close".encode("latin-1"))
    assert main(["report", str(bad), "--out", str(out)]) == 1
    assert "latin1.txt: not UTF-8" in capsys.readouterr().err
    assert not out.exists()


def test_cli_usage_errors_exit_2(release):
    for argv in (["report", str(release)], ["report", str(release), "--out", "-", "--format", "pdf"]):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2


# --------------------------------------------------------------- Browser

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")


def _png_size(path: Path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return len(data), width, height


@pytest.mark.slow
@pytest.mark.skipif(
    BROWSER is None,
    reason="no chromium or chromium-browser on PATH (apt-get install chromium; .ci/run does this on CI)",
)
def test_report_renders_in_a_headless_browser(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8") + "\nStaff wrote <script>alert(1)</script> & worse.\n"
    tagged = classify(text)
    source = tmp_path / "release.txt"
    source.write_text(text, encoding="utf-8")
    page_path = tmp_path / "report.html"
    assert main(["report", str(source), "--out", str(page_path)]) == 0

    def run(*extra, profile):
        command = [
            BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={tmp_path / profile}", *extra,
            page_path.as_uri(),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert result.returncode == 0, result.stderr[-2000:]
        return result

    screenshot = tmp_path / "report.png"
    run(f"--screenshot={screenshot}", "--window-size=1200,2000", profile="profile-shot")
    assert screenshot.exists()
    size, width, height = _png_size(screenshot)
    assert (width, height) == (1200, 2000)
    assert size > 20_000  # a blank page compresses to a few kB

    dom = run("--dump-dom", profile="profile-dom").stdout
    assert dom.lstrip().startswith("<!DOCTYPE html>") and dom.rstrip().endswith("</html>")
    parsed = _Page(dom)
    assert [m[2] for m in parsed.marks] == [s.text for s in tagged]
    counts = Counter(s.label for s in tagged)
    for label in LABELS:
        assert len(re.findall(rf'<mark class="sentence label-{label}[ "]', dom)) == counts[label], label
    # The summary is the first thing on the page, its items linking into the text.
    assert dom.index('id="summary"') < dom.index('id="demands"') < dom.index('id="text"')
    links = re.findall(r'<a href="#(s\d+)">sentence \d+ in the text</a>', dom)
    assert len(links) == sum(1 for s in tagged if s.label != "other") and set(links) <= set(m[3] for m in parsed.marks)
    # The <script> in the press release is text in the DOM, not an element.
    assert parsed.tags["script"] == 0
    assert any("<script>alert(1)</script>" in m[2] for m in parsed.marks)



def test_legend_rows_follow_the_label_table(example):
    """Letters, underlines, colours, definitions and order all come from casey_nlp._labels.LABEL_TABLE."""
    from casey_nlp._labels import DISPLAY_ORDER, LABEL_TABLE

    _, _, page = example
    rows = re.findall(
        r'<tr><td><span class="swatch label-(\w+)">\w+</span></td><td class="letter">(\w)</td><td>(\w+)</td>'
        r'<td class="count">\d+</td><td>([^<]*)</td></tr>',
        _section(page, "tags"),
    )
    assert [r[0] for r in rows] == list(DISPLAY_ORDER)
    table = {row.name: row for row in LABEL_TABLE}
    for name, letter, underline, definition in rows:
        assert (letter, underline) == (table[name].letter, table[name].underline)
        assert definition == html.escape(table[name].definition)
        assert f".label-{name} {{ background: {table[name].tint};" in page.replace("mark.", ".").replace(".swatch.", ".")


# ----------------------------------------------- summary: who, unsure, boilerplate, model


def _summary_items(page):
    """``{first words of the sentence: (who, unsure)}`` from the page's summary lists."""
    summary = page[page.index('<h2 id="summary">') : page.index('<h2 id="tags">')]
    items = re.findall(r'<li(?: class="unsure")?><span class="said">(.*?)</span><span class="about">(.*?)</span></li>', summary)
    out = {}
    for sentence, about in items:
        who = re.search(r'<span class="who">(.*?)</span>( \(release text\))?', about)
        key = " ".join(html.unescape(sentence).split()[:4])
        out[key] = (html.unescape(who.group(1)) + (who.group(2) or "") if who else None, "badge" in about)
    return out


def test_the_summary_comes_first_and_says_who_said_each_item(example):
    _, _, page = example
    assert page.index('<h2 id="summary">') < page.index('<h2 id="tags">') < page.index('<h2 id="text">')
    items = _summary_items(page)
    # Read off the example release by hand.
    mercer, lal = "Hannah Mercer, Kestrel Trust", "Priya Lal, Kestrel Trust"
    release = "Kestrel Trust (release text)"
    assert items["\u201cInspectors found that in"][0] == mercer
    assert items["In 41% of the"][0] == mercer  # inside the quotation opened two sentences before
    assert items["\u201cEvery force must now"][0] == mercer  # "Dr Mercer added:", the person named before
    assert items["Women who report a"][0] == mercer  # the last paragraph of that quotation
    assert items["Priya Lal, Head of"][0] == lal  # "X said: \u201c...\u201d" in one sentence
    assert items["Leah (not her real"][0] == release  # a story told by the release, not a quotation
    assert items["Last year our advocates"][0] == release
    assert items["investigation of every domestic"][0] == release  # a bullet after the quotation closed


def test_unsure_tags_are_marked_in_the_summary_and_the_text(example):
    text, tagged, page = example
    items = _summary_items(page)
    shown = [s for s in tagged if s.label != "other"]
    assert len(items) == len(shown)
    for s in shown:
        assert items[" ".join(s.text.split()[:4])][1] == (s.confidence < 0.6)
    assert "below 0.60 are marked unsure" in page
    plain = report_html(text, min_confidence=None)
    assert "badge" not in _section(plain, "demands") + _section(plain, "findings")
    assert ' unsure"' not in plain and "unsure</span>" not in plain


class _TwoLevelModel:
    """Known probabilities: "Sure" sentences score 0.9 for demand, "Borderline" ones 0.54."""

    classes_ = __import__("numpy").array(["case_study", "demand", "finding", "other", "statistic"])

    def predict_proba(self, sentences):
        import numpy as np

        rows = {"sure": [0.025, 0.9, 0.025, 0.025, 0.025], "borderline": [0.1, 0.54, 0.16, 0.1, 0.1]}
        return np.array([rows[s.text.strip(". ").lower()] for s in sentences])


def test_min_confidence_sets_which_tags_the_report_calls_unsure():
    text = "Sure.\nBorderline."
    page = report_html(text, model=_TwoLevelModel())
    demands = _section(page, "demands")
    assert demands.count('<li class="unsure">') == 1 and demands.count("<li>") == 1
    assert '<li class="unsure"><span class="said">Borderline.</span>' in demands
    assert 'confidence 0.54</span><span class="badge">unsure</span> · <a href="#s2">sentence 2 in the text</a>' in demands
    assert [m[0] for m in _Page(page).marks] == [["sentence", "label-demand"], ["sentence", "label-demand", "unsure"]]
    stricter = _section(report_html(text, model=_TwoLevelModel(), min_confidence=0.95), "demands")
    assert stricter.count('<li class="unsure">') == 2
    md = report_markdown(text, model=_TwoLevelModel())
    assert "1. Sure. (sentence 1, confidence 0.90)" in md
    assert "2. Borderline. (sentence 2, confidence 0.54, **unsure**)" in md
    assert "| 2 | D? | demand | 0.54 | Borderline. |" in md


@pytest.mark.parametrize("value, error", [(1.2, ValueError), (-1, ValueError), ("high", TypeError)])
def test_a_bad_min_confidence_is_refused_by_both_reports(value, error):
    for render in (report_html, report_markdown):
        with pytest.raises(error, match="^min_confidence must"):
            render("The Met must act.", min_confidence=value)


def test_boilerplate_is_other_sentences_with_boilerplate_cues_or_after_ends():
    from casey_nlp._report import boilerplate

    rows = [
        ("Police must act now.", "demand"),
        ("Visit our website for more.", "other"),  # a cue
        ("A dark day for policing.", "other"),  # no cue, before ENDS
        ("Subscribe to our newsletter for updates.", "demand"),  # a cue, but not tagged other
        ("ENDS", "other"),
        ("About Safe Streets", "other"),  # after ENDS
        ("Safe Streets helps 500 families a year.", "statistic"),  # after ENDS, but a statistic
    ]
    tagged = [TaggedSentence(t, label, {label: 1.0}, 0, len(t)) for t, label in rows]
    assert boilerplate(tagged) == [False, True, False, False, True, True, False]


def test_boilerplate_is_muted_in_the_page(example):
    _, tagged, page = example
    muted = [m[2] for m in _Page(page).marks if "boilerplate" in m[0]]
    # Read off the example release by hand: ENDS and the notes to editors after it, bar a statistic.
    assert [" ".join(m.split()[:3]) for m in muted] == [
        "ENDS", "Notes to editors", "The National Policing", "About the Kestrel", "If you have",
    ]
    assert "mark.sentence.boilerplate {" in page


def test_the_report_names_the_model_that_produced_it(example):
    import hashlib

    from casey_nlp import __version__

    _, _, page = example
    shipped = Path(__file__).resolve().parent.parent / "models" / "default.zip"
    digest = hashlib.sha256(shipped.read_bytes()).hexdigest()
    line = f"model default (casey_nlp {__version__}; sha256 {digest})"
    assert f'<span class="model">{line}</span>' in page
    assert f'<meta name="casey-nlp-model" content="{line}">' in page
    assert line in report_markdown("The Met must act.")
    unsaved = report_html("Sure.", model=_TwoLevelModel())
    assert f"model unsaved (casey_nlp {__version__}; not saved, so no hash)" in unsaved


def test_speakers_and_organisation_are_escaped():
    text = ("Jo Park, chair of O<b onmouseover=x>penly, said:\n\n\u201cPolice must act & publish.\u201d\n\n"
            "Only 4% were charged.")
    page = report_html(text, organisation="<i>Openly</i> & co")
    assert "<b " not in page and "<i>" not in page
    assert '<span class="who">Jo Park, O&lt;b onmouseover=x&gt;penly</span>' in page
    assert '<span class="who">&lt;i&gt;Openly&lt;/i&gt; &amp; co</span> (release text)' in page
    md = report_markdown(text, organisation="<i>Openly</i> | co")
    assert "<i>" not in md and "&lt;i&gt;Openly&lt;/i&gt; \\| co, release text;" in md
    with pytest.raises(TypeError, match="^organisation must be a str"):
        report_html(text, organisation=3)
