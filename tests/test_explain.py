"""Explanations are exact and agree with the model."""

import json
import re

import numpy as np
import pytest

import casey_nlp
from casey_nlp import Sentence, classify, load_model, split_sentences
from casey_nlp._data import bundled_rows
from casey_nlp._explain import explain, explain_document, explain_sentences
from casey_nlp._features import FEATURES


@pytest.fixture(scope="module")
def model():
    return load_model()


def probability(model, item, label):
    return model.predict_proba([item])[0][list(model.classes_).index(label)]


def delete_words(text, words):
    """``text`` without every occurrence of the word sequence ``words`` (case-insensitive)."""
    pattern = r"(?<!\w)" + r"\W+".join(map(re.escape, words.split())) + r"(?!\w)"
    return " ".join(re.sub(pattern, " ", text, flags=re.IGNORECASE).split())


def test_contributions_and_intercepts_sum_to_the_log_odds(model):
    items = [r.item for r in bundled_rows()]
    items += split_sentences(open("examples/press_release.txt", encoding="utf-8").read())
    explanations = explain_sentences(items, model=model)
    scores = model.decision_function(items)
    proba = model.predict_proba(items)
    classes = list(model.classes_)
    for e, z, p in zip(explanations, scores, proba):
        a, r = classes.index(e.label), classes.index(e.runner_up)
        assert e.label == classes[int(np.argmax(p))]
        assert p[r] == pytest.approx(np.sort(p)[-2])
        assert np.allclose(e.logit_difference, z[a] - z[r])
        assert np.allclose(e.logit_difference, np.log(e.probability / e.runner_up_probability))
        assert np.allclose(e.intercept_difference + sum(c.contribution for c in e.contributions), e.logit_difference)
        assert all(c.contribution > 0 for c in e.towards) and all(c.contribution < 0 for c in e.against)


def test_zeroing_a_feature_moves_the_log_odds_by_its_contribution(model):
    """Names and indices line up with the model's own feature matrix."""
    item = "Only 3% of reported rapes led to a charge, she told us."
    e = explain(item, model=model, top=5)
    union = model.pipeline_.named_steps["features"]
    clf = model.pipeline_.named_steps["classifier"]
    names = list(model.get_feature_names_out())
    classes = list(model.classes_)
    a, r = classes.index(e.label), classes.index(e.runner_up)
    for c in e.towards + e.against:
        X = union.transform([item]).toarray()
        X[0, names.index(c.feature)] = 0
        z = clf.decision_function(X)[0]
        assert np.isclose(z[a] - z[r], e.logit_difference - c.contribution)


# One or two sentences per label; deleting the top word n-gram lowers the label's probability.
SENTENCES = {
    "demand": ["Forces should publish vetting outcomes every year.", "The Home Office must act now."],
    "finding": ["The review found that misogyny is endemic in the force.",
                "Vetting checks have repeatedly failed to stop abusive officers."],
    "statistic": ["Only 3% of reported rapes led to a charge."],
    "case_study": ["She told us that officers laughed at her when she reported her ex-partner.",
                   "One woman waited two years for her complaint to be heard."],
    "other": ["For more information visit our website.", "Notes to editors"],
}


@pytest.mark.parametrize("label, sentence", [(l, s) for l, ss in SENTENCES.items() for s in ss])
def test_deleting_the_top_word_lowers_the_labels_probability(model, label, sentence):
    e = explain(sentence, model=model)
    assert e.label == label
    top_word = next(c for c in e.contributions if c.kind == "words" and c.contribution > 0)
    shorter = delete_words(sentence, top_word.name)
    assert shorter != sentence
    assert probability(model, shorter, label) < e.probability


def test_deleting_the_top_word_lowers_the_probability_on_most_of_the_dataset(model):
    """Deleting a word also shortens the sentence (a feature too), so not always; but nearly."""
    lowered = total = 0
    for row, e in zip(bundled_rows(), explain_sentences([r.text for r in bundled_rows()], model=model)):
        words = [c for c in e.contributions if c.kind == "words" and c.contribution > 0]
        if not words:
            continue
        shorter = delete_words(row.text, words[0].name)
        if shorter in ("", row.text):
            continue
        total += 1
        lowered += probability(model, shorter, e.label) < e.probability
    assert total > 100
    assert lowered / total >= 0.85


@pytest.mark.parametrize(
    "sentence, cue, words",
    [
        ("The Home Office must act now.", "cue:modal_obligation", "must"),
        ("Forces should publish vetting outcomes every year.", "cue:modal_obligation", "should"),
        ("In 41% of cases the officer stayed in post.", "cue:percent", "41%"),
        ("The review found that misogyny is endemic in the force.", "cue:finding_verb", "found"),
        ("One woman waited two years for a call back.", "cue:one_person", "One woman"),
    ],
)
def test_removing_a_cue_lowers_the_labels_probability(model, sentence, cue, words):
    e = explain(sentence, model=model)
    cue_contribution = next(c for c in e.towards if c.name == cue)
    assert cue_contribution.kind == "cue" and cue_contribution.value >= 1
    # The cue, or a pooled cue that counts it (cue:any_call for obligation words), is among the top three.
    pooled = {f.name for f in FEATURES if cue in f.total}
    assert any(c.name == cue or c.name in pooled for c in e.towards[:3])
    assert probability(model, delete_words(sentence, words), e.label) < e.probability


