"""find_figures: the measured quantities in a statistic sentence, as data/GUIDELINE.md defines them.

Every sentence here is invented for the test. Expected values are worked
out from the guideline: a percentage or ratio as a fraction, a count or rate
as the number (money without its currency), a multiple as its factor.
"""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casey_nlp._figures import FIGURE_KINDS, Figure, find_figures

# (sentence, [(text, kind, value, hedge, per), ...])
CASES = [
    # percentages
    ("Only 12% of the reported thefts were solved.", [("12%", "percentage", 0.12, "", "")]),
    ("Around 40 per cent of the drivers stopped had no insurance.", [("40 per cent", "percentage", 0.40, "around", "")]),
    ("The clear-up rate fell to 3.5 percent.", [("3.5 percent", "percentage", 0.035, "", "")]),
    ("Roughly forty-five per cent of callers hung up.", [("forty-five per cent", "percentage", 0.45, "roughly", "")]),
    ("Just over 55% of members voted.", [("55%", "percentage", 0.55, "just over", "")]),
    # ratios, one figure for both numbers
    ("One in four cyclists said they had been threatened.", [("One in four", "ratio", 0.25, "", "")]),
    ("Nearly 1 in 3 tenants reported damp.", [("1 in 3", "ratio", 1 / 3, "nearly", "")]),
    ("In the survey, 9 out of 12 wardens wanted new radios.", [("9 out of 12", "ratio", 0.75, "", "")]),
    ("Seven out of ten shopkeepers had been robbed.", [("Seven out of ten", "ratio", 0.7, "", "")]),
    ("As many as one in five lamps failed.", [("one in five", "ratio", 0.2, "as many as", "")]),
    # fractions are ratios when they quantify
    ("Half of all drivers were over the limit.", [("Half", "ratio", 0.5, "", "")]),
    ("Almost a third of the cameras were broken.", [("a third", "ratio", 1 / 3, "almost", "")]),
    ("A quarter of the lockers had been opened.", [("A quarter", "ratio", 0.25, "", "")]),
    ("A fifth of the trainees left early.", [("A fifth", "ratio", 0.2, "", "")]),
    ("Two-thirds of the wardens agreed.", [("Two-thirds", "ratio", 2 / 3, "", "")]),
    ("Three quarters of the bus stops had no lighting.", [("Three quarters", "ratio", 0.75, "", "")]),
    ("More than half said the signs were unclear.", [("half", "ratio", 0.5, "more than", "")]),
    # multiples
    ("Cyclists were twice as likely to be hit at night.", [("twice", "multiple", 2.0, "", "")]),
    ("Young drivers were three times more likely to crash.", [("three times", "multiple", 3.0, "", "")]),
    ("The council spent double the amount on signs.", [("double", "multiple", 2.0, "", "")]),
    ("Repair costs doubled after the merger.", [("doubled", "multiple", 2.0, "", "")]),
    ("Complaints about noise rose fourfold.", [("fourfold", "multiple", 4.0, "", "")]),
    # counts, money among them
    ("There were 1,071 reports of fly-tipping.", [("1,071", "count", 1071.0, "", "")]),
    ("Each lorry carried 7.5 tonnes.", [("7.5", "count", 7.5, "", "")]),
    ("The upgrade cost £2.5 million.", [("£2.5 million", "count", 2_500_000.0, "", "")]),
    ("A grant of £300,000 was approved.", [("£300,000", "count", 300_000.0, "", "")]),
    ("The programme will cost £3bn over its life.", [("£3bn", "count", 3_000_000_000.0, "", "")]),
    ("Donors gave $4m.", [("$4m", "count", 4_000_000.0, "", "")]),
    (
        "Twenty-five wardens and a dozen volunteers turned up.",
        [("Twenty-five", "count", 25.0, "", ""), ("a dozen", "count", 12.0, "", "")],
    ),
    ("Two hundred and fifty thousand letters were sent.", [("Two hundred and fifty thousand", "count", 250_000.0, "", "")]),
    ("Half a million leaflets were printed.", [("Half a million", "count", 500_000.0, "", "")]),
    ("Of the 84 stalls, 19 closed.", [("84", "count", 84.0, "", ""), ("19", "count", 19.0, "", "")]),
    ("The lift was reported broken twice.", [("twice", "count", 2.0, "", "")]),
    ("Tenants waited over 400 days for repairs.", [("400", "count", 400.0, "over", "")]),
    # hedges before counts
    ("More than 600 trees were planted.", [("600", "count", 600.0, "more than", "")]),
    ("Up to 40 staff may move.", [("40", "count", 40.0, "up to", "")]),
    ("At least 12 vans were stolen.", [("12", "count", 12.0, "at least", "")]),
    ("An estimated 3,000 people attended.", [("3,000", "count", 3000.0, "an estimated", "")]),
    ("Some 80 firms replied.", [("80", "count", 80.0, "some", "")]),
    ("Fewer  than 20 stalls opened.", [("20", "count", 20.0, "fewer than", "")]),  # spaces made single
    ("Approximately 2 million passengers used the line.", [("2 million", "count", 2_000_000.0, "approximately", "")]),
    # rates: the text runs to the unit
    ("Three cyclists a week are injured on that road.", [("Three cyclists a week", "rate", 3.0, "", "week")]),
    ("The rate was 12 per 100,000 people.", [("12 per 100,000 people", "rate", 12.0, "", "100,000 people")]),
    ("Two buses every day miss the stop.", [("Two buses every day", "rate", 2.0, "", "day")]),
    ("The helpline takes 10,000 calls each year.", [("10,000 calls each year", "rate", 10_000.0, "", "year")]),
    ("Parking costs £5 a day.", [("£5 a day", "rate", 5.0, "", "day")]),
    ("The lift fails twice a month.", [("twice a month", "rate", 2.0, "", "month")]),
    ("Every three minutes a parcel goes missing.", [("Every three minutes", "rate", 1.0, "", "three minutes")]),
    # several kinds in one sentence
    (
        "Nearly half of the 240 lamps, about 1 in 8 of them, failed twice a year.",
        [
            ("half", "ratio", 0.5, "nearly", ""),
            ("240", "count", 240.0, "", ""),
            ("1 in 8", "ratio", 0.125, "about", ""),
            ("twice a year", "rate", 2.0, "", "year"),
        ],
    ),
    # the lower end of a range takes the upper end's per cent sign
    ("Between 40-50% of the bins were full.", [("40", "percentage", 0.4, "", ""), ("50%", "percentage", 0.5, "", "")]),
    # a year next to a count is not a figure, nor "3 in 2019" a ratio
    ("In 2022, 2,000 bins were replaced.", [("2,000", "count", 2000.0, "", "")]),
    ("Fines rose from 3 in 2019 to 5 in 2023.", [("3", "count", 3.0, "", ""), ("5", "count", 5.0, "", "")]),
    # each sentence below has one number and it is not a measurement
    ("The depot reopened on 6 April.", []),
    ("The depot reopened on April 6.", []),
    ("The depot reopened in 2022.", []),
    ("Budgets for 2022/23 were agreed.", []),
    ("The tram line dates from the 1990s.", []),
    ("The office opens at 9am.", []),
    ("The shift starts at 14:00.", []),
    ("Call the depot on 020 7946 0123.", []),
    ("In an emergency, call 999.", []),
    ("The council published a 212-page plan.", []),
    ("A 15-year-old cyclist was hurt.", []),
    ("A cyclist aged 15 was hurt.", []),
    ("Volunteers aged between 18 and 25 applied.", []),
    ("Section 5 of the bylaw applies.", []),
    ("Recommendation 16 was accepted.", []),
    ("Paragraph 2.1 sets out the rule.", []),
    ("Chapter 3 covers parking.", []),
    ("Article 8 protects privacy.", []),
    ("It was the 5th inspection of the depot.", []),
    ("The third inspection found mould.", []),
    ("1. Replace the broken lamps.", []),
    ("Over the past five years the depot has grown.", []),
    ("In the last 12 months the depot has grown.", []),
    ("Thousands of leaflets were lost.", []),
    ("Dozens of lamps failed.", []),
    ("Hundreds of trees were felled.", []),
    ("One of the drivers refused.", []),
    ("On behalf of the board, she gave a half-hearted apology to a third party.", []),
    ("Covid-19 closed the depot.", []),
]


