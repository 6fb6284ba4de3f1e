"""Pages of the people/audit domain: home, the Standards, notifications, health.

The home page is the one place that gathers every app's work for a person, so this edge module
reads from `accounts` and `requests` selectors; the people domain itself never does."""

import asyncio

from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET, require_POST
from health_check.checks import Database
from health_check.contrib.redis import Redis
from redis.asyncio import Redis as RedisClient

from accounts.selectors import operated_by
from requests.selectors import mine, waiting_count

from . import selectors, services
from .models import Notification, TrainingCourse
from .permissions import employee_of, is_csc


@login_required
def home(request):
    """My place: profile, manager, business unit, training, Standards status, my team and my
    work (my requests, the accounts I operate, the queue waiting for the communications team)."""
    me = employee_of(request.user)
    context = {
        "me": me,
        "my_requests": list(mine(request.user)[:5]),
        "waiting_for_review": waiting_count() if is_csc(request.user) else None,
        "operated": list(operated_by(me)) if me is not None else [],
    }
    if me is not None:
        standards = selectors.current_standards()
        training = list(me.training_records.filter(course=TrainingCourse.SOCIAL_MEDIA)[:1])
        direct_reports, line_size = selectors.team_overview(me)
        context.update(
            standards=standards,
            acknowledged=selectors.has_acknowledged_current_standards(me, standards),
            training=training[0] if training else None,
            direct_reports=direct_reports,
            reporting_line_size=line_size,
        )
    return render(request, "governance/home.html", context)


@login_required
def standards(request):
    """The Standards in force, and the employee's acknowledgement of them."""
    me = employee_of(request.user)
    current = selectors.current_standards()
    if request.method == "POST":
        if me is None or current is None:
            messages.error(request, "Your sign-in is not linked to an employee record, so there is nothing to record.")
            return redirect("standards")
        if request.POST.get("confirm") != "yes":
            messages.error(request, "Tick the box to confirm you have read the Standards.")
            return redirect("standards")
        try:
            services.acknowledge_standards(employee=me, standards_version=current, acting_user=request.user)
        except services.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Thank you. Your acknowledgement of version {current.version} is recorded.")
        return redirect("standards")
    acknowledgement = None
    if me is not None and current is not None:
        acknowledgement = me.acknowledgements.filter(standards_version=current).first()
    return render(
        request,
        "governance/standards.html",
        {
            "standards": current,
            "acknowledgement": acknowledgement,
            "me": me,
            "history": list(selectors.standards_in_force()[:20]),
        },
    )


@never_cache
@sensitive_variables("token")
def acknowledge_by_link(request, token):
    """Acknowledge the Standards from the signed link emailed to an employee: no sign-in. GET
    shows the Standards and a confirmation; POST records it once."""
    try:
        employee, version = services.read_acknowledgement_link(token)
    except services.LinkRefused as error:
        return _link_refused(request, error)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            return render(
                request,
                "governance/standards_acknowledge_link.html",
                {"employee": employee, "standards": version, "error": "Tick the box to confirm you have read them."},
                status=400,
            )
        try:
            acknowledgement = services.acknowledge_standards_by_link(token=token)
        except services.LinkRefused as error:
            return _link_refused(request, error)
        return render(
            request,
            "governance/standards_acknowledge_link.html",
            {"employee": employee, "standards": version, "acknowledgement": acknowledgement},
        )
    return render(request, "governance/standards_acknowledge_link.html", {"employee": employee, "standards": version})


def _link_refused(request, error):
    return render(
        request,
        "governance/standards_acknowledge_link.html",
        {"refusal": str(error), "already_used": error.already_used},
        status=200 if error.already_used else 400,
    )


@login_required
def notifications(request):
    """The signed-in person's notifications, newest first."""
    page = Paginator(Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id"), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "governance/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request):
    """Mark one notification (or all of them) read, then follow its link if it has one."""
    notification_id = request.POST.get("notification")
    if notification_id:
        notification = Notification.objects.filter(recipient=request.user, pk=notification_id).first()
        if notification is None:
            return redirect("notifications")
        services.mark_notifications_read(acting_user=request.user, notification_ids=[notification.pk])
        return redirect(notification.link or "notifications")
    count = services.mark_notifications_read(acting_user=request.user)
    messages.success(request, f"{count} notification(s) marked as read.")
    return redirect("notifications")


@never_cache
@require_GET
def healthz(request):
    """For load balancers and compose: 200 when every check passes, 503 naming what failed.
    Checks the database, and the broker when one is configured (REDIS_URL)."""
    checks = {"database": Database()}
    if settings.REDIS_URL:
        checks["broker"] = Redis(client_factory=lambda: RedisClient.from_url(settings.REDIS_URL))
    results = async_to_sync(_run_checks)(list(checks.values()))
    states = {
        name: "ok" if result.error is None else str(result.error) for name, result in zip(checks, results, strict=True)
    }
    healthy = all(result.error is None for result in results)
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": states}, status=200 if healthy else 503
    )


async def _run_checks(checks):
    return await asyncio.gather(*(check.get_result() for check in checks))
