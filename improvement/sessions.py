"""Sessions in the database, as Django keeps them, except that renewing one does not wait for
the disk.

Every request of a signed-in person renews their session (the 30-minute idle limit counts from
the last request: SESSION_SAVE_EVERY_REQUEST), so every page ends with a write. On PostgreSQL
that write waits for its commit to reach the disk, which on the benchmark machine cost more
than rendering a whole page without data (about 4 ms). A renewal is not worth that wait: if the
server crashed in the moment before PostgreSQL wrote it, the session would only keep its
previous expiry, a few seconds earlier. So a renewal commits asynchronously
(``synchronous_commit`` off for that transaction alone); creating a session at sign-in and
deleting it at sign-out still wait, as does everything else. See
docs/decisions/0010-session-renewal-commits-asynchronously.md.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import connections, router, transaction


class SessionStore(db.SessionStore):
    def save(self, must_create=False):
        using = router.db_for_write(self.model)
        if must_create or self.session_key is None or connections[using].vendor != "postgresql":
            return super().save(must_create)
        data = self.encode(self._get_session())
        with transaction.atomic(using=using):
            with connections[using].cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            renewed = self.model.objects.using(using).filter(session_key=self.session_key).update(
                session_data=data, expire_date=self.get_expiry_date())
        if not renewed:  # deleted meanwhile (signed out in another tab): as Django's own store says
            raise UpdateError
