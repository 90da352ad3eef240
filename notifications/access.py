"""Who may see and change a plan's webhook subscriptions: its managers only (the secret that
signs them is on the subscription's page). Others who may read the plan get 403; everyone else
404, as improvement.access decides for the plan."""

from django.shortcuts import get_object_or_404

from improvement import access

from .models import Subscription


def get_managed_subscription_or_404(user, pk) -> Subscription:
    subscription = get_object_or_404(
        Subscription.objects.filter(plan__in=access.visible_plans(user)).select_related("plan", "created_by"), pk=pk)
    access.require_can_manage_plan(user, subscription.plan)
    return subscription
