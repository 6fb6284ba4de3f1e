"""The HR roster uploaded in the browser: stored privately, checked and previewed (what the
import would do to people and to access), imported once HR confirms, then deleted.

The preview runs the very import and the very jobs that react to it (settings
EMPLOYEE_CHANGE_TASKS) inside a transaction it rolls back, and reads what they did from the
audit trail (settings.EMPLOYEE_CHANGE_IMPACT) before it does: a change to the rules of the
import or of the jobs shows in the preview with no change here, and the preview and the import
agree.
"""

import hashlib
import os

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ..audit_verbs import Verb
from ..models import AuditEvent, Employee, RosterUpload, RosterUploadStatus
from ..permissions import is_hr
from ..roster import RosterInvalid, parse_roster
from .audit import record_event
from .errors import WorkflowError
from .people import employee_change_task_ids, import_hr_roster

#: An upload keeps this many of its errors for the page and the CSV report (and their count).
ERRORS_KEPT = 10_000
#: The people lists of a preview name this many each (the counts are complete).
PEOPLE_LISTED = 50
#: How long a progress reading lives in the cache.
_PROGRESS_SECONDS = 6 * 60 * 60


def max_upload_bytes() -> int:
    return settings.ROSTER_UPLOAD_MAX_MB * 1024 * 1024


def _check_is_hr(acting_user) -> None:
    if not is_hr(acting_user):
        raise PermissionDenied("Only Human Resources uploads the HR roster.")


def receive_roster_upload(*, acting_user, uploaded_file: UploadedFile, full: bool) -> RosterUpload:
    """Store an uploaded roster privately and start checking it (a task). Refused above
    settings.ROSTER_UPLOAD_MAX_MB. Audit `roster.uploaded` with the file's SHA-256."""
    _check_is_hr(acting_user)
    if uploaded_file.size > max_upload_bytes():
        raise WorkflowError(
            f"The file is {uploaded_file.size / 1024 / 1024:.1f} MB; the largest roster accepted is "
            f"{settings.ROSTER_UPLOAD_MAX_MB} MB. Split it, or ask IT to import it with import_hr_roster."
        )
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    name = os.path.basename(uploaded_file.name or "roster.csv")[:200] or "roster.csv"
    upload = RosterUpload(
        uploaded_by=acting_user, file_name=name, sha256=digest.hexdigest(), size=uploaded_file.size, full=full
    )
    # The file is written before the row's transaction (no slow I/O inside one).
    upload.file.save(f"{digest.hexdigest()[:16]}.csv", uploaded_file, save=False)
    try:
        with transaction.atomic():
            upload.save()
            record_event(
                verb=Verb.ROSTER_UPLOADED,
                target=upload,
                acting_user=acting_user,
                changes={
                    "file": {"before": None, "after": name},
                    "sha256": {"before": None, "after": upload.sha256},
                    "size": {"before": None, "after": upload.size},
                    "full": {"before": None, "after": full},
                },
            )
            _set_progress(upload.pk, 0, "Waiting to be checked")
            from .. import tasks

            tasks.check_roster_upload.delay_on_commit(upload.pk)
    except BaseException:
        upload.file.delete(save=False)
        raise
    return upload


def check_roster_upload(*, upload_id: int) -> RosterUpload | None:
    """Read and check an uploaded roster; for a good file, compute its preview. Nothing is kept
    of the dry run. A file with errors is deleted: only its errors are kept."""
    upload = RosterUpload.objects.filter(pk=upload_id, status=RosterUploadStatus.CHECKING).first()
    if upload is None:
        return None
    _set_progress(upload.pk, 5, "Reading the file")
    data = _read(upload)
    try:
        rows = parse_roster(data)
        _set_progress(upload.pk, 20, "Working out what the import would change")
        preview = preview_roster(rows=rows, full=upload.full, acting_user=upload.uploaded_by, source=upload.file_name)
    except RosterInvalid as invalid:
        _finish_invalid(upload, invalid, status=RosterUploadStatus.INVALID)
        return upload
    with transaction.atomic():
        updated = RosterUpload.objects.filter(pk=upload.pk, status=RosterUploadStatus.CHECKING).update(
            status=RosterUploadStatus.READY, rows=len(rows), preview=preview, checked_at=timezone.now()
        )
    _set_progress(upload.pk, 100, "Checked")
    upload.refresh_from_db()
    if not updated and upload.status == RosterUploadStatus.DISCARDED:
        _delete_file(upload)
    return upload


