"""The interface in Welsh: every template's words go through Django's translation machinery, the
Welsh catalogue has every string the code and templates mark, translated, and its compiled .mo is
the one the .po gives.

The template check reads each template with Django's own lexer: the text between tags and the
words in the attributes a person reads or hears (alt, title, aria-label, placeholder, ...) must be
inside ``{% translate %}`` or ``{% blocktranslate %}``; so must a quoted phrase given to ``with``,
``include ... with`` or ``|default:`` (write ``_("...")`` there). Variables, tags, comments, and
text without letters (punctuation, numbers, entities) pass."""

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template.base import Lexer, TokenType

from improvement.management.commands.update_catalogue import MAKEMESSAGES_OPTIONS

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
CATALOGUE = ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")

# Attributes whose values people read or hear.
READ_ATTRIBUTES = ("alt", "title", "aria-label", "aria-description", "aria-roledescription", "placeholder",
                   "label", "summary", "data-i18n[^=\\s]*")
ATTRIBUTE = re.compile(rf"""\s(?:{'|'.join(READ_ATTRIBUTES)})\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
CODE_BLOCK = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]{2,}")
# A quoted phrase handed to a tag or filter: with x="Some words", include "..." with label="...",
# |default:"None" (a single lower-case word, such as kind="danger", is a name and passes).
QUOTED_ARGUMENT = re.compile(r"""(?:\b[\w.]+=|\|default:|\|default_if_none:)(?<!_\()\s*("[^"]*"|'[^']*')""")
TRANSLATION_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans", "comment": "endcomment",
                      "verbatim": "endverbatim"}


def words(text: str) -> list[str]:
    return WORD.findall(html.unescape(text))


def phrase(literal: str) -> bool:
    """A quoted argument that reads as words ("No lead", "None"), not a name ("danger", "s")."""
    text = literal[1:-1]
    return bool(words(text)) and (" " in text.strip() or text[:1].isupper())


def untranslated(source: str) -> list[str]:
    """The phrases of a template that a person reads but no translation tag carries."""
    found, closing, text = [], None, []
    for token in Lexer(source).tokenize():
        if closing is not None:
            if token.token_type is TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
            continue
        if token.token_type is TokenType.TEXT:
            text.append(token.contents)
            continue
        # A tag or variable splits text, but an attribute may straddle it: mark the place.
        text.append("\x00")
        if token.token_type is TokenType.BLOCK:
            name = token.contents.split()[0]
            if name in TRANSLATION_BLOCKS:
                closing = TRANSLATION_BLOCKS[name]
            elif name in {"with", "include", "firstof"} or "|default" in token.contents:
                found += [literal for literal in QUOTED_ARGUMENT.findall(token.contents) if phrase(literal)]
        elif token.token_type is TokenType.VAR and "|default" in token.contents:
            found += [literal for literal in QUOTED_ARGUMENT.findall(token.contents) if phrase(literal)]
    page = CODE_BLOCK.sub(" ", "".join(text))
    for match in ATTRIBUTE.finditer(page):
        value = match.group(1) if match.group(1) is not None else match.group(2)
        found += [value.replace("\x00", "{{…}}").strip()] if words(value.replace("\x00", " ")) else []
    for chunk in TAG.sub("\x00", page).split("\x00"):
        if words(chunk):
            found.append(" ".join(chunk.split()))
    return found


def template_paths():
    return sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt"))


