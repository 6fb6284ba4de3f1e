"""The HR roster import: strict reading, set-based upsert, role changes and terminations."""

import time

import pytest
from django.core.management import CommandError, call_command
from hypothesis import event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from governance import services
from governance.models import AuditEvent, BusinessUnit, Employee, EmploymentStatus, User
from governance.roster import COLUMNS, RosterInvalid, parse_roster

HEADER = ",".join(COLUMNS)

GOOD = f"""{HEADER}
E1000,Margaret,Okafor,margaret.okafor@calgary.ca,City Manager,CMO,City Manager's Office,,active
E1003,Helen,Tremblay,helen.tremblay@calgary.ca,"Director, Parks",PKS,Parks & Open Spaces,E1000,active
E2002,Samuel,Reyes,samuel.reyes@calgary.ca,Manager,PKS,Parks & Open Spaces,E1003,active
E3101,Jordan,Ellis,jordan.ellis@calgary.ca,Coordinator,PKS,Parks & Open Spaces,E2002,active
E3102,Maya,Thompson,maya.thompson@calgary.ca,Team Lead,PKS,Parks & Open Spaces,E2002,leave
"""


def import_text(text, full=False, **kwargs):
    return services.import_hr_roster(rows=parse_roster(text.encode()), full=full, **kwargs)


def errors_of(text, full=False):
    with pytest.raises(RosterInvalid) as raised:
        import_text(text, full=full)
    return [str(error) for error in raised.value.errors]


@pytest.fixture
def imported(db):
    return import_text(GOOD)


def test_it_imports_a_good_file(imported):
    assert imported.created == 5
    assert BusinessUnit.objects.get(code="PKS").name == "Parks & Open Spaces"
    reyes = Employee.objects.get(employee_number="E2002")
    assert reyes.manager.employee_number == "E1003"
    assert reyes.business_unit.code == "PKS"
    assert Employee.objects.get(employee_number="E3102").employment_status == EmploymentStatus.LEAVE
    assert Employee.objects.get(employee_number="E1003").job_title == "Director, Parks"
    assert AuditEvent.objects.filter(verb="employee.created").count() == 5


def test_a_byte_order_mark_is_fine(db):
    result = services.import_hr_roster(rows=parse_roster(b"\xef\xbb\xbf" + GOOD.encode()))
    assert result.created == 5


def test_importing_the_same_file_again_changes_nothing_and_writes_no_events(imported):
    events = AuditEvent.objects.count()
    before = list(Employee.objects.values_list("employee_number", "updated_at", "role_changed_at"))
    again = import_text(GOOD)
    assert again.unchanged == 5 and again.created == again.updated == 0
    assert not again.changed
    assert AuditEvent.objects.count() == events
    assert list(Employee.objects.values_list("employee_number", "updated_at", "role_changed_at")) == before


def test_a_role_change_sets_role_changed_at_and_writes_one_event_with_before_and_after(imported):
    moved = GOOD.replace(
        "E3101,Jordan,Ellis,jordan.ellis@calgary.ca,Coordinator,PKS,Parks & Open Spaces,E2002,active",
        "E3101,Jordan,Ellis,jordan.ellis@calgary.ca,Analyst,TRN,Calgary Transit,E1000,active",
    )
    result = import_text(moved)
    jordan = Employee.objects.get(employee_number="E3101")
    assert result.role_changed_ids == [jordan.pk]
    assert jordan.role_changed_at is not None
    assert jordan.business_unit.code == "TRN"
    events = AuditEvent.objects.filter(verb="employee.role_changed", target_id=str(jordan.pk))
    assert events.count() == 1
    assert events.get().changes == {
        "job_title": {"before": "Coordinator", "after": "Analyst"},
        "business_unit": {"before": "PKS", "after": "TRN"},
        "manager": {"before": "E2002", "after": "E1000"},
    }
    # Others did not change.
    assert Employee.objects.get(employee_number="E3102").role_changed_at is None


