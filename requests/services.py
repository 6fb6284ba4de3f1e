"""Every change to a request: filing, editing, the workflow's transitions and the thread.

Transitions follow `models.TRANSITIONS`, nothing else. Each locks the request row, checks the
state and who is acting, changes it, writes its audit event and notifies people after commit.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts import services as registry
from accounts.models import AccessLevel, AccountStatus
from governance.permissions import employee_of
from governance.selectors import directors
from governance.services import WorkflowError, diff, display_name, notify, record_event

from . import permissions
from .models import (
    ACCOUNT_REQUEST_FIELDS,
    DECIDED_STATUSES,
    DECOMMISSION_FIELDS,
    OPEN_STATUSES,
    PROVIDER_ACCESS_FIELDS,
    REQUIRED_TO_SUBMIT,
    AccountRequest,
    Action,
    DecommissionRequest,
    GovernanceRequest,
    ProviderAccessRequest,
    RequestComment,
    RequestKind,
    RequestStatus,
    next_status,
)


def submission_problems(detail):
    """What must be completed before this request can be submitted (empty when complete)."""
    problems = [
        detail._meta.get_field(name).verbose_name
        for name in REQUIRED_TO_SUBMIT[detail.kind]
        if getattr(detail, name) in (None, "", False)
    ]
    if detail.kind == RequestKind.ACCOUNT:
        if not detail.providers.exists():
            problems.append("content providers")
        if detail.launch_date and detail.launch_date < timezone.localdate():
            problems.append("a launch date that is not in the past")
    return problems


def _requester_employee(acting_user):
    me = employee_of(acting_user)
    if me is None:
        raise WorkflowError("Your sign-in is not linked to an employee record, so you cannot file requests.")
    return me


def _title_for(detail):
    if detail.kind == RequestKind.ACCOUNT:
        name = detail.proposed_name or detail.proposed_handle or "(untitled)"
        platform = detail.get_platform_display() if detail.platform else "social media"
        return f"New {platform} account: {name}"[:255]
    if detail.kind == RequestKind.DECOMMISSION:
        return f"Decommission {detail.account.display_name} ({detail.account.handle})"[:255]
    return f"Provider access for {detail.employee.full_name} on {detail.account.display_name}"[:255]


def _snapshot(detail, fields):
    values = {name: getattr(detail, name) for name in fields}
    if detail.kind == RequestKind.ACCOUNT and detail.pk:
        values["providers"] = sorted(detail.providers.values_list("employee_number", flat=True))
    return values


# --- filing and editing -------------------------------------------------------------------------


def create_account_request(*, acting_user, values, providers) -> AccountRequest:
    """Start a Social Media Request form as a draft, for the requester's business unit."""
    me = _requester_employee(acting_user)
    with transaction.atomic():
        account_request = AccountRequest(
            kind=RequestKind.ACCOUNT,
            requester=acting_user,
            requester_employee=me,
            business_unit=me.business_unit,
            created_at=timezone.now(),
        )
        for name in ACCOUNT_REQUEST_FIELDS:
            if name in values:
                setattr(account_request, name, values[name])
        account_request.title = _title_for(account_request)
        account_request.save()
        account_request.providers.set(providers)
        record_event(
            verb="request.created",
            target=account_request.governancerequest_ptr,
            acting_user=acting_user,
            changes=diff({}, _snapshot(account_request, ACCOUNT_REQUEST_FIELDS)),
        )
    return account_request


def create_decommission_request(*, account, acting_user, values) -> DecommissionRequest:
    """Start a request to decommission an account, as a draft."""
    me = _requester_employee(acting_user)
    if account.status != AccountStatus.ACTIVE:
        raise WorkflowError(f"{account.display_name} is {account.get_status_display().lower()}.")
    with transaction.atomic():
        decommission = DecommissionRequest(
            kind=RequestKind.DECOMMISSION,
            created_at=timezone.now(),
            requester=acting_user,
            requester_employee=me,
            business_unit=account.business_unit,
            account=account,
            **{name: values[name] for name in DECOMMISSION_FIELDS if name in values},
        )
        decommission.title = _title_for(decommission)
        decommission.save()
        record_event(
            verb="request.created",
            target=decommission.governancerequest_ptr,
            acting_user=acting_user,
            changes=diff({}, _snapshot(decommission, DECOMMISSION_FIELDS)),
        )
    return decommission


