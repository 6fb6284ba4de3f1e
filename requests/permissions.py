"""Who may see and act on a request (DESIGN §2), and the lookup that 404s."""

import rules
from django.db.models import Q
from django.shortcuts import get_object_or_404

from governance.permissions import employee_of, is_auditor, is_csc, is_director

from .models import KIND_MODELS, GovernanceRequest, RequestKind


def requests_visible_to(user):
    """Requests this person may see. The requester sees their own (drafts included); the
    employee a provider-access request is about sees it; the communications team sees every
    request once it has been submitted; auditors see everything."""
    if is_auditor(user):
        return GovernanceRequest.objects.all()
    own = Q(requester=user)
    me = employee_of(user)
    if me is not None:
        own |= Q(kind=RequestKind.PROVIDER_ACCESS, provideraccessrequest__employee=me)
    if is_csc(user):
        own |= Q(submitted_at__isnull=False)
    return GovernanceRequest.objects.filter(own)


def get_request_for_user(user, pk):
    """The request with its kind's form, or 404 if it does not exist or is not visible."""
    governance_request = get_object_or_404(
        requests_visible_to(user).select_related("requester", "requester_employee", "business_unit"), pk=pk
    )
    # The kind's own form, with what its page shows, in a second short query (one query joining
    # every kind's tables would cost more to plan than to run).
    kind_model = KIND_MODELS[governance_request.kind]
    detail = kind_model.objects.select_related(*_PAGE_RELATED[governance_request.kind]).get(pk=governance_request.pk)
    setattr(governance_request, kind_model._meta.model_name, detail)
    return governance_request


#: What a request's page shows of each kind's form.
_PAGE_RELATED = {
    RequestKind.ACCOUNT: ("backup_provider", "created_account", "decided_by__employee"),
    RequestKind.DECOMMISSION: ("account", "decided_by__employee"),
    RequestKind.PROVIDER_ACCESS: ("account", "employee", "created_grant", "decided_by__employee"),
}


@rules.predicate
def is_requester(user, governance_request):
    return governance_request.requester_id == user.pk


@rules.predicate
def is_its_subject(user, governance_request):
    """The employee a provider-access request would designate."""
    if governance_request.kind != RequestKind.PROVIDER_ACCESS:
        return False
    me = employee_of(user)
    return me is not None and governance_request.detail.employee_id == me.pk


#: The requester edits, submits and withdraws; the workflow table decides when.
can_edit = is_requester
can_submit = is_requester
can_withdraw = is_requester
#: Triage: the communications team returns a request for changes (not their own).
can_return = is_csc & ~is_requester
#: Only the Director decides, and nobody decides their own request: neither one they filed nor
#: one that would designate them as a provider.
can_decide = is_director & ~is_requester & ~is_its_subject
#: The thread: the requester and the communications team.
can_comment = is_requester | is_csc

rules.add_perm("requests.edit", can_edit)
rules.add_perm("requests.submit", can_submit)
rules.add_perm("requests.withdraw", can_withdraw)
rules.add_perm("requests.return", can_return)
rules.add_perm("requests.decide", can_decide)
rules.add_perm("requests.comment", can_comment)
