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
        ("text,label\nPolice must act.,opinion\n", r"mine\.csv:2: unknown label 'opinion'; use one of " + ", ".join(LABELS)),
        ("sentence,label\nPolice must act.,demand\n", r"mine\.csv:1: missing column\(s\) text"),
        ("text,label\nPolice must act.,demand\n  ,other\n", r"mine\.csv:3: empty text"),
        (b"text,label\nfine,demand\ncaf\xe9,other\n", r"mine\.csv:3: bytes that are not UTF-8"),
        ("text,label\n", r"mine\.csv: no labelled rows"),
        ("text,label\nPolice must act, now.,demand\n", r"mine\.csv:2: more fields than the header; put text that contains commas in double quotes"),
    ],
)
def test_bad_csv_errors_name_file_and_line(tmp_path, content, message):
    path = write(tmp_path / "mine.csv", content)
    with pytest.raises(DataError, match=message):
        read_labelled(path)


def test_bad_jsonl_line_is_named(tmp_path):
    path = write(tmp_path / "mine.jsonl", '{"text": "a", "label": "demand"}\n{oops\n')
    with pytest.raises(DataError, match=r"mine\.jsonl:2: not valid JSON"):
        read_labelled(path)


@pytest.mark.parametrize(
    "bad, message",
    [
        ('{"text": "x", "label": "demand", "n": ' + "1" * 5000 + "}", "a JSON number too long to read"),
        ('{"text": ' + "[" * 100_000, "JSON nested too deeply to read"),
    ],
)
def test_jsonl_lines_beyond_pythons_limits_are_training_data_problems(tmp_path, bad, message):
    # Not JSONDecodeErrors (a ValueError, a RecursionError), but still one bad
    # line among the problems, with the lines after it checked too.
    path = write(tmp_path / "mine.jsonl", '{"text": "a", "label": "demand"}\n' + bad + '\n{"text": "b", "label": "nope"}\n')
    with pytest.raises(DataError, match="2 problems") as error:
        read_labelled(path)
    assert f"mine.jsonl:2: {message}" in str(error.value) and "mine.jsonl:3: unknown label" in str(error.value)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(DataError, match=r"nope\.csv: file not found"):
        read_labelled(tmp_path / "nope.csv")


def test_all_conflicting_labels_are_reported_together(tmp_path):
    path = write(
        tmp_path / "mine.csv",
        "text,label\nPolice must act.,demand\nPolice must act.,finding\nENDS,other\nENDS,demand\n",
    )
    with pytest.raises(DataError, match="2 problems") as error:
        training_rows(path, include_bundled=False)
    message = str(error.value)
    assert "mine.csv:3: 'Police must act.' is labelled 'finding' but 'demand' at" in message
    assert "mine.csv:5: 'ENDS' is labelled 'demand' but 'other' at" in message


def test_conflict_with_the_bundled_data_is_refused_and_explains_the_way_out(tmp_path):
    sentence = "The Met must urgently address this culture of violent misogyny, racism and homophobia."
    path = write(tmp_path / "mine.csv", f'text,label\n"{sentence}",finding\n')
    with pytest.raises(DataError, match=r"(?s)bundled dataset, refuge-casey-review:014.*--no-bundled"):
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


# --- Every problem, at its line, before any fitting -----------------------------


@pytest.fixture
def no_fitting(monkeypatch):
    """Training that reaches ``fit`` fails the test: files must be refused before."""
    from casey_nlp._model import SentenceClassifier

    def fit(*args, **kwargs):
        raise AssertionError("fit was called on data that should have been refused")

    monkeypatch.setattr(SentenceClassifier, "fit", fit)


def test_a_field_longer_than_the_csv_module_default_is_read(tmp_path):
    import csv

    limit = csv.field_size_limit()
    long_text = "Officers must record every complaint " * 4000  # over 131,072 characters
    path = write(tmp_path / "mine.csv", f'text,label\n"{long_text}",demand\nENDS,other\n')
    rows = read_labelled(path)
    assert [len(r.text) for r in rows] == [len(long_text.strip()), 4]
    assert csv.field_size_limit() == limit  # the process-wide setting is left as it was


