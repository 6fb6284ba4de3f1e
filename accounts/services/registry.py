"""Every change to the registry: accounts, and the designation of content providers."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from governance import selectors as people
from governance.audit_verbs import Verb
from governance.models import Employee, EmploymentStatus, PolicyAcknowledgement
from governance.services import WorkflowError, diff, notify, record_event

from ..models import LIVE_GRANT_STATUSES, AccountStatus, GrantStatus, ProviderGrant, RotationReason, SocialAccount
from ..normalization import NotAnAccountAddress, normalize
from ..permissions import can_revoke_grant
from ..selectors import directory_changed
from . import stale_access

ACCOUNT_EDITABLE_FIELDS = ("display_name", "business_unit", "accountable_manager", "purpose", "listed_in_directory")


def recertify_by_from(day: datetime.date) -> datetime.date:
    """When access granted (or kept) on `day` must be confirmed again: RECERTIFY_MONTHS later on
    the calendar, the end of a shorter month when the day is not in it (Jan 31 → Feb 28)."""
    return day + relativedelta(months=settings.RECERTIFY_MONTHS)


def find_registered(platform, address):
    """The account registered at this address (in any of its forms), or None."""
    try:
        key = normalize(address, platform)
    except NotAnAccountAddress:
        return None
    return SocialAccount.objects.filter(platform=key.platform, normalized_url=key.key).first()


def register_account(
    *,
    platform,
    address,
    display_name,
    business_unit,
    accountable_manager,
    acting_user,
    purpose="",
    listed_in_directory=True,
    handle="",
) -> SocialAccount:
    """Add an account to the registry (active). `address` is its URL or handle in any form;
    an address already registered is refused. Audit event `account.registered`."""
    try:
        key = normalize(address, platform)
    except NotAnAccountAddress as error:
        raise WorkflowError(str(error)) from error
    with transaction.atomic():
        existing = SocialAccount.objects.filter(platform=key.platform, normalized_url=key.key).first()
        if existing is not None:
            raise WorkflowError(f"This account is already registered: {existing.display_name} ({existing.handle}).")
        try:
            with transaction.atomic():
                account = SocialAccount.objects.create(
                    platform=key.platform,
                    handle=handle or key.handle,
                    profile_url=key.url,
                    normalized_url=key.key,
                    display_name=display_name,
                    business_unit=business_unit,
                    accountable_manager=accountable_manager,
                    purpose=purpose,
                    listed_in_directory=listed_in_directory,
                    created_at=timezone.now(),
                )
        except IntegrityError as error:  # registered by someone else a moment ago
            raise WorkflowError("This account was registered a moment ago by someone else.") from error
        directory_changed()
        record_event(
            verb=Verb.ACCOUNT_REGISTERED,
            target=account,
            acting_user=acting_user,
            changes=diff(
                {},
                {
                    "platform": account.platform,
                    "profile_url": account.profile_url,
                    "display_name": display_name,
                    "business_unit": business_unit.code,
                    "accountable_manager": accountable_manager.employee_number,
                    "listed_in_directory": listed_in_directory,
                },
            ),
        )
    return account


def update_account(*, account, acting_user, values) -> SocialAccount:
    """Correct an account's details (the communications team). Audit event `account.updated`."""
    with transaction.atomic():
        locked = SocialAccount.objects.select_for_update().get(pk=account.pk)
        before = {name: getattr(locked, name) for name in ACCOUNT_EDITABLE_FIELDS}
        after = {name: values.get(name, before[name]) for name in ACCOUNT_EDITABLE_FIELDS}
        changes = diff(before, after)
        if not changes:
            return locked
        for name, value in after.items():
            setattr(locked, name, value)
        locked.save()
        directory_changed()
        record_event(verb=Verb.ACCOUNT_UPDATED, target=locked, acting_user=acting_user, changes=changes)
    return locked


