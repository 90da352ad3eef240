import html
import io
import re

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from improvement.models import Action, Organisation, Plan, PlanImport, PlanRole, Post
from tests.conftest import client_for, make_user, store_unnormalised_text
from tests.importing import builders


def upload(client, plan, name, data):
    return client.post(reverse("improvement:import_start", args=[plan.pk]),
                       {"file": SimpleUploadedFile(name, data)})


def test_manager_uploads_checks_adjusts_a_column_and_confirms(plan, manager):
    client = client_for(manager)
    response = upload(client, plan, "walsall.xlsx", builders.walsall_xlsx())
    record = PlanImport.objects.get()
    assert response.status_code == 302 and response.url == record.get_absolute_url()
    assert not Action.objects.filter(plan=plan).exists()  # nothing written yet

    page = client.get(response.url).content.decode()
    assert "Check the import of walsall.xlsx" in page and "Actions created" in page
    assert 'name="column:Review note for this period"' in page

    columns = {f"column:{heading}": field for heading, field in {
        "Action No.": "number", "Reference to:": "references", "Action": "description", "Timescale": "timescale",
        "Lead Person(s)": "leads", "Measures": "measures", "Review note for this period": "ignore",
        "RAG": "status"}.items()}
    client.post(reverse("improvement:import_mapping", args=[record.pk]), columns)
    record.refresh_from_db()
    assert record.mapping["Review note for this period"] == "ignore"

    response = client.post(reverse("improvement:import_confirm", args=[record.pk]), {"read_versions": "{}"})
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert Action.objects.filter(plan=plan).count() == 58
    # The review note column was not imported: the notes stay empty, nothing is made up.
    assert list(Action.objects.get(plan=plan, number="1.2").updates.values_list("note", flat=True)) == [""]
    assert "58 actions created" in client.get(response.url).content.decode()


def test_a_bad_file_is_refused_on_the_upload_page(plan, manager):
    name, data = builders.password_protected_xlsx()
    response = upload(client_for(manager), plan, name, data)
    assert response.status_code == 400
    assert "protected with a password" in response.content.decode()
    assert not PlanImport.objects.exists()


def test_a_blocked_import_cannot_be_confirmed(plan, manager):
    client = client_for(manager)
    name, data = builders.duplicate_numbers_csv()
    upload(client, plan, name, data)
    record = PlanImport.objects.get()
    page = client.get(record.get_absolute_url()).content.decode()
    assert "There is a problem" in page and "is used twice in the file" in page
    assert "Import 2 actions" not in page
    client.post(reverse("improvement:import_confirm", args=[record.pk]))
    assert not Action.objects.filter(plan=plan).exists()


def test_manager_imports_a_new_plan(manager, plan):
    client = client_for(manager)
    from improvement.models import RagScheme

    response = client.post(reverse("improvement:import_new_plan"), {
        "name": "Southampton QIP", "scheme": RagScheme.objects.get(slug="achieved").pk, "organisation": plan.organisation_id,
        "file": SimpleUploadedFile("southampton.docx", builders.southampton_docx())})
    record = PlanImport.objects.get()
    assert response.url == record.get_absolute_url()
    assert not Plan.objects.filter(name="Southampton QIP").exists()
    page = client.get(record.get_absolute_url()).content.decode()
    assert "New plan: Southampton QIP" in page
    confirm(client, record, page)
    new = Plan.objects.get(name="Southampton QIP")
    assert new.actions.count() == 58
    assert PlanRole.objects.filter(plan=new, user=manager, role="manager").exists()


def test_leads_and_viewers_cannot_import(plan, action, lead, viewer):
    for user in (lead, viewer):
        response = upload(client_for(user), plan, "walsall.xlsx", builders.walsall_xlsx())
        assert response.status_code == 403
    assert not PlanImport.objects.exists()


def test_plan_export_opens_in_the_template_format(plan, action, viewer):
    response = client_for(viewer).get(reverse("improvement:plan_export", args=[plan.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook["Plan"].iter_rows(values_only=True))
    assert rows[0][4] == "Action No." and rows[1][4] == "1.1"


def test_plan_export_of_text_with_control_characters_still_opens(plan, action, viewer):
    store_unnormalised_text(action)
    response = client_for(viewer).get(reverse("improvement:plan_export", args=[plan.pk]))
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content))["Plan"].iter_rows(values_only=True))
    assert (rows[1][6], rows[1][12]) == ("Audit\ncore groups", "Line one\nline two")

