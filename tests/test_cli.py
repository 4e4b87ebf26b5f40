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
