"""Triage: assign, notes, shared / closed / referred, who is told what, and the hourly escalation
of overdue reports to the Director."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.audit_verbs import Verb
from governance.models import AuditEvent, Notification
from governance.services import WorkflowError
from reports import services, tasks
from reports.models import TRANSITIONS, ContentReport, ReportKind, ReportStatus, allowed_moves
from tests.snapshot import database_snapshot

INTERNAL = "Internal: the author is a suspended contractor; see HR file 22-118."


def file(org, kind="impersonation", reporter=None, **values):
    return services.file_report(
        acting_user=reporter or org.employee,
        kind=kind,
        url=values.pop("url", "https://www.instagram.com/calgary_parks_official"),
        description=values.pop("description", "Copies the Parks logo."),
        **values,
    )


def public(kind="impersonation", email=""):
    return services.file_public_report(
        kind=kind, url="https://x.com/calgarytransitt", description="Sells fake passes.", email=email
    )


def refreshed(report):
    return ContentReport.objects.get(pk=report.pk)


# --- the workflow table ---------------------------------------------------------------------------------


def test_the_workflow_is_declared_once():
    open_moves = {ReportStatus.SHARED, ReportStatus.CLOSED, ReportStatus.REFERRED_HR, ReportStatus.REFERRED_SECURITY}
    assert set(TRANSITIONS[ReportStatus.NEW]) == {ReportStatus.IN_PROGRESS, *open_moves}
    assert set(TRANSITIONS[ReportStatus.IN_PROGRESS]) == open_moves
    for ended in open_moves:
        assert allowed_moves(ended, ReportKind.POSITIVE) == ()
    assert ReportStatus.SHARED in allowed_moves(ReportStatus.NEW, ReportKind.POSITIVE)
    for kind in set(ReportKind.values) - {ReportKind.POSITIVE}:
        assert ReportStatus.SHARED not in allowed_moves(ReportStatus.IN_PROGRESS, kind)


# --- assignment -------------------------------------------------------------------------------------------


def test_assigning_a_new_report_puts_it_in_progress(org, django_capture_on_commit_callbacks, mailoutbox):
    report = file(org)
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_report(report=report, acting_user=org.csc_staff, assignee=org.csc_staff)
    report = refreshed(report)
    assert (report.status, report.assignee) == (ReportStatus.IN_PROGRESS, org.csc_staff)
    event = AuditEvent.objects.get(verb=Verb.REPORT_ASSIGNED)
    assert event.changes == {
        "assignee": {"before": None, "after": "Priya Raman"},
        "status": {"before": "new", "after": "in_progress"},
    }
    assert mailoutbox == []  # nobody to tell: she took it herself


def test_assigning_someone_else_tells_them(org, django_capture_on_commit_callbacks, mailoutbox):
    report = file(org)
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_report(report=report, acting_user=org.csc_staff, assignee=org.director)
    [message] = mailoutbox
    assert message.to == [org.director_emp.email]
    assert message.subject == f"Assigned to you: content report {report.reference} (possible impersonation)"
    assert "Priya Raman assigned" in message.body


@pytest.mark.parametrize("persona", ["employee", "manager", "auditor", "outsider"])
def test_only_the_communications_team_assigns_and_a_refusal_changes_nothing(org, persona):
    report = file(org)
    before = database_snapshot()
    with pytest.raises(PermissionDenied):
        services.assign_report(report=report, acting_user=getattr(org, persona), assignee=org.csc_staff)
    assert database_snapshot() == before


def test_a_report_is_assigned_only_to_the_communications_team(org):
    report = file(org)
    before = database_snapshot()
    with pytest.raises(WorkflowError, match="CSC staff or the Director"):
        services.assign_report(report=report, acting_user=org.csc_staff, assignee=org.auditor)
    assert database_snapshot() == before


def test_assigning_to_the_same_person_again_changes_nothing(org):
    report = file(org)
    services.assign_report(report=report, acting_user=org.csc_staff, assignee=org.csc_staff)
    before = database_snapshot()
    with pytest.raises(WorkflowError, match="already assigned to Priya Raman"):
        services.assign_report(report=report, acting_user=org.csc_staff, assignee=org.csc_staff)
    assert database_snapshot() == before


def test_reassigning_keeps_it_in_progress(org):
    report = file(org)
    services.assign_report(report=report, acting_user=org.csc_staff, assignee=org.csc_staff)
    services.assign_report(report=report, acting_user=org.csc_staff, assignee=org.director)
    report = refreshed(report)
    assert (report.status, report.assignee) == (ReportStatus.IN_PROGRESS, org.director)


# --- notes --------------------------------------------------------------------------------------------------


def test_a_note_joins_the_thread_and_the_audit_trail(org):
    report = file(org)
    services.comment_on_report(report=report, acting_user=org.director, body=INTERNAL)
    assert report.comments.get().body == INTERNAL
    assert AuditEvent.objects.get(verb=Verb.REPORT_COMMENTED).note == INTERNAL


def test_an_auditor_reads_notes_but_never_writes_one(org):
    report = file(org)
    before = database_snapshot()
    with pytest.raises(PermissionDenied):
        services.comment_on_report(report=report, acting_user=org.auditor, body="Looks fine.")
    assert database_snapshot() == before


def test_an_empty_note_is_refused(org):
    with pytest.raises(WorkflowError):
        services.comment_on_report(report=file(org), acting_user=org.csc_staff, body="   ")


# --- endings ----------------------------------------------------------------------------------------------------


def test_a_positive_post_is_shared_and_its_reporter_thanked(org, django_capture_on_commit_callbacks, mailoutbox):
    report = file(org, kind="positive", url="https://x.com/yycdogmom/status/1", description="Lovely photo.")
    with django_capture_on_commit_callbacks(execute=True):
        services.share_report(report=report, acting_user=org.csc_staff, note=INTERNAL)
    report = refreshed(report)
    assert report.status == ReportStatus.SHARED
    assert (report.ended_by, report.outcome) == (org.csc_staff, INTERNAL)
    assert AuditEvent.objects.get(verb=Verb.REPORT_SHARED).changes == {"status": {"before": "new", "after": "shared"}}
    [message] = mailoutbox
    assert message.to == [org.employee_emp.email]
    assert message.subject == f"Thank you: your report {report.reference} was shared"
    assert INTERNAL not in message.body and INTERNAL not in message.alternatives[0][0]


def test_only_a_positive_post_is_shared(org):
    report = file(org, kind="damaging")
    before = database_snapshot()
    with pytest.raises(WorkflowError, match="Only a positive post is shared"):
        services.share_report(report=report, acting_user=org.csc_staff)
    assert database_snapshot() == before


def test_closing_needs_a_note_that_the_reporter_never_sees(org, django_capture_on_commit_callbacks, mailoutbox):
    report = file(org)
    with pytest.raises(WorkflowError, match="Say why"):
        services.close_report(report=report, acting_user=org.csc_staff, note=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.close_report(report=report, acting_user=org.csc_staff, note=INTERNAL)
    report = refreshed(report)
    assert report.status == ReportStatus.CLOSED and report.ended_at is not None
    [message] = mailoutbox
    assert message.to == [org.employee_emp.email]
    assert message.subject == f"Your report {report.reference} is closed"
    assert INTERNAL not in message.body and INTERNAL not in message.alternatives[0][0]
    notification = Notification.objects.get(recipient=org.employee)
    assert notification.link == f"/reports/{report.pk}/" and INTERNAL not in notification.body


@pytest.mark.parametrize(
    ("to", "mailbox", "team"),
    [
        (ReportStatus.REFERRED_SECURITY, "SECURITY_MAILBOX", "Law-Corporate Security"),
        (ReportStatus.REFERRED_HR, "HR_MAILBOX", "Human Resources"),
    ],
)
def test_a_referral_tells_the_teams_mailbox_and_the_auditors_and_the_reporter_only_that_it_is_closed(
    org, django_capture_on_commit_callbacks, mailoutbox, to, mailbox, team
):
    report = file(org)
    services.assign_report(report=report, acting_user=org.csc_staff, assignee=org.csc_staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.refer_report(report=report, acting_user=org.csc_staff, to=to, note=INTERNAL)
    report = refreshed(report)
    assert report.status == to and report.outcome == INTERNAL
    event = AuditEvent.objects.get(verb=Verb.REPORT_REFERRED)
    assert event.note == INTERNAL and event.changes["status"] == {"before": "in_progress", "after": to}
    sent = {message.to[0]: message for message in mailoutbox}
    assert set(sent) == {getattr(settings, mailbox), org.auditor_emp.email, org.employee_emp.email}
    referral = sent[getattr(settings, mailbox)]
    assert referral.subject == f"Referred to {team}: content report {report.reference} (possible impersonation)"
    assert INTERNAL in referral.body and f"/reports/{report.pk}/" in referral.body
    assert INTERNAL in sent[org.auditor_emp.email].body
    told = sent[org.employee_emp.email]
    assert told.subject == f"Your report {report.reference} is closed"
    assert INTERNAL not in told.body and team not in told.body and "refer" not in told.body.lower()


def test_a_public_reporter_who_left_an_email_hears_it_is_closed_and_nothing_more(
    org, django_capture_on_commit_callbacks, mailoutbox
):
    report = public(email="resident@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        services.refer_report(report=report, acting_user=org.director, to=ReportStatus.REFERRED_SECURITY, note=INTERNAL)
    told = next(message for message in mailoutbox if message.to == ["resident@example.com"])
    assert told.subject == f"Your report {report.reference} is closed"
    assert INTERNAL not in told.body and "/reports/" not in told.body  # no link: they cannot sign in


def test_a_public_reporter_without_an_email_is_not_told(org, django_capture_on_commit_callbacks, mailoutbox):
    report = public()
    with django_capture_on_commit_callbacks(execute=True):
        services.close_report(report=report, acting_user=org.csc_staff, note="Not an impersonation.")
    assert mailoutbox == []


@pytest.mark.parametrize(
    "end",
    [
        lambda report, user: services.close_report(report=report, acting_user=user, note="Again."),
        lambda report, user: services.share_report(report=report, acting_user=user),
        lambda report, user: services.refer_report(
            report=report, acting_user=user, to=ReportStatus.REFERRED_HR, note="Again."
        ),
        lambda report, user: services.assign_report(report=report, acting_user=user, assignee=user),
    ],
)
def test_an_ended_report_stays_ended_and_a_second_ending_changes_nothing(org, end):
    report = file(org, kind="positive", url="https://x.com/yycdogmom/status/1")
    services.close_report(report=report, acting_user=org.csc_staff, note="Done.")
    before = database_snapshot()
    with pytest.raises(WorkflowError, match="already closed"):
        end(report, org.director)
    assert database_snapshot() == before


def test_a_referral_needs_a_team_and_a_note(org):
    report = file(org)
    with pytest.raises(WorkflowError):
        services.refer_report(report=report, acting_user=org.csc_staff, to=ReportStatus.CLOSED, note="x")
    with pytest.raises(WorkflowError):
        services.refer_report(report=report, acting_user=org.csc_staff, to=ReportStatus.REFERRED_HR, note="")
    assert refreshed(report).status == ReportStatus.NEW


# --- escalation -------------------------------------------------------------------------------------------------


def overdue(org, count, *, hours=1):
    reports = [file(org, url=f"https://x.com/calgarytransit{n}t") for n in range(count)]
    ContentReport.objects.filter(pk__in=[r.pk for r in reports]).update(
        due_at=timezone.now() - datetime.timedelta(hours=hours)
    )
    return reports


def test_overdue_reports_are_escalated_to_the_director_once(org, django_capture_on_commit_callbacks, mailoutbox):
    late = overdue(org, 2)
    services.assign_report(report=late[1], acting_user=org.csc_staff, assignee=org.csc_staff)
    on_time = file(org, url="https://x.com/ontime")
    ended = overdue(org, 1)[0]
    services.close_report(report=ended, acting_user=org.csc_staff, note="Done.")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalate_overdue_reports() == 2
    assert set(ContentReport.objects.filter(escalated_at__isnull=False)) == set(late)
    assert not refreshed(on_time).escalated_at
    events = AuditEvent.objects.filter(verb=Verb.REPORT_ESCALATED)
    assert {event.target_id for event in events} == {str(r.pk) for r in late}
    assert {event.actor_label for event in events} == {"content-report job"}
    [message] = mailoutbox
    assert message.to == [org.director_emp.email]
    assert message.subject == "Escalated: 2 overdue content reports"
    assert all(report.reference in message.body for report in late)
    # The second run finds nothing, changes nothing and tells nobody.
    before = database_snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalate_overdue_reports() == 0
    assert database_snapshot() == before
    assert len(mailoutbox) == 1


def test_escalation_is_a_few_statements_whatever_the_number(org):
    overdue(org, 3)
    with CaptureQueriesContext(connection) as few:
        services.escalate_overdue_reports()
    overdue(org, 30, hours=2)
    with CaptureQueriesContext(connection) as many:
        services.escalate_overdue_reports()
    assert len(many) == len(few)


def test_the_task_runs_the_escalation(org):
    overdue(org, 1)
    tasks.escalate_overdue_reports.delay()
    assert ContentReport.objects.filter(escalated_at__isnull=False).count() == 1