def test_the_file_is_read_once_at_upload_and_never_again(plan, manager):
    client = client_for(manager)
    upload(client, plan, "walsall.xlsx", builders.walsall_xlsx())
    record = PlanImport.objects.get()
    assert record.sheets[0]["name"] and len(record.sheets[0]["rows"]) > 58
    PlanImport.objects.filter(pk=record.pk).update(data=b"no longer a workbook")  # a re-read would fail

    page = client.get(record.get_absolute_url()).content.decode()
    assert "Check the import of walsall.xlsx" in page and "Actions created" in page
    client.post(reverse("improvement:import_mapping", args=[record.pk]), {"column:Action": "description"})
    assert client.get(record.get_absolute_url()).status_code == 200
    client.post(reverse("improvement:import_confirm", args=[record.pk]), {"read_versions": "{}"})
    assert Action.objects.filter(plan=plan).count() == 58


def test_an_import_uploaded_before_sheets_were_kept_is_read_once_and_kept(plan, manager):
    record = PlanImport.objects.create(plan=plan, uploaded_by=manager, filename="walsall.xlsx",
                                       data=builders.walsall_xlsx())
    assert record.sheets is None
    client = client_for(manager)
    assert "Actions created" in client.get(record.get_absolute_url()).content.decode()
    record.refresh_from_db()
    assert record.sheets is not None
    PlanImport.objects.filter(pk=record.pk).update(data=b"")
    assert "Actions created" in client.get(record.get_absolute_url()).content.decode()


def test_a_file_over_a_limit_is_refused_on_the_upload_page_with_what_to_do(plan, manager):
    name, data = builders.commas_csv()
    response = upload(client_for(manager), plan, name, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Error: " in page and "has 2,097,153 columns; an import reads at most 200" in page
    assert "Delete the empty columns and upload it again." in page
    assert not PlanImport.objects.exists()


def test_a_csv_with_control_characters_imports_clean_and_one_with_nul_is_refused(plan, manager, theme):
    """PostgreSQL refuses NUL in any text or JSON: a CSV holding one is not text and is refused with
    a message; other control characters are normalised on the way in."""
    client = client_for(manager)
    refused = upload(client, plan, "plan.csv", b"Number,Action,Theme\r\n1.1,Agree\x00 it,1\r\n")
    assert refused.status_code == 400 and "is not a text (CSV) file" in refused.content.decode()
    assert upload(client, plan, "plan.csv", b"Number,Action,Theme\r\n1.1,Agree the\x0bprotocol\x01,1\r\n"
).status_code == 302
    record = PlanImport.objects.get()
    client.post(reverse("improvement:import_confirm", args=[record.pk]), {"read_versions": "{}"})
    assert Action.objects.get(plan=plan, number="1.1").description == "Agree the\nprotocol"


# --- A preview a manager can trust (issue 14, item 2) ----------------------------------------

PLAN_CSV = (
    "Number,Action,Lead,Timescale,RAG,Update on progress\r\n"
    "1.1,Agree the thresholds,Head of Assessment and Intervention,Monthly from Feb 2024,G,Audit done\r\n"
    "1.2,Review the front door,DCS and Assistant Director Specialist Services,Q3 2013,A,\r\n"
)


def upload_csv(client, plan, text):
    upload(client, plan, "plan.csv", text.encode())
    return PlanImport.objects.order_by("-pk").first()


def versions_on(page):
    match = re.search(r'name="read_versions" value="([^"]*)"', page)
    return html.unescape(match[1])


def confirm(client, record, page):
    return client.post(reverse("improvement:import_confirm", args=[record.pk]), {"read_versions": versions_on(page)},
                       follow=True)


def test_the_preview_shows_leads_dates_notes_and_statuses_as_they_will_be_written(plan, manager, lead_post):
    client = client_for(manager)
    record = upload_csv(client, plan, PLAN_CSV)
    page = client.get(record.get_absolute_url()).content.decode()
    assert "Head of Assessment and Intervention" in page and "kept as one post" in page
    assert "Head of Assessment</span>" not in page
    assert "Assistant Director Specialist Services" in page and "existing post" in page and "new post" in page
    assert "no due date: recurrence (kept as written)" in page
    assert "due 30 Sep 2013: the end of Q3 2013 (a calendar quarter)" in page
    assert "from column “RAG”" in page and "Audit done" in page
    assert "Import: create 2 actions, record 2 status updates" in page

    done = confirm(client, record, page).content.decode()
    assert ("Imported: 2 actions created, 0 changed, 0 unchanged, 2 status updates recorded; 1 new theme, "
            "2 new posts.") in done
    first, second = Action.objects.filter(plan=plan).order_by("number")
    assert (first.timescale, first.due_date) == ("Monthly from Feb 2024", None)
    assert [p.title for p in first.lead_posts.all()] == ["Head of Assessment and Intervention"]
    assert sorted(p.title for p in second.lead_posts.all()) == ["Assistant Director Specialist Services", "DCS"]
    assert list(second.updates.values_list("note", flat=True)) == [""]  # an empty cell stays empty


def test_a_completed_status_with_no_note_is_not_recorded_and_the_preview_says_why(plan, manager):
    client = client_for(manager)
    record = upload_csv(client, plan, "Number,Action,RAG,Update on progress\r\n1.1,Agree the thresholds,B,\r\n")
    page = client.get(record.get_absolute_url()).content.decode()
    assert "is not recorded: a completed action needs a review note and the row has none" in page
    assert "Import: create 1 action<" in page.replace("</button>", "<")
    assert "0 status updates recorded" in confirm(client, record, page).content.decode()
    assert not Action.objects.get(plan=plan, number="1.1").updates.exists()


def test_on_reimport_the_summary_the_button_and_the_result_give_the_same_counts(plan, manager):
    client = client_for(manager)
    first = upload_csv(client, plan, PLAN_CSV)
    confirm(client, first, client.get(first.get_absolute_url()).content.decode())
    changed = PLAN_CSV.replace("Review the front door", "Review the front door and MASH").replace(",G,", ",A,")
    record = upload_csv(client, plan, changed)
    page = client.get(record.get_absolute_url()).content.decode()
    summary = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split('id="summary"')[1].split("</dl>")[0]))
    assert "Actions created 0 " in summary and "Existing actions changed 1 " in summary
    assert "Existing actions unchanged 1 " in summary and "Status updates recorded 1 " in summary
    assert "Import: change 1 action, record 1 status update" in page
    done = confirm(client, record, page).content.decode()
    assert "Imported: 0 actions created, 1 changed, 1 unchanged, 1 status update recorded." in done


