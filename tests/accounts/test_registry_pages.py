"""The registry pages, the CSV export and the public directory."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services
from accounts.models import AccountStatus, GrantStatus
from accounts.views import spreadsheet_safe
from tests.factories import make_account, make_grant


def listed(page, account):
    return f'href="/accounts/{account.pk}/"' in page


def test_csc_sees_every_account_and_can_filter(client_for, world):
    client = client_for(world.csc_staff)
    parks, transit = world.parks_account, world.transit_account

    def shown(url):
        page = client.get(url).content.decode()
        return {name for name, account in (("parks", parks), ("transit", transit)) if listed(page, account)}

    assert shown("/accounts/") == {"parks", "transit"}
    assert shown("/accounts/?platform=instagram") == {"parks"}
    assert shown("/accounts/?business_unit=TRN") == {"transit"}
    assert shown("/accounts/?q=transit") == {"transit"}
    assert shown("/accounts/?q=x.com/CalgaryTransit") == {"transit"}
    transit.status = AccountStatus.DECOMMISSIONED
    transit.save()
    assert shown("/accounts/?status=decommissioned") == {"transit"}


def test_a_manager_sees_their_units_accounts_and_a_provider_what_they_operate(client_for, world):
    manager_page = client_for(world.manager).get("/accounts/").content.decode()
    assert listed(manager_page, world.parks_account) and not listed(manager_page, world.transit_account)
    provider_page = client_for(world.provider).get("/accounts/").content.decode()
    assert listed(provider_page, world.parks_account) and not listed(provider_page, world.transit_account)
    assert "No accounts to show" in client_for(world.employee).get("/accounts/").content.decode()


def test_a_suspended_provider_no_longer_sees_the_account(client_for, world):
    world.provider_grant.status = GrantStatus.SUSPENDED
    world.provider_grant.save()
    assert client_for(world.provider).get(f"/accounts/{world.parks_account.pk}/").status_code == 404


def test_the_account_page_shows_providers_history_and_role_actions(client_for, world):
    from accounts import services

    services.revoke_grant(grant=world.provider_grant, acting_user=world.director, reason="Moved teams.")
    page = client_for(world.director).get(f"/accounts/{world.parks_account.pk}/").content.decode()
    assert "Past providers (1)" in page and "Moved teams." in page
    assert "grant.revoked" in page
    assert "Request decommissioning" in page and "Edit details" in page
    manager_page = client_for(world.manager).get(f"/accounts/{world.parks_account.pk}/").content.decode()
    assert "Request provider access" in manager_page and "Request decommissioning" in manager_page
    assert "Edit details" not in manager_page


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1-403-555", "'+1-403-555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("Calgary Parks", "Calgary Parks"),
        (None, ""),
    ],
)
def test_csv_cells_cannot_start_a_formula(value, expected):
    assert spreadsheet_safe(value) == expected


def test_the_csv_export_holds_the_filtered_visible_accounts_safely(client_for, world):
    make_account(
        handle="@evil",
        display_name="=cmd|' /C calc'!A0",
        business_unit=world.parks,
        accountable_manager=world.manager_emp,
    )
    response = client_for(world.manager).get("/accounts/export.csv?platform=instagram")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Display name", "Platform", "Handle"]
    names = sorted(row[0] for row in rows[1:])
    assert names == ["'=cmd|' /C calc'!A0", "Calgary Parks"]  # no Transit: not the manager's


def test_the_directory_is_public_and_lists_active_listed_accounts(client, world):
    make_account(
        handle="@internal",
        display_name="Internal Campaign",
        business_unit=world.parks,
        accountable_manager=world.manager_emp,
        listed=False,
    )
    make_account(
        handle="@oldparks",
        display_name="Old Parks",
        business_unit=world.parks,
        accountable_manager=world.manager_emp,
        status=AccountStatus.DECOMMISSIONED,
    )
    page = client.get("/directory/").content.decode()
    assert "Calgary Parks" in page and "Calgary Transit" in page
    assert "Internal Campaign" not in page and "Old Parks" not in page
    assert page.index("Calgary Transit") < page.index("Parks &amp; Open Spaces")  # grouped by unit, by name
    data = json.loads(client.get("/directory.json?platform=x").content)
    assert data["accounts"] == [
        {
            "display_name": "Calgary Transit",
            "platform": "x",
            "handle": "@calgarytransit",
            "url": "https://x.com/calgarytransit",
            "business_unit": "Calgary Transit",
        }
    ]


@pytest.mark.parametrize(
    "check",
    ["https://WWW.Instagram.com/CalgaryParks/?igsh=abc#top", "instagram.com/calgaryparks", "@CalgaryParks"],
)
def test_is_this_official_recognises_the_account_in_any_form(client, world, check):
    page = client.get("/directory/", {"check": check}).content.decode()
    assert "Official: this is a City of Calgary account." in page
    assert "Calgary Parks" in page


def test_is_this_official_says_not_found_and_how_to_report(client, world, settings):
    page = client.get("/directory/", {"check": "https://www.instagram.com/calgaryparks_official"}).content.decode()
    assert "is not in the City's directory of official accounts" in page
    assert f"mailto:{settings.CSC_MAILBOX}" in page


def test_a_decommissioned_account_is_not_official_any_more(client, world):
    world.parks_account.status = AccountStatus.DECOMMISSIONED
    world.parks_account.save()
    page = client.get("/directory/", {"check": "@calgaryparks"}).content.decode()
    assert "Official:" not in page and "Not found" in page


def test_is_this_official_explains_an_unreadable_address(client, db):
    page = client.get("/directory/", {"check": "javascript:alert(1)"}).content.decode()
    assert "Enter the account" in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _add_accounts(world, count):
    """Parks accounts the provider (Lucas) operates: every persona's list grows with them."""
    start = world.parks.social_accounts.count()
    for n in range(start, start + count):
        account = make_account(
            handle=f"@parks{n}",
            display_name=f"Parks {n:03d}",
            business_unit=world.parks,
            accountable_manager=world.manager_emp,
        )
        make_grant(employee=world.provider_emp, account=account)


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("csc_staff", "/accounts/"),
        ("manager", "/accounts/"),
        ("provider", "/accounts/"),
        (None, "/directory/"),
        (None, "/directory.json"),
        ("csc_staff", "/accounts/?q=parks"),
    ],
)
def test_registry_and_directory_cost_the_same_queries_for_5_rows_as_for_200(client, world, persona, url):
    if persona:
        client.force_login(getattr(world, persona))
    _add_accounts(world, 3)  # 5 accounts in all
    _queries(client, url)
    small = _queries(client, url)
    _add_accounts(world, 195)
    assert _queries(client, url) == small
    if persona == "provider":  # the rows grew for the provider too: an N+1 would have shown
        assert "199 accounts." in client.get(url).content.decode()


