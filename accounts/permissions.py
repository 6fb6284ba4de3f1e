"""Who may see and do what in the registry (DESIGN §2), and the lookups that 404."""

import rules
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from governance.permissions import employee_of, is_csc, is_manager, manages_employee, reads_everything

from .models import AccountStatus, GrantStatus, ProviderGrant, SocialAccount

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
#: Revoke a designation directly (the reason is required).
can_revoke_grant = is_csc


def may_propose_provider(user, employee):
    """Whom this person may propose as a provider: anyone for the team, a report for a manager."""
    return is_csc(user) or manages_employee(user, employee)


rules.add_perm("accounts.request_decommission", can_request_decommission)
rules.add_perm("accounts.request_provider_access", can_request_provider_access)
rules.add_perm("accounts.maintain_registry", can_maintain_registry)
rules.add_perm("accounts.revoke_grant", can_revoke_grant)
