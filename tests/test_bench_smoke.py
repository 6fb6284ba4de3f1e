"""The benchmark harness, run small inside `make test` so that it cannot rot: it seeds, imports,
sweeps, loads the pages under wrk and counts queries, in seconds. The figures themselves are
for `make bench` at City scale (BENCHMARKS.md); here the invariants must hold."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.smoke


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmark runs on PostgreSQL")
def test_the_smoke_bench_runs_and_its_invariants_hold(tmp_path):
    db = connection.settings_dict
    database = (
        f"postgres://{db['USER']}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/governance_bench_smoke_{os.getpid()}"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    output = tmp_path / "results.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--smoke",
            "--database",
            database,
            "--output",
            str(output),
            "--seconds",
            "1",
            "--drop-after",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Roster import" in result.stdout and "Pages under load" in result.stdout
    results = json.loads(output.read_text())

    roster = results["roster_import"]
    assert roster["rows_changed_in_file"] == roster["role_changes"] == roster["updated"] > 0
    assert roster["second_import_rows_changed"] == roster["second_import_audit_events"] == 0
    assert roster["reference_seconds"] > 0 and roster["ratio"] > 0

    for stale, sweep in results["sweep"].items():
        assert sweep["reviews_opened"] == sweep["stale_grants"] > 0, stale
        assert sweep["second_run_rows_changed"] == sweep["second_run_audit_events"] == 0, stale

    pages = results["pages"]["pages"]
    assert set(pages) == {"registry list", "review queue", "request detail", "manager's team page", "public directory"}
    for name, page in pages.items():
        assert page["requests"] > 0 and page["bad_status"] == 0 and page["errors"] == 0, name

    for name, counts in results["queries_per_page"].items():
        assert counts["demo"] == counts["city"] <= 6, name
