"""A plan manager tags a recommendation with framework criteria, reads the plan by criterion,
filters the actions by one, and re-maps tags to a framework's new version, with axe and the Nu
HTML checker on every page."""

import pytest

pytestmark = pytest.mark.browser

WALSALL = "Walsall Children's Services Strategic Improvement Plan 2012"


def test_the_demo_manager_tags_reports_filters_and_remaps(sign_in, assert_page_ok):
    from improvement.criteria import set_tags
    from improvement.models import FrameworkCriterion, Recommendation, User

    page = sign_in("manager")
    page.goto("/")
    page.get_by_role("link", name=WALSALL).click()
    page.get_by_role("link", name="Manage this plan").click()
    page.get_by_role("link", name="Sources and recommendations").click()
    page.get_by_role("link", name="Change recommendation IN 2.2").click()
    assert_page_ok(page)
    ilacs = page.get_by_role("group", name="Inspection of local authority children's services (ILACS), version 2023")
    assert ilacs.get_by_label("The impact of leaders on social work practice with children and families").is_checked()
    ilacs.get_by_label("The experiences and progress of care leavers").check()
    page.get_by_role("group", name="Theme 4: Leadership").get_by_label("Learning, improvement and innovation").check()
    page.get_by_role("button", name="Save").click()
    assert "Recommendation IN 2.2 saved." in page.locator("main").inner_text()

    page.get_by_role("link", name="Back to manage this plan").click()
    page.get_by_role("link", name=WALSALL).first.click()
    page.get_by_role("link", name="By criterion").click()
    assert_page_ok(page)
    main = page.locator("main").inner_text()
    assert "The experiences and progress of care leavers" in main and "IN 2.2" in main
    assert "Learning, improvement and innovation" in main

    page.get_by_role("link", name="Its actions in the action table (The experiences and progress of care leavers)").click()
    assert page.get_by_label("Framework criterion").input_value()
    assert "match these filters" in page.locator("main").inner_text()
    assert_page_ok(page)

    # A recommendation still tagged with the 2018 version: re-mapped to 2023 through the crosswalk.
    recommendation = Recommendation.objects.get(source__plan__slug="walsall-sip-2012", source__key="IN",
                                                reference="1.2")
    joint = FrameworkCriterion.objects.get(framework__version="2018", code="children-in-care-and-care-leavers")
    set_tags(recommendation, [joint], by=User.objects.get(username="manager"))
    page.goto("/")
    page.get_by_role("link", name=WALSALL).click()
    page.get_by_role("link", name="Manage this plan").click()
    page.get_by_role("link", name="Re-map framework criteria").click()
    assert_page_ok(page)
    page.get_by_role("link", name="ILACS 2018 to ILACS 2023").click()
    assert_page_ok(page)
    page.get_by_role("button", name="Re-map 1 tag").click()
    assert "1 tag re-mapped from ILACS 2018 to ILACS 2023." in page.locator("main").inner_text()
    assert_page_ok(page)
    assert set(recommendation.criterion_tags.values_list("criterion__code", flat=True)) == {
        "children-in-care", "care-leavers"}
