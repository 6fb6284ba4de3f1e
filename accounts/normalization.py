"""One identity per social media account, whatever form its address or handle is written in.

The registry uses `AccountKey.key` as its uniqueness key, and the public "Is this account official?" lookup
compares the keys of what a citizen pastes against it. Pure Python: no Django, no network.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlsplit

# The values of accounts.models.Platform, repeated so that this module needs neither Django nor the models.
FACEBOOK = "facebook"
INSTAGRAM = "instagram"
X = "x"
LINKEDIN = "linkedin"
YOUTUBE = "youtube"
TIKTOK = "tiktok"
THREADS = "threads"
BLUESKY = "bluesky"
MASTODON = "mastodon"
NEXTDOOR = "nextdoor"
FLICKR = "flickr"
PINTEREST = "pinterest"
OTHER = "other"

PLATFORMS = (
    FACEBOOK,
    INSTAGRAM,
    X,
    LINKEDIN,
    YOUTUBE,
    TIKTOK,
    THREADS,
    BLUESKY,
    MASTODON,
    NEXTDOOR,
    FLICKR,
    PINTEREST,
    OTHER,
)

ENTER_AN_ACCOUNT = (
    "Enter the account's address, such as https://www.instagram.com/cityofcalgary, "
    "or its handle, such as @cityofcalgary."
)


class NotAnAccountAddress(ValueError):
    """The value does not identify a social media account; the message tells a person what to fix."""


@dataclass(frozen=True)
class AccountKey:
    """One account: its platform, its identity key, a handle to show and a link to it."""

    platform: str
    key: str
    handle: str
    url: str


@dataclass(frozen=True)
class _Address:
    """A web address taken apart: its host's platform, the host, decoded path segments and query."""

    platform: str | None
    host: str
    segments: tuple[str, ...]
    query: dict[str, list[str]]


# What an extractor finds: the key and the handle to show, or None when the address is not an account's.
_Identity = tuple[str, str] | None


@dataclass(frozen=True)
class _Rule:
    """How one platform's addresses and handles name an account."""

    label: str
    hosts: re.Pattern[str] | None  # the platform's own hosts, without www./m./…; None: it has none
    from_path: Callable[[_Address], _Identity]
    from_handle: Callable[[str], _Identity] | None  # None: only a full address identifies the account
    example_url: str
    example_handle: str | None
    on_any_host: bool = False  # True: accounts may also live on hosts that belong to no platform

    def hint(self) -> str:
        """What a person should enter for this platform."""
        if self.example_handle is None:
            return f"Enter the account's full address, such as {self.example_url}."
        return f"Enter the account's address, such as {self.example_url}, or its handle, such as {self.example_handle}."


_DOMAIN = re.compile(r"(?=.{1,253}\Z)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?")
_DID = re.compile(r"did:plc:[a-z2-7]{24}|did:web:" + _DOMAIN.pattern)
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):(?!\d)", re.IGNORECASE)  # "host:8443/…" is a port, not a scheme
_HOST_WITH_PORT = re.compile(r"[a-z0-9.-]+\.[a-z][a-z0-9-]+(?::\d+)?", re.IGNORECASE)
_HOST_PREFIXES = ("www.", "m.", "mobile.", "web.")
_INVISIBLE = "\u200b\u200e\u200f\u2060\ufeff"  # copied handles often carry these at their ends


def _words(text: str) -> frozenset[str]:
    """The space-separated words of text, for the tables of reserved path names."""
    return frozenset(text.split())


def _dotted_name(shortest: int, longest: int) -> re.Pattern[str]:
    """Letters, digits and underscores, with single dots between them (Instagram's and TikTok's names)."""
    return re.compile(rf"(?=.{{{shortest},{longest}}}\Z)[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*")


def _first_segment_rule(
    domain: str, name: re.Pattern[str], reserved: frozenset[str] = frozenset(), at: bool = False
) -> tuple[Callable[[_Address], _Identity], Callable[[str], _Identity]]:
    """Extractors for platforms whose account is the first path segment: domain/name, or domain/@name when `at`."""

    def identity(text: str) -> _Identity:
        if not name.fullmatch(text) or text.lower() in reserved:
            return None
        return f"{domain}/{'@' if at else ''}{text.lower()}", f"@{text}"

    def from_path(address: _Address) -> _Identity:
        if not address.segments:
            return None
        first = address.segments[0]
        if at:
            if not first.startswith("@"):
                return None
            first = first[1:]
        return identity(first)

    def from_handle(text: str) -> _Identity:
        return identity(text.removeprefix("@"))

    return from_path, from_handle