# Templates whose words are being marked for translation on their way to main (removed as they land).
# TRANSLATION_CHECK_ALL=1 checks them too.
PENDING = set() if os.environ.get("TRANSLATION_CHECK_ALL") else {
    "403.html",
    "404.html",
    "500.html",
    "api/panels/account.html",
    "api/token_list.html",
    "api/token_revoke.html",
    "base.html",
    "boards/assessment_form.html",
    "boards/assurance/assurance.html",
    "boards/assurance/finding_form.html",
    "boards/assurance/recommendation_detail.html",
    "boards/assurance/review_detail.html",
    "boards/assurance/review_form.html",
    "boards/assurance/source_line.html",
    "boards/board_detail.html",
    "boards/board_list.html",
    "boards/dashboard.html",
    "boards/emails/no_one_to_remind.txt",
    "boards/emails/note_to_leads.txt",
    "boards/emails/note_to_managers.txt",
    "boards/emails/round_reminder.txt",
    "boards/includes/follow_up_list.html",
    "boards/includes/note_list.html",
    "boards/includes/thread_item.html",
    "boards/manage/_back_to_board.html",
    "boards/manage/board_create.html",
    "boards/manage/board_member_add.html",
    "boards/manage/board_member_edit.html",
    "boards/manage/board_members.html",
    "boards/manage/board_plans.html",
    "boards/meeting_detail.html",
    "boards/meeting_form.html",
    "boards/meeting_question.html",
    "boards/note_detail.html",
    "boards/note_resolve.html",
    "boards/panels/my_actions.html",
    "boards/panels/open_notes.html",
    "boards/panels/plan_manage.html",
    "boards/review_detail.html",
    "boards/review_form.html",
    "boards/review_list.html",
    "boards/round_close.html",
    "boards/round_detail.html",
    "boards/round_list.html",
    "boards/workbook_done.html",
    "boards/workbook_preview.html",
    "boards/workbook_upload.html",
    "govuk/_error.html",
    "govuk/field.html",
    "identity/sign_in_with.html",
    "improvement/account.html",
    "improvement/action_changes.html",
    "improvement/action_detail.html",
    "improvement/action_edit.html",
    "improvement/action_table.html",
    "improvement/emails/clock_reminder.txt",
    "improvement/export_detail.html",
    "improvement/frameworks/_criteria_fields.html",
    "improvement/frameworks/remap.html",
    "improvement/frameworks/remap_list.html",
    "improvement/frameworks/report.html",
    "improvement/import_detail.html",
    "improvement/import_done.html",
    "improvement/import_start.html",
    "improvement/includes/clock_timeline.html",
    "improvement/includes/my_actions_table.html",
    "improvement/includes/plan_breadcrumbs.html",
    "improvement/includes/plan_nav.html",
    "improvement/includes/rag_bar.html",
    "improvement/includes/rag_tag.html",
    "improvement/includes/table.html",
    "improvement/manage/_accounts_note.html",
    "improvement/manage/_back_to_hub.html",
    "improvement/manage/_holders.html",
    "improvement/manage/confirm_delete.html",
    "improvement/manage/confirm_removal.html",
    "improvement/manage/form.html",
    "improvement/manage/hub.html",
    "improvement/manage/plan_edit.html",
    "improvement/manage/plan_role_form.html",
    "improvement/manage/plan_roles.html",
    "improvement/manage/post_form.html",
    "improvement/manage/post_list.html",
    "improvement/manage/source_list.html",
    "improvement/manage/theme_list.html",
    "improvement/measures/comparators.html",
    "improvement/measures/import_detail.html",
    "improvement/measures/import_done.html",
    "improvement/measures/import_indicator.html",
    "improvement/measures/import_start.html",
    "improvement/measures/measure_detail.html",
    "improvement/measures/measure_form.html",
    "improvement/measures/measure_list.html",
    "improvement/measures/record_value.html",
    "improvement/measures/scorecard_rows.html",
    "improvement/measures/trend_line.html",
    "improvement/my_actions.html",
    "improvement/plan_detail.html",
    "improvement/plan_list.html",
    "improvement/record_update.html",
    "improvement/report_import_detail.html",
    "improvement/report_import_done.html",
    "improvement/report_import_reading.html",
    "improvement/report_import_start.html",
    "improvement/site/accessibility.html",
    "improvement/site/cookies.html",
    "improvement/site/privacy.html",
    "improvement/theme_detail.html",
    "includes/error_summary.html",
    "includes/pagination.html",
    "mfa/emails/password_reset.txt",
    "mfa/overview.html",
    "mfa/panels/account.html",
    "mfa/password_reset.html",
    "mfa/password_reset_complete.html",
    "mfa/password_reset_confirm.html",
    "mfa/password_reset_limited.html",
    "mfa/password_reset_sent.html",
    "mfa/recovery_codes.html",
    "mfa/remove.html",
    "mfa/set_up.html",
    "mfa/verify.html",
    "notifications/panels/plan_manage.html",
    "notifications/subscription_detail.html",
    "notifications/subscription_form.html",
    "notifications/subscription_list.html",
    "registration/locked_out.html",
    "registration/login.html",
    "registration/password_change_done.html",
    "registration/password_change_form.html",
    "reports/board_pack.html",
    "reports/evidence_pack/index.html",
    "reports/evidence_pack_detail.html",
    "reports/evidence_packs.html",
    "reports/pack/attention.html",
    "reports/pack/cover.html",
    "reports/pack/notes.html",
    "reports/pack/plan.html",
    "reports/pack/scorecard.html",
    "reports/pack/summary.html",
    "reports/pack_issue.html",
    "reports/pack_page.html",
    "reports/panels/rag_summary.html",
    "reports/render_detail.html",
    "reports/scrutiny_summary.html",
}


