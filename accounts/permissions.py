"""Who may see and do what in the registry (DESIGN §2), and the lookups that 404."""

import rules
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

from .models import (
    LIVE_GRANT_STATUSES,
    AccessReview,
    AccountStatus,
    CredentialRotation,
    GrantStatus,
    ProviderGrant,
    SocialAccount,
)

#: A provider "operates" an account while their grant is active or under review.
OPERATING_STATUSES = (GrantStatus.ACTIVE, GrantStatus.UNDER_REVIEW)


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
        ProviderGrant.objects.filter(account=OuterRef("pk"), employee=me, status__in=OPERATING_STATUSES)
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


#: Revoke a designation directly (the reason is required): the Director and CSC staff, and the
#: provider's managers (their whole reporting chain), at any time.
can_revoke_grant = is_csc | manages_grant_holder


def may_propose_provider(user, employee):
    """Whom this person may propose as a provider: anyone for the team, a report for a manager."""
    return is_csc(user) or manages_employee(user, employee)


rules.add_perm("accounts.request_decommission", can_request_decommission)
rules.add_perm("accounts.request_provider_access", can_request_provider_access)
rules.add_perm("accounts.maintain_registry", can_maintain_registry)
rules.add_perm("accounts.revoke_grant", can_revoke_grant)


def grants_in_line_of(manager):
    """The live grants held by the manager's reporting line (direct and indirect reports)."""
    return ProviderGrant.objects.filter(
        employee__management_path__startswith=manager.management_path, status__in=LIVE_GRANT_STATUSES
    ).exclude(employee=manager)


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


#: Record a password change: the communications team, and managers of the owning unit (or the
#: accountable manager).
can_complete_rotation = is_csc | manages_rotation_account
#: See the team-access and rotations pages.
can_oversee_access = is_manager | reads_everything

rules.add_perm("accounts.complete_rotation", can_complete_rotation)


def revocable(user, grants):
    """The ids of those grants (with their employees loaded) this person may revoke; no query."""
    return {grant.pk for grant in grants if can_revoke_grant(user, grant)}
