"""Each main page asks the database the same number of questions whatever the size of the data:
a plan built by generate_sample_data at one size, then at ten times the actions (and three
times the months of history, so thirty times the updates, and more review notes), and ten times
the measures."""

import io

from django.core.management import call_command

from boards.samples import main_pages
from improvement.models import Plan

from ..conftest import client_for, count_queries


def sample_plan(prefix, actions, months, measures):
    call_command("generate_sample_data", stdout=io.StringIO(), prefix=prefix, councils=1, plans_per_council=1,
                 actions=actions, months=months, measures=measures)
    return Plan.objects.get(slug=f"{prefix.lower()}-1-1")


def query_counts(plan):
    counts = {}
    for name, user, url in main_pages(plan):
        client = client_for(user)
        client.get(url)  # the first request may fill caches (sessions, the site's settings)
        counts[name] = count_queries(client, url)
    return counts


def test_no_main_page_asks_more_queries_with_ten_times_the_data(scheme):
    small = query_counts(sample_plan("One", actions=24, months=4, measures=5))
    large = query_counts(sample_plan("Ten", actions=240, months=12, measures=50))
    assert large == small
    assert set(small) == {"Plan", "Theme", "Action", "Action table", "Action table, filtered", "My actions",
                          "Round status", "Dashboard", "Meeting", "Board pack web page", "Scorecard", "Measure"}
