"""Three lines of assurance side by side, per recommendation and per theme: the lead's own RAG
(as the period view reports it), scrutiny's latest conclusion, and the latest external finding,
each judgement from outside flagged where it disagrees with the lead's (``models.disagrees``,
the rule the scrutiny page uses; decision 0018).

A page built here costs a fixed number of queries whatever the size of the plan: the
recommendations, the links from actions to them, the period view's rows and actions, the latest
conclusions and findings, each read once.
"""

import datetime
from dataclasses import dataclass, field

from improvement.models import Action, Recommendation, ReportedAction
from improvement.reporting import PeriodView

from .models import Assessment, ExternalFinding, disagrees


def latest_by(items, key) -> dict:
    """{key: the first item for it} from items read latest first."""
    latest: dict = {}
    for item in items:
        latest.setdefault(key(item), item)
    return latest


def latest_conclusions(plan) -> dict[int, Assessment]:
    """{recommendation id: scrutiny's latest conclusion on it} (by the review's date, then as
    recorded)."""
    assessments = (Assessment.objects.filter(review__plan=plan, recommendation__isnull=False)
                   .select_related("review").order_by("-review__date", "-assessed_at", "-pk"))
    return latest_by(assessments, lambda a: a.recommendation_id)


def latest_findings(plan) -> tuple[dict[int, ExternalFinding], dict[int, ExternalFinding]]:
    """({recommendation id: latest finding}, {theme id: latest finding}) for the plan."""
    findings = list(ExternalFinding.objects.filter(review__plan=plan).select_related("review", "recorded_by")
                    .latest_first())
    return (latest_by((f for f in findings if f.recommendation_id), lambda f: f.recommendation_id),
            latest_by((f for f in findings if f.theme_id), lambda f: f.theme_id))


def lead_complete(entry) -> bool | None:
    return entry.status.is_complete if entry.status_id else None


@dataclass
class RecommendationRow:
    recommendation: Recommendation
    entries: list = field(default_factory=list)  # the period view's entries of the actions answering it
    conclusion: Assessment | None = None
    finding: ExternalFinding | None = None

    @property
    def conclusion_disagrees(self) -> bool:
        return self.conclusion is not None and any(
            self.conclusion.disagrees_with(entry.status if entry.status_id else None) for entry in self.entries)

    @property
    def finding_disagrees(self) -> bool:
        return self.finding is not None and any(
            self.finding.disagrees_with(lead_complete(entry)) for entry in self.entries)

    @property
    def disagrees(self) -> bool:
        return self.conclusion_disagrees or self.finding_disagrees


@dataclass
class ThemeRow:
    theme: object
    summary: object  # the theme's RAG counts (StatusSummary)
    has_complete: bool
    has_open: bool
    finding: ExternalFinding | None = None

    @property
    def finding_disagrees(self) -> bool:
        """As for a recommendation with several actions: the finding disagrees with any of the
        theme's actions (met while one is open, or short of met while one is complete)."""
        if self.finding is None:
            return False
        met = self.finding.band == self.finding.review.Band.MET
        return (self.has_open and disagrees(met, False)) or (self.has_complete and disagrees(met, True))


@dataclass
class Assurance:
    view: PeriodView
    recommendations: list[RecommendationRow]
    themes: list[ThemeRow]

    @property
    def disagreements(self) -> int:
        return sum(row.disagrees for row in self.recommendations) + sum(row.finding_disagrees for row in self.themes)


def assurance(plan, *, theme=None) -> Assurance:
    """The plan's recommendations (those answered by the theme's actions, with ``theme``) and
    themes, each with its three lines of assurance, as of today."""
    view = PeriodView.of_plan(plan)
    links = Action.recommendations.through.objects.filter(action__plan=plan)
    if theme is not None:
        links = links.filter(action__theme=theme)
    links = list(links.values_list("recommendation_id", "action_id"))
    recommendations = Recommendation.objects.filter(source__plan=plan).select_related("source").order_by(
        "source__key", "reference_sort")
    if theme is not None:
        recommendations = recommendations.filter(pk__in={rec_id for rec_id, _ in links})
    entries = {entry.action.pk: entry for entry in view.entries(
        Action.objects.filter(plan=plan, pk__in={action_id for _, action_id in links}), with_updates=False)}
    conclusions = latest_conclusions(plan)
    by_recommendation, by_theme = latest_findings(plan)
    rows = {rec.pk: RecommendationRow(rec, conclusion=conclusions.get(rec.pk), finding=by_recommendation.get(rec.pk))
            for rec in recommendations}
    for rec_id, action_id in links:
        if rec_id in rows:
            rows[rec_id].entries.append(entries[action_id])
    order = {action_id: n for n, action_id in enumerate(entries)}
    for row in rows.values():
        row.entries.sort(key=lambda entry: order[entry.action.pk])
    complete = {status.pk for status in view.statuses if status.is_complete}
    summaries = view.theme_summaries(include_none=True)
    themes = []
    for plan_theme in plan.themes.order_by("position", "pk"):
        if theme is not None and plan_theme.pk != theme.pk:
            continue
        counts = view.counts.by_theme.get(plan_theme.pk, {})
        themes.append(ThemeRow(
            plan_theme, summaries.get(plan_theme.pk), has_complete=any(key in complete for key in counts),
            has_open=any(key not in complete for key in counts), finding=by_theme.get(plan_theme.pk)))
    return Assurance(view, list(rows.values()), themes)


@dataclass
class ActionHistory:
    entry: object  # the period view's entry: the action and its current RAG
    reported: list[tuple[datetime.date, object]]  # (period, status) as reported, oldest first


def recommendation_assurance(recommendation) -> dict:
    """One recommendation's three lines of assurance in full: each answering action's current
    RAG and its history as reported period by period, every scrutiny conclusion and every
    external finding on it, latest first."""
    plan = recommendation.source.plan
    view = PeriodView.of_plan(plan)
    entries = view.entries(Action.objects.filter(recommendations=recommendation), with_updates=False)
    reported: dict[int, list] = {}
    for row in (ReportedAction.objects.filter(plan=plan, action__in=[e.action.pk for e in entries],
                                              status__isnull=False, period__lte=view.period)
                .select_related("status").order_by("action_id", "period")):
        reported.setdefault(row.action_id, []).append((row.period, row.status))
    conclusions = list(recommendation.assessments.select_related("review__board", "assessed_by")
                       .order_by("-review__date", "-assessed_at", "-pk"))
    findings = list(recommendation.external_findings.select_related("review__source", "recorded_by").latest_first())
    row = RecommendationRow(recommendation, entries, conclusions[0] if conclusions else None,
                            findings[0] if findings else None)
    for conclusion in conclusions:
        conclusion.disagrees = any(conclusion.disagrees_with(e.status if e.status_id else None) for e in entries)
    for finding in findings:
        finding.disagrees = any(finding.disagrees_with(lead_complete(e)) for e in entries)
    return {"row": row, "view": view, "histories": [ActionHistory(e, reported.get(e.action.pk, [])) for e in entries],
            "conclusions": conclusions, "findings": findings}
