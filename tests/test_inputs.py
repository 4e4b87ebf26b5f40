"""Reading what the user points at: files, folders, stdin, JSONL; the same cases as the CLI tests."""

import io
import json
import pickle

import pytest

from casey_nlp import DataError, classify_many
from casey_nlp._inputs import (
    DocumentInputs, TextFile, Unreadable, check_encoding, decode_text, find_documents, read_jsonl,
    read_text, read_texts,
)


@pytest.mark.parametrize("raw, expected", [
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "looks like a PDF; extract its text first"),
    (b"PK\x03\x04\x14\x00word/document.xml", "looks like a Word/zip file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "looks like an old Word/Office file"),
    (b"{\\rtf1\\ansi The Met must change.}", "looks like an RTF file"),
    (b"The\x00 Met\x00", "looks like a binary file (NUL bytes)"),
    ("The Met must change.".encode("utf-16"), "looks like UTF-16 text"),
])
def test_what_is_not_text_is_named_for_what_it_looks_like(raw, expected):
    with pytest.raises(DataError) as error:
        decode_text(raw, "doc.txt")
    message = str(error.value)
    assert message.startswith("doc.txt: ") and expected in message and "\n" not in message


def test_a_pdf_is_refused_even_with_an_encoding_that_would_decode_it():
    with pytest.raises(DataError, match="looks like a PDF"):
        decode_text(b"%PDF-1.7\n\xff\xfe binary", "a.pdf", "latin-1")


def test_not_utf8_names_the_line_and_the_encoding_option():
    raw = "line one\nthe caf\xe9 must close".encode("cp1252")
    with pytest.raises(DataError) as error:
        decode_text(raw, "old.txt")
    assert "old.txt: not UTF-8 text (line 2" in str(error.value) and "--encoding cp1252" in str(error.value)
    assert decode_text(raw, "old.txt", "cp1252") == "line one\nthe caf\xe9 must close"
    with pytest.raises(DataError, match=r"old\.txt: not ascii text .*check --encoding"):
        decode_text(raw, "old.txt", "ascii")


def test_utf16_with_a_byte_order_mark_reads_with_its_encoding():
    assert decode_text("Officers must be vetted.".encode("utf-16"), "w.txt", "utf-16") == "Officers must be vetted."


def test_a_utf8_byte_order_mark_is_dropped_whatever_utf8_is_called():
    raw = b"\xef\xbb\xbfThe Met must change."
    assert decode_text(raw, "bom.txt") == decode_text(raw, "bom.txt", "UTF8") == "The Met must change."
    assert check_encoding("latin_1") == "iso8859-1" and check_encoding(None) is None
    with pytest.raises(LookupError):
        check_encoding("no-such-codec")


def test_read_text_says_missing_and_folder(tmp_path):
    with pytest.raises(DataError, match=r"gone\.txt: file not found$"):
        read_text(tmp_path / "gone.txt")
    with pytest.raises(DataError, match="is a folder"):
        read_text(tmp_path)


