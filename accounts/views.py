"""Pages of the registry and the public directory of official accounts."""

import csv
import functools
import hashlib

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from governance.services import WorkflowError

from . import selectors, services
from .forms import AccountDetailsForm, RegisterAccountForm, RegistryFilterForm, RevokeGrantForm
from .models import Platform
from .permissions import (
    accounts_visible_to,
    get_account_for_user,
    get_grant_for_user,
    hide_notes_from_co_providers,
    revocable,
)

PAGE_SIZE = 50


@login_required
@require_GET
def registry(request):
    """The registry as the viewer may see it: search, filters, pagination."""
    form = RegistryFilterForm(request.GET)
    filters = form.filters()
    accounts = selectors.filter_accounts(accounts_visible_to(request.user), **_registry_filters(filters))
    page = Paginator(selectors.registry_rows(accounts), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/registry.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_register": rules.has_perm("accounts.maintain_registry", request.user),
        },
    )


def _registry_filters(filters):
    return {name: filters.get(name) or "" for name in ("q", "platform", "business_unit", "status")}


#: Characters that make a spreadsheet treat a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A cell value that a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Echo:
    def write(self, value):
        return value


@login_required
@require_GET
def registry_export(request):
    """The filtered registry as CSV, safe to open in a spreadsheet."""
    filters = RegistryFilterForm(request.GET).filters()
    accounts = selectors.registry_rows(
        selectors.filter_accounts(accounts_visible_to(request.user), **_registry_filters(filters))
    )
    header = [
        "Display name",
        "Platform",
        "Handle",
        "Profile URL",
        "Business unit",
        "Accountable manager",
        "Status",
        "Listed in directory",
        "Active providers",
        "Password last rotated",
    ]
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(header)
        for account in accounts.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    spreadsheet_safe(value)
                    for value in (
                        account.display_name,
                        account.get_platform_display(),
                        account.handle,
                        account.profile_url,
                        account.business_unit.name,
                        account.accountable_manager.full_name,
                        account.get_status_display(),
                        "yes" if account.listed_in_directory else "no",
                        account.provider_count,
                        timezone.localtime(account.password_rotated_at).strftime("%Y-%m-%d %H:%M")
                        if account.password_rotated_at
                        else "",
                    )
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="social-media-accounts-{timezone.localdate()}.csv"'
    return response


@login_required
@require_GET
def account_detail(request, pk):
    """An account: its details, providers, history, and what the viewer may do with it."""
    account = get_account_for_user(request.user, pk)
    live, past, history = selectors.account_page(account)
    user = request.user
    hide_notes_from_co_providers(user, account, [*live, *past], history)
    may_revoke = revocable(user, live)
    for grant in live:
        grant.may_revoke = grant.pk in may_revoke
    return render(
        request,
        "accounts/detail.html",
        {
            "account": account,
            "live_grants": live,
            "past_grants": past,
            "history": history,
            "can_request_decommission": rules.has_perm("accounts.request_decommission", user, account),
            "can_request_provider_access": rules.has_perm("accounts.request_provider_access", user, account),
            "can_edit": rules.has_perm("accounts.maintain_registry", user),
            "can_revoke": bool(may_revoke),
            "revoke_form": RevokeGrantForm(),
        },
    )


@login_required
def register(request):
    """Register an existing account (the communications team)."""
    if not rules.has_perm("accounts.maintain_registry", request.user):
        raise PermissionDenied("Only the communications team registers accounts directly.")
    form = RegisterAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.register_account(
                platform=data["platform"],
                address=data["address"],
                display_name=data["display_name"],
                business_unit=data["business_unit"],
                accountable_manager=data["accountable_manager"],
                purpose=data["purpose"],
                listed_in_directory=data["listed_in_directory"],
                acting_user=request.user,
            )
        except WorkflowError as error:
            form.add_error("address", str(error))
        else:
            messages.success(request, f"{account.display_name} is now in the registry.")
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/form.html", {"form": form, "title": "Register an existing account"})


