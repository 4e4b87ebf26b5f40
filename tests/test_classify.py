import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import casey_nlp
from casey_nlp import LABELS, classify, classify_sentences, load_model, split_sentences


def test_classify_returns_tagged_sentences_with_exact_offsets():
    text = "Charity responds\n\n\u201cThe Home Office must act now. 42% of survivors were ignored.\u201d\nENDS"
    tagged = classify(text)
    assert [t.text for t in tagged] == [s.text for s in split_sentences(text)]
    for t in tagged:
        assert text[t.start : t.end] == t.text
        assert set(t.scores) == set(LABELS)
        assert sum(t.scores.values()) == pytest.approx(1.0)
        assert t.label == max(t.scores, key=t.scores.get)
        assert t.confidence == t.scores[t.label]


def test_clear_cases_get_their_labels():
    tagged = classify(
        "The Home Secretary must order an independent inquiry.\n"
        "Only 3% of reported rapes led to a charge in 2023.\n"
        "One woman told us she waited two years for a detective to call her back.\n"
        "ENDS"
    )
    assert [t.label for t in tagged] == ["demand", "statistic", "case_study", "other"]


@pytest.mark.parametrize("text", ["", "   ", "\n\r\n\t"])
def test_empty_and_whitespace_give_no_sentences(text):
    assert classify(text) == []


@pytest.mark.parametrize("bad", [None, b"bytes", 3, ["a list"]])
def test_non_string_document_is_a_type_error_saying_what_was_expected(bad):
    with pytest.raises(TypeError, match="expects the document as a str"):
        classify(bad)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode_never_crashes(text):
    tagged = classify(text)
    for t in tagged:
        assert text[t.start : t.end] == t.text and t.label in LABELS


def test_classify_sentences_matches_classify_and_returns_scores():
    sentences = ["Police should publish vetting data.", "ENDS", "The force has failed women."]
    labels, scores = classify_sentences(sentences, return_scores=True)
    assert labels == classify_sentences(sentences)
    assert len(scores) == 3 and all(list(row) == list(LABELS) for row in scores)
    assert [max(row, key=row.get) for row in scores] == labels
    assert labels == [classify(s)[0].label for s in sentences]
    assert classify_sentences([]) == []
    assert classify_sentences([], return_scores=True) == ([], [])


def test_classify_sentences_rejects_a_bare_string():
    with pytest.raises(TypeError, match="not a single str"):
        classify_sentences("The Met must change.")


def test_default_model_is_loaded_once_per_process():
    assert load_model() is load_model() is load_model("default")


