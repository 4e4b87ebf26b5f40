"""Tagging partitions: the plain partition function (Spark-like) and Dask on a LocalCluster."""

import functools
import json
import pickle
import random
import re
import sys
from pathlib import Path

import pytest

import casey_nlp
from casey_nlp import LABELS, classify_many, classify_partition, load_model

# Invented sentences, one pool per kind, combined at random into documents.
SUBJECTS = ["The Commissioner", "The Home Secretary", "Every force", "The Mayor", "The new unit", "Ministers"]
ACTIONS = ["publish its vetting figures", "fund specialist officers", "apologise to the families",
           "end strip searches of children", "open its files to inspectors"]
PLACES = ["Lambeth", "Croydon", "the north east", "Hackney", "the county"]


def _sentence(rng):
    kind = rng.randrange(6)
    if kind == 0:
        return f"{rng.choice(SUBJECTS)} must {rng.choice(ACTIONS)} by {rng.randint(2025, 2030)}."
    if kind == 1:
        return f"Only {rng.randint(1, 99)}% of complaints in {rng.choice(PLACES)} led to a charge."
    if kind == 2:
        place, ignored = rng.choice(PLACES), rng.choice(["warnings", "guidance", "reports"])
        return f"The audit found that officers in {place} ignored {ignored}."
    if kind == 3:
        place, months = rng.choice(PLACES), rng.randint(2, 30)
        return f"One mother in {place} waited {months} months for a detective to call her back."
    if kind == 4:
        return f"{rng.choice(SUBJECTS)} should {rng.choice(ACTIONS)}, campaigners said."
    return rng.choice(["ENDS", "Notes to editors", "For more information call the press office."])


def invented_corpus(n_documents, seed=10):
    """``(id, text)`` pairs; some documents are empty or whitespace and have no sentences."""
    rng = random.Random(seed)
    corpus = []
    for number in range(n_documents):
        if number % 97 == 0:
            text = rng.choice(["", "  \n"])
        else:
            text = rng.choice([" ", "\n", "\n\n"]).join(_sentence(rng) for _ in range(rng.randint(1, 7)))
        corpus.append((f"release-{number:05d}", text))
    return corpus


CORPUS = invented_corpus(2400)


def reference(documents, model=None):
    """What classify_many says, keyed by (document id, sentence index)."""
    return {
        (result.source, index): (s.text, s.start, s.end, s.label, s.scores)
        for result in classify_many(documents, model=model)
        for index, s in enumerate(result.sentences)
    }


@functools.cache
def shipped_reference():
    return reference(CORPUS)


def assert_same_tags(records, expected, labels=LABELS, exact=True):
    """Same sentences, offsets and labels; scores bit for bit, or to rounding when not ``exact``."""
    got = as_reference(records, labels)
    assert list(got) == list(expected)  # same documents and sentences, in the same order
    assert [value[:4] for value in got.values()] == [value[:4] for value in expected.values()]
    if exact:
        assert [value[4] for value in got.values()] == [value[4] for value in expected.values()]
    else:
        for key, value in expected.items():
            assert got[key][4] == pytest.approx(value[4], rel=0, abs=1e-12), key


def as_reference(records, labels=LABELS):
    """The same view of classify_partition's records (dicts or DataFrame rows)."""
    return {
        (str(r["document"]), r["sentence"]): (
            r["text"], r["start"], r["end"], r["label"], {label: r[f"score_{label}"] for label in labels}
        )
        for r in records
    }


def assert_offsets_point_into_documents(records, documents):
    texts = dict(documents)
    for r in records:
        assert texts[r["document"]][r["start"] : r["end"]] == r["text"]
        assert r["confidence"] == r[f"score_{r['label']}"] == max(r[f"score_{label}"] for label in LABELS)


# ---------------------------------------------------------------- without a cluster


def test_spark_like_partitions_of_generators_equal_classify_many():
    # Spark hands mapPartitions an iterator per partition and concatenates the results.
    # Partitions of 2 x 64 documents are tagged in the same batches of 64 as classify_many's.
    partitions = [CORPUS[i : i + 128] for i in range(0, len(CORPUS), 128)]
    records = [r for part in partitions for r in classify_partition(iter(part))]
    assert_same_tags(records, shipped_reference())
    assert_offsets_point_into_documents(records, CORPUS)


def test_other_partition_sizes_change_scores_only_by_rounding():
    # The model's float sums depend on which documents share a batch, by about 1e-16.
    partitions = [CORPUS[i : i + 300] for i in range(0, 900, 300)]
    records = [r for part in partitions for r in classify_partition(iter(part))]
    assert_same_tags(records, reference(CORPUS[:900]), exact=False)


def test_json_records_with_id_and_text_keys():
    lines = [json.dumps({"id": doc_id, "body": text, "extra": 1}) for doc_id, text in CORPUS[:200]]
    records = classify_partition(map(json.loads, lines), text_column="body", id_column="id")
    assert_same_tags(records, reference(CORPUS[:200]))


