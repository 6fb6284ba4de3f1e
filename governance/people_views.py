"""Pages of the people who own the facts: training (the communications team; HR and auditors
read), the HR roster upload (HR; auditors read) and versions of the Standards (the
communications team drafts, the Director publishes; auditors read)."""

import csv
import datetime
import difflib
import hashlib
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.selectors import acknowledgement_coverage

from . import people_forms, selectors, services
from .models import Employee, RosterUpload, RosterUploadStatus, StandardsVersion, TrainingCourse
from .permissions import (
    is_csc,
    is_director,
    is_hr,
    reads_roster_uploads,
    reads_standards_versions,
    reads_training,
)
from .roster import COLUMNS as ROSTER_COLUMNS
from .roster import ERRORS_LISTED, RosterInvalid
from .training_csv import COLUMNS as TRAINING_COLUMNS
from .training_csv import MAX_BYTES as TRAINING_MAX_BYTES
from .training_csv import parse_training_csv

_TRAINING_SALT = "governance.training-import"


def _require(predicate, user, message):
    if not predicate(user):
        raise PermissionDenied(message)


# --- training ------------------------------------------------------------------------------------


@login_required
def training(request):
    """Search people by name or number and see their training; the communications team records
    a completion for one person here. Training expiring within the reminder window is listed."""
    _require(reads_training, request.user, "This page is for the communications team, HR and auditors.")
    search = people_forms.PeopleSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    people = list(selectors.search_people(q)) if q else []
    return render(
        request,
        "governance/training.html",
        {
            "search": search,
            "q": q,
            "people": people,
            "may_record": is_csc(request.user),
            "courses": TrainingCourse.choices,
            "today": timezone.localdate(),
            "expiring": list(selectors.expiring_training(settings.TRAINING_REMINDER_DAYS)[:50]),
            "reminder_days": settings.TRAINING_REMINDER_DAYS,
            "recent": [] if q else list(selectors.recent_training()),
            "validity": [(TrainingCourse(code).label, days) for code, days in settings.TRAINING_VALIDITY_DAYS.items()],
        },
    )


@login_required
@require_POST
def record_training(request):
    """Record one completion (the communications team)."""
    _require(is_csc, request.user, "Only the communications team records training.")
    form = people_forms.TrainingRecordForm(request.POST)
    back = reverse("people:training")
    q = request.POST.get("q", "")[:100].replace("\x00", "")
    if q:
        back += "?" + _query(q)
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label or name}: {' '.join(errors)}" for name, errors in form.errors.items()
        )
        messages.error(request, f"The completion was not recorded. {problems}")
        return redirect(back)
    employee = Employee.objects.filter(pk=form.cleaned_data["employee"]).first()
    if employee is None:
        raise Http404("No such person.")
    try:
        record = services.record_training(
            employee=employee,
            course=form.cleaned_data["course"],
            completed_on=form.cleaned_data["completed_on"],
            acting_user=request.user,
        )
    except services.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Recorded: {employee.full_name} completed “{record.get_course_display()}” on "
            f"{record.completed_on:%B %-d, %Y}; it counts until {record.expires_on:%B %-d, %Y}.",
        )
    return redirect(back)


def _query(q):
    from django.utils.http import urlencode

    return urlencode({"q": q})


@login_required
def training_import(request):
    """Upload a learning system's CSV: every bad line is shown with its line and column, and
    nothing is applied; a good file is previewed, and applied when confirmed."""
    _require(is_csc, request.user, "Only the communications team imports training records.")
    form = people_forms.CsvUploadForm(request.POST or None, request.FILES or None, max_bytes=TRAINING_MAX_BYTES)
    context = {"form": form, "columns": ",".join(TRAINING_COLUMNS), "courses": TrainingCourse.choices}
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        data = uploaded.read()
        name = (uploaded.name or "training.csv")[:200]
        try:
            rows = _parse_training(data)
        except RosterInvalid as invalid:
            listed, more = invalid.listed()
            context.update(errors=listed, more_errors=more, error_count=len(invalid.errors), file_name=name)
            return render(request, "governance/training_import.html", context, status=400)
        plan = services.plan_training_import(rows)
        payload = signing.dumps({"name": name, "data": data.decode("utf-8-sig")}, salt=_TRAINING_SALT, compress=True)
        context.update(plan=plan, payload=payload, file_name=name, sha256=hashlib.sha256(data).hexdigest())
        return render(request, "governance/training_import.html", context)
    return render(request, "governance/training_import.html", context, status=400 if form.errors else 200)


def _parse_training(data):
    known = set(Employee.objects.values_list("employee_number", flat=True))
    return parse_training_csv(data, known_employees=known, today=timezone.localdate())