# --- X -------------------------------------------------------------------------------------------------------------

_X_RESERVED = _words(
    "home explore search i intent share hashtag settings messages notifications compose login logout signup tos "
    "privacy about"
)
_x_from_path, _x_from_handle = _first_segment_rule("x.com", re.compile(r"[A-Za-z0-9_]{1,15}"), _X_RESERVED)


# --- Instagram -----------------------------------------------------------------------------------------------------

_INSTAGRAM_RESERVED = _words(
    "p reel reels tv explore accounts direct about developer legal web challenge emails stories locations"
)
_instagram_from_first_segment, _instagram_from_handle = _first_segment_rule(
    "instagram.com", _dotted_name(1, 30), _INSTAGRAM_RESERVED
)


def _instagram_from_path(address: _Address) -> _Identity:
    segments = address.segments
    if len(segments) >= 2 and segments[0].lower() == "stories":  # instagram.com/stories/<name>/<story>
        return _instagram_from_handle(segments[1])
    return _instagram_from_first_segment(address)


# --- Facebook ------------------------------------------------------------------------------------------------------

_FACEBOOK_NAME = re.compile(r"(?=.{1,80}\Z)[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_FACEBOOK_RESERVED = _words(
    "watch groups events marketplace gaming login login.php home.php search hashtag photo photo.php photos story.php "
    "permalink.php share sharer sharer.php dialog help policies privacy settings messages notifications friends "
    "bookmarks pages people reel reels stories live fundraisers business ads l.php plugins media p pg profile.php "
    "video.php videos latest memories saved me public recover checkpoint"
)


def _facebook_id(number: str | None) -> _Identity:
    # Numeric ids name the same account however they are written (profile.php?id=, /<id>, pages/<Name>/<id>),
    # so they all share profile.php's form, which Facebook resolves for people and pages alike.
    if not number or not number.isdigit():
        return None
    return f"facebook.com/profile.php?id={number}", number


def _facebook_from_handle(text: str) -> _Identity:
    name = text.removeprefix("@")
    if name.isdigit():
        return _facebook_id(name)
    if not _FACEBOOK_NAME.fullmatch(name) or name.lower() in _FACEBOOK_RESERVED:
        return None
    return f"facebook.com/{name.lower()}", f"@{name}"


def _facebook_from_path(address: _Address) -> _Identity:
    segments = address.segments
    if not segments:
        return None
    first = segments[0].lower()
    if first == "groups":
        raise NotAnAccountAddress(
            "A Facebook group is not an account. Enter the address of the Facebook page, such as "
            "https://www.facebook.com/cityofcalgary."
        )
    if first == "profile.php":
        return _facebook_id(address.query.get("id", [None])[0])
    if first in ("pages", "people") and len(segments) >= 3:  # pages/<Name>/<id>
        return _facebook_id(segments[2])
    if first == "p" and len(segments) >= 2:  # p/<Name>-<id>
        return _facebook_id(segments[1].rpartition("-")[2])
    if first == "pg" and len(segments) >= 2:  # pg/<name>/about, the old page layout
        return _facebook_from_handle(segments[1])
    return _facebook_from_handle(segments[0])


# --- LinkedIn ------------------------------------------------------------------------------------------------------

_LINKEDIN_KINDS = ("company", "showcase", "school", "in")
_LINKEDIN_SLUG = re.compile(r"[\w&'.-]{1,100}")


def _linkedin_identity(kind: str, slug: str) -> _Identity:
    if not _LINKEDIN_SLUG.fullmatch(slug):
        return None
    return f"linkedin.com/{kind}/{slug.lower()}", slug


def _linkedin_from_path(address: _Address) -> _Identity:
    segments = address.segments
    if len(segments) < 2 or segments[0].lower() not in _LINKEDIN_KINDS:
        return None
    return _linkedin_identity(segments[0].lower(), segments[1])


