"""Pages of content reports: the forms (employees, and the public from the directory), my
reports, the communications team's queue, a report and the team's actions, and the screenshot.
Every action is a POST; services decide what is allowed."""

import time

import rules
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance.permissions import reads_everything
from governance.services import WorkflowError

from . import selectors, services
from .forms import AssignForm, CommentForm, OutcomeForm, PublicReportForm, QueueFilterForm, ReferForm, ReportForm
from .models import ReportKind, ReportStatus
from .permissions import get_report_for_user
from .screenshots import open_screenshot

PAGE_SIZE = 25
_PUBLIC_REFERENCE = "reports:public-reference"


# --- filing ------------------------------------------------------------------------------------------------


def _initial(request):
    """What the directory's lookup passes on (?address=…), as a possible impersonation: an
    address fills the address field, a handle the name field. Cut short, like everything taken
    from a query string."""
    looked_up = request.GET.get("address", "").strip()[:500]
    if not looked_up:
        return {}
    head = looked_up.split("/", 1)[0]
    is_address = looked_up.lower().startswith(("http://", "https://")) or ("/" in looked_up and "." in head)
    initial = {"url": looked_up} if is_address else {"account_name": looked_up[:200]}
    return {**initial, "kind": ReportKind.IMPERSONATION}


def _with_query(url_name, request):
    query = request.GET.urlencode()
    return reverse(url_name) + (f"?{query}" if query else "")


