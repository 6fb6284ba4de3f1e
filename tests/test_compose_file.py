"""docker-compose.yml is checked without a Docker engine: it must validate against the Compose
Specification schema, and every service's command must name something that exists here."""

import importlib
import json
import shlex
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "tests/data/compose-spec/compose-spec.json").read_text())


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_it_validates_against_the_compose_specification(compose):
    # The schema names draft 2019-09 by an address jsonschema does not list; say it directly.
    jsonschema.Draft201909Validator(SCHEMA).validate(compose)


def test_it_runs_the_production_shape(compose):
    services = compose["services"]
    assert set(services) == {"db", "redis", "web", "worker", "beat", "mailpit"}
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "--appendonly" in services["redis"]["command"] and "yes" in services["redis"]["command"]
    assert services["beat"]["deploy"]["replicas"] == 1
    for name in ("db", "redis", "web", "mailpit"):
        assert "healthcheck" in services[name], name
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["db"] == {"condition": "service_healthy"}
        assert depends["redis"] == {"condition": "service_healthy"}


def test_the_app_services_share_one_anchor(compose):
    text = (ROOT / "docker-compose.yml").read_text()
    assert text.count("<<: *portal\n") == 3
    environments = [compose["services"][name]["environment"] for name in ("web", "worker", "beat")]
    assert environments[0] == environments[1] == environments[2]
    assert environments[0]["EMAIL_URL"] == "smtp://mailpit:1025"


def _argv(command):
    if isinstance(command, list):
        return command
    argv = shlex.split(command)
    return argv[2:] if argv[:2] == ["sh", "-c"] else argv


def _steps(command):
    argv = _argv(command)
    if isinstance(command, str) and command.startswith("sh -c"):
        return [shlex.split(step) for step in shlex.split(command)[2].split("&&")]
    return [argv]


def test_each_command_names_a_real_entry_point(compose):
    manage_commands = get_commands()
    checked = 0
    for name in ("web", "worker", "beat"):
        for step in _steps(compose["services"][name]["command"]):
            if step[0] == "exec":
                step = step[1:]
            if step[:2] == ["python", "manage.py"]:
                assert step[2] in manage_commands, f"{name}: manage.py {step[2]} does not exist"
            elif step[0] == "gunicorn":
                module, attribute = step[1].split(":")
                assert callable(getattr(importlib.import_module(module), attribute)), name
            elif step[0] == "celery":
                assert step[1] == "-A"
                app = importlib.import_module(step[2]).celery_app
                assert step[3] in {"worker", "beat"}
                assert app.main == "governance"
            else:
                pytest.fail(f"{name}: unknown entry point {step}")
            checked += 1
    assert checked == 5


def test_the_image_it_builds_has_a_dockerfile(compose):
    assert compose["x-portal"]["build"] == "."
    assert "requirements.txt" in (ROOT / "Dockerfile").read_text()
