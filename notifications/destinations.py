"""Where a webhook may be sent, and sending it there without being led anywhere else.

A destination must be an ``https://`` URL whose host resolves only to public addresses: a
private, loopback, link-local, shared, reserved or multicast address is refused (server-side
request forgery: a webhook must not become a way to reach the council's own network or a cloud
metadata service), unless an administrator allows it with ``WEBHOOK_ALLOW_PRIVATE_DESTINATIONS``
or lists its network in ``WEBHOOK_ALLOWED_NETWORKS``.

The address is checked on the form and again at every send, on the addresses the name resolves
to then; the connection is made to the address that was checked (not to the name again, which
DNS rebinding could point elsewhere in between), with TLS verified for the name. Redirects are
never followed: a 3xx answer is a failed delivery. Sent with the standard library's http.client,
so nothing between the check and the socket resolves the name a second time.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 10
MAX_RESPONSE_BYTES = 2000  # of the answer's body, kept for the log


class RefusedDestination(Exception):
    """The address may not be used; the message says why and what to do."""


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    body: str


def check_url(url: str) -> tuple[str, int]:
    """(host, port) of a URL that is well formed and HTTPS, or RefusedDestination."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise RefusedDestination(_("Enter a web address, like https://example.org/webhook")) from None
    if parts.scheme.lower() != "https":
        raise RefusedDestination(_("Enter an address that starts with https:// (notifications are only sent "
                                   "over an encrypted connection)"))
    if not parts.hostname:
        raise RefusedDestination(_("Enter a web address, like https://example.org/webhook"))
    if parts.username or parts.password:
        raise RefusedDestination(_("Enter the address without a user name or password in it"))
    return parts.hostname, port or 443


def _allowed_networks():
    return [ipaddress.ip_network(item, strict=False) for item in settings.WEBHOOK_ALLOWED_NETWORKS]


def address_refusal(address: str) -> str:
    """Why a resolved address may not be used ("" if it may)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_global and not ip.is_multicast:
        return ""
    if settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS and not (ip.is_multicast or ip.is_unspecified):
        return ""
    if any(ip in network for network in _allowed_networks()):
        return ""
    if ip.is_loopback:
        message = _("That address leads to a loopback address (%(ip)s), which notifications are not sent to. "
                    "Use the endpoint’s public address, or ask an administrator to allow it (WEBHOOK_ALLOWED_NETWORKS)")
    elif ip.is_link_local:
        message = _("That address leads to a link-local address (%(ip)s), which notifications are not sent to. "
                    "Use the endpoint’s public address, or ask an administrator to allow it (WEBHOOK_ALLOWED_NETWORKS)")
    elif ip.is_multicast:
        message = _("That address leads to a multicast address (%(ip)s), which notifications are not sent to. "
                    "Use the endpoint’s public address, or ask an administrator to allow it (WEBHOOK_ALLOWED_NETWORKS)")
    else:
        message = _("That address leads to a private or reserved address (%(ip)s), which notifications are not "
                    "sent to. Use the endpoint’s public address, or ask an administrator to allow it "
                    "(WEBHOOK_ALLOWED_NETWORKS)")
    return message % {"ip": ip}


def resolve(host: str, port: int) -> list[str]:
    """The addresses the host resolves to, each checked: RefusedDestination if any is refused
    (a name with one public and one private address is refused, not tried in turn)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise RefusedDestination(_("No server called “%(host)s” could be found: check the address")
                                 % {"host": host}) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        if refusal := address_refusal(address):
            raise RefusedDestination(refusal)
    return addresses


def check_destination(url: str) -> list[str]:
    """The addresses a URL may be sent to now, or RefusedDestination saying why not."""
    host, port = check_url(url)
    return resolve(host, port)


def tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=settings.WEBHOOK_CA_FILE or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to an address already checked, verifying the certificate for the
    host name (SNI and Host header as for the name)."""

    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict) -> Answer:
    """POST ``body`` to the URL (checked again now) and return the answer, never following a
    redirect. RefusedDestination for an address not allowed; OSError (and ssl's and
    http.client's errors) for a connection that failed."""
    host, port = check_url(url)
    addresses = resolve(host, port)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    context = tls_context()
    failure: Exception | None = None
    for address in addresses:
        connection = _PinnedHTTPSConnection(host, port, address, timeout=TIMEOUT_SECONDS, context=context)
        try:
            connection.request("POST", target, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read(MAX_RESPONSE_BYTES).decode("utf-8", "replace")
            return Answer(response.status, response.reason, text)
        except (ConnectionError, TimeoutError) as error:
            failure = error  # the next address of the name, if it has one
        finally:
            connection.close()
    raise failure or OSError(f"Could not connect to {host}")
