"""`python -m bench.run` (what `make bench` runs): seed PostgreSQL at City scale, measure, print a
table and write bench/results.json. `--smoke` runs the same harness on a small data set in
seconds (it is part of `make test`, so the harness cannot rot).

Every figure is a ratio against the fastest way to do the same work, measured in the same run
on the same machine, because absolute times on shared machines drift.
"""

import argparse
import contextlib
import dataclasses
import datetime
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Every goal the run is held to (issue 15). Each has a figure in every run's results
#: (`goal_figures`), and the smoke bench in `make test` checks that none is left without one.
GOALS = {
    # The roster import against COPY + one upsert of the changed rows; the upload through the worker
    # against the command; the sweep against one hand-written statement.
    "roster_ratio": 1.5,
    "upload_ratio": 1.5,
    "sweep_ratio": 1.2,
    # Requests a second, as a share of the trivial view's: every signed-in page, the signed-in
    # person with no page at all, and the public directory.
    "page_rps_ratio": 0.15,
    "no_page_ratio": 0.4,
    "directory_ratio": 0.4,
    # A peer measured beside us: the registry list serves at least this many times the requests a
    # second of the Django admin's changelist of the same accounts for a superuser.
    "peer_ratio": 3.0,
    "queries_per_page": 6,
    # How cost grows: the time per row of the roster import and of the sweep at the largest size
    # measured may be at most this many times the time per row at the smallest (10k → 1M).
    "growth_per_row": 1.5,
}
#: The sizes the growth curve is measured at (employees = grants = audit events); --smoke uses
#: small ones, which only show the harness works.
GROWTH_SIZES = {"city": (10_000, 100_000, 1_000_000), "smoke": (500, 1_000, 2_000)}
#: The page whose figure is held to `directory_ratio` rather than `page_rps_ratio` (signed out).
PUBLIC_PAGES = {"public directory"}
#: The peer: the Django admin's changelist of the same accounts, for a superuser.
PEER_PATH = "/admin/accounts/socialaccount/"
#: Where `make bench` writes its tables (between these markers) after a City-scale run.
MARKDOWN = ROOT / "BENCHMARKS.md"
MARKER_START = "<!-- bench:results:start (written by `make bench` from bench/results.json; do not edit) -->"
MARKER_END = "<!-- bench:results:end -->"
# The load on each page (issue 5): wrk from 127.0.0.1, with this many threads and connections,
# against gunicorn with this many workers.
WRK_THREADS = 2
WRK_CONNECTIONS = 8
GUNICORN_WORKERS = 2
SECONDS_PER_PAGE = {"city": 10, "smoke": 1}
# The roster import and the sweep: each side's best of this many runs, every run from the same state.
REPEATS = 3


def configure(database, redis_url):
    """Point Django at the benchmark database before it starts (bench.settings)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DATABASE_URL"] = database
    os.environ["REDIS_URL"] = redis_url
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG")
    os.environ["DEBUG"] = "false"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["SESSION_COOKIE_SECURE"] = "false"
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    os.environ["EMAIL_URL"] = "dummymail://"
    os.environ.setdefault("CELERY_QUEUE", f"bench-{os.getpid()}")
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("BENCH_STATIC_ROOT", tempfile.mkdtemp(prefix="bench-static-"))
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()


def _server_connection():
    """A connection to the server's maintenance database, to create and drop the benchmark's."""
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    admin = psycopg2.connect(
        dbname="postgres",
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )
    admin.autocommit = True
    return admin


def drop_database(*, template_too=False):
    """Drop the benchmark database (the name must start with 'governance_bench': this never
    touches another database), and with `template_too` the migrated template kept beside it.
    Returns its name."""
    from django.conf import settings
    from django.db import connections

    name = settings.DATABASES["default"]["NAME"]
    if not name.startswith("governance_bench"):
        raise SystemExit(f"Refusing to drop {name!r}: the benchmark database name must start with governance_bench")
    connections.close_all()
    admin = _server_connection()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if template_too:
            cursor.execute(f'DROP DATABASE IF EXISTS "{_template_name(name)}" WITH (FORCE)')
    admin.close()
    return name


def _drop_template():
    from django.conf import settings

    admin = _server_connection()
    with admin.cursor() as cursor:
        cursor.execute(
            f'DROP DATABASE IF EXISTS "{_template_name(settings.DATABASES["default"]["NAME"])}" WITH (FORCE)'
        )
    admin.close()


def _template_name(name):
    return f"{name[:54]}_template"


def recreate_database(cache_prefix):
    """Drop and create the benchmark database, migrated. The first time in a run it is migrated
    and kept as a template; later data sets start from a copy of that template (a second, not a
    migration's ten). Nothing cached for the previous data set may be read: `cache_prefix` is
    new, here and in the gunicorn this run starts later."""
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connections

    name = drop_database()
    template = _template_name(name)
    admin = _server_connection()
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        have_template = cursor.fetchone() is not None and _RUN_TEMPLATES.get(template)
        if have_template:
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        else:
            cursor.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        # A throwaway database: the audit table may be emptied here (migration 0003).
        cursor.execute(f"ALTER DATABASE \"{name}\" SET governance.audit_truncate = 'allow'")
    os.environ["BENCH_CACHE_PREFIX"] = cache_prefix
    cache.key_prefix = cache_prefix
    if not have_template:
        call_command("migrate", verbosity=0)
        connections.close_all()
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
        _RUN_TEMPLATES[template] = True
    admin.close()


#: The templates this process migrated (a template left by an earlier run may predate a migration).
_RUN_TEMPLATES: dict[str, bool] = {}


def forget_cached(run_prefix):
    """Delete every key this run left on Redis (its cache prefixes all start with `run_prefix`-)."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    keys = list(client.scan_iter(match=f"{run_prefix}-*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])
    client.close()


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - started, value


def best(seconds):
    return round(min(seconds), 3)


# --- queries per page -------------------------------------------------------------------------


