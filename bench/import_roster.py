"""`python -m bench.import_roster FILE`: one nightly roster import in a fresh process, as
`manage.py import_hr_roster FILE --full` runs it. bench.run starts it with the benchmark's
environment (database, cache) and reads the one JSON line it prints:

- `seconds`: reading, parsing and importing the file, and the commit;
- `rss_before_mb`: the process's resident memory before reading the file (Django loaded,
  connected); `peak_rss_mb`: its peak from then to the end (Linux: the high-water mark is reset
  first, so Django's start-up does not count), so `peak_rss_mb - rss_before_mb` is what the import
  itself needed, with nothing else in the process holding the file;
- what the import reports (`RosterImportResult`, `changed` its own verdict);
- `rows_written`: the rows PostgreSQL counted its transaction inserting, updating or deleting in
  the portal's tables (pg_stat_xact_user_tables), read just before the commit — for this the
  import runs inside one outer transaction, and the reading is left out of `seconds`.
"""

import json
import re
import sys
import time
from pathlib import Path


def _memory_mb(name):
    """VmRSS (resident now) or VmHWM (the peak since the last reset) of this process."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{name}:\s+(\d+) kB", status, re.MULTILINE)[1]) / 1024


def _rows_written(cursor):
    cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
    return int(cursor.fetchone()[0])


def main(path: Path):
    import django

    django.setup()
    from django.db import connection, transaction

    from governance import services
    from governance.roster import parse_roster

    connection.ensure_connection()
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from what is resident now
    rss_before = _memory_mb("VmRSS")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        result = services.import_hr_roster(rows=parse_roster(path.read_bytes()), full=True, source=path.name)
        paused = time.perf_counter()
        rows_written = _rows_written(cursor)
        resumed = time.perf_counter()
    seconds = time.perf_counter() - started - (resumed - paused)
    print(
        json.dumps(
            {
                "seconds": round(seconds, 3),
                "rss_before_mb": round(rss_before, 1),
                "peak_rss_mb": round(_memory_mb("VmHWM"), 1),
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "role_changes": len(result.role_changed_ids),
                "left_roster": len(result.left_roster_ids),
                "changed": result.changed,
                "rows_written": rows_written,
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
