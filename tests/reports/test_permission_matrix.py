"""The permission matrix of content reports (DESIGN §2): every URL of reports/urls.py × every role
(anonymous, employee, manager, HR, CSC staff, Director, auditor) × the reports below gives the expected
answer; a refusal changes nothing, not even a file; an allowed POST does exactly its job.

Only the communications team and auditors see other people's reports and the screenshots (HR
learns of a report when it is referred to its mailbox); a
reporter sees their own report (never its screenshot, notes or match); a member of the public,
who has no sign-in, sees nothing once they have filed. Only CSC staff and the Director handle
reports. Reading a table: one row per report, one column per persona in the order of `PERSONAS`;
a number is the expected status, a word an allowed request whose effect `EFFECTS[word]` checks
(a 302). SAME: the request was allowed but the workflow said no (a message, nothing changed).
"""

import copy
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.db import models, transaction

from governance.models import AuditEvent
from reports import services
from reports.models import ContentReport, ReportComment, ReportStatus
from reports.screenshots import clean_screenshot
from tests import conftest
from tests.reports.conftest import image_bytes, stored_files, upload
from tests.snapshot import database_snapshot

PERSONAS = ("anonymous", "employee", "manager", "hr", "csc_staff", "director", "auditor")
MISSING = 999_999

SAME = "unchanged"
FILED, PUBLIC_FILED, TO_MY_FORM, TO_PUBLIC_FORM = "filed", "public_filed", "to_my_form", "to_public_form"
ASSIGNED, COMMENTED, SHARED, CLOSED, REFERRED = "assigned", "commented", "shared", "closed", "referred"


def _build_world():
    """conftest's `org`, and four reports: the employee's own (a positive post, with a
    screenshot), the manager's (damaging, no screenshot), a member of the public's (an
    impersonation, with a screenshot, in progress with CSC staff) and the employee's closed one."""
    world = conftest.org.__wrapped__(None)
    shot = clean_screenshot(upload(image_bytes()))
    world.mine = services.file_report(
        acting_user=world.employee,
        kind="positive",
        url="https://x.com/yycdogmom/status/17900",
        description="A lovely thank-you to the off-leash team.",
        screenshot=shot,
    )
    world.others = services.file_report(
        acting_user=world.manager,
        kind="damaging",
        url="https://www.instagram.com/p/DuniformsJoke/",
        description="A post mocking the new uniforms.",
    )
    world.public = services.file_public_report(
        kind="impersonation",
        url="https://www.tiktok.com/@calgarytransitt",
        description="Sells fake passes.",
        email="resident@example.com",
        screenshot=shot,
    )
    services.assign_report(report=world.public, acting_user=world.csc_staff, assignee=world.csc_staff)
    world.ended = services.file_report(
        acting_user=world.employee,
        kind="impersonation",
        url="https://x.com/yycwaterfan",
        description="Looks like Calgary Water.",
    )
    services.close_report(report=world.ended, acting_user=world.csc_staff, note="A fan account; says so.")
    return SimpleNamespace(
        **{
            name: type(value).objects.get(pk=value.pk) if isinstance(value, models.Model) else value
            for name, value in vars(world).items()
        }
    )


@pytest.fixture(scope="module")
def pristine_world(django_db_setup, django_db_blocker):
    """The world, built once for the module inside a transaction rolled back at its end; each
    test runs in a savepoint inside it, so each starts from exactly this state."""
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
    try:
        with django_db_blocker.unblock():
            built = _build_world()
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _copy(value):
    if not isinstance(value, models.Model):
        return copy.deepcopy(value)
    fields = value._meta.concrete_fields
    return type(value).from_db(
        value._state.db, [f.attname for f in fields], [getattr(value, f.attname) for f in fields]
    )


@pytest.fixture
def world(pristine_world, db):
    return SimpleNamespace(**{name: _copy(value) for name, value in vars(pristine_world).items()})


REPORTS = {
    "mine": lambda w: w.mine,
    "others": lambda w: w.others,
    "public": lambda w: w.public,
    "ended": lambda w: w.ended,
    "missing": lambda w: None,
}


def pk(report):
    return MISSING if report is None else report.pk


@dataclass(frozen=True)
class Url:
    build: object
    objects: dict | None = None
    signed_in: bool = True  # anonymous people are sent to /login/