def preview_roster(*, rows, full: bool, acting_user=None, source: str = "") -> dict:
    """What importing these rows would do, as plain JSON values: the people who are new,
    change role, leave or are missing (for a full roster), the sign-ins that end, and the
    access impact (grants under review and for whom, revoked, suspended; passwords to change).
    Runs the import and the reacting jobs in a transaction it rolls back. Raises RosterInvalid
    for errors found against the directory (unknown managers, cycles)."""
    known = set(Employee.objects.values_list("employee_number", flat=True))
    new = [row for row in rows if row.employee_number not in known]
    with transaction.atomic():
        since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        result = import_hr_roster(rows=rows, full=full, acting_user=acting_user, source=source)
        changed = [*result.role_changed_ids, *result.employment_ended_ids, *result.left_roster_ids]
        if changed:
            ids = employee_change_task_ids(changed)
            for name in settings.EMPLOYEE_CHANGE_TASKS:
                import_string(name)(ids)  # the task's body, here, as the worker runs it after commit
        impact = import_string(settings.EMPLOYEE_CHANGE_IMPACT)(since)
        signed_out = [
            int(pk)
            for pk in AuditEvent.objects.filter(pk__gt=since, verb=Verb.USER_DEACTIVATED).values_list(
                "target_id", flat=True
            )
        ]
        preview = {
            "rows": len(rows),
            "full": full,
            "new": _people_of_rows(new),
            "updated": result.updated,
            "unchanged": result.unchanged,
            "role_changed": _people(result.role_changed_ids),
            "leaving": _people(result.employment_ended_ids),
            "missing": _people(result.left_roster_ids),
            "signed_out": _people(list(Employee.objects.filter(user_id__in=signed_out).values_list("pk", flat=True))),
            "business_units_created": result.business_units_created,
            "business_units_renamed": result.business_units_renamed,
            "access": impact,
        }
        transaction.set_rollback(True)
    return preview


def _people(ids) -> dict:
    employees = Employee.objects.filter(pk__in=ids).select_related("business_unit").order_by("last_name", "pk")
    return {
        "count": len(ids),
        "rows": [
            {"name": e.full_name, "number": e.employee_number, "unit": e.business_unit.name, "title": e.job_title}
            for e in employees[:PEOPLE_LISTED]
        ],
    }


def _people_of_rows(rows) -> dict:
    return {
        "count": len(rows),
        "rows": [
            {
                "name": f"{row.first_name} {row.last_name}",
                "number": row.employee_number,
                "unit": row.business_unit_name,
                "title": row.job_title,
            }
            for row in rows[:PEOPLE_LISTED]
        ],
    }


def confirm_roster_upload(*, upload: RosterUpload, acting_user) -> RosterUpload:
    """HR confirms a checked upload: it is imported by a task, with its progress shown. Refused
    if the file changed since it was checked, or another roster was imported since (the preview
    would no longer be what happens). Audit `roster.confirmed` with the file's SHA-256."""
    _check_is_hr(acting_user)
    sha256 = _sha256_of_stored(upload)
    with transaction.atomic():
        locked = RosterUpload.objects.select_for_update().get(pk=upload.pk)
        if locked.status != RosterUploadStatus.READY:
            raise WorkflowError(f"This roster cannot be imported: it is {locked.get_status_display().lower()}.")
        if sha256 != locked.sha256:
            raise WorkflowError("The stored file is not the one that was checked. Upload it again.")
        later = RosterUpload.objects.filter(
            status__in=[RosterUploadStatus.IMPORTING, RosterUploadStatus.IMPORTED], confirmed_at__gt=locked.checked_at
        ).exclude(pk=locked.pk)
        if later.exists():
            raise WorkflowError(
                "Another roster was imported after this one was checked, so this preview is out of date. "
                "Upload the file again to see what it would change now."
            )
        locked.status, locked.confirmed_by, locked.confirmed_at = (
            RosterUploadStatus.IMPORTING,
            acting_user,
            timezone.now(),
        )
        locked.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        record_event(
            verb=Verb.ROSTER_CONFIRMED,
            target=locked,
            acting_user=acting_user,
            changes={
                "sha256": {"before": None, "after": locked.sha256},
                "rows": {"before": None, "after": locked.rows},
            },
        )
        _set_progress(locked.pk, 0, "Waiting for the import to start")
        from .. import tasks

        tasks.import_roster_upload.delay_on_commit(locked.pk)
    return locked


def discard_roster_upload(*, upload: RosterUpload, acting_user) -> RosterUpload:
    """HR discards an upload instead of importing it; its file is deleted. Audit `roster.discarded`."""
    _check_is_hr(acting_user)
    with transaction.atomic():
        locked = RosterUpload.objects.select_for_update().get(pk=upload.pk)
        if locked.status not in (RosterUploadStatus.READY, RosterUploadStatus.CHECKING):
            raise WorkflowError(f"This roster cannot be discarded: it is {locked.get_status_display().lower()}.")
        locked.status = RosterUploadStatus.DISCARDED
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "finished_at"])
        record_event(verb=Verb.ROSTER_DISCARDED, target=locked, acting_user=acting_user)
        transaction.on_commit(lambda: _delete_file(locked))
    return locked


