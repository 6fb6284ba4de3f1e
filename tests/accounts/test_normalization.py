"""One key per account, whatever shape its address or handle is written in (accounts/normalization.py)."""

import itertools
import re
import string
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from accounts.models import Platform
from accounts.normalization import (
    BLUESKY,
    FACEBOOK,
    FLICKR,
    INSTAGRAM,
    LINKEDIN,
    MASTODON,
    NEXTDOOR,
    OTHER,
    PINTEREST,
    PLATFORMS,
    THREADS,
    TIKTOK,
    YOUTUBE,
    AccountKey,
    NotAnAccountAddress,
    X,
    candidate_keys,
    normalize,
)

CHANNEL_ID = "UCaBcDeFgHiJkLmNoPqRsT12"


def key_of(value, platform=None):
    return normalize(value, platform).key


def test_the_platforms_are_the_registry_choices():
    assert PLATFORMS == (
        "facebook",
        "instagram",
        "x",
        "linkedin",
        "youtube",
        "tiktok",
        "threads",
        "bluesky",
        "mastodon",
        "nextdoor",
        "flickr",
        "pinterest",
        "other",
    )


# --- Hosts, schemes and the parts of an address that do not matter -------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "https://x.com/calgarytransit",
        "https://twitter.com/calgarytransit",
        "http://www.twitter.com/calgarytransit",
        "https://mobile.twitter.com/calgarytransit",
        "https://m.twitter.com/calgarytransit",
        "twitter.com/calgarytransit",
        "www.x.com/calgarytransit",
        "HTTPS://TWITTER.COM/calgarytransit",
    ],
)
def test_twitter_and_x_addresses_are_the_same_account(value):
    assert key_of(value) == "x.com/calgarytransit"


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("instagram.com/cityofcalgary", "instagram.com/cityofcalgary"),
        ("http://instagram.com/cityofcalgary", "instagram.com/cityofcalgary"),
        ("https://www.instagram.com:443/cityofcalgary", "instagram.com/cityofcalgary"),
        ("http://www.instagram.com:80/cityofcalgary", "instagram.com/cityofcalgary"),
        ("https://m.facebook.com/cityofcalgary", "facebook.com/cityofcalgary"),
        ("https://web.facebook.com/cityofcalgary", "facebook.com/cityofcalgary"),
        ("https://fb.com/cityofcalgary", "facebook.com/cityofcalgary"),
        ("https://www.fb.com/cityofcalgary", "facebook.com/cityofcalgary"),
        ("https://m.youtube.com/@cityofcalgary", "youtube.com/@cityofcalgary"),
        ("https://www.threads.net/@cityofcalgary", "threads.net/@cityofcalgary"),
        ("https://www.threads.com/@cityofcalgary", "threads.net/@cityofcalgary"),
        ("https://threads.com/@cityofcalgary", "threads.net/@cityofcalgary"),
        ("https://ca.linkedin.com/company/city-of-calgary", "linkedin.com/company/city-of-calgary"),
        ("https://WWW.Instagram.COM/cityofcalgary", "instagram.com/cityofcalgary"),
        ("https://instagram.com./cityofcalgary", "instagram.com/cityofcalgary"),
    ],
)
def test_scheme_default_port_and_host_variants_do_not_matter(value, key):
    assert key_of(value) == key


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("https://www.instagram.com/cityofcalgary/", "instagram.com/cityofcalgary"),
        ("https://www.instagram.com/cityofcalgary//", "instagram.com/cityofcalgary"),
        ("https://www.instagram.com/cityofcalgary?hl=en", "instagram.com/cityofcalgary"),
        (
            "https://www.instagram.com/cityofcalgary/?utm_source=ig_web_button_share_sheet",
            "instagram.com/cityofcalgary",
        ),
        ("https://x.com/calgarytransit?ref_src=twsrc%5Etfw#top", "x.com/calgarytransit"),
        ("https://www.facebook.com/cityofcalgary/#", "facebook.com/cityofcalgary"),
        ("https://www.tiktok.com/@cityofcalgary?lang=en", "tiktok.com/@cityofcalgary"),
    ],
)
def test_trailing_slashes_query_strings_and_fragments_are_dropped(value, key):
    assert key_of(value) == key


@pytest.mark.parametrize(
    "value",
    [
        "https://www.facebook.com/profile.php?id=100064540127544",
        "https://www.facebook.com/profile.php?id=100064540127544&sk=about",
        "https://m.facebook.com/profile.php?sk=photos&id=100064540127544#photos",
        "https://www.facebook.com/100064540127544",
        "https://www.facebook.com/pages/City-of-Calgary/100064540127544",
        "https://www.facebook.com/people/City-of-Calgary/100064540127544/",
        "https://www.facebook.com/p/City-of-Calgary-100064540127544/",
        "100064540127544",
    ],
)
def test_a_facebook_account_id_is_one_account_however_it_is_written(value):
    assert key_of(value, FACEBOOK) == "facebook.com/profile.php?id=100064540127544"


def test_a_facebook_profile_address_without_an_id_is_not_an_account():
    with pytest.raises(NotAnAccountAddress):
        normalize("https://www.facebook.com/profile.php?sk=about")


@pytest.mark.parametrize(
    "value",
    [
        "https://twitter.com/#!/CalgaryTransit",
        "http://twitter.com/#!/calgarytransit/status/1",
        "twitter.com/#!/calgarytransit",
    ],
)
def test_an_old_twitter_hashbang_address_names_the_account(value):
    assert key_of(value) == "x.com/calgarytransit"


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("https://www.tiktok.com/%40cityofcalgary", "tiktok.com/@cityofcalgary"),
        ("https://www.youtube.com/%40CityofCalgary/videos", "youtube.com/@cityofcalgary"),
        ("https://x.com/%43algary%5FTransit", "x.com/calgary_transit"),
        ("https://mastodon.social/%40yyc", "mastodon.social/@yyc"),
        ("https://example.com/Caf%C3%A9/Menu", "example.com/Café/Menu"),
        ("https://example.com/Parks%2FEvents", "example.com/Parks/Events"),
    ],
)
def test_percent_encoding_is_decoded(value, key):
    platform = OTHER if "example.com" in value else None
    assert key_of(value, platform) == key


