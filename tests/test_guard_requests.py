"""Our `requests` app shadows the PyPI `requests` library (DESIGN §6): keep it that way."""

import importlib.metadata
import re
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def test_import_requests_resolves_to_our_app():
    assert Path(requests.__file__).resolve() == ROOT / "requests" / "__init__.py"


def _name(requirement):
    return re.split(r"[\s;\[<>=!~(]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_no_installed_distribution_needs_the_pypi_requests_library():
    needing = []
    for dist in importlib.metadata.distributions():
        for requirement in dist.requires or []:
            if _name(requirement) == "requests" and "extra ==" not in requirement.replace('"', "'").replace(
                "extra=='", "extra == '"
            ):
                needing.append(f"{dist.metadata['Name']} requires {requirement}")
    assert needing == []


def test_the_pypi_library_is_not_installed():
    installed = {(_name(dist.metadata["Name"] or "")) for dist in importlib.metadata.distributions()}
    assert "requests" not in installed
