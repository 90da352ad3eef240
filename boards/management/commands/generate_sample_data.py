"""Synthetic data at scale for the performance suite: councils, plans, themes, recommendations,
leads across agencies, monthly updates with plausible status changes and review notes,
evidence links, boards, meetings and challenges, and measures (about 20 a plan, each with two
targets, a tolerance, an owner among the plan's posts, links to one to three actions, a value for
every period it expects one and a few corrections). Deterministic for a given --seed.

20 councils x 3 plans x 300 actions x 36 months is about 650,000 updates. Rows are written in
bulk (this is test data: the RAG history's single door, record_update(), is for real updates, as
Measure.record_value() is for real values; the values built here keep its rules all the same: in
the unit's range, none before the baseline or after the plan's current period).
"""

import datetime
import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from boards.models import Board, BoardMember, Meeting, ReviewNote, UpdateRound
from improvement.models import (
    Action,
    Evidence,
    Measure,
    MeasureTarget,
    MeasureValue,
    Organisation,
    Plan,
    PlanRole,
    Post,
    RagScheme,
    Recommendation,
    ReportedAction,
    Source,
    Theme,
    Update,
    User,
    add_months,
    number_sort_key,
)

AGENCIES = ["Council", "NHS Trust", "Police", "Schools Forum", "Safeguarding Children Board",
            "Clinical Commissioning Group"]
POSTS = ["Director of Children's Services", "Head of Safeguarding", "Head of Corporate Parenting", "Early Help Lead",
         "Designated Nurse", "Detective Inspector, Public Protection", "Head of Quality Assurance",
         "Principal Social Worker", "Workforce Development Lead", "LSCB Business Manager",
         "Head of Service, Referral and Assessment", "Head of Service, Looked After Children"]
THEMES = ["Improving the quality of partnership and governance", "Capacity, capability and culture",
          "Quality and effectiveness of front line practice", "Knowing how well we are doing",
          "Children looked after and care leavers"]
VERBS = ["Review", "Implement", "Ensure", "Develop", "Audit", "Strengthen", "Embed", "Establish"]
OBJECTS = ["multi-agency thresholds", "the quality assurance framework", "supervision of social workers",
           "core group arrangements", "the LADO arrangements", "chronologies on case files",
           "the early help offer", "pathway plans for care leavers", "the complaints process",
           "performance reporting to the Board"]
NOTES = ["Progress reviewed at the operational group; audit of twenty cases completed.",
         "Recruitment under way; interim cover in place.", "Draft framework agreed; roll-out planned next month.",
         "Partners have agreed the approach; training dates set.", "Delayed by staffing; revised plan in place.",
         "Evidence of impact from case file audit: practice improving.", "Not yet started: due later in the plan."]