def _linkedin_from_handle(text: str) -> _Identity:
    # A bare LinkedIn name is an organisation's: the registry holds company pages, not people.
    return _linkedin_identity("company", text.removeprefix("@"))


# --- YouTube -------------------------------------------------------------------------------------------------------

_YOUTUBE_HANDLE = re.compile(r"[A-Za-z0-9_.-]{3,30}")
_YOUTUBE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")
_YOUTUBE_CHANNEL_ID = re.compile(r"UC[A-Za-z0-9_-]{22}")
_YOUTUBE_VIDEO_PATHS = _words("watch shorts live embed v clip playlist")
_YOUTUBE_RESERVED = _words(
    "results feed hashtag gaming premium account t about redirect attribution_link signin post source channel c "
    "user e music kids ads creators new upload logout howyoutubeworks supported_browsers s yt trending subscriptions "
    "history channel_switcher verify_age oops error podcasts"
)
_YOUTUBE_VIDEO = (
    "That is the address of a YouTube video, not of a channel. Enter the channel's address, such as "
    "https://www.youtube.com/@cityofcalgary."
)


def _youtube_handle(name: str) -> _Identity:
    if not _YOUTUBE_HANDLE.fullmatch(name):
        return None
    return f"youtube.com/@{name.lower()}", f"@{name}"


def _youtube_named(kind: str, name: str) -> _Identity:
    if not _YOUTUBE_NAME.fullmatch(name):
        return None
    return f"youtube.com/{kind}/{name.lower()}", name


def _youtube_channel(channel_id: str) -> _Identity:
    # Channel ids are case-sensitive: UCabc… and UCABC… are different channels.
    if not _YOUTUBE_CHANNEL_ID.fullmatch(channel_id):
        return None
    return f"youtube.com/channel/{channel_id}", channel_id


def _youtube_from_path(address: _Address) -> _Identity:
    segments = address.segments
    if address.host == "youtu.be":
        raise NotAnAccountAddress(_YOUTUBE_VIDEO)
    if not segments:
        return None
    first = segments[0]
    kind = first.lower()
    if first.startswith("@"):
        return _youtube_handle(first[1:])
    if kind in _YOUTUBE_VIDEO_PATHS:
        raise NotAnAccountAddress(_YOUTUBE_VIDEO)
    if kind in ("c", "user") and len(segments) >= 2:
        return _youtube_named(kind, segments[1])
    if kind == "channel" and len(segments) >= 2:
        return _youtube_channel(segments[1])
    if kind in _YOUTUBE_RESERVED:
        return None
    # youtube.com/<name> is an old custom address, which YouTube resolves as youtube.com/c/<name>.
    return _youtube_named("c", first)


def _youtube_from_handle(text: str) -> _Identity:
    if text.startswith("@"):
        return _youtube_handle(text[1:])
    return _youtube_channel(text) or _youtube_handle(text)


# --- TikTok, Threads, Pinterest ------------------------------------------------------------------------------------

_tiktok_from_path, _tiktok_from_handle = _first_segment_rule("tiktok.com", _dotted_name(2, 24), at=True)
_threads_from_path, _threads_from_handle = _first_segment_rule("threads.net", _dotted_name(1, 30), at=True)
_PINTEREST_RESERVED = _words(
    "pin search ideas today explore business login logout settings categories topics about resource news_hub "
    "videos shopping"
)
_pinterest_from_path, _pinterest_from_handle = _first_segment_rule(
    "pinterest.com", re.compile(r"[A-Za-z0-9_]{3,30}"), _PINTEREST_RESERVED
)


# --- Bluesky -------------------------------------------------------------------------------------------------------


def _bluesky_from_handle(text: str) -> _Identity:
    handle = text.removeprefix("@")
    lowered = handle.lower()
    if _DID.fullmatch(lowered):
        return f"bsky.app/profile/{lowered}", lowered
    if not _DOMAIN.fullmatch(lowered):
        return None
    return f"bsky.app/profile/{lowered}", f"@{handle}"


def _bluesky_from_path(address: _Address) -> _Identity:
    segments = address.segments
    if len(segments) < 2 or segments[0].lower() != "profile":
        return None
    return _bluesky_from_handle(segments[1])


# --- Mastodon ------------------------------------------------------------------------------------------------------

_MASTODON_USER = re.compile(r"(?=.{1,30}\Z)[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?")


