"""The publication part of the demo: a publication approver for the Walsall plan (``approver``,
with the demo password), and the plan's introduction and theme summaries written by the demo
plan manager and approved by the approver, so the public page has content. The summaries are
illustrative plain-English text, not the council's, and say so nowhere else than here."""

from django.contrib.auth import get_user_model
from django.dispatch import receiver

from improvement.models import Organisation, PlanRole
from improvement.signals import demo_loaded

from .models import PublicationSettings, PublicSummary

INTRO = {
    "title_en": "Walsall children’s services improvement plan",
    "title_cy": "Cynllun gwella gwasanaethau plant Walsall",
    "summary_en": "In 2012 inspectors said our services to keep children safe were not good enough. "
                  "This plan sets out what we are doing to put that right. We check our progress every month.",
    "summary_cy": "Yn 2012 dywedodd arolygwyr nad oedd ein gwasanaethau i gadw plant yn ddiogel yn ddigon da. "
                  "Mae’r cynllun hwn yn nodi beth rydym yn ei wneud i unioni hynny. Rydym yn gwirio ein cynnydd "
                  "bob mis.",
    "inspection_en": "Ofsted inspection of safeguarding and looked after children services, July 2012, and the "
                     "Department for Education’s Improvement Notice.",
    "inspection_cy": "Arolygiad Ofsted o wasanaethau diogelu a phlant sy’n derbyn gofal, Gorffennaf 2012, a "
                     "Hysbysiad Gwella yr Adran Addysg.",
}
THEMES = {
    "1": ("Working well with our partners", "Cydweithio’n dda â’n partneriaid",
          "The council, health services, police and schools now meet each month to check how well children "
          "are kept safe. They agree what to do next and follow it up.",
          "Mae’r cyngor, gwasanaethau iechyd, yr heddlu ac ysgolion bellach yn cwrdd bob mis i wirio pa mor "
          "dda y cedwir plant yn ddiogel. Maent yn cytuno beth i’w wneud nesaf ac yn dilyn hynny.",
          "in_progress"),
    "2": ("The right staff with the right skills", "Y staff iawn gyda’r sgiliau iawn",
          "We have taken on more social workers and cut the number of children each one works with. "
          "New staff get training and regular support from a manager.",
          "", "in_progress"),
    "3": ("Better help for each child", "Gwell help i bob plentyn",
          "We are checking more cases to make sure children are seen quickly and their plans are clear. "
          "There is more to do.",
          "Rydym yn gwirio mwy o achosion i sicrhau bod plant yn cael eu gweld yn gyflym a bod eu cynlluniau’n "
          "glir. Mae mwy i’w wneud.",
          "not_started"),
}


@receiver(demo_loaded)
def load_publication_demo(sender, users, plans, **kwargs):
    walsall = plans.get("walsall-sip-2012")
    manager = users.get("manager")
    if walsall is None or manager is None:
        return ""
    approver = _approver(walsall, manager)
    users["approver"] = approver
    if PublicSummary.objects.filter(plan=walsall).exists():
        return "Kept the Walsall public page (publication approver: approver)"
    settings_ = PublicationSettings.of(walsall)
    settings_.is_published = True
    settings_.save()
    settings_.public_measures.set(walsall.measures.all())  # each approval shows their latest values
    intro = PublicSummary(plan=walsall, kind=PublicSummary.Kind.PLAN, **INTRO)
    intro.record_edit(by=manager, submit=True)
    intro.approve(by=approver)
    for theme in walsall.themes.order_by("position", "pk"):
        if theme.code not in THEMES:
            continue
        title_en, title_cy, summary_en, summary_cy, status = THEMES[theme.code]
        summary = PublicSummary(plan=walsall, kind=PublicSummary.Kind.THEME, theme=theme, title_en=title_en,
                                title_cy=title_cy, summary_en=summary_en, summary_cy=summary_cy, status=status)
        summary.record_edit(by=manager, submit=True)
        summary.approve(by=approver)
    return (f"Loaded the Walsall public page at /public/plans/{settings_.public_slug}/ "
            "(illustrative summaries; publication approver: approver)")


def _approver(plan, manager):
    organisation, _ = Organisation.objects.get_or_create(name="Walsall Council")
    approver, _ = get_user_model().objects.update_or_create(
        username="approver", defaults={"first_name": "Demo", "last_name": "Approver",
                                       "job_title": "Head of Communications", "organisation": organisation,
                                       "email": "approver@example.org"})
    approver.password = manager.password  # the demo password, as the command set it for every account
    approver.save(update_fields=["password"])
    PlanRole.objects.get_or_create(plan=plan, user=approver, role=PlanRole.Role.PUBLICATION_APPROVER)
    return approver
