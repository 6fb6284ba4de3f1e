"""Every change to the registry. `registry`: accounts, designation and revocation of providers.
`stale_access`: access reviews, password rotations and the set-based jobs that open them."""

from .acknowledgements import ask_providers_to_acknowledge
from .registry import (
    ACCOUNT_EDITABLE_FIELDS,
    decommission_account,
    designate_provider,
    designation_problems,
    find_registered,
    recertify_by_from,
    register_account,
    revoke_grant,
    set_decommissioning,
    update_account,
)
from .stale_access import (
    SweepResult,
    complete_rotation,
    escalate_overdue,
    keep_access,
    open_rotation,
    send_access_digests,
    sweep_stale_access,
)

__all__ = [
    "ACCOUNT_EDITABLE_FIELDS",
    "SweepResult",
    "ask_providers_to_acknowledge",
    "complete_rotation",
    "decommission_account",
    "designate_provider",
    "designation_problems",
    "escalate_overdue",
    "find_registered",
    "keep_access",
    "open_rotation",
    "recertify_by_from",
    "register_account",
    "revoke_grant",
    "send_access_digests",
    "set_decommissioning",
    "sweep_stale_access",
    "update_account",
]