def _mastodon_identity(user: str, instance: str) -> _Identity:
    instance = instance.lower().removeprefix("www.")
    if not _MASTODON_USER.fullmatch(user) or not _DOMAIN.fullmatch(instance.partition(":")[0]):
        return None
    return f"{instance}/@{user.lower()}", f"@{user}@{instance}"


def _mastodon_from_path(address: _Address) -> _Identity:
    segments = address.segments
    if segments and segments[0].lower() == "web":  # instance/web/@user, the old web app's address
        segments = segments[1:]
    if not segments:
        return None
    if segments[0].startswith("@"):
        # instance/@user@elsewhere is elsewhere's account, seen from instance.
        user, _, home = segments[0][1:].partition("@")
        return _mastodon_identity(user, home or address.host)
    if segments[0].lower() == "users" and len(segments) >= 2:
        return _mastodon_identity(segments[1], address.host)
    return None


def _mastodon_from_handle(text: str) -> _Identity:
    user, at, instance = text.removeprefix("@").partition("@")
    if not at:
        return None
    return _mastodon_identity(user, instance)


# --- Nextdoor, Flickr, other ---------------------------------------------------------------------------------------

_NEXTDOOR_SLUG = re.compile(r"[\w.-]{1,100}")


def _nextdoor_from_path(address: _Address) -> _Identity:
    segments = address.segments
    if len(segments) < 2:
        return None
    kind = segments[0].lower()
    if kind == "agency-detail":  # agency-detail/<region>/<city>/<agency>; anything further is inside the page
        parts = segments[1:4]
    elif kind == "pages":
        parts = segments[1:2]
    else:
        return None
    if not all(_NEXTDOOR_SLUG.fullmatch(part) for part in parts):
        return None
    return f"nextdoor.com/{kind}/" + "/".join(part.lower() for part in parts), parts[-1]


_FLICKR_ID = re.compile(r"[A-Za-z0-9_-]{1,100}|\d+@[Nn]\d+")
_FLICKR_RESERVED = _words("tags me organize upload search")


def _flickr_from_handle(text: str) -> _Identity:
    name = text.removeprefix("@")
    if not _FLICKR_ID.fullmatch(name) or name.lower() in _FLICKR_RESERVED:
        return None
    # Path aliases ignore case; numeric ids (12345678@N02) are written with a capital N.
    return f"flickr.com/photos/{name.lower().replace('@n', '@N')}", name


def _flickr_from_path(address: _Address) -> _Identity:
    segments = address.segments
    if len(segments) < 2 or segments[0].lower() not in ("photos", "people"):
        return None
    return _flickr_from_handle(segments[1])


def _other_from_path(address: _Address) -> _Identity:
    # Unknown platforms: the path's case is kept, since nothing says it is insignificant.
    path = "/".join(address.segments)
    return (f"{address.host}/{path}" if path else address.host), path or address.host