def as_tuples(figures):
    return [(f.text, f.kind, f.value, f.hedge, f.per) for f in figures]


@pytest.mark.parametrize(("sentence", "expected"), CASES)
def test_figures_of_a_sentence(sentence, expected):
    assert as_tuples(find_figures(sentence)) == [
        (text, kind, pytest.approx(value), hedge, per) for text, kind, value, hedge, per in expected
    ]


def test_the_table_covers_every_kind():
    assert {figure[1] for _, expected in CASES for figure in expected} == set(FIGURE_KINDS)


def test_kinds_are_the_five_of_the_guideline():
    assert FIGURE_KINDS == ("percentage", "ratio", "multiple", "rate", "count")


@pytest.mark.parametrize(("sentence", "expected"), [case for case in CASES if case[1]])
def test_offsets_point_into_the_document(sentence, expected):
    document = "x" * 100 + sentence + " More text follows."
    figures = find_figures(sentence, offset=100)
    assert [document[f.start : f.end] for f in figures] == [f.text for f in figures]
    assert [f.start for f in figures] == [100 + sentence.index(text) for text, *_ in expected]


def test_offsets_of_a_rate_and_a_percentage_by_hand():
    figures = find_figures("Two vans a day, or 5% of trips.", offset=100)
    assert [(f.start, f.end) for f in figures] == [(100, 114), (119, 121)]


