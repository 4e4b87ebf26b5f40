import csv
import shutil
from collections import Counter

import pytest

import casey_nlp
from casey_nlp import LABEL_DEFINITIONS, LABELS, DataError, load_dataset, load_statements, split_sentences
from casey_nlp import _data, _resources


@pytest.fixture(scope="module")
def bunch():
    return load_dataset()


def test_bunch_has_sklearn_dataset_fields_of_equal_length(bunch):
    n = len(bunch.data)
    assert n == 153
    for field in ("target", "ids", "doc_ids", "positions", "starts", "ends", "notes"):
        assert len(bunch[field]) == n, field
    assert bunch.target_names == list(LABELS)
    assert bunch.DESCR.startswith("# Data card")
    assert bunch.frame is None


def test_return_X_y_gives_texts_and_labels(bunch):
    texts, labels = load_dataset(return_X_y=True)
    assert texts == bunch.data and labels == bunch.target


def test_as_frame_gives_a_dataframe_when_pandas_is_installed():
    pd = pytest.importorskip("pandas")
    framed = load_dataset(as_frame=True)
    assert isinstance(framed.frame, pd.DataFrame)
    plain = load_dataset()
    assert len(framed.frame) == 153
    assert list(framed.frame["text"]) == plain.data and list(framed.frame["doc_id"]) == plain.doc_ids
    # Every per-row field of the Bunch is a column, so a frame can be filtered by writer or genre.
    assert list(framed.frame["subset"]) == plain.subsets and list(framed.frame["writer"]) == plain.writers
    assert list(framed.target) == plain.target


def test_dataset_matches_a_fresh_segmentation_of_the_statements_row_for_row(bunch):
    """The dataset can never drift from its sources."""
    expected = [
        (doc_id, position, s.start, s.end, s.text)
        for doc_id, text in load_statements().items()
        for position, s in enumerate(split_sentences(text))
    ]
    actual = list(zip(bunch.doc_ids, bunch.positions, bunch.starts, bunch.ends, bunch.data))
    assert actual == expected


def test_every_label_is_used_and_documents_are_the_five_statements(bunch):
    assert set(bunch.target) == set(LABELS)
    assert list(dict.fromkeys(bunch.doc_ids)) == [d["doc_id"] for d in bunch.documents]
    assert len(bunch.documents) == 5
    assert len(set(bunch.ids)) == len(bunch.ids)


def test_statements_are_byte_identical_to_the_shared_seeds_when_present():
    seeds = _resources.data_dir().parent.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    for entry in load_dataset().documents:
        seed = (seeds / entry["seed_file"]).read_bytes()
        assert seed.decode("utf-8") == entry["text"]


def test_label_definitions_cover_the_label_set():
    assert set(LABEL_DEFINITIONS) == set(LABELS)
    assert all(definition.strip() for definition in LABEL_DEFINITIONS.values())


