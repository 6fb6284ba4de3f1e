"""The benchmark harness, run small inside `make test` so that it cannot rot: it seeds, imports,
sweeps, loads the pages under wrk and counts queries, in seconds. The figures themselves are
for `make bench` at City scale (BENCHMARKS.md); here the invariants must hold, and every figure
issue 5 names must be in the results."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bench import run

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.bench

PAGES = {
    "registry list",
    "review queue",
    "request detail",
    "manager's team page",
    "content-report queue",
    "public directory",
}
REPEATS = 2


def test_make_bench_runs_at_the_city_scale_of_issue_5():
    scale, seconds = run.scale_of(run.build_parser().parse_args([]))

    assert scale.employees == 100_000
    assert scale.units == 1_000
    assert scale.accounts == 10_000
    assert scale.grants == 100_000
    assert scale.requests == 50_000
    assert scale.audit_events == 1_000_000
    assert scale.team == 500  # the manager whose team page is measured
    assert scale.reports == 20_000
    # How cost grows (issue 15): the import and the sweep at 10k, 100k and 1M rows.
    assert run.GROWTH_SIZES["city"] == (10_000, 100_000, 1_000_000)
    assert (run.WRK_CONNECTIONS, seconds, run.GUNICORN_WORKERS) == (8, 10, 2)


def _bench_database_url():
    """A database of its own, named after this run's test database and process, so that two
    runs on one PostgreSQL server never drop each other's."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    name = f"governance_bench_{db['NAME']}_{os.getpid()}"[:63]
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmark runs on PostgreSQL")
@pytest.mark.skipif(not settings.REDIS_URL, reason="the benchmark keeps sessions on Redis (run `make test`)")
def test_the_smoke_bench_runs_and_its_invariants_hold(tmp_path):
    if not shutil.which("wrk"):
        pytest.fail("The benchmark smoke test loads pages with wrk: install Debian's package (apt-get install -y wrk)")
    # The bench's Celery worker reads a queue of its own (bench-<pid>): with the suite's queue, the
    # suite's worker (still running) would take the bench's roster tasks to the suite's database.
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CELERY_QUEUE"}}
    output = tmp_path / "results.json"
    # The tables go into a copy of BENCHMARKS.md, between its markers, as after `make bench`.
    markdown = tmp_path / "BENCHMARKS.md"
    shutil.copy(ROOT / "BENCHMARKS.md", markdown)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--smoke",
            "--database",
            _bench_database_url(),
            # The suite's Redis: the run's keys have a prefix of their own and are deleted at the end.
            "--redis",
            settings.REDIS_URL,
            "--output",
            str(output),
            "--seconds",
            "1",
            "--repeats",
            str(REPEATS),
            "--drop-after",
            "--markdown",
            str(markdown),
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
    goals = results["goals"]

    scale = results["scale"]
    assert scale["name"] == "smoke"
    assert results["seeded"] == {name: scale[name] for name in results["seeded"]}
    assert set(results["seeded"]) == {
        "employees",
        "units",
        "accounts",
        "grants",
        "requests",
        "audit_events",
        "team",
        "reports",
    }

    roster = results["roster_import"]
    assert roster["rows"] == scale["employees"] and roster["full"]
    assert roster["rows_changed_in_file"] == roster["rows"] // 10
    assert roster["rows_changed_in_file"] == roster["updated"] == roster["role_changes"]
    assert roster["created"] == 0
    # The limit rewrites the rows the portal rewrites, no more; the portal also writes their audit rows.
    assert roster["reference_rows_written"] == roster["updated"]
    assert roster["rows_written"] >= 2 * roster["updated"]
    assert roster["seconds"] > 0 and roster["reference_seconds"] > 0 and roster["ratio"] > 0
    assert len(roster["runs"]["seconds"]) == len(roster["runs"]["reference_seconds"]) == REPEATS
    assert roster["peak_rss_mb"] > roster["peak_rss_growth_mb"] > 0
    assert roster["second_import_changed"] is False
    assert roster["second_import_rows_written"] == roster["second_import_audit_events"] == 0

    # The same file uploaded in the browser's way, through a real worker, with progress to 100%.
    upload = roster["upload"]
    assert upload["status"] == "imported" and upload["rows"] == roster["rows"]
    assert upload["progress_reached"] == 100 and upload["progress_readings"] == sorted(upload["progress_readings"])
    assert upload["seconds"] > 0 and upload["ratio"] > 0 and upload["check_seconds"] > 0
    assert upload["worker_peak_rss_mb"] > 0 and upload["file_deleted"]
    assert "Roster upload through the worker" in result.stdout

    assert set(results["sweep"]) == {"10%", "100%"}
    assert results["sweep"]["100%"]["stale_grants"] > results["sweep"]["10%"]["stale_grants"]
    for stale, sweep in results["sweep"].items():
        assert sweep["reviews_opened"] == sweep["stale_grants"] > 0, stale
        assert sweep["seconds"] > 0 and sweep["reference_seconds"] > 0 and sweep["ratio"] > 0, stale
        assert len(sweep["runs"]["seconds"]) == len(sweep["runs"]["reference_seconds"]) == REPEATS, stale
        assert sweep["second_run_rows_changed"] == sweep["second_run_audit_events"] == 0, stale

    pages = results["pages"]
    assert pages["trivial"]["rps"] > 0
    assert set(pages["pages"]) == PAGES
    for name, page in pages["pages"].items():
        assert page["requests"] > 0 and page["bad_status"] == 0 and page["errors"] == 0, name
        assert page["ratio"] > 0 and 0 < page["p50_ms"] <= page["p95_ms"], name

    assert set(results["queries_per_page"]) == PAGES
    for name, counts in results["queries_per_page"].items():
        assert counts["equal"], (name, counts)
        assert counts["demo"] == counts["city"] <= goals["queries_per_page"], (name, counts)
        assert counts["demo_uncached"] == counts["city_uncached"] <= goals["queries_per_page"], (name, counts)

    # The peer beside us: the Django admin's changelist of the same accounts, for a superuser.
    peer = pages["peer"]
    assert peer["requests"] > 0 and peer["bad_status"] == 0 and peer["errors"] == 0
    assert peer["registry_list_times"] > 0

    # The growth curve: each size seeded, imported and swept; the time per row at each.
    growth = results["growth"]
    assert [point["rows"] for point in growth["points"]] == list(run.GROWTH_SIZES["smoke"])
    for point in growth["points"]:
        assert point["roster_rows"] == point["rows"] and point["roster_changed"] == point["rows"] // 10, point
        assert point["roster_seconds"] > 0 and point["sweep_seconds"] > 0, point
        assert point["sweep_changed"] > 0, point
    assert growth["roster_growth"] > 0 and growth["sweep_growth"] > 0

    # Every goal the harness names has a figure in the results, and the markdown shows them all.
    figures = results["goal_figures"]
    assert {row["goal"] for row in figures} == set(goals) == set(run.GOALS)
    assert all(isinstance(row["figure"], int | float) for row in figures)
    written = markdown.read_text()
    section = written[written.index(run.MARKER_START) : written.index(run.MARKER_END)]
    assert results["when"] in section and results["commit"] in section
    for row in figures:
        assert row["what"] in section, row
    # Only the section between the markers changed.
    original = (ROOT / "BENCHMARKS.md").read_text()
    assert written[: written.index(run.MARKER_START)] == original[: original.index(run.MARKER_START)]
    assert written[written.index(run.MARKER_END) :] == original[original.index(run.MARKER_END) :]


def test_the_markdown_section_is_refused_without_its_markers(tmp_path):
    page = tmp_path / "BENCHMARKS.md"
    page.write_text("# Benchmarks\n\nNo markers here.\n")

    with pytest.raises(SystemExit, match="no section between"):
        run.write_markdown(page, "anything")

    assert page.read_text() == "# Benchmarks\n\nNo markers here.\n"


def test_benchmarks_md_has_the_generated_section():
    text = (ROOT / "BENCHMARKS.md").read_text()

    assert text.count(run.MARKER_START) == 1 and text.count(run.MARKER_END) == 1
    assert text.index(run.MARKER_START) < text.index(run.MARKER_END)
