"""Use casey_nlp.SentenceClassifier as an ordinary scikit-learn estimator.

Shows four things on the bundled dataset (``casey_nlp.load_dataset()``):

1. ``cross_val_score`` with ``LeaveOneGroupOut`` over the statements
   (``doc_ids`` as groups), so every score is on a statement the model never
   saw;
2. ``GridSearchCV`` over the regularisation ``C`` with ``GroupKFold``,
   again grouped by statement;
3. ``sklearn.base.clone`` to get an unfitted copy with the best parameters;
4. the classifier as the last step of a ``Pipeline`` whose first step
   cleans the text (here: dropping a leading bullet or quote mark).

Run from any directory:

    python examples/sklearn_pipeline.py
"""

from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, GroupKFold, LeaveOneGroupOut, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

import casey_nlp


def main():
    bunch = casey_nlp.load_dataset()
    X, y, groups = bunch.data, bunch.target, bunch.doc_ids
    print(f"{len(X)} sentences from {len(set(groups))} statements\n")

    print("1. cross_val_score with LeaveOneGroupOut (one fold per statement)")
    logo = LeaveOneGroupOut()
    held_out = [groups[test[0]] for _, test in logo.split(X, y, groups)]
    for scoring in ("accuracy", "f1_macro"):
        scores = cross_val_score(
            casey_nlp.SentenceClassifier(), X, y, groups=groups, cv=logo, scoring=scoring
        )
        print(f"   {scoring}: mean {scores.mean():.3f}")
        for doc, score in zip(held_out, scores):
            print(f"     {doc:28s} {score:.3f}")

    print("\n2. GridSearchCV over C with GroupKFold(n_splits=5)")
    search = GridSearchCV(
        casey_nlp.SentenceClassifier(),
        param_grid={"C": [0.3, 1.0]},
        cv=GroupKFold(n_splits=5),
        scoring="f1_macro",
    )
    search.fit(X, y, groups=groups)
    for params, mean, std in zip(
        search.cv_results_["params"],
        search.cv_results_["mean_test_score"],
        search.cv_results_["std_test_score"],
    ):
        print(f"   C={params['C']}: macro-F1 {mean:.3f} (+/- {std:.3f})")
    print(f"   best: {search.best_params_}, score {search.best_score_:.3f}")

    print("\n3. sklearn.base.clone")
    fresh = clone(search.best_estimator_)
    print(f"   clone has C={fresh.C} and is unfitted: {not hasattr(fresh, 'pipeline_')}")
    fresh.fit(X, y)
    sentence = "Every force should publish its misconduct outcomes each year."
    print(f"   refitted clone tags {sentence!r} as {fresh.predict([sentence])[0]!r}")

    print("\n4. inside a Pipeline")
    strip_markers = FunctionTransformer(lambda texts: [t.lstrip("\u2022*-\u201c\" ") for t in texts])
    pipeline = make_pipeline(strip_markers, casey_nlp.SentenceClassifier())
    scores = cross_val_score(pipeline, X, y, groups=groups, cv=LeaveOneGroupOut(), scoring="f1_macro")
    print(f"   leave-one-statement-out macro-F1 of the pipeline: mean {scores.mean():.3f}")
    pipeline.fit(X, y)
    item = "\u2022 Vetting must be redone."
    print(f"   pipeline tags {item!r} as {pipeline.predict([item])[0]!r}")


if __name__ == "__main__":
    main()