class Command(BaseCommand):
    help = "Build deterministic synthetic data at scale for the benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--councils", type=int, default=20)
        parser.add_argument("--plans-per-council", type=int, default=3)
        parser.add_argument("--actions", type=int, default=300, help="Actions per plan.")
        parser.add_argument("--months", type=int, default=36, help="Months of monthly updates.")
        parser.add_argument("--measures", type=int, default=20, help="Measures per plan (0 for none).")
        parser.add_argument("--seed", type=int, default=2012)
        parser.add_argument("--prefix", default="Sample", help="Names start with this; existing ones are refused.")

    def handle(self, *args, **options):
        for name in ("councils", "plans_per_council", "actions", "months"):
            if options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} must be at least 1.")
        prefix = options["prefix"]
        if Organisation.objects.filter(name__startswith=f"{prefix} Council ").exists():
            raise CommandError(f"Sample data named “{prefix}” exists already: use another --prefix.")
        rng = random.Random(options["seed"])
        started = time.monotonic()
        totals = {"plans": 0, "actions": 0, "updates": 0, "measures": 0, "values": 0}
        scheme = RagScheme.objects.get(slug="five-state")
        statuses = list(scheme.statuses.order_by("severity", "position"))
        start = datetime.date(2022, 1, 1)
        for council_number in range(1, options["councils"] + 1):
            with transaction.atomic():
                counts = self.council(rng, prefix, council_number, options, scheme, statuses, start)
            for key, value in counts.items():
                totals[key] += value
            self.stdout.write(f"Council {council_number}: {counts['actions']} actions, {counts['updates']:,} updates, "
                              f"{counts['measures']} measures ({time.monotonic() - started:.0f} s)")
        self.stdout.write(f"Built {totals['plans']} plans, {totals['actions']:,} actions, {totals['updates']:,} "
                          f"updates, {totals['measures']:,} measures and {totals['values']:,} measure values in "
                          f"{time.monotonic() - started:.1f} s")

    def council(self, rng, prefix, number, options, scheme, statuses, start):
        council = Organisation.objects.create(name=f"{prefix} Council {number}")
        agencies = [Organisation.objects.get_or_create(name=f"{prefix} {agency} {number}",
                                                       defaults={"kind": "other"})[0] for agency in AGENCIES]
        manager = User.objects.create_user(f"{prefix.lower()}-manager-{number}", organisation=council)
        lead = User.objects.create_user(f"{prefix.lower()}-lead-{number}", organisation=council)
        chair = User.objects.create_user(f"{prefix.lower()}-chair-{number}", organisation=agencies[4])
        posts = [Post.objects.create(organisation=rng.choice([council, *agencies]), title=title) for title in POSTS]
        posts[1].holders.add(lead)
        board = Board.objects.create(name=f"{prefix} Improvement Board {number}", kind=Board.Kind.IMPROVEMENT_BOARD)
        BoardMember.objects.bulk_create([BoardMember(board=board, user=chair, role=BoardMember.Role.CHAIR),
                                         BoardMember(board=board, user=manager, role=BoardMember.Role.OFFICER)])
        counts = {"plans": 0, "actions": 0, "updates": 0, "measures": 0, "values": 0}
        months = options["months"]
        current = add_months(start, months - 1)
        for plan_number in range(1, options["plans_per_council"] + 1):
            plan = Plan.objects.create(organisation=council, name=f"{prefix} plan {number}.{plan_number}",
                                       slug=f"{prefix.lower()}-{number}-{plan_number}", rag_scheme=scheme,
                                       current_period=current)
            PlanRole.objects.create(plan=plan, user=manager, role=PlanRole.Role.MANAGER)
            board.plans.add(plan)
            source = Source.objects.create(plan=plan, key="OIS", kind=Source.Kind.OFSTED_INSPECTION,
                                           title="Ofsted inspection", published=start)
            recommendations = Recommendation.objects.bulk_create(
                Recommendation(source=source, reference=str(n), reference_sort=number_sort_key(str(n)),
                               text=f"Recommendation {n}",
                               urgency=rng.choice(["immediately", "within_3_months", "within_6_months", "other"]))
                for n in range(1, 21))
            themes = Theme.objects.bulk_create(Theme(plan=plan, code=str(n), title=title, position=n)
                                               for n, title in enumerate(THEMES, start=1))
            actions = []
            for n in range(options["actions"]):
                theme = themes[n % len(themes)]
                number_text = f"{theme.code}.{n // len(themes) + 1}"
                actions.append(Action(
                    plan=plan, theme=theme, number=number_text, number_sort=number_sort_key(number_text), position=n,
                    description=f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} across the partnership.",
                    lead_agency=rng.choice(AGENCIES),
                    timescale=f"{add_months(start, rng.randrange(3, months + 6)):%b %Y}",
                    due_date=add_months(start, rng.randrange(3, months + 6)),
                    measures="Case file audit\nPerformance data"))
            actions = Action.objects.bulk_create(actions, batch_size=1000)
            Action.lead_posts.through.objects.bulk_create(
                # The council's lead (posts[1]) leads every twelfth action at least.
                (Action.lead_posts.through(action_id=a.pk, post_id=(posts[1] if i % 12 == 0 else rng.choice(posts)).pk)
                 for i, a in enumerate(actions)),
                batch_size=2000)
            Action.recommendations.through.objects.bulk_create(
                (Action.recommendations.through(action_id=a.pk, recommendation_id=rng.choice(recommendations).pk)
                 for a in actions), batch_size=2000)
            updates = []
            for action in actions:
                level = rng.randrange(1, len(statuses))
                begins = rng.randrange(0, max(1, months // 12))  # most actions start in the first months
                for month in range(begins, months):
                    # A random walk towards completion: mostly steady, sometimes better or worse.
                    step = rng.random()
                    if step < 0.12:
                        level = max(0, level - 1)
                    elif step > 0.93:
                        level = min(len(statuses) - 1, level + 1)
                    period = add_months(start, month)
                    updates.append(Update(action=action, period=period, status=statuses[level], note=rng.choice(NOTES),
                                          created_by=lead, created_at=_at(add_months(period, 1)),
                                          is_illustrative=True))
                action.current_status = statuses[level]
                if len(updates) >= 20000:
                    counts["updates"] += len(Update.objects.bulk_create(updates, batch_size=5000))
                    updates = []
            counts["updates"] += len(Update.objects.bulk_create(updates, batch_size=5000))
            Action.objects.bulk_update(actions, ["current_status"], batch_size=1000)
            ReportedAction.objects.rebuild(plan)  # bulk_create() skipped the period view's door too
            Evidence.objects.bulk_create(
                (Evidence(action=a, title="Audit report", url=f"https://intranet.example.org/audit/{a.pk}")
                 for a in actions[:: 10]), batch_size=2000)
            leads_open = [a for a in actions[::12] if not a.current_status.is_complete] or actions
            rounds = []
            for month in (months - 2, months - 1):  # last month's round closed, this month's open
                if rounds:
                    rounds[-1].close(by=manager)
                rounds.append(UpdateRound.objects.create(plan=plan, period=add_months(start, month),
                                                         deadline=add_months(start, month) + datetime.timedelta(days=9),
                                                         opened_by=manager))
            for round_ in rounds:
                meeting = Meeting.objects.create(board=board, plan=plan, round=round_,
                                                 date=round_.deadline + datetime.timedelta(days=7))
                # Ten notes for a plan of 300 actions, at least two: the first on an open action of the
                # lead's, the second on one the board must look at (its attention list), so that every
                # part of the meeting page and the board pack has something to show at any size.
                attention = [a for a in actions if a.current_status.needs_board_attention
                             or a.is_overdue(meeting.date)] or actions
                choices = [leads_open, attention]
                ReviewNote.objects.bulk_create(
                    ReviewNote(meeting=meeting, action=rng.choice(choices[n] if n < 2 else actions), author=chair,
                               kind=rng.choice(["comment", "question", "challenge"]),
                               text="What does the latest audit show?") for n in range(max(2, len(actions) // 30)))
            if options["measures"]:
                # The action the main pages' benchmark reads (the first challenged) has a measure at any size.
                challenged = Action.objects.filter(plan=plan, review_notes__isnull=False).order_by("pk").first()
                measures, values = sample_measures(rng, plan, actions, posts, lead, options["measures"], start, months,
                                                   first_action=challenged)
                counts["measures"] += measures
                counts["values"] += values
            counts["plans"] += 1
            counts["actions"] += len(actions)
        return counts


MEASURES = [  # name, unit, polarity, frequency, (low, high) where its values start
    ("Children seen alone at statutory visits", Measure.Unit.PERCENTAGE, "higher", "monthly", (55, 80)),
    ("Re-referrals within 12 months", Measure.Unit.PERCENTAGE, "lower", "monthly", (18, 32)),
    ("Assessments completed within 45 working days", Measure.Unit.PERCENTAGE, "higher", "monthly", (50, 75)),
    ("Child protection plans lasting two years or more", Measure.Unit.PERCENTAGE, "lower", "quarterly", (4, 12)),
    ("Core groups held to timescale", Measure.Unit.PERCENTAGE, "higher", "monthly", (60, 85)),
    ("Social workers receiving monthly supervision", Measure.Unit.PERCENTAGE, "higher", "monthly", (55, 80)),
    ("Agency social workers", Measure.Unit.NUMBER, "lower", "monthly", (15, 45)),
    ("Average days from referral to strategy discussion", Measure.Unit.DAYS, "lower", "monthly", (2, 9)),
    ("Children subject of a child protection plan", Measure.Unit.RATE, "lower", "monthly", (40, 70)),
    ("Children looked after", Measure.Unit.RATE, "lower", "quarterly", (60, 90)),
    ("Care leavers in education, employment or training", Measure.Unit.PERCENTAGE, "higher", "quarterly", (40, 60)),
    ("Case file audits rated good or better", Measure.Unit.PERCENTAGE, "higher", "monthly", (20, 45)),
    ("Average caseload of a social worker", Measure.Unit.NUMBER, "lower", "monthly", (18, 28)),
    ("Days from entering care to adoption", Measure.Unit.DAYS, "lower", "quarterly", (500, 700)),
    ("Child protection training compliance", Measure.Unit.PERCENTAGE, "higher", "monthly", (30, 90)),
    ("Strategy discussions attended by police", Measure.Unit.PERCENTAGE, "higher", "monthly", (50, 85)),
    ("Pathway plans up to date", Measure.Unit.PERCENTAGE, "higher", "monthly", (40, 70)),
    ("Children missing from care", Measure.Unit.NUMBER, "lower", "monthly", (5, 25)),
    ("Staff survey: caseloads manageable", Measure.Unit.PERCENTAGE, "higher", "annual", (50, 75)),
    ("Complaints responded to within 20 days", Measure.Unit.PERCENTAGE, "higher", "monthly", (55, 85)),
]
STEP = Decimal("0.1")


def sample_measures(rng, plan, actions, posts, lead, count, start, months, first_action=None) -> tuple[int, int]:
    """About ``count`` measures for the plan, with their targets, links and values; returns
    (measures, values). Values follow a noisy line from the baseline towards the second target
    (sometimes falling short), one for every period the measure expects from the baseline's to
    the plan's current one; one measure in eight has a corrected value. The first measure is
    linked to ``first_action``, when given."""
    current = add_months(start, months - 1)
    built, links, theme_links, targets, values = [], [], [], [], []
    for n in range(count):
        name, unit, polarity, frequency, (low, high) = MEASURES[n % len(MEASURES)]
        if n >= len(MEASURES):
            name = f"{name} ({n // len(MEASURES) + 1})"
        baseline = _in_range(Decimal(str(rng.uniform(low, high))), unit)
        baseline_month = rng.randrange(0, max(1, months // 6))
        better = 1 if polarity == "higher" else -1
        spread = (high - low) or 1
        goal = baseline + better * Decimal(str(rng.uniform(0.2, 0.6) * spread))
        goal = _in_range(goal, unit)
        built.append(Measure(
            plan=plan, reference=f"M{n + 1}", name=name, unit=unit, polarity=polarity, frequency=frequency,
            definition=f"{name}, as counted by the council's performance team.", data_source="Performance scorecard",
            owner=posts[1] if n % 5 == 0 else rng.choice(posts), baseline_value=baseline,
            baseline_date=add_months(start, baseline_month),
            tolerance=Decimal(str(max(1, round(spread * 0.1)))), position=n + 1, is_illustrative=True))
        built[-1].sample = (baseline, goal, baseline_month)
    built = Measure.objects.bulk_create(built)
    halfway, end = add_months(start, months // 2 + 1), add_months(start, months)
    for measure in built:
        baseline, goal, baseline_month = measure.sample
        middle = _in_range((baseline + goal) / 2, measure.unit)
        targets += [MeasureTarget(measure=measure, date=halfway - datetime.timedelta(days=1), value=middle,
                                  note="Interim target"),
                    MeasureTarget(measure=measure, date=end - datetime.timedelta(days=1), value=goal,
                                  note="End of plan")]
        linked = rng.sample(actions, rng.randint(1, min(3, len(actions))))
        if first_action is not None and measure.position == 1 and first_action not in linked:
            linked[0] = first_action
        links += [Measure.actions.through(measure_id=measure.pk, action_id=a.pk) for a in linked]
        theme_links += [Measure.themes.through(measure_id=measure.pk, theme_id=theme_id)
                        for theme_id in sorted({a.theme_id for a in linked})]
        # How far towards its goal this measure gets: some overshoot, some stall.
        reach = rng.uniform(0.2, 1.3)
        expected = Measure.EXPECTED_MONTHS[measure.frequency]
        span = max(1, months - 1 - baseline_month)
        periods = []
        for month in range(baseline_month, months):
            period = add_months(start, month)
            if period.month not in expected and month != baseline_month:
                continue
            progress = Decimal(str(reach * (month - baseline_month) / span))
            noise = Decimal(str(rng.gauss(0, 0.05) * float(abs(goal - baseline) or 1)))
            value = _in_range(baseline + (goal - baseline) * progress + noise, measure.unit)
            values.append(MeasureValue(measure=measure, period=period, value=value, recorded_by=lead,
                                       recorded_at=_at(add_months(period, 1)), via=MeasureValue.Via.IMPORT,
                                       is_illustrative=True))
            periods.append((period, value))
        if measure.position % 8 == 0 and len(periods) > 1:  # a correction, recorded a week later
            period, value = periods[rng.randrange(len(periods))]
            corrected = _in_range(value + Decimal(str(rng.choice([-2, -1, 1, 2]))), measure.unit)
            values.append(MeasureValue(measure=measure, period=period, value=corrected, recorded_by=lead,
                                       recorded_at=_at(add_months(period, 1) + datetime.timedelta(days=7)),
                                       via=MeasureValue.Via.PAGE, commentary="Corrected after validation.",
                                       is_illustrative=True))
    assert all(v.period <= current for v in values)
    MeasureTarget.objects.bulk_create(targets, batch_size=2000)
    Measure.actions.through.objects.bulk_create(links, batch_size=2000)
    Measure.themes.through.objects.bulk_create(theme_links, batch_size=2000)
    MeasureValue.objects.bulk_create(values, batch_size=5000)
    return len(built), len(values)


def _in_range(value: Decimal, unit: str) -> Decimal:
    """``value`` inside the unit's range, to one decimal place (a whole number of people or days)."""
    ceiling = Decimal(100) if unit == Measure.Unit.PERCENTAGE else None
    value = max(Decimal(0), value)
    value = min(ceiling, value) if ceiling is not None else value
    return value.quantize(Decimal(1) if unit in (Measure.Unit.NUMBER, Measure.Unit.DAYS) else STEP)


def _at(day):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
