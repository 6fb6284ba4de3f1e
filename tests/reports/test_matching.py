"""Is this the City's? The registry match of a reported address in any spelling, and the
likely-impersonation score (reports/matching.py): its steps, and a table of handles with the
verdict the communications team should see."""

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.normalization import AccountKey
from reports.matching import (
    Candidate,
    account_name,
    city_identifiers,
    match_address,
    reduce_name,
    resemblance,
    score_names,
)
from reports.models import RegistryMatch

# --- the match -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "account"),
    [
        ("https://www.instagram.com/calgaryparks", "parks"),
        ("instagram.com/CalgaryParks/", "parks"),
        ("https://instagram.com/calgaryparks?igsh=abc123", "parks"),
        ("http://m.instagram.com/calgaryparks/#", "parks"),
        ("https://www.instagram.com/stories/calgaryparks/3311/", "parks"),
        ("https://twitter.com/CalgaryTransit", "transit"),
        ("https://mobile.twitter.com/calgarytransit?s=20", "transit"),
        ("x.com/calgarytransit/status/1790012345678901234", "transit"),  # a post by the account
        ("https://twitter.com/#!/calgarytransit", "transit"),
        ("https://www.linkedin.com/company/city-of-calgary/posts/", "linkedin"),
        ("https://mastodon.social/@YYCTransitAlerts", "mastodon"),
        ("https://bsky.app/profile/cityofcalgary.bsky.social", "bluesky"),
        ("https://www.facebook.com/calgaryparksevents", "closing"),  # being decommissioned: still official
    ],
)
def test_an_official_account_is_found_in_any_spelling(registry, address, account):
    match = match_address(address)
    assert match.registry_match == RegistryMatch.OFFICIAL
    assert match.account == registry[account]
    assert match.score.value is None


@pytest.mark.parametrize(
    "address",
    [
        "https://x.com/yycsnowangels",
        "https://twitter.com/YYCSnowAngels/",
        "mobile.twitter.com/yycsnowangels/status/12345",
    ],
)
def test_a_decommissioned_account_is_a_former_city_account(registry, address):
    match = match_address(address)
    assert match.registry_match == RegistryMatch.FORMER
    assert match.account == registry["snow"]


@pytest.mark.parametrize(
    ("address", "platform", "key"),
    [
        ("https://www.instagram.com/calgary_parks_official", "instagram", "instagram.com/calgary_parks_official"),
        ("https://www.tiktok.com/@cityofcalgary", "tiktok", "tiktok.com/@cityofcalgary"),  # not registered there
        ("https://x.com/janesmith", "x", "x.com/janesmith"),
        ("https://calgary-parking-payments.com/", "other", "calgary-parking-payments.com"),
        ("https://www.instagram.com/p/C8bownesscleanup/", "", ""),  # a post: no account to name
        ("https://www.youtube.com/watch?v=abc", "", ""),  # a video: no account to name
    ],
)
def test_anything_else_is_unknown(registry, address, platform, key):
    match = match_address(address)
    assert match.registry_match == RegistryMatch.UNKNOWN
    assert (match.platform, match.account_key) == (platform, key)
    assert match.account is None


def test_an_unknown_address_with_no_name_has_no_score(registry):
    match = match_address("https://www.instagram.com/p/C8bownesscleanup/")
    assert match.score.value is None and not match.score.likely
    assert match.score.closest == ()


def test_the_name_the_reporter_saw_counts_when_the_address_names_no_account(registry):
    match = match_address("https://www.instagram.com/p/C8campsignup/", "Calgary Parks Official")
    assert match.score.likely
    assert match.score.closest[0]["id"] == registry["parks"].pk


def test_the_closest_official_accounts_come_with_the_score(registry):
    match = match_address("https://www.instagram.com/calgary_parks_official")
    assert match.score.value == 1.0 and match.score.likely
    assert match.score.identifiers == ("calgary",)
    closest = match.score.closest
    assert closest[0] == {
        "id": registry["parks"].pk,
        "display_name": "Calgary Parks",
        "platform": "instagram",
        "handle": "@calgaryparks",
        "similarity": 1.0,
    }
    assert len(closest) == 3
    assert registry["snow"].pk not in {account["id"] for account in closest}  # former accounts are not "official"


# --- the verdicts --------------------------------------------------------------------------------------

#: (the account's handle, whether the communications team should see "likely impersonation"), against
#: the registry fixture's accounts. The score's measure is in reports/matching.py.
VERDICTS = [
    # resembles a City account, whatever the decoration
    ("calgary_parks_official", True),
    ("calgaryparksofficial", True),
    ("The_Real.Calgary-Parks", True),
    ("calgaryparks_hq", True),
    ("official.calgary.transit", True),
    ("calgary.transit.ca", True),
    # typing mistakes and look-alike characters
    ("calgarytransitt", True),
    ("calgarrytransit", True),
    ("caIgaryparks", True),
    ("c1tyofcalgary", True),
    ("cityofcalgarry", True),
    # a City identifier with a City account's subject
    ("yycparks", True),
    ("yyc_transit", True),
    ("transit_yyc_official", True),
    ("thecityofcalgary", True),
    ("cityofcalgaryjobs", True),
    ("yycwaterwise_tips", True),
    ("calgary", True),
    # a City identifier alone is not enough: Calgarians name things after their city
    ("calgaryflames", False),
    ("calgaryherald", False),
    ("calgarystampede", False),
    ("yyc_dog_lovers", False),
    ("yycfoodie", False),
    ("mycalgary", False),
    ("calgarynews", False),
    # nothing to do with The City
    ("janesmith", False),
    ("edmontonparks", False),
    ("parks", False),
    ("nenshi4ever", False),
    ("prairiepete", False),
]


