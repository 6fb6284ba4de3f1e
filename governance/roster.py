"""Reading the HR roster CSV strictly: every problem is found, with its line and column.

This module only reads and checks; `services.import_hr_roster` applies a roster that passed.
"""

import collections
import contextlib
import csv
import gc
import io
import operator
import re
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .models import BusinessUnit, Employee, EmploymentStatus

COLUMNS = (
    "employee_number",
    "first_name",
    "last_name",
    "email",
    "job_title",
    "business_unit_code",
    "business_unit_name",
    "manager_employee_number",
    "employment_status",
)
REQUIRED = ("employee_number", "first_name", "last_name", "email", "business_unit_code", "business_unit_name")
STATUSES = {choice.value for choice in EmploymentStatus}
#: Plain ASCII work addresses — nearly every row — that Django's EmailValidator also accepts;
#: anything else is checked by the validator itself. (It costs ~8 µs a row, a second per
#: 100,000.)
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def is_email(value):
    if len(value) <= 254 and _PLAIN_EMAIL.fullmatch(value):
        return True
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _max_length(model, field):
    return model._meta.get_field(field).max_length


MAX_LENGTHS = {
    "employee_number": _max_length(Employee, "employee_number"),
    "first_name": _max_length(Employee, "first_name"),
    "last_name": _max_length(Employee, "last_name"),
    "email": _max_length(Employee, "email"),
    "job_title": _max_length(Employee, "job_title"),
    "business_unit_code": _max_length(BusinessUnit, "code"),
    "business_unit_name": _max_length(BusinessUnit, "name"),
    "manager_employee_number": _max_length(Employee, "employee_number"),
}


class RosterRow(NamedTuple):
    line: int
    employee_number: str
    first_name: str
    last_name: str
    email: str
    job_title: str
    business_unit_code: str
    business_unit_name: str
    manager_employee_number: str
    employment_status: str


@dataclass(frozen=True, order=True)
class RosterError:
    line: int
    column: str
    message: str

    def __str__(self):
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


#: A listing of errors (the command's output, the upload page) shows this many, then says how
#: many more there are; a file of 100,000 bad lines is not printed whole.
ERRORS_LISTED = 200
#: A header line's lists of missing, unknown or repeated columns name this many columns each.
COLUMNS_NAMED = 20


class RosterInvalid(Exception):
    """The roster has errors; nothing of it may be applied. `errors` are ordered by line."""

    def __init__(self, errors):
        self.errors = sorted(errors)
        super().__init__(f"{len(self.errors)} error(s) in the HR roster; nothing was imported.")

    def listed(self, limit: int = ERRORS_LISTED) -> tuple[list[RosterError], int]:
        """The first `limit` errors, and how many more there are."""
        return self.errors[:limit], max(0, len(self.errors) - limit)


def _named(names):
    """Column names for a header error: at most COLUMNS_NAMED, then how many more."""
    shown = ", ".join(names[:COLUMNS_NAMED])
    more = len(names) - COLUMNS_NAMED
    return shown + (f" and {more:,} more" if more > 0 else "")


def _decode_lines(data: bytes):
    """Text of the file, or the errors that make it unreadable (bad UTF-8, NUL bytes)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    errors = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            errors.append(RosterError(number, "", f"is not valid UTF-8 (byte {exc.start + 1}); save the file as UTF-8"))
            continue
        position = line.find("\x00")
        if position >= 0:
            errors.append(RosterError(number, "", f"contains a NUL byte at character {position + 1}"))
    if errors:
        raise RosterInvalid(errors)
    return data.decode("utf-8")


def parse_roster(data: bytes) -> list[RosterRow]:
    """Rows of a roster file that is well-formed on its own; RosterInvalid lists every error.

    Checks here need only the file: encoding, header, ragged rows, required values, lengths,
    emails, statuses, duplicate employee numbers and business units named two ways. Managers
    and cycles are checked against the directory by `check_managers`.

    A nightly roster has 100,000 rows and nearly always no error: it is first checked a column
    at a time (`_clean_rows`, loops in C). Only a file that fails that check is read again row
    by row, which finds every error with its line and column.
    """
    text = _decode_lines(data)
    reader = _reader(text)
    header = _header(reader)
    with bulk_allocation():
        try:
            records = list(reader)
        except csv.Error:
            records = None
        rows = _clean_rows(text, header, records) if records is not None else None
        if rows is not None:
            return rows
        reader = _reader(text)
        next(reader)
        return _rows_checked_one_by_one(reader, header)


@contextlib.contextmanager
def bulk_allocation():
    """Python's cyclic garbage collector paused while a roster's rows are built: the hundreds of
    thousands of strings and tuples of one file hold no reference cycles, and the collector's
    passes over them would otherwise double the time of an import."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _reader(text):
    return csv.reader(io.StringIO(text, newline=""), strict=True)