def test_whitespace_around_the_value_is_ignored():
    assert key_of("  https://x.com/calgarytransit \n") == "x.com/calgarytransit"
    assert key_of("\t@CalgaryTransit ", X) == "x.com/calgarytransit"
    assert key_of("\u200b@CalgaryTransit\u200b", X) == "x.com/calgarytransit"


# --- Case ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "platform", "key", "handle"),
    [
        ("https://www.facebook.com/CityOfCalgary", None, "facebook.com/cityofcalgary", "@CityOfCalgary"),
        ("https://www.instagram.com/CityOfCalgary", None, "instagram.com/cityofcalgary", "@CityOfCalgary"),
        ("https://x.com/CalgaryTransit", None, "x.com/calgarytransit", "@CalgaryTransit"),
        (
            "https://www.linkedin.com/company/City-Of-Calgary",
            None,
            "linkedin.com/company/city-of-calgary",
            "City-Of-Calgary",
        ),
        ("https://www.youtube.com/@CityofCalgary", None, "youtube.com/@cityofcalgary", "@CityofCalgary"),
        ("https://www.youtube.com/c/CityofCalgary", None, "youtube.com/c/cityofcalgary", "CityofCalgary"),
        ("https://www.youtube.com/user/CityofCalgary", None, "youtube.com/user/cityofcalgary", "CityofCalgary"),
        ("https://www.tiktok.com/@CityOfCalgary", None, "tiktok.com/@cityofcalgary", "@CityOfCalgary"),
        ("https://www.threads.net/@CityOfCalgary", None, "threads.net/@cityofcalgary", "@CityOfCalgary"),
        (
            "https://bsky.app/profile/CityOfCalgary.bsky.social",
            None,
            "bsky.app/profile/cityofcalgary.bsky.social",
            "@CityOfCalgary.bsky.social",
        ),
        ("https://Mastodon.Social/@YYC", None, "mastodon.social/@yyc", "@YYC@mastodon.social"),
        ("https://Town.Example/@YYC", MASTODON, "town.example/@yyc", "@YYC@town.example"),
        ("https://www.pinterest.com/CityOfCalgary", None, "pinterest.com/cityofcalgary", "@CityOfCalgary"),
        ("https://nextdoor.com/pages/City-Of-Calgary", None, "nextdoor.com/pages/city-of-calgary", "City-Of-Calgary"),
        ("https://www.flickr.com/photos/CityOfCalgary", None, "flickr.com/photos/cityofcalgary", "CityOfCalgary"),
    ],
)
def test_handles_ignore_case_in_the_key_and_keep_it_for_display(value, platform, key, handle):
    account = normalize(value, platform)
    assert account.key == key
    assert account.handle == handle


def test_youtube_channel_ids_keep_their_case():
    account = normalize(f"https://www.youtube.com/channel/{CHANNEL_ID}/videos")
    assert account.key == f"youtube.com/channel/{CHANNEL_ID}"
    assert account.handle == CHANNEL_ID
    assert key_of(f"https://www.youtube.com/channel/{CHANNEL_ID.lower().replace('uc', 'UC', 1)}") != account.key


def test_a_decoded_question_mark_stays_in_the_path_of_an_other_address():
    account = normalize("https://example.com/Q%3FA", OTHER)
    assert account.key == "example.com/Q?A"
    assert account.url == "https://example.com/Q%3FA"
    assert normalize(account.url, OTHER) == account


def test_other_platform_addresses_keep_the_case_of_their_path():
    account = normalize("https://WWW.Example.COM/Groups/CityOfCalgary/?tab=about#members", OTHER)
    assert account.key == "example.com/Groups/CityOfCalgary"
    assert account.url == "https://example.com/Groups/CityOfCalgary"
    assert key_of("https://example.com/groups/cityofcalgary", OTHER) != account.key


def test_a_flickr_numeric_id_keeps_its_capital_n():
    assert key_of("https://www.flickr.com/photos/12345678@n02/", FLICKR) == "flickr.com/photos/12345678@N02"


# --- The account, not a page inside it -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("https://www.instagram.com/cityofcalgary/reels/", "instagram.com/cityofcalgary"),
        ("https://www.instagram.com/cityofcalgary/tagged", "instagram.com/cityofcalgary"),
        ("https://www.instagram.com/stories/cityofcalgary/3312345678901234567/", "instagram.com/cityofcalgary"),
        ("https://x.com/calgarytransit/status/1790012345678901234", "x.com/calgarytransit"),
        ("https://x.com/calgarytransit/with_replies", "x.com/calgarytransit"),
        ("https://twitter.com/calgarytransit/status/1790012345678901234/photo/1", "x.com/calgarytransit"),
        ("https://www.facebook.com/cityofcalgary/posts/pfbid02abc", "facebook.com/cityofcalgary"),
        ("https://www.facebook.com/cityofcalgary/about", "facebook.com/cityofcalgary"),
        ("https://www.facebook.com/pg/cityofcalgary/about/", "facebook.com/cityofcalgary"),
        ("https://www.tiktok.com/@cityofcalgary/video/7301234567890123456", "tiktok.com/@cityofcalgary"),
        ("https://www.youtube.com/@cityofcalgary/videos", "youtube.com/@cityofcalgary"),
        ("https://www.youtube.com/@cityofcalgary/featured", "youtube.com/@cityofcalgary"),
        ("https://www.youtube.com/@cityofcalgary/about", "youtube.com/@cityofcalgary"),
        ("https://www.youtube.com/@cityofcalgary/streams", "youtube.com/@cityofcalgary"),
        ("https://www.youtube.com/@cityofcalgary/shorts", "youtube.com/@cityofcalgary"),
        ("https://www.youtube.com/@cityofcalgary/playlists", "youtube.com/@cityofcalgary"),
        (
            "https://www.linkedin.com/company/city-of-calgary/posts/?feedView=all",
            "linkedin.com/company/city-of-calgary",
        ),
        ("https://www.linkedin.com/company/city-of-calgary/about/", "linkedin.com/company/city-of-calgary"),
        ("https://www.linkedin.com/company/city-of-calgary/jobs/", "linkedin.com/company/city-of-calgary"),
        ("https://www.pinterest.com/cityofcalgary/parks-and-pathways/", "pinterest.com/cityofcalgary"),
        ("https://www.threads.net/@cityofcalgary/post/C8abcDEFghi", "threads.net/@cityofcalgary"),
        (
            "https://bsky.app/profile/cityofcalgary.bsky.social/post/3kxyzabc",
            "bsky.app/profile/cityofcalgary.bsky.social",
        ),
        ("https://mastodon.social/@yyc/112233445566778899", "mastodon.social/@yyc"),
        ("https://www.flickr.com/photos/cityofcalgary/albums/72157712345678901", "flickr.com/photos/cityofcalgary"),
        (
            "https://nextdoor.com/agency-detail/ab/calgary/the-city-of-calgary/?i=abc",
            "nextdoor.com/agency-detail/ab/calgary/the-city-of-calgary",
        ),
    ],
)
def test_a_post_or_page_address_leads_to_its_account(value, key):
    assert key_of(value) == key


