"""Tag every sentence of a press release with casey_nlp's shipped model.

Shows ``casey_nlp.classify(text)`` on ``press_release.txt`` (a fictional
charity's response to a fictional inspection report, written for this example
and not part of the training data): each sentence's label, the model's
confidence in it and the sentence itself, then the demands and the statistics
pulled out of the document.

Run from any directory:

    python examples/tag_press_release.py

Labels written by hand for the same sentences are in ``press_release_gold.csv``;
if present, the script also prints where the model disagrees with them.
"""

import csv
from collections import Counter
from pathlib import Path

import casey_nlp

HERE = Path(__file__).parent
PRESS_RELEASE = HERE / "press_release.txt"
GOLD = HERE / "press_release_gold.csv"


def shorten(text, width=100):
    """One line, cut to ``width`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def main():
    text = PRESS_RELEASE.read_text(encoding="utf-8")
    tagged = casey_nlp.classify(text)

    print(f"{PRESS_RELEASE.name}: {len(tagged)} sentences\n")
    print(f"{'#':>3}  {'label':10s} {'conf':>5s}  text")
    for i, s in enumerate(tagged):
        print(f"{i:3d}  {s.label:10s} {s.confidence:5.2f}  {shorten(s.text)}")

    counts = Counter(s.label for s in tagged)
    print("\nlabel counts: " + ", ".join(f"{label} {counts[label]}" for label in casey_nlp.LABELS))

    for label, heading in (("demand", "Demands"), ("statistic", "Statistics")):
        picked = [s for s in tagged if s.label == label]
        print(f"\n{heading} ({len(picked)}):")
        for s in picked:
            print(f"  - {' '.join(s.text.split())}")

    if GOLD.exists():
        with GOLD.open(encoding="utf-8", newline="") as handle:
            gold = {int(row["index"]): row["label"] for row in csv.DictReader(handle)}
        wrong = [(i, s) for i, s in enumerate(tagged) if gold.get(i) not in (None, s.label)]
        agree = sum(gold.get(i) == s.label for i, s in enumerate(tagged))
        print(f"\nAgreement with {GOLD.name}: {agree}/{len(tagged)} sentences")
        for i, s in wrong:
            print(f"  {i:3d}  gold {gold[i]:10s} model {s.label:10s} {shorten(s.text, 70)}")


if __name__ == "__main__":
    main()
