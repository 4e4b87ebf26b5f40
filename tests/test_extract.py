"""Speakers and addressees (casey_nlp._extract); every sentence here is invented."""

import csv
import json

import pytest

from casey_nlp import split_sentences
from casey_nlp._extract import (
    Addressee,
    Speaker,
    addressees,
    document_speaker,
    gazetteer,
    parse_attribution,
    speakers,
)
from casey_nlp._resources import data_dir

FAIRWATCH = (
    "Fairwatch responds to the figures\n\n"
    "Commenting on the figures, Ann Lee, chair of Fairwatch, said:\n\n"
    "\u201cThe force has failed. It must publish its data.\n\n"
    "\u201cNobody has been held to account.\u201d\n\n"
    "The figures cover 2019 to 2023.\n\n"
    "\u201cThe Met has lost trust. It must change now,\u201d said Sam Poe, a former officer.\n\n"
    "\u201cIt has waited too long.\u201d\n\n"
    "About Fairwatch\n\n"
    "Fairwatch campaigns for open policing."
)


def test_speakers_follow_attribution_lines_and_quotations_over_paragraphs():
    sentences = split_sentences(FAIRWATCH)
    assert len(sentences) == 11
    lee = Speaker("Ann Lee", "Fairwatch", "quotation", "Ann Lee, chair of Fairwatch")
    poe = Speaker("Sam Poe", None, "quotation", "Sam Poe, a former officer")
    org = Speaker(None, "Fairwatch", "document", "Fairwatch")
    assert speakers(FAIRWATCH, sentences) == [org, org, lee, lee, lee, org, poe, poe, poe, org, org]


def test_a_given_organisation_is_taken_as_it_is():
    sentences = split_sentences(FAIRWATCH)
    named = speakers(FAIRWATCH, sentences, organisation="Following  Fairwatch,\nUK")
    assert named[0] == Speaker(None, "Following Fairwatch, UK", "document", "Following Fairwatch, UK")
    assert named[2].person == "Ann Lee"


def test_without_a_stated_organisation_the_release_text_has_no_speaker():
    text = FAIRWATCH.replace("About Fairwatch", "Fairwatch in brief").replace("responds to", "on")
    who = speakers(text, split_sentences(text))
    assert who[:2] == [None, None] and who[2].person == "Ann Lee"


def test_straight_quotes_and_an_inline_speaker_before_the_quotation():
    text = 'Jo Park, director of Openly, said: "Vetting must be repeated. Every year."\nOfficers were not vetted.'
    sentences = split_sentences(text)
    who = speakers(text, sentences)
    assert [w and (w.person, w.organisation) for w in who] == [("Jo Park", "Openly")] * (len(sentences) - 1) + [None]


def test_reported_speech_is_its_sources_and_a_surname_finds_the_person_named_before():
    text = (
        "Dr Ann Lee, chief executive of Fairwatch, said: \u201cThe force has failed.\u201d\n\n"
        "Lee said the force had ignored every warning.\n\n"
        "The review will report in May, according to the Home Office.\n\n"
        "She said the delay was unacceptable."
    )
    who = speakers(text, split_sentences(text))
    assert [(w.person, w.organisation, w.source) for w in who] == [
        ("Ann Lee", "Fairwatch", "quotation"),
        ("Ann Lee", "Fairwatch", "attribution"),
        (None, "Home Office", "attribution"),
        (None, "Home Office", "attribution"),  # "she": the last source named
    ]


