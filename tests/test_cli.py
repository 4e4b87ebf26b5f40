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
    assert "mine.csv:2: unknown label 'opinion'" in err and "Traceback" not in err
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


# --- issue 10: inputs, outputs, provenance -------------------------------------------------


def _shipped_model_sha256():
    """The shipped model file's own hash, computed here rather than taken from the library."""
    import hashlib
    from pathlib import Path

    import casey_nlp

    return hashlib.sha256((Path(casey_nlp.__file__).parents[1] / "models" / "default.zip").read_bytes()).hexdigest()


def test_version_prints_the_package_version(capsys):
    import re
    from pathlib import Path

    # Read from the file the build takes the version from, not from the code under test.
    source = (Path(__file__).parents[1] / "casey_nlp" / "_version.py").read_text(encoding="utf-8")
    version = re.search(r'^__version__ = "([^"]+)"', source, re.M).group(1)
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"casey-nlp {version}"


def test_jsonl_from_a_file_is_parsed_record_by_record(tmp_path, capsys):
    from casey_nlp import classify

    records = tmp_path / "records.jsonl"
    records.write_text(
        json.dumps({"id": "a", "text": RELEASE}) + "\n\n" + json.dumps({"id": "b", "text": "ENDS"}) + "\n",
        encoding="utf-8",
    )
    assert main(["classify", "--input-format", "jsonl", "--format", "jsonl", str(records)]) == 0
    documents = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [d["source"] for d in documents] == ["a", "b"]
    assert [s["label"] for s in documents[0]["sentences"]] == [t.label for t in classify(RELEASE)]
    assert [s["text"] for s in documents[1]["sentences"]] == ["ENDS"]


@pytest.mark.parametrize("content, expected", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n", "looks like a PDF; extract its text first"),
    (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "looks like a Word/zip file"),
    (b"The Met\x00\x00 must\x00 change.", "looks like a binary file (NUL bytes)"),
])
def test_a_pdf_or_binary_file_is_called_what_it_looks_like(tmp_path, capsys, content, expected):
    path = tmp_path / "statement.txt"
    path.write_bytes(content)
    assert main(["classify", str(path)]) == 1
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.count("\n") == 0 and str(path) in err and expected in err
    assert "re-save it as UTF-8" not in err and captured.out == ""