def test_a_name_change_is_recorded_but_is_not_a_role_change(imported):
    result = import_text(GOOD.replace("Maya,Thompson,maya.thompson", "Maya,Thompson-Ward,maya.thompson"))
    maya = Employee.objects.get(employee_number="E3102")
    assert result.role_changed_ids == []
    assert maya.role_changed_at is None
    assert AuditEvent.objects.get(verb="employee.updated").changes == {
        "last_name": {"before": "Thompson", "after": "Thompson-Ward"}
    }


def test_termination_deactivates_the_sign_in_and_ends_the_open_session(imported, client):
    jordan = Employee.objects.get(employee_number="E3101")
    user = User.objects.create_user("jordan", password="a long enough password")
    jordan.user = user
    jordan.save()
    client.force_login(user)
    assert client.get("/").status_code == 200

    result = import_text(GOOD.replace("E2002,active\nE3102", "E2002,terminated\nE3102"))

    assert result.employment_ended_ids == [jordan.pk]
    user.refresh_from_db()
    assert not user.is_active
    event = AuditEvent.objects.get(verb="employee.employment_ended")
    assert event.changes == {"employment_status": {"before": "active", "after": "terminated"}}
    assert AuditEvent.objects.filter(verb="user.deactivated", target_id=str(user.pk)).count() == 1
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_full_import_marks_missing_employees_without_deleting_them(imported):
    without_maya = "\n".join(line for line in GOOD.splitlines() if not line.startswith("E3102")) + "\n"
    partial = import_text(without_maya)
    assert partial.left_roster_ids == []
    assert Employee.objects.get(employee_number="E3102").in_hr_roster

    full = import_text(without_maya, full=True)
    maya = Employee.objects.get(employee_number="E3102")
    assert full.left_roster_ids == [maya.pk]
    assert not maya.in_hr_roster
    assert AuditEvent.objects.filter(verb="employee.left_roster", target_id=str(maya.pk)).count() == 1
    assert import_text(without_maya, full=True).left_roster_ids == []


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        ("E9,Ann,Bee,ann@calgary.ca,Clerk,PKS,Parks & Open Spaces,E1000", "line 4: expected 9 fields, found 8"),
        (
            "E9,Ann,Bee,ann@calgary.ca,Clerk,PKS,Parks & Open Spaces,E1000,retired",
            "line 4, column employment_status: 'retired' is not a status; use one of active, leave, terminated",
        ),
        (
            "E9,Ann,Bee,ann@calgary.ca,Clerk,PKS,Parks & Open Spaces,E7777,active",
            "line 4, column manager_employee_number: manager E7777 is not in this file or in the directory",
        ),
        (
            "E1003,Ann,Bee,ann@calgary.ca,Clerk,PKS,Parks & Open Spaces,E1000,active",
            "line 4, column employee_number: E1003 is listed twice (first on line 3)",
        ),
        (
            "E9,Ann,Bee,ann-at-calgary.ca,Clerk,PKS,Parks & Open Spaces,E1000,active",
            "line 4, column email: 'ann-at-calgary.ca' is not an email address",
        ),
        (
            "E9,Ann,,ann@calgary.ca,Clerk,PKS,Parks & Open Spaces,E1000,active",
            "line 4, column last_name: is empty; a value is required",
        ),
        (
            "E9,Ann,Bee,ann@calgary.ca,Clerk,PKS,Parks and Open Space,E1000,active",
            "line 4, column business_unit_name: business unit PKS is named 'Parks and Open Space' here but "
            "'Parks & Open Spaces' on line 3",
        ),
        (
            "E9,Ann,Bee,ann@calgary.ca,Clerk,PKS,Parks & Open Spaces,E9,active",
            "line 4, column manager_employee_number: an employee cannot be their own manager",
        ),
        (
            "E9,Ann,B\x00ee,ann@calgary.ca,Clerk,PKS,Parks & Open Spaces,E1000,active",
            "line 4: contains a NUL byte at character 9",
        ),
    ],
)
def test_a_bad_line_is_reported_with_its_line_and_column_and_nothing_is_applied(db, bad_line, expected):
    lines = GOOD.splitlines()
    text = "\n".join([*lines[:3], bad_line, *lines[3:]]) + "\n"
    assert errors_of(text) == [expected]
    assert Employee.objects.count() == 0
    assert BusinessUnit.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_manager_cycle_is_refused(db):
    text = f"""{HEADER}
A1,Ann,One,a1@calgary.ca,Lead,PKS,Parks,A3,active
A2,Bob,Two,a2@calgary.ca,Lead,PKS,Parks,A1,active
A3,Cy,Three,a3@calgary.ca,Lead,PKS,Parks,A2,active
A4,Di,Four,a4@calgary.ca,Clerk,PKS,Parks,A3,active
"""
    assert errors_of(text) == ["line 2, column manager_employee_number: management cycle: A1 → A3 → A2 → A1"]
    assert Employee.objects.count() == 0