def test_list_context_shows_up_when_it_decides_the_label(model):
    text = "Changes must include:\n\n- External oversight of every complaint\n"
    item = split_sentences(text)[-1]
    assert item.list_item and item.lead_in == "Changes must include:"
    with_context = explain(item, model=model)
    without = explain(item.text, model=model)
    assert with_context.label == "demand" and without.label != "demand"
    assert with_context.towards[0].name == "context:lead_in_call"
    assert with_context.towards[0].value >= 1
    assert "context:lead_in_call" not in [c.name for c in without.towards]
    assert (with_context.start, with_context.end) == (item.start, item.end)


def test_words_are_shown_as_written_with_the_stem_in_the_description(model):
    e = explain("Officers ignored complaints against officers.", model=model, top=50)
    words = {c.name: c for c in e.contributions if c.kind == "words"}
    assert "officers" in words and "offic" not in words
    assert "stemmed: 'offic'" in words["officers"].description


def test_str_and_to_dict_are_readable(model):
    e = explain("The Home Office must act now.", model=model, top=3)
    text = str(e)
    assert text.splitlines()[0] == "'The Home Office must act now.'"
    assert f"{e.label} ({e.probability:.2f}) rather than {e.runner_up}" in text
    assert "cue:modal_obligation" in text and "obligation words" in text and "count 1" in text
    assert len(e.towards) == len(e.against) == 3
    d = json.loads(json.dumps(e.to_dict()))
    assert d["label"] == "demand" and d["towards"][0]["name"] == e.towards[0].name
    assert set(d) >= {"text", "label", "runner_up", "probability", "runner_up_probability",
                      "logit_difference", "intercept_difference", "towards", "against"}
    assert e.summary().startswith(f"demand over {e.runner_up}: + ")


def test_explain_document_matches_classify(model):
    text = open("examples/press_release.txt", encoding="utf-8").read()
    explanations = explain_document(text, model=model)
    tagged = casey_nlp.classify(text, model=model)
    assert [(e.label, e.start, e.end) for e in explanations] == [(t.label, t.start, t.end) for t in tagged]
    assert all(np.isclose(e.probability, t.confidence) for e, t in zip(explanations, tagged))
    assert explain_document("   ", model=model) == []


def test_public_names_and_errors(model):
    assert casey_nlp.explain is explain
    with pytest.raises(TypeError, match="one sentence"):
        explain(["a", "b"], model=model)
    with pytest.raises(TypeError, match="SentenceClassifier"):
        explain("a", model=object())


def test_two_label_models_are_explained_exactly():
    from casey_nlp import SentenceClassifier

    model = SentenceClassifier(seed_examples=False).fit(
        ["Police must act.", "Forces should change.", "The review found racism.", "Misogyny is endemic."],
        ["demand", "demand", "finding", "finding"],
    )
    e = explain("The Met must change.", model=model)
    assert (e.label, e.runner_up) == ("demand", "finding")
    assert np.isclose(e.intercept_difference + sum(c.contribution for c in e.contributions), e.logit_difference)
    assert np.isclose(e.logit_difference, np.log(e.probability / e.runner_up_probability))


def test_in_context_explanations_add_up_and_say_what_the_first_stage_read(model):
    text = "Police reform\nThe Met must act now.\nOne woman told us she waited a year.\nShe was never called back.\nENDS"
    tagged = classify(text, model=model)
    explanations = explain_document(text, model=model)
    assert [e.label for e in explanations] == [t.label for t in tagged]
    for e in explanations:
        total = e.intercept_difference + sum(c.contribution for c in e.contributions)
        assert abs(total - e.logit_difference) < 1e-6
        own = next(c for c in e.contributions if c.name == "own reading")
        first = e.own.scores
        assert own.description == (
            f"the sentence on its own: {e.label} {first[e.label]:.2f}, {e.runner_up} {first[e.runner_up]:.2f}"
        )


def test_explain_many_has_classify_manys_protections(monkeypatch):
    # --explain goes through explain_many: an oversized document or one the
    # splitter fails on must be that document's error, as in classify_many,
    # and the run must go on.
    from casey_nlp import _classify
    from casey_nlp._context import MAX_DOCUMENT_CHARS
    from casey_nlp._explain import explain_many

    real = _classify.split_sentences

    def fragile(text):
        if "poison" in text:
            raise RuntimeError("cannot split this")
        return real(text)

    monkeypatch.setattr(_classify, "split_sentences", fragile)
    docs = [("big", "x" * (MAX_DOCUMENT_CHARS + 1)), ("bad", "poison pill"), ("fine", "ENDS")]
    results = list(explain_many(docs))
    (big, none_big), (bad, none_bad), (fine, explanations) = results
    assert big.error.startswith("big: 10,000,001 characters, more than the 10,000,000") and big.sentences == none_big == []
    assert bad.error == "bad: could not be split into sentences (RuntimeError: cannot split this)" and none_bad == []
    assert fine.error is None and [s.label for s in fine.sentences] == ["other"] and len(explanations) == 1
