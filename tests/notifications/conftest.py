"""A real HTTPS receiver on loopback for the webhook tests: http.server in a thread, with a
certificate made for the test by openssl (trusted through WEBHOOK_CA_FILE), recording what it
is sent and answering with the statuses a test gives it. Deliveries reach it because the tests
set WEBHOOK_ALLOW_PRIVATE_DESTINATIONS; a test of refusals turns that off."""

import json
import shutil
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from notifications.models import Event, Subscription


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("the webhook tests need openssl to make the receiver's certificate")
    folder = tmp_path_factory.mktemp("receiver-tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603 - fixed arguments
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True)
    return cert, key


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    port: int
    requests: list[Received] = field(default_factory=list)
    answers: list[tuple[int, dict]] = field(default_factory=list)  # (status, headers) for the next requests

    def answer(self, *statuses, headers=None):
        self.answers.extend((status, headers or {}) for status in statuses)


@pytest.fixture
def receiver(certificate, settings):
    cert, key = certificate
    settings.WEBHOOK_CA_FILE = str(cert)
    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = True
    state = Receiver(url="", port=0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            status, headers = state.answers.pop(0) if state.answers else (200, {})
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    state.port = server.server_address[1]
    state.url = f"https://localhost:{state.port}/hooks/plan"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


ALL_EVENTS = [value for value, _label in Event.choices if value != Event.TEST]


@pytest.fixture
def subscription(plan, manager, receiver):
    return Subscription.objects.create(plan=plan, name="Board's Teams channel", kind=Subscription.Kind.JSON,
                                       url=receiver.url, events=ALL_EVENTS, created_by=manager)
