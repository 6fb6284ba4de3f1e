"""Every change to a request: filing, editing, the workflow's transitions and the thread.

Transitions follow `models.TRANSITIONS`, nothing else. Each locks the request row, checks the
state and who is acting, changes it, writes its audit event and notifies people after commit.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts import services as registry
from accounts.models import AccessLevel, AccountStatus, SocialAccount
from accounts.normalization import NotAnAccountAddress, normalize
from governance.audit_verbs import Verb
from governance.permissions import employee_of
from governance.selectors import directors
from governance.services import WorkflowError, diff, display_name, notify, record_event

from . import permissions
from .models import (
    ACCOUNT_REQUEST_FIELDS,
    DECIDED_STATUSES,
    DECOMMISSION_FIELDS,
    FORM_FIELDS,
    KIND_MODELS,
    OPEN_STATUSES,
    REQUIRED_TO_SUBMIT,
    UNDER_REVIEW_STATUSES,
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

# --- the rules of submission ------------------------------------------------------------------------

NEEDED = "Needed before you can submit."
#: What to say about a missing field when "needed" alone would not say enough.
_NEEDED_MESSAGES = {"read_standards": "Confirm that you have read the Social Media Standards for City Employees."}


def submission_problems(kind, values) -> dict[str, str]:
    """What stops a request of `kind` whose form holds `values` (field name -> value; a new
    account's `providers` a list) from being submitted: {field name: what to do}, empty when
    nothing does. The forms show each problem next to its field; `submit_request` refuses
    while any remain."""
    problems = {name: _NEEDED_MESSAGES.get(name, NEEDED) for name in REQUIRED_TO_SUBMIT[kind] if not values.get(name)}
    if kind == RequestKind.ACCOUNT:
        launch = values.get("launch_date")
        if launch and launch < timezone.localdate():
            problems["launch_date"] = "Choose a launch date that is not in the past."
        problems.update(address_problems(values))
    return problems


def address_problems(values) -> dict[str, str]:
    """Why the account a Social Media Request names cannot be asked for, by field: its address
    is not one of the chosen platform's, or the account is already registered. Drafts are
    held to this too."""
    platform, url, handle = values.get("platform"), values.get("proposed_url"), values.get("proposed_handle")
    address, field = (url, "proposed_url") if url else (handle, "proposed_handle")
    if not (platform and address):
        return {}
    try:
        normalize(address, platform)
    except NotAnAccountAddress as error:
        return {field: str(error)}
    existing = registry.find_registered(platform, address)
    if existing is not None:
        return {
            field: f"This account is already registered: {existing.display_name}. "
            "Ask its accountable manager about joining it instead."
        }
    return {}


def _form_values(detail):
    """A saved request's form, as `submission_problems` reads it."""
    values = {name: getattr(detail, name) for name in FORM_FIELDS[detail.kind]}
    if detail.kind == RequestKind.ACCOUNT:
        values["providers"] = list(detail.providers.all())
    return values


def _incomplete(detail, problems):
    """One message for all of a request's submission problems."""
    needed = [str(_field_name(detail, name)) for name, message in problems.items() if message == NEEDED]
    others = [message for message in problems.values() if message != NEEDED]
    if needed:
        others.insert(0, "Complete these before submitting: " + ", ".join(needed) + ".")
    return " ".join(others)


def _field_name(detail, name):
    return detail._meta.get_field(name).verbose_name


def decommission_problem(account, *, request_pk=None, resubmitting=False):
    """Why a decommission request for `account` cannot be filed or submitted now ('' when it
    can): one may be under review per account at a time, and only for an active account (or,
    when a request returned for changes is sent again, the account it holds)."""
    under_review = (
        DecommissionRequest.objects.filter(account=account, status__in=UNDER_REVIEW_STATUSES)
        .exclude(pk=request_pk)
        .order_by("pk")
        .first()
    )
    if under_review is not None:
        return f"{account.display_name} already has a decommission request under review (#{under_review.pk})."
    if account.status == AccountStatus.DECOMMISSIONED:
        return f"{account.display_name} is already decommissioned."
    if account.status == AccountStatus.DECOMMISSIONING and not resubmitting:
        return f"{account.display_name} already has a decommission request under review."
    return ""


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


def _snapshot(detail):
    values = {name: getattr(detail, name) for name in FORM_FIELDS[detail.kind]}
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
            verb=Verb.REQUEST_CREATED,
            target=account_request.governancerequest_ptr,
            acting_user=acting_user,
            changes=diff({}, _snapshot(account_request)),
        )
    return account_request


