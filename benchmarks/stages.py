"""Where the tagging time goes: microseconds per sentence for each stage.

Run: python benchmarks/stages.py
Pinned to one core; best of 3 runs on 30,000 distinct sentences (spliced as
in benchmarks/run.py). Stages are timed separately, so they need not add up
exactly to the total.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (benchmarks/run.py: the same input sentences)

import casey_nlp  # noqa: E402
from casey_nlp import _features  # noqa: E402
from casey_nlp._model import _tfidf  # noqa: E402


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    sentences = run._sentences(30_000, seed=1)
    model = casey_nlp.load_model()
    model.predict_proba(run._sentences(3_000, seed=2))  # warm the token caches
    union = model.pipeline_.named_steps["features"]
    words = dict(union.transformer_list)["words"]
    cues = dict(union.transformer_list)["cues"].named_steps["count"]
    tokens = _features.tokenised(sentences)

    def per_sentence(call):
        best = min(_seconds(call) for _ in range(3))
        return best / len(sentences) * 1e6

    stages = {
        "whole predict_proba": lambda: model.predict_proba(sentences),
        "  tokenising (shared by both blocks)": lambda: _features.tokenised(sentences),
        "  word n-grams: stems, lookups, TF-IDF": lambda: _tfidf(words, sentences, tokens),
        "  cues, shape and list context": lambda: cues.transform_tokenised(sentences, tokens),
        "    of which the registry's phrase matcher": lambda: [_features._PHRASES.counts(t) for _, t in tokens],
        "first stage + context stage, documents of 30": lambda: model.predict_proba_in_context(
            sentences, groups=[i // 30 for i in range(len(sentences))]
        ),
    }
    print(f"{'stage':42s} {'us/sentence':>11s}")
    for name, call in stages.items():
        print(f"{name:42s} {per_sentence(call):11.1f}")


def _seconds(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
