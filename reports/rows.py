"""The board pack's plan table rows, rendered in Python as improvement/rows.py renders the core's
long lists (it says why): a 300-action pack spent a fifth of its web page in this one loop of
templates/reports/pack/plan.html. The markup is the one the template had, cell for cell; change
it here (the template only places the rows)."""

from django.utils.safestring import SafeString
from django.utils.translation import gettext

from improvement.rows import esc, joined


def plan_rows(rows) -> SafeString:
    """A theme's rows of the pack's plan table (``reports.packs.PackRow``s). Each row's id lets a
    long pack rendered in parts find the rows on a part's last page (reports/pdfparts.py)."""
    overdue = f'<br><strong>{esc(gettext("Overdue"))}</strong>'
    no_update = esc(gettext("No update"))

    def row(entry):
        action, status = entry.action, entry.status
        rag = (f'<td class="rag rag--{esc(status.colour)}">{esc(status.label)}</td>' if status
               else f'<td class="rag">{no_update}</td>')
        return (
            f'<tr id="plan-row-{action.pk}">'
            f'<td>{esc(action.number)}</td>'
            f'<td>{esc(entry.references)}</td>'
            f'<td class="pre">{esc(action.description)}</td>'
            f'<td>{esc(action.timescale)}{overdue if entry.overdue else ""}</td>'
            f'<td>{esc(entry.leads)}</td>'
            f'<td class="pre">{esc(action.measures)}</td>'
            f'<td class="pre">{esc(entry.note or "–")}</td>'
            f'{rag}</tr>')

    return joined(row(entry) for entry in rows)
