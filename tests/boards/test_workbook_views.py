"""The offline workbook's pages (boards.workbook_views): download, upload, preview, confirm."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from boards import workbook
from boards.models import WorkbookUpload
from improvement.models import Update
from tests.conftest import client_for, make_action

COLUMN = {key: index + 1 for index, key in enumerate(workbook.KEYS)}


def download_url(round_, **query):
    url = reverse("boards:round_workbook", args=[round_.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def upload_url(round_):
    return reverse("boards:workbook_upload", args=[round_.pk])


def fill(data: bytes, answers: dict) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[workbook.SHEET_TITLE]
    for row in range(2, sheet.max_row + 1):
        for key, value in answers.get(sheet.cell(row=row, column=COLUMN["number"]).value, {}).items():
            sheet.cell(row=row, column=COLUMN[key]).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def numbers_in(data: bytes) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))[workbook.SHEET_TITLE]
    return [row[0].value for row in sheet.iter_rows(min_row=2)]


@pytest.fixture
def actions(theme, lead_post, lead2_post):
    return [make_action(theme, "1.1", leads=[lead_post]), make_action(theme, "1.2", leads=[lead_post]),
            make_action(theme, "2.1", leads=[lead2_post])]


def test_lead_downloads_their_own_workbook(actions, lead, open_round):
    response = client_for(lead).get(download_url(open_round, lead="mine"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="strategic-improvement-plan-2012-12-updates.xlsx"'
    assert numbers_in(response.content) == ["1.1", "1.2"]


def test_a_lead_cannot_download_another_leads_workbook(actions, lead, lead2, open_round):
    response = client_for(lead).get(download_url(open_round, lead=f"person-{lead2.pk}"))
    assert numbers_in(response.content) == ["1.1", "1.2"]  # always their own


def test_manager_downloads_for_all_leads_or_one_lead_or_one_post(actions, lead, lead2, lead2_post, manager,
                                                                 open_round):
    client = client_for(manager)
    assert numbers_in(client.get(download_url(open_round)).content) == ["1.1", "1.2", "2.1"]
    one = client.get(download_url(open_round, lead=f"person-{lead2.pk}"))
    assert numbers_in(one.content) == ["2.1"]
    assert one["Content-Disposition"].endswith('-updates-lead2.xlsx"')
    assert numbers_in(client.get(download_url(open_round, lead=f"post-{lead2_post.pk}")).content) == ["2.1"]


def test_the_workbook_is_also_offered_as_csv(actions, lead, open_round):
    response = client_for(lead).get(download_url(open_round, format="csv"))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].endswith("Action version,Signature")
    assert len(text.splitlines()) == 3


@pytest.mark.parametrize("persona", ["viewer", "chair"])
def test_read_only_roles_get_403(request, actions, open_round, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(download_url(open_round)).status_code == 403
    assert client.get(upload_url(open_round)).status_code == 403


def test_outsider_gets_404(actions, open_round, outsider):
    client = client_for(outsider)
    assert client.get(download_url(open_round)).status_code == 404
    assert client.get(upload_url(open_round)).status_code == 404


def test_download_refuses_post_and_confirm_refuses_get(actions, lead, open_round):
    client = client_for(lead)
    assert client.post(download_url(open_round)).status_code == 405
    upload = WorkbookUpload.objects.create(round=open_round, uploaded_by=lead, filename="x.xlsx", sheets=[])
    assert client.get(reverse("boards:workbook_upload_confirm", args=[upload.pk])).status_code == 405


def test_lead_uploads_previews_and_confirms(actions, lead, scheme, open_round):
    client = client_for(lead)
    data = fill(client.get(download_url(open_round)).content, {
        "1.1": {"status": "Green", "note": "Audit under way"}, "1.2": {"status": "Mauve", "note": "?"}})
    response = client.post(upload_url(open_round), {"file": SimpleUploadedFile("mine.xlsx", data)})
    upload = WorkbookUpload.objects.get()
    assert response.status_code == 302 and response.url == upload.get_absolute_url()
    assert not Update.objects.exists()  # nothing until confirmed
    page = client.get(upload.get_absolute_url()).content.decode()
    assert "Be recorded" in page and "“Mauve” is not a status in this plan’s scheme" in page
    assert "<td class=\"govuk-table__cell\">Mauve</td>" in page  # the refused row shows what was written
    assert "Record 1 update" in page
    confirm = reverse("boards:workbook_upload_confirm", args=[upload.pk])
    confirmed = client.post(confirm, follow=True).content.decode()
    assert "1 update recorded for" in confirmed and "; 1 row refused." in confirmed
    update = Update.objects.get()
    assert (update.action, update.status.code, update.created_by, update.recorded_for) == (
        actions[0], "G", lead, None)
    client.post(confirm)
    assert Update.objects.count() == 1  # confirming again records nothing twice
    done = client.get(upload.get_absolute_url()).content.decode()
    assert "Workbook recorded" in done and "“Mauve” is not a status" in done
    assert "Back to My actions" in done


def test_manager_uploads_on_a_leads_behalf_and_the_history_says_so(actions, lead, manager, open_round):
    client = client_for(manager)
    data = fill(client.get(download_url(open_round, lead=f"person-{lead.pk}")).content,
                {"1.1": {"status": "Amber", "note": "Sent by email"}})
    response = client.post(upload_url(open_round), {"file": SimpleUploadedFile("lead.xlsx", data),
                                                    "recorded_for": lead.pk})
    upload = WorkbookUpload.objects.get()
    assert response.status_code == 302 and upload.recorded_for == lead
    client.post(reverse("boards:workbook_upload_confirm", args=[upload.pk]))
    history = client.get(actions[0].get_absolute_url()).content.decode()
    assert "by Manager on behalf of Lead" in history
    done = client.get(upload.get_absolute_url()).content.decode()
    assert f"Back to the {open_round.period_label} round" in done  # where the manager came from


def test_a_workbook_of_another_round_is_refused_at_upload(actions, lead, plan, manager, open_round):
    from boards.models import UpdateRound

    data = fill(client_for(lead).get(download_url(open_round)).content, {"1.1": {"status": "Green", "note": "ok"}})
    open_round.close(by=manager)
    january = UpdateRound.open_round(plan=plan, period=datetime.date(2013, 1, 1),
                                     deadline=datetime.date(2013, 1, 10), by=manager)
    response = client_for(lead).post(upload_url(january), {"file": SimpleUploadedFile("old.xlsx", data)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "This workbook is for the December 2012 round, which is closed" in page
    assert "There is a problem" in page
    assert not WorkbookUpload.objects.exists()


def test_a_file_that_cannot_be_read_gets_a_clear_error(actions, lead, open_round):
    response = client_for(lead).post(upload_url(open_round), {"file": SimpleUploadedFile("notes.txt", b"hello")})
    assert response.status_code == 400
    assert "is not an XLSX, CSV or DOCX file" in response.content.decode()


def test_someone_elses_upload_is_404(actions, lead, lead2, open_round):
    upload = WorkbookUpload.objects.create(round=open_round, uploaded_by=lead, filename="x.xlsx", sheets=[])
    assert client_for(lead2).get(upload.get_absolute_url()).status_code == 404
    assert client_for(lead2).post(reverse("boards:workbook_upload_confirm", args=[upload.pk])).status_code == 404


def test_my_actions_and_the_round_page_offer_the_workbook(actions, lead, manager, open_round):
    my_actions = client_for(lead).get(reverse("improvement:my_actions")).content.decode()
    assert download_url(open_round) + "?lead=mine" in my_actions and upload_url(open_round) in my_actions
    round_page = client_for(manager).get(open_round.get_absolute_url()).content.decode()
    assert "Offline workbook" in round_page and f'value="person-{actions[0].lead_posts.get().holders.get().pk}"' \
        in round_page


def add_actions(theme, post, count):
    """``count`` open actions led by ``post``, with no update yet (built in bulk)."""
    from improvement.models import Action

    start = Action.objects.filter(plan=theme.plan).count()
    created = Action.objects.bulk_create(
        Action(plan=theme.plan, theme=theme, number=f"8.{start + n}", number_sort=f"8.{start + n:08d}",
               description=f"Bulk action {n}") for n in range(count))
    Action.lead_posts.through.objects.bulk_create(
        Action.lead_posts.through(action_id=action.pk, post_id=post.pk) for action in created)


def test_preview_uses_the_same_queries_for_10_and_200_rows(theme, lead_post, lead, open_round):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(lead)

    def preview_queries():
        data = client.get(download_url(open_round)).content
        numbers = numbers_in(data)
        data = fill(data, {number: {"status": "Green", "note": "ok"} for number in numbers})
        client.post(upload_url(open_round), {"file": SimpleUploadedFile("w.xlsx", data)})
        upload = WorkbookUpload.objects.latest("pk")
        with CaptureQueriesContext(connection) as context:
            page = client.get(upload.get_absolute_url())
        assert page.status_code == 200 and f"Record {len(numbers)} updates" in page.content.decode()
        return len(numbers), len(context.captured_queries)

    add_actions(theme, lead_post, 10)
    rows_10, with_10 = preview_queries()
    add_actions(theme, lead_post, 190)
    rows_200, with_200 = preview_queries()
    assert (rows_10, rows_200) == (10, 200)
    assert with_200 == with_10


def test_closed_round_offers_no_workbook(actions, lead, manager, open_round):
    open_round.close(by=manager)
    assert client_for(lead).get(download_url(open_round)).status_code == 302
    assert client_for(lead).get(upload_url(open_round)).status_code == 302
