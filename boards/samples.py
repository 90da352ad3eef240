"""The main pages of a plan built by `manage.py generate_sample_data`, for the performance
suite (benchmarks/) and the test that query counts do not grow with data."""

from django.urls import NoReverseMatch, reverse

from improvement.models import Action, Measure, User

from .models import Meeting, UpdateRound


def main_pages(plan, *, skipped: list | None = None) -> list[tuple[str, User, str]]:
    """(page name, the user who reads it, URL) for each main page of a sample plan: the plan's
    manager reads them all but My actions, which is the council's lead's. A page whose URL is not
    defined (yet), or that the plan has nothing for, is left out and named in ``skipped``, with
    why."""
    number = plan.slug.split("-")[-2]
    prefix = plan.slug.rsplit("-", 2)[0]
    manager = User.objects.get(username=f"{prefix}-manager-{number}")
    lead = User.objects.get(username=f"{prefix}-lead-{number}")
    actions = Action.objects.filter(plan=plan).order_by("pk")
    action = actions.filter(review_notes__isnull=False).first() or actions.first()  # one the board challenged
    round_ = UpdateRound.objects.filter(plan=plan).order_by("-period").first()
    meeting = Meeting.objects.filter(plan=plan).order_by("-date").first()
    table = reverse("improvement:action_table", args=[plan.pk])
    measure = Measure.objects.filter(plan=plan, values__isnull=False).order_by("position", "pk").first()
    optional = []
    for name, url_name, args in (("Scorecard", "improvement:measure_list", [plan.pk]),
                                 ("Measure", "improvement:measure_detail", [measure.pk] if measure else None)):
        if args is None:
            why = "the plan has no measure with values (generate_sample_data --measures 0?)"
        else:
            try:
                optional.append((name, manager, reverse(url_name, args=args)))
                continue
            except NoReverseMatch:
                why = f"no URL named {url_name} yet"
        if skipped is not None:
            skipped.append(f"{name}: {why}")
    return [
        ("Plan", manager, reverse("improvement:plan_detail", args=[plan.pk])),
        ("Theme", manager, reverse("improvement:theme_detail", args=[plan.pk, action.theme_id])),
        ("Action", manager, reverse("improvement:action_detail", args=[action.pk])),
        ("Action table", manager, table),
        ("Action table, filtered", manager, table + "?missing=on&sort=-status"),
        ("My actions", lead, reverse("improvement:my_actions")),
        ("Round status", manager, reverse("boards:round_detail", args=[round_.pk])),
        ("Dashboard", manager, reverse("boards:dashboard", args=[plan.pk])),
        ("Meeting", manager, reverse("boards:meeting_detail", args=[meeting.pk])),
        ("Board pack web page", manager, reverse("reports:pack_html", args=[meeting.pk])),
        *optional,
    ]
