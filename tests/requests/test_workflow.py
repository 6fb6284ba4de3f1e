"""The one workflow of every request: each (state, action) pair outside the transition table is
refused and changes nothing; each allowed move does exactly what it should."""

import itertools

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied

from accounts.models import AccountStatus, CredentialRotation, GrantStatus, ProviderGrant, RotationReason
from accounts.selectors import directory_accounts
from governance.models import AuditEvent, Notification
from governance.services import WorkflowError
from requests import selectors, services
from requests.models import (
    TRANSITIONS,
    AccountRequest,
    Action,
    DecommissionRequest,
    GovernanceRequest,
    ProviderAccessRequest,
    RequestKind,
    RequestStatus,
)
from tests.factories import TrainingRecordFactory, acknowledge, file_account_request, make_grant
from tests.snapshot import database_snapshot

ACTORS = {
    Action.SUBMIT: "employee",
    Action.WITHDRAW: "employee",
    Action.RETURN: "csc_staff",
    Action.APPROVE: "director",
    Action.REJECT: "director",
}
NOTES = {Action.RETURN: "Please name a backup.", Action.REJECT: "Not needed.", Action.APPROVE: "Go ahead."}


def run(action, governance_request, user):
    service = {
        Action.SUBMIT: services.submit_request,
        Action.RETURN: services.return_request,
        Action.APPROVE: services.approve_request,
        Action.REJECT: services.reject_request,
        Action.WITHDRAW: services.withdraw_request,
    }[action]
    kwargs = {"governance_request": governance_request, "acting_user": user}
    if action in NOTES:
        kwargs["note"] = NOTES[action]
    return service(**kwargs)


def request_in(status, org):
    """A complete account request by the employee, brought to `status` through the workflow."""
    account_request = file_account_request(
        org.employee, providers=[org.employee_emp], backup=org.lead_emp, submit=False
    )
    path = {
        RequestStatus.DRAFT: [],
        RequestStatus.SUBMITTED: [Action.SUBMIT],
        RequestStatus.CHANGES_REQUESTED: [Action.SUBMIT, Action.RETURN],
        RequestStatus.APPROVED: [Action.SUBMIT, Action.APPROVE],
        RequestStatus.REJECTED: [Action.SUBMIT, Action.REJECT],
        RequestStatus.WITHDRAWN: [Action.WITHDRAW],
    }[status]
    for action in path:
        run(action, account_request, getattr(org, ACTORS[action]))
    account_request.refresh_from_db()
    assert account_request.status == status
    return account_request


def test_the_table_is_the_documented_workflow():
    assert TRANSITIONS == {
        ("draft", "submit"): "submitted",
        ("changes_requested", "submit"): "submitted",
        ("submitted", "return"): "changes_requested",
        ("submitted", "approve"): "approved",
        ("submitted", "reject"): "rejected",
        ("draft", "withdraw"): "withdrawn",
        ("submitted", "withdraw"): "withdrawn",
        ("changes_requested", "withdraw"): "withdrawn",
    }


REFUSED = [(s, a) for s, a in itertools.product(RequestStatus, Action) if (s, a) not in TRANSITIONS]
ALLOWED = list(TRANSITIONS)


#: What the refusal says, by the request's status (a page may be stale: someone else moved it).
REFUSALS = {
    RequestStatus.DRAFT: "This request is still a draft, so it cannot be {done}.",
    RequestStatus.SUBMITTED: "This request was already submitted.",
    RequestStatus.CHANGES_REQUESTED: "This request was returned to its requester for changes, so it cannot be {done}.",
    RequestStatus.APPROVED: "This request was already approved.",
    RequestStatus.REJECTED: "This request was already rejected.",
    RequestStatus.WITHDRAWN: "This request was withdrawn.",
}
DONE = {"submit": "submitted", "return": "returned", "approve": "approved", "reject": "rejected"}


@pytest.mark.parametrize(("status", "action"), REFUSED, ids=[f"{s}-{a}" for s, a in REFUSED])
def test_a_move_outside_the_table_is_refused_and_changes_nothing(org, status, action):
    account_request = request_in(status, org)
    before = database_snapshot()
    with pytest.raises(WorkflowError) as refused:
        run(action, account_request, getattr(org, ACTORS[action]))
    assert str(refused.value) == REFUSALS[status].format(done=DONE.get(action))
    assert database_snapshot() == before


