"""Speed and memory benchmarks for casey_nlp; writes benchmarks/RESULTS.md.

Run from the repository root (after `pip install -e .`):

    python benchmarks/run.py            # every benchmark, 5 repeats (a few minutes)
    python benchmarks/run.py --quick    # fewer repeats and smaller inputs, for a smoke test

Every measurement runs in a fresh Python process pinned to one CPU core, so
figures are single-core and peak memory (RSS) is that process's own. Each is
repeated and reported as min / median / max. The reference is a plain
scikit-learn pipeline (TF-IDF word 1-2-grams + logistic regression) fitted on
the same data and timed on the same inputs in the same run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "RESULTS.md"
EXAMPLE = REPO / "examples" / "press_release.txt"

TARGETS = {
    "classify_sentences": ("sentences/s", ">=", 30_000),
    "classify_documents": ("sentences/s", ">=", 10_000),
    "import": ("s", "<=", 0.3),
    "first_result": ("s", "<=", 1.5),
    "peak_rss_tagging": ("MB", "<=", 200),
    "train_10000": ("s", "<=", 10),
}


# --- Workers: each runs in its own process and prints one JSON object --------


def _pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _sentences(n: int, seed: int = 0) -> list[str]:
    """``n`` sentences spliced from thirds of three random bundled sentences.

    Nearly all distinct (153**3 combinations), so no cache can serve a
    repeat, with the bundled data's vocabulary and sentence lengths.
    """
    from casey_nlp import load_dataset

    pool = [sentence.split() for sentence in load_dataset().data]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        a, b, c = (rng.choice(pool) for _ in range(3))
        out.append(" ".join(a[: len(a) // 3] + b[len(b) // 3 : 2 * len(b) // 3] + c[2 * len(c) // 3 :]))
    return out


def _documents(n: int) -> list[str]:
    from casey_nlp import load_statements

    texts = [*load_statements().values(), EXAMPLE.read_text(encoding="utf-8")]
    return [texts[i % len(texts)] for i in range(n)]


def worker_classify_sentences(n: int) -> dict:
    import casey_nlp

    sentences = _sentences(n)
    casey_nlp.classify_sentences(sentences[:100])  # load the model first
    start = time.perf_counter()
    casey_nlp.classify_sentences(sentences)
    seconds = time.perf_counter() - start
    return {"sentences_per_s": n / seconds, "seconds": seconds, "peak_rss_mb": _peak_rss_mb()}


def worker_reference(n: int) -> dict:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from casey_nlp import load_dataset

    X, y = load_dataset(return_X_y=True)
    reference = make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(max_iter=1000)).fit(X, y)
    sentences = _sentences(n)
    start = time.perf_counter()
    reference.predict_proba(sentences)
    seconds = time.perf_counter() - start
    return {"sentences_per_s": n / seconds, "seconds": seconds, "peak_rss_mb": _peak_rss_mb()}


def worker_classify_documents(n: int) -> dict:
    import casey_nlp

    documents = _documents(n)
    casey_nlp.classify(documents[0])
    megabytes = sum(len(d.encode("utf-8")) for d in documents) / 1e6
    start = time.perf_counter()
    n_sentences = sum(len(r.sentences) for r in casey_nlp.classify_many(documents))
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    sum(len(r.sentences) for r in casey_nlp.classify_many(documents, extract=False))
    seconds_without_extraction = time.perf_counter() - start
    start = time.perf_counter()
    one_by_one = sum(len(casey_nlp.classify(d)) for d in documents)
    seconds_one_by_one = time.perf_counter() - start
    return {
        "sentences_per_s": n_sentences / seconds,
        "without_extraction_sentences_per_s": n_sentences / seconds_without_extraction,
        "mb_per_s": megabytes / seconds,
        "one_by_one_sentences_per_s": one_by_one / seconds_one_by_one,
        "n_sentences": n_sentences,
        "peak_rss_mb": _peak_rss_mb(),
    }


def worker_latency(repeats: int) -> dict:
    import casey_nlp

    model = casey_nlp.load_model()
    sentence = "The Home Secretary must order an independent inquiry into vetting."
    document = EXAMPLE.read_text(encoding="utf-8")
    casey_nlp.classify(document, model=model)

    def median_seconds(call):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    return {
        "sentence_ms": 1000 * median_seconds(lambda: casey_nlp.classify_sentences([sentence], model=model)),
        "press_release_ms": 1000 * median_seconds(lambda: casey_nlp.classify(document, model=model)),
        "press_release_sentences": len(casey_nlp.classify(document, model=model)),
        "peak_rss_mb": _peak_rss_mb(),
    }


def worker_import(_: int) -> dict:
    start = time.perf_counter()
    import casey_nlp  # noqa: F401

    return {"seconds": time.perf_counter() - start, "peak_rss_mb": _peak_rss_mb()}


def worker_first_result(_: int) -> dict:
    start = time.perf_counter()
    import casey_nlp

    casey_nlp.classify("The Met must change.")
    return {"seconds": time.perf_counter() - start, "peak_rss_mb": _peak_rss_mb()}


def worker_train(n: int) -> dict:
    from casey_nlp import SentenceClassifier, load_dataset

    X, y = load_dataset(return_X_y=True)
    rng = random.Random(0)
    picks = range(len(X)) if n <= len(X) else [rng.randrange(len(X)) for _ in range(n)]
    texts, labels = [X[i] for i in picks], [y[i] for i in picks]
    if n > len(X):  # distinct texts, as a real training set would have
        texts = [f"{text} (example {i})" for i, text in enumerate(texts)]
    # Documents of 30 sentences, as train() passes them, so the context stage
    # (five out-of-fold first-stage fits, then its own fit) is timed too.
    groups = [i // 30 for i in range(len(texts))]
    start = time.perf_counter()
    SentenceClassifier().fit(texts, labels, groups=groups)
    return {"seconds": time.perf_counter() - start, "n": len(texts), "peak_rss_mb": _peak_rss_mb()}


def worker_cli(_: int) -> dict:
    """The CLI tagging one file, as a child process of this (pinned) worker."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "casey_nlp", "classify", str(EXAMPLE)], check=True, capture_output=True
    )
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