def test_public_surface_is_exported():
    for name in casey_nlp.__all__:
        assert hasattr(casey_nlp, name)


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A writable copy of the bundled data that the loaders will read instead."""
    copy = tmp_path / "data"
    shutil.copytree(_resources.data_dir(), copy)
    monkeypatch.setattr(_data, "data_dir", lambda: copy)
    return copy


def _rewrite_dataset(folder, change):
    path = folder / _data.DATASET_FILE
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    change(rows)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else _data.DATASET_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def test_missing_dataset_file_is_named(data_copy):
    (data_copy / "sentences.csv").unlink()
    with pytest.raises(DataError, match=r"sentences\.csv: file not found"):
        load_dataset()


def test_unknown_label_names_file_line_and_valid_labels(data_copy):
    _rewrite_dataset(data_copy, lambda rows: rows[4].update(label="opinion"))
    with pytest.raises(DataError, match=r"sentences\.csv, line 6: unknown label 'opinion'; use one of case_study"):
        load_dataset()


def test_text_that_no_longer_matches_its_offsets_is_reported(data_copy):
    _rewrite_dataset(data_copy, lambda rows: rows[0].update(text="Edited title"))
    with pytest.raises(DataError, match=r"line 2: text does not match refuge-casey-review\[0:44\]"):
        load_dataset()


def test_missing_column_is_reported(data_copy):
    def drop_label(rows):
        for row in rows:
            del row["label"]

    _rewrite_dataset(data_copy, drop_label)
    with pytest.raises(DataError, match=r"sentences\.csv: missing column\(s\) label"):
        load_dataset()


def test_edited_statement_fails_its_hash(data_copy):
    path = data_copy / "statements" / "refuge-vetting.txt"
    path.write_bytes(path.read_bytes() + b" extra")
    with pytest.raises(DataError, match=r"refuge-vetting\.txt: contents differ from the SHA-256"):
        load_statements()


def test_dataset_that_is_not_utf8_is_reported(data_copy):
    (data_copy / "sentences.csv").write_bytes(b"id,label\n\xff\xfe,demand\n")
    with pytest.raises(DataError, match=r"sentences\.csv: not valid UTF-8"):
        load_dataset()


def test_label_counts_per_document_match_the_data_card(bunch):
    """The counts table in data/README.md is the one the dataset gives."""
    counts = Counter(zip(bunch.doc_ids, bunch.target))
    card = bunch.DESCR
    for doc in dict.fromkeys(bunch.doc_ids):
        cells = [str(counts[doc, label]) for label in LABELS]
        total = str(sum(counts[doc, label] for label in LABELS))
        line = next(l for l in card.splitlines() if l.startswith(doc + " "))
        assert line.split()[1:] == [*cells, total], doc


# --- The written corpus -------------------------------------------------------


@pytest.fixture(scope="module")
def written():
    return load_dataset(subset="written")


def test_written_corpus_matches_a_fresh_segmentation_row_for_row(written):
    """Every document of the written corpus is labelled in full, sentence by sentence."""
    expected = [
        (doc_id, position, s.start, s.end, s.text)
        for doc_id, text in load_statements(subset="written").items()
        for position, s in enumerate(split_sentences(text))
    ]
    actual = list(zip(written.doc_ids, written.positions, written.starts, written.ends, written.data))
    assert actual == expected


def test_written_corpus_has_the_planned_size_and_variety(written):
    assert len(written.documents) >= 120 and len(written.data) >= 3000
    assert len(set(written.genres)) >= 12
    assert len({d["topic"] for d in written.documents}) >= 15
    assert len(set(written.writers)) >= 6
    assert set(written.target) == set(LABELS)
    assert set(written.subsets) == {"written"}


def test_all_is_statements_then_written(bunch, written):
    everything = load_dataset(subset="all")
    assert everything.ids == bunch.ids + written.ids
    assert everything.subsets == ["statements"] * len(bunch.ids) + ["written"] * len(written.ids)
    assert len(set(everything.ids)) == len(everything.ids)


def test_default_subset_is_still_the_five_statements(bunch):
    assert set(bunch.subsets) == {"statements"} and len(bunch.documents) == 5


def test_unknown_subset_names_the_choices():
    with pytest.raises(ValueError, match=r"subset='written_corpus' is not known; use one of 'statements', 'written', 'all'"):
        load_dataset(subset="written_corpus")


def test_written_labels_are_the_agreed_or_adjudicated_ones(written):
    """data/written/passes.csv holds both independent passes and the third reading."""
    with open(_resources.data_dir() / "written" / "passes.csv", encoding="utf-8", newline="") as handle:
        passes = {row["id"]: row for row in csv.DictReader(handle)}
    assert list(passes) == written.ids
    for sid, label in zip(written.ids, written.target):
        row = passes[sid]
        if row["annotator_a"] == row["annotator_b"]:
            assert label == row["annotator_a"] and row["adjudicator"] == ""
        else:
            assert label == row["adjudicator"] != ""


def test_edited_written_document_fails_its_hash(data_copy):
    path = next((data_copy / "written" / "texts").glob("*.txt"))
    path.write_bytes(path.read_bytes() + b" extra")
    with pytest.raises(DataError, match=rf"{path.name}: contents differ from the SHA-256"):
        load_dataset(subset="written")