@pytest.mark.parametrize(("status", "action"), ALLOWED, ids=[f"{s}-{a}" for s, a in ALLOWED])
def test_a_move_in_the_table_reaches_its_status_and_is_audited(org, status, action):
    account_request = request_in(status, org)
    run(action, account_request, getattr(org, ACTORS[action]))
    account_request.refresh_from_db()
    assert account_request.status == TRANSITIONS[(status, action)]
    event = AuditEvent.objects.filter(target_id=str(account_request.pk)).latest("id")
    assert event.changes == {"status": {"before": status, "after": account_request.status}}
    assert event.actor == getattr(org, ACTORS[action])


@pytest.mark.parametrize("action", [Action.APPROVE, Action.REJECT, Action.RETURN])
def test_nobody_decides_their_own_request_the_director_included(org, action):
    own = file_account_request(org.director, providers=[org.csc_emp], backup=org.employee_emp)
    before = database_snapshot()
    with pytest.raises(PermissionDenied):
        run(action, own, org.director)
    assert database_snapshot() == before


@pytest.mark.parametrize("action", [Action.APPROVE, Action.REJECT])
def test_only_the_director_decides(org, action):
    submitted = request_in(RequestStatus.SUBMITTED, org)
    before = database_snapshot()
    for user in (org.csc_staff, org.manager, org.auditor, org.outsider):
        with pytest.raises(PermissionDenied):
            run(action, submitted, user)
    assert database_snapshot() == before


def test_only_the_requester_submits_and_withdraws(org):
    draft = request_in(RequestStatus.DRAFT, org)
    before = database_snapshot()
    for user in (org.director, org.csc_staff, org.manager):
        for action in (Action.SUBMIT, Action.WITHDRAW):
            with pytest.raises(PermissionDenied):
                run(action, draft, user)
    assert database_snapshot() == before


def test_an_incomplete_form_cannot_be_submitted(org):
    from requests.services import create_account_request

    draft = create_account_request(acting_user=org.employee, values={"platform": "instagram"}, providers=[])
    with pytest.raises(WorkflowError, match="Complete these before submitting: proposed account name"):
        services.submit_request(governance_request=draft, acting_user=org.employee)
    draft.refresh_from_db()
    assert draft.status == RequestStatus.DRAFT


def test_returning_needs_a_note_and_puts_it_in_the_thread(org):
    submitted = request_in(RequestStatus.SUBMITTED, org)
    with pytest.raises(WorkflowError):
        services.return_request(governance_request=submitted, acting_user=org.csc_staff, note="  ")
    services.return_request(governance_request=submitted, acting_user=org.csc_staff, note="Name a backup.")
    assert list(submitted.comments.values_list("body", flat=True)) == ["Name a backup."]


def test_approving_a_new_account_registers_it_and_files_its_providers(org):
    account_request = file_account_request(
        org.employee, providers=[org.employee_emp, org.indirect_emp], backup=org.lead_emp
    )
    services.approve_request(governance_request=account_request, acting_user=org.director, note="Approved.")
    account_request.refresh_from_db()
    account = account_request.created_account
    assert account.status == AccountStatus.ACTIVE
    assert account.business_unit == org.parks
    assert account.accountable_manager == org.manager_emp  # the requester's manager
    assert account.listed_in_directory
    assert account.normalized_url == "instagram.com/yycoffleash"
    derived = ProviderAccessRequest.objects.filter(account=account)
    assert sorted(derived.values_list("employee__employee_number", flat=True)) == ["E0102", "E0103", "E0104"]
    assert set(derived.values_list("status", flat=True)) == {RequestStatus.SUBMITTED}
    assert set(derived.values_list("requester", flat=True)) == {org.employee.pk}
    assert not ProviderGrant.objects.filter(account=account).exists()  # the Director designates each
    assert account in directory_accounts()


def test_the_providers_requests_are_submitted_like_any_other(org):
    """Filed by the approval, each provider-access request is submitted through the workflow:
    the usual audit event, and the usual notifications."""
    account_request = file_account_request(org.employee, providers=[org.employee_emp], backup=org.lead_emp)
    services.approve_request(governance_request=account_request, acting_user=org.director)
    for access in ProviderAccessRequest.objects.filter(account__origin_request=account_request):
        assert access.submitted_at is not None
        event = AuditEvent.objects.get(verb="request.submitted", target_id=str(access.pk))
        assert event.actor == org.director
        assert event.changes == {"status": {"before": RequestStatus.DRAFT, "after": RequestStatus.SUBMITTED}}
        assert event.note == f"Filed from the approval of request #{account_request.pk}."
        told = Notification.objects.filter(link=f"/requests/{access.pk}/")
        assert set(told.filter(kind="request_received").values_list("recipient", flat=True)) == {org.employee.pk}
        submitted = told.filter(kind="request_submitted")
        assert set(submitted.exclude(recipient=None).values_list("recipient", flat=True)) == {org.director.pk}
        assert submitted.filter(recipient=None, email=settings.CSC_MAILBOX).exists()


