import csv
import io
import json

import pytest

from casey_nlp import LABELS, load_dataset
from casey_nlp._cli import main


def test_dataset_summary_lists_every_document_and_the_total(capsys):
    assert main(["dataset"]) == 0
    out = capsys.readouterr().out
    bunch = load_dataset()
    assert f"{len(bunch.data)} labelled sentences from 5 statements" in out
    for doc in set(bunch.doc_ids):
        assert doc in out
    assert out.splitlines()[-1].split()[-1] == str(len(bunch.data))
    header = out.splitlines()[2].split()
    assert header == ["document", *LABELS, "total"]


def test_dataset_export_csv_round_trips_the_dataset(capsys):
    assert main(["dataset", "--export", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    bunch = load_dataset()
    assert [r["text"] for r in rows] == bunch.data
    assert [r["label"] for r in rows] == bunch.target
    assert [int(r["start"]) for r in rows] == bunch.starts


def test_dataset_export_jsonl_to_a_file(tmp_path):
    out = tmp_path / "dataset.jsonl"
    assert main(["dataset", "--export", "jsonl", "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == load_dataset().ids


def test_export_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "mine.csv"
    out.write_text("precious", encoding="utf-8")
    assert main(["dataset", "--export", "csv", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert str(out) in err and "--force" in err and len(err.strip().splitlines()) == 1
    assert out.read_text(encoding="utf-8") == "precious"
    assert main(["dataset", "--export", "csv", "--out", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8").startswith("id,doc_id")


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["dataset", "--export", "xml"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2


RELEASE = (
    "Charity responds to vetting figures\n\n"
    "Jane Doe, chief executive, said:\n\n"
    "\u201cThe Home Secretary must order an independent inquiry. "
    "Only 3% of reported rapes led to a charge.\u201d\n\nENDS\n"
)


@pytest.fixture
def release(tmp_path):
    path = tmp_path / "release.txt"
    path.write_text(RELEASE, encoding="utf-8")
    return path


def test_classify_jsonl_gives_the_same_tags_as_the_library(release, capsys):
    from casey_nlp import classify

    assert main(["classify", "--format", "jsonl", str(release)]) == 0
    (document,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert document["source"] == str(release)
    expected = classify(RELEASE)
    assert [(r["text"], r["label"], r["start"], r["end"]) for r in document["sentences"]] == [
        (t.text, t.label, t.start, t.end) for t in expected
    ]


def test_classify_reads_stdin_by_default(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(RELEASE))
    assert main(["classify", "--format", "json"]) == 0
    (document,) = json.loads(capsys.readouterr().out)
    assert document["source"] == "<stdin>"
    assert document["sentences"][-1]["text"] == "ENDS" and document["sentences"][-1]["label"] == "other"


def test_classify_table_and_csv(release, capsys):
    assert main(["classify", str(release)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["#", "label", "conf", "text"]
    assert len(table) == 1 + 5
    assert main(["classify", "--format", "csv", str(release)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 5
    assert {f"score_{label}" for label in LABELS} <= set(rows[0])


def test_classify_missing_or_undecodable_file_exits_1_with_one_line(tmp_path, capsys):
    assert main(["classify", str(tmp_path / "nope.txt")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "nope.txt: file not found" in err
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9 must close".encode("latin-1"))
    assert main(["classify", str(bad)]) == 1
    assert "latin1.txt: not UTF-8" in capsys.readouterr().err


def test_dataset_summary_of_the_written_corpus_counts_by_genre(capsys):
    assert main(["dataset", "--subset", "written"]) == 0
    out = capsys.readouterr().out
    written = load_dataset(subset="written")
    assert out.startswith(f"{len(written.data)} labelled sentences from {len(written.documents)} documents")
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[2:] if line.strip()}
    assert set(rows) == set(written.genres) | {"genre", "total"}
    assert rows["total"][-1] == str(len(written.data))


def test_train_validates_trains_reports_and_saves(tmp_path, capsys):
    extra = tmp_path / "mine.csv"
    extra.write_text(
        "text,label,doc_id\nMinisters must fund refuges now.,demand,a\n"
        "Two in five survivors waited a year.,statistic,a\nENDS,other,b\n",
        encoding="utf-8",
    )
    out = tmp_path / "model.zip"
    assert main(["train", "--add", str(extra), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    # The first blind figure: the user's rows join the training side of every fold.
    assert "statements: leave-one-statement-out" in printed and "153 sentences, 5 documents" in printed
    assert out.exists() and not out.with_suffix(".json").exists()  # one file
    release = tmp_path / "release.txt"
    release.write_text(RELEASE, encoding="utf-8")
    assert main(["classify", "--model", str(out), "--format", "jsonl", str(release)]) == 0
    labels = [row["label"] for row in json.loads(capsys.readouterr().out)["sentences"]]
    from casey_nlp import classify, load_model

    assert labels == [t.label for t in classify(RELEASE, model=load_model(out))]
    assert main(["train", "--add", str(extra), "--out", str(out), "--no-eval"]) == 1
    assert "already exists" in capsys.readouterr().err


def test_train_with_a_bad_csv_exits_1_naming_file_and_line(tmp_path, capsys):
    extra = tmp_path / "mine.csv"
    extra.write_text("text,label\nMinisters must act.,opinion\n", encoding="utf-8")
    assert main(["train", "--add", str(extra), "--out", str(tmp_path / "m.zip")]) == 1
    err = capsys.readouterr().err
    assert "mine.csv, line 2: unknown label 'opinion'" in err and "Traceback" not in err
    assert not (tmp_path / "m.zip").exists()


def test_evaluate_json_has_baselines_and_beats_them(capsys):
    assert main(["evaluate", "--split", "written-to-statements", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)["written-to-statements"]
    assert set(report["per_label"]) == set(LABELS)
    assert report["n_sentences"] == 153 and report["isolated"]["macro_f1"] > 0
    assert len(report["per_document"]) == 5
    assert {"majority class", "keyword rules", "TF-IDF + logistic regression"} <= set(report["baselines"])
    best_baseline = max(b["macro_f1"] for b in report["baselines"].values())
    assert report["macro_f1"] > best_baseline + 0.05


def test_python_dash_m_runs_the_cli():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "casey_nlp", "classify", "--format", "jsonl", "-"],
        input="The Met must change.", capture_output=True, text=True, check=True,
    )
    assert json.loads(result.stdout)["sentences"][0]["label"] == "demand"


def test_unreadable_inputs_are_reported_and_skipped_and_the_run_goes_on(tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text("The Met must change.", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9")
    assert main(["classify", "--format", "jsonl", str(bad), str(tmp_path / "gone.txt"), str(good)]) == 1
    captured = capsys.readouterr()
    assert [json.loads(line)["source"] for line in captured.out.splitlines()] == [str(good)]
    errors = captured.err.strip().splitlines()
    assert len(errors) == 2 and "bad.txt: not UTF-8" in errors[0] and "gone.txt: file not found" in errors[1]


def test_jsonl_on_stdin_keeps_ids_and_reports_bad_lines(monkeypatch, capsys):
    lines = ['{"id": "r1", "text": "The Met must change."}', "{oops", '{"id": 7, "text": "ENDS"}']
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["classify", "--input-format", "jsonl", "--format", "jsonl"]) == 1
    captured = capsys.readouterr()
    assert [json.loads(line)["source"] for line in captured.out.splitlines()] == ["r1", "7"]
    assert "<stdin>, line 2" in captured.err


def test_a_generated_corpus_is_tagged_each_document_exactly_once(tmp_path, capsys):
    """A few thousand documents through the CLI: every input appears once in the output."""
    corpus = tmp_path / "corpus"
    sentences = ["The Met must change.", "Only 7% of cases were charged.", "ENDS", "The force has failed."]
    for i in range(3000):
        folder = corpus / f"batch{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        text = "\n".join(sentences[: 1 + i % 4]) + f"\nRelease number {i}."
        (folder / f"release-{i:04d}.txt").write_text(text, encoding="utf-8")
    assert main(["classify", "--format", "jsonl", str(corpus)]) == 0
    documents = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    sources = [d["source"] for d in documents]
    expected = sorted(str(p) for p in corpus.rglob("*.txt"))
    assert sorted(sources) == expected and len(sources) == len(set(sources)) == 3000
    for d in documents:
        i = int(d["source"][-8:-4])
        assert len(d["sentences"]) == 2 + i % 4


def test_parallel_jobs_give_the_same_output_in_the_same_order(tmp_path, capsys):
    files = []
    for i in range(40):
        path = tmp_path / f"r{i:02d}.txt"
        path.write_text(f"Release {i}.\nThe Met must change. {i}% of cases failed.", encoding="utf-8")
        files.append(str(path))
    assert main(["classify", "--format", "jsonl", *files]) == 0
    serial = capsys.readouterr().out
    assert main(["classify", "--format", "jsonl", "--jobs", "2", *files]) == 0
    assert capsys.readouterr().out == serial


def test_classify_explain_adds_the_same_explanations_as_the_library(release, capsys):
    from casey_nlp import explain_document

    assert main(["classify", "--explain", "--format", "jsonl", str(release)]) == 0
    (document,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = explain_document(RELEASE)
    assert [r["explanation"]["runner_up"] for r in document["sentences"]] == [e.runner_up for e in expected]
    assert [r["label"] for r in document["sentences"]] == [e.label for e in expected]
    assert main(["classify", "--explain", str(release)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert sum(line.strip().startswith("why: ") for line in table) == len(expected)


def test_train_refuses_an_existing_out_before_training(tmp_path, capsys, monkeypatch):
    from casey_nlp import _model

    out = tmp_path / "model.zip"
    out.write_bytes(b"keep me")
    monkeypatch.setattr(_model, "train", lambda *a, **k: pytest.fail("trained before checking --out"))
    assert main(["train", "--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err and out.read_bytes() == b"keep me"
    assert main(["train", "--out", "-"]) == 1
    assert "--out needs a file path" in capsys.readouterr().err


def test_train_on_one_document_only_skips_the_figures_but_saves(tmp_path, capsys):
    extra = tmp_path / "mine.csv"
    extra.write_text("text,label\nThe Met must act.,demand\nENDS,other\n", encoding="utf-8")
    out = tmp_path / "m.zip"
    assert main(["train", "--add", str(extra), "--no-bundled", "--out", str(out)]) == 0
    assert "no blind figures" in capsys.readouterr().out
    assert out.exists()
    # With --no-bundled, evaluate falls back to leave-one-document-out over the user's data.
    assert main(["evaluate", "--add", str(extra), "--no-bundled"]) == 1
    assert "at least two documents" in capsys.readouterr().err
    assert main(["evaluate", "--add", str(extra), "--no-bundled", "--split", "writers"]) == 1
    assert "split 'writers' needs the bundled data" in capsys.readouterr().err


def test_jobs_must_be_positive_or_minus_one(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["classify", "--jobs", "0", "x.txt"])
    assert exit_info.value.code == 2


def test_an_empty_folder_is_reported(tmp_path, capsys):
    assert main(["classify", str(tmp_path)]) == 1
    assert "folder has no *.txt files" in capsys.readouterr().err