URLS = {
    "list": Url(lambda r: "/reports/"),
    "new": Url(lambda r: "/reports/new/", signed_in=False),
    "public-new": Url(lambda r: "/reports/public/", signed_in=False),
    "public-thanks": Url(lambda r: "/reports/public/thanks/", signed_in=False),
    "detail": Url(lambda r: f"/reports/{pk(r)}/", REPORTS),
    "screenshot": Url(lambda r: f"/reports/{pk(r)}/screenshot/", REPORTS),
    "assign": Url(lambda r: f"/reports/{pk(r)}/assign/", REPORTS),
    "comment": Url(lambda r: f"/reports/{pk(r)}/comment/", REPORTS),
    "share": Url(lambda r: f"/reports/{pk(r)}/share/", REPORTS),
    "close": Url(lambda r: f"/reports/{pk(r)}/close/", REPORTS),
    "refer": Url(lambda r: f"/reports/{pk(r)}/refer/", REPORTS),
}

# Columns: anonymous, employee, manager, hr, csc_staff, director, auditor.
ALL_SIGNED_IN = (302, 200, 200, 200, 200, 200, 200)
WRONG_METHOD = (302, 405, 405, 405, 405, 405, 405)
ANON_OR_404 = (302, 404, 404, 404, 404, 404, 404)
TEAM_ONLY = {  # a team action (CSC staff and the Director), on each report
    "mine": (302, 403, 404, 404, "{}", "{}", 403),
    "others": (302, 404, 403, 404, "{}", "{}", 403),
    "public": (302, 404, 404, 404, "{}", "{}", 403),
    "ended": (302, 403, 404, 404, SAME, SAME, 403),
    "missing": ANON_OR_404,
}


def team_action(effect, **overrides):
    rows = {name: tuple(effect if cell == "{}" else cell for cell in row) for name, row in TEAM_ONLY.items()}
    rows.update(overrides)
    return rows


# fmt: off
MATRIX = {
    ("GET", "list"): {None: ALL_SIGNED_IN},
    ("POST", "list"): {None: WRONG_METHOD},
    # The employee's form; a signed-out visitor is sent to the public form.
    ("GET", "new"): {None: (TO_PUBLIC_FORM, 200, 200, 200, 200, 200, 200)},
    ("POST", "new"): {None: (TO_PUBLIC_FORM, FILED, FILED, FILED, FILED, FILED, FILED)},
    # The public's form; a signed-in person is sent to the employee's form, and files nothing there.
    ("GET", "public-new"): {None: (200, TO_MY_FORM, TO_MY_FORM, TO_MY_FORM, TO_MY_FORM, TO_MY_FORM, TO_MY_FORM)},
    ("POST", "public-new"): {
        None: (PUBLIC_FILED, TO_MY_FORM, TO_MY_FORM, TO_MY_FORM, TO_MY_FORM, TO_MY_FORM, TO_MY_FORM)
    },
    ("GET", "public-thanks"): {None: (200,) * 7},
    ("POST", "public-thanks"): {None: (405,) * 7},
    # A report: its reporter, the team and auditors; nobody else, and never the public.
    ("GET", "detail"): {
        "mine":    (302, 200, 404, 404, 200, 200, 200),
        "others":  (302, 404, 200, 404, 200, 200, 200),
        "public":  (302, 404, 404, 404, 200, 200, 200),
        "ended":   (302, 200, 404, 404, 200, 200, 200),
        "missing": ANON_OR_404,
    },
    ("POST", "detail"): {"mine": WRONG_METHOD},
    # The screenshot: the team and auditors only, not even its reporter (404 when there is none).
    ("GET", "screenshot"): {
        "mine":    (302, 403, 404, 404, 200, 200, 200),
        "others":  (302, 404, 403, 404, 404, 404, 404),
        "public":  (302, 404, 404, 404, 200, 200, 200),
        "ended":   (302, 403, 404, 404, 404, 404, 404),
        "missing": ANON_OR_404,
    },
    ("POST", "screenshot"): {"mine": WRONG_METHOD},
    # The public's report is with CSC staff already: giving it to her again is refused politely.
    ("POST", "assign"): team_action(ASSIGNED, public=(302, 404, 404, 404, SAME, ASSIGNED, 403)),
    ("POST", "comment"): team_action(COMMENTED, ended=(302, 403, 404, 404, COMMENTED, COMMENTED, 403)),
    # Only a positive post is shared: the others are refused politely.
    ("POST", "share"): team_action(
        SHARED, others=(302, 404, 403, 404, SAME, SAME, 403), public=(302, 404, 404, 404, SAME, SAME, 403)
    ),
    ("POST", "close"): team_action(CLOSED),
    ("POST", "refer"): team_action(REFERRED),
    ("GET", "assign"): {"mine": WRONG_METHOD},
    ("GET", "comment"): {"mine": WRONG_METHOD},
    ("GET", "share"): {"mine": WRONG_METHOD},
    ("GET", "close"): {"mine": WRONG_METHOD},
    ("GET", "refer"): {"mine": WRONG_METHOD},
}
# fmt: on


