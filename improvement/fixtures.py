"""Load a plan described as JSON (the format in fixtures/README.md).

The demo loads the seed-based plans this way. Loading validates the whole document first and
writes it in one transaction, so a bad file changes nothing.
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import (
    Action,
    ComparatorValue,
    Measure,
    MeasureTarget,
    MeasureValue,
    Milestone,
    Objective,
    Organisation,
    Plan,
    Post,
    RagScheme,
    Recommendation,
    Source,
    Theme,
    add_months,
    parse_period,
)

# The day of its period on which a fixture's update is dated as written.
WRITTEN_ON_DAY = 5


class FixtureError(ValueError):
    pass


def _date(value, where):
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise FixtureError(f"{where}: {value!r} is not a date in the form YYYY-MM-DD") from None


def _period(value, where):
    try:
        return parse_period(value)
    except (TypeError, ValueError, AttributeError):
        raise FixtureError(f"{where}: {value!r} is not a period in the form YYYY-MM") from None


def load_plan_file(path: Path, *, author=None) -> tuple[Plan, bool]:
    with open(path, encoding="utf-8") as handle:
        return load_plan_fixture(json.load(handle), author=author)


@transaction.atomic
def load_plan_fixture(data: dict, *, author=None) -> tuple[Plan, bool]:
    """Create the plan the document describes. Returns (plan, created).

    A plan whose slug exists already is returned as it is, but for the measures the document
    describes that it lacks (added since it was loaded), so loading twice is safe.
    """
    plan_data = data["plan"]
    existing = Plan.objects.filter(slug=plan_data["slug"]).first()
    if existing:
        load_measures(existing, data.get("measures", []), author=author)
        _load_clock(existing, plan_data)
        return existing, False

    org_data = data["organisation"]
    organisation, _ = Organisation.objects.get_or_create(
        name=org_data["name"], defaults={"kind": org_data.get("kind", "council")}
    )
    try:
        scheme = RagScheme.objects.get(slug=plan_data.get("rag_scheme", "five-state"))
    except RagScheme.DoesNotExist:
        raise FixtureError(f"plan: unknown RAG scheme {plan_data.get('rag_scheme')!r}") from None
    statuses = {status.code: status for status in scheme.statuses.all()}
    plan = Plan.objects.create(
        organisation=organisation,
        slug=plan_data["slug"],
        name=plan_data["name"],
        description=plan_data.get("description", ""),
        rag_scheme=scheme,
        current_period=_period(plan_data["current_period"], "plan.current_period"),
        abbreviations=data.get("abbreviations", []),
    )
    _load_clock(plan, plan_data)

    sources = {}
    for item in data.get("sources", []):
        sources[item["key"]] = Source.objects.create(
            plan=plan, key=item["key"], kind=item.get("kind", "other"), title=item["title"],
            published=_date(item.get("published"), f"source {item['key']}"),
        )
    recommendations = {}
    for item in data.get("recommendations", []):
        where = f"recommendation {item['source']} {item['reference']}"
        if item["source"] not in sources:
            raise FixtureError(f"{where}: no source with key {item['source']!r}")
        recommendation = Recommendation.objects.create(
            source=sources[item["source"]], reference=item["reference"],
            text=item.get("text", ""), urgency=item.get("urgency", "other"),
            due_date=_date(item.get("due_date"), where),
        )
        recommendations[f"{item['source']} {item['reference']}"] = recommendation

    posts = {}

    def post(title):
        if title not in posts:
            posts[title], _ = Post.objects.get_or_create(organisation=organisation, title=title)
        return posts[title]

    for item in data.get("posts", []):
        post_org, _ = Organisation.objects.get_or_create(
            name=item.get("organisation") or organisation.name,
            defaults={"kind": item.get("organisation_kind", "other")},
        )
        posts[item["title"]], _ = Post.objects.get_or_create(
            organisation=post_org, title=item["title"]
        )

    def recommendation_for(reference, where):
        if reference in recommendations:
            return [recommendations[reference]]
        if reference in sources:
            # A bare source key: the action answers the source as a whole.
            recommendation, _ = Recommendation.objects.get_or_create(
                source=sources[reference], reference="(whole report)",
                defaults={"text": sources[reference].title},
            )
            return [recommendation]
        raise FixtureError(f"{where}: unknown recommendation {reference!r}")

    position = 0
    seen_numbers = set()
    for theme_position, theme_data in enumerate(data.get("themes", []), start=1):
        theme = Theme.objects.create(
            plan=plan, code=theme_data.get("code", ""), title=theme_data["title"],
            lead=post(theme_data["lead"]) if theme_data.get("lead") else None,
            outcomes=theme_data.get("outcomes", ""), position=theme_position,
        )
        groups = [(None, theme_data.get("actions", []))]
        for objective_position, objective_data in enumerate(
            theme_data.get("objectives", []), start=1
        ):
            objective = Objective.objects.create(
                theme=theme, code=objective_data.get("code", ""), title=objective_data["title"],
                position=objective_position,
            )
            groups.append((objective, objective_data.get("actions", [])))
        for objective, actions in groups:
            for action_data in actions:
                position += 1
                where = f"action {action_data.get('number')!r}"
                if action_data["number"] in seen_numbers:
                    raise FixtureError(f"{where}: the number is used twice in the plan")
                seen_numbers.add(action_data["number"])
                action = Action.objects.create(
                    plan=plan, theme=theme, objective=objective, number=action_data["number"],
                    description=action_data["description"],
                    lead_agency=action_data.get("lead_agency", ""),
                    timescale=action_data.get("timescale", ""),
                    due_date=_date(action_data.get("due_date"), where),
                    measures=action_data.get("measures", ""),
                    cost=action_data.get("cost", ""), position=position,
                )
                action.lead_posts.set([post(title) for title in action_data.get("leads", [])])
                linked = []
                for reference in action_data.get("recommendations", []):
                    linked += recommendation_for(reference, where)
                action.recommendations.set(linked)
                Milestone.objects.bulk_create(
                    Milestone(action=action, title=m["title"], position=n,
                              due_date=_date(m.get("due_date"), where))
                    for n, m in enumerate(action_data.get("milestones", []), start=1)
                )
                _load_updates(action, action_data.get("updates", []), statuses, author, where)
    load_measures(plan, data.get("measures", []), author=author)
    return plan, True


def _load_clock(plan, plan_data):
    """Give the plan the document's statutory clock, unless it has one (added since it was loaded)."""
    if plan.regime or not plan_data.get("regime"):
        return
    plan.regime = plan_data["regime"]
    plan.clock_trigger = _date(plan_data.get("clock_trigger"), "plan.clock_trigger")
    try:
        plan.clean_clock()
    except ValidationError as error:
        raise FixtureError(f"plan: {'; '.join(error.messages)}") from None
    Plan.objects.filter(pk=plan.pk).update(regime=plan.regime, clock_trigger=plan.clock_trigger)


