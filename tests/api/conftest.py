"""Tokens for the personas, and clients that send them the only way the API accepts."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from improvement.access import visible_plans


def issue_token(user, plans=None, *, days=30, name="Power BI"):
    """A token of ``user`` for ``plans`` (default: every plan they may read); returns (token, key)."""
    plans = visible_plans(user) if plans is None else plans
    return ApiToken.issue(owner=user, name=name, plans=plans,
                          expires_at=timezone.now() + datetime.timedelta(days=days))


def api_client(key):
    """A client sending ``key`` in the Authorization header, with no session."""
    return Client(headers={"Authorization": f"Bearer {key}"} if key else {})


@pytest.fixture
def viewer_key(viewer, plan):
    return issue_token(viewer)[1]