def _header(reader, columns=COLUMNS):
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise RosterInvalid([RosterError(1, "", f"cannot be read as CSV: {exc}")]) from exc
    if header is None:
        raise RosterInvalid([RosterError(1, "", "the file is empty; expected a header line")])
    header = [name.strip() for name in header]
    # Sets and one count: a header of 100,000 names is refused in linear time.
    counts = collections.Counter(header)
    known = set(columns)
    errors = []
    missing = [name for name in columns if name not in counts]
    unknown = [name for name in counts if name not in known]
    duplicated = sorted(name for name, count in counts.items() if count > 1)
    if missing:
        errors.append(RosterError(1, "", "missing column(s): " + _named(missing)))
    if unknown:
        errors.append(RosterError(1, "", "unknown column(s): " + _named(unknown)))
    if duplicated:
        errors.append(RosterError(1, "", "repeated column(s): " + _named(duplicated)))
    if errors:
        raise RosterInvalid(errors)
    return header


def _clean_rows(text, header, records):
    """The rows, if every check of `_rows_checked_one_by_one` would pass; None if any might not
    (then that function finds the errors). Each check here is as strict as its counterpart or
    stricter, so a file it accepts is one the row-by-row checks accept, row for row."""
    physical_lines = text.count("\n") + (not text.endswith("\n"))
    if len(records) + 1 != physical_lines:
        return None  # a value spans lines: line numbers need the row-by-row reading
    lines = range(2, len(records) + 2)
    if not all(records):  # blank lines are skipped
        kept = [(line, record) for line, record in zip(lines, records, strict=True) if record]
        if not kept:
            return []
        lines, records = zip(*kept, strict=True)
    if set(map(len, records)) != {len(header)}:
        return None
    by_name = dict(zip(header, zip(*records, strict=True), strict=True))
    for values in by_name.values():
        if any(map(operator.ne, values, map(str.strip, values))):
            return None  # spaces around a value: stripped one by one
    if any("" in by_name[column] for column in REQUIRED):
        return None
    if any(max(map(len, by_name[column])) > limit for column, limit in MAX_LENGTHS.items()):
        return None
    if not all(map(_PLAIN_EMAIL.fullmatch, by_name["email"])):
        return None
    statuses = tuple(map(str.lower, by_name["employment_status"]))
    numbers, managers = by_name["employee_number"], by_name["manager_employee_number"]
    codes, names = by_name["business_unit_code"], by_name["business_unit_name"]
    if (
        not set(statuses) <= STATUSES
        or len(set(numbers)) != len(numbers)
        or any(map(operator.eq, managers, numbers))
        or len(set(zip(codes, names, strict=True))) != len(set(codes))
    ):
        return None
    by_name["employment_status"] = statuses
    return list(map(RosterRow._make, zip(lines, *(by_name[name] for name in COLUMNS), strict=True)))