class TestTheTemplateCheck:
    def test_text_outside_a_translation_tag_is_found(self):
        assert untranslated("<p>Record an update</p>") == ["Record an update"]

    def test_a_read_attribute_outside_a_translation_tag_is_found(self):
        assert untranslated('<nav aria-label="Breadcrumb"></nav>') == ["Breadcrumb"]

    def test_a_quoted_phrase_given_to_a_tag_is_found(self):
        assert untranslated('{% include "includes/x.html" with heading="Your actions" %}') == ['"Your actions"']
        assert untranslated('{{ action.lead|default:"No lead" }}') == ['"No lead"']

    def test_translated_text_variables_and_punctuation_pass(self):
        source = """{% load i18n %}{# a note #}<p>{% translate "Record an update" %}</p>
            <p>{% blocktranslate trimmed with number=action.number %}Action {{ number }}{% endblocktranslate %}</p>
            <a href="{{ url }}" title="{% translate 'Open' %}">{{ action }}</a> – 3 / 4 &nbsp; (
            {% include "includes/x.html" with heading=_("Your actions") kind="danger" %}
            {% comment %}Prose for developers{% endcomment %}"""
        assert untranslated(source) == []


@pytest.mark.parametrize("path", template_paths(), ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_every_word_of_the_template_is_translatable(path):
    if str(path.relative_to(TEMPLATES)) in PENDING:
        pytest.skip("being marked for translation")
    assert untranslated(path.read_text()) == [], (
        f"{path.relative_to(ROOT)} has text outside {{% translate %}} / {{% blocktranslate %}}")


def gettext_tool(name):
    tool = shutil.which(name)
    if tool is None:
        pytest.fail(f"GNU gettext's {name} is needed to check the catalogue: apt-get install gettext")
    return tool


def test_the_welsh_catalogue_has_every_string_translated(tmp_path, settings, monkeypatch):
    """makemessages, as `make messages` runs it, into an empty catalogue; every string it finds must
    be in the committed one with a Welsh translation that is not fuzzy (msgcmp). It runs in a folder
    of links to the project's files (all but locale/), since makemessages writes into whatever
    locale/ folder lies above the files it reads."""
    gettext_tool("xgettext")
    source = tmp_path / "source"
    source.mkdir()
    for entry in ROOT.iterdir():
        if entry.name != "locale" and not entry.name.startswith("."):
            (source / entry.name).symlink_to(entry)
    (source / "locale").mkdir()
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)
    call_command("makemessages", symlinks=True, **MAKEMESSAGES_OPTIONS)
    fresh = source / "locale" / "cy" / "LC_MESSAGES" / "django.po"
    assert fresh.exists()
    result = subprocess.run(  # noqa: S603 - GNU gettext, found on PATH, on our own files
        [gettext_tool("msgcmp"), str(CATALOGUE), str(fresh)], capture_output=True, text=True)
    missing = re.findall(r"this message is used but not defined|this message is untranslated", result.stderr)
    assert result.returncode == 0, (
        f"{len(missing) or 'some'} string(s) missing from or untranslated in locale/cy: run `make messages`, "
        f"translate, and run it again.\n{result.stderr[:4000]}")


def test_no_welsh_string_is_fuzzy_or_malformed():
    result = subprocess.run(  # noqa: S603 - GNU gettext, found on PATH, on our own files
        [gettext_tool("msgfmt"), "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr


def test_the_compiled_catalogue_is_the_one_the_po_gives(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run([gettext_tool("msgfmt"), "--check", "-o", str(compiled), str(CATALOGUE)], check=True)  # noqa: S603
    assert compiled.read_bytes() == COMPILED.read_bytes(), "locale/cy/LC_MESSAGES/django.mo is stale: run `make messages`"
