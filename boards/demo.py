"""The boards part of the demo: an Improvement Board and a Scrutiny Task Group, a closed and an
open round for the Walsall plan with a meeting on each, a few review notes and follow-ups, and
the Wiltshire scrutiny task group's review of 2 October 2012 from fixtures/boards/.

The Walsall board's membership follows the seed's list; its review notes, decisions and
follow-ups are illustrative (the seed has none) and say so. The Wiltshire conclusions and
comments are as written in the seed.
"""

import datetime
import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.dispatch import receiver
from django.utils import timezone

from improvement.models import Action, Organisation, Recommendation, Source
from improvement.signals import demo_loaded

from .models import (
    Assessment,
    Board,
    BoardMember,
    Decision,
    ExternalReview,
    FollowUp,
    Meeting,
    ReviewNote,
    ReviewResponse,
    ScrutinyReview,
    UpdateRound,
)

IMPROVEMENT_BOARD = "Walsall Children's Services Improvement Board"

# Board members who are not demo accounts: recorded by role, without a usable password.
OTHER_MEMBERS = [
    ("board-council", "Council Chief Executive", "Walsall Council", BoardMember.Role.MEMBER, "Walsall Council"),
    ("board-nhs", "Designated Nurse, Safeguarding", "NHS Walsall", BoardMember.Role.MEMBER, "NHS Walsall"),
    ("board-schools", "Primary Schools Forum representative", "Walsall Primary Schools Forum",
     BoardMember.Role.MEMBER, "Primary Schools Forum"),
    ("board-dfe", "Department for Education Participant Observer", "Department for Education",
     BoardMember.Role.OBSERVER, "Department for Education participant observer"),
    ("board-lga", "LGA Children's Improvement Board Participant Observer", "Local Government Association",
     BoardMember.Role.OBSERVER, "LGA Children's Improvement Board participant observer"),
]


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@receiver(demo_loaded)
def load_boards_demo(sender, users, plans, **kwargs):
    messages = []
    walsall = plans.get("walsall-sip-2012")
    if walsall is not None and not Board.objects.filter(name=IMPROVEMENT_BOARD).exists():
        _walsall_board(walsall, users)
        messages.append(f"Loaded board: {IMPROVEMENT_BOARD} (notes and follow-ups are illustrative)")
    if walsall is not None and "reviewer" in users and not ExternalReview.objects.filter(plan=walsall).exists():
        _walsall_monitoring_visit(walsall, users)
        messages.append("Loaded external review: an Ofsted monitoring visit to Walsall (illustrative)")
    wiltshire = plans.get("wiltshire-sip-2012")
    path = settings.BASE_DIR / "fixtures" / "boards" / "wiltshire-scrutiny-2012.json"
    if wiltshire is not None and path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        if not ScrutinyReview.objects.filter(plan=wiltshire, title=data["review"]["title"]).exists():
            _wiltshire_review(wiltshire, users, data)
            messages.append(f"Loaded scrutiny review: {data['review']['title']}")
    return "\n".join(messages)


