"""Signals of the reports app, for other apps that act on what happens here (notifications sends
them on to a plan's webhook subscriptions). Sent inside the transaction that writes the event; a
receiver that acts outside the database does so on commit."""

from django.dispatch import Signal

# A board pack was issued (stored as the next version of its meeting's pack): ``pack``.
pack_issued = Signal()
