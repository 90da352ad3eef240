import datetime

import pytest

from boards.models import Meeting, UpdateRound
from tests.conftest import PERIOD


@pytest.fixture
def open_round(plan, manager):
    return UpdateRound.objects.create(plan=plan, period=PERIOD, deadline=datetime.date(2012, 12, 10),
                                      opened_by=manager)


@pytest.fixture
def meeting(board, plan, open_round):
    return Meeting.objects.create(board=board, plan=plan, round=open_round, date=datetime.date(2012, 12, 17))