def test_csc_registers_an_existing_account_once(client_for, world):
    client = client_for(world.csc_staff)
    form = {
        "platform": "youtube",
        "address": "https://m.youtube.com/@CityOfCalgary/videos",
        "display_name": "City of Calgary",
        "business_unit": world.csc_unit.pk,
        "accountable_manager": world.director_emp.employee_number,
        "purpose": "Video news.",
        "listed_in_directory": "on",
    }
    response = client.post("/accounts/new/", form)
    from accounts.models import SocialAccount

    account = SocialAccount.objects.get(platform="youtube")
    assert response["Location"] == f"/accounts/{account.pk}/"
    assert account.normalized_url == "youtube.com/@cityofcalgary"
    again = client.post("/accounts/new/", {**form, "address": "@cityofcalgary", "display_name": "City TV"})
    assert again.status_code == 200
    assert again.context["form"].errors == {
        "address": ["This account is already registered: City of Calgary (@CityOfCalgary)."]
    }
    page = again.content.decode()
    assert 'value="@cityofcalgary"' in page and 'value="City TV"' in page  # what was typed, kept
    assert SocialAccount.objects.filter(platform="youtube").count() == 1


def test_an_address_that_is_not_an_account_is_refused_on_its_field(client_for, world):
    response = client_for(world.csc_staff).post(
        "/accounts/new/",
        {
            "platform": "instagram",
            "address": "https://www.instagram.com/p/Cx1",
            "display_name": "A post",
            "business_unit": world.parks.pk,
            "accountable_manager": world.manager_emp.employee_number,
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["address"]
    assert "not an account's own page" in response.context["form"].errors["address"][0]


def test_revoking_from_the_account_page_comes_back_to_it(client_for, world):
    page = client_for(world.manager).get(f"/accounts/{world.parks_account.pk}/").content.decode()
    url = f"/accounts/{world.parks_account.pk}/grants/{world.provider_grant.pk}/revoke/"
    assert f'action="{url}"' in page
    response = client_for(world.manager).post(url, {"reason": "Moved teams."}, follow=True)
    assert response.redirect_chain == [(f"/accounts/{world.parks_account.pk}/", 302)]
    assert "Lucas Moreau&#x27;s access to Calgary Parks is revoked." in response.content.decode()


def test_the_edit_form_shows_the_accountable_manager_by_employee_number(client_for, world):
    page = client_for(world.csc_staff).get(f"/accounts/{world.parks_account.pk}/edit/").content.decode()
    assert 'value="E0101"' in page
    response = client_for(world.csc_staff).post(
        f"/accounts/{world.parks_account.pk}/edit/",
        {
            "display_name": "Calgary Parks & Pathways",
            "business_unit": world.parks.pk,
            "accountable_manager": "E0101",
            "purpose": "Parks.",
            "listed_in_directory": "on",
        },
    )
    assert response.status_code == 302
    world.parks_account.refresh_from_db()
    assert world.parks_account.display_name == "Calgary Parks & Pathways"
    from governance.models import AuditEvent

    assert AuditEvent.objects.get(verb="account.updated").changes["display_name"] == {
        "before": "Calgary Parks",
        "after": "Calgary Parks & Pathways",
    }


def test_the_directory_pages_through_many_accounts(client, world):
    for n in range(120):
        make_account(
            handle=f"@yyc{n:03d}",
            display_name=f"YYC {n:03d}",
            business_unit=world.parks,
            accountable_manager=world.manager_emp,
        )
    first = client.get("/directory/").content.decode()
    assert "122 official accounts, 1–100 shown" in first and "Page 1 of 2" in first
    data = json.loads(client.get("/directory.json").content)
    assert data["count"] == 122 and data["next"] is None and len(data["accounts"]) == 122


def test_visitors_get_the_directory_from_the_cache_until_the_registry_changes(
    client, world, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from accounts import services
    from accounts.selectors import directory_changed

    settings.DIRECTORY_CACHE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):
        directory_changed()  # a fresh generation: nothing cached by earlier runs on this Redis
    assert "Calgary Parks" in client.get("/directory/?q=parks").content.decode()
    with django_assert_num_queries(0):
        assert "Calgary Parks" in client.get("/directory/?q=parks").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_account(
            account=world.parks_account, acting_user=world.csc_staff, values={"listed_in_directory": False}
        )
    assert "Calgary Parks" not in client.get("/directory/?q=parks").content.decode()


@pytest.fixture
def cached_directory(client, world, settings, django_assert_num_queries, django_capture_on_commit_callbacks):
    """The public directory served from the cache: `cached_directory()` is the page as a visitor
    gets it now, and it is checked to come from the cache (no query) on a second look."""
    from accounts.selectors import directory_changed

    settings.DIRECTORY_CACHE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):
        directory_changed()  # a fresh generation: nothing cached by earlier runs on this Redis

    def page():
        content = client.get("/directory/").content.decode()
        with django_assert_num_queries(0):
            assert client.get("/directory/").content.decode() == content
        return content

    return page


def test_registering_a_listed_account_shows_at_once_in_the_cached_directory(
    cached_directory, world, django_capture_on_commit_callbacks
):
    from accounts import services

    assert "Calgary Zoo Friends" not in cached_directory()
    with django_capture_on_commit_callbacks(execute=True):
        services.register_account(
            platform="facebook",
            address="https://www.facebook.com/calgaryzoofriends",
            display_name="Calgary Zoo Friends",
            business_unit=world.parks,
            accountable_manager=world.manager_emp,
            acting_user=world.csc_staff,
        )
    assert "Calgary Zoo Friends" in cached_directory()


def test_approving_a_new_account_shows_it_at_once_in_the_cached_directory(
    cached_directory, world, django_capture_on_commit_callbacks
):
    from requests import services as request_services

    name = world.mine_submitted.detail.proposed_name
    assert name not in cached_directory()
    with django_capture_on_commit_callbacks(execute=True):
        request_services.approve_request(governance_request=world.mine_submitted, acting_user=world.director)
    assert name in cached_directory()


def test_decommissioning_removes_the_account_at_once_from_the_cached_directory(
    cached_directory, world, django_capture_on_commit_callbacks
):
    from accounts import services

    assert "x.com/calgarytransit" in cached_directory()
    with django_capture_on_commit_callbacks(execute=True):
        services.decommission_account(account=world.transit_account, acting_user=world.director)
    assert "x.com/calgarytransit" not in cached_directory()


def test_co_providers_do_not_read_why_another_provider_lost_access(client_for, world):
    """Lucas and Jordan both operate the Parks account; Jordan's access is revoked with a
    reason. Lucas (a co-provider) sees that Jordan was a provider but not why the access ended;
    the managers, CSC, the Director and auditors read the reason (Jordan was told it by email)."""
    reason = "Posted a private matter about a colleague."
    jordan = make_grant(employee=world.employee_emp, account=world.parks_account)
    services.revoke_grant(grant=jordan, acting_user=world.director, reason=reason)
    url = f"/accounts/{world.parks_account.pk}/"
    co_provider_page = client_for(world.provider).get(url).content.decode()
    assert "Jordan Ellis" in co_provider_page
    assert "private matter" not in co_provider_page
    for reader in (world.manager, world.csc_staff, world.director, world.auditor):
        assert "private matter" in client_for(reader).get(url).content.decode(), reader.username
