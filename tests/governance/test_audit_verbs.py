"""The closed vocabulary of audit verbs (STYLE 13): every verb the code can write has a sentence,
and no verb is built at run time or typed as a string where an event is written."""

import ast
from pathlib import Path

import pytest
from django.core.management import call_command

from governance.audit_verbs import VERBS, Verb, sentence_for
from governance.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]
APP_DIRS = [path for path in ROOT.iterdir() if (path / "apps.py").is_file()]


def _sources():
    for app in APP_DIRS:
        for path in app.rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def _verb_arguments():
    """Every expression passed as `verb=` in the apps' code, with where it is."""
    for path in _sources():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "verb":
                        yield path.relative_to(ROOT), node.lineno, keyword.value


def test_every_verb_constant_is_declared_with_a_sentence():
    constants = {value for name, value in vars(Verb).items() if name.isupper()}
    assert constants == set(VERBS)
    for info in VERBS.values():
        assert "{actor}" in info.sentence, info.code
        assert info.sentence.format(actor="Dana Whitfield", target="Calgary Parks")
        assert info.subject


def test_no_verb_is_written_as_a_string_or_built_at_run_time():
    offenders = [
        f"{path}:{line}"
        for path, line, value in _verb_arguments()
        if isinstance(value, ast.Constant | ast.JoinedStr | ast.BinOp)
    ]
    assert offenders == [], "name a constant of governance.audit_verbs.Verb instead"


def test_an_unknown_verb_still_reads_as_something():
    assert "made.up" in sentence_for("made.up")


@pytest.mark.django_db
def test_every_verb_in_a_freshly_seeded_demo_has_a_sentence():
    call_command("seed_demo", "--force")
    used = set(AuditEvent.objects.values_list("verb", flat=True).distinct())
    assert used
    assert used - set(VERBS) == set()