def test_plain_texts_are_numbered_by_position_in_the_partition():
    texts = [text for _, text in CORPUS[1:4]]
    records = classify_partition(texts)
    assert {r["document"] for r in records} == {0, 1, 2}
    assert_same_tags(records, reference(texts))


def test_pandas_partition_keeps_the_id_dtype_and_joins_back():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"text": [text for _, text in CORPUS[:150]]}, index=pd.RangeIndex(1000, 1150))
    tags = classify_partition(frame)
    assert tags["document"].dtype == frame.index.dtype
    assert list(tags.columns) == ["document", "sentence", "text", "start", "end", "label", "confidence",
                                  *(f"score_{label}" for label in LABELS)]
    joined = tags.merge(frame, left_on="document", right_index=True, suffixes=("", "_document"))
    assert all(doc[start:end] == text for doc, start, end, text in
               zip(joined["text_document"], joined["start"], joined["end"], joined["text"]))
    expected = reference([(str(i), text) for i, text in frame["text"].items()])
    assert_same_tags(tags.to_dict("records"), expected)


def test_empty_pandas_partition_has_the_columns_and_dtypes_of_a_full_one():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"id": ["a", "b"], "text": ["The Met must change. ENDS", "Only 3% were charged."]})
    full = classify_partition(frame, id_column="id")
    empty = classify_partition(frame.iloc[:0], id_column="id")
    assert len(empty) == 0 and len(full) == 3
    assert empty.dtypes.to_dict() == full.dtypes.to_dict()


@pytest.mark.parametrize(
    ("partition", "options", "error", "message"),
    [
        ("The Met must change.", {}, TypeError, "partition is a single text"),
        ([("a", "The Met must change."), 3], {}, TypeError, "partition item 1 is int"),
        ([("a", None)], {}, TypeError, "partition item 0: the text is NoneType"),
        ([{"body": "ENDS"}], {}, ValueError, "partition item 0 has no 'text' key; pass text_column="),
        ([{"text": "ENDS"}], {"id_column": "id"}, ValueError, "has no 'id' key"),
        (["ENDS"], {"model": 3}, TypeError, "model must be None"),
        (42, {}, TypeError, "partition must be an iterable"),
    ],
)
def test_bad_input_is_one_clear_line(partition, options, error, message):
    with pytest.raises(error, match=message) as raised:
        classify_partition(partition, **options)
    assert "\n" not in str(raised.value)


def test_bad_dataframe_columns_and_missing_texts_are_named():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"body": ["ENDS", None]}, index=["x", "y"])
    with pytest.raises(ValueError, match=r"text_column='text' is not a column of the partition \(columns: body\)"):
        classify_partition(frame)
    with pytest.raises(ValueError, match="id_column='id' is not a column"):
        classify_partition(frame, text_column="body", id_column="id")
    with pytest.raises(TypeError, match=r"at row 'y'.*fillna"):
        classify_partition(frame, text_column="body")


def test_a_missing_model_file_is_reported_before_any_work(tmp_path):
    with pytest.raises(casey_nlp.ModelError, match="model file not found"):
        classify_partition(["ENDS"], model=tmp_path / "nowhere.zip")


def test_the_partition_function_does_not_import_dask():
    import subprocess

    code = (
        "import sys, casey_nlp\n"
        "casey_nlp.classify_partition([('a', 'The Met must change.')])\n"
        "import casey_nlp._distributed\n"
        "print(sorted(m for m in sys.modules if m == 'dask' or m.startswith('dask.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_dask_classify_without_dask_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "dask.bag", None)
    with pytest.raises(ImportError, match=r'^dask_classify needs Dask: pip install "casey_nlp\[dask\]"$'):
        casey_nlp.dask_classify(["ENDS"])


def test_dask_classify_rejects_what_is_not_a_dask_collection():
    pytest.importorskip("dask.dataframe")
    with pytest.raises(TypeError, match="collection must be a dask.bag.Bag or a dask.dataframe.DataFrame, not list"):
        casey_nlp.dask_classify(["ENDS"])
    dask_bag = pytest.importorskip("dask.bag")
    with pytest.raises(TypeError, match="partition is a whole Dask collection"):
        classify_partition(dask_bag.from_sequence(["ENDS"]))


# ---------------------------------------------------------------- on a LocalCluster


def _count_model_loads():
    """Run on each worker: record every model file casey_nlp loads from now on."""
    from casey_nlp import _distributed, _persist

    _persist._DEFAULT_CACHE.clear()  # start each test with nothing loaded
    _distributed._MODELS_BY_PATH.clear()
    original = getattr(_persist, "_uncounted_load_checked", _persist._load_checked)
    _persist._uncounted_load_checked = original
    _persist.loaded_files = []

    def counted(path):
        _persist.loaded_files.append(path.name)
        return original(path)

    _persist._load_checked = counted


def _loaded_files():
    from casey_nlp import _persist

    return _persist.loaded_files


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        local_directory=str(tmp_path_factory.mktemp("dask-worker-space")),
    ) as cluster, distributed.Client(cluster) as client:
        yield client


