"""The public progress page of a plan, for anyone, with no sign-in: ``/public/plans/<slug>/``.

It shows only the latest approved snapshot (``Publication``), never the live plan: the plan's
title and purpose, the inspection it answers, each theme's (and recommendation's) public summary
and status, the date of the last approval, and the public measures as at that approval. No
person's name, no review note, challenge or evidence, nothing a writer drafted that was not
approved.

- GET and HEAD only (405 otherwise); the query string is ignored; no form, so no CSRF cookie,
  and no session: the page is rendered without the request, so it cannot show who is reading.
- The reader's language: the language cookie or Accept-Language, or the address's own
  (``/public/plans/<slug>/cy/``, ``/en/``, which the page's language links use instead of the
  signed-in service's switch, a form that would set a cookie). A missing translation is said.
- Cached: the rendered page is kept in Django's cache by plan, snapshot version and language, so
  a crowd costs one small query a request; ``Cache-Control: public, max-age=60`` with an ETag and
  Last-Modified from the snapshot, ``Vary: Accept-Language, Cookie``.
- Switched off (``PublicationSettings.is_published`` false) it answers at once, from the next
  request, with a page saying the plan is not published: 200, not 404, because the address is
  still the plan's (publication may be switched on again, and links and bookmarks should tell
  people why there is nothing), marked ``noindex`` so search engines drop it; its feed empties.
  An address that never published anything is a 404.
"""

import datetime

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import http_date
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from .models import Publication, SimpleStatus, Vocabulary

MAX_AGE = 60  # seconds a browser or proxy may keep the page: the longest a switch-off can lag downstream
CACHE_SECONDS = 60 * 60  # the server's copy of a rendered version (a new version has a new key)
LANGUAGES = {"en": "en-gb", "cy": "cy"}

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
       "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
PERMISSIONS = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
               "payment=(), usb=()")


def public_headers(response, *, max_age=MAX_AGE):
    """The strict headers every public response sends (the project's own are stricter here)."""
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Content-Security-Policy"] = CSP
    response["X-Frame-Options"] = "DENY"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Content-Type-Options"] = "nosniff"
    response["Permissions-Policy"] = PERMISSIONS
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


FIND_SQL = (
    "SELECT s.plan_id, s.public_slug, s.is_published, p.version, p.approved_at "
    "FROM publication_publicationsettings s LEFT JOIN publication_publication p ON p.plan_id = s.plan_id "
    "AND p.version = (SELECT MAX(version) FROM publication_publication WHERE plan_id = s.plan_id) "
    "WHERE s.public_slug = %s")


def find(slug) -> dict | None:
    """The settings of the public address with its latest version: one query, written as SQL
    because it runs on every public request (the ORM's query building took half the page's time)."""
    with connection.cursor() as cursor:
        cursor.execute(FIND_SQL, [slug])
        row = cursor.fetchone()
    if row is None:
        return None
    plan_id, public_slug, is_published, version, approved_at = row
    if isinstance(approved_at, str):  # SQLite gives text
        approved_at = parse_datetime(approved_at)
    if isinstance(approved_at, datetime.datetime) and timezone.is_naive(approved_at):
        approved_at = timezone.make_aware(approved_at, datetime.UTC)
    return {"plan_id": plan_id, "public_slug": public_slug, "is_published": bool(is_published), "version": version,
            "approved_at": approved_at}


def _text(entry, field, language):
    """(text, its language, missing) of an entry's field in the reader's language, falling back
    to the other language with the note that the translation is missing."""
    ours, other = ("cy", "en") if language == "cy" else ("en", "cy")
    if entry.get(f"{field}_{ours}"):
        return entry[f"{field}_{ours}"], ours, False
    if entry.get(f"{field}_{other}"):
        return entry[f"{field}_{other}"], other, True
    return "", ours, False


def _status(entry):
    if entry.get("status_vocabulary") == Vocabulary.SCHEME:
        return entry.get("status_label") or entry.get("status", "")
    code = entry.get("status", "")
    return str(SimpleStatus(code).label) if code in SimpleStatus.values else ""


def _shown(entry, language) -> dict:
    title, title_lang, title_missing = _text(entry, "title", language)
    summary, summary_lang, summary_missing = _text(entry, "summary", language)
    inspection, inspection_lang, inspection_missing = _text(entry, "inspection", language)
    return {"key": entry["key"], "title": title, "title_lang": title_lang, "summary": summary,
            "summary_lang": summary_lang, "inspection": inspection, "inspection_lang": inspection_lang,
            "missing": title_missing or summary_missing or inspection_missing, "status": _status(entry),
            "status_code": entry.get("status", "")}


def page_context(publication, found, language) -> dict:
    content = publication.content
    entries = [_shown(entry, language) for entry in content.get("entries", [])]
    intro = next((entry for entry in entries if entry["key"] == "plan"), None)
    measures = [{**measure, "period": parse_date(measure["period"]) if measure.get("period") else None}
                for measure in content.get("measures", [])]
    slug = found["public_slug"]
    return {
        "intro": intro,
        "themes": [entry for entry in entries if entry["key"].startswith("theme-")],
        "recommendations": [entry for entry in entries if entry["key"].startswith("recommendation-")],
        "measures": measures,
        "organisation": content.get("organisation", ""),
        "approved_at": publication.approved_at,
        "version": publication.version,
        "any_missing": any(entry["missing"] for entry in entries),
        "feed_url": reverse("publication:feed", args=[slug]),
        "language_links": _language_links(slug),
    }


def _language_links(slug):
    return [("en", "en-gb", "English", reverse("publication:public_page_in", args=[slug, "en"])),
            ("cy", "cy", "Cymraeg", reverse("publication:public_page_in", args=[slug, "cy"]))]


def _render(found, language) -> str:
    key = f"publication:page:{found['plan_id']}:{found['version']}:{language}"
    html = cache.get(key)
    if html is None:
        publication = Publication.objects.get(plan_id=found["plan_id"], version=found["version"])
        html = render_to_string("publication/public_page.html", page_context(publication, found, language))
        cache.set(key, html, CACHE_SECONDS)
    return html


def _not_published(found, language) -> HttpResponse:
    html = render_to_string("publication/public_not_published.html", {
        "language_links": _language_links(found["public_slug"])})
    response = HttpResponse(html)
    response["X-Robots-Tag"] = "noindex"
    return response


def _respond(request, slug, language):
    found = find(slug)
    if found is None or found["version"] is None:
        raise Http404("No published plan at this address.")
    code = translation.get_language()
    etag = f'"{found["plan_id"]}-{found["version"]}-{code}-{"on" if found["is_published"] else "off"}"'
    last_modified = found["approved_at"].timestamp() if isinstance(found["approved_at"], datetime.datetime) else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return public_headers(not_modified)
    response = HttpResponse(_render(found, language)) if found["is_published"] else _not_published(found, language)
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Content-Language"] = code
    return public_headers(response)


def current_language() -> str:
    return "cy" if (translation.get_language() or "").startswith("cy") else "en"


@login_not_required
@require_safe
def public_page(request, slug):
    return _respond(request, slug, current_language())


@login_not_required
@require_safe
def public_page_in(request, slug, language):
    if language not in LANGUAGES:
        raise Http404(gettext("No such language."))
    with translation.override(LANGUAGES[language]):
        return _respond(request, slug, language)
