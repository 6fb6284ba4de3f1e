"""Stale access, for managers and the communications team: reviews of their people's access and
the record of password changes. (Revoking a grant, from these pages too, is the registry's
`accounts.views.revoke_grant`.)"""

import datetime

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Subquery
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from governance.permissions import employee_of, is_csc, is_manager, reads_everything
from governance.services import WorkflowError

from . import services
from .forms import AccessFilterForm, KeepAccessForm, RotationDoneForm
from .models import AccessReview, ProviderGrant, RotationCause
from .permissions import (
    can_complete_rotation,
    can_oversee_access,
    can_see_rotations,
    get_review_for_user,
    get_rotation_for_user,
    grants_in_line_of,
    revocable,
    rotations_visible_to,
)

#: Each row carries its own keep/revoke forms: a page of 25 stays quick to render and to read.
PAGE_SIZE = 25


def _open_reviews(**filters):
    return AccessReview.objects.filter(grant=OuterRef("pk"), resolved_at__isnull=True, **filters)


@login_required
@require_GET
def team_access(request):
    """The grants of my reporting line, those under review first; for the communications team
    and auditors, every grant under review in the City, filterable."""
    user = request.user
    if not can_oversee_access(user):
        raise PermissionDenied("This page is for managers and the communications team.")
    me = employee_of(user)
    everyone = reads_everything(user) and (request.GET.get("scope") == "all" or not is_manager(user))
    form = AccessFilterForm(request.GET)
    filters = form.filters()
    if everyone:
        review_filters = {}
        if filters.get("reason"):
            review_filters["reason"] = filters["reason"]
        if filters.get("overdue") == "yes":
            review_filters["due_at__lt"] = timezone.now()
        grants = ProviderGrant.objects.filter(Exists(_open_reviews(**review_filters)))
        if filters.get("business_unit"):
            grants = grants.filter(employee__business_unit__code=filters["business_unit"])
    else:
        grants = grants_in_line_of(me)
    grants = (
        grants.select_related("employee", "account")
        .annotate(next_due=Subquery(_open_reviews().order_by("due_at").values("due_at")[:1]))
        .order_by(
            F("next_due").asc(nulls_last=True),
            "employee__last_name",
            "employee__first_name",
            "account__display_name",
            "id",
        )
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=AccessReview.objects.filter(resolved_at__isnull=True).order_by("due_at"),
                to_attr="open_reviews",
            )
        )
    )
    page = Paginator(grants, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    may_decide = revocable(user, page.object_list)  # nobody decides about their own access
    me_id = me.pk if me is not None else None
    for grant in page.object_list:
        grant.may_decide = grant.pk in may_decide
        grant.is_own = grant.employee_id == me_id
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/team_access.html",
        {
            "page": page,
            "everyone": everyone,
            "form": form,
            "query": query.urlencode(),
            "can_see_everyone": reads_everything(user),
            "is_manager": is_manager(user),
            "now": timezone.now(),
            "default_recertify": services.recertify_by_from(timezone.localdate()),
            # Auditors read; managers act on their line, the communications team on any grant.
            "may_act": is_csc(user) or (not everyone and is_manager(user)),
        },
    )


@login_required
@require_POST
def keep_review(request, pk):
    """Keep the access under review, with a note and a new recertify-by date."""
    review = get_review_for_user(request.user, pk)
    if not rules.has_perm("accounts.resolve_review", request.user, review.grant):
        raise PermissionDenied(
            "Only the provider's managers or the communications team can resolve this review: nobody "
            "their own access, and not the Director who designated it."
        )
    form = KeepAccessForm(request.POST)
    if not form.is_valid():
        messages.error(request, "To keep the access, say why it is still needed and choose a recertification date.")
        return redirect("access:team")
    try:
        services.keep_access(
            review=review,
            acting_user=request.user,
            note=form.cleaned_data["note"],
            recertify_by=form.cleaned_data["recertify_by"],
        )
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        grant = review.grant
        messages.success(request, f"{grant.employee.full_name} keeps access to {grant.account.display_name}.")
    return redirect("access:team")


@login_required
@require_GET
def rotations(request):
    """Password changes to make: for the manager's business unit and the accounts they are
    accountable for (all of them for the communications team and auditors), overdue first, with
    why and since when; the form only for those who may record the change."""
    user = request.user
    if not can_see_rotations(user):
        raise PermissionDenied("This page is for managers, accountable managers and the communications team.")
    form = AccessFilterForm(request.GET)
    filters = form.filters()
    visible = rotations_visible_to(user).select_related("account__business_unit", "account__accountable_manager")
    if filters.get("business_unit"):
        visible = visible.filter(account__business_unit__code=filters["business_unit"])
    open_rotations = visible.filter(completed_at__isnull=True)
    if filters.get("overdue") == "yes":
        open_rotations = open_rotations.filter(due_at__lt=timezone.now())
    causes = Prefetch("causes", queryset=RotationCause.objects.select_related("grant__employee"))
    page = Paginator(open_rotations.order_by("due_at", "id").prefetch_related(causes), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = list(page.object_list)
    for rotation in page.object_list:  # auditors read; the form is for those who may record
        rotation.may_complete = can_complete_rotation(user, rotation)
    recent = list(
        visible.filter(completed_at__gte=timezone.now() - datetime.timedelta(days=30))
        .select_related("completed_by__employee")
        .order_by("-completed_at")[:10]
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/rotations.html",
        {
            "page": page,
            "recent": recent,
            "form": form,
            "query": query.urlencode(),
            "now": timezone.now(),
            "can_filter_units": reads_everything(user),
        },
    )


@login_required
@require_POST
def complete_rotation(request, pk):
    """Record that the password was changed, with the attestation checklist."""
    rotation = get_rotation_for_user(request.user, pk)
    if not rules.has_perm("accounts.complete_rotation", request.user, rotation):
        raise PermissionDenied("Only the account's managers and the communications team record password changes.")
    form = RotationDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Confirm every step of the checklist before recording the change.")
        return redirect("access:rotations")
    try:
        services.complete_rotation(
            rotation=rotation, acting_user=request.user, attestations=form.cleaned_data, note=form.cleaned_data["note"]
        )
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The password change of {rotation.account.display_name} is recorded.")
    return redirect("access:rotations")
