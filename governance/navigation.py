"""The main navigation: only what the signed-in person's roles can use (DESIGN §2).

Each entry names a URL and the predicate that decides who sees it. The same predicates guard
the views, so hiding a link is a convenience, never the protection.
"""

import functools
from dataclasses import dataclass

from django.urls import reverse

from . import permissions


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    visible_to: object = None  # a rules predicate, or None for everyone signed in

    def url(self):
        return _reverse(self.url_name)


@functools.cache
def _reverse(url_name):
    """Navigation targets never change while the process runs: reverse each once."""
    return reverse(url_name)


ITEMS = [
    NavItem("Home", "home"),
    NavItem("Requests", "requests:list"),
    NavItem("Accounts", "accounts:list"),
    NavItem("Team access", "access:team", permissions.is_manager | permissions.reads_everything),
    NavItem("Rotations", "access:rotations", permissions.is_manager | permissions.reads_everything),
    NavItem("Training", "people:training", permissions.reads_training),
    NavItem("HR roster", "people:roster", permissions.reads_roster_uploads),
    NavItem("Reports", "reports:list", permissions.reads_everything),
    NavItem("My reports", "reports:list", ~permissions.reads_everything),
    NavItem("Directory", "directory"),
    NavItem("Standards", "standards"),
    NavItem("Standards versions", "standards-versions", permissions.reads_standards_versions),
]

PUBLIC_ITEMS = [
    NavItem("Official accounts", "directory"),
    NavItem("Sign in", "login"),
]


def _entries(request, items):
    path = request.path
    entries = []
    for item in items:
        if item.visible_to is not None and not item.visible_to(request.user):
            continue
        url = item.url()
        current = path == url or (url != "/" and path.startswith(url))
        entries.append({"label": item.label, "url": url, "current": current})
    # One current entry: the most specific (/standards/versions/ is not also /standards/).
    current = [entry for entry in entries if entry["current"]]
    longest = max((len(entry["url"]) for entry in current), default=0)
    for entry in current:
        entry["current"] = len(entry["url"]) == longest
    return entries


def items_for(request):
    return _entries(request, ITEMS)


def public_items(request):
    return _entries(request, PUBLIC_ITEMS)