_RULES: dict[str, _Rule] = {
    FACEBOOK: _Rule(
        "Facebook",
        re.compile(r"(?:facebook|fb)\.com"),
        _facebook_from_path,
        _facebook_from_handle,
        "https://www.facebook.com/cityofcalgary",
        "@cityofcalgary",
    ),
    INSTAGRAM: _Rule(
        "Instagram",
        re.compile(r"instagram\.com|instagr\.am"),
        _instagram_from_path,
        _instagram_from_handle,
        "https://www.instagram.com/cityofcalgary",
        "@cityofcalgary",
    ),
    X: _Rule(
        "X (Twitter)",
        re.compile(r"(?:x|twitter)\.com"),
        _x_from_path,
        _x_from_handle,
        "https://x.com/calgarytransit",
        "@calgarytransit",
    ),
    LINKEDIN: _Rule(
        "LinkedIn",
        re.compile(r"(?:[a-z]{2}\.)?linkedin\.com"),
        _linkedin_from_path,
        _linkedin_from_handle,
        "https://www.linkedin.com/company/city-of-calgary",
        "city-of-calgary",
    ),
    YOUTUBE: _Rule(
        "YouTube",
        re.compile(r"youtube\.com|youtu\.be"),
        _youtube_from_path,
        _youtube_from_handle,
        "https://www.youtube.com/@cityofcalgary",
        "@cityofcalgary",
    ),
    TIKTOK: _Rule(
        "TikTok",
        re.compile(r"tiktok\.com"),
        _tiktok_from_path,
        _tiktok_from_handle,
        "https://www.tiktok.com/@cityofcalgary",
        "@cityofcalgary",
    ),
    THREADS: _Rule(
        "Threads",
        re.compile(r"threads\.(?:net|com)"),
        _threads_from_path,
        _threads_from_handle,
        "https://www.threads.net/@cityofcalgary",
        "@cityofcalgary",
    ),
    BLUESKY: _Rule(
        "Bluesky",
        re.compile(r"bsky\.app"),
        _bluesky_from_path,
        _bluesky_from_handle,
        "https://bsky.app/profile/cityofcalgary.bsky.social",
        "@cityofcalgary.bsky.social",
    ),
    MASTODON: _Rule(
        "Mastodon",
        # Mastodon runs on any host; these large instances are recognised without the platform being chosen.
        re.compile(r"mastodon\.social|mastodon\.online|mstdn\.ca|mas\.to"),
        _mastodon_from_path,
        _mastodon_from_handle,
        "https://mastodon.social/@cityofcalgary",
        "@cityofcalgary@mastodon.social",
        on_any_host=True,
    ),
    NEXTDOOR: _Rule(
        "Nextdoor",
        re.compile(r"(?:[a-z]{2}\.)?nextdoor\.(?:com|ca|co\.uk)"),
        _nextdoor_from_path,
        None,
        "https://nextdoor.com/agency-detail/ab/calgary/the-city-of-calgary",
        None,
    ),
    FLICKR: _Rule(
        "Flickr",
        re.compile(r"flickr\.com"),
        _flickr_from_path,
        _flickr_from_handle,
        "https://www.flickr.com/photos/cityofcalgary",
        "cityofcalgary",
    ),
    PINTEREST: _Rule(
        "Pinterest",
        re.compile(r"(?:[a-z]{2}\.)?pinterest\.(?:com?\.)?[a-z]{2,3}"),
        _pinterest_from_path,
        _pinterest_from_handle,
        "https://www.pinterest.com/cityofcalgary",
        "@cityofcalgary",
    ),
    OTHER: _Rule("Other", None, _other_from_path, None, "https://example.com/cityofcalgary", None, on_any_host=True),
}

# The platforms a bare handle is tried on in the public lookup; Nextdoor and Other accounts need an address.
_HANDLE_PLATFORMS = tuple(platform for platform, rule in _RULES.items() if rule.from_handle is not None)


def _label(platform: str) -> str:
    return _RULES[platform].label


def _clean(value: str) -> str:
    text = value.strip().strip(_INVISIBLE).strip()
    if not text:
        raise NotAnAccountAddress(ENTER_AN_ACCOUNT)
    if any(character.isspace() for character in text):
        raise NotAnAccountAddress(f"An address or handle has no spaces. {ENTER_AN_ACCOUNT}")
    return text


def _host_platform(host: str) -> tuple[str | None, str]:
    """The platform of a host and the host as the key writes it: without www./m./… for a platform's own hosts,
    without www. only for unknown hosts (where m.example.org may be a different site from example.org)."""
    bare = host
    while prefix := next((prefix for prefix in _HOST_PREFIXES if bare.startswith(prefix)), None):
        bare = bare.removeprefix(prefix)
    for platform, rule in _RULES.items():
        if rule.hosts is not None and rule.hosts.fullmatch(bare):
            return platform, bare
    return None, host.removeprefix("www.")


def _looks_like_address(text: str, platform: str | None) -> bool:
    """Whether text is a web address rather than a handle."""
    scheme = _SCHEME.match(text)
    if scheme:
        return scheme.group(1).lower() != "did"  # did:plc:… is a Bluesky handle
    head, slash, _ = text.partition("/")
    host = re.split(r"[?#]", head, maxsplit=1)[0]
    if not _HOST_WITH_PORT.fullmatch(host):
        return False
    # name.bsky.social is a handle, x.com a (profile-less) address, and for other platforms only addresses exist.
    return bool(slash) or platform == OTHER or _host_platform(host.lower().partition(":")[0])[0] is not None


