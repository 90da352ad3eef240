"""A plan as an XLSX in the import template's format, and the blank template itself.

Exporting a plan and importing the file into an empty plan reproduces its themes, objectives,
actions, references, leads, timescales, measures and current statuses.
"""

from django.utils.translation import gettext_lazy

from improvement.lib.spreadsheets import xlsx_bytes

from ..models import Action, Update

COLUMNS = ["Theme code", "Theme", "Objective code", "Objective", "Action No.", "Reference to:", "Action",
           "Timescale", "Lead Person(s)", "Lead agency", "Measures", "Cost (if app.)",
           "Review note for this period", "RAG"]

# The notes sheet of the template and exports: the column names stay as the importer reads them;
# what to put in each is in the reader's language.
NOTES = [
    [gettext_lazy("Column"), gettext_lazy("What to put in it")],
    ["Theme code, Theme", gettext_lazy(
        "The theme the action belongs to, e.g. “1” and “Improving the quality of partnership and governance”. A row "
        "with text in one cell only (e.g. “THEME 2 - CAPACITY, CAPABILITY AND CULTURE”) also starts a theme.")],
    ["Objective code, Objective", gettext_lazy("Optional: a level between theme and action (e.g. “IP1.3”).")],
    ["Action No.", gettext_lazy(
        "The action's number as the plan writes it (“1.4”, “3.14”, “PA2”). Re-importing the file updates the action "
        "with the same number and never deletes anything.")],
    ["Reference to:", gettext_lazy(
        "The recommendations it answers, e.g. “IN 3.1, OIS 2012 1.2”. A source without a number (“OIS 2012”) links "
        "to the whole report.")],
    ["Action", gettext_lazy("What will be done. Required.")],
    ["Timescale", gettext_lazy(
        "As written. A date (“31 Mar 2013”, “March 2013”, “31.3.13”) becomes the due date; several dates become "
        "milestones; “Immediate and ongoing” is kept as text with no due date.")],
    ["Lead Person(s)", gettext_lazy(
        "Posts, not people: “WSCB Chair”, “Head of Corporate Parenting”. Separate several with “;”.")],
    ["Review note for this period, RAG", gettext_lazy(
        "The current period's review note and status: a code (G, A, R), a colour word or the status's label from the "
        "plan's RAG scheme.")],
    ["Formulas", gettext_lazy("Cells are read as values; a formula is never calculated. Type values, not formulas.")],
]


def _notes() -> list[list[str]]:
    return [[str(text) for text in row] for row in NOTES]


def plan_rows(plan):
    notes = {u.action_id: u.note for u in Update.objects.filter(action__plan=plan, period=plan.current_period)
             .reporting()}
    actions = (Action.objects.filter(plan=plan).select_related("theme", "objective", "current_status")
               .prefetch_related("lead_posts", "recommendations__source").order_by("theme__position", "position",
                                                                                   "number_sort"))
    for action in actions:
        references = "; ".join(str(r) for r in action.recommendations.all())
        yield [
            action.theme.code, action.theme.title,
            action.objective.code if action.objective else "", action.objective.title if action.objective else "",
            action.number, references, action.description, action.timescale,
            "; ".join(p.title for p in action.lead_posts.all()), action.lead_agency, action.measures, action.cost,
            notes.get(action.pk, ""), action.current_status.code if action.current_status else "",
        ]


def export_plan_xlsx(plan) -> bytes:
    notes = _notes()
    return xlsx_bytes([("Plan", COLUMNS, plan_rows(plan)), ("Notes", notes[0], notes[1:])])


def template_xlsx() -> bytes:
    notes = _notes()
    return xlsx_bytes([("Plan", COLUMNS, []), ("Notes", notes[0], notes[1:])])
