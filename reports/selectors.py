"""Read queries of content reports: the triage queue, my reports, a report's history."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from governance.audit_verbs import sentence_for
from governance.models import AuditEvent
from governance.roles import AUDITORS, CSC_STAFF, DIRECTOR

from .models import OPEN_STATUSES, ContentReport, RegistryMatch, ReportKind, ReportStatus

#: The queue's status filter: open reports unless another status is asked for; "any" is all.
OPEN = "open"
ANY = "any"
#: The queue's assignee filter, besides a person's id.
MINE = "me"
UNASSIGNED = "nobody"
#: The queue's match filter, besides the registry's answers.
LIKELY = "likely"


def queue(
    *, viewer, kind: str = "", status: str = OPEN, assignee: str = "", overdue: bool = False, match: str = ""
) -> QuerySet[ContentReport]:
    """Every report for the communications team and auditors, overdue first, then by due time,
    filtered by kind, status, assignee (me, nobody, or a person's id), overdue and registry match."""
    reports = ContentReport.objects.all()
    if kind:
        reports = reports.filter(kind=kind)
    if status == OPEN:
        reports = reports.filter(status__in=OPEN_STATUSES)
    elif status and status != ANY:
        reports = reports.filter(status=status)
    if assignee == MINE:
        reports = reports.filter(assignee=viewer)
    elif assignee == UNASSIGNED:
        reports = reports.filter(assignee__isnull=True)
    elif assignee:
        reports = reports.filter(assignee_id=assignee)
    if overdue:
        reports = reports.filter(status__in=OPEN_STATUSES, due_at__lte=timezone.now())
    if match == LIKELY:
        reports = reports.filter(registry_match=RegistryMatch.UNKNOWN, likely_impersonation=True)
    elif match:
        reports = reports.filter(registry_match=match)
    return reports.select_related("assignee__employee", "matched_account").order_by("due_at", "id")


def mine(user) -> QuerySet[ContentReport]:
    """The reports this person filed, newest first."""
    return ContentReport.objects.filter(reporter=user).order_by("-filed_at", "-id")


def triage_team() -> QuerySet:
    """The people reports are assigned to: active CSC staff and Directors, by name."""
    return (
        get_user_model()
        .objects.filter(Q(groups__name=CSC_STAFF) | Q(groups__name=DIRECTOR), is_active=True)
        .select_related("employee")
        .distinct()
        .order_by("employee__last_name", "employee__first_name", "username")
    )


def auditors() -> list:
    """The active auditors (Law-Corporate Security, HR), told of every referral."""
    return list(get_user_model().objects.filter(groups__name=AUDITORS, is_active=True).select_related("employee"))


def open_counts() -> dict[str, int]:
    """How many reports are open, and how many of those are overdue (for the team's pages)."""
    now = timezone.now()
    open_reports = ContentReport.objects.filter(status__in=OPEN_STATUSES)
    return {"open": open_reports.count(), "overdue": open_reports.filter(due_at__lte=now).count()}


@dataclass(frozen=True)
class HistoryLine:
    """One thing that happened to a report, as a sentence, with its note and what changed."""

    when: object
    sentence: str
    note: str
    changes: list[str]


#: How the fields an audit event records about a report read on a page, and their values.
_FIELDS = {
    "status": ("Status", dict(ReportStatus.choices)),
    "kind": ("Kind", dict(ReportKind.choices)),
    "registry_match": ("Registry", dict(RegistryMatch.choices)),
    "assignee": ("Assigned to", {}),
    "likely_impersonation": ("Likely impersonation", {True: "yes", False: "no"}),
    "impersonation_score": ("Likely-impersonation score", {}),
    "screenshot": ("Screenshot", {True: "attached", False: "none"}),
    "url": ("Address", {}),
    "escalated": ("Escalated to the Director", {True: "yes", False: "no"}),
}


def _readable(changes: dict) -> list[str]:
    lines = []
    for name, change in changes.items():
        label, values = _FIELDS.get(name, (name.replace("_", " ").capitalize(), {}))

        def shown(value, values=values):
            return "—" if value in (None, "") else str(values.get(value, value))

        lines.append(f"{label}: {shown(change.get('before'))} → {shown(change.get('after'))}")
    return lines


def _capitalised(sentence: str) -> str:
    """A sentence that starts with a job's or the public's label ("a member of the public …")."""
    return sentence[:1].upper() + sentence[1:]


def history(report: ContentReport) -> list[HistoryLine]:
    """What happened to the report, oldest first, in sentences from the audit trail."""
    events = AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(ContentReport), target_id=str(report.pk)
    ).select_related("actor__employee")
    lines = []
    for event in events.order_by("created_at", "id"):
        employee = getattr(event.actor, "employee", None) if event.actor_id else None
        actor = employee.full_name if employee else event.actor_label
        lines.append(
            HistoryLine(
                when=event.created_at,
                sentence=_capitalised(sentence_for(event.verb).format(actor=actor, target="the report")),
                note=event.note,
                changes=_readable(event.changes),
            )
        )
    return lines
