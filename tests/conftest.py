"""Shared fixtures: test settings, the personas of DESIGN §2, and a real Celery worker."""

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test import override_settings

from governance import celery_app
from governance.roles import AUDITORS, CSC_STAFF, DIRECTOR, HR
from tests.factories import (
    BusinessUnitFactory,
    EmployeeFactory,
    TrainingRecordFactory,
    UserFactory,
    acknowledge,
)

ROOT = Path(__file__).resolve().parent.parent

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run in a
# thread with a running loop unless told it is safe. It is: the loop only drives the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _test_settings(tmp_path_factory):
    """Plain HTTP and unhashed static files for the test client and the live server; report
    screenshots in a folder of this run; tasks run in-process unless a test asks for the real
    worker."""
    overrides = override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            "report_screenshots": {
                **settings.STORAGES["report_screenshots"],
                "OPTIONS": {"location": str(tmp_path_factory.mktemp("report-screenshots"))},
            },
        },
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        SECURE_HSTS_SECONDS=0,
        # Tests see the directory as it is now; tests/accounts/test_registry_pages.py turns the
        # cache back on to test it.
        DIRECTORY_CACHE_SECONDS=0,
        # A fast hasher: the suite creates many users; production keeps Django's default.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # The suite signs the personas in with force_login or a password; the tests of two-step
        # sign-in (tests/governance/test_mfa.py, tests/browser/test_mfa_browser.py) turn it on.
        # (With DEBUG off, as `make test` runs, it would otherwise be on: the production default.)
        MFA_REQUIRED=False,
    )
    overrides.enable()
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager
    overrides.disable()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Let the throwaway test database be emptied between transactional tests: the audit
    table refuses TRUNCATE unless `governance.audit_truncate` is 'allow' (migration 0003)."""
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            cursor.execute(f"ALTER DATABASE {name} SET governance.audit_truncate = 'allow'")
            cursor.execute("SET governance.audit_truncate = 'allow'")
    yield


# --- personas ---------------------------------------------------------------------------------


def _person(username, employee, groups=()):
    user = UserFactory(username=username, first_name=employee.first_name, last_name=employee.last_name)
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    employee.user = user
    employee.save(update_fields=["user"])
    return user


@pytest.fixture
def org(db):
    """A small City: the CSC team, a Parks reporting line four levels deep, Transit (another
    business unit) and an auditor. Each persona is a user linked to an employee."""
    csc = BusinessUnitFactory(code="CSC", name="Customer Service & Communications")
    parks = BusinessUnitFactory(code="PKS", name="Parks & Open Spaces")
    transit = BusinessUnitFactory(code="TRN", name="Calgary Transit")
    security = BusinessUnitFactory(code="LCS", name="Law-Corporate Security")
    human_resources = BusinessUnitFactory(code="HRS", name="Human Resources")

    ns = SimpleNamespace(csc_unit=csc, parks=parks, transit=transit, security=security, hr_unit=human_resources)
    ns.director_emp = EmployeeFactory(
        employee_number="E0001",
        first_name="Dana",
        last_name="Whitfield",
        business_unit=csc,
        job_title="Director, Customer Service & Communications",
    )
    ns.csc_emp = EmployeeFactory(
        employee_number="E0002",
        first_name="Priya",
        last_name="Raman",
        business_unit=csc,
        manager=ns.director_emp,
        job_title="Social Media Strategist",
    )
    ns.parks_director_emp = EmployeeFactory(
        employee_number="E0100",
        first_name="Helen",
        last_name="Tremblay",
        business_unit=parks,
        job_title="Director, Parks",
    )
    ns.manager_emp = EmployeeFactory(
        employee_number="E0101",
        first_name="Samuel",
        last_name="Reyes",
        business_unit=parks,
        manager=ns.parks_director_emp,
        job_title="Manager, Parks Community Programs",
    )
    ns.employee_emp = EmployeeFactory(
        employee_number="E0102",
        first_name="Jordan",
        last_name="Ellis",
        business_unit=parks,
        manager=ns.manager_emp,
        job_title="Community Programs Coordinator",
    )
    ns.lead_emp = EmployeeFactory(
        employee_number="E0103",
        first_name="Maya",
        last_name="Thompson",
        business_unit=parks,
        manager=ns.manager_emp,
        job_title="Team Lead, Park Events",
    )
    ns.indirect_emp = EmployeeFactory(
        employee_number="E0104",
        first_name="Lucas",
        last_name="Moreau",
        business_unit=parks,
        manager=ns.lead_emp,
        job_title="Events Assistant",
    )
    ns.outsider_emp = EmployeeFactory(
        employee_number="E0200",
        first_name="Isaac",
        last_name="Novak",
        business_unit=transit,
        job_title="Transit Social Media Specialist",
    )
    ns.auditor_emp = EmployeeFactory(
        employee_number="E0300",
        first_name="Grace",
        last_name="Lindqvist",
        business_unit=security,
        job_title="Corporate Security Auditor",
    )
    ns.hr_emp = EmployeeFactory(
        employee_number="E0400",
        first_name="Rebecca",
        last_name="Holm",
        business_unit=human_resources,
        job_title="HR Information Systems Specialist",
    )
    for employee in (ns.csc_emp, ns.employee_emp, ns.lead_emp, ns.indirect_emp, ns.outsider_emp, ns.manager_emp):
        TrainingRecordFactory(employee=employee)
        acknowledge(employee)

    ns.director = _person("director", ns.director_emp, [DIRECTOR])
    ns.csc_staff = _person("csc", ns.csc_emp, [CSC_STAFF])
    ns.manager = _person("manager", ns.manager_emp)
    ns.employee = _person("employee", ns.employee_emp)
    ns.lead = _person("lead", ns.lead_emp)
    ns.outsider = _person("outsider", ns.outsider_emp)
    ns.auditor = _person("auditor", ns.auditor_emp, [AUDITORS])
    ns.hr = _person("hr", ns.hr_emp, [HR])
    return ns


@pytest.fixture
def director(org):
    return org.director


@pytest.fixture
def csc_staff(org):
    return org.csc_staff


@pytest.fixture
def manager(org):
    return org.manager


@pytest.fixture
def employee(org):
    return org.employee


@pytest.fixture
def outsider(org):
    return org.outsider


@pytest.fixture
def auditor(org):
    return org.auditor


@pytest.fixture
def hr(org):
    return org.hr


@pytest.fixture
def client_for(client):
    """`client_for(user)` signs the test client in as that user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