# --- Canonical key shapes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "platform", "expected"),
    [
        (
            "https://www.facebook.com/cityofcalgary",
            None,
            AccountKey(FACEBOOK, "facebook.com/cityofcalgary", "@cityofcalgary", "https://facebook.com/cityofcalgary"),
        ),
        (
            "https://www.instagram.com/cityofcalgary",
            None,
            AccountKey(
                INSTAGRAM, "instagram.com/cityofcalgary", "@cityofcalgary", "https://instagram.com/cityofcalgary"
            ),
        ),
        (
            "https://x.com/calgarytransit",
            None,
            AccountKey(X, "x.com/calgarytransit", "@calgarytransit", "https://x.com/calgarytransit"),
        ),
        (
            "https://www.linkedin.com/company/city-of-calgary",
            None,
            AccountKey(
                LINKEDIN,
                "linkedin.com/company/city-of-calgary",
                "city-of-calgary",
                "https://linkedin.com/company/city-of-calgary",
            ),
        ),
        (
            "https://www.youtube.com/@cityofcalgary",
            None,
            AccountKey(YOUTUBE, "youtube.com/@cityofcalgary", "@cityofcalgary", "https://youtube.com/@cityofcalgary"),
        ),
        (
            "https://www.tiktok.com/@cityofcalgary",
            None,
            AccountKey(TIKTOK, "tiktok.com/@cityofcalgary", "@cityofcalgary", "https://tiktok.com/@cityofcalgary"),
        ),
        (
            "https://www.threads.com/@cityofcalgary",
            None,
            AccountKey(THREADS, "threads.net/@cityofcalgary", "@cityofcalgary", "https://threads.net/@cityofcalgary"),
        ),
        (
            "https://bsky.app/profile/cityofcalgary.bsky.social",
            None,
            AccountKey(
                BLUESKY,
                "bsky.app/profile/cityofcalgary.bsky.social",
                "@cityofcalgary.bsky.social",
                "https://bsky.app/profile/cityofcalgary.bsky.social",
            ),
        ),
        (
            "https://mstdn.ca/@yyc",
            None,
            AccountKey(MASTODON, "mstdn.ca/@yyc", "@yyc@mstdn.ca", "https://mstdn.ca/@yyc"),
        ),
        (
            "https://nextdoor.com/agency-detail/ab/calgary/the-city-of-calgary/",
            None,
            AccountKey(
                NEXTDOOR,
                "nextdoor.com/agency-detail/ab/calgary/the-city-of-calgary",
                "the-city-of-calgary",
                "https://nextdoor.com/agency-detail/ab/calgary/the-city-of-calgary",
            ),
        ),
        (
            "https://www.flickr.com/photos/cityofcalgary",
            None,
            AccountKey(
                FLICKR, "flickr.com/photos/cityofcalgary", "cityofcalgary", "https://flickr.com/photos/cityofcalgary"
            ),
        ),
        (
            "https://www.pinterest.ca/cityofcalgary",
            None,
            AccountKey(
                PINTEREST, "pinterest.com/cityofcalgary", "@cityofcalgary", "https://pinterest.com/cityofcalgary"
            ),
        ),
        (
            "https://www.example.com/cityofcalgary",
            OTHER,
            AccountKey(OTHER, "example.com/cityofcalgary", "cityofcalgary", "https://example.com/cityofcalgary"),
        ),
    ],
)
def test_each_platform_has_one_canonical_key_handle_and_link(value, platform, expected):
    assert normalize(value, platform) == expected


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("https://www.linkedin.com/company/city-of-calgary", "linkedin.com/company/city-of-calgary"),
        ("https://www.linkedin.com/showcase/calgary-transit/", "linkedin.com/showcase/calgary-transit"),
        ("https://www.linkedin.com/school/bow-valley-college/about", "linkedin.com/school/bow-valley-college"),
        ("https://www.linkedin.com/in/jane-doe-123/", "linkedin.com/in/jane-doe-123"),
    ],
)
def test_linkedin_page_kinds_are_kept_in_the_key(value, key):
    assert key_of(value) == key


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("https://www.youtube.com/@cityofcalgary", "youtube.com/@cityofcalgary"),
        ("https://www.youtube.com/c/cityofcalgary", "youtube.com/c/cityofcalgary"),
        ("https://www.youtube.com/cityofcalgary", "youtube.com/c/cityofcalgary"),
        ("https://www.youtube.com/user/cityofcalgary", "youtube.com/user/cityofcalgary"),
        (f"https://www.youtube.com/channel/{CHANNEL_ID}", f"youtube.com/channel/{CHANNEL_ID}"),
    ],
)
def test_youtube_keys_keep_the_kind_of_address(value, key):
    assert key_of(value) == key


