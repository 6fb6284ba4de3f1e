"""Who may see and do what in the registry (DESIGN §2), and the lookups that 404."""

import rules
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from governance.permissions import (
    employee_of,
    is_csc,
    is_manager,
    manages_employee,
    reads_everything,
)
from governance.selectors import reports_of

from .models import (
    LIVE_GRANT_STATUSES,
    OPERATING_GRANT_STATUSES,
    AccessReview,
    AccountStatus,
    CredentialRotation,
    GrantStatus,
    ProviderGrant,
    SocialAccount,
)


def accounts_visible_to(user):
    """The registry as this person may see it: all of it for CSC, the Director and auditors;
    a manager's business unit's accounts and those they are accountable for; the accounts a
    provider operates."""
    if reads_everything(user):
        return SocialAccount.objects.all()
    me = employee_of(user)
    if me is None:
        return SocialAccount.objects.none()
    visible = Q(accountable_manager=me) | Exists(
        ProviderGrant.objects.filter(account=OuterRef("pk"), employee=me, status__in=OPERATING_GRANT_STATUSES)
    )
    if is_manager(user):
        visible |= Q(business_unit_id=me.business_unit_id)
    return SocialAccount.objects.filter(visible)


def get_account_for_user(user, pk):
    """The account, or 404 when it does not exist or this person may not see it."""
    return get_object_or_404(accounts_visible_to(user).select_related("business_unit", "accountable_manager"), pk=pk)


@rules.predicate
def manages_owning_unit(user, account):
    me = employee_of(user)
    return bool(
        me
        and (
            account.accountable_manager_id == me.pk
            or (is_manager(user) and me.business_unit_id == account.business_unit_id)
        )
    )


@rules.predicate
def account_is_active(user, account):
    return account.status == AccountStatus.ACTIVE


#: File a decommission request: a manager of the owning business unit (or the accountable
#: manager), or the communications team.
can_request_decommission = account_is_active & (is_csc | manages_owning_unit)
#: Ask the Director to designate a provider: a manager (for one of their reports) or the team.
can_request_provider_access = account_is_active & (is_csc | is_manager)
#: Maintain the registry: register existing accounts, correct their details.
can_maintain_registry = is_csc


@rules.predicate
def manages_grant_holder(user, grant):
    return manages_employee(user, grant.employee)


@rules.predicate
def holds_grant(user, grant):
    me = employee_of(user)
    return me is not None and grant.employee_id == me.pk


@rules.predicate
def designated_grant(user, grant):
    """This person designated the grant (the Director who approved the provider)."""
    return grant.designated_by_id is not None and grant.designated_by_id == user.pk


@rules.predicate
def grant_under_review(user, grant):
    """The grant waits on a review: under review, or suspended until someone keeps or revokes it."""
    return grant.status in (GrantStatus.UNDER_REVIEW, GrantStatus.SUSPENDED)


#: Resolve a review — keep the access under review, or revoke it: the provider's managers (their
#: whole reporting chain) and the communications team. Nobody certifies their own access, the
#: Director included, and the Director does not review a designation she made herself: such a
#: review is for the provider's manager or another member of the team.
can_resolve_review = (is_csc | manages_grant_holder) & ~holds_grant & ~designated_grant
#: Revoke a provider's access (the reason is required) at any time: the same people, never their
#: own access; while it is under review, revoking resolves the review, so the review's rule holds.
can_revoke_grant = (is_csc | manages_grant_holder) & ~holds_grant & (~grant_under_review | can_resolve_review)


