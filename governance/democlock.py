"""Backdating for the demo data only: `seed_demo` files requests "days ago" so that the review
queue shows believable waiting times and timelines agree with them. Never used by the product."""

import contextlib
import datetime
from unittest import mock

from django.utils import timezone

_real_now = timezone.now


@contextlib.contextmanager
def days_ago(days: float):
    """While inside, `timezone.now()` answers `days` days before the real now."""
    moment = _real_now() - datetime.timedelta(days=days)
    with mock.patch.object(timezone, "now", lambda: moment):
        yield moment
