"""The label set: one table holds each label's definition, letter, colours and display order.

The full guideline, with worked examples, is data/GUIDELINE.md.
"""

from typing import NamedTuple


class Label(NamedTuple):
    """One label and how it is shown.

    ``letter`` is a non-colour cue shown beside every tagged sentence;
    ``tint`` and ``colour`` are Okabe-Ito colours (distinguishable with the
    common colour-vision deficiencies) for the background and underline, and
    ``underline`` a CSS text-decoration style, so that no label is told
    apart by colour alone.
    """

    name: str
    precedence: int  # when several labels fit a sentence, the lowest wins
    display: int  # order of sections in reports
    letter: str
    tint: str
    colour: str
    underline: str
    definition: str


LABEL_TABLE = (
    Label("case_study", 1, 4, "C", "#f3d9e8", "#a8487d", "dotted",
          "Narrates one specific person's experience or incident, "
          "including sentences that continue that story."),
    Label("demand", 2, 1, "D", "#fbdcc0", "#d55e00", "solid",
          "Calls for an action or change by someone (must, should, needs to, "
          "calls for, urge), endorses a recommendation, or states a norm that implies a call."),
    Label("statistic", 3, 3, "S", "#c8eadd", "#009e73", "double",
          "Reports and rests on a measured quantity about the world: a "
          "percentage, count, ratio or rate (not a date, page count, phone number or vague amount)."),
    Label("finding", 4, 2, "F", "#d2e8f7", "#0072b2", "dashed",
          "Asserts what is the case about the police or the system: a conclusion "
          "of the Review, an inquiry or the organisation's own work, or a judgement stated as fact."),
    Label("other", 5, 5, "O", "#ececec", "#8a8a8a", "none",
          "Everything else: titles naming an event or section, attributions, "
          "boilerplate, reactions without a claim or call, news of publication."),
)

# Ordered by precedence: when several labels fit a sentence, the first wins.
LABELS = tuple(label.name for label in sorted(LABEL_TABLE, key=lambda label: label.precedence))
LABEL_DEFINITIONS = {label.name: label.definition for label in LABEL_TABLE}
DISPLAY_ORDER = tuple(label.name for label in sorted(LABEL_TABLE, key=lambda label: label.display))
