"""Reading a learning system's export of completed training, as strictly as the HR roster:
every bad line named with its line and column, and nothing applied when any line is bad.

The file has the columns `employee_number,course,completed_on` (ISO dates, YYYY-MM-DD). A course
is named by its code (`social_media`) or by its name as the portal shows it.
"""

import csv
import datetime
from typing import NamedTuple

from .models import TrainingCourse
from .roster import RosterError, RosterInvalid, _decode_lines, _header, _reader

COLUMNS = ("employee_number", "course", "completed_on")
#: The largest training file accepted (a learning system's export of a year is far smaller).
MAX_BYTES = 5 * 1024 * 1024
#: Lines after the header; more is not a training export.
MAX_ROWS = 20_000

_COURSES = {choice.value: choice.value for choice in TrainingCourse} | {
    choice.label.casefold(): choice.value for choice in TrainingCourse
}


class TrainingRow(NamedTuple):
    line: int
    employee_number: str
    course: str
    completed_on: datetime.date


def course_of(name: str) -> str | None:
    """The course code a file names, by code or by name (any case), or None."""
    return _COURSES.get(name.strip()) or _COURSES.get(name.strip().casefold())


def parse_training_csv(data: bytes, *, known_employees: set[str], today: datetime.date) -> list[TrainingRow]:
    """The rows of a training file, or RosterInvalid listing every error by line and column:
    unreadable text, wrong columns, ragged lines, unknown employees and courses, dates that are
    not dates or are in the future, and a completion listed twice."""
    if len(data) > MAX_BYTES:
        raise RosterInvalid([RosterError(1, "", f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")])
    reader = _reader(_decode_lines(data))
    header = _header(reader, COLUMNS)
    rows, errors, seen = [], [], {}
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
            continue
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append(RosterError(start, "", f"the file has more than {MAX_ROWS:,} lines; split it"))
            break
        if len(record) != len(header):
            errors.append(RosterError(start, "", f"expected {len(header)} fields, found {len(record)}"))
            continue
        values = {name: value.strip() for name, value in zip(header, record, strict=True)}
        row_errors = []
        number = values["employee_number"]
        if not number:
            row_errors.append(RosterError(start, "employee_number", "is empty; a value is required"))
        elif number not in known_employees:
            row_errors.append(RosterError(start, "employee_number", f"{number[:40]!r} is not in the people directory"))
        course = course_of(values["course"])
        if course is None:
            row_errors.append(
                RosterError(
                    start,
                    "course",
                    f"{values['course'][:80]!r} is not a course; use one of "
                    + ", ".join(choice.value for choice in TrainingCourse),
                )
            )
        completed_on = None
        try:
            completed_on = datetime.date.fromisoformat(values["completed_on"])
        except ValueError:
            row_errors.append(
                RosterError(start, "completed_on", f"{values['completed_on'][:40]!r} is not a date (YYYY-MM-DD)")
            )
        else:
            if completed_on > today:
                row_errors.append(RosterError(start, "completed_on", f"{completed_on} is in the future"))
        if not row_errors:
            key = (number, course, completed_on)
            if key in seen:
                row_errors.append(RosterError(start, "employee_number", f"listed twice (first on line {seen[key]})"))
            else:
                seen[key] = start
        errors.extend(row_errors)
        if not row_errors:
            rows.append(TrainingRow(start, number, course, completed_on))
    if errors:
        raise RosterInvalid(errors)
    return rows
