"""The Atom feed of a plan's publications (``/public/plans/<slug>/feed/``): one entry per approved
snapshot, newest first, with the approved text only (no names of people). Empty while the plan is
switched off; the same strict and caching headers as the page."""

from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .models import Publication
from .public_views import current_language, find, page_context, public_headers

ENTRIES = 20


class PublicationFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        found = find(slug)
        if found is None or found["version"] is None:
            raise Http404("No published plan at this address.")
        found["language"] = current_language()
        publications = list(Publication.objects.filter(plan_id=found["plan_id"]).order_by("-version")[:ENTRIES]) \
            if found["is_published"] else []
        found["publications"] = publications
        latest = publications[0] if publications else None
        found["title"] = (page_context(latest, found, found["language"])["intro"] or {}).get("title", "") \
            if latest else ""
        return found

    def title(self, obj):
        if obj["title"]:
            return _("%(plan)s: progress updates") % {"plan": obj["title"]}
        return _("Progress updates")

    def link(self, obj):
        return reverse("publication:public_page", args=[obj["public_slug"]])

    def subtitle(self, obj):
        return "" if obj["is_published"] else _("This plan is not published.")

    def feed_url(self, obj):
        return reverse("publication:feed", args=[obj["public_slug"]])

    def items(self, obj):
        return [(obj, publication) for publication in obj["publications"]]

    def item_title(self, item):
        _obj, publication = item
        return _("Progress update %(version)s") % {"version": publication.version}

    def item_description(self, item):
        obj, publication = item
        return render_to_string("publication/feed_entry.html", page_context(publication, obj, obj["language"]))

    def item_link(self, item):
        obj, publication = item
        return f"{reverse('publication:public_page', args=[obj['public_slug']])}#version-{publication.version}"

    def item_guid(self, item):
        obj, publication = item
        return f"{self.item_link(item)}-{obj['plan_id']}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item[1].approved_at

    def item_updateddate(self, item):
        return item[1].approved_at


_feed = PublicationFeed()


@login_not_required
@require_safe
def feed(request, slug):
    response = _feed(request, slug=slug)
    response["Content-Language"] = translation.get_language()
    return public_headers(response)
