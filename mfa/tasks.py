"""The reset email is sent by the task worker, not in the request: the request page then takes
as long whether or not an account has the address (sending by SMTP would otherwise tell)."""

from django.core.mail import EmailMessage
from django.tasks import task


@task
def send_reset_email(subject: str, body: str, to: str) -> int:
    return EmailMessage(subject, body, to=[to]).send()