def test_folders_match_txt_in_any_case_and_nothing_else(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ("A.TXT", "b.txt", "sub/C.Txt", "notes.csv", "txt", "d.txt.bak"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert find_documents(tmp_path) == [tmp_path / "A.TXT", tmp_path / "b.txt", tmp_path / "sub" / "C.Txt"]


def test_classify_many_reads_files_in_their_encoding_and_reports_the_rest_in_order(tmp_path):
    good = tmp_path / "good.txt"
    good.write_bytes("The Commissioner\u2019s plan must change.".encode("cp1252"))
    pdf = tmp_path / "scan.txt"
    pdf.write_bytes(b"%PDF-1.7\n")
    inputs = DocumentInputs([str(pdf), str(tmp_path / "gone.txt"), str(good)], encoding="cp1252")
    assert inputs.count == 3
    results = list(classify_many(inputs))
    assert [r.source for r in results] == [str(pdf), str(tmp_path / "gone.txt"), str(good)]
    assert "looks like a PDF" in results[0].error and "file not found" in results[1].error
    assert results[2].error is None and results[2].sentences[0].text == "The Commissioner\u2019s plan must change."


def test_an_empty_folder_is_an_error_in_the_stream(tmp_path):
    (result,) = classify_many(DocumentInputs([str(tmp_path)]))
    assert result.error == f"{tmp_path}: folder has no *.txt files" and result.sentences == []


def test_a_folder_of_jsonl_read_as_text_says_to_use_input_format_jsonl(tmp_path):
    (tmp_path / "feed.jsonl").write_text('{"id": "a", "text": "ENDS"}\n', encoding="utf-8")
    (result,) = classify_many(DocumentInputs([str(tmp_path)]))
    assert result.error == f"{tmp_path}: folder has no *.txt files (use --input-format jsonl for .jsonl files)"
    # Commands without --input-format (suggest, report) do not suggest it.
    (item,) = DocumentInputs([str(tmp_path)], jsonl_hint=False)
    assert item.error == f"{tmp_path}: folder has no *.txt files"


def test_files_to_read_survive_pickling_for_worker_processes():
    for item in (TextFile("a.txt", "cp1252"), Unreadable("b.txt", "b.txt: file not found")):
        assert pickle.loads(pickle.dumps(item)) == item


def test_jsonl_lines_give_records_and_one_line_errors_and_go_on():
    lines = [
        b'\xef\xbb\xbf{"id": "r1", "text": "The Met must change."}\n',
        b"\n",
        b"{oops\n",
        b'["not", "an object"]\n',
        b'{"id": "r4", "text": "Bad \\udc80 escape."}\n',
        b'{"id": "\\ud800", "text": "ENDS"}\n',
        b'{"id": "r6", "text": "caf\xe9"}\n',
        b'{"id": 7, "text": "ENDS"}',
    ]
    items = list(read_jsonl(lines, "feed.jsonl"))
    assert items[0] == ("r1", "The Met must change.") and items[-1] == ("7", "ENDS")
    errors = [item.error for item in items[1:-1]]
    assert all(isinstance(item, Unreadable) for item in items[1:-1])
    assert [e.split(":")[0] for e in errors] == [f"feed.jsonl, line {n}" for n in (3, 4, 5, 6, 7)]
    assert "not valid JSON" in errors[0] and "'id' and a string 'text'" in errors[1]
    assert "'text' holds an unpaired surrogate" in errors[2] and "'id' holds an unpaired surrogate" in errors[3]
    assert "not UTF-8" in errors[4]
    assert all("\n" not in e for e in errors)


def test_jsonl_files_and_stdin_through_classify_many(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "a", "text": "The Met must change."}) + "\n{oops\n", encoding="utf-8")
    stdin = io.StringIO(json.dumps({"id": "b", "text": "ENDS"}) + "\n")
    inputs = DocumentInputs([str(feed), "-"], input_format="jsonl", stdin=stdin)
    assert inputs.count is None
    results = list(classify_many(inputs))
    assert [(r.source, r.error is None) for r in results] == [("a", True), (f"{feed}, line 2", False), ("b", True)]
    assert [s.label for s in results[2].sentences] == ["other"]


def test_stdin_bytes_are_decoded_with_the_encoding_not_the_locale():
    class Stdin:
        buffer = io.BytesIO("Caf\xe9 owners must be heard.".encode("latin-1"))

    assert read_texts(["-"], encoding="latin-1", stdin=Stdin()) == {"<stdin>": "Caf\xe9 owners must be heard."}
    Stdin.buffer = io.BytesIO(b"%PDF-1.7")
    with pytest.raises(DataError, match="<stdin>: looks like a PDF"):
        read_texts(["-"], stdin=Stdin())


def test_read_texts_expands_folders_unless_told_not_to(tmp_path):
    (tmp_path / "a.txt").write_text("The Met must change.", encoding="utf-8")
    (tmp_path / "B.TXT").write_text("ENDS", encoding="utf-8")
    assert read_texts([str(tmp_path)]) == {str(tmp_path / "B.TXT"): "ENDS", str(tmp_path / "a.txt"): "The Met must change."}
    with pytest.raises(DataError, match="is a folder"):
        read_texts([str(tmp_path)], folders=False)


def test_jsonl_lines_beyond_pythons_limits_are_one_line_errors_and_go_on():
    # A 5,000-digit integer raises a plain ValueError (Python's int-string
    # limit) and deep nesting a RecursionError; neither is a JSONDecodeError.
    lines = [
        '{"id": "r1", "text": "The council must act."}\n',
        '{"id": ' + "1" * 5000 + ', "text": "x"}\n',
        '{"a": ' + "[" * 100_000 + "\n",
        '{"id": "r4", "text": "ENDS"}\n',
    ]
    items = list(read_jsonl(lines, "feed.jsonl"))
    assert items[0] == ("r1", "The council must act.") and items[-1] == ("r4", "ENDS")
    assert all(isinstance(item, Unreadable) for item in items[1:3])
    first, second = (item.error for item in items[1:3])
    assert first.startswith("feed.jsonl, line 2: a JSON number too long to read")
    assert second.startswith("feed.jsonl, line 3: JSON nested too deeply to read")
    assert "\n" not in first + second