def test_a_cycle_through_the_directory_is_refused(imported):
    # E1000 is at the top; making them report to E3101 (who reports up to E1000) closes a loop.
    text = (
        f"{HEADER}\n"
        "E1000,Margaret,Okafor,margaret.okafor@calgary.ca,City Manager,CMO,City Manager's Office,E3101,active\n"
    )
    [error] = errors_of(text)
    assert error.startswith("line 2, column manager_employee_number: management cycle: E1000 → E3101")
    assert Employee.objects.get(employee_number="E1000").manager is None


def test_every_error_is_listed_not_only_the_first(db):
    text = f"""{HEADER}
E1,Ann,Bee,not-an-email,Clerk,PKS,Parks,,unknown
E2,Cy,Dee,cy@calgary.ca,Clerk,PKS
E1,Ed,Eff,ed@calgary.ca,Clerk,PKS,Parks,,active
"""
    assert errors_of(text) == [
        "line 2, column email: 'not-an-email' is not an email address",
        "line 2, column employment_status: 'unknown' is not a status; use one of active, leave, terminated",
        "line 3: expected 9 fields, found 6",
        "line 4, column employee_number: E1 is listed twice (first on line 2)",
    ]


def test_a_file_with_wrong_columns_is_refused(db):
    assert errors_of("employee_number,name,email\nE1,Ann,ann@calgary.ca\n") == [
        "line 1: missing column(s): first_name, last_name, job_title, business_unit_code, business_unit_name, "
        "manager_employee_number, employment_status",
        "line 1: unknown column(s): name",
    ]


def test_text_that_is_not_utf8_is_refused_with_its_line(db):
    data = (GOOD + "E9,Ren\xe9,Bee,r@calgary.ca,Clerk,PKS,Parks & Open Spaces,E1000,active\n").encode("latin-1")
    with pytest.raises(RosterInvalid) as raised:
        parse_roster(data)
    assert [str(e) for e in raised.value.errors] == ["line 7: is not valid UTF-8 (byte 7); save the file as UTF-8"]


def test_a_full_import_needs_every_manager_in_the_file(imported):
    text = f"{HEADER}\nE9,Ann,Bee,ann@calgary.ca,Clerk,PKS,Parks & Open Spaces,E1000,active\n"
    assert errors_of(text, full=True) == ["line 2, column manager_employee_number: manager E1000 is not in this file"]
    assert import_text(text).created == 1  # a partial import may name a manager from the directory