@pytest.mark.parametrize(
    "value",
    [
        "https://mastodon.social/@yyc",
        "https://mastodon.social/users/yyc",
        "https://mastodon.social/web/@yyc",
        "https://mastodon.social/@YYC/with_replies",
        "https://fosstodon.org/@yyc@mastodon.social",
        "@yyc@mastodon.social",
        "yyc@mastodon.social",
        "@YYC@Mastodon.Social",
    ],
)
def test_mastodon_accounts_are_their_home_instance_and_user(value):
    assert key_of(value, MASTODON) == "mastodon.social/@yyc"


def test_a_mastodon_instance_on_another_port_keeps_its_port():
    assert key_of("https://town.example:8443/@yyc", MASTODON) == "town.example:8443/@yyc"


@pytest.mark.parametrize(
    "value",
    [
        "https://www.pinterest.com/cityofcalgary",
        "https://www.pinterest.ca/cityofcalgary",
        "https://pinterest.co.uk/cityofcalgary",
        "https://ca.pinterest.com/cityofcalgary",
        "https://www.pinterest.com.au/cityofcalgary/_saved/",
    ],
)
def test_pinterest_country_sites_are_the_same_account(value):
    assert key_of(value) == "pinterest.com/cityofcalgary"


@pytest.mark.parametrize(
    "value", ["https://www.flickr.com/photos/cityofcalgary", "https://www.flickr.com/people/cityofcalgary/"]
)
def test_flickr_people_and_photos_addresses_are_the_same_account(value):
    assert key_of(value) == "flickr.com/photos/cityofcalgary"


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("https://bsky.app/profile/calgary.ca", "bsky.app/profile/calgary.ca"),
        (
            "https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx",
            "bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx",
        ),
    ],
)
def test_bluesky_accounts_may_be_a_domain_or_a_did(value, key):
    assert key_of(value) == key


# --- Not accounts --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "https://x.com/home",
        "https://x.com/search?q=calgary",
        "https://x.com/i/lists/123",
        "https://x.com/hashtag/yyc",
        "https://x.com/",
        "https://www.instagram.com/p/C8abcDEFghi/",
        "https://www.instagram.com/reel/C8abcDEFghi/",
        "https://www.instagram.com/explore/tags/calgary/",
        "https://www.facebook.com/watch/?v=123",
        "https://www.facebook.com/groups/calgarycommunity",
        "https://www.facebook.com/events/123456",
        "https://www.facebook.com/sharer/sharer.php?u=x",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/shorts/abc123",
        "https://www.youtube.com/results?search_query=calgary",
        "https://www.youtube.com/channel/not-a-channel-id",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://www.tiktok.com/foryou",
        "https://www.tiktok.com/discover/calgary",
        "https://www.tiktok.com/cityofcalgary",
        "https://www.linkedin.com/feed/",
        "https://www.linkedin.com/company/",
        "https://www.threads.net/cityofcalgary",
        "https://bsky.app/search?q=calgary",
        "https://bsky.app/profile/not_a_domain",
        "https://www.pinterest.com/pin/123456789/",
        "https://www.flickr.com/explore",
        "https://nextdoor.com/news_feed/",
        "https://instagram.com",
    ],
)
def test_reserved_and_content_paths_are_not_accounts(value):
    with pytest.raises(NotAnAccountAddress):
        normalize(value)


def test_a_youtube_video_address_says_it_is_a_video():
    with pytest.raises(NotAnAccountAddress, match="video"):
        normalize("https://youtu.be/dQw4w9WgXcQ")


def test_a_facebook_group_says_groups_are_not_accounts():
    with pytest.raises(NotAnAccountAddress, match="group is not an account"):
        normalize("https://www.facebook.com/groups/calgarycommunity")


@pytest.mark.parametrize(
    ("value", "platform"),
    [
        ("", None),
        ("   ", X),
        ("@City Of Calgary", X),
        ("https://x.com/calgary transit", None),
        ("javascript:alert(1)", None),
        ("ftp://x.com/calgarytransit", None),
        ("mailto:info@calgary.ca", None),
        ("https://example.com/calgarytransit", X),
        ("https://localhost/calgarytransit", OTHER),
        ("https://127.0.0.1/calgarytransit", OTHER),
        ("https://x.com:notaport/calgarytransit", None),
        ("calgarytransit", OTHER),
        ("@yyc", MASTODON),
        ("calgary", BLUESKY),
        ("@cityofcalgary", NEXTDOOR),
        ("@this_handle_is_far_too_long_for_x", X),
        ("@calgary@transit", X),
    ],
)
def test_values_that_name_no_account_are_refused(value, platform):
    with pytest.raises(NotAnAccountAddress):
        normalize(value, platform)


def test_an_address_of_another_platform_says_which_platform_it_belongs_to():
    with pytest.raises(NotAnAccountAddress, match="belongs to Instagram"):
        normalize("https://www.instagram.com/cityofcalgary", X)
    with pytest.raises(NotAnAccountAddress, match="belongs to X"):
        normalize("https://twitter.com/calgarytransit", OTHER)


def test_an_unknown_host_needs_the_platform_chosen():
    with pytest.raises(NotAnAccountAddress, match="choose the account's platform"):
        normalize("https://town.example/@yyc")
    assert key_of("https://town.example/@yyc", MASTODON) == "town.example/@yyc"
    assert key_of("https://town.example/@yyc", OTHER) == "town.example/@yyc"


def test_a_bare_handle_needs_the_platform_chosen():
    with pytest.raises(NotAnAccountAddress, match="Choose the platform"):
        normalize("@calgarytransit")


def test_error_messages_tell_a_person_what_to_enter():
    with pytest.raises(NotAnAccountAddress) as empty:
        normalize("")
    assert str(empty.value) == (
        "Enter the account's address, such as https://www.instagram.com/cityofcalgary, "
        "or its handle, such as @cityofcalgary."
    )
    with pytest.raises(NotAnAccountAddress) as bad_handle:
        normalize("@calgary transit", X)
    assert "no spaces" in str(bad_handle.value)
    with pytest.raises(NotAnAccountAddress) as post:
        normalize("https://www.instagram.com/p/C8abcDEFghi/")
    assert "https://www.instagram.com/cityofcalgary" in str(post.value)


