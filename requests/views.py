"""Pages of requests: the Social Media Request form, my requests, the review queue, a request
and the workflow's actions. Every action is a POST; services decide what is allowed."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import get_account_for_user, may_propose_provider
from accounts.services import designation_problems
from governance.permissions import employee_of, reads_everything
from governance.services import WorkflowError

from . import selectors, services
from .forms import (
    AccountRequestForm,
    CommentForm,
    DecommissionRequestForm,
    NoteForm,
    ProviderAccessRequestForm,
    QueueFilterForm,
)
from .models import Action, RequestKind, RequestStatus
from .permissions import get_request_for_user

PAGE_SIZE = 25

#: The forms filed from an account's page, and their page titles.
_ACCOUNT_PAGE_FORMS = {
    RequestKind.DECOMMISSION: DecommissionRequestForm,
    RequestKind.PROVIDER_ACCESS: ProviderAccessRequestForm,
}
_FORM_TITLES = {
    RequestKind.DECOMMISSION: "Request decommissioning of {account}",
    RequestKind.PROVIDER_ACCESS: "Request provider access to {account}",
}


@login_required
@require_GET
def request_list(request):
    """My requests; for the communications team, the Director and auditors, the review queue."""
    show_queue = reads_everything(request.user) and request.GET.get("view") != "mine"
    if show_queue:
        form = QueueFilterForm(request.GET)
        rows = selectors.queue(**form.filters())
    else:
        form, rows = None, selectors.mine(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "requests/list.html",
        {
            "page": page,
            "form": form,
            "show_queue": show_queue,
            "query": query.urlencode(),
            "can_see_queue": reads_everything(request.user),
        },
    )


def _submitting(request):
    return request.POST.get("action") == "submit"


@login_required
def new_account_request(request):
    """The Social Media Request form: save a draft and come back, or submit."""
    me = employee_of(request.user)
    if me is None:
        raise PermissionDenied("Your sign-in is not linked to an employee record, so you cannot file requests.")
    form = AccountRequestForm(request.POST or None, submitting=_submitting(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        providers = data.pop("providers")
        account_request = services.create_account_request(acting_user=request.user, values=data, providers=providers)
        return _after_save(request, account_request)
    return render(request, "requests/account_form.html", {"form": form, "me": me, "account_request": None})


def _after_save(request, governance_request):
    """After saving a form: submit it if asked, otherwise stay on the draft."""
    if not _submitting(request):
        messages.success(request, "Your draft is saved. You can come back to it from My requests.")
        return redirect("requests:edit", pk=governance_request.pk)
    try:
        services.submit_request(governance_request=governance_request, acting_user=request.user)
    except WorkflowError as error:
        messages.error(request, f"Your changes are saved, but the request was not submitted: {error}")
        return redirect("requests:edit", pk=governance_request.pk)
    messages.success(request, "Your request is submitted. The communications team will be in touch.")
    return redirect("requests:detail", pk=governance_request.pk)


@login_required
def new_decommission_request(request, account_pk):
    """Ask the Director to decommission an account (a manager of its business unit, or CSC)."""
    account = get_account_for_user(request.user, account_pk)
    if not rules.has_perm("accounts.request_decommission", request.user, account):
        raise PermissionDenied(
            services.decommission_problem(account)
            or "Only a manager of the owning business unit or the communications team can ask."
        )
    form = DecommissionRequestForm(request.POST or None, submitting=_submitting(request))
    return _file_about_account(
        request,
        account,
        form,
        title=_FORM_TITLES[RequestKind.DECOMMISSION].format(account=account.display_name),
        create=lambda data: services.create_decommission_request(
            account=account, acting_user=request.user, values=data
        ),
    )


@login_required
def new_provider_access_request(request, account_pk):
    """Ask the Director to designate one of your reports as a content provider."""
    account = get_account_for_user(request.user, account_pk)
    if not rules.has_perm("accounts.request_provider_access", request.user, account):
        raise PermissionDenied("Only managers (for their reports) and the communications team can ask.")
    form = ProviderAccessRequestForm(
        request.POST or None,
        submitting=_submitting(request),
        may_propose=lambda employee: may_propose_provider(request.user, employee),
    )
    return _file_about_account(
        request,
        account,
        form,
        title=_FORM_TITLES[RequestKind.PROVIDER_ACCESS].format(account=account.display_name),
        create=lambda data: services.create_provider_access_request(
            account=account, employee=data["employee"], acting_user=request.user, values=data
        ),
    )


def _file_about_account(request, account, form, *, title, create):
    """The shared shape of the requests started from an account's page: show the form, or file
    the request (then submit it, or keep it as a draft)."""
    if request.method == "POST" and form.is_valid():
        try:
            governance_request = create(form.cleaned_data)
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect("accounts:detail", pk=account.pk)
        return _after_save(request, governance_request)
    return render(request, "requests/form.html", {"form": form, "account": account, "title": title})


@login_required
def edit_request(request, pk):
    """The requester changes their draft or a request returned for changes."""
    governance_request = get_request_for_user(request.user, pk)
    if not rules.has_perm("requests.edit", request.user, governance_request):
        raise PermissionDenied("Only the requester can change this request.")
    if not governance_request.is_editable:
        messages.error(
            request, f"This request is {governance_request.get_status_display().lower()} and can no longer be changed."
        )
        return redirect("requests:detail", pk=pk)
    detail = governance_request.detail
    data = request.POST or None
    submitting = _submitting(request)
    if governance_request.kind == RequestKind.ACCOUNT:
        form = AccountRequestForm(
            data, instance=detail, submitting=submitting, initial={"providers": list(detail.providers.all())}
        )
        template, extra = "requests/account_form.html", {"me": detail.requester_employee}
    else:
        form_class = _ACCOUNT_PAGE_FORMS[governance_request.kind]
        form = form_class(data, submitting=submitting, initial=_initial(detail, form_class))
        if "employee" in form.fields:
            form.fields["employee"].disabled = True  # a new person is a new request
        title = _FORM_TITLES[governance_request.kind].format(account=detail.account.display_name)
        template, extra = "requests/form.html", {"account": detail.account, "title": title}
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        providers = values.pop("providers", None)
        try:
            services.update_request(
                governance_request=governance_request, acting_user=request.user, values=values, providers=providers
            )
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect("requests:detail", pk=pk)
        return _after_save(request, governance_request)
    comments = governance_request.comments.select_related("author__employee")
    return render(
        request, template, {"form": form, "account_request": governance_request, "comments": comments, **extra}
    )


def _initial(detail, form_class):
    return {name: getattr(detail, name) for name in form_class.base_fields if hasattr(detail, name)}


@login_required
@require_GET
def request_detail(request, pk):
    """A request: its form, timeline, thread and the actions the viewer may take."""
    return _detail_page(request, get_request_for_user(request.user, pk))


def _detail_page(request, governance_request, *, invalid=None):
    """The request's page; `invalid` is a form the viewer sent that did not validate (a note
    or a comment), shown again with what they typed and its error."""
    user = request.user

    def may(permission, action=None):
        allowed = rules.has_perm(permission, user, governance_request)
        return allowed and (action is None or governance_request.allows(action))

    detail = governance_request.detail
    providers = list(detail.providers.all()) if governance_request.kind == RequestKind.ACCOUNT else []
    problems = []
    if governance_request.kind == RequestKind.PROVIDER_ACCESS and governance_request.status == RequestStatus.SUBMITTED:
        problems = designation_problems(detail.employee, detail.account)
    note_forms = {action.value: NoteForm(action=action) for action in Action if action != Action.SUBMIT}
    comment_form = CommentForm()
    if isinstance(invalid, NoteForm):
        note_forms[invalid.action] = invalid
    elif invalid is not None:
        comment_form = invalid
    if invalid is not None:
        field = next(iter(invalid.errors))
        invalid.fields[field].widget.attrs["autofocus"] = True  # to the error, and read out with it
    context = {
        "r": governance_request,
        "detail": detail,
        "providers": providers,
        "timeline": selectors.timeline(governance_request),
        "comments": governance_request.comments.select_related("author__employee"),
        "designation_problems": problems,
        "actions": {
            "edit": may("requests.edit") and governance_request.is_editable,
            "submit": may("requests.submit", Action.SUBMIT),
            "withdraw": may("requests.withdraw", Action.WITHDRAW),
            "return": may("requests.return", Action.RETURN),
            "approve": may("requests.decide", Action.APPROVE),
            "reject": may("requests.decide", Action.REJECT),
            "comment": may("requests.comment") and governance_request.is_open,
        },
        "note_forms": note_forms,
        "comment_form": comment_form,
    }
    return render(request, "requests/detail.html", context)


def _action_view(service, action, permission, *, success):
    @login_required
    @require_POST
    def view(request, pk):
        governance_request = get_request_for_user(request.user, pk)
        if not rules.has_perm(permission, request.user, governance_request):
            raise PermissionDenied("Your role does not allow this action on this request.")
        form = NoteForm(request.POST, action=action)
        if not form.is_valid():
            return _detail_page(request, governance_request, invalid=form)
        try:
            service(governance_request=governance_request, acting_user=request.user, note=form.cleaned_data["note"])
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, success)
        return redirect("requests:detail", pk=pk)

    return view


submit = _action_view(services.submit_request, Action.SUBMIT, "requests.submit", success="The request is submitted.")
return_for_changes = _action_view(
    services.return_request,
    Action.RETURN,
    "requests.return",
    success="The request is back with its requester, with your note.",
)
approve = _action_view(services.approve_request, Action.APPROVE, "requests.decide", success="Approved.")
reject = _action_view(
    services.reject_request, Action.REJECT, "requests.decide", success="Rejected. The requester is told why."
)
withdraw = _action_view(
    services.withdraw_request, Action.WITHDRAW, "requests.withdraw", success="The request is withdrawn."
)


@login_required
@require_POST
def comment(request, pk):
    governance_request = get_request_for_user(request.user, pk)
    if not rules.has_perm("requests.comment", request.user, governance_request):
        raise PermissionDenied("Only the requester and the communications team take part in the thread.")
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, governance_request, invalid=form)
    try:
        services.add_comment(
            governance_request=governance_request, acting_user=request.user, body=form.cleaned_data["body"]
        )
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Your comment is added.")
    return redirect("requests:detail", pk=pk)
