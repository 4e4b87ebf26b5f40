"""Does reading context help on short snippets, not only whole documents?

Trains the default model on the written corpus only (blind to the five
statements), cuts each statement into windows of k sentences, tags each
window as a document with `classify`'s context stage, and prints macro-F1
against reading every sentence alone.

    python benchmarks/snippets.py
"""

import numpy as np
from sklearn.metrics import f1_score
from casey_nlp import SentenceClassifier
from casey_nlp._data import bundled_rows
written = bundled_rows("written")
statements = bundled_rows("statements")
m = SentenceClassifier().fit([r.item for r in written], [r.label for r in written], groups=[r.group for r in written])
items = [r.item for r in statements]; y = np.array([r.label for r in statements]); docs = [r.group for r in statements]
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
