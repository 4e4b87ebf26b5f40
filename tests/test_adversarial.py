"""Inputs shaped to make pattern matching slow must still be tagged, correctly.

The bounds below are hang guards, not speed targets: each test takes a few
seconds at most, where the whitespace-run inputs took minutes before the
attribution pattern was made linear. A guard that trips means a super-linear
path is back; benchmarks/adversarial.py has the timings.
"""

import signal
from contextlib import contextmanager

import pytest

import casey_nlp
from casey_nlp._features import FEATURE_NAMES, CueFeatures


class Hung(AssertionError):
    """Not a TimeoutError: nltk re-labels those raised inside its regular expressions."""


@contextmanager
def finishes_within(seconds):
    def hung(signum, frame):
        raise Hung(f"still running after {seconds} s: a super-linear path in the tagger")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def cue(sentence, name):
    row = CueFeatures().fit([]).transform([sentence])[0]
    return row[FEATURE_NAMES.index(name)]


def assert_tagged_exactly(text, tagged):
    labels = set(casey_nlp.load_model().classes_)
    assert tagged, "a document with words must give sentences"
    for sentence in tagged:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.label in labels
    assert all(a.end <= b.start for a, b in zip(tagged, tagged[1:]))


SPACES = 200_000


def test_attribution_still_fires_when_a_long_whitespace_run_ends_the_line():
    with finishes_within(30):
        assert cue("The chief executive said:" + " " * SPACES, "cue:attribution") == 1
        assert cue("He said" + " " * SPACES, "cue:attribution") == 1


def test_attribution_does_not_fire_when_words_follow_a_long_whitespace_run():
    # The shape of the reported hang: "said", a long run of spaces, one more word.
    with finishes_within(30):
        assert cue("he said" + " " * SPACES + "x", "cue:attribution") == 0
        assert cue("he said ," + " " * SPACES + "x", "cue:attribution") == 0


@pytest.mark.parametrize("run", [" ", "\t", "\u00a0", " \n"])
def test_one_sentence_with_a_long_whitespace_run_is_classified_and_explained(run):
    sentence = "he said" + run * (SPACES // len(run)) + "x"
    with finishes_within(30):
        [label] = casey_nlp.classify_sentences([sentence])
        explanation = casey_nlp.explain(sentence)
    assert explanation.label == label
    total = explanation.intercept_difference + sum(c.contribution for c in explanation.contributions)
    assert total == pytest.approx(explanation.logit_difference)


def test_a_megabyte_of_attribution_lines_padded_with_spaces_is_tagged_line_by_line():
    line = "he said" + " " * 16_000 + "x\n"
    text = line * (1_000_000 // len(line) + 1)
    with finishes_within(30):
        tagged = casey_nlp.classify(text)
    assert_tagged_exactly(text, tagged)
    assert [s.start for s in tagged] == [i * len(line) for i in range(text.count("\n"))]


def test_a_word_repeated_in_one_sentence_is_counted_like_any_other_word():
    # A token seen for the first time was matched against every phrase once
    # per occurrence (linear, but 6 s here where it now takes 1 s); the cue
    # after the repeats must still be found.
    sentence = "he said flumbergast " + "flumbergast " * 300_000 + "must act"
    with finishes_within(30):
        explanation = casey_nlp.explain(sentence)
        modal = cue(sentence, "cue:modal_obligation")
    assert modal == 1
    assert explanation.label in casey_nlp.load_model().classes_


def test_counts_stay_capped_in_a_sentence_of_many_numbers():
    with finishes_within(30):
        values = CueFeatures().fit([]).transform(["7 women said no " * 100_000])[0]
    counts = dict(zip(FEATURE_NAMES, values))
    assert counts["cue:number"] == counts["cue:count_of_people"] == 3
    assert counts["cue:any_quantity"] == 3


SHAPES = {
    "long word": "a" * 16_000,
    "open parentheses": "(" * 16_000,
    "exclamation marks": "The Met must act" + "!" * 16_000,
    "quotation marks": '"' * 16_000,
    "curly quotation marks": "\u201c\u201d" * 8_000,
    "dots": "." * 16_000,
    "dots and spaces": ". " * 8_000,
    "newlines": "Police\n" + "\n" * 16_000 + "must act.",
    "dash list items": "- x\n" * 4_000,
    "numbered list items": "1. " * 5_000,
    "digits with separators": "1," * 8_000 + "1",
    "numbers and spaces": "1 " * 8_000,
    "abbreviations": "Dr. " * 4_000,
    "lone carriage returns": "Police must act.\r" * 1_000,
}


@pytest.mark.parametrize("shape", SHAPES)
def test_degenerate_shapes_are_split_with_exact_offsets(shape):
    text = SHAPES[shape]
    with finishes_within(30):
        tagged = casey_nlp.classify(text)
    assert_tagged_exactly(text, tagged)


@pytest.mark.parametrize("entry", ["classify", "explain_document"])
def test_a_text_too_long_to_read_as_one_document_is_refused_saying_how_to_tag_it(entry):
    text = "The force must act. " * 600_000  # 12 million characters: many releases pasted together
    with finishes_within(30), pytest.raises(ValueError) as refused:
        getattr(casey_nlp, entry)(text)
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith("text is 12,000,000 characters")
    assert "classify_many" in message and "split it into documents" in message


@pytest.mark.parametrize("label, text", [
    ("demand", "We urge " + "the Met and the Home Office, " * 40_000 + "to act."),
    ("demand", "Ann Lee said: \u201cIt failed. " + "It must change now. " * 50_000),
    ("demand", ("\u201d " + " " * 5_000 + "said Ann" + " " * 5_000) * 100),
    ("demand", ("Ann Lee" + " " * 10_000 + "said" + " " * 10_000 + ":") * 50),
    ("statistic", "Some 7% and 1 in 4 and 3 a week, " * 30_000),
])
def test_extraction_on_a_megabyte_of_hostile_text_finishes(label, text):
    # Guards against a speaker or addressee pattern, or a line lookup, that
    # rescans the text per sentence or per mention: the first version's
    # attribution pattern hung on the long-whitespace shape above. Each takes
    # under a second now. Sentences get the label whose extractor runs.
    from casey_nlp._classify import TaggedSentence
    from casey_nlp._extract import extract_all

    sentences = casey_nlp.split_sentences(text)
    tagged = [TaggedSentence(s.text, label, {label: 1.0}, s.start, s.end, s.list_item, s.lead_in) for s in sentences]
    with finishes_within(30):
        extracted = extract_all(text, tagged)
    assert len(extracted) == len(sentences)
    for s in extracted:
        for found in (*s.addressees, *s.figures):
            assert found.start is None or text[found.start : found.end] == found.text


def test_a_sentence_listing_forty_thousand_numbers_finishes():
    # Each number once rescanned every number before it ("section 1, 2, 3 ..."),
    # so this took minutes; the look-back is now at most eight numbers.
    from casey_nlp._figures import find_figures

    sentence = "We counted " + ", ".join(str(i) for i in range(40_000)) + " cases."
    with finishes_within(30):
        figures = find_figures(sentence)
    assert all(sentence[f.start : f.end] == f.text for f in figures)


def test_a_long_run_of_capitalised_names_and_roles_finishes():
    # "and director" could be read two ways, so each repetition doubled the
    # reported-speech pattern's work: 372 characters took 2.4 s.
    text = "Ann" + " and director Bob" * 60 + " then said so."  # 1,034 characters
    with finishes_within(30):
        casey_nlp.classify(text)
