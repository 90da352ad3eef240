"""Synthetic data at scale for the performance suite: councils, plans, themes, recommendations,
leads across agencies, monthly updates with plausible status changes and review notes,
evidence links, boards, meetings and challenges. Deterministic for a given --seed.

20 councils x 3 plans x 300 actions x 36 months is about 650,000 updates. Rows are written in
bulk (this is test data: the RAG history's single door, record_update(), is for real updates).
"""

import datetime
import random
import time

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
        parser.add_argument("--measures", type=int, default=20, help="Measures of impact per plan, with a "
                            "value a month (0 for none).")
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
        totals = {"plans": 0, "actions": 0, "updates": 0, "measure_values": 0}
        scheme = RagScheme.objects.get(slug="five-state")
        statuses = list(scheme.statuses.order_by("severity", "position"))
        start = datetime.date(2022, 1, 1)
        for council_number in range(1, options["councils"] + 1):
            with transaction.atomic():
                counts = self.council(rng, prefix, council_number, options, scheme, statuses, start)
            for key, value in counts.items():
                totals[key] += value
            self.stdout.write(f"Council {council_number}: {counts['actions']} actions, {counts['updates']:,} updates "
                              f"({time.monotonic() - started:.0f} s)")
        self.stdout.write(f"Built {totals['plans']} plans, {totals['actions']:,} actions, {totals['updates']:,} "
                          f"updates and {totals['measure_values']:,} measure values in "
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
        counts = {"plans": 0, "actions": 0, "updates": 0, "measure_values": 0}
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
            counts["measure_values"] += _measures(rng, plan, options["measures"], start, months, posts, actions,
                                                  themes, lead)
            counts["plans"] += 1
            counts["actions"] += len(actions)
        return counts


MEASURES = [("Children seen within timescale", Measure.Unit.PERCENTAGE, Measure.Polarity.HIGHER),
            ("Re-referrals within 12 months", Measure.Unit.PERCENTAGE, Measure.Polarity.LOWER),
            ("Assessments completed within 45 working days", Measure.Unit.PERCENTAGE, Measure.Polarity.HIGHER),
            ("Average days from referral to assessment", Measure.Unit.DAYS, Measure.Polarity.LOWER),
            ("Children subject of a child protection plan", Measure.Unit.RATE, Measure.Polarity.LOWER),
            ("Agency social workers", Measure.Unit.NUMBER, Measure.Polarity.LOWER)]


def _measures(rng, plan, count, start, months, posts, actions, themes, lead) -> int:
    """``count`` measures with a baseline, two dated targets, a tolerance, owners among the
    plan's posts, links to one to three actions, and a value a month (a random walk kept in range)
    with the odd correction. Written in bulk, like the updates; returns the values written."""
    if not count:
        return 0
    end = add_months(start, months - 1)
    measures = Measure.objects.bulk_create(
        Measure(plan=plan, reference=f"M{n + 1}", name=f"{MEASURES[n % len(MEASURES)][0]} ({n + 1})",
                unit=MEASURES[n % len(MEASURES)][1], polarity=MEASURES[n % len(MEASURES)][2],
                frequency=Measure.Frequency.QUARTERLY if n % 7 == 6 else Measure.Frequency.MONTHLY,
                owner=posts[1] if n % 5 == 0 else rng.choice(posts), baseline_date=start,
                baseline_value=50, tolerance=5, position=n, is_illustrative=True)
        for n in range(count))
    MeasureTarget.objects.bulk_create(
        MeasureTarget(measure=m, date=day, value=value) for m in measures
        for day, value in ((add_months(start, months // 2), 60 if m.polarity == Measure.Polarity.HIGHER else 40),
                           (add_months(end, 1), 75 if m.polarity == Measure.Polarity.HIGHER else 25)))
    Measure.actions.through.objects.bulk_create(
        Measure.actions.through(measure_id=m.pk, action_id=a.pk)
        for m in measures for a in rng.sample(actions, min(len(actions), rng.randint(1, 3))))
    Measure.themes.through.objects.bulk_create(
        Measure.themes.through(measure_id=m.pk, theme_id=themes[n % len(themes)].pk) for n, m in enumerate(measures))
    values = []
    for measure in measures:
        level = 50.0
        for month in range(months):
            period = add_months(start, month)
            if not measure.expects_value_in(period):
                continue
            level = min(100.0, max(0.0, level + rng.uniform(-3, 4) * (1 if measure.polarity == "higher" else -1)))
            figure = round(level, 1)
            values.append(MeasureValue(measure=measure, period=period, value=figure, recorded_by=lead,
                                       recorded_at=_at(add_months(period, 1)), via=MeasureValue.Via.DEMO,
                                       is_illustrative=True))
            if rng.random() < 0.03:  # a correction, which supersedes the first for reporting
                values.append(MeasureValue(measure=measure, period=period, value=round(min(100.0, figure + 0.5), 1),
                                           commentary="Corrected after data cleansing.", recorded_by=lead,
                                           recorded_at=_at(add_months(period, 1)) + datetime.timedelta(days=2),
                                           via=MeasureValue.Via.DEMO, is_illustrative=True))
    return len(MeasureValue.objects.bulk_create(values, batch_size=5000))


def _at(day):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
