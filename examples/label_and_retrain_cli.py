"""The whole loop from the command line: classify, report, suggest, label, retrain.

Runs, in a temporary folder (nothing is written inside the repository):

1. ``casey-nlp classify examples/press_release.txt``          tag it
2. ``casey-nlp report ... --out report.html``                   an annotated page
3. ``casey-nlp suggest ... --n 8 --out to_label.csv``           what to label next
4. fill in the ``label`` column, as a person would (here the labels come from
   ``press_release_gold.csv``, the hand labels of this press release)
5. ``casey-nlp train --add to_label.csv --out my_model.zip`` retrain
6. ``casey-nlp classify --model my_model.zip ...``           tag it again

and prints which tags changed. Each step calls the real command line
(``python -m casey_nlp``, the same as ``casey-nlp``).

Run from any directory:

    python examples/label_and_retrain_cli.py
"""

import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RELEASE = HERE / "press_release.txt"
GOLD = HERE / "press_release_gold.csv"


def casey_nlp(*args, cwd):
    """Run the command line and return its standard output."""
    print(f"\n$ casey-nlp {' '.join(args)}")
    result = subprocess.run(
        [sys.executable, "-m", "casey_nlp", *args], cwd=cwd, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"casey-nlp {args[0]} failed:\n{result.stderr}")
    return result.stdout


def tags(output):
    (document,) = [json.loads(line) for line in output.splitlines()]
    return [(s["text"], s["label"]) for s in document["sentences"]]


def main():
    with open(GOLD, encoding="utf-8", newline="") as handle:
        gold = {row["text"]: row["label"] for row in csv.DictReader(handle)}

    with tempfile.TemporaryDirectory() as tmp:
        before = tags(casey_nlp("classify", "--format", "jsonl", str(RELEASE), cwd=tmp))
        print(f"{len(before)} sentences tagged")

        casey_nlp("report", str(RELEASE), "--out", "report.html", cwd=tmp)
        print(f"report.html: {(Path(tmp) / 'report.html').stat().st_size:,} bytes")

        casey_nlp("suggest", str(RELEASE), "--n", "8", "--out", "to_label.csv", cwd=tmp)
        to_label = Path(tmp) / "to_label.csv"
        with open(to_label, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            fields, rows = reader.fieldnames, list(reader)
        print("the model asks about:")
        for row in rows:
            row["label"] = gold[row["text"]]  # the person's answer
            print(f"  guessed {row['guess']:10s} labelled {row['label']:10s} {row['text'][:60]}")
        with open(to_label, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)

        print(casey_nlp("train", "--add", "to_label.csv", "--out", "my_model.zip", "--no-eval", cwd=tmp).strip())

        after = tags(casey_nlp("classify", "--model", "my_model.zip", "--format", "jsonl", str(RELEASE), cwd=tmp))

    def agreement(tagged):
        return sum(gold[text] == label for text, label in tagged)

    print(f"\nagreement with the hand labels: {agreement(before)}/{len(before)} before, "
          f"{agreement(after)}/{len(after)} after retraining")
    print("(the retrained model has seen these labels, so this shows the loop works, "
          "not how well it generalises)")
    for (text, old), (_, new) in zip(before, after):
        if old != new:
            print(f"  {old:10s} -> {new:10s} {text[:60]}")


if __name__ == "__main__":
    main()
