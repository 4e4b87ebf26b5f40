"""Who demands what of whom, on what evidence: a digest of several statements.

Digests the five bundled responses to the Baroness Casey Review and the
example press release (``press_release.txt``, a fictional charity's response
to a fictional report): the themes of their demands, each organisation's
demands grouped by whom they call upon, and every figure they cite. Prints a
summary; ``casey-nlp digest FILES --out digest.html`` writes the full page.

Run from any directory:

    python examples/digest_statements.py
"""

from pathlib import Path

import casey_nlp

PRESS_RELEASE = Path(__file__).parent / "press_release.txt"


def main():
    documents = [*casey_nlp.load_statements().items(), (PRESS_RELEASE.name, PRESS_RELEASE.read_text(encoding="utf-8"))]
    digest = casey_nlp.digest(documents, title="Responses to the Casey Review")

    print(f"{digest.title}: {digest.documents} statements, {len(digest.demands)} demands, "
          f"{sum(len(g.citations) for g in digest.figures)} figures\n")

    print("Themes of the demands (found by clustering; named by their typical words):")
    for theme in digest.themes:
        raised_by = ", ".join(f"{name} ({n})" for name, n in theme.organisations.most_common())
        print(f"  {len(theme.demands):3}  {theme.name}  <- {raised_by}")

    print("\nWhom each organisation calls upon:")
    for organisation, entry in digest.organisations.items():
        called = ", ".join(f"{addressee} ({len(demands)})" for addressee, demands in entry["demands"].items())
        print(f"  {organisation}: {called or 'no demands'}; {len(entry['figures'])} figures cited")

    print("\nFigures cited:")
    for group in digest.figures[:8]:
        first = group.citations[0]
        words = f"{first.hedge} {first.text}".strip()
        print(f"  {words:>22}  {group.kind:<10}  {', '.join(group.organisations)}")


if __name__ == "__main__":
    main()
