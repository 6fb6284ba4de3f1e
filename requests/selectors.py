"""Read queries of requests: the review queue, my requests, a request's timeline."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from governance.models import AuditEvent

from .models import GovernanceRequest, RequestStatus

QUEUE_DEFAULT_STATUS = RequestStatus.SUBMITTED


def queue(*, kind="", status=QUEUE_DEFAULT_STATUS, business_unit="", older_than_days=None):
    """The review queue — every request submitted at least once (drafts are the requester's
    own business), oldest submission first — filtered by kind, status, unit and age. For the
    communications team, the Director and auditors, who may see all of these."""
    requests = GovernanceRequest.objects.filter(submitted_at__isnull=False)
    if kind:
        requests = requests.filter(kind=kind)
    if status:
        requests = requests.filter(status=status)
    if business_unit:
        requests = requests.filter(business_unit__code=business_unit)
    if older_than_days:
        requests = requests.filter(submitted_at__lte=timezone.now() - datetime.timedelta(days=older_than_days))
    return requests.select_related("requester_employee", "business_unit").order_by("submitted_at", "id")


def mine(user):
    return (
        GovernanceRequest.objects.filter(requester=user).select_related("business_unit").order_by("-created_at", "-id")
    )


def timeline(governance_request):
    """What happened to the request, oldest first, from the audit trail."""
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(GovernanceRequest), target_id=str(governance_request.pk)
    ).order_by("created_at", "id")


def waiting_count():
    """How many requests wait for the communications team or the Director."""
    return GovernanceRequest.objects.filter(status=RequestStatus.SUBMITTED).count()