def test_an_account_the_request_asked_not_to_list_stays_out_of_the_directory(org):
    account_request = file_account_request(
        org.employee, providers=[org.employee_emp], backup=org.lead_emp, listed_in_directory=False
    )
    services.approve_request(governance_request=account_request, acting_user=org.director)
    account_request.refresh_from_db()
    account = account_request.created_account
    assert account.status == AccountStatus.ACTIVE and not account.listed_in_directory
    assert account not in directory_accounts()


def test_an_address_already_registered_cannot_be_requested_again(world):
    taken = file_account_request(
        world.employee,
        providers=[world.employee_emp],
        backup=world.lead_emp,
        submit=False,
        proposed_handle="@CalgaryParks",
    )
    with pytest.raises(WorkflowError, match="already registered: Calgary Parks"):
        services.submit_request(governance_request=taken, acting_user=world.employee)


def _access_request(world, employee):
    access = services.create_provider_access_request(
        account=world.parks_account,
        employee=employee,
        acting_user=world.manager,
        values={"access_level": "publisher", "justification": "Covers park events."},
    )
    services.submit_request(governance_request=access, acting_user=world.manager)
    return access


def test_approving_provider_access_designates_a_trained_employee(world):
    access = _access_request(world, world.lead_emp)
    services.approve_request(governance_request=access, acting_user=world.director)
    access.refresh_from_db()
    grant = access.created_grant
    assert grant.status == GrantStatus.ACTIVE
    assert grant.employee == world.lead_emp and grant.account == world.parks_account
    assert grant.designated_by == world.director
    assert (grant.recertify_by - grant.designated_at.date()).days in range(360, 370)


@pytest.mark.parametrize("missing", ["training", "acknowledgement"])
def test_designation_is_refused_without_current_training_or_acknowledgement(world, missing):
    if missing == "training":
        world.lead_emp.training_records.all().delete()
        expected = "training is not current"
    else:
        world.lead_emp.acknowledgements.all().delete()
        expected = "has not acknowledged version 1.0"
    access = _access_request(world, world.lead_emp)
    before = database_snapshot()
    with pytest.raises(WorkflowError, match=expected):
        services.approve_request(governance_request=access, acting_user=world.director)
    assert database_snapshot() == before
    access.refresh_from_db()
    assert access.status == RequestStatus.SUBMITTED
    # Once trained and acknowledged, the same request can be approved.
    TrainingRecordFactory(employee=world.lead_emp)
    acknowledge(world.lead_emp)
    services.approve_request(governance_request=access, acting_user=world.director)
    assert ProviderGrant.objects.filter(employee=world.lead_emp, status=GrantStatus.ACTIVE).exists()


DECOMMISSION_FORM = {"reason": "r", "archive_plan": "a", "farewell_message": "f", "effective_date": "2030-01-01"}


def _decommission(world, account=None, user=None, *, submit=True):
    decommission = services.create_decommission_request(
        account=account or world.parks_account, acting_user=user or world.manager, values=DECOMMISSION_FORM
    )
    if submit:
        services.submit_request(governance_request=decommission, acting_user=user or world.manager)
    return decommission


def test_approving_decommissioning_closes_the_account_and_revokes_every_grant(world):
    extra = make_grant(employee=world.employee_emp, account=world.parks_account, status=GrantStatus.UNDER_REVIEW)
    assert world.parks_account in directory_accounts()
    decommission = _decommission(world)
    world.parks_account.refresh_from_db()
    assert world.parks_account.status == AccountStatus.DECOMMISSIONING
    services.approve_request(governance_request=decommission, acting_user=world.director)
    world.parks_account.refresh_from_db()
    assert world.parks_account.status == AccountStatus.DECOMMISSIONED
    assert world.parks_account not in directory_accounts()
    rotation = CredentialRotation.objects.get(account=world.parks_account, completed_at__isnull=True)
    assert set(rotation.causes.values_list("reason", flat=True)) == {RotationReason.ACCOUNT_DECOMMISSIONED}
    for grant in (world.provider_grant, extra):
        grant.refresh_from_db()
        assert grant.status == GrantStatus.REVOKED and grant.revoked_at is not None
        assert AuditEvent.objects.filter(verb="grant.revoked", target_id=str(grant.pk)).count() == 1
    world.transit_grant.refresh_from_db()
    assert world.transit_grant.status == GrantStatus.ACTIVE


