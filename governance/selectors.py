"""Read queries about people, reused by pages, jobs and other apps."""

import uuid

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import BooleanField, Exists, OuterRef, Value
from django.utils import timezone

from .models import (
    BusinessUnit,
    Employee,
    EmploymentStatus,
    Notification,
    PolicyAcknowledgement,
    StandardsVersion,
    TrainingCourse,
    TrainingRecord,
)
from .roles import DIRECTOR


def directors():
    """The active Directors of Customer Service & Communications, with their employee records
    (the names their notifications are addressed to)."""
    return get_user_model().objects.filter(groups__name=DIRECTOR, is_active=True).select_related("employee")


def reports_of(manager):
    """Everyone who reports to `manager`, directly or indirectly: one index range scan of the
    management paths (`Employee.management_path`)."""
    return Employee.objects.filter(management_path__startswith=manager.management_path).exclude(pk=manager.pk)


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


def standards_in_force():
    """A queryset of the versions in effect, the one in force first (for subqueries)."""
    return StandardsVersion.objects.in_force()


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


BUSINESS_UNIT_CHOICES_KEY = "governance:business-unit-menu:v2"


def business_unit_menu():
    """(version, [(code, name), …]) of every business unit, for filter menus: cached for five
    minutes at most, and forgotten when the roster or the admin changes a unit. The version
    changes with the list, so a rendering of the menu can be kept while it holds."""
    return cache.get_or_set(
        BUSINESS_UNIT_CHOICES_KEY,
        lambda: (uuid.uuid4().hex, list(BusinessUnit.objects.order_by("name").values_list("code", "name"))),
        300,
    )


def search_people(q: str, *, limit: int = 25):
    """Employees whose name or number matches `q` (each word must match), with their training."""
    from django.db.models import Prefetch, Q

    from .models import Employee, TrainingRecord

    words = q.split()[:5]
    if not words:
        return Employee.objects.none()
    people = Employee.objects.all()
    for word in words:
        people = people.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(employee_number__iexact=word)
        )
    return people.select_related("business_unit", "manager").prefetch_related(
        Prefetch("training_records", queryset=TrainingRecord.objects.order_by("course", "-completed_on"))
    )[:limit]


def recent_training(limit: int = 20):
    """Training recorded lately, newest first (the training page without a search)."""
    from .models import TrainingRecord

    return TrainingRecord.objects.select_related("employee", "employee__business_unit").order_by("-id")[:limit]


def expiring_training(days: int):
    """Current training of active people that expires within `days`, soonest first."""
    import datetime

    from .models import EmploymentStatus, TrainingRecord

    today = timezone.localdate()
    renewed = TrainingRecord.objects.filter(
        employee=OuterRef("employee"), course=OuterRef("course"), expires_on__gt=OuterRef("expires_on")
    )
    return (
        TrainingRecord.objects.filter(expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=days))
        .exclude(employee__employment_status=EmploymentStatus.TERMINATED)
        .exclude(Exists(renewed))
        .select_related("employee", "employee__manager")
        .order_by("expires_on")
    )
