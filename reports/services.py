"""Every change to a content report: filing, assignment, notes, the workflow's endings and the
hourly escalation.

Moves follow `models.TRANSITIONS`, nothing else. Each service locks the report, checks who is
acting and the report's state, changes it, writes its audit event in the same transaction and
leaves email to tasks enqueued after commit. Reading the registry and writing a screenshot's
file happen before the transaction; a file whose report was not saved is removed again.
"""

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from governance.audit_verbs import Verb
from governance.models import AuditEvent, Employee
from governance.permissions import employee_of
from governance.selectors import directors
from governance.services import WorkflowError, build_audit_event, diff, display_name, notify, record_event

from . import permissions, selectors
from .deadlines import due_at
from .matching import match_address
from .models import (
    KIND_IN_A_SENTENCE,
    OPEN_STATUSES,
    REFERRAL_STATUSES,
    ContentReport,
    ReportComment,
    ReportKind,
    ReportStatus,
)
from .screenshots import CleanScreenshot, delete_screenshot, store_screenshot

#: Who acted, in the audit trail, when nobody signed in did.
PUBLIC = "a member of the public"
JOB = "content-report job"

#: A reference: "CR-" and two groups of four characters that cannot be misread (Crockford's base 32).
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    """A random reference, such as CR-7KQ2-M9XD: it says nothing about other reports."""
    characters = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"CR-{characters[:4]}-{characters[4:]}"


# --- filing --------------------------------------------------------------------------------------------


def file_report(
    *,
    acting_user,
    kind: str,
    url: str,
    description: str,
    account_name: str = "",
    screenshot: CleanScreenshot | None = None,
) -> ContentReport:
    """A signed-in person reports something they saw. The registry match is computed now; the
    CSC mailbox is told. Audit event `report.filed`."""
    return _file(
        reporter=acting_user,
        reporter_employee=employee_of(acting_user),
        reporter_email="",
        kind=kind,
        url=url,
        description=description,
        account_name=account_name,
        screenshot=screenshot,
    )


def file_public_report(
    *,
    kind: str,
    url: str,
    description: str,
    account_name: str = "",
    email: str = "",
    screenshot: CleanScreenshot | None = None,
) -> ContentReport:
    """A member of the public reports something from the directory (no sign-in; the view
    limits how often). The CSC mailbox is told. Audit event `report.filed`."""
    return _file(
        reporter=None,
        reporter_employee=None,
        reporter_email=email,
        kind=kind,
        url=url,
        description=description,
        account_name=account_name,
        screenshot=screenshot,
    )


def _file(
    *,
    reporter,
    reporter_employee: Employee | None,
    reporter_email: str,
    kind: str,
    url: str,
    description: str,
    account_name: str,
    screenshot: CleanScreenshot | None,
) -> ContentReport:
    if kind not in ReportKind.values:
        raise WorkflowError("Choose what kind of content you are reporting.")
    if not description.strip():
        raise WorkflowError("Say what you saw.")
    match = match_address(url, account_name)
    stored = store_screenshot(screenshot) if screenshot is not None else ""
    try:
        with transaction.atomic():
            now = timezone.now()
            report = ContentReport(
                kind=kind,
                url=url,
                account_name=account_name,
                description=description,
                reporter=reporter,
                reporter_employee=reporter_employee,
                reporter_email=reporter_email,
                screenshot=stored,
                screenshot_type=screenshot.content_type if screenshot is not None else "",
                filed_at=now,
                due_at=due_at(kind, now),
                platform=match.platform,
                account_key=match.account_key,
                registry_match=match.registry_match,
                matched_account=match.account,
                impersonation_score=match.score.value,
                likely_impersonation=match.score.likely,
                identifiers_used=list(match.score.identifiers),
                closest_accounts=list(match.score.closest),
            )
            _save_with_a_new_reference(report)
            record_event(
                verb=Verb.REPORT_FILED,
                target=report,
                acting_user=reporter,
                actor_label=None if reporter is not None else PUBLIC,
                changes=diff(
                    {},
                    {
                        "kind": report.kind,
                        "url": report.url,
                        "registry_match": report.registry_match,
                        "likely_impersonation": report.likely_impersonation,
                        "impersonation_score": report.impersonation_score,
                        "screenshot": bool(stored),
                    },
                ),
            )
            notify(
                kind="report_filed",
                context={
                    **_context(report),
                    "reporter": display_name(reporter) if reporter is not None else "A member of the public",
                    "description": report.description,
                    "account_name": report.account_name,
                },
                link=_link(report),
                mailboxes=[settings.CSC_MAILBOX],
            )
    except BaseException:
        delete_screenshot(stored)
        raise
    return report


