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
    assert not Action.objects.get(plan=plan, number="1.2").updates.exclude(
        note="Status as given in the imported plan.").exists()
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

