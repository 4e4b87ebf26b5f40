"""Blind figure 1 (leave one statement out) of the default model with parts switched off.

Run: python benchmarks/ablation.py
Each variant is evaluated exactly like the default (casey_nlp.evaluate), on
the same five folds. Models were chosen on the other two blind figures, not
this one: see benchmarks/model_selection.py.
"""

from casey_nlp import SentenceClassifier, evaluate

VARIANTS = {
    "default (words + cues + seed examples)": {},
    "without seed examples": {"seed_examples": False},
    "without cues": {"use_cues": False},
    "without words": {"use_words": False},
    "words only (no cues, no seeds)": {"use_cues": False, "seed_examples": False},
    "unigrams only": {"ngram_range": (1, 1)},
    "no class weighting": {"class_weight": None},
}


def main() -> None:
    print(f"{'variant':42s} {'macro-F1':>8s} {'accuracy':>8s}  F1 per label")
    for name, params in VARIANTS.items():
        report = evaluate(SentenceClassifier(**params), with_baselines=False)
        per_label = " ".join(f"{label}={m['f1']:.2f}" for label, m in report.per_label().items())
        print(f"{name:42s} {report.macro_f1:8.3f} {report.accuracy:8.3f}  {per_label}")


if __name__ == "__main__":
    main()
