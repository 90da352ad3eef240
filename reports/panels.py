"""The RAG summary export offered beside the action table (a core page), and the plan's
"Evidence packs" tab."""

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from improvement import panels
from improvement.models import add_months

FILTER_NAMES = ("q", "theme", "lead", "lead_agency", "status", "source", "overdue", "missing")


@panels.register("action_table")
def rag_summary_export(request, plan):
    periods = [add_months(plan.current_period, -n) for n in range(0, 24)]
    filters = [(name, value) for name in FILTER_NAMES for value in request.GET.getlist(name) if value]
    return "reports/panels/rag_summary.html", {
        "plan": plan, "periods": [(p.strftime("%Y-%m"), date_format(p, "F Y")) for p in periods], "filters": filters}


panels.register_plan_tab("evidence_packs", _("Evidence packs"), "reports:evidence_packs")
