"""Tag the written corpus with a model that never saw it: the 'before' figure.

The written corpus (data/written) is new text for any model trained only on
the five statements, so it measures such a model blind. Run it against the
0.1.0 code and its shipped model from a worktree:

    git worktree add /tmp/casey-0.1.0 2333219
    PYTHONPATH=/tmp/casey-0.1.0 python benchmarks/before_after.py --shipped

or train this version's model on the five statements only:

    python benchmarks/before_after.py

The 'after' figure for the current model is the leave-one-writer-out split
(`casey-nlp evaluate --split writers`): there, too, every document is tagged
by a model that never saw its writer.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

import casey_nlp

WRITTEN = Path(__file__).resolve().parent.parent / "data" / "written"
LABELS = ["case_study", "demand", "statistic", "finding", "other"]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shipped", action="store_true",
                        help="use the imported casey_nlp's shipped model (it must not have seen the written corpus)")
    args = parser.parse_args(argv)
    if args.shipped:
        model, name = casey_nlp.load_model(), f"casey_nlp {casey_nlp.__version__}, shipped model"
    else:
        statements = casey_nlp.load_dataset()
        segmented = {d["doc_id"]: casey_nlp.split_sentences(d["text"]) for d in statements.documents}
        items = [segmented[doc][position] for doc, position in zip(statements.doc_ids, statements.positions)]
        model = casey_nlp.SentenceClassifier().fit(items, statements.target, groups=statements.doc_ids)
        name = f"casey_nlp {casey_nlp.__version__}, trained on the {len(statements.data)} statement sentences only"
    with open(WRITTEN / "sentences.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(WRITTEN / "manifest.csv", encoding="utf-8", newline="") as handle:
        documents = list(csv.DictReader(handle))
    in_context = {}
    for document in documents:
        text = (WRITTEN / document["file"]).read_text(encoding="utf-8")
        for position, tagged in enumerate(casey_nlp.classify(text, model=model)):
            in_context[f"{document['doc_id']}:{position:03d}"] = tagged.label
    truth = [row["label"] for row in rows]
    document_level = [in_context[row["id"]] for row in rows]
    sentence_level = casey_nlp.classify_sentences([row["text"] for row in rows], model=model)
    print(f"{name}, on the written corpus ({len(rows)} sentences, {len(documents)} documents)\n")
    print("| reading | macro-F1 | accuracy |\n|---|---|---|")
    for reading, predicted in (("classify (documents)", document_level), ("classify_sentences", sentence_level)):
        accuracy = np.mean(np.asarray(truth) == np.asarray(predicted))
        print(f"| {reading} | {f1_score(truth, predicted, labels=LABELS, average='macro'):.3f} | {accuracy:.3f} |")
    per_label = f1_score(truth, document_level, labels=LABELS, average=None)
    print("\nper label (classify): " + ", ".join(f"{label} {f:.3f}" for label, f in zip(LABELS, per_label)))


if __name__ == "__main__":
    main()
