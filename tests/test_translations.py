"""The interface in Welsh: every template's words go through Django's translation machinery, the
Welsh catalogue has every string the code and templates mark, translated, and its compiled .mo is
the one the .po gives.

The template check reads each template with Django's own lexer: the text between tags and the
words in the attributes a person reads or hears (alt, title, aria-label, placeholder, ...) must be
inside ``{% translate %}`` or ``{% blocktranslate %}``; so must a quoted phrase given to ``with``,
``include ... with`` or ``|default:`` (write ``_("...")`` there). Variables, tags, comments, and
text without letters (punctuation, numbers, entities) pass."""

import html
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