def page_targets():
    """(name, path, persona, must_show) for each page measured: persona None is a signed-out
    visitor; `must_show` is text the page has only when it is the page meant to be measured."""
    from django.urls import reverse

    from requests.models import GovernanceRequest, RequestKind, RequestStatus

    # The page the Director decides from: a submitted provider-access request (its page checks
    # whether the employee may be designated) that somebody else filed — nobody decides their own.
    detail = (
        GovernanceRequest.objects.filter(kind=RequestKind.PROVIDER_ACCESS, status=RequestStatus.SUBMITTED)
        .exclude(requester__username="director")
        .order_by("id")
        .first()
    )
    if detail is None:
        raise SystemExit("The data set has no submitted provider-access request for the Director to decide")
    return [
        ("registry list", "/accounts/", "csc", None),
        ("review queue", "/requests/", "director", None),
        (
            "request detail",
            f"/requests/{detail.pk}/",
            "director",
            f'action="{reverse("requests:approve", args=[detail.pk])}"',
        ),
        ("manager's team page", "/team/access/", "manager", None),
        ("content-report queue", reverse("reports:list"), "csc", '<th scope="col">Assigned to</th>'),
        ("public directory", "/directory/", None, None),
    ]


def check_page(name, path, status, body, must_show):
    """Refuse to measure a page that is not the one meant: an error, a sign-in redirect, or a
    request page without the Director's decision forms."""
    if status != 200:
        raise SystemExit(f"{name} ({path}) answered {status}, not 200")
    if must_show and must_show not in body:
        raise SystemExit(f"{name} ({path}) does not show {must_show!r}: it is not the page to measure")


def page_queries(cache_prefix):
    """How many queries each page costs, as served (the same request again: the session and
    the app's cache warm) and uncached (the first request under a cache prefix nothing was
    stored under yet — the business-unit menu, the public directory's page; the viewer's
    session is put in the cache by signing in, as it is when anybody signs in)."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    try:
        for number, (name, path, persona, must_show) in enumerate(page_targets()):
            cache.key_prefix = f"{cache_prefix}-queries-{number}"
            client = Client(HTTP_HOST="127.0.0.1")
            if persona:
                client.force_login(get_user_model().objects.get(username=persona))
            counts[name] = {}
            for label in ("uncached", "served"):
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(path)
                check_page(name, path, response.status_code, response.content.decode(), must_show)
                counts[name][label] = len(captured)
    finally:
        cache.key_prefix = cache_prefix
    return counts


# --- the roster import ------------------------------------------------------------------------


def export_roster(path, changed_every=10):
    """The directory as HR would send it, with every `changed_every`-th employee promoted (a new
    job title: a role change). Returns the number of rows and of changed rows."""
    from django.db import connection

    with connection.cursor() as cursor, path.open("w") as file:
        cursor.copy_expert(
            f"""COPY (SELECT e.employee_number, e.first_name, e.last_name, e.email,
                        CASE WHEN row_number() OVER (ORDER BY e.id) % {int(changed_every)} = 0
                             THEN e.job_title || ' II' ELSE e.job_title END AS job_title,
                        b.code AS business_unit_code, b.name AS business_unit_name,
                        COALESCE(m.employee_number, '') AS manager_employee_number, e.employment_status
                     FROM governance_employee e JOIN governance_businessunit b ON b.id = e.business_unit_id
                     LEFT JOIN governance_employee m ON m.id = e.manager_id ORDER BY e.id)
               TO STDOUT WITH (FORMAT csv, HEADER true)""",
            file,
        )
        rows = cursor.rowcount
    return rows, rows // changed_every


# The columns the portal compares for each employee in the file (governance.services
# import_hr_roster: names, email, the role fields, being in the roster). The limit rewrites a row
# only when one of them differs, as the portal does, and sets what the portal sets.
REFERENCE_UPSERT = """
    INSERT INTO bench_ref_employee AS t (employee_number, first_name, last_name, email, job_title,
        business_unit_id, manager_id, employment_status, role_changed_at, in_hr_roster, roster_missing_since,
        user_id, created_at, updated_at, management_path)
    SELECT s.employee_number, s.first_name, s.last_name, s.email, s.job_title, b.id, m.id, s.employment_status,
        NULL, TRUE, NULL, NULL, now(), now(), ''
    FROM bench_staging s JOIN governance_businessunit b ON b.code = s.business_unit_code
    LEFT JOIN bench_ref_employee m ON m.employee_number = s.manager_employee_number
    ON CONFLICT (employee_number) DO UPDATE SET first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
        email = EXCLUDED.email, job_title = EXCLUDED.job_title, business_unit_id = EXCLUDED.business_unit_id,
        manager_id = EXCLUDED.manager_id, employment_status = EXCLUDED.employment_status,
        role_changed_at = CASE
            WHEN (t.job_title, t.business_unit_id, t.manager_id, t.employment_status)
                IS DISTINCT FROM (EXCLUDED.job_title, EXCLUDED.business_unit_id, EXCLUDED.manager_id,
                                  EXCLUDED.employment_status)
            THEN EXCLUDED.updated_at ELSE t.role_changed_at END,
        in_hr_roster = TRUE, roster_missing_since = NULL, updated_at = EXCLUDED.updated_at
    WHERE (t.first_name, t.last_name, t.email, t.job_title, t.business_unit_id, t.manager_id, t.employment_status,
           t.in_hr_roster)
        IS DISTINCT FROM (EXCLUDED.first_name, EXCLUDED.last_name, EXCLUDED.email, EXCLUDED.job_title,
                          EXCLUDED.business_unit_id, EXCLUDED.manager_id, EXCLUDED.employment_status, TRUE)
"""
# The nightly file is the whole organisation (`import_hr_roster --full`): whoever is not in it is
# marked as no longer in the roster, as the portal does.
REFERENCE_LEFT_ROSTER = """
    UPDATE bench_ref_employee t SET in_hr_roster = FALSE, roster_missing_since = now(), updated_at = now()
    WHERE t.in_hr_roster AND NOT EXISTS (SELECT FROM bench_staging s WHERE s.employee_number = t.employee_number)
