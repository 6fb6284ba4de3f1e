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
from .roster_uploads import (
    check_roster_upload,
    confirm_roster_upload,
    discard_roster_upload,
    import_roster_upload,
    max_upload_bytes,
    preview_roster,
    receive_roster_upload,
    roster_upload_progress,
)
from .standards import (
    LinkRefused,
    acknowledge_standards,
    acknowledge_standards_by_link,
    acknowledgement_link,
    draft_standards_version,
    publish_standards_version,
    read_acknowledgement_link,
    update_standards_draft,
)
from .training import (
    expiry_for,
    import_training_records,
    plan_training_import,
    record_training,
    remind_expiring_training,
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
    "check_roster_upload",
    "confirm_roster_upload",
    "deliver_notification_email",
    "diff",
    "discard_roster_upload",
    "display_name",
    "draft_standards_version",
    "expiry_for",
    "forget_business_unit_choices",
    "import_hr_roster",
    "import_roster_upload",
    "import_training_records",
    "mark_notifications_read",
    "max_upload_bytes",
    "notify",
    "notify_many",
    "plan_training_import",
    "preview_roster",
    "publish_standards_version",
    "read_acknowledgement_link",
    "receive_roster_upload",
    "record_admin_change",
    "record_event",
    "record_training",
    "refresh_management_paths",
    "remind_expiring_training",
    "roster_upload_progress",
    "update_employee",
    "update_standards_draft",
]
