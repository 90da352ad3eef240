"""Load the demo plans from fixtures/ and create one demo account per role.

Safe to run again: existing plans and accounts are kept (passwords are reset to the demo
password, so the printed sign-in details always work).
"""

import datetime
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from improvement import clock
from improvement.criteria import load_frameworks, set_tags
from improvement.fixtures import load_plan_file
from improvement.models import (
    FrameworkCriterion,
    Organisation,
    Plan,
    PlanRole,
    Post,
    RagScheme,
    RagStatus,
    Recommendation,
    User,
)
from improvement.rag import create_presets
from improvement.signals import demo_loaded

DEFAULT_PASSWORD = "improvement-demo-2012"  # noqa: S105 - printed for the demo only

# `make run` shows the demo as at this date (SITE_AS_AT; the Makefile's DEMO_AS_AT must agree):
# the Walsall plan version's date and its December round's deadline, a week before the board.
DEMO_AS_AT = datetime.date(2012, 12, 10)

WALSALL = "walsall-sip-2012"
ALL_PLANS = ["walsall-sip-2012", "wiltshire-sip-2012", "southampton-qip-2012"]
LEAD_POST = "Interim Assistant Director for Specialist Services"
# Co-leads action 3.15 with LEAD_POST, so "two leads, one action" can be tried.
LEAD2_POST = "Early Help Lead"

# Walsall's Improvement Notice requirements tagged with the ILACS judgements they bear on (a
# reading of their text for the demo, not the council's): {reference: [ILACS 2023 codes]}.
WALSALL_CRITERIA = {
    "1.1": ["help-and-protection"],  # initial and core assessments
    "2.1": ["leaders"],  # induction, training and professional development of staff
    "2.2": ["leaders"],  # social workers' workloads and supervision
    "2.3": ["leaders", "children-in-care"],  # leadership and challenge of safeguarding and looked after services
    "3.1": ["help-and-protection"],  # the WSCB's thresholds and scrutiny of safeguarding
}

# username: (first name, last name, job title, organisation, administrator, {plan slug: [roles]})
# Only the administrator uses the Django admin; plan managers maintain plans on their own pages.
ACCOUNTS = {
    "lead": ("Demo", "Lead", LEAD_POST, "Walsall Council", False, {}),
    "lead2": ("Demo", "Second Lead", LEAD2_POST, "Walsall Council", False, {}),
    "manager": ("Demo", "Manager", "Improvement Programme Manager", "Walsall Council", False,
                {slug: [PlanRole.Role.MANAGER] for slug in ALL_PLANS}),
    # The chair and member read the Walsall plan through their seats on its Improvement Board.
    "chair": ("Demo", "Chair", "Independent Chair, Improvement Board", "Department for Education",
              False, {}),
    "member": ("Demo", "Member", "Board member (West Midlands Police)", "West Midlands Police",
               False, {}),
    "scrutiny": ("Demo", "Scrutiny", "Scrutiny Officer", "Walsall Council", False,
                 {slug: [PlanRole.Role.SCRUTINY] for slug in ALL_PLANS}),
    "viewer": ("Demo", "Viewer", "Policy Officer", "Walsall Council", False,
               {slug: [PlanRole.Role.VIEWER] for slug in ALL_PLANS}),
    # An inspector named on the Walsall plan: reads it and records external findings, nothing else.
    "reviewer": ("Demo", "Reviewer", "His Majesty's Inspector (illustrative)", "Ofsted", False,
                 {WALSALL: [PlanRole.Role.EXTERNAL_REVIEWER]}),
    "admin": ("Demo", "Administrator", "Improvement plans administrator", "Walsall Council", True, {}),
}


class Command(BaseCommand):
    help = gettext_lazy("Create the demo plans (from fixtures/) and demo accounts. Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--this-is-a-demo-site", action="store_true",
            help=gettext_lazy("Run even though DEBUG is off (only for a site that exists to demonstrate)."),
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["this_is_a_demo_site"]:
            raise CommandError(_(
                "DEBUG is off, so this looks like a real site: the demo would add demo accounts "
                "with a known password. Run with --this-is-a-demo-site if it really is a demo."
            ))
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        with transaction.atomic():
            create_presets(RagScheme, RagStatus)  # normally there from the migration
            for path in sorted((settings.BASE_DIR / "fixtures").glob("*.json")):
                plan, created = load_plan_file(path)
                self.stdout.write((_("Loaded plan: %(name)s") if created else _("Kept plan: %(name)s"))
                                  % {"name": plan.name})
            loaded = load_frameworks()
            self.stdout.write(_("Framework versions: %(count)s")
                              % {"count": len(loaded.created + loaded.updated + loaded.unchanged)})
            users, plans = self.create_accounts(password)
            self.tag_criteria(plans.get(WALSALL), users["manager"])
            for _receiver, message in demo_loaded.send(sender=self.__class__, users=users, plans=plans):
                if message:
                    self.stdout.write(message)
        self.stdout.write("")
        self.stdout.write(_("Demo accounts (password: %(password)s):") % {"password": password})
        for username, (_first, _last, title, organisation, *_rest) in ACCOUNTS.items():
            self.stdout.write(f"  {username:<9} {title}, {organisation}")
        for username, user in users.items():  # accounts that other apps' demo parts added (publication's approver)
            if username not in ACCOUNTS:
                self.stdout.write(f"  {username:<9} {user.job_title}, {user.organisation}")
        as_at = clock.as_at()
        self.stdout.write("")
        if as_at:
            self.stdout.write(_("Dates are shown as at %(day)s (SITE_AS_AT).") % {"day": date_format(as_at, "j F Y")})
        else:
            self.stdout.write(_("The demo plans are from 2012: set SITE_AS_AT=%(day)s (as `make run` does) to see them "
                                "as at the time, not as long overdue.") % {"day": DEMO_AS_AT.isoformat()})

    def tag_criteria(self, walsall, manager):
        """Tag a few of Walsall's recommendations with ILACS criteria, unless they are tagged already."""
        if walsall is None:
            return
        criteria = {c.code: c for c in FrameworkCriterion.objects.filter(framework__key="ofsted-ilacs",
                                                                           framework__version="2023")}
        for recommendation in Recommendation.objects.filter(source__plan=walsall, source__key="IN",
                                                            reference__in=WALSALL_CRITERIA):
            if not recommendation.criterion_tags.exists():
                set_tags(recommendation, [criteria[code] for code in WALSALL_CRITERIA[recommendation.reference]],
                         by=manager)

    def create_accounts(self, password):
        plans = {plan.slug: plan for plan in Plan.objects.filter(slug__in=ALL_PLANS)}
        users = {}
        for username, (first, last, title, org_name, administrator, roles) in ACCOUNTS.items():
            organisation, _created = Organisation.objects.get_or_create(name=org_name)
            user, _created = User.objects.update_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "job_title": title,
                          "organisation": organisation, "is_staff": administrator,
                          "is_superuser": administrator,
                          "email": f"{username}@example.org"},
            )
            user.set_password(password)
            user.save(update_fields=["password"])
            users[username] = user
            for slug, role_names in roles.items():
                if slug in plans:
                    for role in role_names:
                        PlanRole.objects.get_or_create(plan=plans[slug], user=user, role=role)
        walsall = plans.get(WALSALL)
        if walsall is None:
            return users, plans
        for username, title in (("lead", LEAD_POST), ("lead2", LEAD2_POST)):
            post = Post.objects.filter(organisation=walsall.organisation, title=title).first()
            if post is not None:
                post.holders.add(users[username])
        return users, plans
