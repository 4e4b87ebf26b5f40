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
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = classify(RELEASE)
    assert [(r["text"], r["label"], r["start"], r["end"]) for r in rows] == [
        (t.text, t.label, t.start, t.end) for t in expected
    ]
    assert all(r["source"] == str(release) for r in rows)


def test_classify_reads_stdin_by_default(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(RELEASE))
    assert main(["classify", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["source"] for r in rows] == ["<stdin>"] * len(rows)
    assert rows[-1]["text"] == "ENDS" and rows[-1]["label"] == "other"


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


def test_train_validates_trains_reports_and_saves(tmp_path, capsys):
    extra = tmp_path / "mine.csv"
    extra.write_text(
        "text,label,doc_id\nMinisters must fund refuges now.,demand,a\n"
        "Two in five survivors waited a year.,statistic,a\nENDS,other,b\n",
        encoding="utf-8",
    )
    out = tmp_path / "model.joblib"
    assert main(["train", "--add", str(extra), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Leave-one-document-out" in printed and "7 documents" in printed
    assert out.exists() and out.with_suffix(".json").exists()
    release = tmp_path / "release.txt"
    release.write_text(RELEASE, encoding="utf-8")
    assert main(["classify", "--model", str(out), "--format", "jsonl", str(release)]) == 0
    labels = [json.loads(line)["label"] for line in capsys.readouterr().out.splitlines()]
    from casey_nlp import classify, load_model

    assert labels == [t.label for t in classify(RELEASE, model=load_model(out))]
    assert main(["train", "--add", str(extra), "--out", str(out), "--no-eval"]) == 1
    assert "already exists" in capsys.readouterr().err


def test_train_with_a_bad_csv_exits_1_naming_file_and_line(tmp_path, capsys):
    extra = tmp_path / "mine.csv"
    extra.write_text("text,label\nMinisters must act.,opinion\n", encoding="utf-8")
    assert main(["train", "--add", str(extra), "--out", str(tmp_path / "m.joblib")]) == 1
    err = capsys.readouterr().err
    assert "mine.csv, line 2: unknown label 'opinion'" in err and "Traceback" not in err
    assert not (tmp_path / "m.joblib").exists()


def test_evaluate_json_has_baselines_and_beats_them(capsys):
    assert main(["evaluate", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report["per_label"]) == set(LABELS)
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
    assert json.loads(result.stdout)["label"] == "demand"
