"""CSV cells that spreadsheets show as text: escaped on the way out, restored on the way in.

Kept at the bottom of the import stack because both directions need it: the
outputs (tags, suggestions) escape their text cells, and reading a labelled
CSV back for training restores them, so a sentence survives the round trip
through a spreadsheet exactly.
"""

# Characters that make Excel, LibreOffice or Google Sheets read a cell as a
# formula (OWASP "CSV injection"); tab and carriage return are on OWASP's list
# because some importers strip them and then see the character after.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _escaped_form(cell: str) -> bool:
    # Quotes already in front of a trigger are escaped too, so that reading
    # back can tell an added quote from one that was in the text.
    return cell.lstrip("'").startswith(FORMULA_TRIGGERS)


def spreadsheet_safe(cell: str) -> str:
    """A text cell that a spreadsheet shows as text rather than running as a formula.

    A cell beginning with ``= + - @``, tab or carriage return (after any
    single quotes) gets a leading single quote, as OWASP recommends:
    spreadsheets then show the text (``'=SUM(A1)`` displays as ``=SUM(A1)``
    in most of them) instead of evaluating it. Apply it to text columns
    only: numbers such as ``-0.5`` must stay numbers.
    :func:`from_spreadsheet` undoes it exactly.

    Examples
    --------
    >>> spreadsheet_safe("=1+2")
    "'=1+2"
    >>> spreadsheet_safe("The Met must change.")
    'The Met must change.'
    """
    return "'" + cell if _escaped_form(cell) else cell


def from_spreadsheet(cell: str) -> str:
    """The text :func:`spreadsheet_safe` escaped: ``from_spreadsheet(spreadsheet_safe(c)) == c``.

    Examples
    --------
    >>> from_spreadsheet("'=1+2"), from_spreadsheet("'quoted")
    ('=1+2', "'quoted")
    """
    return cell[1:] if cell.startswith("'") and _escaped_form(cell) else cell
