"""Drift: whether what a published summary speaks for has changed since it was approved.

Each entry of a snapshot keeps the internal status of every action it covers at approval (its
"fingerprint": the theme's actions, the recommendation's actions, or all the plan's for the
introduction). An entry has drifted when any of those actions' current status differs, or an
action was added or removed. Read in two queries whatever the plan's size.
"""

from collections import defaultdict

from improvement.models import Action


def current_fingerprints(plan) -> dict[str, dict[str, str]]:
    """Every snapshot key's fingerprint as it would be now."""
    rows = list(Action.objects.filter(plan=plan).order_by("pk").values_list("pk", "theme_id", "current_status__code"))
    links = Action.recommendations.through.objects.filter(action__plan=plan).values_list("action_id",
                                                                                         "recommendation_id")
    code = {str(pk): status or "" for pk, _theme, status in rows}
    found: dict[str, dict[str, str]] = defaultdict(dict)
    found["plan"] = dict(code)
    for pk, theme_id, _status in rows:
        found[f"theme-{theme_id}"][str(pk)] = code[str(pk)]
    for action_id, recommendation_id in links:
        found[f"recommendation-{recommendation_id}"][str(action_id)] = code[str(action_id)]
    return found


def drifted_keys(publication) -> set[str]:
    """The keys of the snapshot's entries whose internal statuses have changed since approval."""
    if publication is None:
        return set()
    now = current_fingerprints(publication.plan)
    return {entry["key"] for entry in publication.content.get("entries", [])
            if now.get(entry["key"], {}) != entry.get("fingerprint", {})}


def pack_notes(meeting) -> list[str]:
    """For the board pack's key: the plan's published summaries that have drifted."""
    from django.utils.translation import gettext, ngettext

    from .models import PublicationSettings

    settings_ = PublicationSettings.objects.filter(plan=meeting.plan, is_published=True).first()
    if settings_ is None:
        return []
    publication = settings_.latest()
    keys = drifted_keys(publication)
    if not keys:
        return []
    titles = [entry["title_en"] or entry["key"] for entry in publication.content["entries"] if entry["key"] in keys]
    return [ngettext(
        "Changed since published: the public summary of %(titles)s no longer matches the internal status of "
        "what it covers. Its writer should update it and send it for approval.",
        "Changed since published: the public summaries of %(titles)s no longer match the internal statuses of "
        "what they cover. Their writer should update them and send them for approval.",
        len(titles)) % {"titles": ", ".join(titles)} if titles else gettext("Changed since published.")]
