"""`python -m bench.run` (what `make bench` runs): seed PostgreSQL at City scale, measure, print a
table and write bench/results.json. `--smoke` runs the same harness on a small data set in
seconds (it is part of `make test`, so the harness cannot rot).

Every figure is a ratio against the fastest way to do the same work, measured in the same run
on the same machine, because absolute times on shared machines drift.
"""

import argparse
import contextlib
import csv
import datetime
import io
import json
import os
import platform
import resource
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
GOALS = {"roster_ratio": 1.5, "sweep_ratio": 1.2, "page_rps_ratio": 0.15, "queries_per_page": 6}


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


def recreate_database():
    """Drop and create the benchmark database, then migrate it (the name must start with
    'governance_bench': this never touches another database)."""
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connections

    db = settings.DATABASES["default"]
    name = db["NAME"]
    if not name.startswith("governance_bench"):
        raise SystemExit(f"Refusing to drop {name!r}: the benchmark database name must start with governance_bench")
    connections.close_all()
    admin = _server_connection()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
        # A throwaway database: the audit table may be emptied here (migration 0003).
        cursor.execute(f"ALTER DATABASE \"{name}\" SET governance.audit_truncate = 'allow'")
    admin.close()
    # Nothing cached for the previous data set (or by another run on this Redis) may be read:
    # a fresh key prefix, here and in the gunicorn this run starts later.
    os.environ["BENCH_CACHE_PREFIX"] = f"bench-{os.getpid()}-{time.monotonic_ns()}"
    cache.key_prefix = os.environ["BENCH_CACHE_PREFIX"]
    call_command("migrate", verbosity=0)


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - started, value


# --- queries per page -------------------------------------------------------------------------


def page_targets():
    """(name, path, persona) for each page measured; None means anonymous."""
    from requests.models import GovernanceRequest

    detail = GovernanceRequest.objects.filter(kind="account", status="submitted").order_by("id").first()
    return [
        ("registry list", "/accounts/", "csc"),
        ("review queue", "/requests/", "director"),
        ("request detail", f"/requests/{detail.pk}/", "director"),
        ("manager's team page", "/team/access/", "manager"),
        ("public directory", "/directory/", None),
    ]


def page_queries():
    """How many queries each page costs, as served (the session already in the cache)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, path, persona in page_targets():
        client = Client(HTTP_HOST="127.0.0.1")
        if persona:
            client.force_login(get_user_model().objects.get(username=persona))
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts[name] = len(captured)
    return counts


# --- the roster import ------------------------------------------------------------------------


def export_roster(path, changed_every=10):
    """The directory as HR would send it, with every `changed_every`-th employee promoted."""
    from django.db import connection

    buffer = io.StringIO()
    with connection.cursor() as cursor:
        cursor.copy_expert(
            """COPY (SELECT e.employee_number, e.first_name, e.last_name, e.email, e.job_title,
                        b.code AS business_unit_code, b.name AS business_unit_name,
                        COALESCE(m.employee_number, '') AS manager_employee_number, e.employment_status
                     FROM governance_employee e JOIN governance_businessunit b ON b.id = e.business_unit_id
                     LEFT JOIN governance_employee m ON m.id = e.manager_id ORDER BY e.id)
               TO STDOUT WITH (FORMAT csv, HEADER true)""",
            buffer,
        )
    lines = buffer.getvalue().splitlines()
    out = [lines[0]]
    changed = 0
    for number, line in enumerate(lines[1:], start=1):
        if changed_every and number % changed_every == 0:
            row = next(csv.reader([line]))
            row[4] = row[4] + " II"
            text = io.StringIO()
            csv.writer(text, lineterminator="").writerow(row)
            line = text.getvalue()
            changed += 1
        out.append(line)
    path.write_text("\n".join(out) + "\n")
    return changed


REFERENCE_UPSERT = """
    INSERT INTO bench_ref_employee (employee_number, first_name, last_name, email, job_title, business_unit_id,
        manager_id, employment_status, role_changed_at, in_hr_roster, roster_missing_since, user_id,
        created_at, updated_at, management_path)
    SELECT s.employee_number, s.first_name, s.last_name, s.email, s.job_title, b.id, m.id, s.employment_status,
        NULL, TRUE, NULL, NULL, now(), now(), ''
    FROM bench_staging s JOIN governance_businessunit b ON b.code = s.business_unit_code
    LEFT JOIN bench_ref_employee m ON m.employee_number = s.manager_employee_number
    ON CONFLICT (employee_number) DO UPDATE SET first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
        email = EXCLUDED.email, job_title = EXCLUDED.job_title, business_unit_id = EXCLUDED.business_unit_id,
        manager_id = EXCLUDED.manager_id, employment_status = EXCLUDED.employment_status,
        updated_at = EXCLUDED.updated_at
