import time

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
    assert scores.shape == (3, len(LABELS))
    assert labels == [classify(s)[0].label for s in sentences]
    assert classify_sentences([]) == []
    assert classify_sentences([], return_scores=True)[1].shape == (0, len(LABELS))


def test_classify_sentences_rejects_a_bare_string():
    with pytest.raises(TypeError, match="not a single str"):
        classify_sentences("The Met must change.")


def test_default_model_is_loaded_once_per_process():
    assert load_model() is load_model() is load_model("default")


def test_a_large_text_is_processed_in_time_linear_in_its_size():
    paragraph = (
        "The Met must change now. Only 7% of cases were charged. "
        "The review found a culture of denial. One woman told us she was ignored.\n\n"
    )
    small, large = paragraph * 250, paragraph * 2500

    def seconds(text):
        start = time.perf_counter()
        classify(text)
        return time.perf_counter() - start

    seconds(small)  # warm up caches
    ratio = seconds(large) / seconds(small)
    # 10x the text should cost about 10x the time; a quadratic step would cost ~100x.
    assert ratio < 25, ratio


def test_ten_megabytes_of_text_is_tagged():
    paragraph = "Officers must be vetted again. 40% of staff reported bullying.\n\n"
    text = paragraph * (10_000_000 // len(paragraph))
    tagged = classify(text)
    assert len(tagged) == 2 * (10_000_000 // len(paragraph))
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


def test_classify_many_rejects_a_single_string_and_unknown_items():
    from casey_nlp import classify_many

    with pytest.raises(TypeError, match="iterable of documents"):
        list(classify_many("one text"))
    with pytest.raises(TypeError, match="input 0 is int"):
        list(classify_many([3]))


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
