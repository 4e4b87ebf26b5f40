"""The label set and its short definitions (the full guideline is data/GUIDELINE.md)."""

__all__ = ["LABELS", "LABEL_DEFINITIONS"]

# Ordered by precedence: when several labels fit a sentence, the first wins.
LABELS = ("case_study", "demand", "statistic", "finding", "other")

LABEL_DEFINITIONS = {
    "case_study": "Narrates one specific person's experience or incident, "
    "including sentences that continue that story.",
    "demand": "Calls for an action or change by someone (must, should, needs to, "
    "calls for, urge), endorses a recommendation, or states a norm that implies a call.",
    "statistic": "Reports and rests on a measured quantity about the world: a "
    "percentage, count, ratio or rate (not a date, page count, phone number or vague amount).",
    "finding": "Asserts what is the case about the police or the system: a conclusion "
    "of the Review, an inquiry or the organisation's own work, or a judgement stated as fact.",
    "other": "Everything else: titles naming an event or section, attributions, "
    "boilerplate, reactions without a claim or call, news of publication.",
}
