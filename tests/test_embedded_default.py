"""Smoke run of the embedded default, as `make run` starts it: SQLite, no Redis, tasks in
process, email on the console — migrated, seeded and served by runserver in a subprocess."""

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from governance.demo import DEMO_PASSWORD, SIGN_INS

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.smoke


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("embedded")
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "CELERY_QUEUE", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        PRIVATE_MEDIA_ROOT=str(folder / "private-media"),
    )

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )

    manage("migrate", "--noinput")
    seeded = manage("seed_demo")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(folder / "server.log", "w+")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline or server.poll() is not None:
                log.seek(0)
                pytest.fail("runserver did not start:\n" + log.read())
            time.sleep(0.2)
    yield {"base": base, "db": folder / "db.sqlite3", "seed_output": seeded.stdout, "log": log, "manage": manage}
    server.terminate()
    server.wait(timeout=10)
    log.close()


def browser():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def fetch(opener, url, data=None):
    try:
        response = opener.open(url, data=urllib.parse.urlencode(data).encode() if data else None, timeout=10)
        return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def sign_in(base, username):
    opener = browser()
    status, _, page = fetch(opener, base + "/login/")
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, headers, _ = fetch(
        opener, base + "/login/", {"csrfmiddlewaretoken": token, "username": username, "password": DEMO_PASSWORD}
    )
    assert status == 302 and headers["Location"] == "/", f"{username} could not sign in"
    return opener


def test_seed_demo_prints_the_demo_sign_ins(embedded):
    for username in SIGN_INS:
        assert f"  {username}" in embedded["seed_output"]
    assert DEMO_PASSWORD in embedded["seed_output"]


def test_healthz_answers_200_with_only_the_database(embedded):
    status, _, body = fetch(browser(), embedded["base"] + "/healthz")
    assert status == 200
    assert body == '{"status": "ok", "checks": {"database": "ok"}}'


def test_an_anonymous_visitor_is_sent_to_sign_in(embedded):
    status, headers, _ = fetch(browser(), embedded["base"] + "/")
    assert status == 302 and headers["Location"] == "/login/?next=/"


@pytest.mark.parametrize("username", list(SIGN_INS))
def test_each_demo_sign_in_lands_on_a_home_page_with_their_own_data(embedded, username):
    from governance.demo import PEOPLE

    number = SIGN_INS[username][0]
    first, last = next((p[1], p[2]) for p in PEOPLE if p[0] == number)
    opener = sign_in(embedded["base"], username)
    status, _, page = fetch(opener, embedded["base"] + "/")
    assert status == 200
    assert f"Welcome, {first}" in page and number in page and last in page


def test_a_notification_email_is_sent_in_process_to_the_console(embedded):
    opener = sign_in(embedded["base"], "admin")  # the one demo sign-in yet to acknowledge the Standards
    _, _, page = fetch(opener, embedded["base"] + "/standards/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, _, _ = fetch(opener, embedded["base"] + "/standards/", {"csrfmiddlewaretoken": token, "confirm": "yes"})
    assert status == 302
    log = embedded["log"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        log.seek(0)
        if "Subject: Receipt: you acknowledged the Social Media Standards" in log.read():
            break
        time.sleep(0.2)
    else:
        pytest.fail("the receipt email was not printed to the console")


@pytest.mark.parametrize(
    "statement", ["UPDATE governance_auditevent SET verb = 'x'", "DELETE FROM governance_auditevent"]
)
def test_sqlite_refuses_update_and_delete_on_the_audit_trail(embedded, statement):
    with sqlite3.connect(embedded["db"]) as db:
        count = db.execute("SELECT count(*) FROM governance_auditevent").fetchone()[0]
        assert count > 0
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(statement)
        assert db.execute("SELECT count(*) FROM governance_auditevent").fetchone()[0] == count


SEEDED_TABLES = (
    "governance_employee",
    "governance_user",
    "governance_trainingrecord",
    "governance_auditevent",
    "governance_notification",
    "accounts_socialaccount",
    "accounts_providergrant",
    "accounts_accessreview",
    "accounts_credentialrotation",
    "requests_governancerequest",
    "requests_requestcomment",
    "reports_contentreport",
    "reports_reportcomment",
)


def test_seed_demo_is_idempotent(embedded):
    def rows():
        with sqlite3.connect(embedded["db"]) as db:
            return {table: db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() for table in SEEDED_TABLES}

    before = rows()
    assert all(before.values())  # every table holds demo rows
    embedded["manage"]("seed_demo")
    assert rows() == before


def test_the_stale_access_jobs_ran_on_sqlite_for_the_demo(embedded):
    with sqlite3.connect(embedded["db"]) as db:
        open_reviews = db.execute(
            "SELECT reason FROM accounts_accessreview WHERE resolved_at IS NULL ORDER BY reason"
        ).fetchall()
        overdue = db.execute(
            "SELECT COUNT(*) FROM accounts_credentialrotation WHERE completed_at IS NULL AND escalated_at IS NOT NULL"
        ).fetchone()[0]
        audited = db.execute("SELECT COUNT(*) FROM governance_auditevent WHERE verb = 'review.opened'").fetchone()[0]
    assert ("role_changed",) in open_reviews and ("recertification_due",) in open_reviews
    assert overdue == 1
    assert audited == len(open_reviews)
    result = embedded["manage"]("sweep_stale_access", "--dry-run")
    assert "reviews opened            0" in result.stdout


def test_content_reports_work_on_the_embedded_default(embedded):
    """The team's queue, a report with its screenshot, and a public report filed in process."""
    base = embedded["base"]
    with sqlite3.connect(embedded["db"]) as db:
        report_id, reference = db.execute(
            "SELECT id, reference FROM reports_contentreport WHERE screenshot != '' ORDER BY id LIMIT 1"
        ).fetchone()
    opener = sign_in(base, "csc")
    status, _, page = fetch(opener, base + "/reports/?status=any")
    assert status == 200 and reference in page
    image = opener.open(base + f"/reports/{report_id}/screenshot/", timeout=10)
    assert image.status == 200 and image.headers["Content-Type"] == "image/png"
    assert image.read().startswith(b"\x89PNG")
    visitor = browser()
    status, _, page = fetch(visitor, base + "/reports/public/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {
        "csrfmiddlewaretoken": token,
        "kind": "impersonation",
        "url": "https://www.tiktok.com/@calgarytransitt",
        "description": "Sells fake passes.",
    }
    status, headers, _ = fetch(visitor, base + "/reports/public/", form)
    assert status == 302 and headers["Location"] == "/reports/public/thanks/"
    status, _, page = fetch(visitor, base + "/reports/public/thanks/")
    assert re.search(r"Your reference is <strong>CR-[0-9A-Z]{4}-[0-9A-Z]{4}</strong>", page)