@dataclass(frozen=True)
class Case:
    persona: str
    method: str
    url: str
    obj: str | None
    outcome: int | str

    @property
    def status(self):
        return 302 if isinstance(self.outcome, str) else self.outcome

    @property
    def id(self):
        return "-".join(
            str(part) for part in (self.persona, self.method, self.url, self.obj or "", self.outcome) if part
        )


CASES = [
    Case(persona, method, url, obj, outcome)
    for (method, url), rows in MATRIX.items()
    for obj, outcomes in rows.items()
    for persona, outcome in zip(PERSONAS, outcomes, strict=True)
]


def test_the_matrix_covers_every_url_persona_and_report():
    from django.urls import resolve as resolve_path

    from reports import urls

    assert {resolve_path(url.build(None)).view_name for url in URLS.values()} == {
        f"reports:{pattern.name}" for pattern in urls.urlpatterns
    }
    assert {url for _, url in MATRIX} == set(URLS)
    for (method, url), rows in MATRIX.items():
        objects = URLS[url].objects
        if objects is None:
            assert set(rows) == {None}
        elif set(rows.values()) != {WRONG_METHOD}:
            assert set(rows) == set(objects), (method, url)
        assert all(len(outcomes) == len(PERSONAS) for outcomes in rows.values())


REPORT_FORM = {
    "kind": "impersonation",
    "url": "https://www.instagram.com/calgary_parks_official",
    "description": "Copies the Parks logo.",
}
NOTE = "Checked with Transit: not theirs."


def payload(case, w, user):
    if case.method == "GET":
        return None
    return {
        "new": REPORT_FORM,
        "public-new": REPORT_FORM,
        "assign": {"assignee": user.pk if user is not None else w.csc_staff.pk},
        "comment": {"body": NOTE},
        "share": {"note": NOTE},
        "close": {"note": NOTE},
        "refer": {"to": ReportStatus.REFERRED_SECURITY, "note": NOTE},
    }.get(case.url, {})


# --- the effects of allowed requests -----------------------------------------------------------------------


def _new_report(before):
    known = {row["id"] for row in before[ContentReport._meta.label]}
    (created,) = ContentReport.objects.exclude(pk__in=known)
    return created


def _filed(w, target, user, location, before):
    created = _new_report(before)
    assert location == f"/reports/{created.pk}/"
    assert created.reporter == user and created.url == REPORT_FORM["url"]
    assert created.status == ReportStatus.NEW


def _public_filed(w, target, user, location, before):
    created = _new_report(before)
    assert location == "/reports/public/thanks/"
    assert created.reporter is None and created.reporter_employee is None


def _to_my_form(w, target, user, location, before):
    assert location == "/reports/new/"
    assert database_snapshot() == before


def _to_public_form(w, target, user, location, before):
    assert location == "/reports/public/"
    assert database_snapshot() == before


def _report(target, location):
    target.refresh_from_db()
    assert location == f"/reports/{target.pk}/"
    return target


def _assigned(w, target, user, location, before):
    report = _report(target, location)
    assert report.assignee == user and report.status == ReportStatus.IN_PROGRESS


def _commented(w, target, user, location, before):
    _report(target, location)
    assert ReportComment.objects.filter(report=target, author=user, body=NOTE).exists()


def _ended(status):
    def check(w, target, user, location, before):
        report = _report(target, location)
        assert report.status == status and report.ended_by == user and report.outcome == NOTE

    return check