def test_ten_megabytes_of_text_is_tagged():
    # Sentences of 50 characters or more on average: 10,000,000 characters
    # then stay under the 200,000-sentence cap too (shorter ones need splitting).
    paragraph = ("Officers must be vetted again before they return to duty. "
                 "40% of staff reported bullying at work last year.\n\n")
    text = paragraph * (10_000_000 // len(paragraph))
    tagged = classify(text)
    assert len(tagged) == 2 * (10_000_000 // len(paragraph)) <= 200_000
    assert tagged[-1].end == len(text.rstrip())


def test_public_api_names_resolve_lazily():
    for name in ("SentenceClassifier", "train", "classify", "evaluate", "load_model", "ModelError"):
        assert getattr(casey_nlp, name) is not None
    with pytest.raises(AttributeError):
        casey_nlp.no_such_name


def test_a_list_item_is_read_in_the_light_of_its_lead_in():
    item = "\u2022 Independent investigation of complaints by another force"
    as_demand = classify(f"Changes must include:\n{item}\n")[-1]
    as_finding = classify(f"We also saw evidence of:\n{item}\n")[-1]
    assert as_demand.text == as_finding.text
    assert as_demand.label == "demand" and as_finding.label == "finding"


def test_sentence_objects_keep_their_context_in_classify_sentences():
    text = "Changes must include:\n\u2022 Independent investigation of complaints by another force\n"
    sentences = split_sentences(text)
    assert classify_sentences(sentences) == [t.label for t in classify(text)]


def test_classify_many_streams_in_order_and_reports_unreadable_files(tmp_path):
    from pathlib import Path

    from casey_nlp import classify_many

    good = tmp_path / "good.txt"
    good.write_text("The Met must change.\nENDS", encoding="utf-8")
    inputs = ["Only 7% of cases were charged.", Path(tmp_path / "missing.txt"), good, ("mine", ""), "x " * 3]
    results = list(classify_many(inputs, batch_size=2))
    assert [r.source for r in results] == ["0", str(tmp_path / "missing.txt"), str(good), "mine", "4"]
    assert results[1].error.endswith("file not found") and results[1].sentences == []
    assert [s.label for s in results[2].sentences] == [t.label for t in classify("The Met must change.\nENDS")]
    assert results[3].sentences == [] and results[3].error is None


def test_classify_many_is_lazy_and_matches_classify(tmp_path):
    from casey_nlp import classify_many

    consumed = []

    def documents():
        for i in range(10):
            consumed.append(i)
            yield f"Release {i}: the Met must change. {i}% of cases failed."

    stream = classify_many(documents(), batch_size=3)
    first = next(stream)
    assert len(consumed) == 3  # only the first batch was read
    rest = list(stream)
    assert [len(r.sentences) for r in [first, *rest]] == [len(classify(d)) for d in documents()]


def test_classify_many_rejects_a_single_string():
    from casey_nlp import classify_many

    with pytest.raises(TypeError, match="iterable of documents"):
        list(classify_many("one text"))


def test_a_wrong_item_becomes_its_error_and_the_run_goes_on():
    """The issue's reproducer: one bytes item used to abort classify_many midway."""
    from casey_nlp import classify_many

    results = list(classify_many(["The Met must change.", b"The Met must change.", 3, "ENDS"]))
    assert [r.source for r in results] == ["0", "1", "2", "3"]
    assert results[1].error == (
        "input 1 is bytes; decode it first (data.decode('utf-8')) or pass the file's pathlib.Path"
    )
    assert results[2].error.startswith("input 2 is int; expected a str")
    assert results[1].sentences == results[2].sentences == []
    assert [s.label for s in results[3].sentences] == ["other"] and results[0].sentences


def test_one_unsplittable_document_does_not_stop_a_corpus_run(monkeypatch):
    from casey_nlp import _classify, classify_many

    real = _classify.split_sentences

    def fragile(text):
        if "poison" in text:
            raise RuntimeError("cannot split this")
        return real(text)

    monkeypatch.setattr(_classify, "split_sentences", fragile)
    results = list(classify_many(["The Met must act.", "poison pill", "ENDS"]))
    assert [r.error is None for r in results] == [True, False, True]
    assert "1: could not be split into sentences (RuntimeError: cannot split this)" == results[1].error
    assert [s.label for s in results[2].sentences] == ["other"]


def test_a_megabyte_on_one_line_is_split_with_exact_offsets():
    text = "The Met must act now. " * 60_000
    tagged = classify(text)
    assert len(tagged) == 60_000 and all(text[t.start : t.end] == t.text for t in tagged[:50])


def test_a_byte_order_mark_is_not_part_of_the_first_sentence():
    assert classify("\ufeffThe Met must act.")[0].text == "The Met must act."


def test_explaining_a_tagged_sentence_sees_its_list_context():
    from casey_nlp import explain

    text = "Changes must include:\n\u2022 Independent investigation of complaints by another force\n"
    item = classify(text)[-1]
    assert item.list_item and item.lead_in == "Changes must include:"
    assert explain(item).label == item.label


# --------------------------------------------- scores, unsure tags, to_dict


class _FixedModel:
    """A stand-in model whose probabilities are known: its columns are NOT in LABELS order."""

    classes_ = np.array(["statistic", "other", "finding", "demand", "case_study"])
    ROWS = {  # columns as in classes_
        "sure": [0.05, 0.05, 0.05, 0.80, 0.05],
        "borderline": [0.10, 0.10, 0.16, 0.54, 0.10],
        "numbers": [0.70, 0.10, 0.10, 0.05, 0.05],
    }

    def predict_proba(self, sentences):
        return np.array([self.ROWS[getattr(s, "text", s).strip(". ").lower()] for s in sentences])


def test_scores_are_keyed_by_label_not_by_column_position():
    labels, scores = classify_sentences(["Numbers.", "Sure."], model=_FixedModel(), return_scores=True)
    assert labels == ["statistic", "demand"]
    assert scores[0]["statistic"] == 0.70 and scores[0]["demand"] == 0.05
    assert scores[1]["demand"] == 0.80 and scores[1]["other"] == 0.05
    # The trap of issue 10: pairing LABELS with a row by position must give the right numbers.
    assert dict(zip(LABELS, scores[0].values())) == {
        "case_study": 0.05, "demand": 0.05, "statistic": 0.70, "finding": 0.10, "other": 0.10,
    }
    tagged = classify("Numbers.", model=_FixedModel())
    assert list(tagged[0].scores) == list(LABELS) and tagged[0].scores["statistic"] == 0.70


def test_the_shipped_model_scores_a_clear_statistic_under_statistic():
    _, scores = classify_sentences(["Only 3% of reported rapes led to a charge in 2023."], return_scores=True)
    assert max(scores[0], key=scores[0].get) == "statistic" and scores[0]["statistic"] > 0.5


def test_unsure_marks_tags_below_min_confidence_and_keeps_the_best_guess():
    sentences = ["Sure.", "Borderline.", "Numbers."]
    labels, unsure = classify_sentences(sentences, model=_FixedModel(), min_confidence=0.6)
    assert labels == ["demand", "demand", "statistic"] and unsure == [False, True, False]
    labels, scores, unsure = classify_sentences(
        sentences, model=_FixedModel(), min_confidence=0.6, return_scores=True
    )
    assert unsure == [False, True, False] and scores[1]["demand"] == 0.54
    # Exactly at the threshold is not below it.
    assert classify_sentences(["Borderline."], model=_FixedModel(), min_confidence=0.54)[1] == [False]
    tagged = classify("Sure. Borderline.", model=_FixedModel(), min_confidence=0.6)
    assert [(t.label, t.unsure) for t in tagged] == [("demand", False), ("demand", True)]
    assert [t.unsure for t in classify("Sure. Borderline.", model=_FixedModel())] == [False, False]
    (result,) = casey_nlp.classify_many([("r", "Borderline. Numbers.")], model=_FixedModel(), min_confidence=0.6)
    assert [(t.label, t.unsure) for t in result.sentences] == [("demand", True), ("statistic", False)]


def test_every_function_marks_unsure_the_same_way_with_the_shipped_model():
    text = "Reading this has been hard for our staff. The Met must change.\nENDS"
    tagged = classify(text, min_confidence=0.999)
    assert [t.unsure for t in tagged] == [t.confidence < 0.999 for t in tagged]
    (result,) = casey_nlp.classify_many([text], min_confidence=0.999)
    assert [t.unsure for t in result.sentences] == [t.unsure for t in tagged]
    assert all(t.unsure is False for t in classify(text, min_confidence=0.0))


@pytest.mark.parametrize("value, error", [
    (-0.1, ValueError), (1.5, ValueError), (float("nan"), ValueError), ("0.6", TypeError), (True, TypeError),
])
def test_min_confidence_is_checked_with_a_one_line_error_naming_it(value, error):
    calls = [
        lambda: classify("The Met must act.", min_confidence=value),
        lambda: classify_sentences(["The Met must act."], min_confidence=value),
        lambda: casey_nlp.classify_many(["The Met must act."], min_confidence=value),  # not iterated: checked at once
    ]
    for call in calls:
        with pytest.raises(error, match="^min_confidence must") as caught:
            call()
        assert "\n" not in str(caught.value)


def test_tagged_sentence_and_document_result_to_dict_are_json_ready():
    import json

    text = "Changes must include:\n\u2022 vetting of every officer\n"
    (result,) = casey_nlp.classify_many([("release-7", text)], min_confidence=0.6)
    row = result.to_dict()
    assert json.loads(json.dumps(row)) == row
    assert list(row) == ["source", "error", "sentences"] and row["source"] == "release-7" and row["error"] is None
    assert len(row["sentences"]) == 2
    item = row["sentences"][1]
    assert list(item) == ["text", "label", "confidence", "unsure", "scores", "start", "end", "list_item", "lead_in",
                          "speaker", "addressees", "figures"]
    assert item["label"] == "demand" and item["speaker"] is None and item["figures"] == []
    assert item["addressees"] == [{"name": "unknown", "text": "", "start": None, "end": None, "listed": False}]
    assert item["text"] == "vetting of every officer" == text[item["start"] : item["end"]]
    assert item["list_item"] is True and item["lead_in"] == "Changes must include:"
    assert list(item["scores"]) == list(LABELS) and item["confidence"] == item["scores"][item["label"]]
    assert type(item["confidence"]) is float and type(item["unsure"]) is bool
    failed = casey_nlp.DocumentResult("gone.txt", [], "gone.txt: file not found").to_dict()
    assert failed == {"source": "gone.txt", "error": "gone.txt: file not found", "sentences": []}


# ------------------------------------------------------------- extraction

RELEASE = (
    "Safe Homes responds to the vetting review\n\n"
    "Ann Lee, chief executive of Safe Homes, said:\n\n"
    "\u201cWe call on the Home Secretary to order the re-vetting of every officer. "
    "Fewer than 3% of reported rapes led to a charge last year.\u201d\n\n"
    "ENDS\n"
)


def test_classify_fills_speakers_addressees_and_figures_with_offsets_into_the_text():
    tagged = casey_nlp.classify(RELEASE)
    assert [s.label for s in tagged] == ["other", "other", "demand", "statistic", "other"]
    assert [(s.speaker.person, s.speaker.organisation, s.speaker.source) for s in tagged] == [
        (None, "Safe Homes", "document"), (None, "Safe Homes", "document"),
        ("Ann Lee", "Safe Homes", "quotation"), ("Ann Lee", "Safe Homes", "quotation"),
        (None, "Safe Homes", "document"),
    ]
    (addressee,) = tagged[2].addressees
    assert (addressee.name, RELEASE[addressee.start : addressee.end]) == ("Home Secretary", "the Home Secretary")
    (figure,) = tagged[3].figures
    assert (figure.kind, figure.value, figure.hedge) == ("percentage", pytest.approx(0.03), "fewer than")
    assert RELEASE[figure.start : figure.end] == figure.text == "3%"
    assert all(s.addressees == () for s in tagged if s.label != "demand")
    assert all(s.figures == () for s in tagged if s.label != "statistic")


def test_extraction_can_be_switched_off_and_the_tags_stay_the_same():
    on, off = casey_nlp.classify(RELEASE), casey_nlp.classify(RELEASE, extract=False)
    assert [(s.label, s.scores) for s in on] == [(s.label, s.scores) for s in off]
    assert all(s.speaker is None and s.addressees == () and s.figures == () for s in off)
    (result,) = casey_nlp.classify_many([RELEASE], extract=False)
    assert all(s.speaker is None for s in result.sentences)
    (result,) = casey_nlp.classify_many([RELEASE])
    assert result.sentences == on


def test_a_given_organisation_speaks_the_release_text():
    tagged = casey_nlp.classify(RELEASE, organisation="Safe Homes UK")
    assert tagged[0].speaker.organisation == "Safe Homes UK" and tagged[2].speaker.person == "Ann Lee"
    with pytest.raises(TypeError, match="^organisation must be a str"):
        casey_nlp.classify(RELEASE, organisation=["Safe Homes"])


# ------------------------------------------------------------- containers


def test_a_pandas_series_is_tagged_by_its_values():
    pd = pytest.importorskip("pandas")
    texts = ["Police should publish vetting data.", "ENDS"]
    series = pd.Series(texts, index=[30, 10])
    assert classify_sentences(series) == classify_sentences(texts)
    results = list(casey_nlp.classify_many(series))
    assert [r.source for r in results] == ["0", "1"]
    assert [[s.text for s in r.sentences] for r in results] == [[texts[0]], ["ENDS"]]


def test_a_dataframe_is_refused_with_the_column_to_pass():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"id": ["a", "b"], "text": ["The Met must act.", "ENDS"]})
    with pytest.raises(TypeError, match=r"sentences is a pandas DataFrame.*df\['text'\]"):
        classify_sentences(frame)
    with pytest.raises(TypeError, match=r"inputs is a pandas DataFrame.*df\['text'\]"):
        casey_nlp.classify_many(frame)  # at once, before iterating