def test_an_unpaired_surrogate_escape_is_refused_before_fitting(tmp_path, no_fitting):
    path = write(
        tmp_path / "mine.jsonl",
        '{"text": "Vetting must be redone.", "label": "demand"}\n'
        '{"text": "Officers \\ud800 were vetted.", "label": "finding"}\n',
    )
    with pytest.raises(DataError, match=r"mine\.jsonl:2: text has an unpaired surrogate escape \(\\ud800"):
        train(path, include_bundled=False)


def test_every_problem_in_every_file_is_listed_up_to_a_cap(tmp_path, no_fitting):
    blanks = write(tmp_path / "blanks.csv", "text,label\n" + "".join(f"Sentence {i}.,\n" for i in range(25)))
    broken = write(tmp_path / "broken.jsonl", '{"text": "A.", "label": "demand"}\n{oops\n')
    with pytest.raises(DataError) as error:
        train([blanks, broken], include_bundled=False)
    lines = str(error.value).splitlines()
    assert lines[0].startswith("26 problems")
    assert len(lines) == 1 + 20 + 1 and lines[-1].strip() == "... and 6 more"
    assert all("blanks.csv:" in line and "label is blank" in line for line in lines[1:21])
    assert "blanks.csv:2:" in lines[1] and "blanks.csv:21:" in lines[20]
    # The cap keeps the message short; the other file's problem is still counted.
    with pytest.raises(DataError, match=r"broken\.jsonl:2: not valid JSON"):
        train(broken, include_bundled=False)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("mine.csv", 'text,label\nA.,demand\n"B.,finding\nC.,other\n',
         r"^\S*mine\.csv:3: a double quote opens a field that is never closed"),
        ("mine.csv", "text,label\nA.,demand\nPolice must\ract.,demand\n",
         r"^\S*mine\.csv:3: a bare carriage return \(CR\) inside a field"),
        ("mine.jsonl", '{"text": "A.", "label": "demand"}\n{"text": 123, "label": "statistic"}\n',
         r"^\S*mine\.jsonl:2: text is a number \(123\), not a sentence"),
        ("mine.csv", "text,label\nPolice must act.,Demand\n",
         r"mine\.csv:2: unknown label 'Demand'; did you mean 'demand'\? Use one of"),
        ("mine.csv", "text,label\n12% of officers.,statistc\n",
         r"mine\.csv:2: unknown label 'statistc'; did you mean 'statistic'\?"),
        ("mine.csv", "text,label\nOne officer said so.,case study\n",
         r"mine\.csv:2: unknown label 'case study'; did you mean 'case_study'\?"),
        ("mine.csv", "text;label\nPolice must act.;demand\n",
         r"mine\.csv:1: looks semicolon-separated; save it as comma-separated CSV"),
        ("mine.csv", "text\tlabel\nPolice must act.\tdemand\n",
         r"mine\.csv:1: looks tab-separated; save it as comma-separated CSV"),
        ("mine.csv", "Text,Label\nPolice must act.,demand\n",
         r"mine\.csv:1: column names are lower case: rename 'Text' to 'text', 'Label' to 'label' in the header"),
        ("mine.json", '[{"text": "A.", "label": "demand"}]\n',
         r"mine\.json:1: a JSON array; write one object per line"),
        ("mine.csv", "", r"mine\.csv: empty file; the first line must be the header text,label"),
        ("mine.csv", "\ntext,label\nA.,demand\n", r"mine\.csv:1: the first line is blank; the first line must be the header"),
    ],
)
def test_each_problem_is_named_at_its_own_line(tmp_path, name, content, message):
    path = write(tmp_path / name, content)
    with pytest.raises(DataError, match=message) as error:
        read_labelled(path)
    assert len(str(error.value).splitlines()) == 1  # one problem, one line


def test_repeated_rows_are_kept_with_a_warning_naming_their_lines(tmp_path):
    path = write(tmp_path / "mine.csv", "text,label\nPolice must act.,demand\nENDS,other\nPolice must act.,demand\n")
    with pytest.warns(UserWarning, match=r"1 repeated row.*\n.*mine\.csv:4 repeats \S*mine\.csv:2"):
        rows = training_rows(path, include_bundled=False)
    assert len(rows) == 3