def test_an_unknown_platform_value_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown platform") as error:
        normalize("@calgarytransit", "myspace")
    assert not isinstance(error.value, NotAnAccountAddress)


# --- Bare handles with their platform ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "platform", "key", "handle"),
    [
        ("@CalgaryTransit", X, "x.com/calgarytransit", "@CalgaryTransit"),
        ("CalgaryTransit", X, "x.com/calgarytransit", "@CalgaryTransit"),
        ("@CityOfCalgary", INSTAGRAM, "instagram.com/cityofcalgary", "@CityOfCalgary"),
        ("city.of.calgary", INSTAGRAM, "instagram.com/city.of.calgary", "@city.of.calgary"),
        ("@CityOfCalgary", FACEBOOK, "facebook.com/cityofcalgary", "@CityOfCalgary"),
        ("@yyc@mastodon.social", MASTODON, "mastodon.social/@yyc", "@yyc@mastodon.social"),
        ("@calgary.bsky.social", BLUESKY, "bsky.app/profile/calgary.bsky.social", "@calgary.bsky.social"),
        ("calgary.bsky.social", BLUESKY, "bsky.app/profile/calgary.bsky.social", "@calgary.bsky.social"),
        ("@CityofCalgary", YOUTUBE, "youtube.com/@cityofcalgary", "@CityofCalgary"),
        ("CityofCalgary", YOUTUBE, "youtube.com/@cityofcalgary", "@CityofCalgary"),
        (CHANNEL_ID, YOUTUBE, f"youtube.com/channel/{CHANNEL_ID}", CHANNEL_ID),
        ("@CityOfCalgary", TIKTOK, "tiktok.com/@cityofcalgary", "@CityOfCalgary"),
        ("cityofcalgary", TIKTOK, "tiktok.com/@cityofcalgary", "@cityofcalgary"),
        ("@CityOfCalgary", THREADS, "threads.net/@cityofcalgary", "@CityOfCalgary"),
        ("city-of-calgary", LINKEDIN, "linkedin.com/company/city-of-calgary", "city-of-calgary"),
        ("@CityOfCalgary", PINTEREST, "pinterest.com/cityofcalgary", "@CityOfCalgary"),
        ("cityofcalgary", FLICKR, "flickr.com/photos/cityofcalgary", "cityofcalgary"),
    ],
)
def test_a_bare_handle_with_its_platform_names_the_account(value, platform, key, handle):
    account = normalize(value, platform)
    assert (account.key, account.handle) == (key, handle)


def test_a_bare_host_is_an_address_for_other_platforms():
    assert key_of("calgary.substack.com", OTHER) == "calgary.substack.com"


# --- which platform a host belongs to ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "platform"),
    [
        ("https://www.facebook.com/cityofcalgary", FACEBOOK),
        ("fb.com/cityofcalgary", FACEBOOK),
        ("https://mobile.twitter.com/calgarytransit", X),
        ("https://x.com/calgarytransit", X),
        ("https://www.instagram.com/p/abc", INSTAGRAM),
        ("https://youtu.be/abc", YOUTUBE),
        ("https://www.threads.com/@cityofcalgary", THREADS),
        ("https://bsky.app/profile/calgary.bsky.social", BLUESKY),
        ("https://mastodon.social/@yyc", MASTODON),
        ("https://ca.nextdoor.com/pages/city-of-calgary", NEXTDOOR),
        ("https://www.pinterest.co.uk/cityofcalgary", PINTEREST),
        ("https://town.example/@yyc", None),
        ("https://www.calgary.ca/", None),
        ("@calgarytransit", None),
        ("", None),
        ("javascript:alert(1)", None),
    ],
)
def test_an_address_on_a_platforms_host_is_refused_under_another_platform_naming_its_own(url, platform):
    """The host says which platform an address is on, whatever its subdomain or alias; an
    address on no platform's host is not claimed by any."""
    if platform is None:
        try:
            assert normalize(url, OTHER).platform == OTHER
        except NotAnAccountAddress as error:
            assert "belongs to" not in str(error)
    else:
        with pytest.raises(NotAnAccountAddress, match=re.escape(f"belongs to {Platform(platform).label}, not Other")):
            normalize(url, OTHER)


# --- candidate_keys ------------------------------------------------------------------------------------------------


def test_a_bare_handle_is_looked_up_on_every_platform_it_could_belong_to():
    candidates = candidate_keys("@CalgaryTransit")
    keys = {candidate.key for candidate in candidates}
    assert {"x.com/calgarytransit", "instagram.com/calgarytransit", "tiktok.com/@calgarytransit"} <= keys
    assert {candidate.platform for candidate in candidates} == {
        FACEBOOK,
        INSTAGRAM,
        X,
        LINKEDIN,
        YOUTUBE,
        TIKTOK,
        THREADS,
        FLICKR,
        PINTEREST,
    }
    assert "youtube.com/@calgarytransit" in keys
    assert "linkedin.com/company/calgarytransit" in keys
    assert all(candidate.handle in ("@CalgaryTransit", "CalgaryTransit") for candidate in candidates)


def test_a_handle_only_some_platforms_allow_is_looked_up_there_only():
    platforms = {candidate.platform for candidate in candidate_keys("city.of.calgary")}
    assert X not in platforms  # X handles have no dots
    assert {INSTAGRAM, THREADS, BLUESKY} <= platforms


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("https://twitter.com/CalgaryTransit/status/1", "x.com/calgarytransit"),
        ("instagram.com/cityofcalgary", "instagram.com/cityofcalgary"),
        ("https://town.example/@yyc/123", "town.example/@yyc"),
        ("https://town.example/users/yyc", "town.example/@yyc"),
        ("https://www.calgary.ca/Parks/", "calgary.ca/Parks"),
    ],
)
def test_an_address_is_looked_up_as_exactly_one_account(value, key):
    assert [candidate.key for candidate in candidate_keys(value)] == [key]


