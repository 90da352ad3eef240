"""Sessions in the database, as Django keeps them, except that renewing one does not wait for
the disk, and takes one round trip to the database rather than three.

Every request of a signed-in person renews their session (the 30-minute idle limit counts from
the last request: SESSION_SAVE_EVERY_REQUEST), so every page ends with a write. Django writes
it as a transaction of its own (BEGIN, UPDATE, COMMIT), and on PostgreSQL the commit waits
for the disk: on the benchmark machine that cost more than the whole sign-in page. A renewal is
not worth the wait: if the server crashed in the moment before PostgreSQL wrote it, the session
would only keep its previous expiry, a few seconds earlier. So on PostgreSQL a renewal is one
statement, ``SET LOCAL synchronous_commit TO OFF; UPDATE ...``, which PostgreSQL runs as one
implicit transaction that commits without waiting. Creating a session at sign-in and deleting
it at sign-out still wait, as does everything else; so does a renewal inside a transaction
(none in the request cycle; tests). See docs/decisions/0013-session-renewal-commits-asynchronously.md.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import connections, router


class SessionStore(db.SessionStore):
    def save(self, must_create=False):
        connection = connections[router.db_for_write(self.model)]
        if (must_create or self.session_key is None or connection.vendor != "postgresql"
                or connection.in_atomic_block
                or connection.settings_dict["OPTIONS"].get("server_side_binding")):  # no parameters then
            return super().save(must_create)
        fields = self.model._meta
        table, data, expiry, key = (
            connection.ops.quote_name(name) for name in (
                fields.db_table, *(fields.get_field(f).column for f in ("session_data", "expire_date", "session_key"))))
        with connection.cursor() as cursor:
            cursor.execute(  # the names are the model's own, quoted; the values are parameters
                f"SET LOCAL synchronous_commit TO OFF; UPDATE {table} SET {data} = %s, {expiry} = %s "  # noqa: S608
                f"WHERE {key} = %s",
                [self.encode(self._get_session()), self.get_expiry_date(), self.session_key])
            cursor.nextset()  # the UPDATE's result, after the SET's
            renewed = cursor.rowcount
        if not renewed:  # deleted meanwhile (signed out in another tab): as Django's own store says
            raise UpdateError
