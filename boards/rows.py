"""The round status page's "By action" rows, rendered in Python as improvement/rows.py renders
the core's long lists (it says why): the same markup the template had, cell for cell."""

from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from improvement.rows import esc, joined, truncate, url_by_id

TAG_CLASSES = {"submitted": "govuk-tag--green", "late": "govuk-tag--red", "submitted_late": "govuk-tag--yellow",
               "awaited": "govuk-tag--grey"}


def submission_rows(submissions) -> SafeString:
    """A round's submissions, one row each (``UpdateRound.submissions``, their actions' lead posts
    and holders prefetched)."""
    action_url = url_by_id("improvement:action_detail")

    def leads(action):
        vacant = " " + _("(vacant)")
        posts = [f"{esc(post)}{'' if holders else esc(vacant)}" for post, holders in action.lead_posts_held()]
        return "; ".join(posts) or "–"

    def row(submission):
        action = submission.action
        submitted = ""
        if submission.submitted_at:
            day = format_date(localtime(submission.submitted_at), "j M Y")
            submitted = f'<span class="govuk-body-s app-block">{esc(day)}</span>'

        return (
            '<tr class="govuk-table__row">'
            f'<td class="govuk-table__cell"><a class="govuk-link" href="{esc(action_url(action.pk))}">'
            f'{esc(action.number)}</a></td>'
            f'<td class="govuk-table__cell">{esc(truncate(action.description, 140))}</td>'
            f'<td class="govuk-table__cell">{leads(action)}</td>'
            f'<td class="govuk-table__cell"><strong class="govuk-tag {TAG_CLASSES[submission.state]}">'
            f'{esc(submission.label)}</strong>{submitted}</td>'
            '</tr>')

    return joined(row(submission) for submission in submissions)
