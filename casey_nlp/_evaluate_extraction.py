"""Precision and recall of the speaker, addressee and figure extractors, and theme agreement.

The hand annotations are in ``data/extraction/`` (see its README): two
independent passes over every sentence of 27 documents (the five statements
and 22 written documents), and a third reading where they disagree. The
gold value of a field is the two passes' value where they agree and the
adjudicated value where they do not.

The extractors are scored on the gold labels, not the model's: addressees on
every gold demand, figures on every gold statistic, speakers on every
sentence. That isolates the extractors from tagging errors; with the
model's tags, a demand it misses has no addressees at all.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter

from ._resources import data_dir

EXTRACTION_DIR = "extraction"
FIELDS = ("speaker_person", "speaker_organisation", "addressees", "figures")
VALUE_TOLERANCE = 1e-3  # relative: 14/15 written as 0.9333 still agrees


# ------------------------------------------------------------------- reading


def _folder():
    return data_dir() / EXTRACTION_DIR


# The annotated documents come in two halves. Rules were developed looking
# only at errors on the development half; the held-out half was not looked
# at, so its figures are the blind ones.
SUBSETS = {"all": ("a", "b"), "development": ("a",), "held-out": ("b",)}


def load_annotations(subset: str = "all") -> tuple[list[dict], list[dict]]:
    """``(sentences, documents)`` of the hand annotations, each with its gold fields.

    Each sentence dict has ``id, doc_id, label, first, second, adjudicated``
    and ``gold``: the fields as the first pass, the second pass, the third
    reading (only the fields it settled) and the result. Each document has
    ``doc_id, file`` and ``organisation_*`` likewise.
    """
    sentences = []
    with open(_folder() / "passes.jsonl", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            gold = {}
            for field in FIELDS:
                if field not in row["first"]:
                    continue
                if field in row.get("adjudicated", {}):
                    gold[field] = row["adjudicated"][field]
                else:
                    gold[field] = row["first"][field]
            row["gold"] = gold
            sentences.append(row)
    with open(_folder() / "documents.csv", encoding="utf-8", newline="") as handle:
        documents = [row for row in csv.DictReader(handle) if row["half"] in SUBSETS[subset]]
    chosen = {document["doc_id"] for document in documents}
    sentences = [row for row in sentences if row["doc_id"] in chosen]
    for document in documents:
        settled = document.get("organisation_adjudicated") or ""
        document["organisation_gold"] = settled or document["organisation_first"]
    return sentences, documents


# ------------------------------------------------------------------ matching

_PUNCTUATION = re.compile(r"[^\w&\s]")


def _normal(name) -> str:
    if not name:
        return ""
    name = _PUNCTUATION.sub(" ", str(name).lower().replace("\u2019", "'").replace("'s ", " "))
    return " ".join(re.sub(r"^the\s+", "", " ".join(name.split())).split())


def same_name(a, b) -> bool:
    """Names agree when, lower-cased without punctuation or a leading "the", one's words run inside the other's.

    >>> same_name("Rape Crisis", "Rape Crisis England & Wales"), same_name("the Met", "Met")
    (True, True)
    >>> same_name("Refuge", "Rape Crisis")
    False
    """
    a, b = _normal(a), _normal(b)
    if not a or not b:
        return False
    short, long = sorted((a, b), key=len)
    return f" {short} " in f" {long} "


class Score(Counter):
    """Counts for precision and recall: ``predicted``, ``gold`` and ``correct`` items."""

    @property
    def precision(self) -> float:
        return self["correct"] / self["predicted"] if self["predicted"] else float("nan")

    @property
    def recall(self) -> float:
        return self["correct"] / self["gold"] if self["gold"] else float("nan")

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self) -> dict:
        """The scores as JSON-ready values: None where there was nothing to score (not NaN, which JSON lacks)."""
        def rounded(value):
            return None if value != value else round(value, 3)

        return {"precision": rounded(self.precision), "recall": rounded(self.recall), "f1": rounded(self.f1),
                "predicted": self["predicted"], "gold": self["gold"], "correct": self["correct"]}


def _score_names(score: Score, predicted, gold) -> None:
    """Count one field: lists of names, matched one to one with :func:`same_name`."""
    predicted = [p for p in predicted if p]
    gold = [g for g in gold if g]
    score["predicted"] += len(predicted)
    score["gold"] += len(gold)
    unmatched = list(gold)
    for name in predicted:
        for candidate in unmatched:
            if same_name(name, candidate):
                unmatched.remove(candidate)
                score["correct"] += 1
                break


def _spans(sentence: str, figures) -> list[tuple[int, int, dict]]:
    out, taken = [], 0
    for figure in figures:
        at = sentence.find(figure["text"], taken)
        if at < 0:
            at = sentence.find(figure["text"])
        if at >= 0:
            taken = at + len(figure["text"])
        out.append((at, at + len(figure["text"]), figure))
    return out


def _same_value(a, b) -> bool:
    a, b = float(a), float(b)
    return abs(a - b) <= VALUE_TOLERANCE * max(abs(a), abs(b), 1e-9)


def _score_figures(scores: dict, sentence: str, predicted, gold) -> None:
    """Figures match when their spans overlap; matched ones are also scored on kind, value and hedge."""
    spans = _spans(sentence, gold)
    scores["figures"]["predicted"] += len(predicted)
    scores["figures"]["gold"] += len(gold)
    unmatched = list(spans)
    for start, end, figure in _spans(sentence, predicted):  # in order, so a repeated "7%" finds its own place
        for span in unmatched:
            if span[0] >= 0 and start < span[1] and span[0] < end:
                unmatched.remove(span)
                scores["figures"]["correct"] += 1
                truth = span[2]
                for part, agrees in (
                    ("kind", figure["kind"] == truth["kind"]),
                    ("value", _same_value(figure["value"], truth["value"])),
                    ("hedge", _normal(figure.get("hedge")) == _normal(truth.get("hedge"))),
                ):
                    scores[f"figure {part}"]["predicted"] += 1
                    scores[f"figure {part}"]["gold"] += 1
                    scores[f"figure {part}"]["correct"] += agrees
                break


def _score(pairs, documents=()) -> dict:
    """Scores of predicted against gold fields; ``pairs`` are ``(sentence text, label, predicted, gold)``."""
    scores = {name: Score() for name in (
        "speaker person", "speaker organisation", "document organisation", "addressees (named)",
        "addressees (unknown)", "figures", "figure kind", "figure value", "figure hedge")}
    for text, label, predicted, gold in pairs:
        _score_names(scores["speaker person"], [predicted["speaker_person"]], [gold["speaker_person"]])
        _score_names(scores["speaker organisation"], [predicted["speaker_organisation"]],
                     [gold["speaker_organisation"]])
        if label == "demand":
            _score_names(scores["addressees (named)"], [a for a in predicted["addressees"] if a != "unknown"],
                         [a for a in gold["addressees"] if a != "unknown"])
            said, truth = predicted["addressees"] == ["unknown"], gold["addressees"] == ["unknown"]
            unknown = scores["addressees (unknown)"]
            unknown["predicted"] += said
            unknown["gold"] += truth
            unknown["correct"] += said and truth
        if label == "statistic":
            _score_figures(scores, text, predicted["figures"], gold["figures"])
    for predicted, gold in documents:
        _score_names(scores["document organisation"], [predicted], [gold])
    return scores


# ---------------------------------------------------------------- extracting


def _predicted(sentences: list[dict], documents: list[dict]) -> tuple[dict, dict]:
    """The extractors' fields for every annotated sentence, read with its gold label."""
    from ._classify import TaggedSentence
    from ._extract import document_speaker, extract_all
    from ._segment import split_sentences

    by_document: dict[str, list[dict]] = {}
    for row in sentences:
        by_document.setdefault(row["doc_id"], []).append(row)
    fields, organisations = {}, {}
    for document in documents:
        # Paths are relative to the checkout ("data/statements/..."); data_dir() is data/ or its installed copy.
        text = (data_dir() / document["file"].removeprefix("data/")).read_text(encoding="utf-8")
        split = split_sentences(text)
        rows = by_document[document["doc_id"]]
        if [(s.start, s.end) for s in split] != [(r["start"], r["end"]) for r in rows]:
            raise ValueError(f"{document['doc_id']}: the annotations no longer match the document's sentences")
        tagged = [TaggedSentence(s.text, r["label"], {r["label"]: 1.0}, s.start, s.end, s.list_item, s.lead_in)
                  for s, r in zip(split, rows)]
        organisations[document["doc_id"]] = document_speaker(text, split)[1]
        for s, row in zip(extract_all(text, tagged), rows):
            fields[row["id"]] = {
                "speaker_person": s.speaker.person if s.speaker else None,
                "speaker_organisation": s.speaker.organisation if s.speaker else None,
                "addressees": [a.name for a in s.addressees],
                "figures": [f.to_dict() for f in s.figures],
            }
    return fields, organisations


