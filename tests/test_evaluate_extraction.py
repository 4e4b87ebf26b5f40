"""Scoring the extractors against the hand annotations (casey_nlp._evaluate_extraction)."""

import csv
import json

import pytest

from casey_nlp._cli import main
from casey_nlp._evaluate_extraction import (
    FIELDS,
    _score,
    evaluate_extraction,
    load_annotations,
    same_name,
)
from casey_nlp._resources import data_dir

FOLDER = data_dir() / "extraction"


def test_the_annotations_cover_every_sentence_of_27_documents_in_two_passes():
    with open(FOLDER / "documents.csv", encoding="utf-8", newline="") as handle:
        documents = list(csv.DictReader(handle))
    assert len(documents) == 27
    assert sum(d["file"].startswith("data/statements/") for d in documents) == 5  # the five statements
    rows = [json.loads(line) for line in (FOLDER / "passes.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["doc_id"] for r in rows} == {d["doc_id"] for d in documents}
    for row in rows:
        assert set(row["first"]) == set(row["second"])  # both passes filled the same fields
        assert {"speaker_person", "speaker_organisation"} <= set(row["first"]) <= set(FIELDS)
        assert ("addressees" in row["first"]) == (row["label"] == "demand")
        assert ("figures" in row["first"]) == (row["label"] == "statistic")
        assert row["annotators"][0] != row["annotators"][1]
        assert set(row.get("adjudicated", {})) <= set(row["first"])


def test_gold_is_the_passes_where_they_agree_and_the_third_reading_where_not():
    sentences, _ = load_annotations("all")
    for row in sentences:
        for field, gold in row["gold"].items():
            if field in row.get("adjudicated", {}):
                assert gold == row["adjudicated"][field]
            else:
                assert gold == row["first"][field]


def test_the_halves_split_the_documents():
    development, held_out = load_annotations("development")[1], load_annotations("held-out")[1]
    assert {d["doc_id"] for d in development}.isdisjoint(d["doc_id"] for d in held_out)
    assert len(development) + len(held_out) == 27
    with pytest.raises(ValueError, match="^subset must be one of"):
        evaluate_extraction("test")


@pytest.mark.parametrize("a, b, same", [
    ("Rape Crisis", "Rape Crisis England & Wales", True),
    ("the Met", "Met", True),
    ("Centre for Women\u2019s Justice", "Centre for Women's Justice", True),
    ("Refuge", "Rape Crisis", False),
    ("Lee", "Ann Leeson", False),  # whole words only
    (None, "Refuge", False),
])
def test_names_match_by_whole_words_without_case_punctuation_or_the(a, b, same):
    assert same_name(a, b) is same


def test_a_pass_scored_against_itself_agrees_perfectly():
    from casey_nlp._evaluate_extraction import _texts

    sentences, documents = load_annotations("development")
    texts = _texts()
    scores = _score([(texts[r["id"]], r["label"], r["gold"], r["gold"]) for r in sentences],
                    [(d["organisation_gold"], d["organisation_gold"]) for d in documents])
    for name, score in scores.items():
        if score["gold"]:
            assert (score.precision, score.recall) == (1.0, 1.0), name


def test_figures_match_by_overlapping_spans_and_are_then_scored_on_kind_value_and_hedge():
    sentence = "Fewer than 7% were charged and one in four waited."
    gold = {"speaker_person": None, "speaker_organisation": None, "figures": [
        {"text": "7%", "kind": "percentage", "value": 0.07, "hedge": "fewer than", "per": ""},
        {"text": "one in four", "kind": "ratio", "value": 0.25, "hedge": "", "per": ""},
    ]}
    predicted = dict(gold, figures=[
        {"text": "7%", "kind": "percentage", "value": 0.07, "hedge": "", "per": ""},  # hedge missed
        {"text": "four", "kind": "count", "value": 4.0, "hedge": "", "per": ""},  # overlaps, wrong kind and value
        {"text": "charged", "kind": "count", "value": 1.0, "hedge": "", "per": ""},  # no gold figure there
    ])
    scores = _score([(sentence, "statistic", predicted, gold)])
    assert (scores["figures"]["correct"], scores["figures"]["predicted"], scores["figures"]["gold"]) == (2, 3, 2)
    assert scores["figure kind"]["correct"] == 1 and scores["figure value"]["correct"] == 1
    assert scores["figure hedge"]["correct"] == 1


def test_cli_prints_the_figures_for_the_model_card(capsys):
    assert main(["evaluate", "--extraction", "--subset", "all", "--format", "json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert set(results) == {"extractors", "agreement", "themes", "counts"}
    assert results["counts"]["documents"] == 27 and results["counts"]["demands"] == 226
    assert 0 <= results["extractors"]["figures"]["recall"] <= 1
    assert results["themes"]["demands"] == 226


def test_a_measure_with_nothing_to_score_is_none_not_nan():
    scores = _score([("Police must act.", "demand",
                      {"speaker_person": None, "speaker_organisation": None, "addressees": ["unknown"]},
                      {"speaker_person": None, "speaker_organisation": None, "addressees": ["unknown"]})])
    row = scores["speaker person"].row()
    assert row["precision"] is None and row["recall"] is None
    json.loads(json.dumps(row, allow_nan=False))


def test_every_disagreement_of_the_passes_was_settled_by_the_third_reading():
    counts = evaluate_extraction("all")["counts"]
    sentences, _ = load_annotations("all")
    for field, agreed in counts["passes agree exactly"].items():
        same, total = map(int, agreed.split(" of "))
        settled = sum(field in r.get("adjudicated", {}) for r in sentences)
        assert total == sum(field in r["first"] for r in sentences) and total - same == settled, field
