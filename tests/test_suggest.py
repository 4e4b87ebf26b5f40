"""What to label next: uncertain, varied, new sentences, in a CSV ready for training."""

import csv
import io

import numpy as np
import pytest

import casey_nlp
from casey_nlp import DataError, load_dataset, load_model, split_sentences
from casey_nlp._cli import main
from casey_nlp._suggest import SUGGESTION_COLUMNS, select_informative, suggest, write_suggestions_csv
from casey_nlp._data import context_groups, read_labelled

RELEASE = open("examples/press_release.txt", encoding="utf-8").read()

# Near-copies of one sentence the model hesitates on, and varied sentences.
TEMPLATE = "Our advocates in {} have supported hundreds of women through this process."
PLACES = ["Kent", "Essex", "Surrey", "Devon", "Dorset", "Cumbria", "Norfolk", "Suffolk", "Durham",
          "Gwent", "Wiltshire", "Lancashire", "Cheshire", "Sussex", "Avon", "Somerset", "Hampshire",
          "Cleveland", "Humberside", "Lincolnshire"]
VARIED = [
    "Women who report a police officer take an enormous risk.",
    "Reading this report has been painful for our staff.",
    "Two years on, he is still in uniform.",
    "A named contact for every complainant",
    "The inspectorate also found that only four of the 14 forces had a policy.",
    "How can any woman be expected to come forward?",
    "Officers accused of abuse should be moved off frontline duties.",
    "Our helpline volunteers answered calls through the night.",
    "The report was published on Tuesday.",
    "Survivors deserve better than this.",
]


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_n_is_respected_and_the_best_come_first(model):
    picks = suggest(RELEASE, n=7, model=model)
    assert len(picks) == 7
    assert all(isinstance(p, casey_nlp.Suggestion) for p in picks)
    assert picks[0].margin == min(p.margin for p in picks)
    for p in picks:
        assert p.guess in casey_nlp.LABELS and 0 <= p.margin <= p.confidence <= 1
        assert RELEASE[p.start:p.end] == p.text and p.source is None
    everything = suggest(RELEASE, n=1000, model=model, exclude_known=False)
    assert len(everything) == len({" ".join(s.text.split()) for s in split_sentences(RELEASE)})


def test_no_duplicates_and_nothing_already_labelled(model):
    bundled = load_dataset().data[:5]
    sentences = ["The Met must change.", "the met   must change.", "The Met must change.", "", "  ", "—",
                 *bundled, "Forces should publish vetting data."]
    picks = suggest(sentences, n=20, model=model, split=False)
    assert sorted(p.text for p in picks) == ["Forces should publish vetting data.", "The Met must change."]
    with_known = suggest(sentences, n=20, model=model, split=False, exclude_known=False)
    assert {p.text for p in with_known} >= set(bundled)


def test_documents_are_split_unless_split_is_false(model):
    document = "The Met must change. Two in five women were not believed."
    assert [p.text for p in suggest(document, n=5, model=model)] != [document]
    assert len(suggest([document], n=5, model=model)) == 2
    assert [p.text for p in suggest([document], n=5, model=model, split=False)] == [document]
    named = suggest({"mine.txt": document}, n=5, model=model)
    assert {p.source for p in named} == {"mine.txt"}
    # Sentence objects are never re-split and keep their offsets.
    sentences = split_sentences(RELEASE)[:6]
    picks = suggest(sentences, n=3, model=model)
    assert all(RELEASE[p.start:p.end] == p.text for p in picks)


def test_diversity_avoids_near_copies(model):
    near = [TEMPLATE.format(place) for place in PLACES]
    pool = near + VARIED
    # The near-copies are among the most uncertain: plain margin sampling takes mostly them...
    plain = suggest(pool, n=8, model=model, split=False, diversity=0)
    assert sum(p.text in near for p in plain) >= 6
    # ...while the default takes one or two of them and varied sentences for the rest.
    picks = suggest(pool, n=8, model=model, split=False)
    assert 1 <= sum(p.text in near for p in picks) <= 2
    assert len({p.text for p in picks}) == 8


def test_select_informative_without_diversity_is_margin_sampling(model):
    items = split_sentences(RELEASE)
    proba = model.predict_proba(items)
    top2 = np.sort(proba, axis=1)[:, -2:]
    margin = top2[:, 1] - top2[:, 0]
    assert select_informative(model, items, 5, diversity=0) == list(np.argsort(margin, kind="stable")[:5])
    assert select_informative(model, items, 0) == []
    assert sorted(select_informative(model, items, 10_000)) == list(range(len(items)))


def test_bad_arguments(model):
    for n in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="n must be a positive integer"):
            suggest(RELEASE, n=n, model=model)
    with pytest.raises(ValueError, match="diversity"):
        suggest(RELEASE, diversity=-1, model=model)
    with pytest.raises(TypeError, match=r"\[1\] is int"):
        suggest(["fine", 3], model=model)
    assert suggest([], model=model) == []