@login_required
@require_POST
def training_import_confirm(request):
    """Apply a previewed training file (checked again: the directory may have changed)."""
    _require(is_csc, request.user, "Only the communications team imports training records.")
    try:
        payload = signing.loads(request.POST.get("payload", ""), salt=_TRAINING_SALT, max_age=3600)
        data, name = payload["data"].encode(), str(payload["name"])
    except (signing.BadSignature, KeyError, TypeError, AttributeError):
        messages.error(request, "This preview has expired or is not valid. Upload the file again.")
        return redirect("people:training-import")
    try:
        rows = _parse_training(data)
    except RosterInvalid:
        messages.error(request, "The file no longer passes its checks (the people directory changed). Upload it again.")
        return redirect("people:training-import")
    count = services.import_training_records(data=data, rows=rows, file_name=name, acting_user=request.user)
    messages.success(request, f"{count} training completion{'s' if count != 1 else ''} recorded from {name}.")
    return redirect("people:training")


# --- the HR roster --------------------------------------------------------------------------------


@login_required
def roster(request):
    """HR uploads the roster (checked and previewed before anything is applied); the uploads so far."""
    _require(reads_roster_uploads, request.user, "This page is for Human Resources and auditors.")
    may_upload = is_hr(request.user)
    form = people_forms.RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        _require(is_hr, request.user, "Only Human Resources uploads the HR roster.")
        if form.is_valid():
            try:
                upload = services.receive_roster_upload(
                    acting_user=request.user, uploaded_file=form.cleaned_data["file"], full=form.cleaned_data["full"]
                )
            except services.WorkflowError as error:
                form.add_error("file", str(error))
            else:
                return redirect("people:roster-upload", upload.pk)
    uploads = Paginator(RosterUpload.objects.select_related("uploaded_by__employee", "confirmed_by__employee"), 20)
    return render(
        request,
        "governance/roster.html",
        {
            "form": form,
            "may_upload": may_upload,
            "page": uploads.get_page(request.GET.get("page")),
            "columns": ",".join(ROSTER_COLUMNS),
            "max_mb": settings.ROSTER_UPLOAD_MAX_MB,
        },
        status=400 if form.errors else 200,
    )


def _upload_for(user, pk):
    if not reads_roster_uploads(user):
        raise Http404("No such upload.")
    upload = (
        RosterUpload.objects.select_related("uploaded_by__employee", "confirmed_by__employee").filter(pk=pk).first()
    )
    if upload is None:
        raise Http404("No such upload.")
    return upload


@login_required
def roster_upload(request, pk):
    """One upload: its progress while checked or imported, its errors, its preview (with the
    confirmation for HR), or what it changed."""
    upload = _upload_for(request.user, pk)
    progress = services.roster_upload_progress(upload)
    preview = upload.preview or {}
    errors = upload.errors[:ERRORS_LISTED]
    return render(
        request,
        "governance/roster_upload.html",
        {
            "upload": upload,
            "progress": progress,
            "preview": preview,
            "access": preview.get("access", {}),
            "errors": errors,
            "more_errors": max(0, upload.error_count - len(errors)),
            "may_act": is_hr(request.user),
            "statuses": RosterUploadStatus,
        },
    )


@never_cache
@login_required
@require_GET
def roster_upload_status(request, pk):
    """The progress of an upload, as JSON, for the page's progress bar."""
    upload = _upload_for(request.user, pk)
    return JsonResponse(services.roster_upload_progress(upload))


@login_required
@require_GET
def roster_upload_errors(request, pk):
    """The errors of an upload as a CSV report: line, column, problem."""
    upload = _upload_for(request.user, pk)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["line", "column", "problem"])
    for line, column, message in upload.errors:
        writer.writerow([line, column, _spreadsheet_safe(message)])
    if upload.error_count > len(upload.errors):
        writer.writerow(["", "", f"… and {upload.error_count - len(upload.errors):,} more errors not listed"])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roster-{upload.pk}-errors.csv"'
    response["Cache-Control"] = "no-store"
    return response


