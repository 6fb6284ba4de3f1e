"""The client address of a request, as the portal's own proxies vouch for it.

`X-Forwarded-For` is a list that every hop appends to: whatever the client wrote comes first,
and each proxy adds the address it received the request from. Only the entries our own proxies
added can be believed, so the client address is read from the right:

- with `TRUSTED_PROXY_ADDRESSES` (the proxies' addresses or networks), walk from the connecting
  address leftwards past every trusted proxy: the first address that is not one is the client;
- otherwise, with `TRUSTED_PROXY_COUNT` = N proxies in front, the client is the address the
  outermost proxy appended: the N-th entry from the right;
- with neither, the connecting address is the client and the header is ignored.

django-axes (its lockout key), the audit trail and anything else that needs an address call
`client_address(request)`, so a forged header fools none of them."""

import ipaddress
from functools import lru_cache

from django.conf import settings


def _address(value: str) -> str | None:
    """The address in `value` if it is one (IPv4, or IPv6 with or without brackets), else None."""
    text = value.strip().strip("[]")
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


@lru_cache(maxsize=16)
def _networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def is_address_in(address: str | None, entries) -> bool:
    """True when `address` is one of `entries` (addresses or networks such as 10.0.0.0/8)."""
    if not address:
        return False
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in _networks(tuple(entries)))


def _forwarded_chain(request) -> list[str]:
    """The X-Forwarded-For entries, left to right (several headers arrive joined by commas)."""
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return [entry.strip() for entry in header.split(",") if entry.strip()]


def client_address(request) -> str | None:
    """The address of the client behind our trusted proxies (see the module's docstring)."""
    remote = _address(request.META.get("REMOTE_ADDR", "") or "")
    proxies = settings.TRUSTED_PROXY_ADDRESSES
    count = settings.TRUSTED_PROXY_COUNT
    if not proxies and not count:
        return remote
    chain = [*_forwarded_chain(request), remote or ""]
    if proxies:
        # From the right: skip our proxies; the first other address is the one they vouch for.
        for entry in reversed(chain):
            address = _address(entry)
            if address is None:
                return None
            if not is_address_in(address, proxies):
                return address
        return _address(chain[0])
    # N proxies: the entry the outermost one appended is N places left of the connecting address.
    # A shorter chain did not come through all of them: the left-most entry there is is the best
    # guess, and it was still written by one of our proxies, not by the client.
    index = max(len(chain) - 1 - count, 0)
    return _address(chain[index])