def _compute_counting_loads(client, bag):
    """``(records, {worker: model files loaded}, {worker: partitions tagged})`` of a tagged bag."""
    from distributed import get_task_stream

    client.run(_count_model_loads)
    with get_task_stream(client) as stream:
        # Unfused, each partition is tagged by one task named after the bag.
        records = bag.compute(optimize_graph=False)
    tagged = {}
    for task in stream.data:
        if task["key"][0] == bag.name:
            tagged[task["worker"]] = tagged.get(task["worker"], 0) + 1
    return records, client.run(_loaded_files), tagged


def test_bag_on_cluster_equals_classify_many_with_the_model_loaded_once_per_worker(client):
    dask_bag = pytest.importorskip("dask.bag")
    bag = dask_bag.from_sequence(CORPUS, partition_size=128)  # batches of 64 as in classify_many
    records, loaded, tagged = _compute_counting_loads(client, casey_nlp.dask_classify(bag))

    assert_same_tags(records, shipped_reference())
    assert_offsets_point_into_documents(records, CORPUS)
    assert sum(tagged.values()) == bag.npartitions == 19
    assert max(tagged.values()) > 1  # else "once per worker" would prove nothing
    for worker, files in loaded.items():
        assert files == (["default.zip"] if worker in tagged else []), worker


def test_saved_user_model_is_loaded_from_its_path_once_per_worker(client, tmp_path):
    dask_bag = pytest.importorskip("dask.bag")
    # A different model from the shipped one: trained only on these, with no case_study label.
    model = casey_nlp.train(
        [("Ministers must fund refuges now.", "demand"), ("The force should publish its data.", "demand"),
         ("Only 3% of cases led to a charge.", "statistic"), ("Some 40 officers were dismissed.", "statistic"),
         ("The review found a culture of denial.", "finding"), ("Inspectors found the unit understaffed.", "finding"),
         ("ENDS", "other"), ("For more information contact the press office.", "other")],
        include_bundled=False,
        seed_examples=False,
    )
    path = model.save(tmp_path / "my_model.zip")
    documents = CORPUS[:640]
    tags = casey_nlp.dask_classify(dask_bag.from_sequence(documents, partition_size=64), model=str(path))
    # The tagging tasks carry the path, not the model.
    tagging_tasks = tags.__dask_graph__().layers[tags.name]
    assert len(pickle.dumps(dict(tagging_tasks))) < len(pickle.dumps(model)) / 10
    records, loaded, tagged = _compute_counting_loads(client, tags)

    assert sorted(model.classes_) == ["demand", "finding", "other", "statistic"]
    assert_same_tags(records, reference(documents, model=load_model(path)), labels=model.classes_)
    assert all(r["score_case_study"] == 0.0 for r in records)
    shipped = shipped_reference()
    assert any(r["label"] != shipped[str(r["document"]), r["sentence"]][3] for r in records)  # not the shipped model
    for worker, files in loaded.items():
        assert files == (["my_model.zip"] if worker in tagged else []), worker


def test_dataframe_on_cluster_equals_classify_many_and_matches_its_meta(client):
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    frame = pd.DataFrame(CORPUS[:1024], columns=["id", "text"])
    ddf = dd.from_pandas(frame, chunksize=256)
    model = load_model()
    tags = casey_nlp.dask_classify(ddf, id_column="id", model=model)
    # A model object is one piece of the graph, not a copy inside each of the 4 tasks.
    assert len(pickle.dumps(dict(tags.__dask_graph__()))) < 1.5 * len(pickle.dumps(model))
    result = tags.compute()

    assert_same_tags(result.to_dict("records"), reference(CORPUS[:1024]))
    assert result.dtypes.to_dict() == tags.dtypes.to_dict()
    assert tags.npartitions == ddf.npartitions == 4
    # Joins back onto the input by document id.
    joined = tags.merge(ddf, left_on="document", right_on="id", suffixes=("", "_document")).compute()
    assert len(joined) == len(result)
    assert all(doc[start:end] == text for doc, start, end, text in
               zip(joined["text_document"], joined["start"], joined["end"], joined["text"]))


def test_the_readme_dask_example_runs_as_documented(client, capsys):
    pytest.importorskip("dask.dataframe")
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Beyond one machine") : readme.index("## Speed")]
    example = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert "dask_classify" in example
    exec(compile(example, "README.md", "exec"), {"__name__": "__main__"})
    printed = capsys.readouterr().out.split("\n")
    assert printed[:3] == ["release-1 0 demand", "release-1 1 other", "release-2 0 statistic"]
    assert [line.split() for line in printed[4:7]] == [
        ["release-1", "demand"], ["release-1", "other"], ["release-2", "statistic"]
    ]
