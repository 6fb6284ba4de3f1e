"""People as HR knows them: the roster import, moves and the management paths."""

import io
import json
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ..audit_verbs import Verb
from ..middleware import current_client_address
from ..models import AuditEvent, BusinessUnit, Employee, EmploymentStatus, User
from ..roster import RosterInvalid, bulk_allocation, check_managers
from .audit import actor_label_for, diff, record_event
from .errors import WorkflowError

ROLE_FIELDS = ("job_title", "business_unit", "manager", "employment_status")
_ROSTER_LOCK = 7_303_001  # pg_advisory_xact_lock key: one roster import at a time


@dataclass
class RosterImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    business_units_created: int = 0
    business_units_renamed: int = 0
    role_changed_ids: list[int] = field(default_factory=list)
    employment_ended_ids: list[int] = field(default_factory=list)
    left_roster_ids: list[int] = field(default_factory=list)
    deactivated_user_ids: list[int] = field(default_factory=list)
    manager_changes: int = 0

    @property
    def changed(self):
        return bool(
            self.created
            or self.updated
            or self.business_units_created
            or self.business_units_renamed
            or self.left_roster_ids
            or self.deactivated_user_ids
        )


def import_hr_roster(
    *, rows, full=False, acting_user=None, source="", progress: Callable[[int, str], None] | None = None
) -> RosterImportResult:
    """Apply a parsed HR roster in one transaction, with a few set-based statements.

    Business units are created or renamed; employees are created or updated. A change of job
    title, business unit, manager or employment status sets `role_changed_at` and writes one
    audit event for the employee (`employee.role_changed` or `employee.employment_ended`, with
    before and after); an ended employment also deactivates the employee's sign-in. With
    `full`, employees missing from the file are marked as not in the roster (never deleted).
    Raises RosterInvalid, changing nothing, if a manager is unknown or managers form a cycle.
    Applying the same rows twice changes nothing the second time and writes no events.
    `progress(percent, step)`, if given, is told as each step begins (the upload's progress bar).
    """
    progress = progress or _no_progress
    result = RosterImportResult()
    label = actor_label_for(acting_user, default="HR roster import" + (f" ({source})" if source else ""))
    now = timezone.now()
    with transaction.atomic(), bulk_allocation():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ROSTER_LOCK])
        progress(20, "Checking managers")
        # Each employee as the file would show them, by number.
        existing = {row.employee_number: row for row in _directory_as_roster()}
        errors = check_managers(
            rows, {number: row.manager_employee_number or None for number, row in existing.items()}, full=full
        )
        if errors:
            raise RosterInvalid(errors)

        progress(30, "Comparing the file with the people directory")
        unit_events = _upsert_business_units(rows, result, label, now)

        # Compare in Python (one pass over tuples, no query); write every new or changed row
        # with a few statements over a staging table, whatever the number of rows.
        staged = []
        for row in rows:
            current = existing.get(row.employee_number)
            if current is None:
                staged.append(_staged(row, Verb.EMPLOYEE_CREATED, diff({}, _roster_values(row)), role_changed=False))
                continue
            if current.in_hr_roster and _compared(current) == _compared(row):
                result.unchanged += 1
                continue
            pk = current.id
            before = dict(zip(_COMPARED, _compared(current), strict=True))
            before["manager"] = before["manager"] or None
            changes = diff({**before, "in_hr_roster": bool(current.in_hr_roster)}, _roster_values(row))
            result.updated += 1
            result.manager_changes += "manager" in changes
            role_changed = any(name in changes for name in ROLE_FIELDS)
            if "employment_status" in changes and row.employment_status == EmploymentStatus.TERMINATED:
                verb = Verb.EMPLOYEE_EMPLOYMENT_ENDED
                result.employment_ended_ids.append(pk)
            elif role_changed:
                verb = Verb.EMPLOYEE_ROLE_CHANGED
                result.role_changed_ids.append(pk)
            elif "in_hr_roster" in changes:
                verb = Verb.EMPLOYEE_RETURNED_TO_ROSTER
            else:
                verb = Verb.EMPLOYEE_UPDATED
            staged.append(_staged(row, verb, changes, role_changed=role_changed))
        progress(50, "Writing new and changed employees")
        if staged:
            result.created = _apply_staged(staged, now=now, acting_user=acting_user, label=label)
        progress(75, "Recording who left the roster")
        events = list(unit_events)
        employee_type = ContentType.objects.get_for_model(Employee)

        if full:
            in_file = {row.employee_number for row in rows}
            missing = [row for number, row in existing.items() if row.in_hr_roster and number not in in_file]
            result.left_roster_ids = [row.id for row in missing]
            Employee.objects.filter(pk__in=result.left_roster_ids).update(
                in_hr_roster=False, roster_missing_since=now, updated_at=now
            )
            for row in missing:
                events.append(
                    _roster_event(
                        Verb.EMPLOYEE_LEFT_ROSTER,
                        row.id,
                        f"{row.first_name} {row.last_name} ({row.employee_number})",
                        employee_type,
                        label,
                        now,
                        {"in_hr_roster": {"before": True, "after": False}},
                    )
                )

        progress(85, "Updating reporting lines")
        if result.created or result.manager_changes:
            refresh_management_paths()
        events.extend(_deactivate_terminated_users(rows, result, label, now))
        AuditEvent.objects.bulk_create(events, batch_size=5000)
        announce_employee_changes([*result.role_changed_ids, *result.employment_ended_ids, *result.left_roster_ids])
    return result