def create_provider_access_request(
    *, account, employee, acting_user, values, on_behalf_of=None
) -> ProviderAccessRequest:
    """Start a request that the Director designate `employee` for `account`, as a draft."""
    requester = on_behalf_of or acting_user
    me = _requester_employee(requester)
    if account.status != AccountStatus.ACTIVE:
        raise WorkflowError(f"{account.display_name} is {account.get_status_display().lower()}.")
    with transaction.atomic():
        access = ProviderAccessRequest(
            kind=RequestKind.PROVIDER_ACCESS,
            created_at=timezone.now(),
            requester=requester,
            requester_employee=me,
            business_unit=account.business_unit,
            account=account,
            employee=employee,
            access_level=values.get("access_level", AccessLevel.PUBLISHER),
            justification=values.get("justification", ""),
        )
        access.title = _title_for(access)
        access.save()
        record_event(
            verb="request.created",
            target=access.governancerequest_ptr,
            acting_user=acting_user,
            changes=diff({}, {**_snapshot(access, PROVIDER_ACCESS_FIELDS), "employee": employee.employee_number}),
        )
    return access


def update_request(*, governance_request, acting_user, values, providers=None):
    """Save the requester's edits while the form is with them (draft or changes requested)."""
    with transaction.atomic():
        locked = GovernanceRequest.objects.select_for_update().get(pk=governance_request.pk)
        if not permissions.can_edit(acting_user, locked):
            raise PermissionDenied("Only the requester can change this request.")
        if not locked.is_editable:
            raise WorkflowError(f"This request is {locked.get_status_display().lower()} and can no longer be changed.")
        detail = type(governance_request.detail).objects.get(pk=locked.pk)
        fields = {
            RequestKind.ACCOUNT: ACCOUNT_REQUEST_FIELDS,
            RequestKind.DECOMMISSION: DECOMMISSION_FIELDS,
            RequestKind.PROVIDER_ACCESS: PROVIDER_ACCESS_FIELDS,
        }[locked.kind]
        before = _snapshot(detail, fields)
        for name in fields:
            if name in values:
                setattr(detail, name, values[name])
        detail.title = _title_for(detail)
        detail.save()
        if providers is not None and locked.kind == RequestKind.ACCOUNT:
            detail.providers.set(providers)
        changes = diff(before, _snapshot(detail, fields))
        if changes:
            record_event(verb="request.updated", target=locked, acting_user=acting_user, changes=changes)
    return detail


# --- the workflow ----------------------------------------------------------------------------------


def _refusal(locked, action):
    if locked.status in DECIDED_STATUSES:
        return f"This request was already {locked.get_status_display().lower()}."
    if locked.status == RequestStatus.WITHDRAWN:
        return "This request was withdrawn."
    return f"A request that is {locked.get_status_display().lower()} cannot be {Action(action).label.lower()}ed."


def _transition(governance_request, *, action, acting_user, note="", check, effect=None):
    """Move a request through the workflow, or raise WorkflowError / PermissionDenied and
    change nothing. `check` is the permission predicate; `effect` runs the decision's
    consequences in the same transaction."""
    with transaction.atomic():
        locked = GovernanceRequest.objects.select_for_update().get(pk=governance_request.pk)
        if not check(acting_user, locked):
            raise PermissionDenied(_forbidden_reason(locked, action, acting_user))
        new_status = next_status(locked.status, action)
        if new_status is None:
            raise WorkflowError(_refusal(locked, action))
        before = locked.status
        now = timezone.now()
        locked.status = new_status
        if action == Action.SUBMIT:
            locked.submitted_at = now
        if new_status in DECIDED_STATUSES:
            locked.decided_at, locked.decided_by, locked.decision_note = now, acting_user, note
        locked.save(update_fields=["status", "submitted_at", "decided_at", "decided_by", "decision_note", "updated_at"])
        if effect is not None:
            effect(locked)
        record_event(
            verb=f"request.{_VERBS[action]}",
            target=locked,
            acting_user=acting_user,
            note=note,
            changes={"status": {"before": before, "after": new_status}},
        )
        if action == Action.RETURN and note:
            RequestComment.objects.create(governance_request=locked, author=acting_user, body=note, created_at=now)
        _notify_transition(locked, action, acting_user, note, was=before)
    return locked