"""


def reference_import(path):
    """The limit: COPY the file into a staging table, then one INSERT … ON CONFLICT DO UPDATE."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE bench_staging")
        with path.open() as file:
            cursor.copy_expert("COPY bench_staging FROM STDIN WITH (FORMAT csv, HEADER true)", file)
        cursor.execute(REFERENCE_UPSERT)
        return cursor.rowcount


def measure_roster(workdir, changed_every=10):
    from django.db import connection

    from governance import services
    from governance.models import AuditEvent
    from governance.roster import parse_roster

    roster = workdir / "roster.csv"
    changed = export_roster(roster, changed_every)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_ref_employee, bench_staging")
        cursor.execute("CREATE TABLE bench_ref_employee (LIKE governance_employee INCLUDING ALL)")
        cursor.execute("INSERT INTO bench_ref_employee SELECT * FROM governance_employee")
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_staging (employee_number text, first_name text, last_name text, email text, "
            "job_title text, business_unit_code text, business_unit_name text, manager_employee_number text, "
            "employment_status text)"
        )
        cursor.execute("ANALYZE bench_ref_employee")

    def ours():
        rows = parse_roster(roster.read_bytes())
        return services.import_hr_roster(rows=rows, source=roster.name)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    seconds, result = timed(ours)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    events = AuditEvent.objects.count()
    again_seconds, again = timed(ours)
    reference = min(timed(reference_import, roster)[0] for _ in range(2))
    return {
        "rows": sum(1 for _ in roster.open()) - 1,
        "rows_changed_in_file": changed,
        "seconds": round(seconds, 3),
        "reference_seconds": round(reference, 3),
        "ratio": round(seconds / reference, 2),
        "goal": GOALS["roster_ratio"],
        "updated": result.updated,
        "role_changes": len(result.role_changed_ids),
        "peak_rss_growth_mb": round(max(0, rss_after - rss_before) / 1024, 1),
        "peak_rss_mb": round(rss_after / 1024, 1),
        "second_import_seconds": round(again_seconds, 3),
        "second_import_rows_changed": again.created + again.updated,
        "second_import_audit_events": AuditEvent.objects.count() - events,
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
        SELECT c.id, c.reason, now(), now() + interval '14 days', c.manager_id, '', '' FROM candidates c
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
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from accounts.models import AccessReview

    kind = ContentType.objects.get_for_model(AccessReview).pk
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(REFERENCE_SWEEP, [kind])
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


def measure_sweep(stale_every):
    """Make every `stale_every`-th employee's role change, then time the reference and the real
    sweep from the same state, each committed; then sweep again (it must change nothing)."""
    from django.db import connection

    from accounts import services
    from accounts.models import AccessReview
    from governance.models import AuditEvent

    with connection.cursor() as cursor:
        cursor.execute("UPDATE governance_employee SET role_changed_at = now() WHERE id %% %s = 0", [stale_every])
    _reset_reviews()
    reference, _ = timed(reference_sweep)
    flagged = AccessReview.objects.count()
    _reset_reviews()
    seconds, result = timed(services.sweep_stale_access)
    events = AuditEvent.objects.count()
    again_seconds, again = timed(services.sweep_stale_access)
    return {
        "stale_grants": flagged,
        "seconds": round(seconds, 3),
        "reference_seconds": round(reference, 3),
        "ratio": round(seconds / reference, 2),
        "goal": GOALS["sweep_ratio"],
        "reviews_opened": AccessReview.objects.count(),
        "second_run_seconds": round(again_seconds, 3),
        "second_run_rows_changed": again.changed_rows,
        "second_run_audit_events": AuditEvent.objects.count() - events,
        "first_run_rows_changed": result.changed_rows,
    }


# --- pages under load -------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(username):
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.cached_db import SessionStore

    user = get_user_model().objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "governance.auth.PortalModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"sessionid={session.session_key}"


def wrk(url, cookie, seconds, connections=8):
    """Load one URL from 127.0.0.1 for a bounded time with a bounded number of connections."""
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
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
            "2",
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
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
        cookies = {persona: session_cookie(persona) for persona in ("csc", "director", "manager")}
        trivial = [wrk(base + "/bench/trivial", None, seconds)]
        pages = {}
        for name, path, persona in page_targets():
            cookie = cookies.get(persona)
            request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200 and response.url == base + path, (path, response.status)
            pages[name] = {"path": path, **wrk(base + path, cookie, seconds)}
        # The floors under every signed-in page: the person loaded (session, user, roles) with
        # nothing rendered, and the portal's layout around an empty page.
        floors = {
            "signed-in person, no page": wrk(base + "/bench/signed-in", cookies["director"], seconds),
            "signed-in person, empty layout": wrk(base + "/bench/layout", cookies["director"], seconds),
        }
        trivial.append(wrk(base + "/bench/trivial", None, seconds))
    finally:
        server.terminate()
        server.wait(timeout=20)
    trivial_rps = sum(run["rps"] for run in trivial) / len(trivial)
    for page in [*pages.values(), *floors.values()]:
        page["ratio"] = round(page["rps"] / trivial_rps, 3)
        page["goal"] = GOALS["page_rps_ratio"]
    return {
        "trivial": {"rps": round(trivial_rps, 1), "runs": trivial},
        "floors": floors,
        "pages": pages,
        "load": {"connections": 8, "threads": 2, "seconds_per_page": seconds, "server": "gunicorn, 2 workers"},
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a small data set and short loads (seconds)")
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/governance_bench"),
    )
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4"))
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--seconds", type=int, default=None, help="wrk duration per page (default 10, smoke 1)")
    parser.add_argument("--drop-after", action="store_true", help="drop the benchmark database when done")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("The benchmark needs wrk to load the pages: apt-get install -y wrk")
    configure(args.database, args.redis)

    from django.core.management import call_command

    from bench import seed

    # Production's hashed, compressed static files, as the pages name them.
    call_command("collectstatic", interactive=False, verbosity=0)
    scale = seed.SMOKE if args.smoke else seed.CITY
    seconds = args.seconds or (1 if args.smoke else 10)
    results = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "scale": scale.__dict__,
        "goals": GOALS,
    }
    started = time.perf_counter()

    recreate_database()
    seed.seed(seed.DEMO)
    demo_queries = page_queries()

    recreate_database()
    results["machine"] = machine()
    results["seed_seconds"] = round(timed(seed.seed, scale)[0], 1)
    city_queries = page_queries()
    results["queries_per_page"] = {
        name: {
            "demo": demo_queries[name],
            "city": city_queries[name],
            "equal": demo_queries[name] == city_queries[name],
            "goal": GOALS["queries_per_page"],
        }
        for name in city_queries
    }
    with tempfile.TemporaryDirectory() as workdir:
        results["roster_import"] = measure_roster(Path(workdir))
    results["sweep"] = {"10%": measure_sweep(10), "100%": measure_sweep(1)}
    results["pages"] = measure_pages(seconds)
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results, args.output)
    if args.drop_after:
        drop_database()
    return results