def test_the_command_prints_every_error_and_fails(db, tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_text(GOOD + "E9,Ann,Bee,ann@calgary.ca,Clerk,PKS,Parks & Open Spaces,E1000,retired\n")
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_hr_roster", str(path))
    assert "roster.csv: line 7, column employment_status: 'retired' is not a status" in capsys.readouterr().err
    assert Employee.objects.count() == 0


def test_the_command_reports_what_it_changed(db, tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_text(GOOD)
    call_command("import_hr_roster", str(path))
    assert "5 rows — 5 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    call_command("import_hr_roster", str(path), "--full")
    assert "5 rows — 0 created, 0 updated, 5 unchanged" in capsys.readouterr().out


def _big_roster(count, title="Clerk"):
    lines = [HEADER, "B000000,Top,Boss,top@calgary.ca,City Manager,CMO,City Manager's Office,,active"]
    for n in range(1, count):
        manager = f"B{(n - 1) // 10:06d}"
        unit = f"U{n % 50:03d}"
        lines.append(f"B{n:06d},First{n},Last{n},p{n}@calgary.ca,{title},{unit},Unit {unit},{manager},active")
    return ("\n".join(lines) + "\n").encode()


def test_the_upsert_is_set_based_its_queries_do_not_grow_with_the_rows(db, django_assert_max_num_queries):
    small, large = _big_roster(200), _big_roster(1_900)
    with django_assert_max_num_queries(30):
        services.import_hr_roster(rows=parse_roster(small))
    with django_assert_max_num_queries(30):
        services.import_hr_roster(rows=parse_roster(large))
    assert Employee.objects.count() == 1_900


def test_twenty_thousand_rows_import_in_seconds(db):
    data = _big_roster(20_000)
    started = time.perf_counter()
    services.import_hr_roster(rows=parse_roster(data))
    first = time.perf_counter() - started
    changed = data.replace(b"Clerk,U007", b"Analyst,U007")
    started = time.perf_counter()
    result = services.import_hr_roster(rows=parse_roster(changed))
    second = time.perf_counter() - started
    assert result.updated == 400 and len(result.role_changed_ids) == 400
    assert first < 20 and second < 10, (first, second)


@pytest.mark.parametrize(
    "value",
    [
        "jordan.ellis@calgary.ca",
        "a+b@x.io",
        "first_last-2@sub.domain.example.org",
        "Émile@calgary.ca",
        "a..b@calgary.ca",
        ".a@calgary.ca",
        "a@calgary",
        "a@-calgary.ca",
        "a@calgary.c",
        "a b@calgary.ca",
        "a@calgary.ca.",
        "x" * 250 + "@c.ca",
        "a@[127.0.0.1]",
        '"quoted"@calgary.ca',
    ],
)
def test_the_fast_email_check_agrees_with_djangos_validator(value):
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from governance.roster import is_email

    try:
        validate_email(value)
        expected = True
    except ValidationError:
        expected = False
    assert is_email(value) is expected


@hypothesis_settings(max_examples=400, deadline=None)
@given(st.from_regex(r"[A-Za-z0-9._%+\-éÉ ]{0,12}@[A-Za-z0-9.\-]{0,14}\.?[A-Za-z]{0,5}", fullmatch=True))
def test_the_fast_email_check_never_disagrees_with_djangos_validator(value):
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from governance.roster import is_email

    try:
        validate_email(value)
        expected = True
    except ValidationError:
        expected = False
    assert is_email(value) is expected


# The column-at-a-time check (`_clean_rows`) must accept only files the row-by-row reading
# accepts, and read them to the very same rows.
_VALUE = st.sampled_from(["", " ", "E1", "E2", "E1 ", "PKS", "Parks", "parks", "a@calgary.ca", "a b@c.ca", "x" * 201])
_STATUS = st.sampled_from(["active", "Active", " leave", "TERMINATED", "retired", ""])
_MESSY_ROW = st.tuples(_VALUE, _VALUE, _VALUE, _VALUE, _VALUE, _VALUE, _VALUE, _VALUE, _STATUS)
_CLEAN_ROW = st.builds(
    lambda number, unit, manager, status: (number, "Ann", "Lee", "ann.lee@calgary.ca", "Lead", *unit, manager, status),
    st.sampled_from([f"E{n}" for n in range(12)]),
    st.sampled_from([("PKS", "Parks"), ("TRN", "Transit, Calgary")]),
    st.sampled_from(["", "E1", "E2"]),
    st.sampled_from(["active", "Leave", "TERMINATED"]),
)
_ROW = st.one_of(_CLEAN_ROW, _CLEAN_ROW, _MESSY_ROW)
_LINE_ENDING = st.sampled_from(["\n", "\r\n"])


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.one_of(_ROW, st.just(())), max_size=6),
    ending=_LINE_ENDING,
    quote_all=st.booleans(),
)
def test_the_fast_reading_agrees_with_the_row_by_row_reading(rows, ending, quote_all):
    import csv
    import io

    from governance import roster

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=ending, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(row)
    text = buffer.getvalue()
    reader = roster._reader(text)
    header = roster._header(reader)
    fast = roster._clean_rows(text, header, list(reader))
    try:
        reader = roster._reader(text)
        next(reader)
        slow = roster._rows_checked_one_by_one(reader, header)
    except RosterInvalid:
        slow = "invalid"
    if fast is not None:
        event("read a column at a time")
        assert fast == slow
    assert (parse_roster(text.encode()) if slow != "invalid" else "invalid") == slow