@pytest.mark.parametrize(("handle", "likely"), VERDICTS)
def test_the_likely_impersonation_verdict(registry, handle, likely):
    match = match_address(f"https://www.tiktok.com/@{handle.replace('-', '_')}")
    assert match.registry_match == RegistryMatch.UNKNOWN
    score = match.score
    assert 0 <= score.value <= 1
    assert score.likely is likely, f"{handle}: score {score.value}, closest {score.closest[:1]}"


def test_the_table_has_at_least_twenty_handles_of_each_verdict_together():
    assert len(VERDICTS) >= 20
    assert {likely for _, likely in VERDICTS} == {True, False}


def test_the_threshold_and_the_identifiers_come_from_the_settings(registry, settings):
    settings.CITY_IDENTIFIERS = ["yyc"]
    assert city_identifiers() == ("yyc",)
    assert not match_address("https://www.tiktok.com/@calgaryflamesfan").score.identifiers
    settings.IMPERSONATION_THRESHOLD = 0.5
    assert match_address("https://www.tiktok.com/@yyc_dog_lovers").score.likely


# --- the steps of the measure ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reduced"),
    [
        ("Calgary_Parks.Official", "calgaryparks"),
        ("calgaryparksofficial", "calgaryparks"),
        ("TheRealCityOfCalgary", "cityofcalgary"),
        ("the-real-calgary-parks", "calgaryparks"),
        ("Ville de Calgary — Parcs", "villedecalgaryparcs"),
        ("Çalgary Pârks", "calgaryparks"),
        ("calgary.transit.ca", "calgarytransit"),
        ("theatre_calgary", "theatrecalgary"),  # separators: only whole decoration words go
        ("official", "official"),  # nothing but decoration: kept
        ("the", "the"),
        ("", ""),
    ],
)
def test_a_name_is_reduced_to_its_letters_and_digits_without_decoration(name, reduced):
    assert reduce_name(name) == reduced


def test_resemblance_is_one_minus_the_normalised_edit_distance():
    assert resemblance("calgarytransit", "calgarytransit") == 1.0
    assert resemblance("calgarytransitt", "calgarytransit") == pytest.approx(1 - 1 / 15)
    assert resemblance("parks", "water") == pytest.approx(1 - 4 / 5)
    assert resemblance("abc", "") == 0.0


@pytest.mark.parametrize(
    ("key", "name"),
    [
        (AccountKey("instagram", "instagram.com/calgaryparks", "@calgaryparks", ""), "calgaryparks"),
        (AccountKey("x", "x.com/calgarytransit", "@calgarytransit", ""), "calgarytransit"),
        (AccountKey("tiktok", "tiktok.com/@yyc_transit", "@yyc_transit", ""), "yyc_transit"),
        (AccountKey("mastodon", "mastodon.social/@yyctransitalerts", "", ""), "yyctransitalerts"),
        (AccountKey("bluesky", "bsky.app/profile/cityofcalgary.bsky.social", "", ""), "cityofcalgary"),
        (AccountKey("bluesky", "bsky.app/profile/parks.calgary.ca", "", ""), "parks.calgary"),
        (AccountKey("bluesky", "bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx", "", ""), ""),
        (AccountKey("facebook", "facebook.com/profile.php?id=1234", "", ""), ""),
        (AccountKey("linkedin", "linkedin.com/company/city-of-calgary", "", ""), "city-of-calgary"),
        (AccountKey("other", "calgary-parking-payments.com", "", ""), "calgary-parking-payments"),
        (AccountKey("other", "example.org/calgary/parks", "", ""), "parks"),
    ],
)
def test_the_name_in_an_accounts_identity(key, name):
    assert account_name(key) == name


CANDIDATES = [
    Candidate(1, "City of Calgary", "instagram", "@cityofcalgary", ("cityofcalgary",)),
    Candidate(2, "Calgary Parks", "instagram", "@calgaryparks", ("calgaryparks",)),
]


def test_a_city_identifier_scores_at_least_one_half_even_with_no_city_accounts():
    score = score_names(["yyc_dog_lovers"], [], ("yyc",))
    assert score.value == 0.5 and score.identifiers == ("yyc",) and score.closest == ()


def test_no_name_no_score():
    assert score_names(["", "  "], CANDIDATES, ("calgary",)).value is None


@hypothesis_settings(max_examples=300, deadline=None)
@given(names=st.lists(st.text(max_size=60), max_size=3))
def test_any_names_give_a_score_between_zero_and_one(names):
    score = score_names(names, CANDIDATES, ("cityofcalgary", "calgary", "yyc"))
    assert score.value is None or 0 <= score.value <= 1
    assert all(0 < account["similarity"] <= 1 for account in score.closest)
