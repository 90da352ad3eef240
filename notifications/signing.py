"""Signing a delivery as the Standard Webhooks specification does (www.standardwebhooks.com), so
a receiver can use one of its libraries or the few lines in docs/webhooks.md.

The signed content is ``{id}.{timestamp}.{body}``; the signature is HMAC-SHA256 keyed with the
subscription's secret (the base64 after ``whsec_``), in base64, sent as ``webhook-signature:
v1,<signature>`` beside ``webhook-id`` and ``webhook-timestamp`` (Unix seconds). A receiver
refuses a timestamp more than five minutes from its clock, which stops a captured delivery
being replayed later.
"""

import base64
import hashlib
import hmac

TOLERANCE_SECONDS = 5 * 60


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    content = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(_key(secret), content, hashlib.sha256).digest()).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {"webhook-id": message_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(secret, message_id, timestamp, body)}


def verify(secret: str, headers: dict, body: bytes, *, now: int) -> bool:
    """What a receiver does (the tests' receiver uses it): the timestamp is recent and one of the
    signatures in the header (space-separated, for a secret being rotated) matches."""
    try:
        timestamp = int(headers["webhook-timestamp"])
        expected = signature(secret, headers["webhook-id"], timestamp, body)
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    return any(hmac.compare_digest(expected, given) for given in headers.get("webhook-signature", "").split())