def _no_progress(percent: int, step: str) -> None:
    """The progress of an import nobody watches."""


MANAGEMENT_PATHS_SQL = """
WITH RECURSIVE tree(id, path, depth) AS (
    SELECT id, '/' || id || '/', 0 FROM governance_employee WHERE manager_id IS NULL
    UNION ALL
    SELECT e.id, t.path || e.id || '/', t.depth + 1
    FROM governance_employee e JOIN tree t ON e.manager_id = t.id WHERE t.depth < 64
)
UPDATE governance_employee SET management_path = tree.path FROM tree
WHERE governance_employee.id = tree.id AND governance_employee.management_path <> tree.path
"""


def forget_business_unit_choices():
    """After commit, drop the cached filter menu of business units (they changed)."""
    from ..selectors import BUSINESS_UNIT_CHOICES_KEY

    transaction.on_commit(lambda: cache.delete(BUSINESS_UNIT_CHOICES_KEY))


def refresh_management_paths():
    """Recompute every employee's management path in one statement (after managers change, or
    employees arrive in bulk); rows whose path is right are not touched."""
    with connection.cursor() as cursor:
        cursor.execute(MANAGEMENT_PATHS_SQL)


#: Above this many changed employees, the reacting tasks re-check everyone instead.
_MANY_CHANGES = 5000


def employee_change_task_ids(employee_ids) -> list[int] | None:
    """The ids the reacting tasks are given for these changes: None (everyone) when many."""
    return None if len(employee_ids) > _MANY_CHANGES else sorted(set(employee_ids))


def announce_employee_changes(employee_ids):
    """After commit, start the tasks that react to HR changes (settings.EMPLOYEE_CHANGE_TASKS;
    the stale-access review of the registry). Named in settings so that the people domain does
    not depend on the apps that react to it."""
    if not employee_ids:
        return
    ids = employee_change_task_ids(employee_ids)
    for name in settings.EMPLOYEE_CHANGE_TASKS:
        import_string(name).delay_on_commit(ids)


_STAGE_COLUMNS = (
    "employee_number",
    "first_name",
    "last_name",
    "email",
    "job_title",
    "business_unit_code",
    "manager_employee_number",
    "employment_status",
    "role_changed",
    "verb",
    "changes",
)


def _staged(row, verb, changes, *, role_changed):
    return (
        row.employee_number,
        row.first_name,
        row.last_name,
        row.email,
        row.job_title,
        row.business_unit_code,
        row.manager_employee_number or None,
        row.employment_status,
        role_changed,
        verb,
        json.dumps(changes),
    )


