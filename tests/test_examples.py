"""The runnable scripts in examples/ work from any directory."""

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.parametrize("script", sorted(p.name for p in EXAMPLES.glob("*.py")))
def test_example_script_runs(script, tmp_path):
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / script)], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert list(tmp_path.iterdir()) == []  # examples write nothing where they run


def test_example_press_release_gold_labels_match_its_sentences():
    import csv

    from casey_nlp import LABELS, split_sentences

    text = (EXAMPLES / "press_release.txt").read_text(encoding="utf-8")
    with open(EXAMPLES / "press_release_gold.csv", encoding="utf-8", newline="") as handle:
        gold = list(csv.DictReader(handle))
    assert [row["text"] for row in gold] == [s.text for s in split_sentences(text)]
    assert {row["label"] for row in gold} == set(LABELS)
