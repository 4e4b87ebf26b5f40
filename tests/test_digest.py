"""casey_nlp.digest and `casey-nlp digest`; every statement here is invented."""

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest

import casey_nlp
from casey_nlp._cli import main
from casey_nlp._digest import Citation, find_themes, group_figures

SAFE_HOMES = """Safe Homes responds to the vetting review

Ann Lee, chief executive of Safe Homes, said:

\u201cThe Home Office must fund specialist advocates for every survivor. Only 3% of reported rapes led to a charge last year.

\u201cScotland Yard should re-vet every officer now.\u201d

ENDS
"""

FAIRWATCH = """Fairwatch responds to the vetting review

Fewer than 3% of reported rapes led to a charge last year, Fairwatch found.

We urge the Home Secretary to order the re-vetting of every officer.

This has to change.
"""

KESTREL = """The Kestrel Trust welcomes the review

One in four women told us they would not report a rape to the police.

We call on the Government to fund specialist advocates in every county.
"""


@pytest.fixture(scope="module")
def corpus_digest():
    return casey_nlp.digest([("safe-homes.txt", SAFE_HOMES), ("fairwatch.txt", FAIRWATCH),
                             ("kestrel.txt", KESTREL)], n_themes=2)


def test_digest_counts_documents_and_keeps_each_demand_with_its_organisation(corpus_digest):
    d = corpus_digest
    assert (d.documents, d.errors) == (3, [])
    assert d.sentences == sum(len(casey_nlp.split_sentences(t)) for t in (SAFE_HOMES, FAIRWATCH, KESTREL))
    by_org = {(x.organisation, x.text) for x in d.demands}
    assert ("Safe Homes", "\u201cScotland Yard should re-vet every officer now.\u201d") in by_org
    assert ("Fairwatch", "We urge the Home Secretary to order the re-vetting of every officer.") in by_org
    assert ("Kestrel Trust", "We call on the Government to fund specialist advocates in every county.") in by_org


def test_demands_are_grouped_by_addressee_per_organisation(corpus_digest):
    organisations = corpus_digest.organisations
    assert set(organisations["Safe Homes"]["demands"]) == {"Home Office", "Metropolitan Police Service"}
    fairwatch = organisations["Fairwatch"]["demands"]
    assert list(fairwatch) == ["Home Secretary", "unknown"]  # named first, "unknown" last
    assert [x.text for x in fairwatch["unknown"]] == ["This has to change."]


def test_the_same_figure_from_two_organisations_is_shown_once_with_both_sources(corpus_digest):
    charged = [g for g in corpus_digest.figures if g.kind == "percentage" and g.value == pytest.approx(0.03)]
    assert len(charged) == 1
    assert charged[0].organisations == ["Safe Homes", "Fairwatch"]
    assert [c.source for c in charged[0].citations] == ["safe-homes.txt", "fairwatch.txt"]
    assert [c.hedge for c in charged[0].citations] == ["", "fewer than"]
    ratio = [g for g in corpus_digest.figures if g.kind == "ratio"]
    assert [(g.value, g.organisations) for g in ratio] == [(0.25, ["Kestrel Trust"])]


def test_every_demand_is_in_exactly_one_theme(corpus_digest):
    from casey_nlp._digest import GENERAL_THEME

    in_themes = [x for theme in corpus_digest.themes for x in theme.demands]
    assert sorted(in_themes) == sorted(corpus_digest.demands)
    assert len(corpus_digest.themes) == 3  # the two asked for, and the demands that name no change
    general = corpus_digest.themes[-1]
    assert general.name == GENERAL_THEME and [x.text for x in general.demands] == ["This has to change."]
    assert all(theme.name and theme.terms for theme in corpus_digest.themes[:2])


def test_themes_separate_demands_about_different_things():
    texts = ["Vetting must be repeated for every officer.", "Every officer must be re-vetted.",
             "Vetting checks must be tougher for new recruits.", "Fund specialist services for survivors.",
             "Specialist services need long-term funding.", "Ring-fence funding for specialist services."]
    themes, terms = find_themes(texts, n_themes=2)
    assert themes[:3] == [themes[0]] * 3 and themes[3:] == [themes[3]] * 3 and themes[0] != themes[3]
    assert len(terms) == 2


def test_find_themes_handles_tiny_and_stop_word_only_inputs():
    assert find_themes([]) == ([], [])
    assert find_themes(["Act now."]) == ([0], [()])
    assert find_themes(["It must.", "They should."], n_themes=2) == ([0, 0], [()])
    assert find_themes(["Vetting now.", "It must."], n_themes=5) == ([0, 1], [("vetting",), ()])
    with pytest.raises(ValueError, match="^groups has 1 items for 2 texts"):
        find_themes(["Vetting now.", "It must."], groups=["a"])


