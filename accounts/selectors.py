"""Read queries of the registry: filtered lists, the public directory, an account's page."""

import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from governance.audit_verbs import Verb
from governance.models import AuditEvent, Employee, EmploymentStatus, PolicyAcknowledgement, StandardsVersion

from .models import (
    LIVE_GRANT_STATUSES,
    OPERATING_GRANT_STATUSES,
    AccessReview,
    AccountStatus,
    CredentialRotation,
    ProviderGrant,
    SocialAccount,
)
from .normalization import NotAnAccountAddress, candidate_keys


def filter_accounts(accounts, *, q="", platform="", business_unit="", status=""):
    """The registry filters: free text over name, handle and address; platform; unit; status."""
    if q:
        accounts = accounts.filter(
            Q(display_name__icontains=q) | Q(handle__icontains=q) | Q(normalized_url__icontains=q.lower())
        )
    if platform:
        accounts = accounts.filter(platform=platform)
    if business_unit:
        accounts = accounts.filter(business_unit__code=business_unit)
    if status:
        accounts = accounts.filter(status=status)
    return accounts


def registry_rows(accounts):
    """What a registry row shows, in one query with the page: unit, accountable manager, and
    the number of people operating the account — counted for the page's rows only (a
    subquery, not a join over every grant), which also keeps the page count cheap."""
    operating = (
        ProviderGrant.objects.filter(account=OuterRef("pk"), status__in=OPERATING_GRANT_STATUSES)
        .order_by()
        .values("account")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        accounts.select_related("business_unit", "accountable_manager")
        .annotate(provider_count=Coalesce(Subquery(operating), 0))
        .order_by("display_name", "id")
    )


def directory_accounts(*, q="", platform="", business_unit=""):
    """The public directory: active accounts the City chose to list."""
    accounts = SocialAccount.objects.filter(status=AccountStatus.ACTIVE, listed_in_directory=True)
    return (
        filter_accounts(accounts, q=q, platform=platform, business_unit=business_unit)
        .select_related("business_unit")
        .order_by("business_unit__name", "platform", "display_name")
        .only("platform", "handle", "profile_url", "display_name", "business_unit__name", "business_unit__code")
    )


def check_official(value):
    """Is this address or handle an official City account? Returns (matches, error): the
    active listed accounts it names, and a message if it is not an address at all."""
    try:
        keys = candidate_keys(value)
    except NotAnAccountAddress as error:
        return [], str(error)
    query = Q()
    for key in keys:
        query |= Q(platform=key.platform, normalized_url=key.key)
    matches = list(
        SocialAccount.objects.filter(query, status=AccountStatus.ACTIVE, listed_in_directory=True).select_related(
            "business_unit"
        )
    )
    return matches, ""


def account_page(account):
    """The providers and history shown on an account's page (three queries)."""
    grants = list(
        ProviderGrant.objects.filter(account=account)
        .select_related("employee", "designated_by", "revoked_by")
        .order_by("status", "-designated_at")
    )
    live = [grant for grant in grants if grant.status in LIVE_GRANT_STATUSES]
    past = [grant for grant in grants if grant.status not in LIVE_GRANT_STATUSES]
    history = list(
        AuditEvent.objects.filter(
            Q(target_type=ContentType.objects.get_for_model(SocialAccount), target_id=str(account.pk))
            | Q(target_type=ContentType.objects.get_for_model(ProviderGrant), target_id__in=[str(g.pk) for g in grants])
        ).order_by("-created_at", "-id")[:50]
    )
    return live, past, history


def operated_by(employee):
    """The grants through which this employee operates accounts now, with their accounts."""
    return (
        ProviderGrant.objects.filter(employee=employee, status__in=OPERATING_GRANT_STATUSES)
        .select_related("account")
        .order_by("account__display_name")
    )


_DIRECTORY_GENERATION = "directory:generation"


def directory_generation():
    """The current generation of the public directory's cache (see `directory_changed`)."""
    return cache.get_or_set(_DIRECTORY_GENERATION, lambda: uuid.uuid4().hex, None)


def directory_changed():
    """After commit, start a new generation of the directory's cache: what changed shows at once."""
    transaction.on_commit(lambda: cache.set(_DIRECTORY_GENERATION, uuid.uuid4().hex, None))


# --- providers and the Standards -------------------------------------------------------------------


def _providers():
    """Employees who operate at least one account now, whose employment has not ended."""
    return Employee.objects.filter(
        Exists(ProviderGrant.objects.filter(employee=OuterRef("pk"), status__in=OPERATING_GRANT_STATUSES))
    ).exclude(employment_status=EmploymentStatus.TERMINATED)


