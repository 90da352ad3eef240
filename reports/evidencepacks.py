"""An evidence pack: per recommendation, as at a date, what the plan holds to show how it is
answered, in one ZIP (decision 0022):

- ``index.html`` and ``index.pdf`` (tagged, PDF/UA-1, through reports/pdf.py): per
  recommendation its actions, each action's RAG history to the date, scrutiny's conclusions,
  external findings, linked measures with their values to the date, and the evidence with its
  date, who added it and its SHA-256 checksum (links listed, never fetched; a file missing from
  storage listed as missing);
- ``evidence/<recommendation>/…``: the evidence files, in a folder per recommendation (an
  action answering no recommendation has its files under ``evidence/no-recommendation/``);
- ``manifest-sha256.txt``: the SHA-256 of every other file in the ZIP, as ``sha256sum -c`` reads;
- optionally ``self-evaluation-draft.docx``: a draft per theme answering the three questions
  Ofsted asks, built from the plan's own content, for the plan's managers to edit.

The ZIP is written to a temporary file, each evidence file copied into it from storage in
chunks (hashed on the way), so memory does not grow with the evidence; the index is written
last, once every checksum is known. "As at" a date means what the plan held at the end of that
day: updates, evidence, conclusions, findings and measure values recorded after it are left
out, whatever period they are for.
"""

import datetime
import hashlib
import io
import re
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from boards.models import Assessment, ExternalFinding
from improvement.clock import today
from improvement.models import (
    Action,
    Evidence,
    Measure,
    MeasureValue,
    Recommendation,
    Update,
    first_of_month,
)

from .pdf import html_language, html_to_pdf

CHUNK = 1024 * 1024
NO_RECOMMENDATION = "no-recommendation"
SELF_EVALUATION_QUESTIONS = (
    gettext_lazy("What do you know about the quality and impact of practice?"),
    gettext_lazy("How do you know?"),
    gettext_lazy("What are your plans for the next 12 months?"),
)


def day(value) -> str:
    """A date as the pack writes it, "6 December 2012", in the active language."""
    return date_format(value, "j F Y")

# The index's styles: linked for the PDF, and written into the ZIP beside index.html.
INDEX_STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "reports" / "evidence-index.css"


class PackTooLarge(ValueError):
    """The evidence files come to more than EVIDENCE_PACK_MAX_BYTES."""


def too_large_message(size: int) -> str:
    limit = settings.EVIDENCE_PACK_MAX_BYTES
    return _("The evidence files come to %(size)s, more than the %(limit)s an evidence pack may hold. Choose "
             "“%(index_alone)s” to build the index with every item and its checksum but without the files, or ask an "
             "administrator to raise EVIDENCE_PACK_MAX_BYTES.") % {
        "size": filesizeformat(size), "limit": filesizeformat(limit), "index_alone": _("The index alone")}


def evidence_file_bytes(plan, as_at: datetime.date) -> int:
    """The bytes the plan's evidence files as at the date take in a pack (as recorded at upload),
    a file counted once for each recommendation folder it goes in: two queries."""
    evidence = Evidence.objects.filter(action__plan=plan)
    if as_at < today():
        evidence = evidence.filter(created_at__lt=end_of(as_at))
    sizes = dict(evidence.exclude(file="")
                 .values_list("action_id").annotate(total=Sum("size")).order_by())
    folders = Counter(Action.recommendations.through.objects.filter(action__plan=plan)
                      .values_list("action_id", flat=True))
    return sum((total or 0) * max(folders.get(action_id, 0), 1) for action_id, total in sizes.items())


def end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after ``day`` in the site's time zone: "as at" a date includes all of it."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))


@dataclass
class EvidenceItem:
    evidence: Evidence
    action: Action
    path: str = ""  # in the ZIP; blank for a link
    sha256: str = ""
    missing: bool = False

    @property
    def is_link(self) -> bool:
        return not self.evidence.file


@dataclass
class ActionSection:
    action: Action
    history: list  # the updates recorded by the date, oldest first
    evidence: list = field(default_factory=list)  # EvidenceItem

    @property
    def status(self):
        return self.history[-1].status if self.history else None


@dataclass
class MeasureSection:
    measure: Measure
    values: list  # the values that count for each period, as known at the date, oldest first

    @property
    def latest(self):
        return self.values[-1] if self.values else None

    @property
    def rows(self) -> list[tuple[str, str, str, datetime.datetime]]:
        """(period, value, target, recorded at) for the index's table."""
        measure = self.measure
        rows = []
        for value in self.values:
            target = measure.target_for(value.period)
            rows.append((date_format(value.period, "F Y"), measure.format(value.value),
                         measure.format(target) if target is not None else _("No target set"), value.recorded_at))
        return rows


