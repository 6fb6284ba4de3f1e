"""Is this the City's? The registry match of a reported address, and the likely-impersonation score.

**The match.** The address is turned into an account's identity with the registry's own
normalisation (`accounts.normalization`), so every spelling of an address finds the same account,
and looked up: an *official* City account (active, or being decommissioned), a *former* City
account (decommissioned), or *unknown*.

**The likely-impersonation score** of an unknown account, from 0 to 1, says how much its names
look like the City's. Its names are the handle in the address and, when the reporter gave it,
the name shown on the account. They are compared with the handle and the display name of every
official City account:

1. *Reduce* each name to its letters and digits, lowercase and without accents, after dropping
   the decoration words impersonators add ("official", "real", "the", "hq", …) where separators
   set them apart, or at either end of a name written as one word: "The_Real.Calgary-Parks" and
   "calgaryparksofficial" both become "calgaryparks".
2. *Resemblance* of two reduced names: 1 − (Levenshtein edit distance ÷ the longer one's
   length), the normalised edit distance. "calgarytransitt" against "calgarytransit": 0.93.
3. *City identifiers* (`settings.CITY_IDENTIFIERS`: "cityofcalgary", "calgary", "yyc", …): a name
   that contains one scores at least 0.5, and the rest of it once the identifiers are taken out
   is compared with the rest of each official name the same way: 0.5 + 0.5 × that resemblance.
   "yyc_parks" (yyc + parks, like calgary + parks) scores 1.0; "yyc_dog_lovers" stays near 0.5.
4. The *score* is the best of 2 and 3 over all official accounts; from
   `settings.IMPERSONATION_THRESHOLD` (0.75) on, the report is flagged as a likely impersonation.
   The three closest official accounts are kept for the communications team to compare.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from accounts.models import AccountStatus, SocialAccount
from accounts.normalization import BLUESKY, FACEBOOK, MASTODON, AccountKey, NotAnAccountAddress, candidate_keys

from .models import RegistryMatch

#: Words that say nothing about whose account it is, dropped wherever separators set them apart.
DECORATIONS = frozenset(
    {"official", "offical", "real", "the", "team", "hq", "page", "account", "acct", "online", "ca", "ab"}
)
#: The same words, taken off either end of a name written as one word.
PREFIXES = ("official", "offical", "thereal", "real", "the")
SUFFIXES = ("official", "offical", "hq", "team", "page", "account", "online", "ca", "ab")
#: A reduced name keeps at least this many characters.
SHORTEST = 3
#: The score of a name that uses a City identifier, whatever else it says.
IDENTIFIER_FLOOR = 0.5
#: How many of the closest official accounts a report keeps.
CLOSEST = 3

_SEPARATORS = re.compile(r"[^a-z0-9]+")


def _fold(text: str) -> str:
    """Lowercase, without accents ("Ç" → "c")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(character for character in decomposed if not unicodedata.combining(character)).lower()


def squash(text: str) -> str:
    """Only the letters and digits of a name: "Calgary_Parks.Official" → "calgaryparksofficial"."""
    return _SEPARATORS.sub("", _fold(text))


def reduce_name(text: str) -> str:
    """A name without separators, case, accents or decoration words (step 1)."""
    words = [word for word in _SEPARATORS.split(_fold(text)) if word]
    name = "".join(word for word in words if word not in DECORATIONS) or "".join(words)
    trimmed = len(words) == 1  # separators already set the decoration words apart
    while trimmed:
        trimmed = False
        for prefix in PREFIXES:
            if name.startswith(prefix) and len(name) - len(prefix) >= SHORTEST:
                name, trimmed = name[len(prefix) :], True
        for suffix in SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= SHORTEST:
                name, trimmed = name[: -len(suffix)], True
    return name


def resemblance(a: str, b: str) -> float:
    """1 − normalised Levenshtein distance of two reduced names (step 2); 1.0 for equal names."""
    return Levenshtein.normalized_similarity(a, b)


def city_identifiers() -> tuple[str, ...]:
    """The City identifiers of the settings, reduced, longest first (so "cityofcalgary" goes
    before "calgary" when they are taken out of a name)."""
    identifiers = {squash(identifier) for identifier in settings.CITY_IDENTIFIERS}
    return tuple(sorted((i for i in identifiers if i), key=lambda i: (-len(i), i)))


def without_identifiers(name: str, identifiers: Sequence[str]) -> str:
    for identifier in identifiers:
        name = name.replace(identifier, "")
    return name


