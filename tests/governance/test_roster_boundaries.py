"""The roster reader's boundaries: each test fails if its rule is broken (issue 8)."""

import time

import pytest
from django.core.management import CommandError, call_command

from governance import services
from governance.models import Employee
from governance.roster import COLUMNS, ERRORS_LISTED, MAX_LENGTHS, RosterInvalid, parse_roster

HEADER = ",".join(COLUMNS)
TOP = "E1000,Margaret,Okafor,margaret.okafor@calgary.ca,City Manager,CMO,City Manager's Office,,active"


def line(number="E2000", first="Jordan", last="Ellis", email="jordan.ellis@calgary.ca", title="Coordinator"):
    return f"{number},{first},{last},{email},{title},CMO,City Manager's Office,E1000,active"


def roster(*lines, header=HEADER):
    return ("\n".join([header, TOP, *lines]) + "\n").encode()


def errors_of(data):
    with pytest.raises(RosterInvalid) as raised:
        parse_roster(data)
    return [str(error) for error in raised.value.errors]


def test_a_nul_as_the_very_first_character_is_refused_with_its_position():
    assert errors_of(b"\x00" + roster(line())) == ["line 1: contains a NUL byte at character 1"]


def test_a_column_named_twice_is_refused():
    header = HEADER + ",email"
    assert errors_of(roster(header=header)) == ["line 1: repeated column(s): email"]


def test_header_names_with_spaces_around_them_are_read(db):
    header = ",".join(f"  {name} " for name in COLUMNS)
    rows = parse_roster(roster(line(), header=header))
    assert [row.employee_number for row in rows] == ["E1000", "E2000"]


def test_a_quoted_value_spanning_lines_is_kept_and_later_lines_keep_their_numbers(db):
    data = roster(line(title='"Coordinator,\nCommunity Programs"'), line(number="E2001", email="not-an-email"))
    assert errors_of(data) == ["line 5, column email: 'not-an-email' is not an email address"]
    rows = parse_roster(roster(line(title='"Coordinator,\nCommunity Programs"'), line(number="E2001")))
    assert [(row.line, row.job_title) for row in rows[1:]] == [
        (3, "Coordinator,\nCommunity Programs"),
        (5, "Coordinator"),
    ]
    services.import_hr_roster(rows=rows)
    assert Employee.objects.get(employee_number="E2000").job_title == "Coordinator,\nCommunity Programs"


def _email(length):
    domain = "b" * 63 + "." + "c" * 63 + ".ca"
    return "a" * (length - len(domain) - 1) + "@" + domain


def test_an_email_of_254_characters_is_accepted_and_one_of_255_is_refused():
    assert len(_email(254)) == 254
    assert parse_roster(roster(line(email=_email(254))))[1].email == _email(254)
    assert "line 3, column email: is 255 characters long; at most 254" in errors_of(roster(line(email=_email(255))))


@pytest.mark.parametrize("column", ["employee_number", "first_name", "last_name", "job_title"])
def test_a_value_of_exactly_the_maximum_length_is_accepted_and_one_more_is_refused(column):
    limit = MAX_LENGTHS[column]
    values = {"number": "E2000", "first": "Jordan", "last": "Ellis", "title": "Coordinator"}
    key = {"employee_number": "number", "first_name": "first", "last_name": "last", "job_title": "title"}[column]
    rows = parse_roster(roster(line(**{**values, key: "x" * limit})))
    assert getattr(rows[1], column) == "x" * limit
    assert errors_of(roster(line(**{**values, key: "x" * (limit + 1)}))) == [
        f"line 3, column {column}: is {limit + 1} characters long; at most {limit}"
    ]


def test_errors_are_ordered_by_line_then_column_whatever_order_they_were_found_in():
    data = roster(
        line(number="E2000", first="", email="bad"),
        "E2001,Maya,Thompson,maya@calgary.ca,Lead,,City Manager's Office,E1000,retired",
        line(number="E2000"),
    )
    assert errors_of(data) == [
        "line 3, column email: 'bad' is not an email address",
        "line 3, column first_name: is empty; a value is required",
        "line 4, column business_unit_code: is empty; a value is required",
        "line 4, column employment_status: 'retired' is not a status; use one of active, leave, terminated",
        "line 5, column employee_number: E2000 is listed twice (first on line 3)",
    ]


def test_a_header_of_100000_columns_is_refused_at_once_naming_a_few(db):
    header = HEADER + "," + ",".join(f"extra{n}" for n in range(100_000))
    started = time.perf_counter()
    errors = errors_of(roster(header=header))
    assert time.perf_counter() - started < 5
    assert errors == ["line 1: unknown column(s): " + ", ".join(f"extra{n}" for n in range(20)) + " and 99,980 more"]


def test_the_command_lists_a_bounded_number_of_errors_and_says_how_many_more(db, tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_bytes(roster(*(line(number=f"E{3000 + n}", email="bad") for n in range(ERRORS_LISTED + 50))))
    with pytest.raises(CommandError, match=f"{ERRORS_LISTED + 50} error"):
        call_command("import_hr_roster", str(path))
    printed = capsys.readouterr().err.strip().splitlines()
    assert len(printed) == ERRORS_LISTED + 1
    assert printed[-1] == "roster.csv: … and 50 more error(s) not listed"


def test_a_value_of_exactly_backslash_n_imports_as_that_text(db):
    rows = parse_roster(roster(line(first="\\N", title="\\N")))
    result = services.import_hr_roster(rows=rows)
    assert result.created == 2
    jordan = Employee.objects.get(employee_number="E2000")
    assert (jordan.first_name, jordan.job_title) == ("\\N", "\\N")
    again = services.import_hr_roster(rows=parse_roster(roster(line(first="Jordan", title="\\N"))))
    assert again.updated == 1
    jordan.refresh_from_db()
    assert (jordan.first_name, jordan.job_title) == ("Jordan", "\\N")


def test_an_empty_job_title_stays_empty_not_null(db):
    services.import_hr_roster(rows=parse_roster(roster(line(title=""))))
    services.import_hr_roster(rows=parse_roster(roster(line(first="Jay", title=""))))
    assert Employee.objects.get(employee_number="E2000").job_title == ""
