"""`Cache-Control: no-store` on every page a signed-in person gets and on every export, walking
the whole URL map: a URL added to the portal fails the first test until it is listed here."""

import pytest
from django.urls import URLResolver, get_resolver, reverse

from tests.factories import UserFactory

#: Every named URL of the portal (the Django admin aside: see the last test), with the arguments
#: that build it from the `world` fixture. Adding a URL: add its name and a function of `world`
#: giving its keyword arguments ({} when it has none). Objects that do not exist are fine: the
#: 404 must not be cached either.
URLS = {
    "home": lambda w: {},
    "login": lambda w: {},
    "logout": lambda w: {},
    "standards": lambda w: {},
    "standards-acknowledge-link": lambda w: {"token": "not-a-token"},
    "standards-versions": lambda w: {},
    "standards-draft-new": lambda w: {},
    "standards-version": lambda w: {"pk": _standards_pk()},
    "standards-draft-edit": lambda w: {"pk": _standards_pk()},
    "standards-version-publish": lambda w: {"pk": _standards_pk()},
    "people:training": lambda w: {},
    "people:record-training": lambda w: {},
    "people:training-import": lambda w: {},
    "people:training-import-confirm": lambda w: {},
    "people:roster": lambda w: {},
    "people:roster-upload": lambda w: {"pk": 999_999},
    "people:roster-upload-status": lambda w: {"pk": 999_999},
    "people:roster-upload-errors": lambda w: {"pk": 999_999},
    "people:roster-upload-confirm": lambda w: {"pk": 999_999},
    "people:roster-upload-discard": lambda w: {"pk": 999_999},
    "notifications": lambda w: {},
    "notifications-read": lambda w: {},
    "requests:list": lambda w: {},
    "requests:new": lambda w: {},
    "requests:new-decommission": lambda w: {"account_pk": w.parks_account.pk},
    "requests:new-provider-access": lambda w: {"account_pk": w.parks_account.pk},
    "requests:detail": lambda w: {"pk": w.mine_submitted.pk},
    "requests:edit": lambda w: {"pk": w.mine_draft.pk},
    "requests:submit": lambda w: {"pk": w.mine_draft.pk},
    "requests:return": lambda w: {"pk": w.mine_submitted.pk},
    "requests:approve": lambda w: {"pk": w.mine_submitted.pk},
    "requests:reject": lambda w: {"pk": w.mine_submitted.pk},
    "requests:withdraw": lambda w: {"pk": w.mine_submitted.pk},
    "requests:comment": lambda w: {"pk": w.mine_submitted.pk},
    "accounts:list": lambda w: {},
    "accounts:export": lambda w: {},
    "accounts:register": lambda w: {},
    "accounts:detail": lambda w: {"pk": w.parks_account.pk},
    "accounts:edit": lambda w: {"pk": w.parks_account.pk},
    "accounts:revoke-grant": lambda w: {"pk": w.parks_account.pk, "grant_pk": w.provider_grant.pk},
    "access:team": lambda w: {},
    "access:keep": lambda w: {"pk": 999_999},
    "access:rotations": lambda w: {},
    "access:complete-rotation": lambda w: {"pk": 999_999},
    "reports:list": lambda w: {},
    "reports:new": lambda w: {},
    "reports:public-new": lambda w: {},
    "reports:public-thanks": lambda w: {},
    "reports:detail": lambda w: {"pk": 999_999},
    "reports:screenshot": lambda w: {"pk": 999_999},
    "reports:assign": lambda w: {"pk": 999_999},
    "reports:comment": lambda w: {"pk": 999_999},
    "reports:share": lambda w: {"pk": 999_999},
    "reports:close": lambda w: {"pk": 999_999},
    "reports:refer": lambda w: {"pk": 999_999},
    "mfa:verify": lambda w: {},
    "mfa:enrol": lambda w: {},
    "mfa:qr-code": lambda w: {},
    "directory": lambda w: {},
    "directory-json": lambda w: {},
    "healthz": lambda w: {},
}


def _standards_pk():
    from governance.models import StandardsVersion

    return StandardsVersion.objects.order_by("pk").values_list("pk", flat=True).first()


def _names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from _names(pattern.url_patterns, inner or namespace)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_of_the_portal_is_listed_here():
    names = set(_names(get_resolver().url_patterns))
    assert names - set(URLS) == set(), "a new URL: add it to URLS in tests/test_no_store.py"
    assert set(URLS) - names == set(), "URLS names a URL the portal no longer has"


@pytest.mark.parametrize("name", sorted(URLS))
def test_no_signed_in_response_is_stored(client_for, world, name):
    client = client_for(world.director)
    response = client.get(reverse(name, kwargs=URLS[name](world)))
    assert "no-store" in response.get("Cache-Control", ""), (name, response.status_code)


def test_the_registry_export_is_not_stored(client_for, world):
    response = client_for(world.auditor).get(reverse("accounts:export"))
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]


def test_the_public_directory_stays_cacheable_for_visitors(client, world):
    assert "no-store" not in client.get(reverse("directory")).get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/admin/", "/admin/governance/employee/", "/admin/accounts/providergrant/"])
def test_the_admin_is_not_stored(client, db, path):
    client.force_login(UserFactory(username="it", is_superuser=True, is_staff=True))
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