def providers_without_acknowledgement(version: StandardsVersion) -> list[tuple[Employee, list[str]]]:
    """Each active provider who has not acknowledged `version`, with the accounts they operate."""
    acknowledged = PolicyAcknowledgement.objects.filter(employee=OuterRef("pk"), standards_version=version)
    employees = list(_providers().exclude(Exists(acknowledged)).select_related("user").order_by("pk"))
    accounts: dict[int, list[str]] = {}
    for employee_id, name in (
        ProviderGrant.objects.filter(employee__in=employees, status__in=OPERATING_GRANT_STATUSES)
        .order_by("account__display_name")
        .values_list("employee_id", "account__display_name")
    ):
        accounts.setdefault(employee_id, []).append(name)
    return [(employee, accounts.get(employee.pk, [])) for employee in employees]


def acknowledgement_coverage(version: StandardsVersion | None) -> dict:
    """Providers who acknowledged `version` out of all active providers, and who has not yet."""
    providers = _providers()
    total = providers.count()
    if version is None:
        return {"acknowledged": 0, "total": total, "percent": 0, "waiting": []}
    acknowledged = PolicyAcknowledgement.objects.filter(employee=OuterRef("pk"), standards_version=version)
    count = providers.filter(Exists(acknowledged)).count()
    waiting = list(providers.exclude(Exists(acknowledged)).select_related("business_unit").order_by("last_name")[:50])
    return {
        "acknowledged": count,
        "total": total,
        "percent": round(100 * count / total) if total else 100,
        "waiting": waiting,
        "waiting_more": max(0, total - count - len(waiting)),
    }


# --- what a change to people did to access ----------------------------------------------------------

#: Each list of an impact names this many grants or accounts; its count and ids are complete.
IMPACT_ROWS = 1000


def access_impact_since(audit_id: int) -> dict:
    """What the access jobs did after the audit event `audit_id`, as they recorded it: the grants
    put under review (and for which manager), revoked or suspended, and the accounts whose
    password must change. Plain JSON values, for the roster upload's preview (which runs the
    import and the jobs in a transaction it then rolls back, and asks this before it does)."""
    events: dict[str, list[int]] = {}
    for verb, target_id in AuditEvent.objects.filter(
        pk__gt=audit_id,
        verb__in=[
            Verb.REVIEW_OPENED,
            Verb.GRANT_REVOKED,
            Verb.GRANT_SUSPENDED,
            Verb.ROTATION_OPENED,
            Verb.ROTATION_CAUSE_ADDED,
        ],
    ).values_list("verb", "target_id"):
        events.setdefault(verb, []).append(int(target_id))

    reviews = (
        AccessReview.objects.filter(pk__in=events.get(Verb.REVIEW_OPENED, []))
        .select_related("grant__employee", "grant__account", "assigned_to")
        .order_by("assigned_to__last_name", "grant__employee__last_name", "pk")
    )
    under_review, managers = [], {}
    for review in reviews:
        manager = review.assigned_to.full_name if review.assigned_to else "the Director (no manager)"
        managers[manager] = managers.get(manager, 0) + 1
        under_review.append({**_grant_row(review.grant), "reason": review.get_reason_display(), "manager": manager})

    def grants(verb):
        return [
            _grant_row(grant)
            for grant in ProviderGrant.objects.filter(pk__in=events.get(verb, []))
            .select_related("employee", "account")
            .order_by("employee__last_name", "pk")
        ]

    rotations = [
        {
            "account": rotation.account.display_name,
            "platform": rotation.account.get_platform_display(),
            "handle": rotation.account.handle,
            "manager": rotation.account.accountable_manager.full_name,
        }
        for rotation in CredentialRotation.objects.filter(
            pk__in=events.get(Verb.ROTATION_OPENED, []) + events.get(Verb.ROTATION_CAUSE_ADDED, [])
        )
        .select_related("account__accountable_manager")
        .order_by("account__display_name")
    ]
    revoked, suspended = grants(Verb.GRANT_REVOKED), grants(Verb.GRANT_SUSPENDED)
    return {
        "under_review": _capped(under_review),
        "revoked": _capped(revoked),
        "suspended": _capped(suspended),
        "rotations": _capped(rotations),
        "managers": sorted(({"name": name, "count": count} for name, count in managers.items()), key=_by_name),
    }


def _by_name(row):
    return row["name"]


def _grant_row(grant):
    return {
        "grant": grant.pk,
        "provider": grant.employee.full_name,
        "employee_number": grant.employee.employee_number,
        "account": grant.account.display_name,
        "platform": grant.account.get_platform_display(),
        "level": grant.get_access_level_display(),
    }


def _capped(rows):
    return {
        "count": len(rows),
        "ids": [row["grant"] for row in rows if "grant" in row],
        "rows": rows[:IMPACT_ROWS],
        "more": max(0, len(rows) - IMPACT_ROWS),
    }