def test_a_demand_is_read_with_what_its_statement_asks_for():
    # "Do it now." alone says nothing; its statement is about vetting, so it joins vetting.
    texts = ["Re-vet every officer.", "Vetting checks must be tougher.", "Do it in the open now.",
             "Fund specialist refuges.", "Specialist refuges need funding.", "Refuges need long-term funding."]
    groups = ["vetting", "vetting", "vetting", "refuges", "refuges", "refuges"]
    themes, _ = find_themes(texts, n_themes=2, groups=groups)
    assert themes[2] == themes[0] == themes[1] != themes[3]


def test_figures_with_the_same_value_about_different_things_stay_apart():
    def cite(sentence, source):
        return Citation("7%", sentence, source, 0, source, "percentage", 0.07, "", "")

    groups = group_figures([cite("Only 7% of reported rapes were charged.", "a"),
                            cite("Just 7% of rapes reported were charged.", "b"),
                            cite("Women make up 7% of firearms officers.", "c")])
    assert sorted(len(g.citations) for g in groups) == [1, 2]


class _Page(HTMLParser):
    def __init__(self, page):
        super().__init__()
        self.tags, self.external = [], []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith("#"):
                self.external.append(value)


def test_the_page_is_self_contained_and_escapes_what_it_quotes():
    text = "We urge the Home Office to act & <script>publish</script> the data.\n\nOnly 3% of <i>rapes</i> were charged."
    d = casey_nlp.digest([("<b>x</b>.txt", text)])
    assert [x.label for x in casey_nlp.classify(text)] == ["demand", "statistic"]
    page = d.to_html()
    parsed = _Page(page)
    assert parsed.tags.count("script") == 0 and "i" not in parsed.tags and "b" in parsed.tags  # <b> is the figure's
    assert parsed.external == []
    assert "&lt;script&gt;publish&lt;/script&gt;" in page and "&lt;i&gt;rapes&lt;/i&gt;" in page
    assert "&lt;b&gt;x&lt;/b&gt;.txt" in page
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")


def test_markdown_and_json_carry_the_same_demands(corpus_digest):
    md = corpus_digest.to_markdown()
    record = json.loads(json.dumps(corpus_digest.to_dict()))
    assert record["documents"] == 3
    texts = {x["text"] for theme in record["themes"] for x in theme["demands"]}
    assert texts == {x.text for x in corpus_digest.demands}
    from casey_nlp._report import _md

    assert all(_md(text) in md for text in texts)
    assert record["figures"][0]["organisations"] == ["Safe Homes", "Fairwatch"]


def test_bad_arguments_are_refused_with_the_argument_named():
    with pytest.raises(ValueError, match="^n_themes must"):
        casey_nlp.digest(["The Met must act."], n_themes=0)
    with pytest.raises(TypeError, match="^classify_many expects an iterable"):
        casey_nlp.digest("The Met must act.")
    with pytest.raises(TypeError, match="^title must be a str"):
        casey_nlp.digest(["The Met must act."], title=3)


