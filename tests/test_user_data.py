"""Users' labelled files: validated before training, errors naming file and line."""

import json

import pytest

from casey_nlp import DataError, LABELS, train
from casey_nlp._data import read_labelled, training_rows


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def test_csv_with_bom_and_crlf_is_read(tmp_path):
    path = write(tmp_path / "mine.csv", "\ufefftext,label,doc_id\r\nPolice must act.,demand,a\r\nENDS,other,\r\n")
    rows = read_labelled(path)
    assert [(r.text, r.label) for r in rows] == [("Police must act.", "demand"), ("ENDS", "other")]
    assert rows[0].group == "a"
    assert rows[1].group == "user:mine.csv"  # no doc_id: the file is its own group


def test_jsonl_is_read(tmp_path):
    lines = [{"text": "Police must act.", "label": "demand"}, {"text": "ENDS", "label": "other", "doc_id": "x"}]
    path = write(tmp_path / "mine.jsonl", "\n".join(json.dumps(l) for l in lines) + "\n\n")
    assert [r.group for r in read_labelled(path)] == ["user:mine.jsonl", "x"]


@pytest.mark.parametrize(
    "content, message",
    [
        ("text,label\nPolice must act.,opinion\n", r"mine\.csv, line 2: unknown label 'opinion'; use one of " + ", ".join(LABELS)),
        ("sentence,label\nPolice must act.,demand\n", r"mine\.csv, line 1: missing column\(s\) text"),
        ("text,label\nPolice must act.,demand\n  ,other\n", r"mine\.csv, line 3: empty text"),
        (b"text,label\nfine,demand\ncaf\xe9,other\n", r"mine\.csv, line 3: bytes that are not UTF-8"),
        ("text,label\n", r"mine\.csv: no labelled rows"),
        ("text,label\nPolice must act, now.,demand\n", r"mine\.csv, line 2: more fields than the header; put text that contains commas in double quotes"),
    ],
)
def test_bad_csv_errors_name_file_and_line(tmp_path, content, message):
    path = write(tmp_path / "mine.csv", content)
    with pytest.raises(DataError, match=message):
        read_labelled(path)


def test_bad_jsonl_line_is_named(tmp_path):
    path = write(tmp_path / "mine.jsonl", '{"text": "a", "label": "demand"}\n{oops\n')
    with pytest.raises(DataError, match=r"mine\.jsonl, line 2: not valid JSON"):
        read_labelled(path)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(DataError, match=r"nope\.csv: file not found"):
        read_labelled(tmp_path / "nope.csv")


def test_all_conflicting_labels_are_reported_together(tmp_path):
    path = write(
        tmp_path / "mine.csv",
        "text,label\nPolice must act.,demand\nPolice must act.,finding\nENDS,other\nENDS,demand\n",
    )
    with pytest.raises(DataError, match="2 conflicting label") as error:
        training_rows(path, include_bundled=False)
    message = str(error.value)
    assert "mine.csv, line 3" in message and "mine.csv, line 5" in message


def test_conflict_with_the_bundled_data_is_refused_and_explains_the_way_out(tmp_path):
    sentence = "The Met must urgently address this culture of violent misogyny, racism and homophobia."
    path = write(tmp_path / "mine.csv", f'text,label\n"{sentence}",finding\n')
    with pytest.raises(DataError, match=r"(?s)--no-bundled.*bundled dataset, refuge-casey-review:014"):
        training_rows(path)
    assert len(training_rows(path, include_bundled=False)) == 1


def test_bundled_data_is_never_modified_by_training(tmp_path):
    from casey_nlp import _resources

    before = {p: p.read_bytes() for p in _resources.data_dir().rglob("*") if p.is_file()}
    path = write(tmp_path / "mine.csv", "text,label\nPolice must act now.,demand\n")
    train(path)
    after = {p: p.read_bytes() for p in _resources.data_dir().rglob("*") if p.is_file()}
    assert before == after


def test_rows_without_a_doc_id_are_each_read_alone_by_the_context_stage(tmp_path):
    from casey_nlp._data import context_groups, read_labelled

    path = tmp_path / "mine.csv"
    path.write_text("text,label,doc_id\nA.,demand,x\nB.,other,x\nC.,finding,\nD.,other,\n", encoding="utf-8")
    rows = read_labelled(path)
    groups = context_groups(rows)
    assert groups[0] == groups[1] == "x"
    assert len({groups[2], groups[3], "x"}) == 3
    # Evaluation folds still group them by file.
    assert rows[2].group == rows[3].group == "user:mine.csv"
