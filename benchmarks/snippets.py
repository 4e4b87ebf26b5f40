"""Does reading context help on short snippets, not only whole documents?

Trains the default model on the written corpus only (blind to the five
statements), cuts each statement into windows of k sentences, tags each
window as a document with `classify`'s context stage, and prints macro-F1
against reading every sentence alone.

    python benchmarks/snippets.py
"""

import numpy as np
from sklearn.metrics import f1_score
from casey_nlp import SentenceClassifier, load_dataset, split_sentences


def sentences(bunch):
    """Each labelled sentence as split_sentences gives it, list context included."""
    segmented = {d["doc_id"]: split_sentences(d["text"]) for d in bunch.documents}
    return [segmented[doc][position] for doc, position in zip(bunch.doc_ids, bunch.positions)]


written, statements = load_dataset(subset="written"), load_dataset(subset="statements")
m = SentenceClassifier().fit(sentences(written), written.target, groups=written.doc_ids)
items = sentences(statements); y = np.array(statements.target); docs = statements.doc_ids
alone = m.predict(items)
print("| sentences per document | macro-F1 |\n|---|---|")
print(f"| 1 (read alone, as classify_sentences) | {f1_score(y, alone, average='macro'):.3f} |")
for k in (2, 3, 4, 6, 10, 1000):
    groups, w, prev = [], 0, None
    count = 0
    for d in docs:
        if d != prev or count == k:
            w += 1; count = 0
        groups.append(w); count += 1; prev = d
    ctx = m.predict_in_context(items, groups)
    print(f"| {k if k < 1000 else 'whole statements'} | {f1_score(y, ctx, average='macro'):.3f} |")
