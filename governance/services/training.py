"""Training: completions recorded by the communications team (one, or a learning system's file)
and the reminder before training expires."""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from ..audit_verbs import Verb
from ..models import Employee, EmploymentStatus, TrainingCourse, TrainingRecord
from ..permissions import is_csc
from ..training_csv import TrainingRow
from .audit import build_audit_event, record_event
from .errors import WorkflowError
from .notifications import Message, notify_many


def expiry_for(course: str, completed_on: datetime.date) -> datetime.date:
    """When a completion stops counting: settings.TRAINING_VALIDITY_DAYS of its course later."""
    return completed_on + datetime.timedelta(days=settings.TRAINING_VALIDITY_DAYS[course])


def _check_may_record(acting_user) -> None:
    if not is_csc(acting_user):
        raise PermissionDenied("Only the communications team records training.")


def _announce(employee_ids: list[int]) -> None:
    """A completion may end a 'training expired' cause: the access jobs look again."""
    from .people import announce_employee_changes

    announce_employee_changes(employee_ids)


def record_training(*, employee: Employee, course: str, completed_on: datetime.date, acting_user) -> TrainingRecord:
    """Record that the employee completed a course; it expires after the course's validity.
    Audit event `training.recorded`. A completion already recorded is refused."""
    _check_may_record(acting_user)
    if course not in TrainingCourse.values:
        raise WorkflowError("Choose a course from the list.")
    if completed_on > timezone.localdate():
        raise WorkflowError("The completion date cannot be in the future.")
    with transaction.atomic():
        locked = Employee.objects.select_for_update().get(pk=employee.pk)
        if locked.employment_status == EmploymentStatus.TERMINATED:
            raise WorkflowError(f"{locked.full_name}'s employment has ended; no training can be recorded.")
        if TrainingRecord.objects.filter(employee=locked, course=course, completed_on=completed_on).exists():
            raise WorkflowError("This completion is already recorded.")
        record = TrainingRecord.objects.create(
            employee=locked, course=course, completed_on=completed_on, expires_on=expiry_for(course, completed_on)
        )
        record_event(
            verb=Verb.TRAINING_RECORDED,
            target=record,
            acting_user=acting_user,
            changes={
                "course": {"before": None, "after": course},
                "completed_on": {"before": None, "after": completed_on.isoformat()},
                "expires_on": {"before": None, "after": record.expires_on.isoformat()},
            },
        )
        _announce([locked.pk])
    return record


@dataclass
class TrainingImportPlan:
    """What a training file would change: the completions new to the portal, and how many it
    lists that are recorded already."""

    new: list[dict] = field(default_factory=list)
    already_recorded: int = 0


def plan_training_import(rows: list[TrainingRow]) -> TrainingImportPlan:
    """The preview of a training file: each new completion with the person and its expiry."""
    employees = {
        employee.employee_number: employee
        for employee in Employee.objects.filter(employee_number__in={row.employee_number for row in rows})
    }
    recorded = set(
        TrainingRecord.objects.filter(employee__in=employees.values()).values_list(
            "employee__employee_number", "course", "completed_on"
        )
    )
    plan = TrainingImportPlan()
    for row in rows:
        if (row.employee_number, row.course, row.completed_on) in recorded:
            plan.already_recorded += 1
            continue
        employee = employees[row.employee_number]
        plan.new.append(
            {
                "line": row.line,
                "employee_id": employee.pk,
                "employee": employee.full_name,
                "employee_number": employee.employee_number,
                "course": row.course,
                "course_label": TrainingCourse(row.course).label,
                "completed_on": row.completed_on,
                "expires_on": expiry_for(row.course, row.completed_on),
            }
        )
    return plan