# --- a real Celery worker on Redis --------------------------------------------------------------


def _database_url():
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """A `celery worker` process, as in production, reading this run's queue on Redis and
    writing to the test database; it writes each email it sends to a file in `mail_dir`."""
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("the real worker needs DATABASE_URL on PostgreSQL and REDIS_URL (run `make test`)")
    mail_dir = tmp_path_factory.mktemp("worker-mail")
    name = f"test-{uuid.uuid4().hex[:8]}@%h"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "EMAIL_URL": f"filemail:///{mail_dir}",  # django-environ drops one leading slash
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false",
    }
    log = open(tmp_path_factory.mktemp("worker-log") / "worker.log", "w+")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "governance",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "-n",
            name,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    hostname = name.replace("%h", os.uname().nodename)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            pytest.fail(f"the Celery worker exited at start:\n{log.read()}")
        if celery_app.control.ping(destination=[hostname], timeout=0.5):
            break
    else:
        process.kill()
        log.seek(0)
        pytest.fail(f"the Celery worker did not answer within 60 s:\n{log.read()}")
    yield SimpleNamespace(process=process, mail_dir=mail_dir, log=log, hostname=hostname)
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def celery_worker(celery_worker_process, transactional_db):
    """Tasks go to Redis for the real worker during this test (not run in-process)."""
    shutil.rmtree(celery_worker_process.mail_dir)
    celery_worker_process.mail_dir.mkdir()
    celery_app.conf.task_always_eager = False
    yield celery_worker_process
    celery_app.conf.task_always_eager = True
    _wait_until_idle(celery_worker_process)


def _wait_until_idle(worker, timeout=60):
    """Let the worker finish what the test started before the database is emptied: a task
    still writing while the flush truncates the tables deadlocks with it."""
    from kombu import Connection

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    deadline = time.monotonic() + timeout
    with Connection(settings.CELERY_BROKER_URL) as broker:
        client = broker.default_channel.client
        while time.monotonic() < deadline:
            if worker.process.poll() is not None:
                return
            inspect = celery_app.control.inspect(destination=[worker.hostname], timeout=1)
            busy = any((inspect.active() or {}).values()) or any((inspect.reserved() or {}).values())
            if not busy and client.llen(queue) == 0:
                return
            time.sleep(0.2)


def wait_for(condition, timeout=30, interval=0.1, message="condition"):
    """Poll until `condition()` is truthy; fail with `message` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout} s waiting for {message}")


# --- the registry and requests around the personas -------------------------------------------------


@pytest.fixture
def world(org):
    """The org plus accounts in two business units, a provider, and requests in several states.

    - parks_account (PKS, accountable: the manager) and transit_account (TRN)
    - provider: Lucas (PKS, no reports) operating parks_account
    - mine_*: requests filed by the employee persona (draft and submitted)
    - other_request: a submitted request filed by the outsider (Transit)
    """
    from tests.factories import file_account_request, make_account, make_grant

    ns = org
    ns.transit_manager_emp = EmployeeFactory(
        employee_number="E0199",
        first_name="Aisha",
        last_name="Nkemelu",
        business_unit=org.transit,
        job_title="Manager, Transit Customer Experience",
    )
    org.outsider_emp.manager = ns.transit_manager_emp
    org.outsider_emp.save()
    ns.parks_account = make_account(
        handle="@calgaryparks",
        display_name="Calgary Parks",
        business_unit=org.parks,
        accountable_manager=org.manager_emp,
    )
    ns.transit_account = make_account(
        platform="x",
        handle="@calgarytransit",
        display_name="Calgary Transit",
        business_unit=org.transit,
        accountable_manager=ns.transit_manager_emp,
    )
    ns.provider = _person("provider", org.indirect_emp)
    ns.provider_emp = org.indirect_emp
    ns.provider_grant = make_grant(employee=org.indirect_emp, account=ns.parks_account)
    ns.transit_grant = make_grant(employee=org.outsider_emp, account=ns.transit_account)
    ns.mine_draft = file_account_request(
        org.employee,
        providers=[org.employee_emp],
        backup=org.lead_emp,
        submit=False,
        proposed_name="Calgary Parks Volunteers",
        proposed_handle="@yycparksvolunteers",
    )
    ns.mine_submitted = file_account_request(org.employee, providers=[org.employee_emp], backup=org.lead_emp)
    ns.other_request = file_account_request(
        org.outsider,
        providers=[org.outsider_emp],
        backup=ns.transit_manager_emp,
        platform="tiktok",
        proposed_name="Transit Memes",
        proposed_handle="@yyctransitmemes",
    )
    return ns


@pytest.fixture
def provider(world):
    return world.provider
