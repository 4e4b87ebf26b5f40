"""Retrain casey_nlp with your own labelled sentences, evaluate, save and reload.

Shows the workflow for adding data: ``casey_nlp.train`` on the bundled
dataset plus ``extra_labels.csv`` (columns text,label,doc_id), a
leave-one-document-out evaluation that includes the extra documents as
folds of their own, and a save/reload round trip. The model is saved in a
temporary directory that is deleted at the end, so nothing is written inside
the repository.

Run from any directory:

    python examples/retrain_with_csv.py
"""

import tempfile
from pathlib import Path


import casey_nlp

EXTRA = Path(__file__).parent / "extra_labels.csv"


def main():
    model = casey_nlp.train(EXTRA)
    print(f"Trained on {model.n_training_rows_} rows (bundled dataset + {EXTRA.name})")

    report = casey_nlp.evaluate(extra=EXTRA, with_baselines=False)
    print(f"Leave-one-document-out macro-F1: {report.macro_f1:.3f} "
          f"(accuracy {report.accuracy:.3f}, {len(set(report.groups))} documents)")
    for doc, m in report.per_document().items():
        if doc.startswith("example-"):
            print(f"  held out {doc}: {m['n']} sentences, accuracy {m['accuracy']:.2f}")

    sentences = [
        "Forces must publish how many officers are under investigation for domestic abuse.",
        "Two thirds of the complaints we examined were closed within a month.",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "my_model.zip"
        model.save(path)
        print(f"\nSaved to {path} (plus {path.with_suffix('.json').name})")
        reloaded = casey_nlp.load_model(path)
        labels = casey_nlp.classify_sentences(sentences, model=reloaded)
    print("Reloaded model tags:")
    for label, sentence in zip(labels, sentences):
        print(f"  {label:10s} {sentence}")


if __name__ == "__main__":
    main()
