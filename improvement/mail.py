"""Emails made from templates: ``templates/<app>/emails/<name>.txt`` holds the subject on its
first line, then a blank line, then the body (plain text: write ``{% autoescape off %}`` around it)."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string


def templated_email(template: str, context: dict, to: list[str], **kwargs) -> EmailMessage:
    """The email that ``template`` makes from ``context``, addressed to ``to``."""
    subject, _blank, body = render_to_string(template, context).partition("\n\n")
    return EmailMessage(subject.strip(), body, to=to, **kwargs)


def send_templated(template: str, context: dict, to: list[str], **kwargs) -> int:
    """Make the email and send it (1 when sent)."""
    return templated_email(template, context, to, **kwargs).send()