WORKERS = {name[len("worker_"):]: fn for name, fn in globals().items() if name.startswith("worker_")}


# --- Orchestration ------------------------------------------------------------


def _run_worker(name: str, size: int) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--worker", name, "--size", str(size)],
        capture_output=True, text=True, check=True, cwd=REPO,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _spread(values: list[float]) -> tuple[float, float, float]:
    return min(values), statistics.median(values), max(values)


def _fmt(values, digits=1):
    low, mid, high = _spread(values)
    return f"{mid:,.{digits}f} ({low:,.{digits}f} \u2013 {high:,.{digits}f})"


def _versions() -> str:
    import nltk
    import numpy
    import sklearn

    import casey_nlp

    return (
        f"casey_nlp {casey_nlp.__version__}, Python {platform.python_version()}, "
        f"scikit-learn {sklearn.__version__}, numpy {numpy.__version__}, nltk {nltk.__version__}"
    )


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024**2:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores{memory}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and smaller inputs")
    parser.add_argument("--repeats", type=int, help="repeats per measurement (default 5, 2 with --quick)")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        _pin_to_one_core()
        print(json.dumps(WORKERS[args.worker](args.size)))
        return 0

    repeats = args.repeats or (2 if args.quick else 5)
    n_sentences = 20_000 if args.quick else 100_000
    n_documents = 300 if args.quick else 3_000
    train_sizes = [0, 10_000] if args.quick else [0, 10_000, 100_000]

    def repeat(name, size, times=repeats):
        runs = []
        for i in range(times):
            print(f"  {name} ({size}) run {i + 1}/{times}", file=sys.stderr)
            runs.append(_run_worker(name, size))
        return runs

    print("benchmarking; progress on stderr", file=sys.stderr)
    ours = repeat("classify_sentences", n_sentences)
    reference = repeat("reference", n_sentences)
    documents = repeat("classify_documents", n_documents)
    latency = repeat("latency", 200)
    imports = repeat("import", 0)
    first = repeat("first_result", 0)
    cli = repeat("cli", 0)
    training = {size: repeat("train", size, times=max(2, repeats // 2) if size >= 100_000 else repeats) for size in train_sizes}

    ours_rate = [r["sentences_per_s"] for r in ours]
    ref_rate = [r["sentences_per_s"] for r in reference]
    ratio = [a / b for a, b in zip(sorted(ours_rate), sorted(ref_rate))]
    measured = {
        "classify_sentences": statistics.median(ours_rate),
        "classify_documents": statistics.median(r["sentences_per_s"] for r in documents),
        "import": statistics.median(r["seconds"] for r in imports),
        "first_result": statistics.median(r["seconds"] for r in first),
        "peak_rss_tagging": max(r["peak_rss_mb"] for r in [*ours, *documents]),
        "train_10000": statistics.median(r["seconds"] for r in training[10_000]),
    }

    def verdict(key):
        unit, op, target = TARGETS[key]
        ok = measured[key] >= target if op == ">=" else measured[key] <= target
        return f"{op} {target:,} {unit}: {'met' if ok else 'MISSED'}"

    n_release = latency[0]["press_release_sentences"]
    lines = [
        "# Benchmark results",
        "",
        f"Produced by `python benchmarks/run.py{' --quick' if args.quick else ''}` on "
        f"{datetime.date.today().isoformat()}.",
        "",
        f"- Machine: {_machine()}",
        f"- Versions: {_versions()}",
        f"- Each figure: median (min \u2013 max) over {repeats} runs, each in a fresh process pinned to one core.",
        "- Sentences: spliced from thirds of three random bundled sentences, so nearly all are distinct "
        "(no cache can serve repeats); press releases: the five bundled statements and the example release, cycled.",
        "",
        "## Throughput",
        "",
        "| what | median (min \u2013 max) | target |",
        "|---|---|---|",
        f"| `classify_sentences`, {n_sentences:,} sentences | {_fmt(ours_rate, 0)} sentences/s | {verdict('classify_sentences')} |",
        f"| reference: TF-IDF 1-2-grams + logistic regression, same sentences | {_fmt(ref_rate, 0)} sentences/s | |",
        f"| ratio ours / reference (runs paired by rank) | {_fmt(ratio, 2)} | >= 0.5: {'met' if statistics.median(ratio) >= 0.5 else 'MISSED'} |",
        f"| `classify_many` on {n_documents:,} press releases, segmentation and extraction (speakers, addressees, figures) included | {_fmt([r['sentences_per_s'] for r in documents], 0)} sentences/s | {verdict('classify_documents')} |",
        f"| the same with `extract=False` | {_fmt([r['without_extraction_sentences_per_s'] for r in documents], 0)} sentences/s | |",
        f"| the same, in MB of text | {_fmt([r['mb_per_s'] for r in documents], 2)} MB/s | |",
        f"| `classify` called once per press release | {_fmt([r['one_by_one_sentences_per_s'] for r in documents], 0)} sentences/s | |",
        "",
        "## Latency and start-up",
        "",
        "| what | median (min \u2013 max) | target |",
        "|---|---|---|",
        f"| one sentence (`classify_sentences`, model loaded) | {_fmt([r['sentence_ms'] for r in latency], 2)} ms | |",
        f"| one press release ({n_release} sentences, `classify`, model loaded) | {_fmt([r['press_release_ms'] for r in latency], 2)} ms | |",
        f"| `import casey_nlp` | {_fmt([r['seconds'] for r in imports], 3)} s | {verdict('import')} |",
        f"| first result in a fresh process (import + model load + one `classify`) | {_fmt([r['seconds'] for r in first], 3)} s | {verdict('first_result')} |",
        f"| CLI end to end: `python -m casey_nlp classify examples/press_release.txt` (whole process) | {_fmt([r['seconds'] for r in cli], 3)} s | |",
        "",
        "## Peak memory (RSS of the measuring process)",
        "",
        "| what | max over runs | target |",
        "|---|---|---|",
        f"| `classify_sentences` on {n_sentences:,} sentences | {max(r['peak_rss_mb'] for r in ours):.0f} MB | |",
        f"| `classify_many` on {n_documents:,} press releases | {max(r['peak_rss_mb'] for r in documents):.0f} MB | |",
        f"| tagging, the larger of the two | {measured['peak_rss_tagging']:.0f} MB | {verdict('peak_rss_tagging')} |",
        f"| reference pipeline on {n_sentences:,} sentences | {max(r['peak_rss_mb'] for r in reference):.0f} MB | |",
        f"| latency runs | {max(r['peak_rss_mb'] for r in latency):.0f} MB | |",
        f"| `import casey_nlp` | {max(r['peak_rss_mb'] for r in imports):.0f} MB | |",
        f"| first result in a fresh process | {max(r['peak_rss_mb'] for r in first):.0f} MB | |",
        f"| CLI end to end | {max(r['peak_rss_mb'] for r in cli):.0f} MB | |",
        "",
        "## Training time as the training set grows",
        "",
        "Resampled with replacement from the bundled sentences (made distinct by a numbered suffix); "
        "the 48 seed examples are added inside `fit`.",
        "",
        "| training sentences | seconds, median (min \u2013 max) | peak RSS | target |",
        "|---|---|---|---|",
    ]
    for size, runs in training.items():
        target = verdict("train_10000") if size == 10_000 else ""
        lines.append(
            f"| {runs[0]['n']:,} | {_fmt([r['seconds'] for r in runs], 3)} | "
            f"{max(r['peak_rss_mb'] for r in runs):.0f} MB | {target} |"
        )
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(f"\nwrote {RESULTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