_VERBS = {
    Action.SUBMIT: "submitted",
    Action.RETURN: "returned",
    Action.APPROVE: "approved",
    Action.REJECT: "rejected",
    Action.WITHDRAW: "withdrawn",
}


def _forbidden_reason(locked, action, acting_user):
    if locked.requester_id == acting_user.pk and action in (Action.APPROVE, Action.REJECT, Action.RETURN):
        return "Nobody decides or triages their own request; another member of the team must."
    if action in (Action.APPROVE, Action.REJECT):
        return "Only the Director, Customer Service & Communications decides requests."
    if action == Action.RETURN:
        return "Only the communications team returns requests for changes."
    return "Only the requester can do this."


def submit_request(*, governance_request, acting_user):
    """Send the request to the communications team (first time or again after changes)."""

    def complete(locked):
        problems = submission_problems(locked.detail)
        if problems:
            raise WorkflowError("Complete these before submitting: " + ", ".join(problems) + ".")
        if locked.kind == RequestKind.ACCOUNT:
            detail = locked.detail
            address = detail.proposed_url or detail.proposed_handle
            existing = registry.find_registered(detail.platform, address)
            if existing is not None:
                raise WorkflowError(f"This account is already registered: {existing.display_name}.")
        if locked.kind == RequestKind.DECOMMISSION:
            registry.set_decommissioning(account=locked.detail.account, acting_user=acting_user, pending=True)

    return _transition(
        governance_request, action=Action.SUBMIT, acting_user=acting_user, check=permissions.can_submit, effect=complete
    )


def return_request(*, governance_request, acting_user, note):
    """Send a submitted request back to its requester, saying what to change."""
    if not note.strip():
        raise WorkflowError("Say what the requester should change.")
    return _transition(
        governance_request, action=Action.RETURN, acting_user=acting_user, note=note, check=permissions.can_return
    )


def reject_request(*, governance_request, acting_user, note):
    """The Director refuses the request, with the reason."""
    if not note.strip():
        raise WorkflowError("Give the reason for the rejection; the requester will see it.")
    return _transition(
        governance_request,
        action=Action.REJECT,
        acting_user=acting_user,
        note=note,
        check=permissions.can_decide,
        effect=lambda locked: _close_decommissioning(locked, acting_user),
    )


def withdraw_request(*, governance_request, acting_user, note=""):
    """The requester takes the request back before a decision."""
    return _transition(
        governance_request,
        action=Action.WITHDRAW,
        acting_user=acting_user,
        note=note,
        check=permissions.can_withdraw,
        effect=lambda locked: _close_decommissioning(locked, acting_user),
    )


def _close_decommissioning(locked, acting_user):
    if locked.kind == RequestKind.DECOMMISSION and locked.submitted_at is not None:
        registry.set_decommissioning(account=locked.detail.account, acting_user=acting_user, pending=False)


def approve_request(*, governance_request, acting_user, note=""):
    """The Director approves: a new account is registered (its named providers become
    provider-access requests), a decommissioned account is closed, or a provider is designated."""
    return _transition(
        governance_request,
        action=Action.APPROVE,
        acting_user=acting_user,
        note=note,
        check=permissions.can_decide,
        effect=lambda locked: _APPROVAL_EFFECTS[locked.kind](locked.detail, acting_user, note),
    )