def _save_with_a_new_reference(report: ContentReport) -> None:
    """Save with a fresh random reference, drawing again in the unlikely case it is taken."""
    for _ in range(5):
        report.reference = new_reference()
        try:
            with transaction.atomic():
                report.save()
            return
        except IntegrityError:
            if not ContentReport.objects.filter(reference=report.reference).exists():
                raise
    raise WorkflowError("The report could not be given a reference; please send it again.")


# --- triage ----------------------------------------------------------------------------------------------


def _locked(report: ContentReport, acting_user) -> ContentReport:
    """The report, locked, once we know the acting person is on the communications team."""
    locked = ContentReport.objects.select_for_update().get(pk=report.pk)
    if not permissions.can_triage(acting_user, locked):
        raise PermissionDenied("Only the communications team handles content reports.")
    return locked


def _ended(locked: ContentReport) -> str:
    return f"This report is already {locked.get_status_display()[:1].lower()}{locked.get_status_display()[1:]}."


def assign_report(*, report: ContentReport, acting_user, assignee) -> ContentReport:
    """Give an open report to someone on the communications team (a new report is then in
    progress); they are told when someone else assigned it. Audit event `report.assigned`."""
    with transaction.atomic():
        locked = _locked(report, acting_user)
        if not locked.is_open:
            raise WorkflowError(_ended(locked))
        if not selectors.triage_team().filter(pk=getattr(assignee, "pk", None)).exists():
            raise WorkflowError("Reports are assigned to CSC staff or the Director.")
        if locked.assignee_id == assignee.pk:
            raise WorkflowError(f"This report is already assigned to {display_name(assignee)}.")
        before = {
            "assignee": display_name(locked.assignee) if locked.assignee else None,
            "status": locked.status,
        }
        locked.assignee = assignee
        if locked.status == ReportStatus.NEW:
            locked.status = ReportStatus.IN_PROGRESS
        locked.save(update_fields=["assignee", "status"])
        record_event(
            verb=Verb.REPORT_ASSIGNED,
            target=locked,
            acting_user=acting_user,
            changes=diff(before, {"assignee": display_name(assignee), "status": locked.status}),
        )
        if assignee.pk != acting_user.pk:
            notify(
                kind="report_assigned",
                context={**_context(locked), "assigned_by": display_name(acting_user)},
                link=_link(locked),
                users=[assignee],
            )
    return locked


def comment_on_report(*, report: ContentReport, acting_user, body: str) -> ReportComment:
    """Add a note to the report's thread (the team's own; never shown to the reporter).
    Audit event `report.commented`."""
    if not body.strip():
        raise WorkflowError("Write a note first.")
    with transaction.atomic():
        locked = _locked(report, acting_user)
        comment = ReportComment.objects.create(report=locked, author=acting_user, body=body, created_at=timezone.now())
        record_event(verb=Verb.REPORT_COMMENTED, target=locked, acting_user=acting_user, note=body)
    return comment


def _end(report: ContentReport, *, acting_user, to: str, verb: str, note: str) -> tuple[ContentReport, str]:
    """Move an open report to a final status (the workflow table decides), with the team's note
    as its outcome. Returns the report and the status it had."""
    with transaction.atomic():
        locked = _locked(report, acting_user)
        if not locked.is_open:
            raise WorkflowError(_ended(locked))
        if to not in locked.allowed_moves():
            raise WorkflowError("Only a positive post is shared; close this report instead.")
        before = locked.status
        locked.status = to
        locked.ended_at = timezone.now()
        locked.ended_by = acting_user
        locked.outcome = note
        locked.save(update_fields=["status", "ended_at", "ended_by", "outcome"])
        record_event(
            verb=verb,
            target=locked,
            acting_user=acting_user,
            note=note,
            changes={"status": {"before": before, "after": to}},
        )
        if locked.reporter_id != acting_user.pk:
            _tell_the_reporter(locked)
    return locked, before


def share_report(*, report: ContentReport, acting_user, note: str = "") -> ContentReport:
    """A positive post was shared with the City's online community; the reporter is thanked.
    Audit event `report.shared`."""
    return _end(report, acting_user=acting_user, to=ReportStatus.SHARED, verb=Verb.REPORT_SHARED, note=note)[0]


