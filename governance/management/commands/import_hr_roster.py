"""manage.py import_hr_roster FILE.csv [--full] — upsert employees from HR's roster."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from governance import services
from governance.roster import COLUMNS, RosterInvalid, parse_roster


class Command(BaseCommand):
    help = (
        "Import the HR roster (CSV with the columns " + ", ".join(COLUMNS) + "). "
        "Every error is listed with its line and column, and then nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the roster CSV, UTF-8 (a byte-order mark is fine)")
        parser.add_argument(
            "--full",
            action="store_true",
            help="the file is the whole organisation: mark employees missing from it as not in the roster",
        )

    def handle(self, *args, file, full, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        try:
            rows = parse_roster(data)
            result = services.import_hr_roster(rows=rows, full=full, source=file.name)
        except RosterInvalid as invalid:
            listed, more = invalid.listed()
            for error in listed:
                self.stderr.write(f"{file.name}: {error}")
            if more:
                self.stderr.write(f"{file.name}: … and {more:,} more error(s) not listed")
            raise CommandError(f"{len(invalid.errors)} error(s) in {file.name}; nothing was imported.") from invalid
        self.stdout.write(
            f"{file.name}: {len(rows)} rows — {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged; {len(result.role_changed_ids)} role changes, "
            f"{len(result.employment_ended_ids)} employments ended, {len(result.deactivated_user_ids)} sign-ins "
            f"deactivated, {len(result.left_roster_ids)} no longer in the roster; "
            f"{result.business_units_created} business units created, {result.business_units_renamed} renamed."
        )
