"""With DEBUG off and production-like values, `manage.py check --deploy` is clean."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "q9#Zr2Lx!v7Tn4Wm8Kp3Yd6Hs1Fb5Gc0Je-uAa2Bb3Cc4Dd5Ee6Ff7Gg8Hh9",
    "ALLOWED_HOSTS": "governance.calgary.ca",
    "CSRF_TRUSTED_ORIGINS": "https://governance.calgary.ca",
    "DATABASE_URL": "postgres://portal:secret@db.internal:5432/governance",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "EMAIL_URL": "smtp+tls://portal:secret@smtp.calgary.ca:587",
}


def run(*args, env):
    return python("manage.py", *args, env=env)


def python(*args, env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION and k not in {"SSO_HEADER", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = run("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_the_web_server_will_not_load_the_portal_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    for entry_point in ("governance.wsgi", "governance.asgi"):
        result = python("-c", f"import {entry_point}", env=env)
        assert result.returncode != 0, entry_point
        assert "Set the SECRET_KEY environment variable" in result.stderr
        assert python("-c", f"import {entry_point}", env=PRODUCTION).returncode == 0


def test_migrations_match_the_models_on_a_bare_checkout():
    """No variables at all, as a newcomer or a pre-commit hook runs it: no key is needed."""
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_the_embedded_default_runs_tasks_in_process_and_prints_email():
    code = (
        "from django.conf import settings as s; from governance import celery_app as a;"
        "print(s.DATABASES['default']['ENGINE'], a.conf.task_always_eager, s.EMAIL_BACKEND,"
        " s.CACHES['default']['BACKEND'])"
    )
    result = run("shell", "-c", code, env={"DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "django.core.cache.backends.locmem.LocMemCache",
    ]


def test_the_web_server_refuses_a_short_or_published_secret_key():
    weak = {
        "short": "too-short-0123456789",
        "repeated": "a" * 60,
        "the development default": "django-insecure-development-only-key-not-for-production",
        "Django's insecure prefix": "django-insecure-" + "x9Qm2" * 10,
    }
    for why, key in weak.items():
        result = python("-c", "import governance.wsgi", env={**PRODUCTION, "SECRET_KEY": key})
        assert result.returncode != 0, why
        assert "SECRET_KEY is" in result.stderr, why


def test_with_debug_on_the_development_key_still_serves_make_run():
    result = python("-c", "import governance.wsgi", env={"DEBUG": "true"})
    assert result.returncode == 0, result.stderr