def create_decommission_request(*, account, acting_user, values) -> DecommissionRequest:
    """Start a request to decommission an account, as a draft (refused while another is under
    review, or when the account is not active)."""
    me = _requester_employee(acting_user)
    problem = decommission_problem(SocialAccount.objects.get(pk=account.pk))  # as it is now
    if problem:
        raise WorkflowError(problem)
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
            verb=Verb.REQUEST_CREATED,
            target=decommission.governancerequest_ptr,
            acting_user=acting_user,
            changes=diff({}, _snapshot(decommission)),
        )
    return decommission


def create_provider_access_request(
    *, account, employee, acting_user, values, on_behalf_of=None
) -> ProviderAccessRequest:
    """Start a request that the Director designate `employee` for `account`, as a draft."""
    requester = on_behalf_of or acting_user
    me = _requester_employee(requester)
    if account.status != AccountStatus.ACTIVE:
        raise WorkflowError(f"{account.display_name} is not active ({account.get_status_display().lower()}).")
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
            verb=Verb.REQUEST_CREATED,
            target=access.governancerequest_ptr,
            acting_user=acting_user,
            changes=diff({}, {**_snapshot(access), "employee": employee.employee_number}),
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
        detail = KIND_MODELS[locked.kind].objects.get(pk=locked.pk)
        before = _snapshot(detail)
        for name in FORM_FIELDS[locked.kind]:
            if name in values:
                setattr(detail, name, values[name])
        detail.title = _title_for(detail)
        detail.save()
        if providers is not None and locked.kind == RequestKind.ACCOUNT:
            detail.providers.set(providers)
        changes = diff(before, _snapshot(detail))
        if changes:
            record_event(verb=Verb.REQUEST_UPDATED, target=locked, acting_user=acting_user, changes=changes)
    return detail


# --- the workflow ----------------------------------------------------------------------------------

#: What each action is called in a sentence, and the audit verb it writes.
_VERBS = {
    Action.SUBMIT: "submitted",
    Action.RETURN: "returned",
    Action.APPROVE: "approved",
    Action.REJECT: "rejected",
    Action.WITHDRAW: "withdrawn",
}
_AUDIT_VERBS = {
    Action.SUBMIT: Verb.REQUEST_SUBMITTED,
    Action.RETURN: Verb.REQUEST_RETURNED,
    Action.APPROVE: Verb.REQUEST_APPROVED,
    Action.REJECT: Verb.REQUEST_REJECTED,
    Action.WITHDRAW: Verb.REQUEST_WITHDRAWN,
}


def _refusal(locked, action):
    """Why the workflow refuses `action` on a request in its present status (someone else may
    have moved it since the page was shown)."""
    if locked.status == RequestStatus.WITHDRAWN:
        return "This request was withdrawn."
    if locked.status in (*DECIDED_STATUSES, RequestStatus.SUBMITTED):
        return f"This request was already {locked.get_status_display().lower()}."
    where = "is still a draft" if locked.status == RequestStatus.DRAFT else "was returned to its requester for changes"
    return f"This request {where}, so it cannot be {_VERBS[action]}."


def _transition(governance_request, *, action, acting_user, note="", check, guard=None, effect=None):
    """Move a request through the workflow, or raise WorkflowError / PermissionDenied and
    change nothing. `check` is the permission predicate; `guard` may refuse the move for a
    reason of its own (it sees the request before the move); `effect` runs the move's
    consequences in the same transaction."""
    with transaction.atomic():
        locked = GovernanceRequest.objects.select_for_update().get(pk=governance_request.pk)
        if not check(acting_user, locked):
            raise PermissionDenied(_forbidden_reason(locked, action, acting_user))
        new_status = next_status(locked.status, action)
        if new_status is None:
            raise WorkflowError(_refusal(locked, action))
        if guard is not None:
            guard(locked)
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
            verb=_AUDIT_VERBS[action],
            target=locked,
            acting_user=acting_user,
            note=note,
            changes={"status": {"before": before, "after": new_status}},
        )
        if action == Action.RETURN and note:
            RequestComment.objects.create(governance_request=locked, author=acting_user, body=note, created_at=now)
        _notify_transition(locked, action, acting_user, note, was=before)
    return locked