@dataclass
class RecommendationSection:
    recommendation: Recommendation | None  # None: the actions answering no recommendation
    folder: str
    actions: list = field(default_factory=list)
    conclusions: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    measures: list = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.recommendation:
            return _("Recommendation %(recommendation)s") % {"recommendation": self.recommendation}
        return _("Actions answering no recommendation")

    @property
    def evidence(self) -> list:
        return [item for section in self.actions for item in section.evidence]


@dataclass
class PackContents:
    plan: object
    as_at: datetime.date
    sections: list
    theme_findings: list
    themes: list

    @property
    def items(self) -> list:
        """Every evidence item of the pack, in index order (an item of an action answering two
        recommendations is in both)."""
        return [item for section in self.sections for item in section.evidence]

    def file_bytes(self) -> int:
        """The bytes the evidence files will take in the ZIP (as recorded when uploaded)."""
        return sum(item.evidence.size or 0 for item in self.items if not item.is_link)


def folder_name(text: str) -> str:
    """A folder or file name safe on every system: letters, digits, dot, dash and underscore."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "item"


def gather(plan, as_at: datetime.date) -> PackContents:
    """What the pack lists, as at the end of ``as_at``, in a fixed number of queries."""
    # As at today, everything recorded so far counts: on a demo site "today" is a date years
    # before the records' real timestamps (clock.SITE_AS_AT), as PeriodView.measure_readings says.
    until = end_of(as_at) if as_at < today() else None
    recorded = (lambda name: {f"{name}__lt": until}) if until else (lambda name: {})
    period = first_of_month(as_at)
    actions = list(Action.objects.filter(plan=plan).select_related("theme").prefetch_related("lead_posts")
                   .order_by("theme__position", "theme_id", "position", "number_sort"))
    history: dict[int, list] = {}
    for update in (Update.objects.filter(action__plan=plan, period__lte=period, **recorded("created_at"))
                   .select_related("status", "created_by", "recorded_for").order_by("period", "created_at", "pk")):
        history.setdefault(update.action_id, []).append(update)
    evidence: dict[int, list] = {}
    for item in (Evidence.objects.filter(action__plan=plan, **recorded("created_at"))
                 .select_related("uploaded_by").order_by("created_at", "pk")):
        evidence.setdefault(item.action_id, []).append(item)

    links = list(Action.recommendations.through.objects.filter(action__plan=plan)
                 .values_list("recommendation_id", "action_id"))
    recommendations = list(Recommendation.objects.filter(source__plan=plan).select_related("source")
                           .order_by("source__key", "reference_sort"))
    conclusions: dict[int, list] = {}
    for assessment in (Assessment.objects.filter(review__plan=plan, recommendation__isnull=False,
                                                 review__date__lte=as_at, **recorded("assessed_at"))
                       .select_related("review__board", "assessed_by").order_by("-review__date", "-assessed_at")):
        conclusions.setdefault(assessment.recommendation_id, []).append(assessment)
    findings: dict[int, list] = {}
    theme_findings = []
    for finding in (ExternalFinding.objects.filter(review__plan=plan, review__date__lte=as_at,
                                                   **recorded("recorded_at"))
                    .select_related("review__source", "theme", "recorded_by").latest_first()):
        if finding.recommendation_id:
            findings.setdefault(finding.recommendation_id, []).append(finding)
        else:
            theme_findings.append(finding)
    measures = list(Measure.objects.filter(plan=plan).prefetch_related("recommendations", "actions", "themes",
                                                                        "targets")
                    .order_by("position", "name", "pk"))
    values: dict[int, list] = {}
    for value in (MeasureValue.objects.reporting(as_of=as_at if until else None)
                  .filter(measure__plan=plan, period__lte=period).order_by("period")):
        values.setdefault(value.measure_id, []).append(value)

    by_id = {action.pk: action for action in actions}
    answered: dict[int, list] = {}
    for rec_id, action_id in links:
        answered.setdefault(rec_id, []).append(action_id)
    order = {action.pk: n for n, action in enumerate(actions)}
    sections = []
    used_folders: set[str] = set()
    linked = {action_id for _rec, action_id in links}
    groups = [(rec, sorted(answered.get(rec.pk, []), key=order.get)) for rec in recommendations]
    groups.append((None, [action.pk for action in actions if action.pk not in linked]))
    for rec, action_ids in groups:
        if rec is None and not action_ids:
            continue
        folder = folder_name(str(rec)) if rec else NO_RECOMMENDATION
        while folder in used_folders:  # "OIS 2012 1.2" and "OIS-2012 1.2" would share one
            folder += "_"
        used_folders.add(folder)
        section = RecommendationSection(rec, folder, conclusions=conclusions.get(rec.pk, []) if rec else [],
                                        findings=findings.get(rec.pk, []) if rec else [])
        for action_id in action_ids:
            action = by_id[action_id]
            part = ActionSection(action, history.get(action_id, []))
            for item in evidence.get(action_id, []):
                part.evidence.append(EvidenceItem(item, action))
            section.actions.append(part)
        ids = set(action_ids)
        section.measures = [
            MeasureSection(measure, values.get(measure.pk, [])) for measure in measures
            if (rec is not None and any(r.pk == rec.pk for r in measure.recommendations.all()))
            or any(a.pk in ids for a in measure.actions.all())]
        sections.append(section)
    themes = list(plan.themes.select_related("lead").order_by("position", "pk"))
    for theme in themes:
        theme.pack_measures = [MeasureSection(m, values.get(m.pk, [])) for m in measures
                               if any(t.pk == theme.pk for t in m.themes.all())]
    return PackContents(plan, as_at, sections, theme_findings, themes)


def _evidence_file_name(item: EvidenceItem) -> str:
    original = item.evidence.original_name or item.evidence.file.name.rsplit("/", 1)[-1]
    return f"{folder_name(item.action.number)}_{item.evidence.pk}_{folder_name(original)}"[:150]


class _Budget:
    """The bytes of evidence still allowed into the ZIP."""

    def __init__(self):
        self.left = settings.EVIDENCE_PACK_MAX_BYTES
        self.used = 0

    def spend(self, size: int) -> None:
        self.used += size
        if self.used > self.left:
            raise PackTooLarge(too_large_message(self.used))


def _copy_into(archive: zipfile.ZipFile, item: EvidenceItem, budget: _Budget | None, path: str) -> str:
    """Copy the item's file from storage into the ZIP (or, with ``budget`` None, only read it),
    returning its SHA-256. Raises OSError when storage does not have it."""
    digest = hashlib.sha256()
    with item.evidence.file.storage.open(item.evidence.file.name, "rb") as source:
        target = archive.open(zipfile.ZipInfo(path, date_time=_zip_time(item.evidence.created_at)), "w",
                              force_zip64=True) if budget is not None else None
        try:
            for chunk in iter(lambda: source.read(CHUNK), b""):
                digest.update(chunk)
                if target is not None:
                    budget.spend(len(chunk))
                    target.write(chunk)
        finally:
            if target is not None:
                target.close()
    return digest.hexdigest()


def _zip_time(moment: datetime.datetime) -> tuple:
    local = timezone.localtime(moment)
    return (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)


@dataclass
class BuiltPack:
    contents: PackContents
    files: int
    missing: list  # the names of evidence files missing from storage
    pages: int = 0  # of the PDF index
    seconds: dict = field(default_factory=dict)  # by step: gather, files, html, pdf, rest


def write_evidence(archive: zipfile.ZipFile, contents: PackContents, *, index_only=False):
    """Copy each evidence file into the ZIP under its recommendation's folder, streamed from
    storage and hashed on the way (with ``index_only``, only read for its checksum), setting
    each item's ``sha256``, ``path`` and ``missing``. Returns (files listed, [(evidence id,
    name)] missing from storage, [(sha256, path)] for the manifest). Raises PackTooLarge once the
    bytes copied pass the limit."""
    manifest, missing, hashed = [], [], {}
    budget = None if index_only else _Budget()
    files = 0
    for section in contents.sections:
        for item in section.evidence:
            if item.is_link:
                continue
            files += 1
            path = f"evidence/{section.folder}/{_evidence_file_name(item)}"
            if index_only:
                if item.evidence.pk not in hashed:
                    try:
                        hashed[item.evidence.pk] = _copy_into(archive, item, None, path)
                    except OSError:
                        hashed[item.evidence.pk] = ""
                item.sha256 = hashed[item.evidence.pk]
                item.missing = not item.sha256
            else:
                try:
                    item.sha256 = _copy_into(archive, item, budget, path)
                    item.path = path
                    manifest.append((item.sha256, path))
                except OSError:
                    item.missing = True
            if item.missing and item.evidence.pk not in {pk for pk, _name in missing}:
                missing.append((item.evidence.pk, f"{item.action.number}: {item.evidence.name}"))
    return files, missing, manifest


def write_pack(plan, as_at: datetime.date, target, *, index_only=False, with_self_evaluation=False,
               version_label=None, generated_at=None) -> BuiltPack:
    """Write the pack as at ``as_at`` to ``target``, a binary file open for writing (and
    seeking). Raises PackTooLarge if its evidence files exceed the limit (checked first from the
    sizes recorded, and again while copying, from the bytes read)."""
    clock = time.perf_counter()
    seconds = {}
    version_label = _("Draft") if version_label is None else version_label
    contents = gather(plan, as_at)
    if not index_only and contents.file_bytes() > settings.EVIDENCE_PACK_MAX_BYTES:
        raise PackTooLarge(too_large_message(contents.file_bytes()))
    generated_at = generated_at or timezone.now()
    seconds["gather"], clock = time.perf_counter() - clock, time.perf_counter()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        files, missing, manifest = write_evidence(archive, contents, index_only=index_only)
        seconds["files"], clock = time.perf_counter() - clock, time.perf_counter()
        context = {"pack": contents, "plan": plan, "as_at": as_at, "index_only": index_only,
                   "version_label": version_label, "generated_at": timezone.localtime(generated_at),
                   "missing": [name for _pk, name in missing], "files": files,
                   "with_self_evaluation": with_self_evaluation}
        title = _("Evidence pack: %(plan)s as at %(date)s") % {"plan": plan.name, "date": day(as_at)}
        html = render_to_string("reports/evidence_pack/index.html", {**context, "for_pdf": False, "title": title})
        seconds["html"], clock = time.perf_counter() - clock, time.perf_counter()
        pdf, pages = html_to_pdf(render_to_string("reports/evidence_pack/index.html",
                                                  {**context, "for_pdf": True, "title": title}), title=title)
        seconds["pdf"], clock = time.perf_counter() - clock, time.perf_counter()
        extras = [("index.html", html.encode()), ("index.css", INDEX_STYLESHEET.read_bytes()), ("index.pdf", pdf)]
        if with_self_evaluation:
            extras.append(("self-evaluation-draft.docx", self_evaluation_docx(contents)))
        for name, data in extras:
            archive.writestr(zipfile.ZipInfo(name, date_time=_zip_time(generated_at)), data,
                             compress_type=zipfile.ZIP_DEFLATED)
            manifest.append((hashlib.sha256(data).hexdigest(), name))
        lines = "".join(f"{digest}  {name}\n" for digest, name in sorted(manifest, key=lambda entry: entry[1]))
        archive.writestr(zipfile.ZipInfo("manifest-sha256.txt", date_time=_zip_time(generated_at)), lines,
                         compress_type=zipfile.ZIP_DEFLATED)
    seconds["rest"] = time.perf_counter() - clock
    return BuiltPack(contents, files, [name for _pk, name in missing], pages, seconds)


def build_to_temporary_file(plan, as_at, **options) -> tuple[object, BuiltPack, str, int]:
    """(the ZIP in a temporary file, rewound; what was built; its SHA-256; its size)."""
    handle = tempfile.TemporaryFile(dir=getattr(settings, "FILE_UPLOAD_TEMP_DIR", None))  # noqa: SIM115 (returned open)
    try:
        built = write_pack(plan, as_at, handle, **options)
        handle.seek(0)
        digest = hashlib.sha256()
        size = 0
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return handle, built, digest.hexdigest(), size


# --- The draft self-evaluation -------------------------------------------------------------------


def self_evaluation(contents: PackContents) -> list[tuple[object, list[tuple[str, list[str]]]]]:
    """[(theme, [(question, draft paragraphs)])]: a first draft from the plan's own content, for
    the manager to rewrite in their own words. Nothing here judges practice: it says what the
    plan records, and where the plan is silent it says so."""
    as_at = contents.as_at
    year_on = as_at.replace(year=as_at.year + 1) if not (as_at.month == 2 and as_at.day == 29) \
        else as_at.replace(year=as_at.year + 1, day=28)
    by_theme: dict[int, list[ActionSection]] = {}
    seen = set()
    for section in contents.sections:
        for part in section.actions:
            if part.action.pk not in seen:
                seen.add(part.action.pk)
                by_theme.setdefault(part.action.theme_id, []).append(part)
    recommendations: dict[int, list[RecommendationSection]] = {}
    for section in contents.sections:
        for theme_id in {part.action.theme_id for part in section.actions}:
            if section.recommendation is not None:
                recommendations.setdefault(theme_id, []).append(section)
    drafts = []
    for theme in contents.themes:
        parts = by_theme.get(theme.pk, [])
        recs = recommendations.get(theme.pk, [])
        counts: dict[str, int] = {}
        for part in parts:
            label = part.status.label if part.status else _("No update yet")
            counts[label] = counts.get(label, 0) + 1
        know = []
        if parts:
            know.append(ngettext("As at %(date)s the theme has %(count)s action: %(statuses)s.",
                                 "As at %(date)s the theme has %(count)s actions: %(statuses)s.", len(parts))
                        % {"date": day(as_at), "count": len(parts),
                           "statuses": ", ".join(f"{n} {label}" for label, n in counts.items())})
        else:
            know.append(_("The plan records no actions under this theme."))
        for measure in theme.pack_measures:
            if measure.latest:
                target = measure.measure.target_for(measure.latest.period)
                values = {"measure": measure.measure.name, "value": measure.measure.format(measure.latest.value),
                          "period": date_format(measure.latest.period, "F Y")}
                if target is not None:
                    know.append(_("%(measure)s: %(value)s for %(period)s against a target of %(target)s.")
                                % {**values, "target": measure.measure.format(target)})
                else:
                    know.append(_("%(measure)s: %(value)s for %(period)s.") % values)
        for finding in [f for f in contents.theme_findings if f.theme_id == theme.pk][:1]:
            know.append((_("%(review)s (%(date)s) found: %(judgement)s.") % {
                "review": finding.review, "date": day(finding.review.date), "judgement": finding.judgement}
                + f" {finding.comment}").strip())
        for section in recs:
            if section.findings:
                finding = section.findings[0]
                know.append(_("On %(recommendation)s, %(review)s found: %(judgement)s.") % {
                    "recommendation": section.recommendation, "review": finding.review,
                    "judgement": finding.judgement})
            if section.conclusions:
                conclusion = section.conclusions[0]
                know.append(_("On %(recommendation)s, scrutiny concluded: %(conclusion)s (%(date)s).") % {
                    "recommendation": section.recommendation, "conclusion": conclusion.get_conclusion_display(),
                    "date": day(conclusion.review.date)})
        how = []
        files = sum(len(part.evidence) for part in parts)
        updates = sum(len(part.history) for part in parts)
        updates_text = ngettext("%(count)s progress update", "%(count)s progress updates", updates) % {"count": updates}
        files_text = ngettext("%(count)s item of evidence", "%(count)s items of evidence", files) % {"count": files}
        how.append(_("%(updates)s from action leads and %(files)s (listed in this pack's index, with checksums).")
                   % {"updates": updates_text, "files": files_text})
        reviews = sorted({str(c.review) for s in recs for c in s.conclusions})
        if reviews:
            how.append(_("Scrutiny: %(reviews)s.") % {"reviews": "; ".join(reviews)})
        visits = sorted({str(f.review) for s in recs for f in s.findings}
                        | {str(f.review) for f in contents.theme_findings if f.theme_id == theme.pk})
        if visits:
            how.append(_("External reviews: %(reviews)s.") % {"reviews": "; ".join(visits)})
        sources = sorted({m.measure.data_source for m in theme.pack_measures if m.measure.data_source})
        if sources:
            how.append(_("Performance data from %(sources)s.") % {"sources": "; ".join(sources)})
        plans = []
        ahead = [part for part in parts if not (part.status and part.status.is_complete)]
        for part in ahead:
            due = part.action.effective_due_date
            if due is None or due <= year_on:
                when = " " + _("(due %(date)s)") % {"date": day(due)} if due else ""
                plans.append(f"{part.action.number} {part.action.description}{when}")
        if not plans:
            plans.append(_("The plan records no open actions due in the next 12 months."))
        if theme.outcomes:
            plans.append(_("Outcomes sought: %(outcomes)s") % {"outcomes": theme.outcomes})
        questions = [str(question) for question in SELF_EVALUATION_QUESTIONS]
        drafts.append((theme, list(zip(questions, (know, how, plans), strict=True))))
    return drafts


def self_evaluation_docx(contents: PackContents) -> bytes:
    """The draft self-evaluation as a Word document: one heading per theme, the three questions
    under it, each with the draft paragraphs to rewrite."""
    import docx

    document = docx.Document()
    title = _("Draft self-evaluation: %(plan)s") % {"plan": contents.plan.name}
    document.core_properties.title = title
    document.core_properties.language = html_language()
    document.add_heading(title, level=0)
    document.add_paragraph(
        _("A first draft built from the plan as at %(date)s, for the plan's managers to edit. It repeats what the "
          "plan records; it is not a judgement, and it has not been sent to anyone.") % {"date": day(contents.as_at)})
    for theme, answers in self_evaluation(contents):
        document.add_heading(str(theme), level=1)
        for question, paragraphs in answers:
            document.add_heading(question, level=2)
            for paragraph in paragraphs:
                document.add_paragraph(paragraph, style="List Bullet" if len(paragraphs) > 1 else None)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