def _passes_agree(field: str, row: dict) -> bool:
    """Whether the two passes gave the same value, up to spacing, order, and 4 decimals of a figure's value."""
    first, second = row["first"][field], row["second"][field]
    if field == "addressees":
        return sorted(first) == sorted(second)
    if field == "figures":
        def key(figures):
            return sorted((f["text"], f["kind"], round(float(f["value"]), 4), f["hedge"], f["per"]) for f in figures)

        return key(first) == key(second)
    return " ".join((first or "").split()) == " ".join((second or "").split())


def _texts() -> dict:
    """Sentence id to text, for every bundled labelled sentence."""
    from ._data import load_dataset

    bunch = load_dataset(subset="all")
    return dict(zip(bunch.ids, bunch.data))


def evaluate_extraction(subset: str = "held-out") -> dict:
    """Precision and recall of each extractor against the gold annotations, and the passes' agreement.

    Returns
    -------
    dict
        ``{"extractors": {measure: scores}, "agreement": {measure: scores},
        "themes": {...}, "counts": {...}}``. In ``agreement`` the first
        pass is scored against the second, so its F1 is the passes'
        agreement; precision and recall there only say which pass marked
        more.
    """
    if subset not in SUBSETS:
        raise ValueError(f"subset must be one of {', '.join(SUBSETS)}, got {subset!r}")
    sentences, documents = load_annotations(subset)
    texts = _texts()
    predicted, organisations = _predicted(sentences, documents)
    extractors = _score(
        [(texts[r["id"]], r["label"], predicted[r["id"]], r["gold"]) for r in sentences],
        [(organisations[d["doc_id"]], d["organisation_gold"]) for d in documents],
    )
    agreement = _score(
        [(texts[r["id"]], r["label"], r["first"], r["second"]) for r in sentences],
        [(d["organisation_first"], d["organisation_second"]) for d in documents],
    )
    labels = Counter(r["label"] for r in sentences)
    exact = {field: f"{sum(_passes_agree(field, r) for r in sentences if field in r['first'])} of "
                    f"{sum(field in r['first'] for r in sentences)}" for field in FIELDS}
    return {
        "extractors": {name: score.row() for name, score in extractors.items()},
        "agreement": {name: score.row() for name, score in agreement.items()},
        "themes": evaluate_themes({r["id"] for r in sentences}, texts),
        "counts": {"documents": len(documents), "sentences": len(sentences), "demands": labels["demand"],
                   "statistics": labels["statistic"],
                   "adjudicated fields": sum(len(r.get("adjudicated", {})) for r in sentences),
                   "passes agree exactly": exact},
    }


