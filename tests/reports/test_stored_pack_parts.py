"""A long pack's rendered parts are stored under a key of their content and reused by the next
render while they have not changed; an issued pack is still the exact PDF stored with its
checksum, byte for byte the PDF a render without stored parts makes."""

import datetime
import importlib.metadata
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from reports import pdf as reports_pdf
from reports import pdfparts
from reports.models import BoardPack, PackRender, StoredPackPart
from reports.packs import pack_context, render_pack_pdf
from reports.tasks import render_pack
from tests.conftest import status
from tests.reports.conftest import pdf_text

MOMENT = datetime.datetime(2012, 12, 18, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(MOMENT, tick=False)
    return time_machine


def stored_keys() -> set[str]:
    return set(StoredPackPart.objects.values_list("key", flat=True))


def test_a_second_render_of_an_unchanged_pack_renders_no_part_and_makes_the_same_bytes(long_pack, frozen):
    first, _pages = render_pack_pdf(long_pack)
    stored = stored_keys()
    assert len(stored) > 8 and not StoredPackPart.objects.exclude(times_used=0).exists()

    second, _pages = render_pack_pdf(long_pack)
    assert stored_keys() == stored  # nothing rendered, so nothing new stored
    assert set(StoredPackPart.objects.values_list("times_used", flat=True)) == {1}  # every part reused
    assert second == first


def test_issuing_right_after_a_draft_reuses_its_parts_and_issues_the_bytes_of_a_fresh_render(
        long_pack, manager, frozen):
    draft = PackRender.objects.create(meeting=long_pack, purpose="draft", requested_by=manager)
    assert render_pack.call(draft.pk) == "ready"
    after_draft = stored_keys()
    issue = PackRender.objects.create(meeting=long_pack, purpose="issue", requested_by=manager)
    assert render_pack.call(issue.pk) == "ready"

    pack = BoardPack.objects.get()
    assert pack.verify()
    assert len(stored_keys() - after_draft) == 1  # only the margins' status ("Issued: version 1") is new
    StoredPackPart.objects.all().delete()
    fresh, pages = render_pack_pdf(long_pack, status_label="Issued: version 1", version_label="Version 1")
    assert bytes(pack.pdf) == fresh and pack.pages == pages
    assert "Issued: version 1" in pdf_text(fresh)


def test_after_one_action_changes_only_the_parts_that_show_it_are_rendered_again(long_pack, plan, scheme, lead):
    render_pack_pdf(long_pack)
    before = stored_keys()
    action = plan.actions.get(number="1.7")  # amber, not on the attention list, and not once it is green
    action.record_update(status=status(scheme, "G"), note="Note for 1.7, revised", by=lead)

    pdf, pages = render_pack_pdf(long_pack)
    new = list(StoredPackPart.objects.filter(key__in=stored_keys() - before))
    # the summary (its counts), and the plan's part that lays out action 1.7, with those after it
    # that it was carried over into (a part of one page is carried over whole: where the parts are
    # cut depends on the actions' ids); each replaces one part, and every other part is reused
    groups = pdfparts.PlanFlow(pack_context(long_pack)["sections"]).groups
    holding = next(index for index, pieces in enumerate(groups)
                   if "1.7" in [row.action.number for piece in pieces for row in piece.rows])
    assert sum("summary" in part.anchors for part in new) == 1
    assert 1 <= len(new) - 1 <= len(groups) - holding
    reused = StoredPackPart.objects.filter(key__in=before, times_used=1)
    assert reused.count() == len(before) - len(new)
    assert reused.filter(anchors__has_key="attention").exists() and reused.filter(anchors__has_key="notes").exists()
    assert reused.filter(pages=pages).exists()  # the margins' page numbers: the pack is as long as it was
    assert "Note for 1.7, revised" in pdf_text(pdf)


def test_a_note_rewritten_at_another_length_moves_no_page_break_in_the_next_theme(long_pack, plan, scheme, lead):
    render_pack_pdf(long_pack)
    before = stored_keys()
    action = plan.actions.get(number="1.3")  # early in theme 1: every page break after it in the theme moves
    action.record_update(status=action.current_status, note="A review note rewritten at length. " * 40, by=lead)

    render_pack_pdf(long_pack)
    new = StoredPackPart.objects.filter(key__in=stored_keys() - before)
    second = plan.themes.get(code="2")
    assert new.filter(anchors__has_key="plan").exists()  # theme 1's parts, laid out again
    assert not new.filter(anchors__has_key=f"theme-{second.pk}").exists()
    assert StoredPackPart.objects.filter(key__in=before, times_used=1, anchors__has_key=f"theme-{second.pk}").exists()


def test_a_damaged_or_missing_stored_part_is_rendered_again(long_pack, frozen):
    first, _pages = render_pack_pdf(long_pack)
    parts = list(StoredPackPart.objects.order_by("pk"))
    carrying = next(part for part in parts if part.carried_from)
    StoredPackPart.objects.filter(pk=parts[0].pk).update(pdf=b"%PDF-1.7 damaged")
    StoredPackPart.objects.filter(pk=parts[1].pk).delete()
    StoredPackPart.objects.filter(pk=carrying.pk).update(carried_from="plan-row-0")  # no such row in that part
    StoredPackPart.objects.filter(pk=parts[-1].pk).update(anchors={"summary": "not a place"})

    second, _pages = render_pack_pdf(long_pack)
    assert second == first
    assert StoredPackPart.objects.count() == len(parts)
    for damaged in (parts[0], carrying, parts[-1]):
        again = StoredPackPart.objects.get(key=damaged.key)
        assert again.pk != damaged.pk and again.times_used == 0  # deleted, rendered and stored anew
        assert again.as_rendered() is not None


def test_stored_parts_unused_for_a_fortnight_are_deleted_when_the_next_pack_is_rendered(
        long_pack, manager, time_machine):
    time_machine.move_to(MOMENT, tick=False)
    render_pack_pdf(long_pack)
    count = StoredPackPart.objects.count()
    time_machine.move_to(MOMENT + StoredPackPart.KEPT_FOR + datetime.timedelta(days=1), tick=False)
    later = PackRender.objects.create(meeting=long_pack, purpose="draft", requested_by=manager)
    assert render_pack.call(later.pk) == "ready"
    assert StoredPackPart.objects.count() == count  # all rendered again, none taken from the store
    assert not StoredPackPart.objects.filter(created_at__lt=MOMENT + StoredPackPart.KEPT_FOR).exists()
    assert not StoredPackPart.objects.exclude(times_used=0).exists()


# --- What the key covers ------------------------------------------------------------------------

PART_HTML = ('<html><head><link rel="stylesheet" href="/static/dist/fonts/arimo/400.css">'
             '<link rel="stylesheet" href="/static/reports/pack.css"></head><body><p>Part</p></body></html>')


def key(html=PART_HTML, **changes):
    return pdfparts.part_key(html, **{"title": "Board pack", "mode": "part", **changes})


@pytest.fixture
def own_static(settings, tmp_path):
    """A static folder searched before the project's, to change its files in."""
    settings.STATICFILES_DIRS = [tmp_path, *django_settings.STATICFILES_DIRS]
    return tmp_path


def test_a_change_to_a_stylesheet_changes_the_key(own_static):
    before = key()
    stylesheet = own_static / "reports" / "pack.css"
    stylesheet.parent.mkdir(parents=True)
    shutil.copy(Path(django_settings.BASE_DIR) / "static" / "reports" / "pack.css", stylesheet)
    assert key() == before  # the same text, if read from another file
    stylesheet.write_text(stylesheet.read_text() + "\np { color: red; }\n")
    assert key() != before


def test_a_change_to_a_font_that_a_stylesheet_loads_changes_the_key(own_static):
    before = key()
    font = own_static / "dist" / "fonts" / "arimo" / "files" / "arimo-latin-400-normal.woff2"
    font.parent.mkdir(parents=True)
    font.write_bytes(b"another font")
    assert key() != before
    assert key(PART_HTML.replace("arimo/400.css", "arimo/700.css")) == key(
        PART_HTML.replace("arimo/400.css", "arimo/700.css"))


def test_the_key_covers_the_html_title_and_mode_and_the_emoji_font_when_it_is_needed(own_static):
    assert len({key(), key(PART_HTML.replace("Part", "Part!")), key(title="Another pack"),
                key(mode="margins")}) == 4
    with_emoji = PART_HTML.replace("Part", "Part 👍")
    before = key(with_emoji)
    font = own_static / "dist" / "fonts" / "noto-emoji" / "400.css"
    font.parent.mkdir(parents=True)
    font.write_text("/* no emoji */")
    assert key(with_emoji) != before and key() == key()


def test_a_change_to_a_template_renders_the_parts_it_makes_again(long_pack, settings, tmp_path):
    render_pack_pdf(long_pack)
    before = stored_keys()
    notes = tmp_path / "reports" / "pack" / "notes.html"
    notes.parent.mkdir(parents=True)
    original = Path(django_settings.BASE_DIR) / "templates" / "reports" / "pack" / "notes.html"
    notes.write_text(original.read_text() + "<p>Notes template changed</p>\n")
    settings.TEMPLATES = [{**django_settings.TEMPLATES[0], "DIRS": [tmp_path, *django_settings.TEMPLATES[0]["DIRS"]]}]

    pdf, _pages = render_pack_pdf(long_pack)
    assert len(stored_keys() - before) == 1  # the notes and key
    assert "Notes template changed" in pdf_text(pdf)


def test_the_renderer_fingerprint_changes_with_weasyprints_version(monkeypatch):
    current = reports_pdf.renderer_fingerprint.__wrapped__()
    version = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: "999.0" if name == "weasyprint" else version(name))
    assert reports_pdf.renderer_fingerprint.__wrapped__() != current
