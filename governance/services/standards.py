"""The Standards: acknowledgements of the version in force."""

from django.db import transaction
from django.utils import timezone

from ..audit_verbs import Verb
from ..models import Employee, PolicyAcknowledgement, StandardsVersion
from .audit import record_event
from .errors import WorkflowError
from .notifications import notify


def acknowledge_standards(*, employee: Employee, standards_version: StandardsVersion, acting_user):
    """Record that the employee read this version of the Standards; audit event and receipt."""
    if employee.user_id != acting_user.pk:
        raise WorkflowError("Only the employee themselves can acknowledge the Standards.")
    current = StandardsVersion.objects.current()
    if current is None or current.pk != standards_version.pk:
        raise WorkflowError("Only the version of the Standards in force can be acknowledged.")
    with transaction.atomic():
        acknowledgement, created = PolicyAcknowledgement.objects.get_or_create(
            employee=employee, standards_version=standards_version
        )
        if not created:
            return acknowledgement
        record_event(
            verb=Verb.STANDARDS_ACKNOWLEDGED,
            target=employee,
            acting_user=acting_user,
            changes={"standards_version": {"before": None, "after": standards_version.version}},
        )
        notify(
            kind="standards_acknowledged",
            context={
                "version": standards_version.version,
                "title": standards_version.title,
                "acknowledged_at": timezone.localtime(acknowledgement.acknowledged_at).strftime("%Y-%m-%d %H:%M"),
            },
            link="/standards/",
            users=[acting_user],
        )
    return acknowledgement