def test_an_unknown_host_is_looked_up_as_mastodon_when_the_path_is_a_user():
    assert [candidate.platform for candidate in candidate_keys("https://town.example/@yyc")] == [MASTODON]
    assert [candidate.platform for candidate in candidate_keys("https://www.calgary.ca/parks")] == [OTHER]


def test_a_mastodon_handle_is_looked_up_on_mastodon_only():
    assert candidate_keys("@yyc@mastodon.social") == [normalize("@yyc@mastodon.social", MASTODON)]


def test_a_bluesky_handle_is_looked_up_on_bluesky_only():
    assert [candidate.key for candidate in candidate_keys("@calgary.bsky.social")] == [
        "bsky.app/profile/calgary.bsky.social"
    ]


@pytest.mark.parametrize(
    "value", ["", "   ", "City of Calgary", "@", "@@", "!!!", "<script>", "https://youtu.be/abc", "ftp://x.com/a"]
)
def test_a_lookup_of_something_that_is_no_account_is_refused(value):
    with pytest.raises(NotAnAccountAddress):
        candidate_keys(value)


# --- Properties: every shape of an account's address is the same key ---------------------------------------------

# Generated names always contain a digit, so that none is a reserved path such as x.com/home.
WORD = string.ascii_letters + string.digits + "_"


