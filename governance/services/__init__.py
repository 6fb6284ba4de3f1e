"""Every change to people, the Standards, notifications and the audit trail.

Each public function is one verb: it runs in a transaction, writes its audit event in the same
transaction, and leaves side effects (email) to tasks enqueued after commit. The modules split the
domain; callers import from here.
"""

from .audit import actor_label_for, build_audit_event, diff, record_event
from .errors import WorkflowError
from .notifications import (
    Message,
    deliver_notification_email,
    display_name,
    mark_notifications_read,
    notify,
    notify_many,
)
from .people import (
    EMPLOYEE_EDITABLE_FIELDS,
    MANAGEMENT_PATHS_SQL,
    ROLE_FIELDS,
    RosterImportResult,
    announce_employee_changes,
    forget_business_unit_choices,
    import_hr_roster,
    record_admin_change,
    refresh_management_paths,
    update_employee,
)
from .standards import (
    LinkRefused,
    acknowledge_standards,
    acknowledge_standards_by_link,
    acknowledgement_link,
    read_acknowledgement_link,
)

__all__ = [
    "EMPLOYEE_EDITABLE_FIELDS",
    "MANAGEMENT_PATHS_SQL",
    "ROLE_FIELDS",
    "LinkRefused",
    "Message",
    "RosterImportResult",
    "WorkflowError",
    "acknowledge_standards",
    "acknowledge_standards_by_link",
    "acknowledgement_link",
    "actor_label_for",
    "announce_employee_changes",
    "build_audit_event",
    "deliver_notification_email",
    "diff",
    "display_name",
    "forget_business_unit_choices",
    "import_hr_roster",
    "mark_notifications_read",
    "notify",
    "notify_many",
    "read_acknowledgement_link",
    "record_admin_change",
    "record_event",
    "refresh_management_paths",
    "update_employee",
]