def _walsall_board(plan, users):
    board = Board.objects.create(
        name=IMPROVEMENT_BOARD, kind=Board.Kind.IMPROVEMENT_BOARD,
        description="Meets monthly with an independent chair to drive the Strategic Improvement Plan "
                    "(membership as listed in the plan's governance arrangements).",
    )
    board.plans.add(plan)
    BoardMember.objects.create(board=board, user=users["chair"], role=BoardMember.Role.CHAIR,
                               represents="Independent chair")
    BoardMember.objects.create(board=board, user=users["member"], role=BoardMember.Role.MEMBER,
                               represents="West Midlands Police")
    BoardMember.objects.create(board=board, user=users["manager"], role=BoardMember.Role.OFFICER,
                               represents="Improvement programme office")
    User = get_user_model()
    for username, title, org_name, role, represents in OTHER_MEMBERS:
        organisation, _ = Organisation.objects.get_or_create(name=org_name)
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": title, "job_title": title, "organisation": organisation})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        BoardMember.objects.create(board=board, user=user, role=role, represents=represents)

    manager = users["manager"]
    november = UpdateRound.objects.create(plan=plan, period=datetime.date(2012, 11, 1),
                                          deadline=datetime.date(2012, 11, 12), opened_by=manager,
                                          opened_at=_at(datetime.date(2012, 11, 1)))
    november.close(by=manager)
    UpdateRound.objects.filter(pk=november.pk).update(closed_at=_at(datetime.date(2012, 11, 16)))
    december = UpdateRound.objects.create(plan=plan, period=datetime.date(2012, 12, 1),
                                          deadline=datetime.date(2012, 12, 10), opened_by=manager,
                                          opened_at=_at(datetime.date(2012, 12, 1)))
    first = Meeting.objects.create(
        board=board, plan=plan, round=november, date=datetime.date(2012, 11, 19),
        agenda="1. Apologies and minutes\n2. Improvement Notice: milestones\n3. Plan progress: November round\n"
               "4. Any other business",
        papers="Strategic Improvement Plan, November 2012 version\nPerformance report, October 2012",
    )
    second = Meeting.objects.create(
        board=board, plan=plan, round=december, date=datetime.date(2012, 12, 17),
        agenda="1. Apologies and minutes\n2. Matters arising and follow-ups\n3. Strategic Improvement Plan: "
               "December round (five-state RAG)\n4. Social work health check survey\n5. Any other business",
        papers="Strategic Improvement Plan, 10 December 2012 version",
    )
    action = {a.number: a for a in Action.objects.filter(plan=plan, number__in=["3.11", "3.14", "1.5", "3.15"])}
    notes = []
    if "3.14" in action:
        challenge = ReviewNote.objects.create(
            meeting=first, action=action["3.14"], author=users["chair"], kind=ReviewNote.Kind.CHALLENGE,
            text="Illustrative: the Board is not assured that child protection plans now focus on risk. "
                 "What does the latest audit sample show, and when will the review of plans over a year old report?",
            status=ReviewNote.Status.CARRIED_FORWARD, created_at=_at(first.date, 11),
            closed_at=_at(first.date, 12), closed_by=users["chair"])
        notes.append(challenge)
    if "3.11" in action:
        ReviewNote.objects.create(
            meeting=second, action=action["3.11"], author=users["member"], kind=ReviewNote.Kind.QUESTION,
            text="Illustrative: is there an interim LADO arrangement while the permanent post is recruited to?",
            created_at=_at(second.date, 11))
    if "3.15" in action:
        question = ReviewNote.objects.create(
            meeting=second, action=action["3.15"], author=users["chair"], kind=ReviewNote.Kind.CHALLENGE,
            text="Illustrative: the early help pathway work starts in January. Which partners have signed up "
                 "to the scope, and what will the Board see in February?",
            created_at=_at(second.date, 11, ))
        ReviewResponse.objects.create(
            note=question, author=users["lead"], created_at=_at(second.date + datetime.timedelta(days=2)),
            text="Illustrative answer: the scope has been shared with health, police and schools leads; "
                 "the February report will show the agreed pathway and the first referral figures.")
    if "1.5" in action:
        ReviewNote.objects.create(
            meeting=first, action=action["1.5"], author=users["member"], kind=ReviewNote.Kind.COMMENT,
            text="Illustrative: police will share learning from the most recent serious case review.",
            status=ReviewNote.Status.RESOLVED, created_at=_at(first.date, 11),
            closed_at=_at(first.date, 12), closed_by=users["member"],
            resolution="Illustrative: the learning was presented at the meeting; nothing further is needed.")
    Decision.objects.create(
        meeting=first, recorded_by=manager, created_at=_at(first.date, 12),
        text="The Board agreed to move from a three-rating RAG at objective level to the five-state key "
             "(adding Grey and Blue) from December 2012, as the plan's key describes.")
    FollowUp.objects.create(
        meeting=first, owner=manager, due_date=datetime.date(2012, 12, 10),
        description="Illustrative: report the outcome of the LADO recruitment interviews to the December Board.")
    FollowUp.objects.create(
        meeting=first, owner=users["lead"], due_date=datetime.date(2012, 11, 30), done=True,
        done_at=_at(datetime.date(2012, 11, 28)),
        description="Illustrative: circulate the scope of the children with disabilities peer challenge.")
    FollowUp.objects.create(
        meeting=second, owner=users["lead"], due_date=datetime.date(2013, 1, 14),
        description="Illustrative: bring the baseline for core group frequency (action 3.8) to the January Board.")