def import_training_records(*, data: bytes, rows: list[TrainingRow], file_name: str, acting_user) -> int:
    """Record every completion of a checked training file that is not recorded yet, in one
    transaction: one `training.recorded` event each and one `training.imported` event naming
    the file and its SHA-256. Importing the same file again records nothing. Returns the count."""
    _check_may_record(acting_user)
    with transaction.atomic():
        plan = plan_training_import(rows)
        records = TrainingRecord.objects.bulk_create(
            [
                TrainingRecord(
                    employee_id=item["employee_id"],
                    course=item["course"],
                    completed_on=item["completed_on"],
                    expires_on=item["expires_on"],
                )
                for item in plan.new
            ]
        )
        now = timezone.now()
        events = [
            build_audit_event(
                verb=Verb.TRAINING_RECORDED,
                target=record,
                acting_user=acting_user,
                when=now,
                changes={
                    "course": {"before": None, "after": record.course},
                    "completed_on": {"before": None, "after": record.completed_on.isoformat()},
                    "expires_on": {"before": None, "after": record.expires_on.isoformat()},
                },
                note=f"From {file_name[:100]}.",
            )
            for record in TrainingRecord.objects.filter(pk__in=[r.pk for r in records]).select_related("employee")
        ]
        events.append(
            build_audit_event(
                verb=Verb.TRAINING_IMPORTED,
                acting_user=acting_user,
                when=now,
                changes={
                    "file": {"before": None, "after": file_name[:200]},
                    "sha256": {"before": None, "after": hashlib.sha256(data).hexdigest()},
                    "recorded": {"before": None, "after": len(records)},
                },
            )
        )
        type(events[0]).objects.bulk_create(events)
        _announce(sorted({item["employee_id"] for item in plan.new}))
    return len(records)


def _expiring_soon(today: datetime.date):
    """The latest record of each person and course that expires within the reminder window and
    was not reminded of: a renewed course is not expiring."""
    later = TrainingRecord.objects.filter(
        employee=OuterRef("employee"), course=OuterRef("course"), expires_on__gt=OuterRef("expires_on")
    )
    return (
        TrainingRecord.objects.filter(
            reminded_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + datetime.timedelta(days=settings.TRAINING_REMINDER_DAYS),
        )
        .exclude(employee__employment_status=EmploymentStatus.TERMINATED)
        .exclude(Exists(later))
    )


def remind_expiring_training(*, now: datetime.datetime | None = None) -> int:
    """The daily job: tell each employee whose training expires within
    settings.TRAINING_REMINDER_DAYS (at their work email, and in the portal if they sign in)
    and their manager, once per record. Returns the number of records reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        ids = list(_expiring_soon(today).select_for_update(skip_locked=True).values_list("pk", flat=True))
        if not ids:
            return 0
        # Marked first, under the row locks: a second run finds nothing to remind.
        TrainingRecord.objects.filter(pk__in=ids, reminded_at__isnull=True).update(reminded_at=now)
        records = TrainingRecord.objects.filter(pk__in=ids).select_related(
            "employee__user", "employee__manager__user__employee"
        )
        link = reverse("home")
        messages = []
        for record in records:
            employee = record.employee
            context = {
                "employee": employee.full_name,
                "course": record.get_course_display(),
                "expires_on": record.expires_on.strftime("%B %-d, %Y"),
                "days": (record.expires_on - today).days,
            }
            user = employee.user if employee.user_id and employee.user.is_active else None
            messages.append(
                Message(
                    "training_expiring",
                    {**context, "for_employee": True},
                    link,
                    (user,) if user else (),
                    () if user else (employee.email,),
                )
            )
            manager = employee.manager
            if manager is not None and manager.employment_status != EmploymentStatus.TERMINATED:
                manager_user = manager.user if manager.user_id and manager.user.is_active else None
                messages.append(
                    Message(
                        "training_expiring",
                        {**context, "for_employee": False},
                        link,
                        (manager_user,) if manager_user else (),
                        () if manager_user else (manager.email,),
                    )
                )
        notify_many(messages)
    return len(ids)
