import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from improvement.models import PlanRole
from publication.models import PublicationSettings, PublicSummary
from tests.conftest import _with_role


@pytest.fixture(autouse=True)
def _english_to_start_with():
    """A Welsh request leaves Welsh active in the thread (LocaleMiddleware does not reset it): each
    test starts, and ends, in the site's language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def approver(plan):
    return _with_role("approver", plan, PlanRole.Role.PUBLICATION_APPROVER)


@pytest.fixture
def second_manager(plan):
    return _with_role("manager2", plan, PlanRole.Role.MANAGER)


@pytest.fixture
def pub_settings(plan):
    settings_ = PublicationSettings.of(plan)
    settings_.is_published = True
    settings_.save()
    return settings_


def write(plan, *, by, theme=None, submit=True, **fields):
    kind = PublicSummary.Kind.THEME if theme else PublicSummary.Kind.PLAN
    summary = (PublicSummary.objects.filter(theme=theme).first() if theme
               else PublicSummary.objects.filter(plan=plan, kind=kind).first())
    summary = summary or PublicSummary(plan=plan, kind=kind, theme=theme)
    for name, value in fields.items():
        setattr(summary, name, value)
    summary.record_edit(by=by, submit=submit)
    return summary


@pytest.fixture
def published(plan, theme, action, manager, approver, pub_settings):
    """An approved introduction and theme summary: version 2 of the plan's publication."""
    intro = write(plan, by=manager, title_en="Our public plan title", summary_en="We are making services safer.",
                  inspection_en="Ofsted inspection, July 2012.", title_cy="Teitl ein cynllun",
                  summary_cy="Rydym yn gwneud gwasanaethau’n fwy diogel.")
    intro.approve(by=approver)
    summary = write(plan, by=manager, theme=theme, title_en="Working with partners",
                    summary_en="Partners now meet every month.", status="in_progress")
    summary.approve(by=approver)
    return {"intro": intro, "theme_summary": summary}
