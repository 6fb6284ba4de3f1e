"""Read queries about people, reused by pages, jobs and other apps."""

from django.db.models import BooleanField, Exists, OuterRef, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .models import (
    Employee,
    EmploymentStatus,
    Notification,
    PolicyAcknowledgement,
    StandardsVersion,
    TrainingCourse,
    TrainingRecord,
)

# Every employee below a manager, at any depth, in one recursive query. UNION (not UNION ALL)
# stops on a cycle, which the roster import refuses anyway.
_REPORTING_LINE_SQL = """
    WITH RECURSIVE reporting_line(id) AS (
        SELECT id FROM governance_employee WHERE manager_id = %s
        UNION
        SELECT e.id FROM governance_employee e JOIN reporting_line r ON e.manager_id = r.id
    )
    SELECT id FROM reporting_line
"""


def reporting_line_ids(manager_id):
    """A subquery of the ids of everyone who reports to `manager_id`, directly or not."""
    return RawSQL(_REPORTING_LINE_SQL, [manager_id])  # noqa: S611 — constant SQL, the id is a parameter


def reports_of(manager):
    """Everyone who reports to `manager`, directly or indirectly (one query when evaluated)."""
    return Employee.objects.filter(pk__in=reporting_line_ids(manager.pk))


def current_training_filter(prefix=""):
    """A condition on employees: their social media training has not expired."""
    return Exists(
        TrainingRecord.objects.filter(
            employee=OuterRef(f"{prefix}pk"),
            course=TrainingCourse.SOCIAL_MEDIA,
            expires_on__gte=timezone.localdate(),
        )
    )


def has_current_training(employee):
    return TrainingRecord.objects.filter(
        employee=employee, course=TrainingCourse.SOCIAL_MEDIA, expires_on__gte=timezone.localdate()
    ).exists()


def current_standards():
    return StandardsVersion.objects.current()


def has_acknowledged_current_standards(employee, standards=None):
    standards = standards or current_standards()
    return standards is not None and employee.acknowledgements.filter(standards_version=standards).exists()


def team_overview(manager):
    """The manager's direct reports with their training and acknowledgement state, and the
    size of the whole reporting line: two queries whatever the team's size."""
    standards = current_standards()
    direct = (
        Employee.objects.filter(manager=manager)
        .exclude(employment_status=EmploymentStatus.TERMINATED)
        .select_related("business_unit")
        .annotate(
            training_current=current_training_filter(),
            acknowledged=Exists(
                PolicyAcknowledgement.objects.filter(employee=OuterRef("pk"), standards_version=standards)
            )
            if standards
            else Value(False, output_field=BooleanField()),
        )
        .order_by("last_name", "first_name")
    )
    line_size = reports_of(manager).exclude(employment_status=EmploymentStatus.TERMINATED).count()
    return list(direct), line_size


def unread_notification_count(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