def account_name(key: AccountKey) -> str:
    """The name part of an account's identity: the handle without "@", a Mastodon handle
    without its server, a Bluesky handle without ".bsky.social" (or a custom domain without its
    top-level domain), a web address's last path segment or its host. Empty for numeric ids."""
    host, _, path = key.key.partition("/")
    if key.platform == FACEBOOK and path.startswith("profile.php"):
        return ""
    segments = [segment for segment in path.split("/") if segment]
    if not segments:
        return host.partition(":")[0].rsplit(".", 1)[0]
    name = segments[-1].lstrip("@")
    if key.platform == MASTODON:
        name = name.partition("@")[0]
    elif key.platform == BLUESKY:
        if name.startswith("did:"):
            return ""
        name = name.removesuffix(".bsky.social") if name.endswith(".bsky.social") else name.rsplit(".", 1)[0]
    return name


@dataclass(frozen=True)
class Candidate:
    """An official City account, as the measure sees it: its reduced names."""

    account_id: int
    display_name: str
    platform: str
    handle: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Score:
    """The likely-impersonation score of some names, the City identifiers they use, and the
    closest official accounts (id, display name, platform, handle, similarity), best first."""

    value: float | None
    identifiers: tuple[str, ...] = ()
    closest: tuple[dict, ...] = ()

    @property
    def likely(self) -> bool:
        return self.value is not None and self.value >= settings.IMPERSONATION_THRESHOLD


def candidate_for(account: SocialAccount) -> Candidate:
    handle_name = account_name(AccountKey(account.platform, account.normalized_url, account.handle, ""))
    names = tuple(dict.fromkeys(name for name in (reduce_name(handle_name), reduce_name(account.display_name)) if name))
    return Candidate(account.pk, account.display_name, account.platform, account.handle, names)


def official_candidates() -> list[Candidate]:
    """Every official City account (active or being decommissioned), in one query."""
    accounts = SocialAccount.objects.exclude(status=AccountStatus.DECOMMISSIONED).only(
        "platform", "normalized_url", "handle", "display_name"
    )
    return [candidate_for(account) for account in accounts.order_by("pk")]


def score_names(names: Iterable[str], candidates: Sequence[Candidate], identifiers: Sequence[str]) -> Score:
    """Steps 1 to 4 for the names of one unknown account against the official accounts."""
    reduced = list(dict.fromkeys(name for name in (reduce_name(raw) for raw in names if raw) if name))
    if not reduced:
        return Score(None)
    used = tuple(identifier for identifier in identifiers if any(identifier in name for name in reduced))
    best: dict[int, float] = {}
    choices = {(index, n): name for index, candidate in enumerate(candidates) for n, name in enumerate(candidate.names)}
    for name in reduced:
        for _, similarity, (index, _) in process.extract(
            name, choices, scorer=Levenshtein.normalized_similarity, limit=None
        ):
            best[index] = max(best.get(index, 0.0), similarity)
    if used:
        rests = {key: without_identifiers(name, identifiers) for key, name in choices.items()}
        for name in reduced:
            rest = without_identifiers(name, identifiers)
            for _, similarity, (index, _) in process.extract(
                rest, rests, scorer=Levenshtein.normalized_similarity, limit=None
            ):
                best[index] = max(best[index], IDENTIFIER_FLOOR + (1 - IDENTIFIER_FLOOR) * similarity)
    value = max([*best.values(), IDENTIFIER_FLOOR if used else 0.0])
    ranked = sorted(best.items(), key=lambda item: (-item[1], candidates[item[0]].display_name))[:CLOSEST]
    closest = tuple(
        {
            "id": candidates[index].account_id,
            "display_name": candidates[index].display_name,
            "platform": candidates[index].platform,
            "handle": candidates[index].handle,
            "similarity": round(similarity, 2),
        }
        for index, similarity in ranked
        if similarity > 0
    )
    return Score(round(value, 2), used, closest)


@dataclass(frozen=True)
class Match:
    """Where the registry places a reported address."""

    registry_match: str
    platform: str = ""
    account_key: str = ""
    account: SocialAccount | None = None
    score: Score = field(default_factory=lambda: Score(None))


def identify(url: str) -> AccountKey | None:
    """The account an address names, or None (a post, a search, or no address at all)."""
    try:
        keys = candidate_keys(url)
    except NotAnAccountAddress:
        return None
    return keys[0] if len(keys) == 1 else None


def match_address(url: str, shown_name: str = "") -> Match:
    """The registry match of a reported address (and the name the reporter saw on the account):
    official, former, or unknown with its likely-impersonation score."""
    key = identify(url)
    if key is not None:
        account = SocialAccount.objects.filter(platform=key.platform, normalized_url=key.key).first()
        if account is not None:
            found = RegistryMatch.FORMER if account.status == AccountStatus.DECOMMISSIONED else RegistryMatch.OFFICIAL
            return Match(found, key.platform, key.key, account)
    names = [account_name(key) if key is not None else "", shown_name]
    score = score_names(names, official_candidates(), city_identifiers())
    return Match(
        RegistryMatch.UNKNOWN,
        key.platform if key is not None else "",
        key.key if key is not None else "",
        None,
        score,
    )
