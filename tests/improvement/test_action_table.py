import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from improvement.models import Theme
from tests.conftest import client_for, count_queries, make_action, make_many_actions, status


def url(plan, query=""):
    return reverse("improvement:action_table", args=[plan.pk]) + query


@pytest.fixture
def actions(plan, theme, lead, lead_post, lead2_post, scheme, recommendation):
    other = Theme.objects.create(plan=plan, code="2", title="Culture", position=2)
    first = make_action(theme, "1.1", leads=[lead_post], due_date=datetime.date(2012, 11, 30),
                        description="Review thresholds with the WSCB")
    first.recommendations.add(recommendation)
    first.record_update(status=status(scheme, "R"), note="Stalled: recruitment", by=lead)
    second = make_action(theme, "1.2", leads=[lead2_post], description="Audit core groups")
    second.lead_agency = "NHS Walsall"
    second.save()
    third = make_action(other, "2.1", leads=[lead_post], description="=HYPERLINK(\"http://x\")")
    third.record_update(status=status(scheme, "G"), note="On track", by=lead,
                        period=datetime.date(2012, 11, 1))
    return first, second, third


def numbers(response):
    return [row.record.number for row in response.context["table"].paginated_rows]


def test_action_table_lists_a_plans_actions(plan, actions, viewer, frozen_today):
    response = client_for(viewer).get(url(plan))
    assert response.status_code == 200
    assert numbers(response) == ["1.1", "1.2", "2.1"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?theme={theme}", ["1.1", "1.2"]),
        ("?lead={lead2_post}", ["1.2"]),
        ("?lead_agency=NHS+Walsall", ["1.2"]),
        ("?status={red}", ["1.1"]),
        ("?status=none", ["1.2"]),
        ("?source={source}", ["1.1"]),
        ("?overdue=on", ["1.1"]),
        ("?missing=on", ["1.2", "2.1"]),
        ("?q=thresholds", ["1.1"]),
        ("?q=recruitment", ["1.1"]),  # words in review notes count
        ("?q=core+groups", ["1.2"]),
        ("?theme={theme}&missing=on", ["1.2"]),
    ],
)
def test_filters_narrow_the_table(plan, theme, actions, viewer, scheme, lead2_post, recommendation,
                                  frozen_today, query, expected):
    query = query.format(theme=theme.pk, lead2_post=lead2_post.pk, red=status(scheme, "R").pk,
                         source=recommendation.source.pk)
    response = client_for(viewer).get(url(plan, query))
    assert response.status_code == 200
    assert numbers(response) == expected


def test_sorting_by_status_and_keeping_filters_in_links(plan, actions, viewer, frozen_today):
    response = client_for(viewer).get(url(plan, "?q=a&sort=-status"))
    assert numbers(response)[0] == "1.1"
    page = response.content.decode()
    assert "q=a" in page.split("export=csv")[0].rsplit("href=", 1)[1]


def test_csv_export_holds_the_filtered_rows_and_neutralises_formulas(plan, theme, actions, viewer, frozen_today):
    response = client_for(viewer).get(url(plan, "?export=csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["Number", "Theme", "Objective", "Action"]
    assert [row[0] for row in rows[1:]] == ["1.1", "1.2", "2.1"]
    assert rows[3][3] == "'=HYPERLINK(\"http://x\")"
    assert rows[1][9] == "Red" and rows[1][12] == "Yes"

    filtered = client_for(viewer).get(url(plan, f"?theme={theme.pk}&export=csv"))
    text = b"".join(filtered.streaming_content).decode("utf-8-sig")
    assert [row[0] for row in list(csv.reader(io.StringIO(text)))[1:]] == ["1.1", "1.2"]


def test_xlsx_export_opens_and_holds_the_rows(plan, actions, viewer, frozen_today):
    response = client_for(viewer).get(url(plan, "?status=none&export=xlsx"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Number"
    assert [row[0] for row in rows[1:]] == ["1.2"]


def test_outsider_gets_404_even_for_an_export(plan, actions, outsider):
    assert client_for(outsider).get(url(plan)).status_code == 404
    assert client_for(outsider).get(url(plan, "?export=csv")).status_code == 404


def test_table_refuses_post(plan, viewer):
    assert client_for(viewer).post(url(plan)).status_code == 405


def test_bad_filter_value_is_reported_not_a_crash(plan, actions, viewer):
    response = client_for(viewer).get(url(plan, "?theme=banana"))
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


@pytest.mark.parametrize("query", ["", "?q=bulk&missing=on&sort=-status", "?sort=leads&page=2"])
def test_table_uses_the_same_queries_for_10_and_500_actions(plan, theme, lead_post, viewer, recommendation, query):
    client = client_for(viewer)
    make_many_actions(theme, 10, leads=[lead_post], recommendation=recommendation)
    with_10 = count_queries(client, url(plan, query.replace("page=2", "page=1")))
    make_many_actions(theme, 490, leads=[lead_post], recommendation=recommendation)
    assert count_queries(client, url(plan, query)) == with_10