def _apply_staged(staged, *, now, acting_user, label):
    """Write the new and changed roster rows: load them into a temporary staging table (COPY on
    PostgreSQL), then insert the new employees, update every staged employee (managers
    included) and write one audit event per staged employee — three statements in all.
    Returns the number of employees created."""
    postgres = connection.vendor == "postgresql"
    stage = "pg_temp.roster_stage" if postgres else "temp.roster_stage"
    employee, unit, audit = (model._meta.db_table for model in (Employee, BusinessUnit, AuditEvent))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {stage}")
        cursor.execute(
            "CREATE TEMPORARY TABLE roster_stage (employee_number varchar(20) PRIMARY KEY, first_name text, "
            "last_name text, email text, job_title text, business_unit_code text, manager_employee_number text, "
            "employment_status text, role_changed boolean, verb text, changes text)"
        )
        if postgres:
            # Every value quoted, NULL an unquoted empty field: in CSV a quoted value is never
            # read as NULL, so a roster value such as \\N (COPY's text-format marker) or an empty
            # string arrives as written.
            buffer = io.StringIO()
            buffer.writelines(_copy_line(values) for values in staged)
            buffer.seek(0)
            cursor.copy_expert(f"COPY {stage} FROM STDIN WITH (FORMAT csv)", buffer)
        else:
            cursor.executemany(f"INSERT INTO {stage} VALUES ({', '.join(['%s'] * len(_STAGE_COLUMNS))})", staged)
        cursor.execute(
            f"INSERT INTO {employee} (employee_number, first_name, last_name, email, job_title, business_unit_id, "
            "manager_id, employment_status, role_changed_at, in_hr_roster, roster_missing_since, user_id, "
            "created_at, updated_at, management_path) "
            "SELECT s.employee_number, s.first_name, s.last_name, s.email, s.job_title, b.id, NULL, "
            f"s.employment_status, NULL, TRUE, NULL, NULL, %s, %s, '' FROM {stage} s "
            f"JOIN {unit} b ON b.code = s.business_unit_code WHERE s.verb = %s",
            [now, now, Verb.EMPLOYEE_CREATED],
        )
        created = cursor.rowcount
        cursor.execute(
            f"UPDATE {employee} SET first_name = s.first_name, last_name = s.last_name, email = s.email, "
            "job_title = s.job_title, business_unit_id = b.id, manager_id = m.id, "
            "employment_status = s.employment_status, "
            f"role_changed_at = CASE WHEN s.role_changed THEN %s ELSE {employee}.role_changed_at END, "
            "in_hr_roster = TRUE, roster_missing_since = NULL, updated_at = %s "
            f"FROM {stage} s JOIN {unit} b ON b.code = s.business_unit_code "
            f"LEFT JOIN {employee} m ON m.employee_number = s.manager_employee_number "
            f"WHERE {employee}.employee_number = s.employee_number",
            [now, now],
        )
        changes = "CAST(s.changes AS jsonb)" if postgres else "s.changes"
        cursor.execute(
            f"INSERT INTO {audit} (created_at, actor_id, actor_label, verb, target_type_id, target_id, target_repr, "
            "changes, note, ip_address) "
            "SELECT %s, %s, %s, s.verb, %s, CAST(e.id AS TEXT), "
            "SUBSTR(e.first_name || ' ' || e.last_name || ' (' || e.employee_number || ')', 1, 255), "
            f"{changes}, '', %s FROM {stage} s JOIN {employee} e ON e.employee_number = s.employee_number",
            [
                now,
                acting_user.pk if acting_user else None,
                label,
                ContentType.objects.get_for_model(Employee).pk,
                current_client_address(),
            ],
        )
        cursor.execute(f"DROP TABLE {stage}")
    return created


def _copy_line(values):
    """One line of COPY's CSV format: None as an unquoted empty field (NULL), everything else
    quoted."""
    return ",".join("" if value is None else '"' + str(value).replace('"', '""') + '"' for value in values) + "\n"


class DirectoryRow(NamedTuple):
    """An employee of the directory as the roster file would write them."""

    employee_number: str
    first_name: str
    last_name: str
    email: str
    job_title: str
    business_unit_code: str
    manager_employee_number: str  # '' for none, as in the file
    employment_status: str
    id: int
    in_hr_roster: bool


#: What an import compares: these fields of a DirectoryRow and of a RosterRow (the unit's name
#: aside, which is the business unit's own), with the names the audit trail gives them.
_COMPARED_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "job_title",
    "business_unit_code",
    "manager_employee_number",
    "employment_status",
)
_COMPARED = ("first_name", "last_name", "email", "job_title", "business_unit", "manager", "employment_status")
_compared = operator.attrgetter(*_COMPARED_FIELDS)


def _directory_as_roster() -> list[DirectoryRow]:
    """Every employee as a DirectoryRow: one query, compared with the file's rows."""
    employee, unit = Employee._meta.db_table, BusinessUnit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.employee_number, e.first_name, e.last_name, e.email, e.job_title, b.code, "
            "COALESCE(m.employee_number, ''), e.employment_status, e.id, e.in_hr_roster "
            f"FROM {employee} e JOIN {unit} b ON b.id = e.business_unit_id "
            f"LEFT JOIN {employee} m ON m.id = e.manager_id"
        )
        return list(map(DirectoryRow._make, cursor.fetchall()))


def _roster_values(row):
    return {
        "first_name": row.first_name,
        "last_name": row.last_name,
        "email": row.email,
        "job_title": row.job_title,
        "business_unit": row.business_unit_code,
        "manager": row.manager_employee_number or None,
        "employment_status": row.employment_status,
        "in_hr_roster": True,
    }


def _roster_event(verb, pk, target, target_type, label, now, changes):
    return AuditEvent(
        created_at=now,
        actor_label=label,
        verb=verb,
        target_type=target_type,
        target_id=str(pk),
        target_repr=str(target)[:255],
        changes=changes,
        ip_address=current_client_address(),
    )


