"""When a report is due: a number of business days per kind (settings.REPORT_DUE_BUSINESS_DAYS),
ending at the close of business in the City's time zone. Business days are Monday to Friday."""

import datetime

from django.conf import settings
from django.utils import timezone

#: A business day ends at 5 pm in the City's time zone.
CLOSE_OF_BUSINESS = datetime.time(17, 0)
#: Business days for a kind the setting does not name.
DEFAULT_BUSINESS_DAYS = 3


def add_business_days(day: datetime.date, count: int) -> datetime.date:
    """The `count`-th business day after `day` (with 0: `day` itself if it is a business day,
    otherwise the next one)."""
    while count == 0 and day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    while count > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def due_at(kind: str, filed_at: datetime.datetime) -> datetime.datetime:
    """The close of business on the last business day a report of `kind` filed at `filed_at`
    has: "within 1 business day" of a Friday afternoon is Monday at 5 pm."""
    days = settings.REPORT_DUE_BUSINESS_DAYS.get(kind, DEFAULT_BUSINESS_DAYS)
    day = add_business_days(timezone.localtime(filed_at).date(), days)
    return timezone.make_aware(datetime.datetime.combine(day, CLOSE_OF_BUSINESS))