def test_encoding_option_reads_cp1252_files_and_the_error_names_it(tmp_path, capsys):
    text = "The Commissioner\u2019s caf\xe9 reforms must go further. ENDS"
    path = tmp_path / "windows.txt"
    path.write_bytes(text.encode("cp1252"))
    assert main(["classify", "--format", "jsonl", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "windows.txt: not UTF-8" in err and "--encoding cp1252" in err
    assert main(["classify", "--format", "jsonl", "--encoding", "cp1252", str(path)]) == 0
    (document,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert " ".join(s["text"] for s in document["sentences"]) == text
    with pytest.raises(SystemExit) as exit_info:
        main(["classify", "--encoding", "no-such-codec", str(path)])
    assert exit_info.value.code == 2
    assert "--encoding" in capsys.readouterr().err


def test_a_folder_includes_upper_case_txt_files(tmp_path, capsys):
    (tmp_path / "A.TXT").write_text("The Met must change.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("ENDS", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("text,label\n", encoding="utf-8")
    assert main(["classify", "--format", "jsonl", str(tmp_path)]) == 0
    sources = [json.loads(line)["source"] for line in capsys.readouterr().out.splitlines()]
    assert sources == [str(tmp_path / "A.TXT"), str(tmp_path / "b.txt")]


def test_an_unpaired_surrogate_in_jsonl_is_reported_and_the_rest_tagged(monkeypatch, capsys):
    lines = [
        '{"id": "r1", "text": "The Met must change."}',
        '{"id": "r2", "text": "Broken \\ud800 escape."}',
        '{"id": "r3", "text": "ENDS"}',
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["classify", "--input-format", "jsonl", "--format", "jsonl"]) == 1
    captured = capsys.readouterr()
    assert [json.loads(line)["source"] for line in captured.out.splitlines()] == ["r1", "r3"]
    err = captured.err.strip()
    assert err.count("\n") == 0 and "<stdin>, line 2" in err and "surrogate" in err


def test_output_is_utf8_whatever_the_locale(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    text = "The Met must change \U0001f6a8 now."
    result = subprocess.run(
        [sys.executable, "-m", "casey_nlp", "classify", "--format", "jsonl", "-"],
        input=text.encode("utf-8"), capture_output=True, env=env,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert json.loads(result.stdout.decode("utf-8"))["sentences"][0]["text"] == text
    missing = tmp_path / "r\u00e9sum\u00e9 \U0001f6a8.txt"
    result = subprocess.run(
        [sys.executable, "-m", "casey_nlp", "classify", str(missing)], capture_output=True, env=env,
    )
    assert result.returncode == 1
    err = result.stderr.decode("utf-8")
    assert err.count("\n") == 1 and f"{missing}: file not found" in err and "Traceback" not in err


def test_train_refuses_an_out_in_a_missing_folder_before_training(tmp_path, capsys, monkeypatch):
    from casey_nlp import _model

    extra = tmp_path / "ok.csv"
    extra.write_text("text,label\nThe Met must act.,demand\n", encoding="utf-8")
    monkeypatch.setattr(_model, "train", lambda *a, **k: pytest.fail("trained before checking --out"))
    out = tmp_path / "nodir" / "m.zip"
    assert main(["train", "--add", str(extra), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert captured.out == "" and err.count("\n") == 0
    assert str(out) in err and "does not exist" in err and "Errno" not in err


def test_train_refuses_a_bad_or_existing_out_before_training(tmp_path, capsys, monkeypatch):
    from casey_nlp import _model

    out = tmp_path / "m.zip"
    out.write_text("keep me", encoding="utf-8")
    monkeypatch.setattr(_model, "train", lambda *a, **k: pytest.fail("trained before checking --out"))
    assert main(["train", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "m.zip: already exists" in err and "--force" in err
    assert out.read_text(encoding="utf-8") == "keep me"
    # A model file is a .zip: any other name is refused before training, not after.
    for name, message in (("new.json", "must end in .zip"), ("new.joblib", "use new.zip"), ("-", "must be saved to a file")):
        assert main(["train", "--out", name if name == "-" else str(tmp_path / name)]) == 1
        assert message in capsys.readouterr().err


def test_report_and_suggest_check_out_before_any_work(release, tmp_path, capsys, monkeypatch):
    from casey_nlp import _report, _suggest

    monkeypatch.setattr(_report, "report_html", lambda *a, **k: pytest.fail("rendered before checking --out"))
    monkeypatch.setattr(_suggest, "suggest", lambda *a, **k: pytest.fail("chose before checking --out"))
    for command in (["report", str(release)], ["suggest", str(release)]):
        out = tmp_path / "nodir" / "x.out"
        assert main([*command, "--out", str(out)]) == 1
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and str(out) in err and "does not exist" in err and "Errno" not in err
        existing = tmp_path / "keep.out"
        existing.write_text("mine", encoding="utf-8")
        assert main([*command, "--out", str(existing)]) == 1
        err = capsys.readouterr().err.strip()
        assert f"{existing}: already exists" in err and "--force" in err
        assert existing.read_text(encoding="utf-8") == "mine"


FORMULA_RELEASE = "=1+2 officers were sacked.\n+44 numbers called.\n@Met must respond.\n-Police must act.\n\t-5% fell.\n"


def test_classify_csv_neutralises_formula_cells_but_keeps_numbers(tmp_path, capsys):
    from casey_nlp import classify

    path = tmp_path / "formula.txt"
    path.write_text(FORMULA_RELEASE, encoding="utf-8")
    assert main(["classify", "--format", "csv", str(path)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    expected = classify(FORMULA_RELEASE)
    assert len(rows) == len(expected) == 5
    for row, tagged in zip(rows, expected):
        assert row["text"] == "'" + tagged.text  # every one of them starts with = + - @ or tab
        assert row["label"] == tagged.label
        assert int(row["start"]) == tagged.start and float(row["confidence"]) == round(tagged.confidence, 4)
        for cell in row.values():
            assert not cell or cell[0] not in "=+-@\t\r"
    assert main(["classify", "--format", "csv", "--raw-csv", str(path)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["text"] for row in rows] == [t.text for t in expected]


def test_suggest_csv_neutralises_formula_cells(tmp_path, capsys):
    path = tmp_path / "formula.txt"
    path.write_text(FORMULA_RELEASE, encoding="utf-8")
    out = tmp_path / "to_label.csv"
    assert main(["suggest", str(path), "--n", "5", "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows and all(row["text"].startswith("'") and row["text"][1] in "=+-@\t" for row in rows)
    assert all(0 <= float(row["confidence"]) <= 1 for row in rows)
    assert {(r["model"], r["model_sha256"]) for r in rows} == {("default", _shipped_model_sha256())}


def test_a_labelled_suggest_csv_trains_on_the_sentences_as_written(tmp_path, capsys):
    """Escaping is for spreadsheets only: training reads each sentence back exactly."""
    from casey_nlp._data import read_labelled

    path = tmp_path / "formula.txt"
    path.write_text(FORMULA_RELEASE, encoding="utf-8")
    out = tmp_path / "to_label.csv"
    assert main(["suggest", str(path), "--n", "5", "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    for row in rows:
        row["label"] = row["guess"]
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    sentences = {s.text for s in __import__("casey_nlp").split_sentences(FORMULA_RELEASE)}
    read_back = [row.text for row in read_labelled(out)]
    assert len(read_back) == len(rows) and set(read_back) <= sentences
    assert all(text[0] in "=+-@" for text in read_back)


def test_json_jsonl_and_csv_record_the_model_that_produced_them(release, capsys):
    expected = {"name": "default", "version": __import__("casey_nlp").__version__,
                "sha256": _shipped_model_sha256()}
    assert main(["classify", "--format", "jsonl", str(release)]) == 0
    assert json.loads(capsys.readouterr().out)["model"] == expected
    assert main(["classify", "--format", "json", str(release)]) == 0
    assert json.loads(capsys.readouterr().out)[0]["model"] == expected
    assert main(["classify", "--format", "csv", str(release)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {(r["model"], r["model_version"], r["model_sha256"]) for r in rows} == {tuple(expected.values())}


def test_explain_splits_and_scores_each_document_once(release, capsys, monkeypatch):
    from casey_nlp import _classify, _segment

    calls = []
    original = _segment.split_sentences

    def counting(text):
        calls.append(text)
        return original(text)

    monkeypatch.setattr(_segment, "split_sentences", counting)
    monkeypatch.setattr(_classify, "split_sentences", counting)
    assert main(["classify", "--explain", "--format", "jsonl", str(release)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert calls == [RELEASE]
    # One reading gives both: the tags are still those of classify.
    assert [s["label"] for s in document["sentences"]] == [t.label for t in _classify.classify(RELEASE)]


def test_min_confidence_marks_the_same_tags_unsure_as_the_library(release, capsys):
    from casey_nlp import classify

    expected = [t.unsure for t in classify(RELEASE, min_confidence=0.9)]
    assert any(expected) and not all(expected)  # the case is informative
    for extra in ([], ["--explain"]):
        assert main(["classify", "--format", "jsonl", "--min-confidence", "0.9", *extra, str(release)]) == 0
        sentences = json.loads(capsys.readouterr().out)["sentences"]
        assert [s["unsure"] for s in sentences] == expected
        assert all(s["unsure"] == (s["confidence"] < 0.9) for s in sentences)
    assert main(["classify", "--format", "csv", "--min-confidence", "0.9", str(release)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["unsure"] == "True" for row in rows] == expected
    assert main(["classify", "--min-confidence", "0.9", str(release)]) == 0
    table = capsys.readouterr().out
    assert table.count("? ") >= sum(expected)
    assert main(["classify", "--format", "jsonl", str(release)]) == 0
    assert not any(s["unsure"] for s in json.loads(capsys.readouterr().out)["sentences"])  # off by default


@pytest.mark.parametrize("value", ["1.5", "-0.1", "nan", "high"])
def test_a_bad_min_confidence_is_a_usage_error_naming_the_option(release, capsys, value):
    with pytest.raises(SystemExit) as caught:
        main(["classify", "--min-confidence", value, str(release)])
    assert caught.value.code == 2
    assert "--min-confidence" in capsys.readouterr().err


def test_classify_explain_keeps_speakers_addressees_and_figures(release, capsys):
    # --explain once built its tags without the extractors: every speaker came out null.
    import casey_nlp

    assert main(["classify", "--explain", "--format", "jsonl", str(release)]) == 0
    (document,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = [s.to_dict() for s in casey_nlp.classify(RELEASE)]
    for key in ("speaker", "addressees", "figures"):
        assert [r[key] for r in document["sentences"]] == [e[key] for e in expected], key
    assert main(["classify", "--explain", "--no-extract", "--format", "jsonl", str(release)]) == 0
    (document,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert all(r["speaker"] is None and r["figures"] == [] for r in document["sentences"])


def test_csv_figures_cell_keeps_every_digit(tmp_path, capsys):
    path = tmp_path / "stat.txt"
    path.write_text("The force recorded 1,234,567 stops last year, 12,345.6 an hour.\n", encoding="utf-8")
    assert main(["classify", "--format", "csv", str(path)]) == 0
    (row,) = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row["label"] == "statistic"
    assert "1,234,567 = count 1234567" in row["figures"]