@pytest.mark.parametrize("bad, message", [
    (None, "sentences must be a list of sentences (str), got NoneType"),
    (3, "sentences must be a list of sentences (str), got int"),
    ({"The Met must act.": 1}, "sentences is a dict, whose iteration gives its keys"),
    ({"The Met must act."}, "sentences is a set"),
    (b"The Met must act.", "sentences is bytes; decode it first"),
])
def test_classify_sentences_names_the_argument_when_given_the_wrong_container(bad, message):
    with pytest.raises(TypeError) as caught:
        classify_sentences(bad)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_a_path_says_how_to_tag_a_file(tmp_path):
    from pathlib import Path

    path = Path(tmp_path / "release.txt")
    with pytest.raises(TypeError, match=r"classify\(path.read_text\(encoding='utf-8'\)\) or classify_many\(\[path\]\)"):
        classify_sentences(path)
    with pytest.raises(TypeError, match=r"inputs is a single path; to tag a file use classify_many\(\[path\]\)"):
        casey_nlp.classify_many(path)


@pytest.mark.parametrize("bad, message", [
    (None, "got NoneType"),
    (7, "got int"),
    ({"a": "The Met must act."}, "pass d.items()"),
    ({"The Met must act."}, "inputs is a set"),
])
def test_classify_many_names_the_argument_when_given_the_wrong_container(bad, message):
    with pytest.raises(TypeError, match=re.escape(message)) as caught:
        casey_nlp.classify_many(bad)
    assert "inputs" in str(caught.value) and "\n" not in str(caught.value)


