"""On a plan's "Manage this plan" hub: its webhook subscriptions (notifications to Teams and
other endpoints)."""

from improvement import panels


@panels.register("plan_manage")
def notifications_of_plan(request, plan):
    return "notifications/panels/plan_manage.html", {"plan": plan,
                                                      "count": plan.webhook_subscriptions.count()}
