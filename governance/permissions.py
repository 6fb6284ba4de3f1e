"""Who is who (DESIGN §2), as `rules` predicates, and the people lookups that 404."""

import rules

from .models import Employee, EmploymentStatus
from .roles import AUDITORS, CSC_STAFF, DIRECTOR, HR


@rules.predicate
def is_signed_in(user):
    return bool(user and user.is_authenticated and user.is_active)


is_director = is_signed_in & rules.is_group_member(DIRECTOR)
is_csc_staff = is_signed_in & rules.is_group_member(CSC_STAFF)
#: The communications team: CSC staff and the Director (who may everything CSC staff may).
is_csc = is_csc_staff | is_director
is_auditor = is_signed_in & rules.is_group_member(AUDITORS)
#: Human Resources: the roster upload, and people with their training.
is_hr = is_signed_in & rules.is_group_member(HR)
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
    """True when `employee` is in the user's reporting line (direct or indirect); no query."""
    me = employee_of(user)
    return bool(me is not None and employee is not None and employee.reports_to(me))


#: People and their training: the communications team records it; HR and auditors read it.
reads_training = is_csc | is_hr | is_auditor
#: HR roster uploads: HR uploads and confirms them; auditors read them.
reads_roster_uploads = is_hr | is_auditor
#: Versions of the Standards, drafts included: the communications team and auditors.
reads_standards_versions = is_csc | is_auditor
