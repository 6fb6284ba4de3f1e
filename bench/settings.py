"""Settings for benchmark runs: the portal's own settings, plus a trivial view to measure
against (bench/urls.py). HR changes do not start the stale-access task here, so the roster
import is measured alone; the sweep is measured on its own."""

import os

from governance.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# collectstatic writes here for the run (production's hashed, compressed static files).
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", STATIC_ROOT)  # noqa: F405
# Each run (and each data set in it) keeps its cache and sessions apart from any other run.
CACHES["default"]["KEY_PREFIX"] = os.environ.get("BENCH_CACHE_PREFIX", "bench")  # noqa: F405
EMPLOYEE_CHANGE_TASKS = []
# Tasks the measured work enqueues (the digests after a sweep) stay in memory: no worker runs
# here, and nothing should be left queued on the Redis the run uses for its cache and sessions.
# The roster upload's measurement (bench.run.measure_roster_upload) starts a worker, and sets
# BENCH_BROKER_URL to Redis for it and for itself.
CELERY_BROKER_URL = os.environ.get("BENCH_BROKER_URL", "memory://localhost/")
