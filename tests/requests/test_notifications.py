"""The right people get the right emails, only after the transaction commits."""

import pytest
from django.conf import settings
from django.db import transaction

from governance.models import Notification
from requests import services
from requests.models import ProviderAccessRequest
from tests.conftest import wait_for
from tests.factories import file_account_request


def emails_by_recipient(mailoutbox):
    return {message.to[0]: message.subject for message in mailoutbox}


def test_submitting_tells_the_requester_the_directors_and_the_csc_mailbox(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    draft = file_account_request(org.employee, providers=[org.employee_emp], backup=org.lead_emp, submit=False)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        services.submit_request(governance_request=draft, acting_user=org.employee)
    assert mailoutbox == []  # nothing is sent before the commit
    for callback in pending:
        callback()
    sent = emails_by_recipient(mailoutbox)
    assert sent == {
        org.employee_emp.email: f"We received your request #{draft.pk}: New Instagram account: Calgary Off-Leash Areas",
        org.director_emp.email: f"Submitted for review: #{draft.pk} New Instagram account: Calgary Off-Leash Areas",
        settings.CSC_MAILBOX: f"Submitted for review: #{draft.pk} New Instagram account: Calgary Off-Leash Areas",
    }
    assert org.csc_emp.email not in sent  # CSC staff read the shared mailbox
    assert Notification.objects.filter(recipient=org.director, link=f"/requests/{draft.pk}/").exists()


def test_returning_tells_the_requester_what_to_change(org, mailoutbox, django_capture_on_commit_callbacks):
    submitted = file_account_request(org.employee, providers=[org.employee_emp], backup=org.lead_emp)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_request(governance_request=submitted, acting_user=org.csc_staff, note="Name a backup, please.")
    [message] = mailoutbox
    assert message.to == [org.employee_emp.email]
    assert message.subject.startswith(f"Changes requested on #{submitted.pk}")
    assert "Name a backup, please." in message.body
    assert "Name a backup, please." in message.alternatives[0][0]


def test_approval_tells_the_requester_their_manager_and_the_mailbox(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    submitted = file_account_request(org.employee, providers=[org.employee_emp], backup=org.lead_emp)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_request(governance_request=submitted, acting_user=org.director, note="Welcome aboard.")
    approval = [message for message in mailoutbox if message.subject.startswith(f"Approved: #{submitted.pk}")]
    assert sorted(message.to[0] for message in approval) == sorted(
        [org.employee_emp.email, org.manager_emp.email, settings.CSC_MAILBOX]
    )
    assert all("Welcome aboard." in message.body for message in approval)
    # The rest: the provider-access requests the approval filed, announced like any submission.
    rest = [message for message in mailoutbox if message not in approval]
    accesses = ProviderAccessRequest.objects.filter(account__origin_request=submitted).order_by("pk")
    assert sorted((message.to[0], message.subject) for message in rest) == sorted(
        (address, subject.format(pk=access.pk, title=access.title))
        for access in accesses
        for address, subject in (
            (org.employee_emp.email, "We received your request #{pk}: {title}"),
            (org.director_emp.email, "Submitted for review: #{pk} {title}"),
            (settings.CSC_MAILBOX, "Submitted for review: #{pk} {title}"),
        )
    )


def test_rejection_gives_the_requester_the_reason(org, mailoutbox, django_capture_on_commit_callbacks):
    submitted = file_account_request(org.employee, providers=[org.employee_emp], backup=org.lead_emp)
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_request(governance_request=submitted, acting_user=org.director, note="Use Parks' account.")
    assert emails_by_recipient(mailoutbox).keys() == {org.employee_emp.email, settings.CSC_MAILBOX}
    assert "The reason: Use Parks' account." in mailoutbox[0].body


def test_a_designation_tells_the_new_provider_and_the_accountable_manager(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    access = services.create_provider_access_request(
        account=world.parks_account,
        employee=world.lead_emp,
        acting_user=world.manager,
        values={"access_level": "moderator", "justification": "Events."},
    )
    services.submit_request(governance_request=access, acting_user=world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_request(governance_request=access, acting_user=world.director)
    subjects = {}
    for message in mailoutbox:
        subjects.setdefault(message.to[0], []).append(message.subject)
    designated = "Maya Thompson is now an authorized content provider for Calgary Parks"
    approved = f"Approved: #{access.pk} {access.title}"
    assert sorted(subjects[world.lead_emp.email]) == sorted([approved, designated])
    # The manager is both the requester and the account's accountable manager: one of each.
    assert sorted(subjects[world.manager_emp.email]) == sorted([approved, designated])


def test_withdrawing_tells_the_csc_mailbox(org, mailoutbox, django_capture_on_commit_callbacks):
    submitted = file_account_request(org.employee, providers=[org.employee_emp], backup=org.lead_emp)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_request(governance_request=submitted, acting_user=org.employee, note="Parks will post it.")
    assert emails_by_recipient(mailoutbox) == {settings.CSC_MAILBOX: f"Withdrawn: #{submitted.pk} {submitted.title}"}


def test_a_comment_goes_to_the_other_side_of_the_thread(org, mailoutbox, django_capture_on_commit_callbacks):
    submitted = file_account_request(org.employee, providers=[org.employee_emp], backup=org.lead_emp)
    subject = f"New comment on #{submitted.pk}: {submitted.title}"
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(governance_request=submitted, acting_user=org.csc_staff, body="Who is the backup?")
    assert emails_by_recipient(mailoutbox) == {org.employee_emp.email: subject}
    assert "Who is the backup?" in mailoutbox[0].body
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(governance_request=submitted, acting_user=org.employee, body="Amir Haddad.")
    assert emails_by_recipient(mailoutbox) == {settings.CSC_MAILBOX: subject}


def test_decommissioning_tells_the_accountable_manager_the_providers_and_the_mailbox(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    decommission = services.create_decommission_request(
        account=world.parks_account,
        acting_user=world.manager,
        values={
            "reason": "Merged.",
            "archive_plan": "Archived.",
            "farewell_message": "Bye.",
            "effective_date": "2030-01-01",
        },
    )
    services.submit_request(governance_request=decommission, acting_user=world.manager)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_request(governance_request=decommission, acting_user=world.director)
    closed = [message.to[0] for message in mailoutbox if message.subject == "Decommissioned: Calgary Parks"]
    assert sorted(closed) == sorted([world.manager_emp.email, world.provider_emp.email, settings.CSC_MAILBOX])


def test_a_rolled_back_decision_sends_nothing(org, mailoutbox, django_capture_on_commit_callbacks):
    submitted = file_account_request(org.employee, providers=[org.employee_emp], backup=org.lead_emp)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.approve_request(governance_request=submitted, acting_user=org.director)
        raise RuntimeError("the page crashed after the approval")
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert mailoutbox == []


@pytest.mark.worker
def test_the_worker_delivers_the_approval_emails(celery_worker, org):
    submitted = file_account_request(org.employee, providers=[org.employee_emp], backup=org.lead_emp)
    wait_for(
        lambda: Notification.objects.exclude(email="").filter(emailed_at__isnull=True).count() == 0,
        message="the submission emails",
    )
    services.approve_request(governance_request=submitted, acting_user=org.director, note="Approved.")
    approvals = Notification.objects.filter(kind="request_approved")
    wait_for(lambda: approvals.filter(emailed_at__isnull=False).count() == 3, message="the approval emails")
    files = "".join(path.read_text() for path in celery_worker.mail_dir.glob("*.log"))
    for address in (org.employee_emp.email, org.manager_emp.email, settings.CSC_MAILBOX):
        assert f"To: {address}" in files
    assert files.count(f"Subject: Approved: #{submitted.pk}") == 3