@require_http_methods(["GET", "POST"])
def new_report(request):
    """An employee reports something they saw (signed-out visitors get the public form)."""
    if not request.user.is_authenticated:
        return redirect(_with_query("reports:public-new", request))
    form = ReportForm(request.POST or None, request.FILES or None, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.file_report(
                acting_user=request.user,
                kind=data["kind"],
                url=data["url"],
                description=data["description"],
                account_name=data["account_name"],
                screenshot=data["screenshot"],
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Thank you. Your report's reference is {report.reference}. "
                "You can follow it here and under My reports.",
            )
            return redirect("reports:detail", pk=report.pk)
    return render(request, "reports/form.html", {"form": form, "public": False})


def _within_public_limit(request) -> bool:
    """At most REPORT_PUBLIC_LIMIT public reports per address in each window of
    REPORT_PUBLIC_WINDOW_MINUTES (counted in the cache, which every web process shares)."""
    window = settings.REPORT_PUBLIC_WINDOW_MINUTES * 60
    address = get_client_ip_address(request) or "unknown"
    key = f"reports:public:{address}:{int(time.time() // window)}"
    if cache.add(key, 1, timeout=window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.add(key, 1, timeout=window)
        count = 1
    return count <= settings.REPORT_PUBLIC_LIMIT


@never_cache
@require_http_methods(["GET", "POST"])
def new_public_report(request):
    """A member of the public reports a possible impersonation (or anything else) from the
    directory, without signing in. Limited per address; tells nothing about other reports."""
    if request.user.is_authenticated:
        return redirect(_with_query("reports:new", request))
    if request.method == "POST":
        if not _within_public_limit(request):
            response = render(request, "reports/too_many.html", status=429)
            response["Retry-After"] = str(settings.REPORT_PUBLIC_WINDOW_MINUTES * 60)
            return response
        form = PublicReportForm(request.POST, request.FILES)
        if form.is_spam:
            request.session.pop(_PUBLIC_REFERENCE, None)
            return redirect("reports:public-thanks")
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = services.file_public_report(
                    kind=data["kind"],
                    url=data["url"],
                    description=data["description"],
                    account_name=data["account_name"],
                    email=data["email"],
                    screenshot=data["screenshot"],
                )
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                request.session[_PUBLIC_REFERENCE] = report.reference
                return redirect("reports:public-thanks")
    else:
        form = PublicReportForm(initial=_initial(request))
    return render(request, "reports/form.html", {"form": form, "public": True})


@never_cache
@require_GET
def public_thanks(request):
    """After a public report: its reference (once), and nothing else."""
    return render(request, "reports/thanks.html", {"reference": request.session.pop(_PUBLIC_REFERENCE, "")})


# --- lists -------------------------------------------------------------------------------------------------


@login_required
@require_GET
def report_list(request):
    """My reports; for the communications team, the Director and auditors, the triage queue."""
    show_queue = reads_everything(request.user) and request.GET.get("view") != "mine"
    form = None
    if show_queue:
        form = QueueFilterForm(request.GET, team=selectors.triage_team())
        rows = selectors.queue(viewer=request.user, **form.filters())
    else:
        rows = selectors.mine(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/list.html",
        {
            "page": page,
            "form": form,
            "show_queue": show_queue,
            "query": query.urlencode(),
            "can_see_queue": reads_everything(request.user),
            "counts": selectors.open_counts() if show_queue else None,
        },
    )


# --- a report ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def report_detail(request, pk):
    """A report: for its reporter, what they sent and where it stands; for the team and
    auditors, everything, with the actions the viewer may take."""
    return _detail_page(request, get_report_for_user(request.user, pk))


def _detail_page(request, report, *, invalid=None):
    user = request.user
    if not rules.has_perm("reports.see_handling", user, report):
        return render(request, "reports/reporter_detail.html", {"report": report})
    team = selectors.triage_team()
    forms = {
        "assign": AssignForm(team=team),
        "comment": CommentForm(),
        "share": OutcomeForm(ending=ReportStatus.SHARED),
        "close": OutcomeForm(ending=ReportStatus.CLOSED),
        "refer": ReferForm(),
    }
    if invalid is not None:
        name, form = invalid
        forms[name] = form
        field = next(iter(form.errors), None)
        if field in form.fields:
            form.fields[field].widget.attrs["autofocus"] = True  # to the error, and read out with it
    may_triage = rules.has_perm("reports.triage", user, report)
    moves = report.allowed_moves()
    context = {
        "report": report,
        "forms": forms,
        "team": team,
        "comments": report.comments.select_related("author__employee"),
        "history": selectors.history(report),
        "actions": {
            "assign": may_triage and report.is_open,
            "assign_me": may_triage and report.is_open and report.assignee_id != user.pk,
            "share": may_triage and ReportStatus.SHARED in moves,
            "close": may_triage and ReportStatus.CLOSED in moves,
            "refer": may_triage and ReportStatus.REFERRED_SECURITY in moves,
            "comment": may_triage,
        },
    }
    return render(request, "reports/detail.html", context)


@login_required
@require_GET
def screenshot(request, pk):
    """The report's screenshot, to the communications team and auditors only; never cached,
    never run as anything but an image."""
    report = get_report_for_user(request.user, pk)
    if not rules.has_perm("reports.see_handling", request.user, report):
        raise PermissionDenied("Only the communications team and auditors see screenshots.")
    if not report.screenshot:
        raise Http404("This report has no screenshot.")
    try:
        handle = open_screenshot(report.screenshot)
    except FileNotFoundError as error:
        raise Http404("The screenshot is no longer stored.") from error
    extension = report.screenshot.rsplit(".", 1)[-1]
    response = FileResponse(
        handle, content_type=report.screenshot_type, filename=f"{report.reference}.{extension}", as_attachment=False
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- the team's actions ------------------------------------------------------------------------------------


def _team_action(form_name, build_form, run, success):
    """A POST by the communications team on a report: 404 if the viewer may not see it, 403 if
    they may not handle it, the page again with the form's error, or the service's answer."""

    @login_required
    @require_POST
    def view(request, pk):
        report = get_report_for_user(request.user, pk)
        if not rules.has_perm("reports.triage", request.user, report):
            raise PermissionDenied("Only the communications team handles content reports.")
        form = build_form(request)
        if not form.is_valid():
            return _detail_page(request, report, invalid=(form_name, form))
        try:
            run(request, report, form.cleaned_data)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, success)
        return redirect("reports:detail", pk=pk)

    return view


assign = _team_action(
    "assign",
    lambda request: AssignForm(request.POST, team=selectors.triage_team()),
    lambda request, report, data: services.assign_report(
        report=report, acting_user=request.user, assignee=data["assignee"]
    ),
    "The report is assigned.",
)
comment = _team_action(
    "comment",
    lambda request: CommentForm(request.POST),
    lambda request, report, data: services.comment_on_report(
        report=report, acting_user=request.user, body=data["body"]
    ),
    "Your note is added.",
)
share = _team_action(
    "share",
    lambda request: OutcomeForm(request.POST, ending=ReportStatus.SHARED),
    lambda request, report, data: services.share_report(report=report, acting_user=request.user, note=data["note"]),
    "Marked as shared. The reporter is thanked.",
)
close = _team_action(
    "close",
    lambda request: OutcomeForm(request.POST, ending=ReportStatus.CLOSED),
    lambda request, report, data: services.close_report(report=report, acting_user=request.user, note=data["note"]),
    "The report is closed. The reporter is told.",
)
refer = _team_action(
    "refer",
    lambda request: ReferForm(request.POST),
    lambda request, report, data: services.refer_report(
        report=report, acting_user=request.user, to=data["to"], note=data["note"]
    ),
    "The report is referred; the team's mailbox and the auditors are told.",
)