def test_a_clean_file_is_read_a_column_at_a_time_with_its_line_numbers():
    from governance import roster

    text = GOOD.replace("E3101,", "\nE3101,")  # a blank line before Jordan
    reader = roster._reader(text)
    header = roster._header(reader)
    rows = roster._clean_rows(text, header, list(reader))
    assert rows is not None
    assert [(row.line, row.employee_number) for row in rows] == [
        (2, "E1000"),
        (3, "E1003"),
        (4, "E2002"),
        (6, "E3101"),
        (7, "E3102"),
    ]


def _cycles_by_walking_everyone(rows, existing_managers, full):
    """The plain way to find every management cycle after an import: follow every employee's
    line up (what check_managers does for the reporting lines a file changes)."""
    manager_of = {} if full else dict(existing_managers)
    manager_of.update({row.employee_number: row.manager_employee_number or None for row in rows})
    cycles = set()
    for start in manager_of:
        seen, number = [], start
        while number is not None and number not in seen:
            seen.append(number)
            number = manager_of.get(number)
        if number is not None:
            cycles.add(frozenset(seen[seen.index(number) :]))
    return cycles


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    directory=st.lists(st.integers(min_value=0, max_value=7), min_size=1, max_size=8),
    moves=st.lists(st.tuples(st.integers(0, 9), st.integers(-1, 9)), max_size=6),
    full=st.booleans(),
)
def test_cycles_are_found_by_walking_only_the_changed_lines(directory, moves, full):
    from governance.roster import RosterRow, check_managers

    # An existing directory with no cycle: each employee's manager comes before them.
    existing = {f"E{i}": (f"E{m}" if i and m < i else None) for i, m in enumerate(directory)}
    file_managers = dict(existing) if full else {}
    for who, manager in moves:
        file_managers[f"E{who}"] = f"E{manager}" if manager >= 0 and manager != who else None
    unknown = [manager for manager in file_managers.values() if manager and manager not in file_managers]
    while unknown:  # every manager named is somebody: in the file, as the directory has them
        number = unknown.pop()
        file_managers[number] = existing.get(number)
        if file_managers[number] and file_managers[number] not in file_managers:
            unknown.append(file_managers[number])
    rows = [
        RosterRow(line, number, "A", "B", "a@b.ca", "", "PKS", "Parks", manager or "", "active")
        for line, (number, manager) in enumerate(sorted(file_managers.items()), start=2)
    ]
    errors = check_managers(rows, existing, full=full)
    found = {frozenset(error.message.removeprefix("management cycle: ").split(" → ")) for error in errors}
    expected = _cycles_by_walking_everyone(rows, existing, full)
    event(f"{len(expected)} cycle(s)")
    assert found == expected