def test_reimporting_an_unchanged_file_offers_nothing_to_import(plan, manager):
    client = client_for(manager)
    first = upload_csv(client, plan, PLAN_CSV)
    confirm(client, first, client.get(first.get_absolute_url()).content.decode())
    record = upload_csv(client, plan, PLAN_CSV)
    page = client.get(record.get_absolute_url()).content.decode()
    assert "there is nothing to import" in page and 'name="read_versions"' not in page


def test_an_action_edited_between_preview_and_confirm_stops_the_whole_import(plan, manager, theme):
    client = client_for(manager)
    first = upload_csv(client, plan, PLAN_CSV)
    confirm(client, first, client.get(first.get_absolute_url()).content.decode())
    record = upload_csv(client, plan, PLAN_CSV.replace("Agree the thresholds", "Agree the new thresholds")
                        .replace("Review the front door", "Review the MASH"))
    page = client.get(record.get_absolute_url()).content.decode()

    # Another manager edits action 1.2 through the edit page after this preview was shown.
    other = make_user("manager2", plan.organisation)
    PlanRole.objects.create(plan=plan, user=other, role=PlanRole.Role.MANAGER)
    action = Action.objects.get(plan=plan, number="1.2")
    edited = client_for(other).post(reverse("improvement:action_edit", args=[action.pk]), {
        "theme": action.theme_id, "objective": "", "number": "1.2", "description": "Their own wording",
        "lead_agency": "", "timescale": "Q3 2013", "measures": "", "cost": "", "read_version": action.version,
        "lead_posts": [p.pk for p in action.lead_posts.all()]})
    assert edited.status_code == 302

    done = confirm(client, record, page).content.decode()
    assert "Action 1.2 was changed by Manager2 at" in done and "since the preview" in done
    assert "preview again" in done
    action.refresh_from_db()
    assert action.description == "Their own wording"
    assert Action.objects.get(plan=plan, number="1.1").description == "Agree the thresholds"  # nothing written
    record.refresh_from_db()
    assert record.applied_at is None

    # Previewed again, the import shows their wording as the old value and goes through.
    page = client.get(record.get_absolute_url()).content.decode()
    assert "Their own wording" in page
    assert "Imported: 0 actions created, 2 changed" in confirm(client, record, page).content.decode()
    action.refresh_from_db()
    assert action.description == "Review the MASH"