def designation_problems(employee, account):
    """Why this employee cannot be designated for this account now (empty when they can).
    What it needs to know about the employee comes in one query."""
    facts = (
        Employee.objects.filter(pk=employee.pk)
        .annotate(
            trained=people.current_training_filter(),
            standards_version=Subquery(people.standards_in_force().values("version")[:1]),
            acknowledged=Exists(
                PolicyAcknowledgement.objects.filter(
                    employee=OuterRef("pk"), standards_version=Subquery(people.standards_in_force().values("pk")[:1])
                )
            ),
            has_access=Exists(
                ProviderGrant.objects.filter(employee=OuterRef("pk"), account=account, status__in=LIVE_GRANT_STATUSES)
            ),
        )
        .values("trained", "standards_version", "acknowledged", "has_access")
        .get()
    )
    problems = []
    if employee.employment_status == EmploymentStatus.TERMINATED:
        problems.append(f"{employee.full_name}'s employment has ended")
    elif employee.employment_status == EmploymentStatus.LEAVE:
        problems.append(f"{employee.full_name} is on leave")
    if not facts["trained"]:
        problems.append(f"{employee.full_name}'s City social media training is not current")
    if not facts["acknowledged"]:
        version = f"version {facts['standards_version']} of " if facts["standards_version"] else ""
        problems.append(f"{employee.full_name} has not acknowledged {version}the Social Media Standards")
    if account.status != AccountStatus.ACTIVE:
        problems.append(f"{account.display_name} is {account.get_status_display().lower()}")
    elif facts["has_access"]:
        problems.append(f"{employee.full_name} already has access to {account.display_name}")
    return problems


def designate_provider(*, employee, account, access_level, acting_user, note="") -> ProviderGrant:
    """Designate an authorized content provider: an active grant, recertified every
    RECERTIFY_MONTHS. Refused, saying why, unless the employee's training is current and they
    acknowledged the Standards in force. Audit event `grant.designated`; the provider and the
    accountable manager are told."""
    with transaction.atomic():
        # Decide on the account as it is now, locked, not on the caller's copy: it may have been
        # decommissioned since that was read.
        account = (
            SocialAccount.objects.select_for_update(of=("self",))
            .select_related("accountable_manager__user")
            .get(pk=account.pk)
        )
        problems = designation_problems(employee, account)
        if problems:
            raise WorkflowError("Cannot designate: " + "; ".join(problems) + ".")
        grant = ProviderGrant.objects.create(
            employee=employee,
            account=account,
            access_level=access_level,
            designated_by=acting_user,
            designated_at=timezone.now(),
            recertify_by=recertify_by_from(timezone.localdate()),
        )
        record_event(
            verb=Verb.GRANT_DESIGNATED,
            target=grant,
            acting_user=acting_user,
            note=note,
            changes={
                "employee": {"before": None, "after": employee.employee_number},
                "account": {"before": None, "after": account.display_name},
                "access_level": {"before": None, "after": access_level},
                "recertify_by": {"before": None, "after": grant.recertify_by.isoformat()},
            },
        )
        notify(
            kind="grant_designated",
            context=_grant_context(grant),
            link=f"/accounts/{account.pk}/",
            users=[employee.user, account.accountable_manager.user],
        )
    return grant


def revoke_grant(*, grant, acting_user, reason) -> ProviderGrant:
    """End a designation now, with the reason: its open reviews close as revoked and the
    account's password rotation is opened (or joined). Audit event `grant.revoked`; the
    provider and the accountable manager are told."""
    if not reason.strip():
        raise WorkflowError("Give the reason for revoking this access.")
    with transaction.atomic():
        locked = (
            ProviderGrant.objects.select_for_update(of=("self",)).select_related("account", "employee").get(pk=grant.pk)
        )
        if locked.status == GrantStatus.REVOKED:
            raise WorkflowError("This access was already revoked.")
        if acting_user is not None and not can_revoke_grant(acting_user, locked):
            raise PermissionDenied(
                "Only the Director, the communications team and the provider's managers revoke access; nobody "
                "their own, and access under review not by the Director who designated it."
            )
        _revoke(locked, acting_user=acting_user, reason=reason)
        stale_access.resolve_reviews_as_revoked(locked, acting_user=acting_user, reason=reason, now=locked.revoked_at)
        stale_access.open_rotation(
            account=locked.account, reason=RotationReason.PROVIDER_REMOVED, grant=locked, acting_user=acting_user
        )
        notify(
            kind="grant_revoked",
            context={**_grant_context(locked), "reason": reason},
            link=f"/accounts/{locked.account_id}/",
            users=[locked.employee.user, locked.account.accountable_manager.user],
        )
    return locked


