"""Time against input size for inputs shaped to make pattern matching slow.

Run: python benchmarks/adversarial.py [--sizes 64000,256000,1000000] [--memory]

Each generator builds a text of the given size (characters); each entry
point gets it once: ``split_sentences(text)`` and ``classify(text)`` as a
document, ``classify_sentences([text])`` and ``explain(text)`` as one long
sentence. The last column of each table is time(largest) / time(second
largest): about 4 for a 4x larger input means linear time. A run that
exceeds the time limit is shown as ``>LIMIT`` and its larger sizes skipped.

With ``--memory``, also measures the peak resident memory of ``classify`` on
one large document (5, 10 and 50 MB of the bundled statements, repeated),
each in a fresh process. Writes benchmarks/ADVERSARIAL.md.
"""

import argparse
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

import casey_nlp

HERE = Path(__file__).resolve().parent
OUT = HERE / "ADVERSARIAL.md"


def _repeat(unit):
    return lambda n: (unit * (n // len(unit) + 1))[:n]


# Invented text only. Each shape stresses one pattern: whitespace runs after
# an attribution verb, tokens without spaces, punctuation runs, many tiny
# sentences, list markers, numbers with separators.
GENERATORS = {
    "'he said' + spaces + 'x'": lambda n: "he said" + " " * (n - 8) + "x",
    "lines of 'he said' + 16,000 spaces": _repeat("he said" + " " * 16_000 + "x\n"),
    "'he said' + tabs/nbsp/newlines": lambda n: "he said" + (" \t\u00a0\n" * n)[: n - 8] + "x",
    "one word, no spaces": lambda n: "a" * n,
    "word then '!!!!...'": lambda n: "a" * (n // 2) + "!" * (n - n // 2),
    "'((((...'": _repeat("("),
    "'\"\"\"\"...'": _repeat('"'),
    "'....' (no spaces)": _repeat("."),
    "'. . . .' (tiny sentences)": _repeat(". "),
    "newlines": lambda n: "x" + "\n" * (n - 2) + "x",
    "'- x' list lines": _repeat("- x\n"),
    "'1. 1. 1.' markers": _repeat("1. "),
    "'1,1,1,...' digits": _repeat("1,"),
    "'1 1 1 ...' numbers": _repeat("1 "),
    "'Dr. Dr. ...' abbreviations": _repeat("Dr. "),
    "a new word repeated": _repeat("flumbergast "),
    "ordinary sentences": _repeat("The force must publish its vetting figures now. "),
}

ENTRY_POINTS = {
    "split_sentences": lambda text: casey_nlp.split_sentences(text),
    "classify": lambda text: casey_nlp.classify(text),
    "classify_sentences": lambda text: casey_nlp.classify_sentences([text]),
    "explain": lambda text: casey_nlp.explain(text),
}


class _TooSlow(Exception):
    pass


def _timed(call, text, limit):
    def stop(signum, frame):
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(limit)
    try:
        start = time.perf_counter()
        call(text)
        return time.perf_counter() - start
    except _TooSlow:
        return None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _size(n):
    return f"{n / 1e6:g} MB" if n >= 1_000_000 else f"{n / 1e3:g} KB"


def time_table(entry, sizes, limit):
    call = ENTRY_POINTS[entry]
    header = ["input"] + [_size(n) for n in sizes] + [f"{_size(sizes[-1])} / {_size(sizes[-2])}"]
    rows = []
    for name, generate in GENERATORS.items():
        row, times = [name], []
        for n in sizes:
            try:
                seconds = _timed(call, generate(n), limit)
            except ValueError:  # over one document's sentence cap: refused after splitting, not timed
                row.append("refused")
                times.append(None)
                break
            times.append(seconds)
            row.append(f">{limit} s" if seconds is None else f"{seconds:.3f} s")
            if seconds is None:
                break
        row += [""] * (len(sizes) + 1 - len(row))
        done = [t for t in times if t is not None]
        ratio = times[-1] / times[-2] if len(done) == len(sizes) and times[-2] > 0 else None
        row.append("" if ratio is None else f"{ratio:.1f}")
        rows.append(row)
        print(f"  {entry:18s} " + " | ".join(row), flush=True)
    return header, rows


# Peak RSS from VmHWM: getrusage's ru_maxrss survives exec, so a child would
# report its parent's (this benchmark's) peak.
_MEMORY_CHILD = """
import sys, time
import casey_nlp
def peak_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
size = int(sys.argv[1])
statements = "\\n\\n".join(casey_nlp.load_statements("all").values())
text = (statements * (size // len(statements) + 1))[:size]
casey_nlp.load_model()
before = peak_kb()
start = time.perf_counter()
try:
    outcome = f"{len(casey_nlp.classify(text)):,} sentences"
except ValueError as error:
    outcome = f"refused: {error}"
seconds = time.perf_counter() - start
print(before, peak_kb(), f"{seconds:.1f}", outcome, sep="\\t")
"""


def memory_table(sizes):
    header = ["document", "peak RSS before classify", "peak RSS after classify", "time", "outcome"]
    rows = []
    for n in sizes:
        done = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, str(n)], capture_output=True, text=True,
                              check=True, env=os.environ)
        before, after, seconds, outcome = done.stdout.strip().split("\t")
        rows.append([_size(n), f"{int(before) / 1024:.0f} MB", f"{int(after) / 1024:.0f} MB", f"{seconds} s", outcome])
        print("  memory " + " | ".join(rows[-1]), flush=True)
    return header, rows


def _markdown(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="64000,256000,1000000", help="input sizes in characters, comma-separated")
    parser.add_argument("--limit", type=int, default=300, help="seconds before one run counts as a hang")
    parser.add_argument("--entry", action="append", choices=sorted(ENTRY_POINTS), help="only these entry points")
    parser.add_argument("--memory", action="store_true", help="also measure classify's peak memory on 5-50 MB documents")
    parser.add_argument("--memory-sizes", default="5000000,10000000,50000000")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    if len(sizes) < 2:
        parser.error("--sizes needs at least two sizes, for the ratio")
    casey_nlp.classify("The force must act. ENDS")  # load the model outside the timings
    command = "python benchmarks/adversarial.py " + " ".join(argv if argv is not None else sys.argv[1:])
    lines = [
        "# Adversarial inputs: time against size",
        "",
        f"Written by `{command.strip()}` ({platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores, shared; one run per cell, so read the ratios, "
        "not the third digit).",
        "",
        "The last column is time(largest) / time(second largest); inputs 4x larger taking about 4x longer "
        "means linear time.",
    ]
    for entry in args.entry or list(ENTRY_POINTS):
        print(entry, flush=True)
        header, rows = time_table(entry, sizes, args.limit)
        lines += ["", f"## `{entry}`", "", *_markdown(header, rows)]
    if args.memory:
        print("memory", flush=True)
        header, rows = memory_table([int(s) for s in args.memory_sizes.split(",")])
        lines += ["", "## Peak memory of `classify` on one document", "",
                  "Peak resident set size of a fresh process (VmHWM), before and after one "
                  "`classify(text)` call; the text is the bundled statements repeated to the size given.",
                  "", *_markdown(header, rows)]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
