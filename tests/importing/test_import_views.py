import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from improvement.models import Action, Plan, PlanImport, PlanRole
from tests.conftest import client_for, store_unnormalised_text
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
    assert "Check the import of walsall.xlsx" in page and "New actions" in page
    assert 'name="column:Review note for this period"' in page

    columns = {f"column:{heading}": field for heading, field in {
        "Action No.": "number", "Reference to:": "references", "Action": "description", "Timescale": "timescale",
        "Lead Person(s)": "leads", "Measures": "measures", "Review note for this period": "ignore",
        "RAG": "status"}.items()}
    client.post(reverse("improvement:import_mapping", args=[record.pk]), columns)
    record.refresh_from_db()
    assert record.mapping["Review note for this period"] == "ignore"

    response = client.post(reverse("improvement:import_confirm", args=[record.pk]))
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
        "name": "Southampton QIP", "scheme": RagScheme.objects.get(slug="achieved").pk,
        "file": SimpleUploadedFile("southampton.docx", builders.southampton_docx())})
    record = PlanImport.objects.get()
    assert response.url == record.get_absolute_url()
    assert not Plan.objects.filter(name="Southampton QIP").exists()
    assert "New plan: Southampton QIP" in client.get(record.get_absolute_url()).content.decode()
    client.post(reverse("improvement:import_confirm", args=[record.pk]))
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
    assert "Check the import of walsall.xlsx" in page and "New actions" in page
    client.post(reverse("improvement:import_mapping", args=[record.pk]), {"column:Action": "description"})
    assert client.get(record.get_absolute_url()).status_code == 200
    client.post(reverse("improvement:import_confirm", args=[record.pk]))
    assert Action.objects.filter(plan=plan).count() == 58


def test_an_import_uploaded_before_sheets_were_kept_is_read_once_and_kept(plan, manager):
    record = PlanImport.objects.create(plan=plan, uploaded_by=manager, filename="walsall.xlsx",
                                       data=builders.walsall_xlsx())
    assert record.sheets is None
    client = client_for(manager)
    assert "New actions" in client.get(record.get_absolute_url()).content.decode()
    record.refresh_from_db()
    assert record.sheets is not None
    PlanImport.objects.filter(pk=record.pk).update(data=b"")
    assert "New actions" in client.get(record.get_absolute_url()).content.decode()


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
    client.post(reverse("improvement:import_confirm", args=[record.pk]))
    assert Action.objects.get(plan=plan, number="1.1").description == "Agree the\nprotocol"