@pytest.mark.parametrize("attribution, person, organisation", [
    ("Ann Lee, chair of Fairwatch", "Ann Lee", "Fairwatch"),
    ("Ruth Okafor, Safe Homes CEO", "Ruth Okafor", "Safe Homes"),
    ("A Home Office spokesperson", None, "Home Office"),
    ("Chief Constable Rachel Dunmore of Wexley Police", "Rachel Dunmore", "Wexley Police"),
    ("Tom Reid, director of the Centre for Fair Policing", "Tom Reid", "Centre for Fair Policing"),
    ("Priya Lal, Head of Policy at the Kestrel Trust", "Priya Lal", "Kestrel Trust"),
    ("Stun Gun Watch director Femi Adeyinka", "Femi Adeyinka", "Stun Gun Watch"),
    ("Abi Cole, Director of Service Delivery", "Abi Cole", None),  # a department, not an organisation
    ("Wexley Police", None, "Wexley Police"),  # a body, not a person
    ("Detective Superintendent Jane Smith", "Jane Smith", None),
    ("Fairwatch", None, "Fairwatch"),
])
def test_an_attribution_is_split_into_person_and_organisation(attribution, person, organisation):
    assert parse_attribution(attribution) == (person, organisation)


@pytest.mark.parametrize("first_line, organisation", [
    ("Safe Homes responds to the Casey Review", "Safe Homes"),
    ("The Kestrel Trust welcomes the report", "Kestrel Trust"),
    ("Statement from Wexley Police on the Marlow Report", "Wexley Police"),
    ("Police must change, says report", None),
    ("A dark day for policing", None),
])
def test_a_title_naming_its_issuer_gives_the_document_organisation(first_line, organisation):
    text = first_line + "\n\nThe force must act."
    assert document_speaker(text, split_sentences(text))[1] == organisation


def _names(text):
    (sentence,) = split_sentences(text)
    return [(a.name, a.text) for a in addressees(text, sentence)]


@pytest.mark.parametrize("text, expected", [
    ("The Met must publish its vetting data.", [("Metropolitan Police Service", "The Met")]),
    ("Scotland Yard should apologise.", [("Metropolitan Police Service", "Scotland Yard")]),
    ("We urge the Home Secretary and the Mayor to act.",
     [("Home Secretary", "the Home Secretary"), ("Mayor of London", "the Mayor")]),
    ("We are calling on Sir Mark Rowley to resign.", [("Met Commissioner", "Sir Mark Rowley")]),
    ("It is time for the Government to act.", [("Government", "the Government")]),
    ("The IOPC is urged to reopen the case.", [("Independent Office for Police Conduct", "The IOPC")]),
    ("Police forces across England must re-vet every officer.", [("police forces", "Police forces")]),
    ("Wexley Police should apologise to the family.", [("Wexley Police", "Wexley Police")]),
    ("This has to change.", [("unknown", "")]),
    ("Trust in the Met must be rebuilt.", [("unknown", "")]),  # the Met is not called upon
    ("We met the minister, who must now act.", [("unknown", "")]),  # "met" is not the Met
])
def test_addressees_are_the_actors_called_upon_normalised_by_the_gazetteer(text, expected):
    assert _names(text) == expected


def test_an_addressee_keeps_its_offsets_into_the_document():
    text = "Intro line.\n\nWe call on the Home Office to fund advocates."
    sentence = split_sentences(text)[1]
    (found,) = addressees(text, sentence)
    assert found == Addressee("Home Office", "the Home Office", found.start, found.end, True)
    assert text[found.start : found.end] == "the Home Office"


def test_we_must_calls_upon_the_speakers_organisation():
    text = "We must rebuild trust with women."
    (sentence,) = split_sentences(text)
    speaker = Speaker(None, "the Met", "document", "the Met")
    assert [a.name for a in addressees(text, sentence, speaker)] == ["Metropolitan Police Service"]
    assert [a.name for a in addressees(text, sentence, None)] == ["unknown"]


def test_a_list_item_takes_the_addressees_of_its_lead_in():
    text = "We are calling on the Government to:\n\n- fund specialist services\n- publish the data"
    sentences = split_sentences(text)
    item = sentences[1]
    assert item.list_item and item.lead_in.startswith("We are calling on")
    (found,) = addressees(text, item)
    assert found.name == "Government" and text[found.start : found.end] == "the Government"