def _load_updates(action, updates, statuses, author, where):
    for update_data in updates:
        code = update_data["status"]
        if code not in statuses:
            raise FixtureError(f"{where}: status {code!r} is not in the plan's RAG scheme")
        period = _period(update_data["period"], where)
        # Date the entry as if written early in its period, before the update round's deadline
        # (the demo's rounds close on the 10th or 12th), as a lead who is on time would.
        written = timezone.make_aware(datetime.datetime.combine(
            period + datetime.timedelta(days=WRITTEN_ON_DAY - 1), datetime.time(10, 0)
        ))
        action.record_update(
            status=statuses[code], note=update_data.get("note", ""), by=author, period=period,
            written_at=written, is_illustrative=bool(update_data.get("illustrative")),
        )


def _clean(instance, where):
    try:
        instance.full_clean()
    except ValidationError as error:
        raise FixtureError(f"{where}: {'; '.join(error.messages)}") from None


def _number(value, where):
    try:
        return Decimal(str(value))
    except (ArithmeticError, ValueError):
        raise FixtureError(f"{where}: {value!r} is not a figure") from None


def load_measures(plan, items, *, author=None) -> int:
    """Create the measures ``items`` describe (the "measures" list of fixtures/README.md) that
    the plan lacks, by name; returns how many. Values go through ``Measure.record_value()``,
    each dated as recorded on the 5th of the month after its period, and no later than the 5th
    of the plan's current period (the demo's plan versions are written then)."""
    have = set(Measure.objects.filter(plan=plan).values_list("name", flat=True))
    items = [item for item in items if item["name"] not in have]
    if not items:
        return 0
    actions = {a.number: a for a in Action.objects.filter(plan=plan)}
    themes = {t.code: t for t in Theme.objects.filter(plan=plan)}
    posts = {p.title: p for p in Post.objects.filter(actions__plan=plan).distinct()}
    posts.update({t.lead.title: t.lead for t in themes.values() if t.lead})
    latest = plan.current_period + datetime.timedelta(days=WRITTEN_ON_DAY - 1)
    position = Measure.objects.filter(plan=plan).count()
    with transaction.atomic():
        for item in items:
            position += 1
            where = f"measure {item['name']!r}"
            baseline = item.get("baseline") or {}
            if item.get("owner") and item["owner"] not in posts:
                raise FixtureError(f"{where}: the owner {item['owner']!r} leads no action of the plan")
            measure = Measure(
                plan=plan, reference=item.get("reference", ""), name=item["name"],
                definition=item.get("definition", ""), numerator=item.get("numerator", ""),
                denominator=item.get("denominator", ""), unit=item.get("unit", Measure.Unit.PERCENTAGE),
                polarity=item.get("polarity", Measure.Polarity.HIGHER),
                frequency=item.get("frequency", Measure.Frequency.MONTHLY),
                data_source=item.get("data_source", ""), owner=posts.get(item.get("owner")),
                baseline_value=_number(baseline["value"], where) if baseline else None,
                baseline_date=_date(baseline.get("date"), where) if baseline else None,
                baseline_note=item.get("baseline_note") or (
                    "Illustrative baseline (the seed gives none)" if baseline.get("illustrative") else ""),
                tolerance=_number(item.get("tolerance", 0), where), position=position,
                is_illustrative=bool(item.get("illustrative")),
            )
            _clean(measure, where)
            measure.save()
            for code in item.get("themes", []):
                if code not in themes:
                    raise FixtureError(f"{where}: no theme with code {code!r}")
            for number in item.get("actions", []):
                if number not in actions:
                    raise FixtureError(f"{where}: no action numbered {number!r}")
            measure.themes.set([themes[code] for code in item.get("themes", [])])
            measure.actions.set([actions[number] for number in item.get("actions", [])])
            for target_data in item.get("targets", []):
                target = MeasureTarget(measure=measure, date=_date(target_data["date"], where),
                                       value=_number(target_data["value"], where), note=target_data.get("note", ""))
                _clean(target, f"{where}, target {target_data['date']}")
                target.save()
            for value_data in item.get("values", []):
                period = _period(value_data["period"], where)
                written = min(add_months(period, 1) + datetime.timedelta(days=WRITTEN_ON_DAY - 1), latest)
                try:
                    measure.record_value(
                        period=period, value=_number(value_data["value"], where), by=author,
                        commentary=value_data.get("commentary", ""), via=MeasureValue.Via.DEMO,
                        written_at=timezone.make_aware(datetime.datetime.combine(written, datetime.time(10, 0))),
                        is_illustrative=bool(value_data.get("illustrative")))
                except ValidationError as error:
                    raise FixtureError(f"{where}, {value_data['period']}: {'; '.join(error.messages)}") from None
            for comparator_data in item.get("comparators", []):
                comparator = ComparatorValue(
                    measure=measure, period=_period(comparator_data["period"], where),
                    comparator=comparator_data["comparator"], area=comparator_data.get("area", ""),
                    value=_number(comparator_data["value"], where), source=comparator_data.get("source", ""))
                _clean(comparator, f"{where}, comparator {comparator_data['period']}")
                comparator.save()
    return len(items)
