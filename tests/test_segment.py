import pytest
from hypothesis import given
from hypothesis import strategies as st

from casey_nlp import split_sentences


def texts(text):
    return [s.text for s in split_sentences(text)]


def assert_offsets(text):
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text


@pytest.mark.parametrize("text", ["", " ", "\n\n", " \t\r\n\u00a0 \n"])
def test_empty_or_whitespace_gives_no_sentences(text):
    assert split_sentences(text) == []


def test_non_string_is_a_type_error_naming_the_fix():
    with pytest.raises(TypeError, match="expects a str.*decode"):
        split_sentences(b"Police must act.")


def test_title_line_is_its_own_sentence():
    text = "Charity responds to the review\nThe Met must change. It has failed women."
    assert texts(text) == [
        "Charity responds to the review",
        "The Met must change.",
        "It has failed women.",
    ]


def test_heading_followed_by_capitalised_paragraph_is_not_merged():
    text = "Case Studies\n\nOne woman told us she was ignored."
    assert texts(text) == ["Case Studies", "One woman told us she was ignored."]


def test_line_ending_with_colon_is_a_sentence_and_items_follow():
    text = "Changes must include:\n\u2022 Immediate suspension\n\u2022 External investigation"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Changes must include:",
        "Immediate suspension",
        "External investigation",
    ]
    assert [s.list_item for s in sentences] == [False, True, True]


@pytest.mark.parametrize("marker", ["\u2022", "-", "*", "1.", "2)", "a)", "\u2013"])
def test_bullet_markers_are_stripped_and_items_are_units(marker):
    text = f"We call for:\n  {marker} Vetting reform\n  {marker} Independent oversight of complaints"
    sentences = split_sentences(text)
    assert [s.text for s in sentences][1:] == ["Vetting reform", "Independent oversight of complaints"]
    assert all(s.list_item for s in sentences[1:])


def test_multi_sentence_bullet_is_split_inside_the_item():
    text = "\u2022 The Met should reform. These teams should be resourced."
    assert texts(text) == ["The Met should reform.", "These teams should be resourced."]


@pytest.mark.parametrize(
    "abbreviation", ["Dr.", "Mr.", "Mrs.", "St.", "No.", "e.g.", "i.e.", "Prof.", "Supt."]
)
def test_abbreviations_do_not_end_a_sentence(abbreviation):
    text = f"We met {abbreviation} Smith and Jones on Monday. They agreed."
    assert texts(text) == [f"We met {abbreviation} Smith and Jones on Monday.", "They agreed."]


@pytest.mark.parametrize("open_q,close_q", [('"', '"'), ("\u201c", "\u201d"), ("'", "'"), ("\u2018", "\u2019")])
def test_quote_spanning_sentences_closes_with_the_last_one(open_q, close_q):
    text = f"She said: {open_q}The Met must change. Trust will follow.{close_q} Then she left."
    assert texts(text) == [
        f"She said: {open_q}The Met must change.",
        f"Trust will follow.{close_q}",
        "Then she left.",
    ]


def test_quote_opening_on_one_line_and_closing_on_a_later_one():
    text = "\u201cThis is damning.\n\nThe force must act now.\u201d\nENDS"
    assert texts(text) == ["\u201cThis is damning.", "The force must act now.\u201d", "ENDS"]


def test_crlf_line_ends_give_the_same_sentences_and_exact_offsets():
    lf = "Title line\n\nThe Met must act. It failed.\n\u2022 Item one\n"
    crlf = lf.replace("\n", "\r\n")
    assert texts(crlf) == texts(lf)
    assert_offsets(crlf)
    assert not any("\r" in s for s in texts(crlf))


def test_lone_carriage_returns_are_line_breaks():
    assert texts("Heading\rThe Met must act.") == ["Heading", "The Met must act."]


def test_non_breaking_spaces_are_whitespace_but_kept_in_the_text():
    text = "PR:\u00a0Charity responds\n\u00a0\nThe\u00a0Met must act.\u00a0It failed."
    assert texts(text) == ["PR:\u00a0Charity responds", "The\u00a0Met must act.", "It failed."]
    assert_offsets(text)


def test_wrapped_line_continuing_in_lower_case_is_joined():
    text = "The review found the force failed to protect\nwomen and girls. It must change."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "The review found the force failed to protect\nwomen and girls.",
        "It must change.",
    ]


def test_offsets_index_the_original_text_on_a_realistic_release():
    text = (
        "Blog | Press Release\r\n\r\n6 April 2023\r\n\r\n"
        "Dr. Jane Roe, CEO, said:\r\n\r\n"
        "\u201cThe Met\u2019s plan is not enough. Changes must include:\r\n"
        "  1. Suspension pending investigation\r\n"
        "  2. Dismissal where misconduct is proven.\u201d\r\n\r\nENDS"
    )
    sentences = split_sentences(text)
    assert_offsets(text)
    assert len(sentences) == 8
    assert sentences[3].text == "\u201cThe Met\u2019s plan is not enough."
    assert sentences[-1].text == "ENDS"


@given(st.text())
def test_any_unicode_gives_ordered_exact_non_empty_spans(text):
    previous_end = 0
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text
        assert s.text.strip()
        assert s.start >= previous_end
        previous_end = s.end


def test_list_items_carry_the_line_that_introduces_them():
    text = "Intro paragraph.\nChanges must include:\n\u2022 Vetting reform\n\u2022 Oversight\nAfter the list."
    sentences = split_sentences(text)
    assert [s.lead_in for s in sentences] == ["", "", "Changes must include:", "Changes must include:", ""]