def test_every_gazetteer_alias_names_one_body_and_every_name_is_its_own_alias():
    with open(data_dir() / "addressees.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    aliases = [a for row in rows for a in row["aliases"].split("|")]
    assert len(aliases) == len(set(aliases))
    assert {gazetteer()[row["name"]] for row in rows} == {row["name"] for row in rows}


def test_speaker_and_addressee_to_dict_are_json_ready():
    speaker = Speaker("Ann Lee", "Fairwatch", "quotation", "Ann Lee, chair of Fairwatch")
    assert json.loads(json.dumps(speaker.to_dict())) == {
        "person": "Ann Lee", "organisation": "Fairwatch", "source": "quotation",
        "attribution": "Ann Lee, chair of Fairwatch",
    }
    assert speaker.name == "Ann Lee, Fairwatch"
    unknown = Addressee("unknown", "", None, None, False)
    assert json.loads(json.dumps(unknown.to_dict()))["start"] is None


def test_paragraphs_after_an_x_says_line_without_quotation_marks_are_the_speakers():
    text = (
        "Safe Homes responds to the report\n\n"
        "Ann Lee, chief executive of Safe Homes, says:\n\n"
        "This is a painful report. We must see change.\n\n"
        "The force has failed women.\n\n"
        "Notes to editors\n\n"
        "Safe Homes runs refuges."
    )
    who = [(w.person, w.source) for w in speakers(text, split_sentences(text))]
    assert who == [(None, "document"), (None, "document"), ("Ann Lee", "quotation"), ("Ann Lee", "quotation"),
                   ("Ann Lee", "quotation"), (None, "document"), (None, "document")]


def test_a_quotation_its_writer_never_closed_runs_on_until_a_heading():
    text = (
        "Ann Lee, chair of Fairwatch, said:\n\n"
        "\u201cThe force has failed.\n\n"
        "It must change.\n\n"
        "About Fairwatch\n\n"
        "Fairwatch campaigns for open policing."
    )
    who = [w.person for w in speakers(text, split_sentences(text))]
    assert who == [None, "Ann Lee", "Ann Lee", None, None]


@pytest.mark.parametrize("text, person, organisation", [
    ("Opening remarks by Chief Constable Priya Raman, Wexley Police, on mental health calls\n\nGood morning.",
     "Priya Raman", "Wexley Police"),
    ("Officers want clear rules\n\nSir,\n\nYour report was hard reading.\n\nTom Reid\nChair, Custody Officers' Forum",
     "Tom Reid", "Custody Officers' Forum"),
    ("Spiking reports double\n\nBy Jo Park\n\nSEVERNSIDE, 11 November 2024 (Albion Press Agency) - Reports doubled.",
     None, "Albion Press Agency"),
    ("Families left waiting, charity warns\n\nFOR IMMEDIATE RELEASE\n\nHarbour Minds\n\nFamilies wait too long.",
     None, "Harbour Minds"),
    ("Sure.\nBorderline.", None, None),
])
def test_the_document_says_who_issued_it(text, person, organisation):
    from casey_nlp._extract import document_speaker

    assert document_speaker(text, split_sentences(text)) == (person, organisation)


def test_reported_speech_with_an_appositive_and_staff_named_by_role_alone():
    text = (
        "Safe Homes responds to the report\n\n"
        "Abi Cole, Director of Service Delivery, said: \u201cThe force has failed.\u201d\n\n"
        "Kath Moore, chief executive of the Night Safe Trust, said the figures were shocking.\n\n"
        "Chloe Brennan, a nursing student, said she felt a sharp scratch.\n\n"
        "One in four women told us they felt unsafe.\n\n"
        "The panel found misconduct proven and stated that the officer would have been dismissed."
    )
    who = [(w.person, w.organisation) for w in speakers(text, split_sentences(text))]
    assert who == [
        (None, "Safe Homes"),
        ("Abi Cole", "Safe Homes"),  # a department is not an organisation; her role makes her the issuer's
        ("Kath Moore", "Night Safe Trust"),
        ("Chloe Brennan", None),  # "a nursing student": not staff, so not the issuer's
        (None, "Safe Homes"),  # a figure, not a source
        (None, "Safe Homes"),  # a clause, not a source
    ]


def test_a_note_describing_the_issuer_names_the_document_organisation():
    from casey_nlp._extract import document_speaker

    text = ("Families left waiting, charity warns\n\nPRESS RELEASE\n\nFamilies waited years.\n\n"
            "Notes to editors\n\n1. The Hearing Room Trust is a registered charity founded in 2009.")
    assert document_speaker(text, split_sentences(text)) == (None, "Hearing Room Trust")


@pytest.mark.parametrize("open_mark, close_mark", [("\u201c", "\u201d"), ('"', '"')])
def test_a_quotation_reopened_at_each_paragraph_ends_at_its_closing_mark(open_mark, close_mark):
    # With straight quotes the reopening mark once flipped the count, so the
    # narration after the quotation was given to its speaker.
    text = (
        f"Ann Lee, chair of Fairwatch, said: {open_mark}The force has failed.\n\n"
        f"{open_mark}What we found was a lottery. It has to change.{close_mark}\n\n"
        "Inspectors did find good practice.\n\n"
        "Notes to editors"
    )
    who = [w.person if w else None for w in speakers(text, split_sentences(text))]
    assert who == ["Ann Lee", "Ann Lee", "Ann Lee", None, None]


def test_a_reported_call_is_its_callers():
    text = ("Spiking reports double\n\nBy Jo Park\n\n"
            "LONDON, 11 May 2025 (Albion Press Agency) - Reports doubled, the figures show.\n\n"
            "Stun Gun Watch director Femi Adeyinka called for every force to publish its data.")
    last = speakers(text, split_sentences(text))[-1]
    assert (last.person, last.organisation, last.source) == ("Femi Adeyinka", "Stun Gun Watch", "attribution")


@pytest.mark.parametrize("open_mark, close_mark", [("\u201c", "\u201d"), ('"', '"')])
def test_a_quotation_carried_into_a_paragraph_without_marks_ends_at_its_closing_mark(open_mark, close_mark):
    # With straight quotes the closing mark once toggled the quotation open
    # again, giving the narration after it to the speaker.
    text = (f"Fairwatch responds to the review\n\nAnn Lee, chair of Fairwatch, said: {open_mark}The Met must act.\n\n"
            f"It must change now.{close_mark}\n\nThe review was published on Monday. Officers were not vetted.")
    who = [w.name for w in speakers(text, split_sentences(text))]
    assert who == ["Fairwatch", "Ann Lee, Fairwatch", "Ann Lee, Fairwatch", "Fairwatch", "Fairwatch"]


def test_about_us_is_not_an_organisation():
    from casey_nlp._extract import document_speaker

    for heading in ("About Us", "About our research", "About this report"):
        text = f"Fairwatch responds to the review\n\nThe force must act.\n\n{heading}\n\nWe campaign for open policing."
        assert document_speaker(text, split_sentences(text)) == (None, "Fairwatch"), heading


@pytest.mark.parametrize("attribution, organisation", [
    ("Ann Lee, Association of Custody Officers", "Association of Custody Officers"),
    ("Tom Reid, Centre for Women's Justice", "Centre for Women's Justice"),
    ("Al Fox, Institute for Public Policy Research", "Institute for Public Policy Research"),
    ("Gareth Pryce, Chair, Kesterton branch, Association of Custody Officers", "Association of Custody Officers"),
])
def test_an_organisation_named_after_a_comma_is_kept_whole(attribution, organisation):
    assert parse_attribution(attribution)[1] == organisation
