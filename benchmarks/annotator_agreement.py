"""Agreement between independent annotators, for both bundled subsets.

- The five statements: the dataset's labels against the independent second
  pass (data/second_pass.csv).
- The written corpus: the two independent passes against each other
  (data/written/passes.csv), per writer's batch and overall, and how the third
  reading settled the disagreements.

Run: python benchmarks/annotator_agreement.py
"""

import csv
from collections import Counter
from pathlib import Path

from casey_nlp import LABELS, load_dataset

DATA = Path(__file__).resolve().parent.parent / "data"


def kappa(pairs) -> float:
    """Cohen's kappa of ``(first, second)`` label pairs."""
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[k] * second[k] for k in first) / n**2
    return (observed - expected) / (1 - expected)


def _line(name, pairs) -> str:
    agreed = sum(a == b for a, b in pairs)
    return f"| {name} | {len(pairs)} | {agreed} | {agreed / len(pairs):.3f} | {kappa(pairs):.3f} |"


def statements() -> None:
    bunch = load_dataset()
    with open(DATA / "second_pass.csv", encoding="utf-8", newline="") as handle:
        second = {row["id"]: row["label"] for row in csv.DictReader(handle)}
    pairs = [(label, second[sid]) for sid, label in zip(bunch.ids, bunch.target)]
    print("## The five statements: dataset labels against the second pass\n")
    print("| set | sentences | agreed | agreement | Cohen's kappa |\n|---|---|---|---|---|")
    print(_line("five statements", pairs))
    for sid, (a, b) in zip(bunch.ids, pairs):
        if a != b:
            print(f"\n- {sid}: dataset={a} second_pass={b}")


def written() -> None:
    bunch = load_dataset(subset="written")
    writer_of = dict(zip(bunch.ids, bunch.writers))
    with open(DATA / "written" / "passes.csv", encoding="utf-8", newline="") as handle:
        passes = list(csv.DictReader(handle))
    pairs = [(row["annotator_a"], row["annotator_b"]) for row in passes]
    print("\n## The written corpus: the two independent passes\n")
    print("| batch (by writer) | sentences | agreed | agreement | Cohen's kappa |\n|---|---|---|---|---|")
    for writer in sorted(set(writer_of.values()), key=lambda w: (len(w), w)):
        print(_line(writer, [(r["annotator_a"], r["annotator_b"]) for r in passes if writer_of[r["id"]] == writer]))
    print(_line("**all**", pairs))

    print("\nPer label (F1 of pass b against pass a, treating a as reference):\n")
    print("| label | pass a | pass b | both | F1 |\n|---|---|---|---|---|")
    for label in LABELS:
        a = sum(x == label for x, _ in pairs)
        b = sum(y == label for _, y in pairs)
        both = sum(x == y == label for x, y in pairs)
        print(f"| {label} | {a} | {b} | {both} | {2 * both / (a + b):.3f} |")

    disagreements = [row for row in passes if row["annotator_a"] != row["annotator_b"]]
    settled = Counter(
        "one of the two" if row["adjudicator"] in (row["annotator_a"], row["annotator_b"]) else "a third label"
        for row in disagreements
    )
    print(f"\n{len(disagreements)} disagreements, each settled by a third reading: "
          + ", ".join(f"{n} chose {what}" for what, n in settled.most_common()) + ".")
    kinds = Counter(tuple(sorted((row["annotator_a"], row["annotator_b"]))) for row in disagreements)
    print("\nMost frequent disagreements:\n")
    for (x, y), n in kinds.most_common(8):
        print(f"- {x} / {y}: {n}")


if __name__ == "__main__":
    statements()
    written()
