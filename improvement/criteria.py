"""Framework criteria: loading the framework files into the database, tagging recommendations
with the criteria they address, re-mapping a plan's tags from one framework version to the next
through a crosswalk, and the "by criterion" report.

The frameworks are data, not code (decision 0015): a file per version in improvement/frameworks/,
checked by ``lib.framework_files``, loaded by ``manage.py load_frameworks`` at each deploy (and
by the demo). Loading is idempotent. A version's criteria are fixed once recommendations are
tagged with them: a file that drops a tagged criterion is refused, because a changed framework is a
new version with a crosswalk, so that plans are re-mapped rather than re-keyed.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext

from .lib.framework_files import RETIRED, FileProblems, read_directory
from .models import Action, CriterionTag, Crosswalk, Framework, FrameworkCriterion

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "frameworks"


# --- loading ---------------------------------------------------------------------------------


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    crosswalks: int = 0


def load_frameworks(directory: Path = FRAMEWORKS_DIR) -> LoadReport:
    """Load every framework and crosswalk file of ``directory``, all or nothing: any problem in
    any file raises ``FileProblems`` (each problem naming its file and item) and writes nothing."""
    files = read_directory(directory)
    if files.errors:
        raise FileProblems(files.errors)
    report = LoadReport()
    with transaction.atomic():
        loaded = {}
        for data in files.frameworks:
            framework, outcome = _load_framework(data)
            loaded[data.key, data.version] = framework
            getattr(report, outcome).append(str(framework))
        for data in files.crosswalks:
            Crosswalk.objects.update_or_create(
                from_framework=loaded[data.framework, data.from_version],
                to_framework=loaded[data.framework, data.to_version],
                defaults={"mappings": data.mappings, "note": data.note, "source_title": data.source_title,
                          "source_url": data.source_url, "file_name": data.name})
            report.crosswalks += 1
    return report


def _load_framework(data) -> tuple[Framework, str]:
    values = {"short_title": data.short_title, "title": data.title, "publisher": data.publisher,
              "published": data.published, "source_title": data.source_title, "source_url": data.source_url,
              "verified": data.verified, "check_note": data.check_note, "file_name": data.name}
    framework = Framework.objects.filter(key=data.key, version=data.version).first()
    if framework is None:
        framework = Framework.objects.create(key=data.key, version=data.version, **values)
        outcome = "created"
    else:
        changed = [name for name, value in values.items() if getattr(framework, name) != value]
        for name in changed:
            setattr(framework, name, values[name])
        if changed:
            framework.save(update_fields=changed)
        outcome = "updated" if changed else "unchanged"
    existing = {criterion.code: criterion for criterion in framework.criteria.all()}
    in_file = {item["code"] for item in data.criteria}
    dropped = [criterion for code, criterion in existing.items() if code not in in_file]
    tagged = [c for c in dropped if c.tags.exists()]
    if tagged:
        codes = ", ".join(f'"{c.code}"' for c in tagged)
        raise FileProblems([f"{data.name}: {codes} {'is' if len(tagged) == 1 else 'are'} no longer in the file but "
                            "recommendations are tagged with them. A version's criteria do not change once used: "
                            "describe the change as a new version with a crosswalk to it."])
    for criterion in dropped:
        criterion.delete()
        outcome = "updated"
    for position, item in enumerate(data.criteria):
        parent = existing[item["parent"]] if item["parent"] else None
        criterion = existing.get(item["code"])
        if criterion is None:
            existing[item["code"]] = FrameworkCriterion.objects.create(
                framework=framework, code=item["code"], title=item["title"], parent=parent, position=position)
            outcome = "updated" if outcome == "unchanged" else outcome
        elif (criterion.title, criterion.parent_id, criterion.position) != (item["title"], parent and parent.pk,
                                                                           position):
            criterion.title, criterion.parent, criterion.position = item["title"], parent, position
            criterion.save(update_fields=["title", "parent", "position"])
            outcome = "updated" if outcome == "unchanged" else outcome
    return framework, outcome


# --- which criteria a recommendation may be tagged with ---------------------------------------


def current_frameworks():
    """The latest version of each framework (by publication date)."""
    latest = Framework.objects.values("key").annotate(last=Max("published"))
    pairs = {(row["key"], row["last"]) for row in latest}
    return [framework for framework in Framework.objects.order_by("title", "-published")
            if (framework.key, framework.published) in pairs]


def offered_frameworks(recommendation=None) -> list[Framework]:
    """The frameworks a recommendation's tags are chosen from: each framework's latest version,
    and any earlier version it is still tagged with (until it is re-mapped), with their
    criteria loaded in order (``framework.ordered_criteria``)."""
    frameworks = {framework.pk: framework for framework in current_frameworks()}
    if recommendation is not None and recommendation.pk:
        for framework in Framework.objects.filter(criteria__tags__recommendation=recommendation).distinct():
            frameworks.setdefault(framework.pk, framework)
    criteria = defaultdict(list)
    for criterion in FrameworkCriterion.objects.filter(framework_id__in=frameworks).order_by("position"):
        criteria[criterion.framework_id].append(criterion)
    ordered = sorted(frameworks.values(), key=lambda f: (f.title, -f.published.toordinal()))
    for framework in ordered:
        framework.ordered_criteria = criteria[framework.pk]
    return ordered


def criterion_groups(framework) -> list[tuple[FrameworkCriterion, list[FrameworkCriterion]]]:
    """A framework's criteria as (area, its criteria) in the file's order."""
    children = defaultdict(list)
    for criterion in framework.ordered_criteria:
        if criterion.parent_id:
            children[criterion.parent_id].append(criterion)
    return [(criterion, children[criterion.pk]) for criterion in framework.ordered_criteria if not criterion.parent_id]


@transaction.atomic
def set_tags(recommendation, criteria, *, by) -> tuple[int, int]:
    """Tag the recommendation with exactly ``criteria``: new tags added, others removed (kept in
    the tags' history with who removed them). Returns (added, removed)."""
    wanted = {criterion.pk for criterion in criteria}
    current = {tag.criterion_id: tag for tag in recommendation.criterion_tags.all()}
    removed = 0
    for criterion_id, tag in current.items():
        if criterion_id not in wanted:
            tag._history_user = by
            tag._change_reason = "Untagged by hand"
            tag.delete()
            removed += 1
    added = 0
    for criterion_id in wanted - set(current):
        tag = CriterionTag(recommendation=recommendation, criterion_id=criterion_id)
        tag._history_user = by
        tag._change_reason = "Tagged by hand"
        tag.save()
        added += 1
    return added, removed


# --- re-mapping a plan's tags through a crosswalk ----------------------------------------------


class Outcome:
    MAPPED = "mapped"
    RETIRED = "retired"
    UNDECIDED = "undecided"


@dataclass
class RemapLine:
    tag: CriterionTag
    outcome: str
    new: list = field(default_factory=list)  # the new version's criteria, for MAPPED

    @property
    def recommendation(self):
        return self.tag.recommendation

    @property
    def old(self):
        return self.tag.criterion


def crosswalks_for(plan):
    """The crosswalks from a framework version the plan's recommendations are tagged with."""
    used = CriterionTag.objects.filter(recommendation__source__plan=plan).values("criterion__framework_id")
    return (Crosswalk.objects.filter(from_framework_id__in=used)
            .select_related("from_framework", "to_framework")
            .annotate(tag_count=Count("from_framework__criteria__tags", distinct=True))
            .order_by("from_framework__title", "from_framework__published"))


def remap_preview(plan, crosswalk) -> list[RemapLine]:
    """What re-mapping the plan's tags on ``crosswalk``'s earlier version would do, tag by tag, in
    plan order: mapped to the new criteria, retired (the tag goes), or undecided (the crosswalk
    does not say: the tag stays on the earlier version for the manager to decide)."""
    new_criteria = {c.code: c for c in crosswalk.to_framework.criteria.all()}
    tags = (CriterionTag.objects.filter(recommendation__source__plan=plan,
                                        criterion__framework=crosswalk.from_framework)
            .select_related("recommendation__source", "criterion")
            .order_by("recommendation__source__key", "recommendation__reference_sort", "criterion__position"))
    lines = []
    for tag in tags:
        target = crosswalk.mappings.get(tag.criterion.code)
        if target is None:
            lines.append(RemapLine(tag, Outcome.UNDECIDED))
        elif target == RETIRED:
            lines.append(RemapLine(tag, Outcome.RETIRED))
        else:
            lines.append(RemapLine(tag, Outcome.MAPPED, [new_criteria[code] for code in target]))
    return lines


def preview_token(lines: list[RemapLine]) -> str:
    """Which tags a preview showed, so that confirming it re-maps those and only those."""
    return ",".join(str(line.tag.pk) for line in lines)


class PreviewOutdated(Exception):
    """The plan's tags changed between the preview and its confirmation."""


@transaction.atomic
def apply_remap(plan, crosswalk, *, by, token: str) -> dict[str, int]:
    """Re-map as ``remap_preview`` says, in one transaction, if the tags are still those the
    manager previewed (``token``; else ``PreviewOutdated``). Each old tag removed is kept in the
    history, with who and which crosswalk; undecided tags are left as they are."""
    list(CriterionTag.objects.select_for_update().filter(recommendation__source__plan=plan,
                                                         criterion__framework=crosswalk.from_framework))
    lines = remap_preview(plan, crosswalk)
    if preview_token(lines) != token:
        raise PreviewOutdated(gettext("The plan's tags changed since the preview. Check the new preview and confirm "
                                      "again."))
    done = {Outcome.MAPPED: 0, Outcome.RETIRED: 0, Outcome.UNDECIDED: 0}
    reason = f"Re-mapped from {crosswalk.from_framework} to {crosswalk.to_framework} ({crosswalk.file_name})"
    for line in lines:
        done[line.outcome] += 1
        if line.outcome == Outcome.UNDECIDED:
            continue
        for criterion in line.new:
            if not CriterionTag.objects.filter(recommendation=line.recommendation, criterion=criterion).exists():
                tag = CriterionTag(recommendation=line.recommendation, criterion=criterion)
                tag._history_user, tag._change_reason = by, reason
                tag.save()
        line.tag._history_user, line.tag._change_reason = by, reason
        line.tag.delete()
    return done


# --- the report by criterion -----------------------------------------------------------------


@dataclass
class CriterionRow:
    criterion: FrameworkCriterion
    depth: int
    recommendations: list = field(default_factory=list)  # each with .entries: its actions as reported


def report_by_criterion(plan, view) -> list[tuple[Framework, list[CriterionRow]]]:
    """Each framework version the plan's recommendations are tagged with, every criterion of it
    (those with nothing tagged too: the gaps), each with its tagged recommendations and their
    actions as the period view ``view`` reports them. A fixed number of queries."""
    tags = list(CriterionTag.objects.filter(recommendation__source__plan=plan)
                .select_related("recommendation__source")
                .order_by("recommendation__source__key", "recommendation__reference_sort"))
    if not tags:
        return []
    recommendations = {tag.recommendation_id: tag.recommendation for tag in tags}
    links = Action.recommendations.through.objects.filter(recommendation_id__in=recommendations)
    actions_of = defaultdict(list)
    action_ids = set()
    for recommendation_id, action_id in links.values_list("recommendation_id", "action_id"):
        actions_of[recommendation_id].append(action_id)
        action_ids.add(action_id)
    entries = view.by_action(Action.objects.filter(plan=plan, pk__in=action_ids)) if action_ids else {}
    for recommendation in recommendations.values():
        recommendation.entries = sorted((entries[pk] for pk in actions_of[recommendation.pk] if pk in entries),
                                        key=lambda entry: entry.action.number_sort)
    tagged = defaultdict(list)
    for tag in tags:
        tagged[tag.criterion_id].append(recommendations[tag.recommendation_id])
    criteria = (FrameworkCriterion.objects
                .filter(framework_id__in=FrameworkCriterion.objects.filter(pk__in=tagged).values("framework_id"))
                .select_related("framework").order_by("framework__title", "-framework__published", "position"))
    report: dict[int, tuple[Framework, list]] = {}
    for criterion in criteria:
        framework, rows = report.setdefault(criterion.framework_id, (criterion.framework, []))
        rows.append(CriterionRow(criterion, 1 if criterion.parent_id else 0, tagged.get(criterion.pk, [])))
    return list(report.values())


def recommendation_count(rows: list[CriterionRow]) -> int:
    return len({recommendation.pk for row in rows for recommendation in row.recommendations})
