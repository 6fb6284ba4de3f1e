"""The reports app depends on `accounts` and `governance` only (DESIGN §3; STYLE "Where code goes")."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {"accounts", "governance", "reports"}
OUR_APPS = {path.name for path in ROOT.iterdir() if (path / "apps.py").is_file()}


def _imported_apps(path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in OUR_APPS:
                yield top, node.lineno


@pytest.mark.parametrize("path", sorted((ROOT / "reports").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_reports_imports_only_accounts_and_governance(path):
    assert {app for app, _ in _imported_apps(path)} <= ALLOWED


def test_neither_accounts_nor_requests_depends_on_reports():
    for app in ("accounts", "requests"):
        for path in (ROOT / app).rglob("*.py"):
            assert "reports" not in {name for name, _ in _imported_apps(path)}, path
