"""How `casey_nlp.digest` scales with the corpus; writes benchmarks/DIGEST.md.

Each size runs in a fresh process pinned to one core: the documents are the
148 written documents and five statements bundled with casey_nlp, cycled
(with distinct ids) up to the size, streamed from a generator. Reported: the
time, sentences per second, the peak RSS of the process, and how much of the
digest is kept (demands and figure citations), which is what memory grows
with.

    python benchmarks/digest.py            # 500, 2,000 and 8,000 documents
    python benchmarks/digest.py --quick    # 200 and 800
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "DIGEST.md"


def _documents(n: int):
    bundle = load_bundled()
    for i in range(n):
        name, text = bundle[i % len(bundle)]
        yield f"{i:05d}-{name}", text


def load_bundled() -> list[tuple[str, str]]:
    """The bundled statements and written documents, as (name, text)."""
    import casey_nlp

    written = casey_nlp.load_dataset(subset="written").documents
    return [*casey_nlp.load_statements().items(), *((d["doc_id"], d["text"]) for d in written)]


def worker(n: int) -> dict:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import casey_nlp

    casey_nlp.load_model()
    start = time.perf_counter()
    digest = casey_nlp.digest(_documents(n))
    seconds = time.perf_counter() - start
    page = digest.to_html()
    return {
        "documents": digest.documents,
        "sentences": digest.sentences,
        "seconds": seconds,
        "demands": len(digest.demands),
        "citations": sum(len(g.citations) for g in digest.figures),
        "themes": len(digest.themes),
        "page_mb": len(page.encode("utf-8")) / 1e6,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller corpora")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker)))
        return 0
    sizes = [200, 800] if args.quick else [500, 2_000, 8_000]
    rows = []
    for n in sizes:
        print(f"digest of {n:,} documents", file=sys.stderr)
        output = subprocess.run([sys.executable, __file__, "--worker", str(n)], check=True, capture_output=True,
                                text=True).stdout
        rows.append(json.loads(output))
    lines = [
        "# Digest scaling",
        "",
        f"Produced by `python benchmarks/digest.py{' --quick' if args.quick else ''}` on "
        f"{datetime.date.today().isoformat()}; each size in a fresh process on one core. The corpus is the "
        "bundled statements and written documents, cycled and streamed from a generator.",
        "",
        "| documents | sentences | seconds | sentences/s | peak RSS | demands kept | figure citations kept "
        "| themes | HTML page |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['documents']:,} | {r['sentences']:,} | {r['seconds']:.1f} | {r['sentences'] / r['seconds']:,.0f} "
            f"| {r['peak_rss_mb']:.0f} MB | {r['demands']:,} | {r['citations']:,} | {r['themes']} "
            f"| {r['page_mb']:.1f} MB |"
        )
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