def _forbidden_reason(locked, action, acting_user):
    if locked.requester_id == acting_user.pk and action in (Action.APPROVE, Action.REJECT, Action.RETURN):
        return "Nobody decides or triages their own request; another member of the team must."
    if action in (Action.APPROVE, Action.REJECT) and permissions.is_its_subject(acting_user, locked):
        return "Nobody decides a request to designate themselves; another Director must."
    if action in (Action.APPROVE, Action.REJECT):
        return "Only the Director, Customer Service & Communications decides requests."
    if action == Action.RETURN:
        return "Only the communications team returns requests for changes."
    return "Only the requester can do this."


def submit_request(*, governance_request, acting_user, note=""):
    """Send the request to the communications team (first time or again after changes), once
    its form is complete. A decommission request marks its account as being decommissioned.
    Tells the requester, the Directors and the CSC mailbox."""
    return _submit(governance_request, acting_user=acting_user, note=note, check=permissions.can_submit)


def _submit(governance_request, *, acting_user, note, check):
    def ready(locked):
        detail = locked.detail
        problems = submission_problems(locked.kind, _form_values(detail))
        if problems:
            raise WorkflowError(_incomplete(detail, problems))
        if locked.kind == RequestKind.DECOMMISSION:
            # One decommission request under review per account: the account's row lock makes
            # two submissions for the same account take turns.
            account = SocialAccount.objects.select_for_update().get(pk=detail.account_id)
            problem = decommission_problem(
                account, request_pk=locked.pk, resubmitting=locked.status == RequestStatus.CHANGES_REQUESTED
            )
            if problem:
                raise WorkflowError(problem)

    def hold_the_account(locked):
        if locked.kind == RequestKind.DECOMMISSION:
            registry.set_decommissioning(account=locked.detail.account, acting_user=acting_user, pending=True)

    return _transition(
        governance_request,
        action=Action.SUBMIT,
        acting_user=acting_user,
        note=note,
        check=check,
        guard=ready,
        effect=hold_the_account,
    )


def return_request(*, governance_request, acting_user, note):
    """Send a submitted request back to its requester, saying what to change (the note joins
    the thread). A decommission request stays under review meanwhile: its account stays
    marked as being decommissioned."""
    if not note.strip():
        raise WorkflowError("Say what the requester should change.")
    return _transition(
        governance_request, action=Action.RETURN, acting_user=acting_user, note=note, check=permissions.can_return
    )


def reject_request(*, governance_request, acting_user, note):
    """The Director refuses the request, with the reason; an account whose decommissioning was
    asked for is active again."""
    if not note.strip():
        raise WorkflowError("Give the reason for the rejection; the requester will see it.")
    return _transition(
        governance_request,
        action=Action.REJECT,
        acting_user=acting_user,
        note=note,
        check=permissions.can_decide,
        effect=lambda locked: _release_account(locked, acting_user),
    )


def withdraw_request(*, governance_request, acting_user, note=""):
    """The requester takes the request back before a decision; an account whose
    decommissioning was asked for is active again."""
    return _transition(
        governance_request,
        action=Action.WITHDRAW,
        acting_user=acting_user,
        note=note,
        check=permissions.can_withdraw,
        effect=lambda locked: _release_account(locked, acting_user),
    )


def _release_account(locked, acting_user):
    """A decommission request that was under review no longer holds its account."""
    if locked.kind != RequestKind.DECOMMISSION or locked.submitted_at is None:
        return
    account = locked.detail.account
    still_held = (
        DecommissionRequest.objects.filter(account=account, status__in=UNDER_REVIEW_STATUSES)
        .exclude(pk=locked.pk)
        .exists()
    )
    if not still_held:
        registry.set_decommissioning(account=account, acting_user=acting_user, pending=False)


def approve_request(*, governance_request, acting_user, note=""):
    """The Director approves: a new account is registered (its named providers become
    submitted provider-access requests), a decommissioned account is closed, or a provider is
    designated."""
    return _transition(
        governance_request,
        action=Action.APPROVE,
        acting_user=acting_user,
        note=note,
        check=permissions.can_decide,
        effect=lambda locked: _APPROVAL_EFFECTS[locked.kind](locked.detail, acting_user, note),
    )


def _filed_by_an_approval(user, locked):
    """The provider-access requests a new account's approval files are submitted on the
    requester's behalf by the Director who approved it (`can_decide` allowed that approval)."""
    return True


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
        _submit(
            access,
            acting_user=acting_user,
            note=f"Filed from the approval of request #{detail.pk}.",
            check=_filed_by_an_approval,
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
        record_event(verb=Verb.REQUEST_COMMENTED, target=governance_request, acting_user=acting_user, note=body)
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
