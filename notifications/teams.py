"""A delivery as a Microsoft Teams message: an Adaptive Card, in the envelope a Teams Workflows
webhook ("Post to a channel when a webhook request is received") expects. Built from the same
payload as the JSON, so it carries nothing more. Its words are in the site's language
(settings.LANGUAGE_CODE): a channel is read by many people, whatever each one chose."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"


def _facts(payload: dict) -> list[dict]:
    facts = [(_("Plan"), payload["plan"]["name"])]
    if action := payload.get("action"):
        facts.append((_("Action"), f"{action['number']}: {action['description']}"))
    if update := payload.get("update"):
        facts.append((_("Period"), update["period_label"]))
        facts.append((_("Status"), update["status"]["label"]))
        if previous := update.get("previous_status"):
            facts.append((_("Previous status"), previous["label"]))
        if update.get("revised_due_date"):
            facts.append((_("Revised due date"), update["revised_due_date"]))
    if note := payload.get("note"):
        facts.append((_("Kind"), note["kind_label"]))
    if meeting := payload.get("meeting"):
        facts.append((_("Meeting"), f"{meeting['board']}, {meeting['date']}"))
    if round_ := payload.get("round"):
        facts.append((_("Period"), round_["period_label"]))
        facts.append((_("Deadline"), round_["deadline"]))
    if pack := payload.get("pack"):
        facts.append((_("Version"), str(pack["version"])))
        facts.append((_("Pages"), str(pack["pages"])))
    return [{"title": title, "value": value} for title, value in facts]


def link(payload: dict) -> str:
    """The page the message is about: the most particular one the payload names."""
    for part in ("note", "pack", "round", "action", "meeting", "plan"):
        if part in payload:
            return payload[part]["url"]
    return payload["plan"]["url"]


def adaptive_card(payload: dict) -> dict:
    with translation.override(settings.LANGUAGE_CODE):
        return _adaptive_card(payload)


def _adaptive_card(payload: dict) -> dict:
    card = {
        "$schema": CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": payload["summary"], "weight": "Bolder", "size": "Medium", "wrap": True},
            {"type": "FactSet", "facts": _facts(payload)},
        ],
        "actions": [{"type": "Action.OpenUrl", "title": _("Open in the improvement plan"), "url": link(payload)}],
    }
    return {"type": "message",
            "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
                             "content": card}]}
