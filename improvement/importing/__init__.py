"""Importing plans from XLSX, CSV and DOCX (readers, parsers, engine) and exporting them."""

from django.db import transaction

from ..clock import today
from ..models import Organisation, Plan, RagScheme
from . import engine
from .readers import ReadError, read_upload

__all__ = ["ReadError", "load", "new_plan", "preview_sheets", "run", "run_sheets"]


def load(name: str, data: bytes, plan, mapping: dict | None = None):
    """(sheets, mapping, preview) for a file; the mapping defaults to the proposed one."""
    sheets = read_upload(name, data)
    return (sheets, *preview_sheets(sheets, plan, mapping))


def preview_sheets(sheets, plan, mapping: dict | None = None):
    """(mapping, preview) for sheets already read; the mapping defaults to the proposed one."""
    proposed, _headers = engine.proposed_mapping(sheets)
    chosen = {**proposed, **(mapping or {})}
    return chosen, engine.preview(sheets, plan, chosen)


def new_plan(name: str, *, organisation: Organisation, scheme: RagScheme | None = None) -> Plan:
    """An unsaved plan for a preview; saved by ``run`` when the import is confirmed."""
    from django.utils.text import slugify

    scheme = scheme or RagScheme.objects.get(slug="five-state")
    base = slugify(name)[:60] or "plan"
    slug, n = base, 1
    while Plan.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Plan(organisation=organisation, name=name, slug=slug, rag_scheme=scheme,
                current_period=today().replace(day=1))


def run(name: str, data: bytes, plan, mapping: dict, *, by, dry_run=False):
    """Read a file, preview and (unless dry_run or blocked) apply in one transaction."""
    return run_sheets(read_upload(name, data), plan, mapping, by=by, dry_run=dry_run)


@transaction.atomic
def run_sheets(sheets, plan, mapping: dict, *, by, dry_run=False, expected: dict | None = None):
    """Preview sheets already read and (unless dry_run or blocked) apply them in one transaction.
    ``expected`` is the confirmed preview's ``read_versions()`` (see ``engine.apply``)."""
    chosen, result = preview_sheets(sheets, plan, mapping)
    counts = None
    if not dry_run and not result.blocking:
        if plan.pk is None:
            plan.save()
            result = engine.preview(sheets, plan, chosen)
        counts = engine.apply(result, plan, by=by, expected=expected)
    return chosen, result, counts