@pytest.mark.parametrize("finish", ["reject", "withdraw", "withdraw_after_return"])
def test_a_rejected_or_withdrawn_decommission_leaves_the_account_active(world, finish):
    decommission = _decommission(world)
    if finish == "reject":
        services.reject_request(governance_request=decommission, acting_user=world.director, note="Keep it.")
    else:
        if finish == "withdraw_after_return":
            services.return_request(governance_request=decommission, acting_user=world.csc_staff, note="Why?")
        services.withdraw_request(governance_request=decommission, acting_user=world.manager)
    world.parks_account.refresh_from_db()
    assert world.parks_account.status == AccountStatus.ACTIVE
    assert world.parks_account in directory_accounts()


def test_a_decommission_returned_for_changes_keeps_its_account_and_can_be_sent_again(world):
    decommission = _decommission(world)
    services.return_request(governance_request=decommission, acting_user=world.csc_staff, note="Say more.")
    world.parks_account.refresh_from_db()
    assert world.parks_account.status == AccountStatus.DECOMMISSIONING  # still under review
    with pytest.raises(WorkflowError, match="Calgary Parks already has a decommission request under review"):
        _decommission(world, user=world.csc_staff, submit=False)
    services.submit_request(governance_request=decommission, acting_user=world.manager)
    decommission.refresh_from_db()
    world.parks_account.refresh_from_db()
    assert decommission.status == RequestStatus.SUBMITTED
    assert world.parks_account.status == AccountStatus.DECOMMISSIONING


def test_only_one_decommission_request_per_account_is_under_review(world):
    """Two drafts for the same account: the second cannot be submitted while the first is under
    review, so withdrawing or rejecting one can never reopen an account another still holds."""
    first = _decommission(world, submit=False)
    second = _decommission(world, user=world.csc_staff, submit=False)
    services.submit_request(governance_request=first, acting_user=world.manager)
    before = database_snapshot()
    with pytest.raises(WorkflowError, match=rf"already has a decommission request under review \(#{first.pk}\)"):
        services.submit_request(governance_request=second, acting_user=world.csc_staff)
    assert database_snapshot() == before
    with pytest.raises(WorkflowError, match="already has a decommission request under review"):
        _decommission(world, user=world.csc_staff, submit=False)

    # Once the first is withdrawn, the account is active again and the second may go.
    services.withdraw_request(governance_request=first, acting_user=world.manager)
    services.submit_request(governance_request=second, acting_user=world.csc_staff)
    world.parks_account.refresh_from_db()
    assert world.parks_account.status == AccountStatus.DECOMMISSIONING
    services.reject_request(governance_request=second, acting_user=world.director, note="Keep it.")
    world.parks_account.refresh_from_db()
    assert world.parks_account.status == AccountStatus.ACTIVE


def test_a_decommissioned_account_takes_no_more_decommission_requests(world):
    draft = _decommission(world, user=world.csc_staff, submit=False)
    services.approve_request(governance_request=_decommission(world), acting_user=world.director)
    with pytest.raises(WorkflowError, match="Calgary Parks is already decommissioned"):
        services.submit_request(governance_request=draft, acting_user=world.csc_staff)
    with pytest.raises(WorkflowError, match="Calgary Parks is already decommissioned"):
        _decommission(world, submit=False)
    draft.refresh_from_db()
    assert draft.status == RequestStatus.DRAFT


def test_kinds_share_the_base_table_for_the_queue(world):
    decommission = _decommission(world, account=world.transit_account, user=world.csc_staff)
    access = services.create_provider_access_request(
        account=world.parks_account,
        employee=world.lead_emp,
        acting_user=world.manager,
        values={"justification": "Events."},
    )
    services.submit_request(governance_request=access, acting_user=world.manager)
    queue = list(selectors.queue())
    assert {r.kind for r in queue} == {RequestKind.ACCOUNT, RequestKind.DECOMMISSION, RequestKind.PROVIDER_ACCESS}
    assert {r.pk for r in queue} == {world.mine_submitted.pk, world.other_request.pk, decommission.pk, access.pk}
    assert all(type(r) is GovernanceRequest for r in queue)  # one table, one query
    details = {r.pk: type(r.detail) for r in queue}
    assert details[decommission.pk] is DecommissionRequest and details[access.pk] is ProviderAccessRequest
    assert isinstance(GovernanceRequest.objects.get(pk=world.mine_draft.pk).detail, AccountRequest)