def _rows_checked_one_by_one(reader, header):
    errors = []
    rows = []
    first_line_of = {}
    unit_names = {}
    line = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RosterError(line, "", f"cannot be read as CSV: {exc}"))
            break
        start, line = line, reader.line_num + 1
        if not record or record == [""]:
            continue  # a blank line
        if len(record) != len(header):
            errors.append(RosterError(start, "", f"expected {len(header)} fields, found {len(record)}"))
            continue
        values = {name: value.strip() for name, value in zip(header, record, strict=True)}
        row_errors = _check_values(start, values)
        errors.extend(row_errors)
        number = values["employee_number"]
        if number:
            if number in first_line_of:
                errors.append(
                    RosterError(
                        start, "employee_number", f"{number} is listed twice (first on line {first_line_of[number]})"
                    )
                )
            else:
                first_line_of[number] = start
        code, name = values["business_unit_code"], values["business_unit_name"]
        if code and name:
            seen = unit_names.setdefault(code, (name, start))
            if seen[0] != name:
                errors.append(
                    RosterError(
                        start,
                        "business_unit_name",
                        f"business unit {code} is named {name!r} here but {seen[0]!r} on line {seen[1]}",
                    )
                )
        if not row_errors:
            values["employment_status"] = values["employment_status"].lower()
            rows.append(RosterRow(line=start, **values))
    if errors:
        raise RosterInvalid(errors)
    return rows


def _check_values(line, values):
    errors = []
    for column in REQUIRED:
        if not values[column]:
            errors.append(RosterError(line, column, "is empty; a value is required"))
    for column, limit in MAX_LENGTHS.items():
        if len(values[column]) > limit:
            errors.append(RosterError(line, column, f"is {len(values[column])} characters long; at most {limit}"))
    if values["email"] and not is_email(values["email"]):
        errors.append(RosterError(line, "email", f"{values['email']!r} is not an email address"))
    status = values["employment_status"].lower()
    if status not in STATUSES:
        errors.append(
            RosterError(
                line,
                "employment_status",
                f"{values['employment_status']!r} is not a status; use one of " + ", ".join(sorted(STATUSES)),
            )
        )
    if values["manager_employee_number"] and values["manager_employee_number"] == values["employee_number"]:
        errors.append(RosterError(line, "manager_employee_number", "an employee cannot be their own manager"))
    return errors


def check_managers(rows: list[RosterRow], existing_managers: dict[str, str | None], *, full: bool):
    """Errors for managers that do not exist and for management cycles.

    `existing_managers` maps every employee number in the directory to their manager's number.
    In a full import the file is the whole organisation, so managers must be in the file; in a
    partial import they may also be employees already in the directory.

    The directory has no cycle (every write checks), so a cycle after the import must pass
    through a reporting line the file changes: only those are walked.
    """
    errors = []
    in_file = {row.employee_number: row for row in rows}
    known = in_file.keys() if full else in_file.keys() | existing_managers.keys()
    unknown = {row.manager_employee_number for row in rows} - known - {""}
    for row in rows:
        manager = row.manager_employee_number
        if manager in unknown:
            where = "in this file" if full else "in this file or in the directory"
            errors.append(RosterError(row.line, "manager_employee_number", f"manager {manager} is not {where}"))
    if errors:
        return errors

    # The organisation after the import: the file's rows override the directory.
    manager_of = {} if full else dict(existing_managers)
    manager_of.update({row.employee_number: row.manager_employee_number or None for row in rows})
    moved = [
        row
        for row in rows
        if row.employee_number not in existing_managers
        or existing_managers[row.employee_number] != manager_of[row.employee_number]
    ]
    state = {}  # number -> 1 while being walked, 2 when known to reach the top
    reported = set()
    for row in moved:
        path = []
        number = row.employee_number
        while number is not None and state.get(number) is None:
            state[number] = 1
            path.append(number)
            number = manager_of.get(number)
        if number is not None and state.get(number) == 1:
            cycle = path[path.index(number) :]
            key = frozenset(cycle)
            if key not in reported:
                reported.add(key)
                line = min((in_file[n].line for n in cycle if n in in_file), default=row.line)
                chain = " → ".join([*cycle, cycle[0]])
                errors.append(RosterError(line, "manager_employee_number", f"management cycle: {chain}"))
        for walked in path:
            state[walked] = 2
    return errors
