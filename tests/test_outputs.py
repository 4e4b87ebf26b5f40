"""Where outputs may go, spreadsheet-safe CSV cells, and records that name their model."""

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casey_nlp import DataError
from casey_nlp._outputs import check_output_path, open_output, spreadsheet_safe
from casey_nlp._suggest import Suggestion, write_suggestions_csv


@pytest.mark.parametrize("cell", ["=1+2", "+44 20 7946 0000", "-Police must act.", "@Met", "\tTab", "\rCR",
                                  "=HYPERLINK(\"http://example.invalid\",\"click\")"])
def test_formula_cells_get_a_leading_quote(cell):
    assert spreadsheet_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["The Met must change.", "", "3% of cases", "'quoted", " =spaced", "a=b"])
def test_other_cells_are_left_alone(cell):
    assert spreadsheet_safe(cell) == cell


def test_suggestion_csv_escapes_text_cells_and_keeps_numbers(tmp_path):
    picks = [Suggestion("=cmd|' /C calc'!A0", "other", 0.41, 0.02, "-release.txt"),
             Suggestion("Officers must be vetted again.", "demand", 0.5, 0.1, "@feed")]
    out = io.StringIO()
    write_suggestions_csv(picks, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["text"] for r in rows] == ["'=cmd|' /C calc'!A0", "Officers must be vetted again."]
    assert [r["source"] for r in rows] == ["'-release.txt", "'@feed"]
    assert [float(r["confidence"]) for r in rows] == [0.41, 0.5]
    raw = io.StringIO()
    write_suggestions_csv(picks, raw, escape_formulas=False)
    assert [r["text"] for r in csv.DictReader(io.StringIO(raw.getvalue()))][0] == "=cmd|' /C calc'!A0"


def test_output_paths_are_checked_with_one_line_naming_path_and_fix(tmp_path):
    with pytest.raises(DataError, match=r"nodir/x\.csv: folder .*nodir does not exist; create it or choose another --out"):
        check_output_path(tmp_path / "nodir" / "x.csv")
    with pytest.raises(DataError, match="is a folder"):
        check_output_path(tmp_path)
    existing = tmp_path / "x.csv"
    existing.write_text("mine", encoding="utf-8")
    with pytest.raises(DataError, match=r"x\.csv: already exists; choose another --out or pass --force"):
        check_output_path(existing)
    assert check_output_path(existing, force=True) == existing
    assert str(check_output_path("-")) == "-"


def test_a_file_that_appears_after_the_check_is_still_not_replaced(tmp_path):
    path = check_output_path(tmp_path / "late.csv")
    path.write_text("arrived meanwhile", encoding="utf-8")
    with pytest.raises(DataError, match="already exists"):
        open_output(path)
    assert path.read_text(encoding="utf-8") == "arrived meanwhile"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(["'", "=", "+", "-", "@", "\t", "\r", "a", " ", "1"]), max_size=6))
def test_escaping_for_spreadsheets_is_undone_exactly(cell):
    from casey_nlp._spreadsheet import from_spreadsheet

    escaped = spreadsheet_safe(cell)
    assert from_spreadsheet(escaped) == cell
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))