EFFECTS = {
    FILED: _filed,
    PUBLIC_FILED: _public_filed,
    TO_MY_FORM: _to_my_form,
    TO_PUBLIC_FORM: _to_public_form,
    ASSIGNED: _assigned,
    COMMENTED: _commented,
    SHARED: _ended(ReportStatus.SHARED),
    CLOSED: _ended(ReportStatus.CLOSED),
    REFERRED: _ended(ReportStatus.REFERRED_SECURITY),
}
REDIRECTS_ONLY = {TO_MY_FORM, TO_PUBLIC_FORM}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_permission_matrix(case, world, client, screenshots_folder):
    objects = URLS[case.url].objects
    target = None if objects is None else objects[case.obj](world)
    path = URLS[case.url].build(target)
    user = None if case.persona == "anonymous" else getattr(world, case.persona)
    if user is not None:
        client.force_login(user)
    data = payload(case, world, user)
    before, files = database_snapshot(), stored_files(screenshots_folder)

    response = client.get(path) if case.method == "GET" else client.post(path, data)

    assert response.status_code == case.status, f"{case.method} {path} as {case.persona}"
    location = response.get("Location", "").split("?")[0]
    sent_to_sign_in = user is None and URLS[case.url].signed_in
    if sent_to_sign_in:
        assert response["Location"] == f"/login/?next={quote(path, safe='/')}"
    refused = case.status in (403, 404, 405) or sent_to_sign_in or case.outcome in (SAME, *REDIRECTS_ONLY)
    if refused:
        assert database_snapshot() == before, f"a refused {case.method} {path} as {case.persona} changed the database"
    if case.outcome == SAME:
        assert location == f"/reports/{target.pk}/"
    elif isinstance(case.outcome, str):
        EFFECTS[case.outcome](world, target, user, location, before)
        if case.outcome not in REDIRECTS_ONLY:
            assert AuditEvent.objects.count() > len(before[AuditEvent._meta.label]), "no audit event for the change"
    if case.outcome != FILED and case.outcome != PUBLIC_FILED:
        assert stored_files(screenshots_folder) == files
    if case.url == "screenshot" and case.status == 200:
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "private, no-store"
        assert "sandbox" in response["Content-Security-Policy"]


# --- what the lists show ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("employee", {"mine", "ended"}),
        ("manager", {"others"}),
        ("hr", set()),
        ("csc_staff", {"mine", "others", "public", "ended"}),
        ("director", {"mine", "others", "public", "ended"}),
        ("auditor", {"mine", "others", "public", "ended"}),
    ],
)
def test_the_list_shows_only_what_the_persona_may_see(persona, visible, world, client):
    client.force_login(getattr(world, persona))
    page = client.get("/reports/", {"status": "any"}).content.decode()
    shown = {name for name in ("mine", "others", "public", "ended") if getattr(world, name).reference in page}
    assert shown == visible


def test_a_reporter_sees_what_they_sent_but_not_the_teams_handling(world, client):
    services.comment_on_report(report=world.mine, acting_user=world.csc_staff, body="Internal: check the author.")
    client.force_login(world.employee)
    page = client.get(f"/reports/{world.mine.pk}/").content.decode()
    assert world.mine.reference in page and "A lovely thank-you" in page
    assert "Internal: check the author." not in page
    assert "/screenshot/" not in page
    assert "score" not in page.lower() and "Assign" not in page
    ended = client.get(f"/reports/{world.ended.pk}/").content.decode()
    assert "Closed" in ended and "A fan account" not in ended  # the team's outcome note stays with the team


def test_filing_ignores_posted_reporter_status_assignee_and_match(world, client):
    client.force_login(world.employee)
    client.post(
        "/reports/new/",
        {
            **REPORT_FORM,
            "reporter": world.director.pk,
            "status": "closed",
            "assignee": world.csc_staff.pk,
            "registry_match": "official",
            "likely_impersonation": "",
            "reference": "CR-AAAA-AAAA",
        },
    )
    report = ContentReport.objects.order_by("-pk").first()
    assert report.reporter == world.employee and report.status == ReportStatus.NEW and report.assignee is None
    assert report.registry_match == "unknown" and report.reference != "CR-AAAA-AAAA"