def test_csv_round_trip_fill_in_and_train(tmp_path, model):
    picks = suggest({"release": RELEASE}, n=6, model=model)
    path = write_suggestions_csv(picks, tmp_path / "to_label.csv")
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == SUGGESTION_COLUMNS
    assert [r["text"] for r in rows] == [p.text for p in picks]
    assert all(r["label"] == "" and r["source"] == "release" for r in rows)
    assert [r["guess"] for r in rows] == [p.guess for p in picks]

    # Blank labels are refused with a clear message.
    with pytest.raises(DataError, match=r"to_label\.csv:2: label is blank; fill in every label \(or delete the row\)"):
        casey_nlp.train(path)
    # Filled in (here: with the guesses), the file trains as it is.
    for r in rows:
        r["label"] = r["guess"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SUGGESTION_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    trained = casey_nlp.train(path)
    assert trained.n_training_rows_ == len(load_dataset(subset="all").data) + 6

    with pytest.raises(FileExistsError, match="already exists"):
        write_suggestions_csv(picks, path)
    write_suggestions_csv(picks[:1], path, overwrite=True)
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2


def test_a_labelled_suggestions_csv_trains_each_row_alone(tmp_path, model):
    # The picks come in usefulness order, mixing documents and skipping
    # sentences: read as runs of one doc_id they would be scrambled
    # "documents" for the context stage. Each row must be read on its own.
    other = "The panel found no audit trail. Officers must log every stop. ENDS"
    picks = suggest({"first.txt": RELEASE, "second.txt": other}, n=8, model=model)
    assert {p.source for p in picks} == {"first.txt", "second.txt"}
    path = write_suggestions_csv(picks, tmp_path / "to_label.csv")
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert "doc_id" not in rows[0] and [r["source"] for r in rows] == [p.source for p in picks]
    for r in rows:
        r["label"] = r["guess"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    read = read_labelled(path)
    assert len(read) == len(picks) and not any(row.in_document for row in read)
    groups = context_groups(read)
    assert len(set(groups)) == len(read)  # one context group per row, none shared


def test_cli_writes_the_csv_and_says_what_next(tmp_path, capsys):
    release = tmp_path / "release.txt"
    release.write_text(RELEASE, encoding="utf-8")
    out = tmp_path / "to_label.csv"
    assert main(["suggest", str(release), "--n", "5", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "5 sentences to label" in printed and f"casey-nlp train --add {out}" in printed
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 5 and {r["source"] for r in rows} == {str(release)}
    assert [r["text"] for r in rows] == [p.text for p in suggest({str(release): RELEASE}, n=5)]
    # Refuses to overwrite without --force.
    assert main(["suggest", str(release), "--out", str(out)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["suggest", str(release), "--n", "3", "--out", str(out), "--force"]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4


def test_cli_stdin_to_stdout_and_errors(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(RELEASE))
    assert main(["suggest", "-", "--n", "4", "--out", "-"]) == 0
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    assert len(rows) == 4 and rows[0]["source"] == "<stdin>"
    assert "4 sentences to label" in captured.err
    assert main(["suggest", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "x.csv")]) == 1
    assert "nope.txt: file not found" in capsys.readouterr().err
    known = tmp_path / "known.txt"
    known.write_text("\n\n".join(load_dataset().data[:3]), encoding="utf-8")
    assert main(["suggest", str(known), "--out", str(tmp_path / "x.csv")]) == 1
    assert "no sentences to suggest" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()
    for bad in (["--n", "0"], ["--n", "many"], ["--diversity", "-1"]):
        with pytest.raises(SystemExit) as exit_info:
            main(["suggest", str(known), "--out", "x.csv", *bad])
        assert exit_info.value.code == 2


def test_sentences_of_the_written_corpus_are_already_labelled(model):
    written = load_dataset(subset="written").data
    pool = [written[3], written[40], "A sentence nobody has labelled yet, about vetting."]
    picks = suggest(pool, n=3, model=model, split=False)
    assert [p.text for p in picks] == [pool[2]]


# A list whose items mean different things depending on the line before them.
LIST_DOCUMENT = (
    "Vetting in the force\n\n"
    "Our members asked the force for three things:\n\n"
    "- Independent checks on every officer\n"
    "- A public register of dismissals\n"
    "- Training on coercive control\n\n"
    "The force has agreed to none of them so far.\n"
)


def test_list_items_keep_their_lead_in_from_suggestion_to_training(tmp_path, model):
    from casey_nlp._data import read_labelled

    sentences = split_sentences(LIST_DOCUMENT)
    items = [s for s in sentences if s.list_item]
    assert len(items) == 3 and all(s.lead_in for s in items)
    picks = suggest({"members": LIST_DOCUMENT}, n=len(sentences), model=model, exclude_known=False)
    path = write_suggestions_csv(picks, tmp_path / "to_label.csv")
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_text = {s.text: s for s in sentences}
    assert {r["text"]: r["lead_in"] for r in rows} == {s.text: s.lead_in for s in sentences}
    # The user labels the file; training then reads each row as suggest read it.
    for r in rows:
        r["label"] = r["guess"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    trained_items = [row.item for row in read_labelled(path)]
    original_items = [by_text[r["text"]] for r in rows]
    np.testing.assert_array_equal(model.predict_proba(trained_items), model.predict_proba(original_items))
    # Without their lead-in the list items would read differently.
    assert not np.array_equal(model.predict_proba([s.text for s in items]), model.predict_proba(items))