def _revoke(grant, *, acting_user, reason, verb=Verb.GRANT_REVOKED):
    before = grant.status
    grant.status = GrantStatus.REVOKED
    grant.revoked_by = acting_user
    grant.revoked_at = timezone.now()
    grant.revoke_reason = reason
    grant.save(update_fields=["status", "revoked_by", "revoked_at", "revoke_reason"])
    record_event(
        verb=verb,
        target=grant,
        acting_user=acting_user,
        note=reason,
        changes={"status": {"before": before, "after": GrantStatus.REVOKED}},
    )


def _grant_context(grant):
    return {
        "provider_name": grant.employee.full_name,
        "account_name": grant.account.display_name,
        "account_handle": grant.account.handle,
        "platform": grant.account.get_platform_display(),
        "access_level": grant.get_access_level_display(),
        "recertify_by": grant.recertify_by.isoformat(),
    }


def set_decommissioning(*, account, acting_user, pending: bool):
    """Mark an account as having a decommission request under way (or not any more)."""
    target, source = (
        (AccountStatus.DECOMMISSIONING, AccountStatus.ACTIVE)
        if pending
        else (AccountStatus.ACTIVE, AccountStatus.DECOMMISSIONING)
    )
    changed = SocialAccount.objects.filter(pk=account.pk, status=source).update(status=target)
    if changed:
        directory_changed()
        record_event(
            verb=Verb.ACCOUNT_STATUS_CHANGED,
            target=account,
            acting_user=acting_user,
            changes={"status": {"before": source, "after": target}},
        )
    return changed


def decommission_account(*, account, acting_user, note="") -> SocialAccount:
    """Close an account: it becomes decommissioned and leaves the public directory, and every
    live grant on it is revoked (an audit event each). Audit event `account.decommissioned`."""
    with transaction.atomic():
        locked = SocialAccount.objects.select_for_update().get(pk=account.pk)
        if locked.status == AccountStatus.DECOMMISSIONED:
            raise WorkflowError(f"{locked.display_name} is already decommissioned.")
        before = locked.status
        locked.status = AccountStatus.DECOMMISSIONED
        locked.save(update_fields=["status", "updated_at"])
        directory_changed()
        record_event(
            verb=Verb.ACCOUNT_DECOMMISSIONED,
            target=locked,
            acting_user=acting_user,
            note=note,
            changes={"status": {"before": before, "after": AccountStatus.DECOMMISSIONED}},
        )
        grants = list(
            ProviderGrant.objects.select_for_update(of=("self",))
            .filter(account=locked, status__in=LIVE_GRANT_STATUSES)
            .select_related("employee__user")
        )
        rotation_reason = RotationReason.ACCOUNT_DECOMMISSIONED
        stale_access.open_rotation(account=locked, reason=rotation_reason, acting_user=acting_user)
        for grant in grants:
            reason = f"{locked.display_name} was decommissioned."
            _revoke(grant, acting_user=acting_user, reason=reason)
            stale_access.resolve_reviews_as_revoked(grant, acting_user=acting_user, reason=reason, now=grant.revoked_at)
            stale_access.open_rotation(account=locked, reason=rotation_reason, grant=grant, acting_user=acting_user)
        notify(
            kind="account_decommissioned",
            context={
                "account_name": locked.display_name,
                "account_handle": locked.handle,
                "platform": locked.get_platform_display(),
            },
            link=f"/accounts/{locked.pk}/",
            users=[locked.accountable_manager.user, *(grant.employee.user for grant in grants)],
            mailboxes=[settings.CSC_MAILBOX],
        )
    return locked
