"""A plan manager's pages for the plan's webhook subscriptions: the list, adding one, changing
it, its page with its secret and delivery log, a new secret, sending a test, and deleting it."""

import uuid

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from improvement import access as core_access

from . import access, events
from .forms import SubscriptionForm
from .models import Delivery, Event, new_secret
from .tasks import queue

LOG_LENGTH = 50


@require_GET
def subscription_list(request, plan_id):
    plan = core_access.get_managed_plan_or_404(request.user, plan_id)
    subscriptions = plan.webhook_subscriptions.order_by("name", "pk")
    return render(request, "notifications/subscription_list.html", {"plan": plan, "subscriptions": subscriptions})


@require_http_methods(["GET", "POST"])
def subscription_create(request, plan_id):
    plan = core_access.get_managed_plan_or_404(request.user, plan_id)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subscription = form.save(commit=False)
        subscription.plan, subscription.created_by = plan, request.user
        subscription.save()
        messages.success(request, _("Subscription “%(name)s” added. Use its signing secret to check that "
                                    "notifications come from here.") % {"name": subscription.name})
        return redirect(subscription)
    return render(request, "notifications/subscription_form.html", {"plan": plan, "form": form},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def subscription_edit(request, subscription_id):
    """Change its name, address or events; its secret and log stay."""
    subscription = access.get_managed_subscription_or_404(request.user, subscription_id)
    form = SubscriptionForm(request.POST or None, instance=subscription)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Subscription changed."))
        return redirect(subscription)
    context = {"plan": subscription.plan, "form": form, "subscription": subscription}
    return render(request, "notifications/subscription_form.html", context, status=400 if form.errors else 200)


@require_POST
def subscription_new_secret(request, subscription_id):
    """Replace the signing secret (when the old one may have been seen by someone it should not)."""
    subscription = access.get_managed_subscription_or_404(request.user, subscription_id)
    subscription.secret = new_secret()
    subscription.save(update_fields=["secret"])
    messages.success(request, _("New signing secret made: notifications are signed with it from now on. Give it "
                                "to whoever runs the receiving system; the old one no longer verifies."))
    return redirect(subscription)


@require_GET
def subscription_detail(request, subscription_id):
    subscription = access.get_managed_subscription_or_404(request.user, subscription_id)
    deliveries = subscription.deliveries.for_log()[:LOG_LENGTH]
    context = {"plan": subscription.plan, "subscription": subscription, "deliveries": deliveries,
               "total": subscription.deliveries.count(), "log_length": LOG_LENGTH,
               "max_attempts": Delivery.MAX_ATTEMPTS}
    return render(request, "notifications/subscription_detail.html", context)


@require_POST
def subscription_test(request, subscription_id):
    """Queue a test notification (each press is a new one)."""
    subscription = access.get_managed_subscription_or_404(request.user, subscription_id)
    summary, payload = events.test_payload(subscription)
    with transaction.atomic():
        message_id = uuid.uuid4()
        delivery = Delivery.objects.create(subscription=subscription, event=Event.TEST, summary=summary,
                                           payload=payload, uuid=message_id, key=f"test:{message_id}")

        transaction.on_commit(lambda: queue([delivery.pk]))
    messages.success(request, _("Test notification sent to the task worker: its outcome shows in the log below."))
    return redirect(subscription)


@require_http_methods(["GET", "POST"])
def subscription_delete(request, subscription_id):
    subscription = access.get_managed_subscription_or_404(request.user, subscription_id)
    plan = subscription.plan
    if request.method == "POST":
        name = subscription.name
        subscription.delete()
        messages.success(request, _("Subscription “%(name)s” deleted: nothing more is sent to it.") % {"name": name})
        return redirect("notifications:subscription_list", plan.pk)
    context = {"plan": plan, "what": _("the subscription “%(name)s”") % {"name": subscription.name},
               "back_url": subscription.get_absolute_url(), "blockers": [],
               "consequence": _("Its delivery log is deleted with it.")}
    return render(request, "improvement/manage/confirm_delete.html", context)