def _wiltshire_review(plan, users, data):
    board, _ = Board.objects.get_or_create(name=data["board"]["name"], defaults={"kind": data["board"]["kind"]})
    board.plans.add(plan)
    BoardMember.objects.get_or_create(board=board, user=users["scrutiny"],
                                      defaults={"role": BoardMember.Role.OFFICER, "represents": "Scrutiny officer"})
    info = data["review"]
    review = ScrutinyReview.objects.create(
        board=board, plan=plan, title=info["title"], date=datetime.date.fromisoformat(info["date"]),
        scope=info["scope"], reported_to=info.get("reported_to", ""))
    ofsted = Recommendation.objects.filter(source__plan=plan, source__key="Ofsted 2012")
    recommendations = {r.reference: r for r in ofsted}
    actions = {a.number: a for a in Action.objects.filter(plan=plan)}
    for item in data["items"]:
        assessment = Assessment.objects.create(
            review=review, number=item["number"], group=item.get("group", ""), requirement=item["requirement"],
            recommendation=recommendations.get(item.get("recommendation")), conclusion=item["conclusion"],
            comment=item.get("comment", ""), evidence=item.get("evidence", ""), assessed_by=users["scrutiny"],
            assessed_at=_at(review.date, 15))
        assessment.actions.set([actions[n] for n in item.get("actions", []) if n in actions])


def _walsall_monitoring_visit(plan, users):
    """An Ofsted monitoring visit with a few findings, recorded by the demo reviewer. Illustrative:
    the seed has no monitoring letter, so the visit, its letter and its findings are made up and
    say so."""
    letter = Source.objects.create(
        plan=plan, key="MV 2012-11-27", kind=Source.Kind.OFSTED_INSPECTION, published=datetime.date(2012, 11, 27),
        title="Monitoring visit letter, 27 November 2012 (illustrative: not a published letter)")
    review = ExternalReview.objects.create(
        plan=plan, kind=ExternalReview.Kind.MONITORING_VISIT, title="Ofsted monitoring visit 1 (illustrative)",
        date=datetime.date(2012, 11, 27), reviewer_organisation="Ofsted", source=letter, recorded_by=users["reviewer"],
        scale=[{"label": "Not yet met", "band": ExternalReview.Band.NOT_MET},
               {"label": "Partly met", "band": ExternalReview.Band.PARTLY_MET},
               {"label": "Met", "band": ExternalReview.Band.MET}])
    answered = (Recommendation.objects.filter(source__plan=plan, actions__isnull=False).distinct()
                .select_related("source").order_by("source__key", "reference_sort"))
    judgements = [("Met", "Illustrative: inspectors saw the new arrangements working in the cases sampled."),
                  ("Partly met", "Illustrative: plans are clearer, but not yet consistently focused on risk."),
                  ("Not yet met", "Illustrative: too early to see an effect on children's experiences.")]
    for recommendation, (judgement, comment) in zip(answered, judgements, strict=False):
        review.record_finding(recommendation=recommendation, judgement=judgement, comment=comment,
                              by=users["reviewer"])
    theme = plan.themes.order_by("position", "pk").first()
    if theme is not None:
        review.record_finding(theme=theme, judgement="Partly met", by=users["reviewer"],
                              comment="Illustrative: leaders know where practice is weakest; progress is uneven.")