def close_report(*, report: ContentReport, acting_user, note: str) -> ContentReport:
    """The team is done with the report, and says why in a note (kept from the reporter, who
    is told it is closed). Audit event `report.closed`."""
    if not note.strip():
        raise WorkflowError("Say why the report is closed; the note stays within the team.")
    return _end(report, acting_user=acting_user, to=ReportStatus.CLOSED, verb=Verb.REPORT_CLOSED, note=note)[0]


#: Where each referral goes, and who it is to, in words.
REFERRALS = {
    ReportStatus.REFERRED_HR: ("HR_MAILBOX", "Human Resources"),
    ReportStatus.REFERRED_SECURITY: ("SECURITY_MAILBOX", "Law-Corporate Security"),
}


def refer_report(*, report: ContentReport, acting_user, to: str, note: str) -> ContentReport:
    """Hand the report to Human Resources or to Law-Corporate Security: their mailbox
    (settings.HR_MAILBOX or SECURITY_MAILBOX) and the auditors are told, with the note; the
    reporter is told only that it is closed. Audit event `report.referred`."""
    if to not in REFERRAL_STATUSES:
        raise WorkflowError("Refer the report to Human Resources or to Law-Corporate Security.")
    if not note.strip():
        raise WorkflowError("Say what the referral is about; the receiving team reads it.")
    locked, _ = _end(report, acting_user=acting_user, to=to, verb=Verb.REPORT_REFERRED, note=note)
    setting, team = REFERRALS[to]
    notify(
        kind="report_referred",
        context={**_context(locked), "team": team, "note": note, "referred_by": display_name(acting_user)},
        link=_link(locked),
        users=selectors.auditors(),
        mailboxes=[getattr(settings, setting)],
    )
    return locked


def _tell_the_reporter(locked: ContentReport) -> None:
    """The reporter hears that their report was shared or closed: never the team's notes, nor
    whom it was referred to. A member of the public only if they left an email."""
    kind = "report_shared" if locked.status == ReportStatus.SHARED else "report_closed"
    context = {"reference": locked.reference, "kind": locked.get_kind_display(), "url": locked.url}
    if locked.reporter_id is not None:
        notify(kind=kind, context=context, link=reverse("reports:detail", args=[locked.pk]), users=[locked.reporter])
    elif locked.reporter_email:
        notify(kind=kind, context=context, mailboxes=[locked.reporter_email])


# --- the hourly job ----------------------------------------------------------------------------------------

#: An escalation notice lists this many reports, then says how many more there are.
ESCALATION_LINES = 50


def escalate_overdue_reports(*, now=None) -> int:
    """The hourly job: every open report past its due time that was not escalated yet is marked
    escalated, with an audit event `report.escalated` each, and the Directors get one notice
    listing them. Set-based (a few statements whatever the number); a second run finds nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        overdue = ContentReport.objects.filter(status__in=OPEN_STATUSES, escalated_at__isnull=True, due_at__lte=now)
        ids = list(overdue.select_for_update(skip_locked=True).order_by("due_at", "id").values_list("pk", flat=True))
        if not ids:
            return 0
        ContentReport.objects.filter(pk__in=ids, escalated_at__isnull=True).update(escalated_at=now)
        reports = list(ContentReport.objects.filter(pk__in=ids).order_by("due_at", "id"))
        AuditEvent.objects.bulk_create(
            build_audit_event(
                verb=Verb.REPORT_ESCALATED,
                target=report,
                actor_label=JOB,
                changes={"escalated": {"before": False, "after": True}},
                when=now,
            )
            for report in reports
        )
        notify(
            kind="reports_escalated",
            context={
                "count": len(reports),
                "more": max(0, len(reports) - ESCALATION_LINES),
                "items": [_context(report) for report in reports[:ESCALATION_LINES]],
            },
            link=f"{reverse('reports:list')}?overdue=yes",
            users=directors(),
        )
    return len(ids)


# --- what notifications say --------------------------------------------------------------------------------


def _link(report: ContentReport) -> str:
    return reverse("reports:detail", args=[report.pk])


def _context(report: ContentReport) -> dict:
    """A report as plain values for the email templates (the team's emails only)."""
    return {
        "report_id": report.pk,
        "reference": report.reference,
        "kind": report.get_kind_display(),
        "kind_in_a_sentence": KIND_IN_A_SENTENCE.get(report.kind, report.kind),
        "url": report.url,
        "registry_match": report.get_registry_match_display(),
        "likely_impersonation": report.likely_impersonation,
        "score": report.impersonation_score,
        "due": timezone.localtime(report.due_at).strftime("%Y-%m-%d %H:%M"),
    }