"""


def reference_import(path):
    """The limit: COPY the file into a staging table, then one INSERT … ON CONFLICT DO UPDATE
    (and the UPDATE of a full roster's missing employees). Returns the rows it wrote."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE bench_staging")
        with path.open() as file:
            cursor.copy_expert("COPY bench_staging FROM STDIN WITH (FORMAT csv, HEADER true)", file)
        cursor.execute(REFERENCE_UPSERT)
        written = cursor.rowcount
        cursor.execute(REFERENCE_LEFT_ROSTER)
        return written + cursor.rowcount


def import_in_child(path):
    """The portal's import of the file, in a fresh process (bench/import_roster.py)."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.import_roster", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    if done.returncode:
        raise SystemExit(f"The roster import failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _restore_employees(columns):
    """Both employee tables back to the state before any import (bench_employee_before), then
    vacuumed: every run, the portal's or the limit's, starts from the same rows and free space."""
    from django.db import connection

    names = ", ".join(columns)
    theirs = ", ".join(f"s.{column}" for column in columns)
    with connection.cursor() as cursor:
        for table in ("governance_employee", "bench_ref_employee"):
            cursor.execute(
                f"UPDATE {table} t SET ({names}) = ({theirs}) FROM bench_employee_before s "
                f"WHERE t.id = s.id AND ({', '.join(f't.{column}' for column in columns)}) IS DISTINCT FROM ({theirs})"
            )
        cursor.execute("VACUUM ANALYZE governance_employee, bench_ref_employee")


def measure_roster(workdir, repeats, changed_every=10):
    """Export the directory as a roster with every `changed_every`-th row changed, then time the
    limit and the portal's nightly import (`--full`), each the best of `repeats` runs from the same
    state; then import the same file again (it must change nothing)."""
    from django.db import connection

    from governance.models import AuditEvent, Employee

    roster = workdir / "roster.csv"
    rows, changed = export_roster(roster, changed_every)
    columns = [field.column for field in Employee._meta.concrete_fields if not field.primary_key]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_ref_employee, bench_staging, bench_employee_before")
        cursor.execute("CREATE TABLE bench_ref_employee (LIKE governance_employee INCLUDING ALL)")
        cursor.execute("INSERT INTO bench_ref_employee SELECT * FROM governance_employee")
        cursor.execute("CREATE TABLE bench_employee_before AS SELECT * FROM governance_employee")
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_staging (employee_number text, first_name text, last_name text, email text, "
            "job_title text, business_unit_code text, business_unit_name text, manager_employee_number text, "
            "employment_status text)"
        )
        # The seed rewrote every employee (management paths, sign-ins): both tables start compact,
        # with freshly built indexes, as a copy does.
        cursor.execute("VACUUM (FULL, ANALYZE) governance_employee, bench_ref_employee")
    reference_runs, portal_runs = [], []
    for _ in range(repeats):
        _restore_employees(columns)
        reference_runs.append(timed(reference_import, roster))
        portal_runs.append(import_in_child(roster))
    events = AuditEvent.objects.count()
    again = import_in_child(roster)
    second_import_audit_events = AuditEvent.objects.count() - events
    imported = portal_runs[-1]
    seconds = best(run["seconds"] for run in portal_runs)
    reference = best(run_seconds for run_seconds, _ in reference_runs)
    _restore_employees(columns)
    upload = measure_roster_upload(roster, command_seconds=seconds, command_peak_rss_mb=portal_runs[-1]["peak_rss_mb"])
    return {
        "upload": upload,
        "rows": rows,
        "rows_changed_in_file": changed,
        "full": True,
        "seconds": seconds,
        "reference_seconds": reference,
        "ratio": round(seconds / reference, 2),
        "runs": {
            "seconds": [run["seconds"] for run in portal_runs],
            "reference_seconds": [round(run_seconds, 3) for run_seconds, _ in reference_runs],
        },
        "created": imported["created"],
        "updated": imported["updated"],
        "role_changes": imported["role_changes"],
        "rows_written": imported["rows_written"],
        "reference_rows_written": reference_runs[-1][1],
        "peak_memory_measured": (
            "each import in a fresh process (bench/import_roster.py): peak resident memory while it reads, "
            "parses, imports and commits the file (Linux VmHWM, reset after start-up), and that peak less "
            "the resident memory before it"
        ),
        "peak_rss_mb": max(run["peak_rss_mb"] for run in portal_runs),
        "peak_rss_growth_mb": round(max(run["peak_rss_mb"] - run["rss_before_mb"] for run in portal_runs), 1),
        "second_import_seconds": again["seconds"],
        "second_import_changed": again["changed"],
        "second_import_rows_written": again["rows_written"],
        "second_import_audit_events": second_import_audit_events,
    }


def _worker_memory_mb(pid, name):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{name}:\s+(\d+) kB", status, re.MULTILINE)[1]) / 1024


def measure_roster_upload(roster, *, command_seconds, command_peak_rss_mb):
    """The same file uploaded in the browser's way, through a real Celery worker: HR's upload is
    checked and previewed by the worker, then HR confirms and the worker imports it. Times the
    import from the confirmation until it is recorded as imported (the command's counterpart),
    with the progress read as the page reads it, and the worker's peak memory."""
    from django.contrib.auth.models import Group
    from django.core.files import File

    from governance import celery_app, services
    from governance.models import RosterUpload, RosterUploadStatus, User
    from governance.roles import HR

    hr, _ = User.objects.get_or_create(username="bench-hr")
    hr.groups.add(Group.objects.get_or_create(name=HR)[0])
    name = f"bench-worker-{os.getpid()}@%h"
    # Everything else in the run keeps its tasks in memory (bench/settings.py); this measurement
    # sends them to Redis, for a worker of its own, and goes back to memory after.
    broker = celery_app.conf.broker_url
    celery_app.conf.broker_url = os.environ["BENCH_BROKER_URL"] = os.environ["REDIS_URL"]
    celery_app._pool = None
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "governance", "worker", "--pool=solo", "--concurrency=1",
         "-Q", os.environ["CELERY_QUEUE"], "-n", name, "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        hostname = name.replace("%h", os.uname().nodename)
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(destination=[hostname], timeout=0.5):
            if time.monotonic() > deadline or worker.poll() is not None:
                raise SystemExit("The Celery worker for the roster upload did not start.")
        rss_idle = _worker_memory_mb(worker.pid, "VmRSS")
        started = time.perf_counter()
        with open(roster, "rb") as handle:
            upload = services.receive_roster_upload(acting_user=hr, uploaded_file=File(handle, "roster.csv"), full=True)
        while (status := RosterUpload.objects.get(pk=upload.pk).status) == RosterUploadStatus.CHECKING:
            time.sleep(0.1)
        check_seconds = time.perf_counter() - started
        if status != RosterUploadStatus.READY:
            raise SystemExit(
                f"The uploaded roster was not accepted: {RosterUpload.objects.get(pk=upload.pk).errors[:5]}"
            )
        upload.refresh_from_db()
        readings = []
        started = time.perf_counter()
        services.confirm_roster_upload(upload=upload, acting_user=hr)
        deadline = time.monotonic() + 1800
        while True:
            upload.refresh_from_db()
            progress = services.roster_upload_progress(upload)
            if not readings or readings[-1] != progress["percent"]:
                readings.append(progress["percent"])
            if progress["finished"] or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        # The bar's last step (100%) is written after the commit that the status shows.
        final = services.roster_upload_progress(upload)["percent"]
        peak = _worker_memory_mb(worker.pid, "VmHWM")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        celery_app.conf.broker_url = broker
        celery_app._pool = None
        del os.environ["BENCH_BROKER_URL"]
    return {
        "status": upload.status,
        "rows": upload.result.get("rows", 0),
        "check_seconds": round(check_seconds, 3),
        "seconds": round(seconds, 3),
        "command_seconds": command_seconds,
        "ratio": round(seconds / command_seconds, 2),
        "progress_readings": readings,
        "progress_reached": final,
        "worker_idle_rss_mb": round(rss_idle, 1),
        "worker_peak_rss_mb": round(peak, 1),
        "command_peak_rss_mb": command_peak_rss_mb,
        "file_deleted": not upload.file,
    }


# --- the stale-access sweep ---------------------------------------------------------------------

REFERENCE_SWEEP = """
    WITH latest AS (
        SELECT employee_id, max(expires_on) AS expires_on FROM governance_trainingrecord
        WHERE course = 'social_media' GROUP BY employee_id
    ), live AS (
        SELECT g.id, g.designated_at, g.recertify_by, e.manager_id, e.employment_status, e.role_changed_at,
            e.in_hr_roster, e.roster_missing_since, l.expires_on
        FROM accounts_providergrant g JOIN governance_employee e ON e.id = g.employee_id
        LEFT JOIN latest l ON l.employee_id = e.id
        WHERE g.status IN ('active', 'under_review')
    ), candidates AS (
        SELECT id, manager_id, 'role_changed' AS reason, role_changed_at AS since FROM live
        WHERE employment_status = 'active' AND role_changed_at > designated_at
        UNION ALL
        SELECT id, manager_id, 'on_leave', COALESCE(role_changed_at, designated_at) FROM live
        WHERE employment_status = 'leave'
        UNION ALL
        SELECT id, manager_id, 'training_expired', COALESCE(expires_on, designated_at) FROM live
        WHERE employment_status <> 'terminated' AND (expires_on IS NULL OR expires_on < current_date)
        UNION ALL
        SELECT id, manager_id, 'recertification_due', recertify_by FROM live
        WHERE employment_status <> 'terminated' AND recertify_by <= current_date
        UNION ALL
        SELECT id, manager_id, 'not_in_roster', COALESCE(roster_missing_since, designated_at) FROM live
        WHERE employment_status <> 'terminated' AND NOT in_hr_roster
    ), prior AS (
        SELECT grant_id, reason, max(opened_at) AS last_opened, bool_or(resolved_at IS NULL) AS still_open
        FROM accounts_accessreview GROUP BY grant_id, reason
    ), flagged AS (
        INSERT INTO accounts_accessreview (grant_id, reason, opened_at, due_at, assigned_to_id, outcome, note)
        SELECT c.id, c.reason, now(), now() + make_interval(days => %s), c.manager_id, '', '' FROM candidates c
        LEFT JOIN prior p ON p.grant_id = c.id AND p.reason = c.reason
        WHERE p.grant_id IS NULL OR (NOT p.still_open AND p.last_opened < c.since)
        RETURNING id, grant_id, reason
    ), audited AS (
        INSERT INTO governance_auditevent (created_at, actor_id, actor_label, verb, target_type_id, target_id,
            target_repr, changes, note, ip_address)
        SELECT now(), NULL, 'reference', 'review.opened', %s, f.id::text,
            SUBSTR(f.reason || ' review: ' || e.first_name || ' ' || e.last_name || ' on ' || a.display_name, 1, 255),
            jsonb_build_object('reason', jsonb_build_object('before', NULL, 'after', f.reason)), '', NULL
        FROM flagged f JOIN accounts_providergrant g ON g.id = f.grant_id
        JOIN governance_employee e ON e.id = g.employee_id JOIN accounts_socialaccount a ON a.id = g.account_id
    )
    UPDATE accounts_providergrant g SET status = 'under_review' FROM (SELECT DISTINCT grant_id FROM flagged) f
    WHERE g.id = f.grant_id AND g.status = 'active'
"""


def reference_sweep():
    """The limit: one hand-written statement that does the same flagging (the same five review
    rules) and writes the same audit rows and grant statuses, committed like the real sweep."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from accounts.models import AccessReview

    kind = ContentType.objects.get_for_model(AccessReview).pk
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(REFERENCE_SWEEP, [settings.REVIEW_DUE_DAYS, kind])
        return cursor.rowcount


def _reset_reviews():
    """Back to the state before any flagging (audit rows stay: they are append-only), with the
    tables vacuumed so that neither run pays for the other's dead rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        # TRUNCATE, not DELETE: an emptied-but-not-shrunk table makes the planner's "empty" guess
        # very wrong (a sequential scan of its dead pages for every grant).
        cursor.execute("TRUNCATE accounts_accessreview")
        cursor.execute("UPDATE accounts_providergrant SET status = 'active' WHERE status = 'under_review'")
        cursor.execute("VACUUM ANALYZE accounts_accessreview, accounts_providergrant, governance_auditevent")


def measure_sweep(stale_every, repeats):
    """Make every `stale_every`-th employee's role change, then time the reference and the real
    sweep, each the best of `repeats` committed runs from the same state; then sweep again (it
    must change nothing)."""
    from django.db import connection

    from accounts import services
    from accounts.models import AccessReview
    from governance.models import AuditEvent

    with connection.cursor() as cursor:
        cursor.execute("UPDATE governance_employee SET role_changed_at = now() WHERE id %% %s = 0", [stale_every])
    reference_runs, portal_runs = [], []
    for _ in range(repeats):
        _reset_reviews()
        reference_runs.append(timed(reference_sweep)[0])
        flagged = AccessReview.objects.count()
        _reset_reviews()
        seconds, result = timed(services.sweep_stale_access)
        portal_runs.append(seconds)
    events = AuditEvent.objects.count()
    again_seconds, again = timed(services.sweep_stale_access)
    seconds, reference = best(portal_runs), best(reference_runs)
    return {
        "stale_grants": flagged,
        "seconds": seconds,
        "reference_seconds": reference,
        "ratio": round(seconds / reference, 2),
        "runs": {
            "seconds": [round(run, 3) for run in portal_runs],
            "reference_seconds": [round(run, 3) for run in reference_runs],
        },
        "reviews_opened": AccessReview.objects.count(),
        "first_run_rows_changed": result.changed_rows,
        "second_run_seconds": round(again_seconds, 3),
        "second_run_rows_changed": again.changed_rows,
        "second_run_audit_events": AuditEvent.objects.count() - events,
    }


# --- how cost grows ------------------------------------------------------------------------------


def growth_scale(rows):
    """A City of `rows` employees, grants and audit events (a tenth as many accounts)."""
    from bench import seed

    return seed.Scale(
        f"growth-{rows}",
        employees=rows,
        units=max(10, min(1_000, rows // 100)),  # unit codes have four digits
        accounts=max(10, rows // 10),
        grants=rows,
        requests=max(10, min(5_000, rows // 20)),
        audit_events=rows,
        team=max(5, min(500, rows // 20)),
        reports=0,
    )


def measure_growth(sizes, run_prefix):
    """The roster import (the whole file, a tenth changed) and the sweep (a tenth of the grants
    stale) at each size, on a database seeded for that size: seconds and microseconds per row,
    and how the time per row at the largest size compares with the smallest."""
    from accounts import services
    from bench import seed

    points = []
    for rows in sizes:
        recreate_database(f"{run_prefix}-growth-{rows}")
        seed.seed(growth_scale(rows))
        with tempfile.TemporaryDirectory() as workdir:
            roster = Path(workdir) / "roster.csv"
            exported, changed = export_roster(roster)
            imported = import_in_child(roster)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("UPDATE governance_employee SET role_changed_at = now() WHERE id %% %s = 0", [10])
            cursor.execute("VACUUM ANALYZE governance_employee")
        sweep_seconds, result = timed(services.sweep_stale_access)
        points.append(
            {
                "rows": rows,
                "roster_rows": exported,
                "roster_changed": changed,
                "roster_seconds": imported["seconds"],
                "roster_us_per_row": round(imported["seconds"] / exported * 1e6, 2),
                "sweep_grants": rows,
                "sweep_changed": result.changed_rows,
                "sweep_seconds": round(sweep_seconds, 3),
                "sweep_us_per_row": round(sweep_seconds / rows * 1e6, 2),
            }
        )
    first, last = points[0], points[-1]
    return {
        "points": points,
        "roster_growth": round(last["roster_us_per_row"] / first["roster_us_per_row"], 2),
        "sweep_growth": round(last["sweep_us_per_row"] / first["sweep_us_per_row"], 2),
    }


# --- pages under load -------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(username):
    """A signed-in session for this persona, as the Cookie header the load generator sends."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def wrk(url, cookie, seconds):
    """Load one URL from 127.0.0.1 for a bounded time with a bounded number of connections."""
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{WRK_CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "wrk_report.lua"),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 30, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def measure_pages(seconds):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "governance.wsgi:application",
            "--workers",
            str(GUNICORN_WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/bench/trivial", timeout=2)
                break
            # A loaded machine may take longer than the timeout to answer the first request.
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
        cookies = {persona: session_cookie(persona) for persona in ("csc", "director", "manager", "admin")}
        trivial = [wrk(base + "/bench/trivial", None, seconds)]
        pages = {}
        for name, path, persona, must_show in page_targets():
            cookie = cookies.get(persona)
            request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
            with urllib.request.urlopen(request, timeout=30) as response:
                if response.url != base + path:
                    raise SystemExit(f"{name} ({path}) redirected to {response.url}: the session was not accepted")
                check_page(name, path, response.status, response.read().decode(), must_show)
            pages[name] = {"path": path, **wrk(base + path, cookie, seconds)}
        # The floors under every signed-in page: the person loaded (session, user, roles) with
        # nothing rendered, and the portal's layout around an empty page.
        floors = {
            "signed-in person, no page": wrk(base + "/bench/signed-in", cookies["director"], seconds),
            "signed-in person, empty layout": wrk(base + "/bench/layout", cookies["director"], seconds),
        }
        # The peer beside us: the Django admin's changelist of the same accounts, for a superuser.
        request = urllib.request.Request(base + PEER_PATH, headers={"Cookie": cookies["admin"]})
        with urllib.request.urlopen(request, timeout=60) as response:
            if response.url != base + PEER_PATH:
                raise SystemExit(f"The admin changelist redirected to {response.url}: the superuser was not accepted")
            check_page("admin changelist", PEER_PATH, response.status, response.read().decode(), "result_list")
        peer = {"path": PEER_PATH, **wrk(base + PEER_PATH, cookies["admin"], seconds)}
        trivial.append(wrk(base + "/bench/trivial", None, seconds))
    finally:
        server.terminate()
        server.wait(timeout=20)
    trivial_rps = sum(run["rps"] for run in trivial) / len(trivial)
    for page in [*pages.values(), *floors.values(), peer]:
        page["ratio"] = round(page["rps"] / trivial_rps, 3)
    peer["registry_list_times"] = round(pages["registry list"]["rps"] / peer["rps"], 2) if peer["rps"] else None
    return {
        "trivial": {"rps": round(trivial_rps, 1), "runs": trivial},
        "floors": floors,
        "pages": pages,
        "peer": peer,
        "load": {
            "threads": WRK_THREADS,
            "connections": WRK_CONNECTIONS,
            "seconds_per_page": seconds,
            "gunicorn_workers": GUNICORN_WORKERS,
        },
    }


# --- the whole run ------------------------------------------------------------------------------


def machine():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    cpu = ""
    with contextlib.suppress(OSError, StopIteration), open("/proc/cpuinfo") as info:
        cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "postgresql": postgres,
        "platform": platform.platform(),
    }


def build_parser():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a small data set and short loads (seconds)")
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/governance_bench"),
        help="its name must start with governance_bench: it is dropped and created",
    )
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4"))
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--seconds", type=int, default=None, help="wrk duration per page (default 10, smoke 1)")
    parser.add_argument(
        "--repeats", type=int, default=REPEATS, help="runs of the roster import and of the sweep (best counts)"
    )
    parser.add_argument(
        "--drop-after", action="store_true", help="drop the benchmark database when done (or when the run fails)"
    )
    parser.add_argument("--no-growth", action="store_true", help="skip the growth curve (10k, 100k, 1M rows)")
    parser.add_argument(
        "--growth-sizes",
        type=lambda text: tuple(int(size) for size in text.split(",")),
        default=None,
        help="comma-separated sizes for the growth curve (default 10000,100000,1000000; smoke 500,1000,2000)",
    )
    parser.add_argument(
        "--markdown",
        type=Path,
        default=None,
        help="the file whose section between the bench markers gets this run's tables "
        "(default: BENCHMARKS.md after a City-scale run; nothing after --smoke)",
    )
    return parser


def scale_of(args):
    """The data set and the seconds of load per page that these arguments ask for."""
    from bench import seed

    scale = seed.SMOKE if args.smoke else seed.CITY
    return scale, args.seconds or SECONDS_PER_PAGE[scale.name]


def main(argv=None):
    args = build_parser().parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("The benchmark needs wrk to load the pages: apt-get install -y wrk")
    configure(args.database, args.redis)

    from django.core.management import call_command

    from bench import seed

    # Production's hashed, compressed static files, as the pages name them.
    call_command("collectstatic", interactive=False, verbosity=0)
    scale, seconds = scale_of(args)
    results = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "scale": dataclasses.asdict(scale),
        "goals": GOALS,
    }
    started = time.perf_counter()
    # Every key this run puts on Redis starts with this (a new prefix per data set: nothing
    # cached for one may be read for the other, nor by another run on the same Redis).
    run_prefix = f"bench-{os.getpid()}-{time.monotonic_ns()}"
    try:
        recreate_database(f"{run_prefix}-demo")
        seed.seed(seed.DEMO)
        demo_queries = page_queries(f"{run_prefix}-demo")

        recreate_database(f"{run_prefix}-{scale.name}")
        results["machine"] = machine()
        results["seed_seconds"] = round(timed(seed.seed, scale)[0], 1)
        results["seeded"] = seed.counts(scale)
        city_queries = page_queries(f"{run_prefix}-{scale.name}")
        results["queries_per_page"] = {
            name: {
                "demo": demo_queries[name]["served"],
                "city": city_queries[name]["served"],
                "demo_uncached": demo_queries[name]["uncached"],
                "city_uncached": city_queries[name]["uncached"],
                "equal": demo_queries[name] == city_queries[name],
            }
            for name in city_queries
        }
        with tempfile.TemporaryDirectory() as workdir:
            results["roster_import"] = measure_roster(Path(workdir), args.repeats)
        results["sweep"] = {"10%": measure_sweep(10, args.repeats), "100%": measure_sweep(1, args.repeats)}
        results["pages"] = measure_pages(seconds)
        # What is measured so far is kept should the growth curve fail (it seeds a million rows).
        args.output.write_text(json.dumps(results, indent=2) + "\n")
        if not args.no_growth:
            results["growth"] = measure_growth(args.growth_sizes or GROWTH_SIZES[scale.name], run_prefix)
    finally:
        forget_cached(run_prefix)
        if args.drop_after:
            drop_database(template_too=True)
        else:
            _drop_template()
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    results["commit"] = current_commit()
    results["goal_figures"] = goal_figures(results)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results, args.output)
    markdown = args.markdown or (None if args.smoke else MARKDOWN)
    if markdown is not None:
        write_markdown(markdown, render_markdown(results, history()))
        print(f"Tables written to {markdown}")
    return results


def current_commit():
    """The commit measured (with "+changes" when the work tree differs from it)."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit}+changes" if dirty else commit


# --- the goals and the tables of BENCHMARKS.md --------------------------------------------------


def goal_figures(results):
    """One row per goal and per thing it is measured on: what, the figure, the goal, met or not.
    Every key of GOALS has at least one row with a figure (the smoke bench checks it)."""
    rows = []

    def add(goal, what, figure, shown, met):
        rows.append({"goal": goal, "what": what, "figure": figure, "shown": shown, "met": bool(met)})

    with contextlib.suppress(KeyError):
        _roster_figures(results, add)
    with contextlib.suppress(KeyError):
        _sweep_figures(results, add)
    with contextlib.suppress(KeyError):
        _page_figures(results, add)
    with contextlib.suppress(KeyError):
        _growth_figures(results, add)
    return rows


def _growth_figures(results, add):
    growth = results["growth"]
    sizes = " → ".join(f"{point['rows']:,}" for point in growth["points"])
    for name, label in (("roster", "Roster import"), ("sweep", "Stale-access sweep")):
        curve = ", ".join(f"{point[f'{name}_us_per_row']} µs" for point in growth["points"])
        add(
            "growth_per_row",
            f"{label}: time per row from the smallest size to the largest",
            growth[f"{name}_growth"],
            f"{growth[f'{name}_growth']}× ({sizes} rows: {curve} a row)",
            growth[f"{name}_growth"] <= GOALS["growth_per_row"],
        )


def _roster_figures(results, add):
    roster = results["roster_import"]
    add(
        "roster_ratio",
        f"Roster import, {roster['rows']:,} rows, {roster['rows_changed_in_file']:,} changed",
        roster["ratio"],
        f"{roster['seconds']} s against {roster['reference_seconds']} s: {roster['ratio']}×",
        roster["ratio"] <= GOALS["roster_ratio"],
    )
    upload = roster["upload"]
    add(
        "upload_ratio",
        "Roster upload through the worker, confirm to imported",
        upload["ratio"],
        f"{upload['seconds']} s against the command's {upload['command_seconds']} s: {upload['ratio']}×",
        upload["ratio"] <= GOALS["upload_ratio"] and upload["progress_reached"] == 100,
    )


def _sweep_figures(results, add):
    for label, sweep in results["sweep"].items():
        add(
            "sweep_ratio",
            f"Stale-access sweep, {label} stale ({sweep['stale_grants']:,} grants)",
            sweep["ratio"],
            f"{sweep['seconds']} s against {sweep['reference_seconds']} s: {sweep['ratio']}×",
            sweep["ratio"] <= GOALS["sweep_ratio"],
        )


def _page_figures(results, add):
    for name, counts in results.get("queries_per_page", {}).items():
        worst = max(counts["city"], counts.get("city_uncached", counts["city"]))
        add(
            "queries_per_page",
            f"Queries: {name}",
            worst,
            f"{counts['demo']} at demo size, {counts['city']} at {results['scale']['name']} scale "
            f"({counts.get('city_uncached', counts['city'])} on a cold cache)",
            counts["equal"] and worst <= GOALS["queries_per_page"],
        )
    pages = results["pages"]
    for name, page in pages["pages"].items():
        goal = "directory_ratio" if name in PUBLIC_PAGES else "page_rps_ratio"
        add(
            goal,
            name[0].upper() + name[1:],
            page["ratio"],
            f"{page['ratio']}× ({page['rps']:.0f}/s, p50 {page['p50_ms']:.0f} ms, p95 {page['p95_ms']:.0f} ms)",
            page["ratio"] >= GOALS[goal] and page["bad_status"] == 0 and page["errors"] == 0,
        )
    floor = pages["floors"]["signed-in person, no page"]
    add(
        "no_page_ratio",
        "Signed-in person loaded, no page",
        floor["ratio"],
        f"{floor['ratio']}× ({floor['rps']:.0f}/s)",
        floor["ratio"] >= GOALS["no_page_ratio"],
    )
    peer = pages["peer"]
    times = peer["registry_list_times"] or 0
    add(
        "peer_ratio",
        "Registry list against the Django admin's changelist of the same accounts",
        times,
        f"{times}× the admin's {peer['rps']:.0f}/s (p50 {peer['p50_ms']:.0f} ms)",
        times >= GOALS["peer_ratio"],
    )


def _goal_text(goal):
    value = GOALS[goal]
    if goal == "queries_per_page":
        return f"≤ {value}, equal at both sizes"
    if goal in {"roster_ratio", "upload_ratio", "sweep_ratio", "growth_per_row"}:
        return f"≤ {value}×"
    return f"≥ {value}×"


def history():
    """Earlier runs kept in bench/history/, oldest first: (name, results)."""
    runs = []
    for path in sorted((ROOT / "bench" / "history").glob("*.json")):
        with contextlib.suppress(ValueError, OSError):
            runs.append((path.stem, json.loads(path.read_text())))
    return sorted(runs, key=lambda run: str(run[1].get("when", "")))


def _history_figure(results, goal, what):
    """The figure an earlier run has for this row, or "—" (older runs measured less)."""
    with contextlib.suppress(KeyError, TypeError, ZeroDivisionError):
        for row in results.get("goal_figures") or goal_figures(results):
            if row["goal"] == goal and row["what"] == what:
                return f"{row['figure']}"
    return "—"


def render_markdown(results, earlier_runs):
    """The generated section of BENCHMARKS.md: when, where, which commit; each goal's figures;
    the queries per page; the same rows in each kept earlier run."""
    machine_ = results.get("machine", {})
    scale = results["scale"]
    lines = [
        MARKER_START,
        "",
        f"Measured {results['when']} on commit `{results.get('commit', 'unknown')}`, at {scale['name']} scale "
        f"({scale['employees']:,} employees, {scale['accounts']:,} accounts, {scale['grants']:,} grants, "
        f"{scale['audit_events']:,} audit events); {machine_.get('cores', '?')} cores ({machine_.get('cpu', '?')}), "
        f"Python {machine_.get('python', '?')}, PostgreSQL {machine_.get('postgresql', '?')}; "
        f"the whole run took {results['total_seconds']} s. "
        f"Trivial view: {results['pages']['trivial']['rps']} requests a second.",
        "",
        "| measurement | figure | goal | |",
        "|---|---|---|---|",
    ]
    for row in results["goal_figures"]:
        lines.append(
            f"| {row['what']} | {row['shown']} | {_goal_text(row['goal'])} | {'met' if row['met'] else '**missed**'} |"
        )
    with contextlib.suppress(KeyError):  # runs kept from before the harness measured these
        lines += ["", _repeat_line(results)]
    if earlier_runs:
        lines += ["", "The same rows in the runs kept in `bench/history/` (figure only):", ""]
        names = [name for name, _ in earlier_runs]
        lines.append("| measurement | " + " | ".join(names) + " | this run |")
        lines.append("|---|" + "---|" * (len(names) + 1))
        for row in results["goal_figures"]:
            earlier = [_history_figure(run_results, row["goal"], row["what"]) for _, run_results in earlier_runs]
            lines.append(f"| {row['what']} | " + " | ".join(earlier) + f" | {row['figure']} |")
    lines += ["", MARKER_END]
    return "\n".join(lines)


def _repeat_line(results):
    roster = results["roster_import"]
    return (
        f"Roster import memory: RSS +{roster['peak_rss_growth_mb']} MB (peak {roster['peak_rss_mb']} MB). "
        f"The same file again: {roster['second_import_rows_written']} rows written, "
        f"{roster['second_import_audit_events']} audit events. The sweep again: "
        + ", ".join(
            f"{label} stale {sweep['second_run_rows_changed']} rows changed, {sweep['second_run_audit_events']} events"
            for label, sweep in results["sweep"].items()
        )
        + "."
    )


def write_markdown(path, section):
    """Replace the section between the markers in `path` (which must have them)."""
    text = path.read_text()
    start, end = text.find(MARKER_START), text.find(MARKER_END)
    if start < 0 or end < start:
        raise SystemExit(f"{path} has no section between {MARKER_START!r} and {MARKER_END!r} to replace")
    path.write_text(text[:start] + section + text[end + len(MARKER_END) :])


def print_table(results, output):
    def line(label, value, goal="", met=None):
        mark = "" if met is None else ("ok" if met else "MISSED")
        print(f"  {label:<46} {value:>24}  {goal:<14} {mark}")

    scale = results["scale"]
    print(
        f"\nBenchmark at {scale['name']} scale ({scale['employees']:,} employees, {scale['grants']:,} grants, "
        f"{scale['audit_events']:,} audit events), seeded in {results['seed_seconds']} s; the roster import and "
        "the sweep are each the best of "
        f"{len(results['roster_import']['runs']['seconds'])} runs"
    )
    roster = results["roster_import"]
    print("Roster import")
    line(
        f"{roster['rows']:,} rows, {roster['rows_changed_in_file']:,} changed",
        f"{roster['seconds']} s vs {roster['reference_seconds']} s",
        f"≤ {GOALS['roster_ratio']}×",
        roster["ratio"] <= GOALS["roster_ratio"],
    )
    line("  ratio", f"{roster['ratio']}×")
    upload = roster["upload"]
    line(
        "Roster upload through the worker (confirm → imported)",
        f"{upload['seconds']} s vs the command's {upload['command_seconds']} s",
        f"≤ {GOALS['upload_ratio']}×",
        upload["ratio"] <= GOALS["upload_ratio"] and upload["progress_reached"] == 100,
    )
    line("  checked and previewed first in", f"{upload['check_seconds']} s")
    line("  progress", " → ".join(f"{percent}%" for percent in upload["progress_readings"]))
    line(
        "  worker's peak memory / the command's", f"{upload['worker_peak_rss_mb']} / {upload['command_peak_rss_mb']} MB"
    )
    line("  import's memory / its process's peak RSS", f"+{roster['peak_rss_growth_mb']} / {roster['peak_rss_mb']} MB")
    line(
        "  same file again: rows written, events",
        f"{roster['second_import_rows_written']}, {roster['second_import_audit_events']}",
        "0, 0",
        not roster["second_import_changed"]
        and roster["second_import_rows_written"] == 0
        and roster["second_import_audit_events"] == 0,
    )
    print("Stale-access sweep")
    for label, sweep in results["sweep"].items():
        line(
            f"{label} stale ({sweep['stale_grants']:,} grants)",
            f"{sweep['seconds']} s vs {sweep['reference_seconds']} s",
            f"≤ {GOALS['sweep_ratio']}×",
            sweep["ratio"] <= GOALS["sweep_ratio"],
        )
        line("  ratio", f"{sweep['ratio']}×")
        line(
            "  second run: rows changed, events",
            f"{sweep['second_run_rows_changed']}, {sweep['second_run_audit_events']}",
            "0, 0",
            sweep["second_run_rows_changed"] == 0 and sweep["second_run_audit_events"] == 0,
        )
    pages = results["pages"]
    print(f"Pages under load (trivial view: {pages['trivial']['rps']} requests/s)")
    for name, page in pages["pages"].items():
        goal = "directory_ratio" if name in PUBLIC_PAGES else "page_rps_ratio"
        line(
            name,
            f"{page['ratio']}× ({page['rps']:.0f}/s)",
            f"≥ {GOALS[goal]}×",
            page["ratio"] >= GOALS[goal] and page["bad_status"] == 0 and page["errors"] == 0,
        )
        line("  p50 / p95 latency", f"{page['p50_ms']:.1f} / {page['p95_ms']:.1f} ms")
    for name, floor in pages["floors"].items():
        line(f"(floor) {name}", f"{floor['ratio']}× ({floor['rps']:.0f}/s)")
    floor = pages["floors"]["signed-in person, no page"]
    line(
        "signed-in person, no page",
        f"{floor['ratio']}×",
        f"≥ {GOALS['no_page_ratio']}×",
        floor["ratio"] >= GOALS["no_page_ratio"],
    )
    peer = pages["peer"]
    line(
        "registry list / the admin's changelist (peer)",
        f"{peer['registry_list_times']}× ({peer['rps']:.0f}/s)",
        f"≥ {GOALS['peer_ratio']}×",
        (peer["registry_list_times"] or 0) >= GOALS["peer_ratio"],
    )
    print(f"Queries per page, served (uncached): demo size / {scale['name']} scale")
    for name, counts in results["queries_per_page"].items():
        line(
            name,
            f"{counts['demo']} ({counts['demo_uncached']}) / {counts['city']} ({counts['city_uncached']})",
            f"≤ {GOALS['queries_per_page']}, equal",
            counts["equal"] and max(counts["city"], counts["city_uncached"]) <= GOALS["queries_per_page"],
        )
    if "growth" in results:
        print("How cost grows (time per row)")
        for row in results["goal_figures"]:
            if row["goal"] == "growth_per_row":
                line(row["what"].split(":")[0], f"{row['figure']}×", f"≤ {GOALS['growth_per_row']}×", row["met"])
        for point in results["growth"]["points"]:
            line(
                f"  {point['rows']:,} rows",
                f"{point['roster_us_per_row']} / {point['sweep_us_per_row']} µs",
                "import / sweep",
            )
    print(f"\nWritten to {output} ({results['total_seconds']} s in all)")


if __name__ == "__main__":
    main()