@pytest.mark.parametrize("sentence", [sentence for sentence, _ in CASES])
def test_figures_never_overlap(sentence):
    figures = find_figures(sentence)
    assert all(a.end <= b.start for a, b in zip(figures, figures[1:]))


def test_to_dict_round_trips_through_json():
    [figure] = find_figures("Almost 7% of the bins were full.")
    as_dict = figure.to_dict()
    assert list(as_dict) == ["text", "start", "end", "kind", "value", "hedge", "per"]
    assert json.loads(json.dumps(as_dict)) == as_dict
    assert Figure(**json.loads(json.dumps(as_dict))) == figure


def test_to_dict_of_a_rate():
    [figure] = find_figures("Three vans a week were towed.")
    assert figure.to_dict() == {
        "text": "Three vans a week", "start": 0, "end": 17, "kind": "rate", "value": 3.0, "hedge": "", "per": "week",
    }


def test_no_number_gives_nothing():
    assert find_figures("The council must repair the lamps.") == []
    assert find_figures("") == []


NUMBERISH = st.sampled_from(
    "1 7% 2,000 1.5 £3bn 2022 2022/23 one two twenty-five half a third in out of per cent a week "
    "every twice times more than aged section the past years 15-year-old 020 7946 0123 , . - ( ) \n".split(" ")
)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.text(), st.lists(st.one_of(NUMBERISH, st.text(max_size=4)), max_size=20).map(" ".join)),
    st.integers(min_value=0, max_value=10_000),
)
def test_any_text_gives_well_formed_figures(sentence, offset):
    figures = find_figures(sentence, offset)
    for figure in figures:
        assert sentence[figure.start - offset : figure.end - offset] == figure.text
        assert figure.text
        assert figure.kind in FIGURE_KINDS
        assert isinstance(figure.value, float)
        assert (figure.per != "") == (figure.kind == "rate")
    assert all(a.end <= b.start for a, b in zip(figures, figures[1:]))


def test_a_number_too_large_for_a_float_is_not_a_figure():
    # It once came back as value=inf, which json.dumps writes as the invalid token Infinity.
    sentence = "The force recorded " + "9" * 400 + " incidents, and 7% were charged."
    figures = find_figures(sentence)
    assert [(f.text, f.kind) for f in figures] == [("7%", "percentage")]
    json.loads(json.dumps([f.to_dict() for f in figures], allow_nan=False))


def test_one_in_a_year_like_number_is_not_a_count_of_one():
    # "2000" reads as a year, so the ratio is not found; the "1" alone is not a figure either.
    assert find_figures("Only 1 in 2000 officers were charged.") == []
    assert [f.text for f in find_figures("Some 300 in 2022 were charged.")] == ["300"]