def _parse_address(text: str) -> _Address:
    if not _SCHEME.match(text):
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
        port = parts.port
        host = (parts.hostname or "").rstrip(".").encode("idna").decode("ascii")
    except (ValueError, UnicodeError) as error:
        raise NotAnAccountAddress(f"That is not a web address. {ENTER_AN_ACCOUNT}") from error
    if parts.scheme.lower() not in ("http", "https"):
        raise NotAnAccountAddress(f"An account's address starts with https://. {ENTER_AN_ACCOUNT}")
    if not _DOMAIN.fullmatch(host):
        raise NotAnAccountAddress(f"That is not a web address. {ENTER_AN_ACCOUNT}")
    path, query = parts.path, parts.query
    if parts.fragment.startswith("!/") and not path.strip("/"):  # twitter.com/#!/name, from before 2012
        inner = urlsplit(parts.fragment[1:])
        path, query = inner.path, inner.query
    platform, host = _host_platform(host)
    if platform is None and port not in (None, 80, 443):
        host = f"{host}:{port}"
    # Decoding before splitting makes %2F a separator, like "/", so that canonical links read back the same.
    segments = tuple(segment for segment in unquote(path).split("/") if segment)
    return _Address(platform, host, segments, parse_qs(query))


def _account(platform: str, identity: tuple[str, str]) -> AccountKey:
    key, handle = identity
    # Only Facebook's profile.php?id= keys carry a query; any other "?" was decoded from a path and stays encoded.
    safe = "/@:=&!$'()*+,;" + ("?" if platform == FACEBOOK else "")
    return AccountKey(platform=platform, key=key, handle=handle, url="https://" + quote(key, safe=safe))


def _from_address(address: _Address, platform: str | None) -> AccountKey:
    if platform is None:
        if address.platform is None:
            raise NotAnAccountAddress(f"{address.host} is not a platform we know; choose the account's platform.")
        platform = address.platform
    elif address.platform is not None and address.platform != platform:
        found, chosen = _label(address.platform), _label(platform)
        raise NotAnAccountAddress(
            f"That address belongs to {found}, not {chosen}. Choose {found} as the platform, or enter the {chosen} "
            "account's address."
        )
    rule = _RULES[platform]
    if address.platform is None and not rule.on_any_host:
        raise NotAnAccountAddress(f"That is not an address on {rule.label}. {rule.hint()}")
    identity = rule.from_path(address)
    if identity is None:
        raise NotAnAccountAddress(
            f"That {rule.label} address is not an account's own page (it may be a post, a search or a help page). "
            f"{rule.hint()}"
        )
    return _account(platform, identity)


def _from_handle(text: str, platform: str | None) -> AccountKey:
    if platform is None:
        raise NotAnAccountAddress(f"Choose the platform of {text}, or enter the account's full address.")
    rule = _RULES[platform]
    if rule.from_handle is None:
        raise NotAnAccountAddress(rule.hint())
    identity = rule.from_handle(text)
    if identity is None:
        raise NotAnAccountAddress(f"“{text}” is not a {rule.label} handle. {rule.hint()}")
    return _account(platform, identity)


def normalize(value: str, platform: str | None = None) -> AccountKey:
    """The account an address or handle names; `platform` is needed for bare handles and unknown hosts."""
    if platform is not None and platform not in _RULES:
        raise ValueError(f"Unknown platform {platform!r}; expected one of {', '.join(PLATFORMS)}.")
    text = _clean(value)
    if _looks_like_address(text, platform):
        return _from_address(_parse_address(text), platform)
    return _from_handle(text, platform)


def candidate_keys(value: str) -> list[AccountKey]:
    """Every account a pasted address or handle may name, for a lookup where no platform is given."""
    text = _clean(value)
    if _looks_like_address(text, None):
        address = _parse_address(text)
        platform = address.platform or (MASTODON if _mastodon_from_path(address) else OTHER)
        return [_from_address(address, platform)]
    if text.lower().endswith(".bsky.social"):  # only Bluesky handles are written this way
        return [_from_handle(text, BLUESKY)]
    candidates = []
    for platform in _HANDLE_PLATFORMS:
        try:
            candidates.append(_from_handle(text, platform))
        except NotAnAccountAddress:
            continue
    if not candidates:
        raise NotAnAccountAddress(f"“{text}” is not an account's address or handle. {ENTER_AN_ACCOUNT}")
    return candidates