def test_a_status_update_recorded_between_preview_and_confirm_stops_the_import(plan, manager, lead):
    client = client_for(manager)
    first = upload_csv(client, plan, PLAN_CSV)
    confirm(client, first, client.get(first.get_absolute_url()).content.decode())
    record = upload_csv(client, plan, PLAN_CSV.replace(",A,", ",R,Behind plan"))
    page = client.get(record.get_absolute_url()).content.decode()
    action = Action.objects.get(plan=plan, number="1.2")
    action.record_update(status=plan.rag_scheme.statuses.get(code="G"), note="Back on track", by=lead)

    done = confirm(client, record, page).content.decode()
    assert "Action 1.2 had a status update recorded by Lead at" in done
    assert action.updates.count() == 2 and action.updates.latest("pk").note == "Back on track"


def test_a_new_plan_is_filed_under_the_organisation_chosen(manager, plan, council):
    other = Organisation.objects.create(name="Partner Trust")
    managed_elsewhere = Plan.objects.create(organisation=other, name="Health plan", slug="health",
                                            rag_scheme=plan.rag_scheme, current_period=plan.current_period)
    PlanRole.objects.create(plan=managed_elsewhere, user=manager, role=PlanRole.Role.MANAGER)
    Organisation.objects.create(name="Not theirs")
    client = client_for(manager)
    form = client.get(reverse("improvement:import_new_plan")).content.decode()
    assert "Partner Trust" in form and "Walsall Council" in form and "Not theirs" not in form

    client.post(reverse("improvement:import_new_plan"), {
        "name": "Health QIP", "scheme": plan.rag_scheme.pk, "organisation": other.pk,
        "file": SimpleUploadedFile("plan.csv", PLAN_CSV.encode())})
    record = PlanImport.objects.get()
    page = client.get(record.get_absolute_url()).content.decode()
    confirm(client, record, page)
    new = Plan.objects.get(name="Health QIP")
    assert new.organisation == other
    assert set(Post.objects.filter(organisation=other).values_list("title", flat=True)) >= {"DCS"}


def test_a_new_plan_cannot_be_filed_under_an_organisation_the_manager_has_no_plan_in(manager, plan):
    stranger = Organisation.objects.create(name="Not theirs")
    response = client_for(manager).post(reverse("improvement:import_new_plan"), {
        "name": "Their QIP", "scheme": plan.rag_scheme.pk, "organisation": stranger.pk,
        "file": SimpleUploadedFile("plan.csv", PLAN_CSV.encode())})
    assert response.status_code == 400 and "Choose one of the organisations listed" in response.content.decode()
    assert not PlanImport.objects.exists()


def test_an_administrator_may_file_a_new_plan_under_any_organisation(plan):
    stranger = Organisation.objects.create(name="Any Council")
    admin = make_user("admin", None, is_superuser=True)
    client = client_for(admin)
    assert "Any Council" in client.get(reverse("improvement:import_new_plan")).content.decode()
    client.post(reverse("improvement:import_new_plan"), {
        "name": "Any QIP", "scheme": plan.rag_scheme.pk, "organisation": stranger.pk,
        "file": SimpleUploadedFile("plan.csv", PLAN_CSV.encode())})
    record = PlanImport.objects.get()
    confirm(client, record, client.get(record.get_absolute_url()).content.decode())
    assert Plan.objects.get(name="Any QIP").organisation == stranger


def test_the_preview_says_which_columns_give_statuses_and_what_each_means(manager, plan):
    data = b"Ref,Action,Achieved (tick),On target (tick)\n9.1,Audit,,Yes\n"
    client = client_for(manager)
    response = client.post(reverse("improvement:import_start", args=[plan.pk]),
                           {"file": SimpleUploadedFile("ticks.csv", data, content_type="text/csv")})
    page = client.get(response["Location"]).content.decode()
    assert "Statuses from" in page
    assert "column “On target (tick)”: a tick means" in page
