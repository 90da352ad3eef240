"""Emails made from templates: ``templates/<app>/emails/<name>.txt`` holds the subject on its
first line, then a blank line, then the body (plain text: write ``{% autoescape off %}`` around it).

``language`` renders the email in that language (the recipient's choice, ``User.language``):
``templated_email(..., language=recipient_language(user))``. Without it, the language active now."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def recipient_language(user) -> str:
    """The language to write to ``user`` in: their choice, else the site's (never the browser's of
    whoever happens to cause the email)."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def templated_email(template: str, context: dict, to: list[str], *, language: str | None = None,
                    **kwargs) -> EmailMessage:
    """The email that ``template`` makes from ``context``, addressed to ``to``."""
    if language:
        with translation.override(language):
            rendered = render_to_string(template, context)
    else:
        rendered = render_to_string(template, context)
    subject, _blank, body = rendered.partition("\n\n")
    return EmailMessage(subject.strip(), body, to=to, **kwargs)


def send_templated(template: str, context: dict, to: list[str], *, language: str | None = None, **kwargs) -> int:
    """Make the email and send it (1 when sent)."""
    return templated_email(template, context, to, language=language, **kwargs).send()
