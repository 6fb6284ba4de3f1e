"""Who is who (DESIGN §2), as `rules` predicates, and the people lookups that 404."""

import rules
from django.db import connection

from .models import Employee, EmploymentStatus
from .roles import AUDITORS, CSC_STAFF, DIRECTOR


@rules.predicate
def is_signed_in(user):
    return bool(user and user.is_authenticated and user.is_active)


is_director = is_signed_in & rules.is_group_member(DIRECTOR)
is_csc_staff = is_signed_in & rules.is_group_member(CSC_STAFF)
#: The communications team: CSC staff and the Director (who may everything CSC staff may).
is_csc = is_csc_staff | is_director
is_auditor = is_signed_in & rules.is_group_member(AUDITORS)
#: People who may read everything: the communications team and auditors.
reads_everything = is_csc | is_auditor


@rules.predicate
def is_manager(user):
    """Someone with at least one current report in the HR roster (cached on the user object,
    which lives for one request)."""
    if hasattr(user, "has_reports"):  # loaded with the user (governance.auth.signed_in_users)
        return user.has_reports
    if not hasattr(user, "_is_manager"):
        me = employee_of(user)
        user._is_manager = bool(
            me and Employee.objects.filter(manager=me).exclude(employment_status=EmploymentStatus.TERMINATED).exists()
        )
    return user._is_manager


def employee_of(user):
    """The signed-in person's Employee record, or None (not every sign-in is an employee)."""
    if not (user and user.is_authenticated):
        return None
    # A missing reverse one-to-one raises RelatedObjectDoesNotExist, an AttributeError.
    return getattr(user, "employee", None)


@rules.predicate
def manages_employee(user, employee):
    """True when `employee` is in the user's reporting line (direct or indirect)."""
    me = employee_of(user)
    if me is None or employee is None or employee.pk == me.pk:
        return False
    if employee.manager_id == me.pk:
        return True
    return is_in_reporting_line(manager_id=me.pk, employee_id=employee.pk)


def is_in_reporting_line(*, manager_id, employee_id):
    """One query: walk up from the employee through their managers, looking for manager_id."""
    sql = """
        WITH RECURSIVE chain(id, manager_id, depth) AS (
            SELECT id, manager_id, 0 FROM governance_employee WHERE id = %s
            UNION ALL
            SELECT e.id, e.manager_id, c.depth + 1
            FROM governance_employee e JOIN chain c ON e.id = c.manager_id
            WHERE c.depth < 64
        )
        SELECT 1 FROM chain WHERE manager_id = %s LIMIT 1
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [employee_id, manager_id])
        return cursor.fetchone() is not None