def test_a_users_line_that_the_bundled_data_also_holds_is_no_repeat(tmp_path):
    import warnings

    path = write(tmp_path / "mine.csv", "text,label\nENDS,other\nMinisters must fund refuges.,demand\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "ENDS" closes bundled releases too: no warning
        rows = training_rows(path)
    assert sum(row.subset == "user" for row in rows) == 2


def test_files_over_the_size_limit_are_refused_before_reading(tmp_path, monkeypatch):
    from casey_nlp import _data

    monkeypatch.setattr(_data, "MAX_FILE_BYTES", 40)
    path = write(tmp_path / "mine.csv", "text,label\n" + "Police must act.,demand\n" * 3)
    with pytest.raises(DataError, match=r"mine\.csv: [\d.]+ MB is over the [\d.e-]+ MB limit.*train on a sample"):
        read_labelled(path)


# --- What ``extra`` may be -------------------------------------------------------


def test_a_dataframe_is_training_data():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({
        "text": ["Police must act.", "Independent vetting", "ENDS"],
        "label": ["demand", "demand", "other"],
        "doc_id": ["a", "a", None],
        "lead_in": [None, "We call for:", None],
    })
    rows = training_rows(frame, include_bundled=False)
    assert [(r.text, r.label, r.in_document) for r in rows] == [
        ("Police must act.", "demand", True), ("Independent vetting", "demand", True), ("ENDS", "other", False)]
    assert rows[1].item.list_item and rows[1].item.lead_in == "We call for:"
    assert train(frame, include_bundled=False, context=False).n_training_rows_ == 3


def test_a_dataframe_row_without_a_label_is_named_by_its_index():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"text": ["Police must act.", "ENDS"], "label": ["demand", None]}, index=[10, 11])
    with pytest.raises(DataError, match=r"extra DataFrame, index 11: label is blank"):
        training_rows(frame, include_bundled=False)
    with pytest.raises(DataError, match=r"extra DataFrame: missing column\(s\) label"):
        training_rows(frame[["text"]], include_bundled=False)


@pytest.mark.parametrize("extra, named", [(3, "extra is int"), ({"text": "A."}, "extra is dict"),
                                          (b"text,label\n", "extra is bytes"), ([("A.",)], r"extra\[0\] is tuple of length 1")])
def test_anything_else_is_a_type_error_saying_what_to_pass(extra, named):
    with pytest.raises(TypeError, match=named + r"; pass a file path, a list of paths, .*pandas DataFrame"):
        training_rows(extra, include_bundled=False)


def test_one_row_tuple_is_told_to_come_in_a_list():
    with pytest.raises(TypeError, match=r"extra is one \(text, label\) tuple; pass a list of them, such as \[\('A\.', 'demand'\)\]"):
        training_rows(("A.", "demand"), include_bundled=False)


def test_tuples_are_checked_like_files():
    with pytest.raises(DataError, match=r"^2 problems(?s:.*)extra\[1\]: unknown label 'Other'; did you mean 'other'\?"
                                        r"(?s:.*)extra\[2\]: empty text"):
        training_rows([("Police must act.", "demand"), ("ENDS", "Other"), (" ", "other")], include_bundled=False)


def test_pandas_is_not_imported_for_other_kinds_of_extra(tmp_path):
    import subprocess
    import sys

    path = write(tmp_path / "mine.csv", "text,label\nPolice must act.,demand\n")
    code = (
        "import sys; from casey_nlp._data import training_rows; "
        f"training_rows([{str(path)!r}, ('ENDS', 'other')], include_bundled=False); "
        "print('pandas' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# --- List context ------------------------------------------------------------------


def test_a_lead_in_makes_the_row_a_list_item_with_that_context(tmp_path):
    csv_path = write(tmp_path / "mine.csv", "text,label,lead_in\nIndependent vetting,demand,We call for:\nENDS,other,\n")
    jsonl_path = write(tmp_path / "mine.jsonl", json.dumps({"text": "Independent vetting", "label": "demand",
                                                            "lead_in": "We call for:"}) + "\n")
    for path in (csv_path, jsonl_path):
        item = read_labelled(path)[0].item
        assert (item.text, item.list_item, item.lead_in) == ("Independent vetting", True, "We call for:")
    assert read_labelled(csv_path)[1].item == "ENDS"


def test_the_same_list_item_under_different_lead_ins_may_differ_in_label(tmp_path):
    path = write(tmp_path / "mine.csv", "text,label,lead_in\nIndependent vetting,demand,We call for:\n"
                                        "Independent vetting,finding,The review found no:\n")
    assert [r.label for r in training_rows(path, include_bundled=False)] == ["demand", "finding"]