def _approve_account(detail, acting_user, note):
    requester = detail.requester_employee
    account = registry.register_account(
        platform=detail.platform,
        address=detail.proposed_url or detail.proposed_handle,
        handle=detail.proposed_handle,
        display_name=detail.proposed_name,
        business_unit=detail.business_unit,
        accountable_manager=requester.manager or requester,
        purpose=detail.business_need,
        listed_in_directory=detail.listed_in_directory,
        acting_user=acting_user,
    )
    AccountRequest.objects.filter(pk=detail.pk).update(created_account=account)
    detail.created_account = account
    named = list(detail.providers.all())
    if detail.backup_provider and detail.backup_provider not in named:
        named.append(detail.backup_provider)
    for employee in named:
        access = create_provider_access_request(
            account=account,
            employee=employee,
            acting_user=acting_user,
            on_behalf_of=detail.requester,
            values={
                "access_level": AccessLevel.PUBLISHER,
                "justification": f"Named as a content provider on request #{detail.pk} ({detail.title}).",
            },
        )
        GovernanceRequest.objects.filter(pk=access.pk).update(
            status=RequestStatus.SUBMITTED, submitted_at=timezone.now()
        )
        record_event(
            verb="request.submitted",
            target=access.governancerequest_ptr,
            acting_user=acting_user,
            note=f"Filed from the approval of request #{detail.pk}.",
            changes={"status": {"before": RequestStatus.DRAFT, "after": RequestStatus.SUBMITTED}},
        )


def _approve_decommission(detail, acting_user, note):
    registry.decommission_account(account=detail.account, acting_user=acting_user, note=note)


def _approve_provider_access(detail, acting_user, note):
    grant = registry.designate_provider(
        employee=detail.employee,
        account=detail.account,
        access_level=detail.access_level,
        acting_user=acting_user,
        note=note,
    )
    ProviderAccessRequest.objects.filter(pk=detail.pk).update(created_grant=grant)


_APPROVAL_EFFECTS = {
    RequestKind.ACCOUNT: _approve_account,
    RequestKind.DECOMMISSION: _approve_decommission,
    RequestKind.PROVIDER_ACCESS: _approve_provider_access,
}


# --- the thread and notifications -----------------------------------------------------------------


def add_comment(*, governance_request, acting_user, body) -> RequestComment:
    """Add a message to the request's thread; the other side is told."""
    if not body.strip():
        raise WorkflowError("Write a comment first.")
    if not permissions.can_comment(acting_user, governance_request):
        raise PermissionDenied("Only the requester and the communications team take part in the thread.")
    if governance_request.status not in OPEN_STATUSES:
        raise WorkflowError("This request is closed; its thread is read-only.")
    with transaction.atomic():
        comment = RequestComment.objects.create(
            governance_request=governance_request, author=acting_user, body=body, created_at=timezone.now()
        )
        record_event(verb="request.commented", target=governance_request, acting_user=acting_user, note=body)
        context = {**_request_context(governance_request), "author": display_name(acting_user), "comment": body}
        link = f"/requests/{governance_request.pk}/"
        if acting_user.pk == governance_request.requester_id:
            notify(kind="request_commented", context=context, link=link, mailboxes=[settings.CSC_MAILBOX])
        else:
            notify(kind="request_commented", context=context, link=link, users=[governance_request.requester])
    return comment


def _request_context(governance_request):
    return {
        "request_id": governance_request.pk,
        "title": governance_request.title,
        "kind": governance_request.get_kind_display(),
        "status": governance_request.get_status_display(),
        "requester": governance_request.requester_employee.full_name,
        "business_unit": governance_request.business_unit.name,
    }


def _notify_transition(locked, action, acting_user, note, *, was):
    context = {**_request_context(locked), "note": note, "actor": display_name(acting_user)}
    link = f"/requests/{locked.pk}/"
    requester = locked.requester
    if action == Action.SUBMIT:
        notify(kind="request_received", context=context, link=link, users=[requester])
        notify(
            kind="request_submitted", context=context, link=link, users=directors(), mailboxes=[settings.CSC_MAILBOX]
        )
    elif action == Action.RETURN:
        notify(kind="request_returned", context=context, link=link, users=[requester])
    elif action == Action.APPROVE:
        manager = locked.requester_employee.manager
        people = [requester, manager.user if manager else None]
        if locked.kind == RequestKind.PROVIDER_ACCESS:
            people.append(locked.detail.employee.user)
        notify(kind="request_approved", context=context, link=link, users=people, mailboxes=[settings.CSC_MAILBOX])
    elif action == Action.REJECT:
        notify(kind="request_rejected", context=context, link=link, users=[requester], mailboxes=[settings.CSC_MAILBOX])
    elif action == Action.WITHDRAW and was != RequestStatus.DRAFT:
        notify(kind="request_withdrawn", context=context, link=link, mailboxes=[settings.CSC_MAILBOX])
