"""Two Directors approving the same request at the same moment, on real PostgreSQL: exactly one
approval, one account, one set of notifications."""

import threading

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection, connections

from accounts.models import SocialAccount
from governance.models import AuditEvent, Notification
from governance.roles import DIRECTOR
from governance.services import WorkflowError
from requests import services
from requests.models import RequestStatus
from tests.factories import UserFactory, file_account_request

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_directors_approving_at_once_make_one_approval(org, mailoutbox):
    acting_director = UserFactory(username="acting-director")
    acting_director.groups.add(Group.objects.get_or_create(name=DIRECTOR)[0])
    account_request = file_account_request(org.employee, providers=[org.employee_emp], backup=org.lead_emp)
    notifications_before = set(Notification.objects.values_list("pk", flat=True))
    mailoutbox.clear()

    start = threading.Barrier(2)
    outcomes = []

    def approve(director):
        try:
            start.wait()
            services.approve_request(governance_request=account_request, acting_user=director, note="Yes.")
            outcomes.append("approved")
        except WorkflowError as error:
            outcomes.append(str(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(user,)) for user in (org.director, acting_director)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["This request was already approved.", "approved"]
    account_request.refresh_from_db()
    assert account_request.status == RequestStatus.APPROVED
    assert SocialAccount.objects.count() == 1
    assert AuditEvent.objects.filter(verb="request.approved", target_id=str(account_request.pk)).count() == 1
    assert AuditEvent.objects.filter(verb="account.registered").count() == 1
    # One set: the requester, the requester's manager and the CSC mailbox are told of the
    # approval, and the two provider-access requests it filed are each announced once (to the
    # requester, both Directors and the CSC mailbox).
    new = Notification.objects.exclude(pk__in=notifications_before)
    assert sorted(new.values_list("kind", flat=True)) == sorted(
        ["request_approved"] * 3 + ["request_received"] * 2 + ["request_submitted"] * 6
    )
    approval = [message for message in mailoutbox if message.subject.startswith(f"Approved: #{account_request.pk}")]
    assert sorted(message.to[0] for message in approval) == sorted(
        [org.employee_emp.email, org.manager_emp.email, settings.CSC_MAILBOX]
    )
    # Every email once: one per notification with an address, no more.
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        new.exclude(email="").values_list("email", flat=True)
    )
