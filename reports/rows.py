"""The board pack's long tables' rows (the plan table's, the attention list's), rendered in Python
as improvement/rows.py renders the core's long lists (it says why): a 300-action pack spent a
fifth of its web page in the plan table's loop in templates/reports/pack/plan.html, and a tenth
in the attention list's. The markup is the one the templates had, cell for cell; change it here
(the templates only place the rows)."""

from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from improvement.rows import esc, joined, truncate


def rag_cell(status) -> str:
    """A row's status cell, coloured by its RAG (both tables' last or third column)."""
    if status:
        return f'<td class="rag rag--{esc(status.colour)}">{esc(status.label)}</td>'
    return f'<td class="rag">{esc(gettext("No update"))}</td>'


def plan_rows(rows) -> SafeString:
    """A theme's rows of the pack's plan table (``reports.packs.PackRow``s). Each row's id lets a
    long pack rendered in parts find the rows on a part's last page (reports/pdfparts.py)."""
    overdue = f'<br><strong>{esc(gettext("Overdue"))}</strong>'

    def row(entry):
        action = entry.action
        return (
            f'<tr id="plan-row-{action.pk}">'
            f'<td>{esc(action.number)}</td>'
            f'<td>{esc(entry.references)}</td>'
            f'<td class="pre">{esc(action.description)}</td>'
            f'<td>{esc(action.timescale)}{overdue if entry.overdue else ""}</td>'
            f'<td>{esc(entry.leads)}</td>'
            f'<td class="pre">{esc(action.measures)}</td>'
            f'<td class="pre">{esc(entry.note or "–")}</td>'
            f'{rag_cell(entry.status)}</tr>')

    return joined(row(entry) for entry in rows)


def attention_rows(entries) -> SafeString:
    """The rows of the pack's attention list (``boards.models.AttentionEntry``s, with the pack's
    ``note`` and ``open_notes`` on each): the action, its status, why it is listed, and its review
    note with the board's open challenges and their answers."""
    no_note = esc(gettext("No review note this period."))
    board = gettext("board")
    answer = gettext("Answer (%(author)s):")
    written: dict = {}  # meeting dates, each written once

    def challenge(note):
        date = note.meeting.date
        if date not in written:
            written[date] = date_format(date, "j M Y")
        answers = "".join(f'<br><em>{esc(answer % {"author": response.author})}</em> {esc(response.text)}'
                          for response in note.responses.all())
        return (f'<p><strong>{esc(note.get_kind_display())} ({esc(note.author or board)}, {esc(written[date])}):'
                f'</strong> {esc(note.text)}{answers}</p>')

    def row(entry):
        action = entry.action
        reasons = "".join(f"<li>{esc(reason)}</li>" for reason in entry.reasons)
        return (
            f'<tr id="attention-row-{action.pk}">'
            f'<td>{esc(action.number)}</td>'
            f'<td>{esc(truncate(action.description, 300))}</td>'
            f'{rag_cell(entry.status)}<td><ul>{reasons}</ul></td>'
            f'<td><p class="pre">{esc(entry.note) if entry.note else no_note}</p>'
            f'{"".join(challenge(note) for note in entry.open_notes)}</td></tr>')

    return joined(row(entry) for entry in entries)