def _upsert_business_units(rows, result, label, now):
    """Create the file's new business units and rename changed ones; their audit events."""
    names = {row.business_unit_code: row.business_unit_name for row in rows}
    units = {unit.code: unit for unit in BusinessUnit.objects.filter(code__in=names)}
    created = BusinessUnit.objects.bulk_create(
        [BusinessUnit(code=code, name=name) for code, name in names.items() if code not in units]
    )
    result.business_units_created = len(created)
    renamed = [unit for code, unit in units.items() if unit.name != names[code]]
    unit_type = ContentType.objects.get_for_model(BusinessUnit)
    events = [
        _roster_event(
            Verb.BUSINESS_UNIT_CREATED,
            unit.pk,
            unit,
            unit_type,
            label,
            now,
            {"code": {"before": None, "after": unit.code}, "name": {"before": None, "after": unit.name}},
        )
        for unit in created
    ]
    for unit in renamed:
        events.append(
            _roster_event(
                Verb.BUSINESS_UNIT_RENAMED,
                unit.pk,
                unit,
                unit_type,
                label,
                now,
                {"name": {"before": unit.name, "after": names[unit.code]}},
            )
        )
        unit.name = names[unit.code]
    BusinessUnit.objects.bulk_update(renamed, ["name"])
    result.business_units_renamed = len(renamed)
    if created or renamed:
        forget_business_unit_choices()
    return events


def _deactivate_terminated_users(rows, result, label, now):
    """Deactivate the sign-ins of employees the roster lists as terminated; their sessions end
    on their next request. Returns the audit events."""
    terminated = [row.employee_number for row in rows if row.employment_status == EmploymentStatus.TERMINATED]
    users = list(
        User.objects.filter(employee__employee_number__in=terminated, is_active=True).values_list("pk", "username")
    )
    result.deactivated_user_ids = [pk for pk, _ in users]
    User.objects.filter(pk__in=result.deactivated_user_ids).update(is_active=False)
    user_type = ContentType.objects.get_for_model(User)
    return [
        _roster_event(
            Verb.USER_DEACTIVATED, pk, username, user_type, label, now, {"is_active": {"before": True, "after": False}}
        )
        for pk, username in users
    ]


EMPLOYEE_EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "job_title",
    "business_unit",
    "manager",
    "employment_status",
    "user",
)


def update_employee(*, employee: Employee, acting_user, values: dict) -> Employee:
    """Change an employee by hand (the admin), with the same rules as the roster import: a role
    change sets `role_changed_at` and writes `employee.role_changed` (or
    `employee.employment_ended`, which also deactivates the sign-in)."""
    with transaction.atomic():
        locked = Employee.objects.select_for_update().get(pk=employee.pk)
        before = {name: getattr(locked, name) for name in EMPLOYEE_EDITABLE_FIELDS}
        after = {name: values.get(name, before[name]) for name in EMPLOYEE_EDITABLE_FIELDS}
        if after["manager"] is not None and after["manager"].pk == locked.pk:
            raise WorkflowError("An employee cannot be their own manager.")
        if after["manager"] is not None and _would_form_cycle(locked.pk, after["manager"].pk):
            raise WorkflowError(f"{after['manager']} reports to {locked}; that would make a management cycle.")
        changes = diff(before, after)
        if not changes:
            return locked
        for name, value in after.items():
            setattr(locked, name, value)
        role_changed = any(name in changes for name in ROLE_FIELDS)
        if role_changed:
            locked.role_changed_at = timezone.now()
        locked.save()
        if "manager" in changes:
            refresh_management_paths()
        ended = "employment_status" in changes and locked.employment_status == EmploymentStatus.TERMINATED
        if ended and locked.user_id:
            User.objects.filter(pk=locked.user_id, is_active=True).update(is_active=False)
        verb = (
            Verb.EMPLOYEE_EMPLOYMENT_ENDED
            if ended
            else Verb.EMPLOYEE_ROLE_CHANGED
            if role_changed
            else Verb.EMPLOYEE_UPDATED
        )
        record_event(verb=verb, target=locked, acting_user=acting_user, changes=changes)
        if ended or role_changed:
            announce_employee_changes([locked.pk])
    return locked


def _would_form_cycle(employee_id, new_manager_id):
    new_manager = Employee.objects.only("management_path").get(pk=new_manager_id)
    return f"/{employee_id}/" in new_manager.management_path


def record_admin_change(*, instance, acting_user, verb, changes=None):
    """Audit an edit made in the Django admin to reference data (business units, training
    records, Standards versions)."""
    record_event(verb=verb, target=instance, acting_user=acting_user, changes=changes or {})
    if isinstance(instance, BusinessUnit):
        forget_business_unit_choices()
