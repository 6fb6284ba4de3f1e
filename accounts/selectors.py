"""Read queries of the registry: filtered lists, the public directory, an account's page."""

import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from governance.models import AuditEvent

from .models import LIVE_GRANT_STATUSES, OPERATING_GRANT_STATUSES, AccountStatus, ProviderGrant, SocialAccount
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