@login_required
def edit(request, pk):
    """Correct an account's details (the communications team)."""
    account = get_account_for_user(request.user, pk)
    if not rules.has_perm("accounts.maintain_registry", request.user):
        raise PermissionDenied("Only the communications team maintains the registry.")
    title = f"Edit {account.display_name}"  # before validation writes the posted values onto it
    form = AccountDetailsForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        account = services.update_account(account=account, acting_user=request.user, values=form.cleaned_data)
        messages.success(request, f"{account.display_name} is updated.")
        return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/form.html", {"form": form, "title": title, "cancel_url": account.pk})


@login_required
@require_POST
def revoke_grant(request, pk, grant_pk):
    """Revoke a provider's access now, with the reason (the Director, CSC staff and the
    provider's managers). Posted from the account's page, or from the team-access page, which
    names itself in `next` to come back to."""
    grant = get_grant_for_user(request.user, pk, grant_pk)
    if not rules.has_perm("accounts.revoke_grant", request.user, grant):
        raise PermissionDenied(
            "Only the Director, the communications team and the provider's managers revoke access: nobody "
            "their own, and access under review not by the Director who designated it."
        )
    back = _return_target(request, reverse("accounts:detail", args=[pk]))
    form = RevokeGrantForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the reason for revoking this access.")
        return redirect(back)
    try:
        services.revoke_grant(grant=grant, acting_user=request.user, reason=form.cleaned_data["reason"])
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"{grant.employee.full_name}'s access to {grant.account.display_name} is revoked. "
            "Change the account's password and record it under Rotations.",
        )
    return redirect(back)


def _return_target(request, default):
    """The page a form asked to come back to (`next`), if it is one of this site's; else `default`."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


# --- the public directory -----------------------------------------------------------------------


def _directory_query(request):
    return {
        "q": request.GET.get("q", "").strip()[:100],
        "platform": request.GET.get("platform", "") if request.GET.get("platform") in Platform.values else "",
        "business_unit": request.GET.get("business_unit", "").strip()[:20],
    }


DIRECTORY_PAGE_SIZE = 100
DIRECTORY_JSON_PAGE_SIZE = 500


def cached_for_visitors(view):
    """Serve the public directory to signed-out visitors from the cache for a short while
    (settings.DIRECTORY_CACHE_SECONDS; 0 turns it off). Any change to the registry starts a new
    generation of the cache, so an account never stays listed after it is decommissioned."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.DIRECTORY_CACHE_SECONDS
        if not seconds or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"directory:{selectors.directory_generation()}:{path}"
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            cache.set(key, (response.content, response["Content-Type"]), seconds)
        return response

    return wrapper


@require_GET
@cached_for_visitors
def directory(request):
    """Public: the City's official accounts, a page at a time, and "is this account official?"."""
    query = _directory_query(request)
    page = Paginator(selectors.directory_accounts(**query), DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    check = request.GET.get("check", "").strip()[:500]
    matches, check_error = selectors.check_official(check) if check else ([], "")
    units = {}
    for account in page.object_list:
        units.setdefault(account.business_unit.name, []).append(account)
    pages_query = request.GET.copy()
    pages_query.pop("page", None)
    return render(
        request,
        "accounts/directory.html",
        {
            "units": units,
            "page": page,
            "count": page.paginator.count,
            "query": query,
            "pages_query": pages_query.urlencode(),
            "platforms": Platform.choices,
            "check": check,
            "matches": matches,
            "check_error": check_error,
            "csc_mailbox": settings.CSC_MAILBOX,
        },
    )


@require_GET
@cached_for_visitors
def directory_json(request):
    """Public: the directory's data as JSON (same filters as the page), 500 accounts a page."""
    page = Paginator(selectors.directory_accounts(**_directory_query(request)), DIRECTORY_JSON_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    following = request.GET.copy()
    if page.has_next():
        following["page"] = page.next_page_number()
    return JsonResponse(
        {
            "count": page.paginator.count,
            "next": request.build_absolute_uri(f"{request.path}?{following.urlencode()}") if page.has_next() else None,
            "accounts": [
                {
                    "display_name": account.display_name,
                    "platform": account.platform,
                    "handle": account.handle,
                    "url": account.profile_url,
                    "business_unit": account.business_unit.name,
                }
                for account in page.object_list
            ],
            "report_impersonation_to": settings.CSC_MAILBOX,
        }
    )