def _spreadsheet_safe(value):
    """A cell a spreadsheet will not run as a formula (the message quotes the file's values)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
@require_POST
def roster_upload_confirm(request, pk):
    upload = _upload_for(request.user, pk)
    _require(is_hr, request.user, "Only Human Resources imports the HR roster.")
    try:
        services.confirm_roster_upload(upload=upload, acting_user=request.user)
    except services.WorkflowError as error:
        messages.error(request, str(error))
    return redirect("people:roster-upload", upload.pk)


@login_required
@require_POST
def roster_upload_discard(request, pk):
    upload = _upload_for(request.user, pk)
    _require(is_hr, request.user, "Only Human Resources discards an HR roster upload.")
    try:
        services.discard_roster_upload(upload=upload, acting_user=request.user)
    except services.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{upload.file_name} was discarded; nothing was applied.")
    return redirect("people:roster")


# --- versions of the Standards ---------------------------------------------------------------------


@login_required
def standards_versions(request):
    """Every version, drafts first, with the acknowledgement coverage of the version in force."""
    _require(reads_standards_versions, request.user, "This page is for the communications team and auditors.")
    current = selectors.current_standards()
    return render(
        request,
        "governance/standards_versions.html",
        {
            "drafts": list(StandardsVersion.objects.drafts().order_by("-created_at")),
            "published": list(StandardsVersion.objects.published().order_by("-effective_from")),
            "current": current,
            "coverage": acknowledgement_coverage(current),
            "may_draft": is_csc(request.user),
            "now": timezone.now(),
        },
    )


@login_required
def standards_draft_new(request):
    """Start a draft, from the text of the version in force."""
    _require(is_csc, request.user, "Only the communications team drafts the Standards.")
    current = selectors.current_standards()
    initial = {"text": current.text, "title": current.title} if current else {}
    form = people_forms.StandardsDraftForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.draft_standards_version(acting_user=request.user, **form.cleaned_data)
        except services.WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Draft version {draft.version} saved. Check the preview, then ask the Director.")
            return redirect("standards-version", draft.pk)
    return render(
        request, "governance/standards_draft.html", {"form": form, "draft": None}, status=400 if form.errors else 200
    )


def _version_for(user, pk):
    version = StandardsVersion.objects.filter(pk=pk).first()
    if version is None or (version.is_draft and not reads_standards_versions(user)):
        raise Http404("No such version.")
    return version


@login_required
def standards_draft_edit(request, pk):
    version = _version_for(request.user, pk)
    _require(is_csc, request.user, "Only the communications team drafts the Standards.")
    if not version.is_draft:
        messages.error(request, "This version is published; it can no longer be changed. Start a new draft.")
        return redirect("standards-version", version.pk)
    form = people_forms.StandardsDraftForm(
        request.POST or None, initial={"version": version.version, "title": version.title, "text": version.text}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_standards_draft(draft=version, acting_user=request.user, **form.cleaned_data)
        except services.WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Draft saved.")
            return redirect("standards-version", version.pk)
    return render(
        request, "governance/standards_draft.html", {"form": form, "draft": version}, status=400 if form.errors else 200
    )


@login_required
def standards_version(request, pk):
    """One version as it reads, and what changed from the version before it. Published
    versions are for everyone signed in; drafts for the communications team and auditors."""
    version = _version_for(request.user, pk)
    previous = (
        StandardsVersion.objects.published()
        .filter(effective_from__lt=version.effective_from)
        .exclude(pk=version.pk)
        .order_by("-effective_from")
        .first()
        if not version.is_draft
        else selectors.current_standards()
    )
    publish = None
    if version.is_draft and is_director(request.user):
        publish = people_forms.PublishForm(
            initial={"effective_on": timezone.localdate(), "acknowledge_within_days": 30}
        )
    return render(
        request,
        "governance/standards_version.html",
        {
            "version": version,
            "previous": previous,
            "changes": text_changes(previous.text if previous else "", version.text),
            "may_edit": version.is_draft and is_csc(request.user),
            "publish": publish,
            "reads_versions": reads_standards_versions(request.user),
        },
    )


@login_required
@require_POST
def standards_version_publish(request, pk):
    version = _version_for(request.user, pk)
    _require(is_director, request.user, "Only the Director publishes a version of the Standards.")
    form = people_forms.PublishForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("standards-version", version.pk)
    effective_on = form.cleaned_data["effective_on"]
    effective_from = timezone.make_aware(datetime.datetime.combine(effective_on, datetime.time.min))
    try:
        services.publish_standards_version(
            draft=version,
            acting_user=request.user,
            effective_from=effective_from,
            acknowledge_within_days=form.cleaned_data["acknowledge_within_days"],
        )
    except services.WorkflowError as error:
        messages.error(request, str(error))
        return redirect("standards-version", version.pk)
    version.refresh_from_db()
    effective, due = timezone.localtime(version.effective_from), timezone.localtime(version.acknowledge_by)
    messages.success(
        request,
        f"Version {version.version} is published, in force from {effective:%B %-d, %Y}. "
        f"Providers are asked to acknowledge it by {due:%B %-d, %Y}.",
    )
    return redirect("standards-versions")


def text_changes(before: str, after: str, context: int = 2) -> list[dict]:
    """The lines that changed between two texts, with a little context: a list of hunks, each
    a list of {"kind": "same" | "removed" | "added", "text"}."""
    hunks = []
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        lines = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend({"kind": "same", "text": text} for text in matcher.a[i1:i2])
                continue
            lines.extend({"kind": "removed", "text": text} for text in matcher.a[i1:i2])
            lines.extend({"kind": "added", "text": text} for text in matcher.b[j1:j2])
        hunks.append(lines)
    return hunks