def drop_database():
    from django.conf import settings
    from django.db import connections

    db = settings.DATABASES["default"]
    connections.close_all()
    admin = _server_connection()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
    admin.close()


def print_table(results, output):
    def line(label, value, goal="", met=None):
        mark = "" if met is None else ("ok" if met else "MISSED")
        print(f"  {label:<46} {value:>24}  {goal:<14} {mark}")

    scale = results["scale"]
    print(
        f"\nBenchmark at {scale['name']} scale ({scale['employees']:,} employees, {scale['grants']:,} grants, "
        f"{scale['audit_events']:,} audit events), seeded in {results['seed_seconds']} s"
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
    line("  peak RSS growth / peak RSS", f"{roster['peak_rss_growth_mb']} / {roster['peak_rss_mb']} MB")
    line(
        "  same file again: rows changed, events",
        f"{roster['second_import_rows_changed']}, {roster['second_import_audit_events']}",
        "0, 0",
        roster["second_import_rows_changed"] == 0 and roster["second_import_audit_events"] == 0,
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
        line(
            name,
            f"{page['ratio']}× ({page['rps']:.0f}/s)",
            f"≥ {GOALS['page_rps_ratio']}×",
            page["ratio"] >= GOALS["page_rps_ratio"] and page["bad_status"] == 0 and page["errors"] == 0,
        )
        line("  p50 / p95 latency", f"{page['p50_ms']:.1f} / {page['p95_ms']:.1f} ms")
    for name, floor in pages["floors"].items():
        line(f"(floor) {name}", f"{floor['ratio']}× ({floor['rps']:.0f}/s)")
    print("Queries per page (demo size / City scale)")
    for name, counts in results["queries_per_page"].items():
        line(
            name,
            f"{counts['demo']} / {counts['city']}",
            f"≤ {GOALS['queries_per_page']}, equal",
            counts["equal"] and counts["city"] <= GOALS["queries_per_page"],
        )
    print(f"\nWritten to {output} ({results['total_seconds']} s in all)")


if __name__ == "__main__":
    main()