def with_a_digit(alphabet: str, longest: int, first: str = "") -> st.SearchStrategy[str]:
    """Names of up to `longest` characters from alphabet, containing a digit (and starting with `first` if given)."""
    part = st.text(alphabet, max_size=max(0, (longest - 2) // 2))
    start = st.sampled_from(first) if first else st.just("")
    return st.builds(lambda a, b, digit, c: a + b + digit + c, start, part, st.sampled_from(string.digits), part)


def dotted(longest: int, shortest: int = 1) -> st.SearchStrategy[str]:
    """Instagram-, Threads- and TikTok-style names: word characters with single dots between them."""
    words = st.lists(st.text(WORD, min_size=1, max_size=6), min_size=1, max_size=4)
    digit = st.sampled_from(string.digits)
    return (
        st.builds(lambda parts, d: ".".join(parts) + d, words, digit)
        .map(lambda name: name[-longest:].lstrip("."))
        .filter(lambda name: shortest <= len(name) and any(c.isdigit() for c in name))
    )


DOMAIN_LABEL = with_a_digit(string.ascii_lowercase + string.digits, 12, first=string.ascii_lowercase)


@dataclass(frozen=True)
class AccountForm:
    """How one kind of account may be written: hosts, account paths, sub-pages and bare handles."""

    platform: str
    fields: st.SearchStrategy[dict]  # "name", plus "instance" for Mastodon
    key: Callable[[dict], str]  # the expected key, computed independently of the module
    hosts: tuple[str, ...]
    paths: tuple[str, ...]
    subpages: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    case_insensitive: bool = True
    known_host: bool = True  # False: the platform must be chosen, since the host is any Mastodon instance

    def canonical_url(self, fields: dict) -> str:
        return f"https://{self.key(fields)}"


def named(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[dict]:
    return strategy.map(lambda name: {"name": name})


def lower_name(template: str) -> Callable[[dict], str]:
    return lambda fields: template.format(name=fields["name"].lower())


FORMS = [
    AccountForm(
        X,
        fields=named(with_a_digit(WORD, 15)),
        key=lower_name("x.com/{name}"),
        hosts=(
            "x.com",
            "www.x.com",
            "twitter.com",
            "www.twitter.com",
            "mobile.twitter.com",
            "m.twitter.com",
            "mobile.x.com",
        ),
        paths=("{name}", "#!/{name}"),
        subpages=("status/1790012345678901234", "with_replies", "media", "likes", "followers", "status/1/photo/1"),
        handles=("@{name}", "{name}"),
    ),
    AccountForm(
        INSTAGRAM,
        fields=named(dotted(30)),
        key=lower_name("instagram.com/{name}"),
        hosts=("instagram.com", "www.instagram.com", "m.instagram.com", "instagr.am"),
        paths=("{name}",),
        subpages=("reels", "tagged", "p/C8abcDEFghi", "reel/C8abcDEFghi", "guides"),
        handles=("@{name}", "{name}"),
    ),
    AccountForm(
        FACEBOOK,
        fields=named(with_a_digit(string.ascii_letters + string.digits, 40, first=string.ascii_letters)),
        key=lower_name("facebook.com/{name}"),
        hosts=(
            "facebook.com",
            "www.facebook.com",
            "m.facebook.com",
            "web.facebook.com",
            "mobile.facebook.com",
            "fb.com",
        ),
        paths=("{name}", "pg/{name}"),
        subpages=("posts/pfbid02abcDEF", "about", "photos", "videos", "posts/123456789/"),
        handles=("@{name}", "{name}"),
    ),
    AccountForm(
        FACEBOOK,
        fields=named(st.integers(1, 10**17).map(str)),
        key=lower_name("facebook.com/profile.php?id={name}"),
        hosts=("facebook.com", "www.facebook.com", "m.facebook.com", "fb.com"),
        paths=(
            "profile.php?id={name}",
            "{name}",
            "pages/City-of-Calgary/{name}",
            "people/City/{name}",
            "p/City-{name}",
        ),
        subpages=("about", "posts/123"),
        handles=("{name}", "@{name}"),
    ),
    *(
        AccountForm(
            LINKEDIN,
            fields=named(with_a_digit(string.ascii_letters + string.digits + "-", 40, first=string.ascii_letters)),
            key=lower_name(f"linkedin.com/{kind}/{{name}}"),
            hosts=("linkedin.com", "www.linkedin.com", "ca.linkedin.com", "m.linkedin.com"),
            paths=(f"{kind}/{{name}}",),
            subpages=("posts", "about", "jobs", "life", "people"),
            handles=("{name}", "@{name}") if kind == "company" else (),
        )
        for kind in ("company", "showcase", "school")
    ),
    AccountForm(
        YOUTUBE,
        fields=named(with_a_digit(WORD + ".-", 28).filter(lambda name: len(name) >= 3)),
        key=lower_name("youtube.com/@{name}"),
        hosts=("youtube.com", "www.youtube.com", "m.youtube.com"),
        paths=("@{name}",),
        subpages=("videos", "featured", "about", "streams", "shorts", "playlists", "community"),
        handles=("@{name}",),
    ),
    *(
        AccountForm(
            YOUTUBE,
            fields=named(with_a_digit(WORD + "-", 40, first=string.ascii_letters)),
            key=lower_name(f"youtube.com/{kind}/{{name}}"),
            hosts=("youtube.com", "www.youtube.com", "m.youtube.com"),
            paths=(f"{kind}/{{name}}", "{name}") if kind == "c" else (f"{kind}/{{name}}",),
            subpages=("videos", "featured", "about", "playlists"),
        )
        for kind in ("c", "user")
    ),
    AccountForm(
        YOUTUBE,
        fields=named(
            st.text(string.ascii_letters + string.digits + "_-", min_size=22, max_size=22).map(lambda id_: "UC" + id_)
        ),
        key=lambda fields: f"youtube.com/channel/{fields['name']}",
        hosts=("youtube.com", "www.youtube.com", "m.youtube.com"),
        paths=("channel/{name}",),
        subpages=("videos", "featured", "about", "playlists"),
        handles=("{name}",),
        case_insensitive=False,
    ),
    AccountForm(
        TIKTOK,
        fields=named(dotted(24, shortest=2)),
        key=lower_name("tiktok.com/@{name}"),
        hosts=("tiktok.com", "www.tiktok.com", "m.tiktok.com"),
        paths=("@{name}",),
        subpages=("video/7301234567890123456", "photo/7301234567890123456", "live"),
        handles=("@{name}", "{name}"),
    ),
    AccountForm(
        THREADS,
        fields=named(dotted(30)),
        key=lower_name("threads.net/@{name}"),
        hosts=("threads.net", "www.threads.net", "threads.com", "www.threads.com"),
        paths=("@{name}",),
        subpages=("post/C8abcDEFghi", "replies", "reposts"),
        handles=("@{name}", "{name}"),
    ),
    AccountForm(
        BLUESKY,
        fields=named(
            st.builds(
                lambda label, suffix: label + suffix,
                DOMAIN_LABEL,
                st.sampled_from([".bsky.social", ".ca", ".calgary.ca"]),
            )
        ),
        key=lower_name("bsky.app/profile/{name}"),
        hosts=("bsky.app", "www.bsky.app"),
        paths=("profile/{name}",),
        subpages=("post/3kxyzabc2", "follows", "followers", "lists"),
        handles=("@{name}", "{name}"),
    ),
    AccountForm(
        MASTODON,
        fields=st.fixed_dictionaries(
            {
                "name": with_a_digit(WORD, 30),
                "instance": st.builds(
                    lambda label, tld: f"{label}.{tld}",
                    DOMAIN_LABEL,
                    st.sampled_from(["social", "online", "ca", "town"]),
                ),
            }
        ),
        key=lambda fields: f"{fields['instance']}/@{fields['name'].lower()}",
        hosts=("{instance}", "www.{instance}"),
        paths=("@{name}", "users/{name}", "web/@{name}", "@{name}@{instance}"),
        subpages=("112233445566778899", "with_replies", "media", "following"),
        handles=("@{name}@{instance}", "{name}@{instance}"),
        known_host=False,
    ),
    AccountForm(
        PINTEREST,
        fields=named(with_a_digit(WORD, 30).filter(lambda name: len(name) >= 3)),
        key=lower_name("pinterest.com/{name}"),
        hosts=(
            "pinterest.com",
            "www.pinterest.com",
            "pinterest.ca",
            "www.pinterest.ca",
            "pinterest.co.uk",
            "ca.pinterest.com",
        ),
        paths=("{name}",),
        subpages=("parks-and-pathways", "_saved", "_created"),
        handles=("@{name}", "{name}"),
    ),
    AccountForm(
        FLICKR,
        fields=named(with_a_digit(string.ascii_letters + string.digits + "_-", 30, first=string.ascii_letters)),
        key=lower_name("flickr.com/photos/{name}"),
        hosts=("flickr.com", "www.flickr.com", "m.flickr.com"),
        paths=("photos/{name}", "people/{name}"),
        subpages=("albums", "favorites", "53123456789", "albums/72157712345678901"),
        handles=("{name}",),
    ),
    AccountForm(
        NEXTDOOR,
        fields=named(with_a_digit(string.ascii_letters + string.digits + "-", 40, first=string.ascii_letters)),
        key=lower_name("nextdoor.com/agency-detail/ab/calgary/{name}"),
        hosts=("nextdoor.com", "www.nextdoor.com", "ca.nextdoor.com", "nextdoor.ca"),
        paths=("agency-detail/ab/calgary/{name}", "agency-detail/AB/Calgary/{name}"),
        subpages=("posts", "about"),
    ),
    AccountForm(
        NEXTDOOR,
        fields=named(with_a_digit(string.ascii_letters + string.digits + "-", 40, first=string.ascii_letters)),
        key=lower_name("nextdoor.com/pages/{name}"),
        hosts=("nextdoor.com", "www.nextdoor.com", "ca.nextdoor.com"),
        paths=("pages/{name}",),
    ),
]

# Query strings and fragments that share buttons, trackers and pages add to an account's address.
QUERY = st.sampled_from(
    [
        "",
        "hl=en",
        "lang=en&is_from_webapp=1",
        "utm_source=ig_web_button_share_sheet&igsh=MzRlODBiNWFlZA==",
        "ref_src=twsrc%5Etfw",
        "si=AbC-123_xyz",
        "__cft__[0]=AZX&__tn__=-UC",
        "view_as=subscriber",
        "q=%C3%A9t%C3%A9+calgary",
        "id=999",
    ]
)
FRAGMENT = st.sampled_from(["", "top", "main-content", "!", "about?x=1", "/posts"])
KEEP_AS_IS = frozenset("/?=&#!")


def mixed_case(draw, text: str) -> str:
    """Text with the case of some letters swapped: bit i of one drawn number swaps character i."""
    flips = draw(st.integers(0, 2 ** len(text) - 1))
    return "".join(char.swapcase() if flips >> index & 1 else char for index, char in enumerate(text))


def percent_encoded(draw, path: str) -> str:
    """Path with a few characters percent-encoded, as browsers and share buttons sometimes write them."""
    positions = draw(st.sets(st.integers(0, len(path) - 1), max_size=3)) if path else set()
    return "".join(
        f"%{ord(char):02X}" if index in positions and char not in KEEP_AS_IS else char
        for index, char in enumerate(path)
    )


def forms():
    """A kind of account, drawn platform first so that each platform is tried as often as the others."""
    return st.sampled_from(sorted({form.platform for form in FORMS})).flatmap(
        lambda platform: st.sampled_from([form for form in FORMS if form.platform == platform])
    )


@st.composite
def account_writings(draw):
    """An account and many ways of writing it: every host and path its form allows, each with random scheme,
    letter case, sub-page, trailing slash, percent-encoding, query string and fragment, and every bare handle.
    Returns (form, fields, [(value, platform to give), ...])."""
    form = draw(forms())
    fields = draw(form.fields)

    def written() -> dict:
        insensitive = {"name", "instance"} if form.case_insensitive else {"instance"}
        return {field: mixed_case(draw, value) if field in insensitive else value for field, value in fields.items()}

    writings = []
    for host_template, path_template in itertools.product(form.hosts, form.paths):
        parts = written()
        scheme = draw(st.sampled_from(["https://", "http://", "", "HTTPS://", "Http://"]))
        host = mixed_case(draw, host_template.format(**parts))
        path = path_template.format(**parts)
        if "?" not in path:
            if form.subpages and draw(st.booleans()):
                path += "/" + draw(st.sampled_from(form.subpages))
            if draw(st.booleans()):
                path += "/"
        path = percent_encoded(draw, path)
        if query := draw(QUERY):
            path += ("&" if "?" in path else "?") + query
        if draw(st.booleans()):
            path += "#" + draw(FRAGMENT)
        platform = draw(st.sampled_from([None, form.platform])) if form.known_host else form.platform
        writings.append((f"{scheme}{host}/{path}", platform))
    for handle_template in form.handles:
        padding = draw(st.sampled_from(["", " ", "\t", "\n"]))
        writings.append((f"{padding}{handle_template.format(**written())}{padding}", form.platform))
    return form, fields, writings


@settings(max_examples=300, deadline=None)
@given(account_writings())
def test_every_way_of_writing_an_account_is_the_same_key(account):
    form, fields, writings = account
    canonical = normalize(form.canonical_url(fields), form.platform)
    assert canonical.key == form.key(fields)
    for value, platform in writings:
        written = normalize(value, platform)
        assert (written.platform, written.key, written.url) == (form.platform, canonical.key, canonical.url), value


@settings(max_examples=300, deadline=None)
@given(account_writings())
def test_normalising_is_idempotent(account):
    form, _, writings = account
    for value, platform in writings:
        written = normalize(value, platform)
        canonical = normalize(written.url, form.platform)
        assert (canonical.key, canonical.url) == (written.key, written.url)
        assert normalize(canonical.url, form.platform) == canonical
        assert normalize(f"https://{written.key}", form.platform).key == written.key
        if form.known_host:
            assert candidate_keys(written.url) == [normalize(written.url)]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_different_accounts_never_share_a_key(data):
    form = data.draw(forms())
    first, second = data.draw(form.fields), data.draw(form.fields)

    def identity(fields):
        return {field: value.lower() if form.case_insensitive else value for field, value in fields.items()}

    assume(identity(first) != identity(second))
    assert (
        normalize(form.canonical_url(first), form.platform).key
        != normalize(form.canonical_url(second), form.platform).key
    )


@settings(max_examples=300, deadline=None)
@given(with_a_digit(WORD, 15))
def test_a_plausible_x_handle_is_always_looked_up_on_x(name):
    candidates = candidate_keys(f"@{name}")
    assert f"x.com/{name.lower()}" in {candidate.key for candidate in candidates if candidate.platform == X}


@settings(max_examples=300, deadline=None)
@given(
    host=DOMAIN_LABEL.map(lambda label: f"{label}.example"),
    segments=st.lists(
        st.text(string.ascii_letters + string.digits + "-_", min_size=1, max_size=10), min_size=1, max_size=3
    ),
    www=st.booleans(),
    query=QUERY,
    trailing=st.booleans(),
)
def test_other_platform_keys_are_host_and_path_with_the_case_of_the_path(host, segments, www, query, trailing):
    path = "/".join(segments)
    value = f"https://{'WWW.' if www else ''}{host.upper()}/{path}{'/' if trailing else ''}?{query}#frag"
    account = normalize(value, OTHER)
    assert account.key == f"{host}/{path}"
    assert normalize(account.url, OTHER) == account


# Text of the kind people paste, with the characters that matter to addresses over-represented.
PASTED = st.lists(
    st.one_of(
        st.sampled_from(
            ["@", "/", "?", "#", "#!/", ":", ".", "-", "_", "%3F", "%23", "%2F", "%25", "%40", " ", "\u200b"]
        ),
        st.text(string.ascii_letters + string.digits + "é", min_size=1, max_size=6),
    ),
    max_size=12,
).map("".join)
PASTED_ADDRESS = st.builds(
    lambda host, rest: f"https://{host}/{rest}",
    st.sampled_from(["x.com", "fb.com", "youtu.be", "youtube.com", "bsky.app", "mastodon.social", "town.example"]),
    PASTED,
)


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.text(max_size=30), PASTED, PASTED_ADDRESS), platform=st.sampled_from([None, *PLATFORMS]))
def test_anything_pasted_is_an_account_or_a_message_for_a_person(value, platform):
    try:
        account = normalize(value, platform)
    except NotAnAccountAddress as error:
        assert str(error)
    else:
        assert normalize(account.url, account.platform).key == account.key
    try:
        candidates = candidate_keys(value)
    except NotAnAccountAddress as error:
        assert str(error)
    else:
        assert candidates
