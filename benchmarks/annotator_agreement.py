"""Agreement between the dataset's labels and the independent second pass.

Run: python benchmarks/annotator_agreement.py
"""

import csv
from collections import Counter
from pathlib import Path

from casey_nlp import load_dataset

SECOND_PASS = Path(__file__).resolve().parent.parent / "data" / "second_pass.csv"


def main() -> None:
    bunch = load_dataset()
    with open(SECOND_PASS, encoding="utf-8", newline="") as handle:
        second = {row["id"]: row["label"] for row in csv.DictReader(handle)}
    pairs = [(label, second[sid]) for sid, label in zip(bunch.ids, bunch.target)]
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first_counts, second_counts = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first_counts[k] * second_counts[k] for k in first_counts) / n**2
    kappa = (observed - expected) / (1 - expected)
    print(f"sentences: {n}")
    print(f"agreement: {sum(a == b for a, b in pairs)}/{n} = {observed:.3f}")
    print(f"Cohen's kappa: {kappa:.3f}")
    for sid, (a, b) in zip(bunch.ids, pairs):
        if a != b:
            print(f"  {sid}: dataset={a} second_pass={b}")


if __name__ == "__main__":
    main()