def hide_notes_from_co_providers(user, account: SocialAccount, grants: list, history: list) -> None:
    """Blank, on the objects about to be shown, the revocation reasons of `grants` and the notes
    of `history` events about grants this person may not read them for. The Director, CSC,
    auditors, the account's managers and the provider's managers read them all, and a provider
    reads those about their own access; a co-provider does not read why another provider lost
    access or what their reviewer noted."""
    if reads_everything(user) or manages_owning_unit(user, account):
        return
    hidden = {grant.pk for grant in grants if not (manages_grant_holder(user, grant) or holds_grant(user, grant))}
    for grant in grants:
        if grant.pk in hidden:
            grant.revoke_reason = ""
    grant_type = ContentType.objects.get_for_model(ProviderGrant)
    for event in history:
        if event.target_type_id == grant_type.pk and event.target_id in {str(pk) for pk in hidden}:
            event.note = ""


def may_propose_provider(user, employee):
    """Whom this person may propose as a provider: anyone for the team, a report for a manager."""
    return is_csc(user) or manages_employee(user, employee)


rules.add_perm("accounts.request_decommission", can_request_decommission)
rules.add_perm("accounts.request_provider_access", can_request_provider_access)
rules.add_perm("accounts.maintain_registry", can_maintain_registry)
rules.add_perm("accounts.revoke_grant", can_revoke_grant)
rules.add_perm("accounts.resolve_review", can_resolve_review)


def get_grant_for_user(user, account_pk, grant_pk):
    """A grant on that account, or 404 when there is none or the viewer may see neither the
    account nor the provider (a manager sees their reports' grants on any account)."""
    grant = get_object_or_404(
        ProviderGrant.objects.select_related("employee", "account"), pk=grant_pk, account_id=account_pk
    )
    if not (manages_employee(user, grant.employee) or accounts_visible_to(user).filter(pk=account_pk).exists()):
        raise Http404
    return grant


def grants_in_line_of(manager):
    """The live grants held by the manager's reporting line (direct and indirect reports)."""
    return ProviderGrant.objects.filter(employee__in=reports_of(manager), status__in=LIVE_GRANT_STATUSES)


def get_review_for_user(user, pk):
    """An access review, or 404 unless the viewer manages its provider or reads everything."""
    review = get_object_or_404(AccessReview.objects.select_related("grant__employee", "grant__account"), pk=pk)
    if not (reads_everything(user) or manages_employee(user, review.grant.employee)):
        raise Http404
    return review


def rotations_visible_to(user):
    """Password rotations: all for CSC, the Director and auditors; for a manager, those of the
    accounts their business unit owns or they are accountable for."""
    if reads_everything(user):
        return CredentialRotation.objects.all()
    me = employee_of(user)
    if me is None:
        return CredentialRotation.objects.none()
    visible = Q(account__accountable_manager=me)
    if is_manager(user):
        visible |= Q(account__business_unit_id=me.business_unit_id)
    return CredentialRotation.objects.filter(visible)


def get_rotation_for_user(user, pk):
    return get_object_or_404(rotations_visible_to(user).select_related("account"), pk=pk)


@rules.predicate
def manages_rotation_account(user, rotation):
    return manages_owning_unit(user, rotation.account)


@rules.predicate
def is_accountable_manager(user):
    """Someone accountable for at least one account (cached on the user object, which lives for
    one request)."""
    if not hasattr(user, "_is_accountable"):
        me = employee_of(user)
        user._is_accountable = bool(me and SocialAccount.objects.filter(accountable_manager=me).exists())
    return user._is_accountable


#: Record a password change: the communications team, and managers of the owning unit (or the
#: accountable manager).
can_complete_rotation = is_csc | manages_rotation_account
#: See the team-access page: managers (their reporting line), the team and auditors (everyone's).
can_oversee_access = is_manager | reads_everything
#: See the rotations page: whoever `rotations_visible_to` shows rotations to — the team and
#: auditors, managers (their unit's accounts) and accountable managers (their accounts), who may
#: have no reports of their own.
can_see_rotations = reads_everything | is_manager | is_accountable_manager

rules.add_perm("accounts.complete_rotation", can_complete_rotation)


def revocable(user, grants):
    """The ids of those grants (with their employees loaded) this person may revoke; no query."""
    return {grant.pk for grant in grants if can_revoke_grant(user, grant)}
