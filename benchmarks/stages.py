"""Where the tagging time goes: microseconds per sentence for each public step, then a profile.

Run: python benchmarks/stages.py
Pinned to one core; best of 3 runs on 30,000 distinct sentences (spliced as
in benchmarks/run.py). Steps are timed separately, so they need not add up
exactly to the total. The profile of ``classify_sentences`` that follows
names the library's own functions, so the breakdown needs no private
imports: it shows what the public call spends its time in.
"""

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (benchmarks/run.py: the same input sentences)

import casey_nlp  # noqa: E402


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    sentences = run._sentences(30_000, seed=1)
    documents = ["\n".join(sentences[i : i + 30]) for i in range(0, len(sentences), 30)]
    model = casey_nlp.load_model()
    casey_nlp.classify_sentences(run._sentences(3_000, seed=2), model=model)  # warm the token caches

    def per_sentence(call):
        best = min(_seconds(call) for _ in range(3))
        return best / len(sentences) * 1e6

    steps = {
        "split_sentences (documents of 30 lines)": lambda: [casey_nlp.split_sentences(d) for d in documents],
        "classify_sentences (each read alone)": lambda: casey_nlp.classify_sentences(sentences, model=model),
        "classify_many (split + both stages)": lambda: list(casey_nlp.classify_many(documents, model=model)),
    }
    print(f"{'step':42s} {'us/sentence':>11s}")
    for name, call in steps.items():
        print(f"{name:42s} {per_sentence(call):11.1f}")

    profile = cProfile.Profile()
    profile.runcall(casey_nlp.classify_sentences, sentences, model=model)
    report = io.StringIO()
    pstats.Stats(profile, stream=report).sort_stats("cumulative").print_stats(r"casey_nlp", 12)
    print("\nclassify_sentences, by function (cumulative seconds, under the profiler):")
    print(report.getvalue().split("\n\n", 2)[-1].rstrip())


def _seconds(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