def test_an_unreadable_document_is_reported_and_the_rest_digested(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(FAIRWATCH, encoding="utf-8")
    d = casey_nlp.digest([good, tmp_path / "missing.txt"])
    assert d.documents == 1 and len(d.errors) == 1 and "missing.txt" in d.errors[0][1]


# ---------------------------------------------------------------- the CLI


@pytest.fixture
def folder(tmp_path):
    statements = tmp_path / "statements"
    statements.mkdir()
    for name, text in (("safe-homes.txt", SAFE_HOMES), ("fairwatch.txt", FAIRWATCH), ("kestrel.txt", KESTREL)):
        (statements / name).write_text(text, encoding="utf-8")
    return statements


@pytest.mark.parametrize("suffix, check", [
    (".html", lambda text: text.startswith("<!DOCTYPE html>")),
    (".md", lambda text: text.startswith("# Digest of police-reform statements")),
    (".json", lambda text: json.loads(text)["documents"] == 3),
    (".csv", lambda text: list(csv.DictReader(io.StringIO(text)))[0]["row"] == "demand"),
])
def test_cli_writes_the_format_its_out_suffix_names(folder, tmp_path, suffix, check):
    out = tmp_path / f"digest{suffix}"
    assert main(["digest", str(folder), "--out", str(out), "--themes", "2"]) == 0
    assert check(out.read_text(encoding="utf-8"))


def test_cli_and_library_give_the_same_page(folder, tmp_path):
    out = tmp_path / "digest.html"
    assert main(["digest", str(folder), "--out", str(out), "--themes", "2", "--title", "Vetting"]) == 0
    paths = sorted(folder.glob("*.txt"))
    page = casey_nlp.digest(paths, n_themes=2, title="Vetting").to_html()
    assert out.read_text(encoding="utf-8") == page


def test_cli_csv_rows_are_spreadsheet_safe(tmp_path, capsys):
    statement = tmp_path / "s.txt"
    statement.write_text("=HYPERLINK(1) The Met must act.\n", encoding="utf-8")
    assert main(["digest", str(statement), "--out", "-", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["text"].startswith("'=")


def test_cli_refuses_to_overwrite_and_names_the_fix(folder, tmp_path, capsys):
    out = tmp_path / "digest.html"
    out.write_text("mine", encoding="utf-8")
    assert main(["digest", str(folder), "--out", str(out)]) == 1
    assert out.read_text(encoding="utf-8") == "mine"
    assert re.search(r"already exists; choose another --out or pass --force", capsys.readouterr().err)


def test_a_document_that_does_not_name_its_issuer_is_filed_under_its_main_speaker():
    text = ("Casey Review: our response\n\n"
            "Ann Lee, chief executive of Safe Homes, says:\n\n"
            "The Home Office must fund specialist advocates for every survivor of rape.\n\n"
            "We call on the Government to ring-fence funding for refuges.")
    d = casey_nlp.digest([("response.txt", text)])
    assert {x.organisation for x in d.demands} == {"Safe Homes"}


def test_the_page_names_files_relative_to_the_folder_they_share(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text(SAFE_HOMES, encoding="utf-8")
    (tmp_path / "two.txt").write_text(FAIRWATCH, encoding="utf-8")
    page = casey_nlp.digest([tmp_path / "a" / "one.txt", tmp_path / "two.txt"]).to_html()
    assert str(tmp_path) not in page
    assert "a/one.txt, sentence" in page and "two.txt, sentence" in page


def test_an_organisation_named_by_its_initials_is_filed_under_its_full_name():
    documents = [
        ("a.txt", "Safe Homes responds to the review\n\nWe call on the Home Office to fund specialist advocates "
                  "for every survivor of rape in England and Wales."),
        ("b.txt", "Fairwatch responds to the review\n\n"
                  "SH chief executive Ann Lee called for the Home Office to fund specialist advocates now."),
    ]
    d = casey_nlp.digest(documents)
    assert [x.organisation for x in d.demands] == ["Safe Homes", "Safe Homes"]


# ---------------------------------------------------------------- the browser


@pytest.mark.slow
def test_the_digest_of_the_bundled_statements_renders_in_a_headless_browser(tmp_path):
    import subprocess

    from test_report import BROWSER, _png_size

    if BROWSER is None:
        pytest.skip("no chromium or chromium-browser on PATH (apt-get install chromium; .ci/run does this on CI)")
    from casey_nlp._resources import data_dir

    page_path = tmp_path / "digest.html"
    assert main(["digest", str(data_dir() / "statements"), "--out", str(page_path)]) == 0
    expected = casey_nlp.digest(sorted((data_dir() / "statements").glob("*.txt")))

    def run(*extra, profile):
        command = [
            BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / profile}", *extra, page_path.as_uri(),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert result.returncode == 0, result.stderr[-2000:]
        return result

    screenshot = tmp_path / "digest.png"
    run(f"--screenshot={screenshot}", "--window-size=1200,2000", profile="profile-shot")
    size, width, height = _png_size(screenshot)
    assert (width, height) == (1200, 2000) and size > 20_000  # a blank page compresses to a few kB

    dom = run("--dump-dom", profile="profile-dom").stdout
    parsed = _Page(dom)
    assert "script" not in parsed.tags and parsed.external == []
    assert dom.index('id="themes"') < dom.index('id="organisations"') < dom.index('id="figures"')
    # Every demand is listed once under its theme and once under its organisation.
    assert dom.count('<li>') == 2 * len(expected.demands) + sum(len(g.citations) for g in expected.figures)
    assert dom.count('<tr><td class="figure">') == len(expected.figures)


def test_a_theme_of_thousands_lists_its_first_demands_and_says_how_many_more():
    from casey_nlp._digest import Demand, Digest, Theme
    from casey_nlp._digest_render import THEME_ITEMS_SHOWN

    demands = [Demand(f"Demand {i}.", "a.txt", i, "Safe Homes", "", ("unknown",), 0.9) for i in range(250)]
    d = Digest("T", 1, 250, [], demands, [Theme("vetting", ("vetting",), demands)], [],
               {"name": "default", "version": "0", "sha256": None})
    page = d.to_html()
    theme = page[page.index('<details id="theme-1">') : page.index("</details>")]
    assert theme.count("<li>") == THEME_ITEMS_SHOWN
    assert f"and {250 - THEME_ITEMS_SHOWN:,} more" in theme
    assert page.count("<li>") == THEME_ITEMS_SHOWN + 250  # every demand still under its organisation


def test_progress_is_reported_after_each_document():
    seen = []
    d = casey_nlp.digest([SAFE_HOMES, FAIRWATCH, KESTREL], progress=lambda docs, sentences: seen.append((docs, sentences)))
    assert [docs for docs, _ in seen] == [1, 2, 3]
    assert seen[-1][1] == d.sentences and seen[0][1] == len(casey_nlp.split_sentences(SAFE_HOMES))