def test_classify_many_reports_an_oversized_document_and_tags_the_rest():
    from casey_nlp._context import MAX_DOCUMENT_CHARS

    huge = "The Met must change. " * (MAX_DOCUMENT_CHARS // 21 + 1)
    results = list(casey_nlp.classify_many(["ENDS", ("huge", huge), "The Met must change."]))
    assert [r.source for r in results] == ["0", "huge", "2"]
    assert results[1].sentences == [] and "huge: 10,000,0" in results[1].error and "split it" in results[1].error
    assert [s.label for s in results[0].sentences] == ["other"] and results[2].sentences


def test_a_document_of_too_many_sentences_is_refused_after_splitting(monkeypatch):
    # The cost is per sentence: "?! ?! " packs a sentence into every 1.5
    # characters, so the character limit alone does not bound memory. The cap
    # is lowered here so that the test splits a few sentences, not 200,001.
    from casey_nlp import _context, classify_many
    from casey_nlp._explain import explain_document, explain_many

    assert _context.MAX_DOCUMENT_SENTENCES == 200_000
    monkeypatch.setattr(_context, "MAX_DOCUMENT_SENTENCES", 5)
    crowded = "?! " * 3  # six sentences
    with pytest.raises(ValueError) as caught:
        classify(crowded)
    assert str(caught.value) == (
        "text splits into 6 sentences; classify reads at most 5 at once: split it into documents "
        "(e.g. one per press release) and tag them with casey_nlp.classify_many"
    )
    with pytest.raises(ValueError, match="^text splits into 6 sentences; explain_document reads at most 5"):
        explain_document(crowded)
    expected = "crowded: 6 sentences, more than the 5 one document may have; split it into documents (e.g. one per press release)"
    results = list(classify_many([("crowded", crowded), ("fine", "ENDS")]))
    assert results[0].error == expected and results[0].sentences == []
    assert results[1].error is None and [s.label for s in results[1].sentences] == ["other"]
    (result, explanations), _ = list(explain_many([("crowded", crowded), ("fine", "ENDS")]))
    assert result.error == expected and explanations == []
    assert len(classify("?! " * 2 + "ENDS")) == 5  # at the cap is fine