def evaluate_themes(ids=None, texts=None) -> dict:
    """Adjusted Rand index of the digest's themes against two hand groupings of the annotated demands.

    ``ids``: the sentence ids to use (default: every grouped demand);
    ``texts``: sentence id to text, if already read.
    """
    from sklearn.metrics import adjusted_rand_score

    from ._digest import find_themes

    with open(_folder() / "themes.csv", encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if ids is None or row["id"] in ids]
    texts = texts or _texts()
    demands = [texts[r["id"]] for r in rows]
    statements = [r["id"].split(":")[0] for r in rows]  # as the digest does: each demand with its statement
    found, _ = find_themes(demands, groups=statements)
    first, second = [r["first"] for r in rows], [r["second"] for r in rows]
    sized, _ = find_themes(demands, n_themes=len(set(first)) - 1, groups=statements)  # - 1: the general theme
    return {
        "demands": len(rows),
        "themes found": len(set(found)),
        "hand themes": [len(set(first)), len(set(second))],
        "ari found vs first": round(adjusted_rand_score(first, found), 3),
        "ari found vs second": round(adjusted_rand_score(second, found), 3),
        "ari first vs second": round(adjusted_rand_score(first, second), 3),
        "ari with as many themes as the first grouping, vs first": round(adjusted_rand_score(first, sized), 3),
        "ari with as many themes as the first grouping, vs second": round(adjusted_rand_score(second, sized), 3),
    }


def _cell(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def extraction_markdown(results: dict) -> str:
    """The figures as Markdown tables, for the model card."""
    out = ["| extractor | precision | recall | F1 | predicted | gold | agreement of the passes (F1) |",
           "|---|---|---|---|---|---|---|"]
    for name, row in results["extractors"].items():
        agreed = results["agreement"][name]["f1"]
        out.append(f"| {name} | {_cell(row['precision'])} | {_cell(row['recall'])} | {_cell(row['f1'])} | "
                   f"{row['predicted']} | {row['gold']} | {_cell(agreed)} |")
    themes = results["themes"]
    out += ["", "| theme grouping | adjusted Rand |", "|---|---|"]
    out += [f"| {name} | {value} |" for name, value in themes.items() if name.startswith("ari")]
    counts = results["counts"]
    out += ["", f"{counts['documents']} documents, {counts['sentences']} sentences ({counts['demands']} demands, "
            f"{counts['statistics']} statistics); {counts['adjudicated fields']} fields settled by a third reading; "
            f"{themes['demands']} demands grouped into {themes['themes found']} themes (hand groupings: "
            f"{themes['hand themes'][0]} and {themes['hand themes'][1]})."]
    return "\n".join(out)