def import_roster_upload(*, upload_id: int) -> RosterUpload | None:
    """The task HR's confirmation starts: import the stored file (as `import_hr_roster` does),
    with its progress in the cache; record the counts, then delete the file. Run twice, it
    imports once."""
    upload = RosterUpload.objects.filter(pk=upload_id, status=RosterUploadStatus.IMPORTING).first()
    if upload is None:
        return None
    _set_progress(upload.pk, 2, "Reading the file")
    data = _read(upload)
    try:
        rows = parse_roster(data)
        del data
        _set_progress(upload.pk, 15, "Checking managers")
        with transaction.atomic():
            locked = RosterUpload.objects.select_for_update().get(pk=upload.pk)
            if locked.status != RosterUploadStatus.IMPORTING:
                return locked
            result = import_hr_roster(
                rows=rows,
                full=locked.full,
                acting_user=locked.confirmed_by,
                source=locked.file_name,
                progress=lambda percent, step: _set_progress(locked.pk, percent, step),
            )
            _set_progress(locked.pk, 95, "Saving")
            locked.status, locked.finished_at = RosterUploadStatus.IMPORTED, timezone.now()
            locked.result = {
                "rows": len(rows),
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "role_changed": len(result.role_changed_ids),
                "leaving": len(result.employment_ended_ids),
                "missing": len(result.left_roster_ids),
                "signed_out": len(result.deactivated_user_ids),
                "business_units_created": result.business_units_created,
                "business_units_renamed": result.business_units_renamed,
            }
            locked.save(update_fields=["status", "finished_at", "result"])
            record_event(
                verb=Verb.ROSTER_IMPORTED,
                target=locked,
                actor_label="HR roster import",
                changes={key: {"before": None, "after": value} for key, value in locked.result.items()},
            )
            transaction.on_commit(lambda: _imported(locked))
    except RosterInvalid as invalid:
        _finish_invalid(upload, invalid, status=RosterUploadStatus.FAILED)
        return upload
    return locked


def _imported(upload: RosterUpload) -> None:
    _delete_file(upload)
    _set_progress(upload.pk, 100, "Imported")


def _delete_file(upload: RosterUpload) -> None:
    """Delete the stored file (after commit) and forget its name: only its fingerprint stays."""
    if upload.file:
        upload.file.delete(save=False)
    RosterUpload.objects.filter(pk=upload.pk).update(file="")


def _finish_invalid(upload: RosterUpload, invalid: RosterInvalid, *, status: str) -> None:
    """Keep the errors (the first ERRORS_KEPT), delete the file; a failed import is audited."""
    with transaction.atomic():
        locked = RosterUpload.objects.select_for_update().get(pk=upload.pk)
        locked.status, locked.finished_at = status, timezone.now()
        locked.error_count = len(invalid.errors)
        locked.errors = [[error.line, error.column, error.message] for error in invalid.errors[:ERRORS_KEPT]]
        locked.save(update_fields=["status", "finished_at", "error_count", "errors"])
        if status == RosterUploadStatus.FAILED:
            record_event(
                verb=Verb.ROSTER_IMPORT_FAILED,
                target=locked,
                actor_label="HR roster import",
                changes={"errors": {"before": None, "after": locked.error_count}},
            )
        transaction.on_commit(lambda: _delete_file(locked))
    _set_progress(upload.pk, 100, "Finished with errors")
    upload.refresh_from_db()


def _read(upload: RosterUpload) -> bytes:
    with upload.file.open("rb") as stored:
        return stored.read()


def _sha256_of_stored(upload: RosterUpload) -> str:
    if not upload.file:
        return ""
    digest = hashlib.sha256()
    try:
        with upload.file.open("rb") as stored:
            for chunk in iter(lambda: stored.read(1024 * 1024), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return ""
    return digest.hexdigest()


def _progress_key(upload_id: int) -> str:
    return f"roster-upload:{upload_id}:progress"


def _set_progress(upload_id: int, percent: int, step: str) -> None:
    cache.set(_progress_key(upload_id), {"percent": percent, "step": step}, _PROGRESS_SECONDS)


def roster_upload_progress(upload: RosterUpload) -> dict:
    """Where an upload stands, for its page and the status endpoint: status, percent, step, and
    whether it is finished (nothing more to wait for)."""
    finished = upload.status not in (RosterUploadStatus.CHECKING, RosterUploadStatus.IMPORTING)
    reading = cache.get(_progress_key(upload.pk)) or {"percent": 0, "step": "Waiting to start"}
    if finished:
        reading = {"percent": 100, "step": upload.get_status_display()}
    return {
        "status": upload.status,
        "status_label": upload.get_status_display(),
        "percent": int(reading["percent"]),
        "step": reading["step"],
        "finished": finished,
    }
