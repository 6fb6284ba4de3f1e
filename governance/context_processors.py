"""What every page's layout needs: the navigation for this person's roles, and their unread count."""

from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from . import navigation
from .selectors import unread_notification_count


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": navigation.public_items(request), "csc_mailbox": settings.CSC_MAILBOX}
    if getattr(request, "second_factor_pending", False):
        # Nothing to navigate to before the second step of signing in; only signing out.
        return {"nav_items": [], "csc_mailbox": settings.CSC_MAILBOX, "second_factor_pending": True}
    return {
        "csc_mailbox": settings.CSC_MAILBOX,
        "nav_items": SimpleLazyObject(lambda: navigation.items_for(request)),
        "unread_notifications": (
            user.unread_notifications
            if hasattr(user, "unread_notifications")
            else SimpleLazyObject(lambda: unread_notification_count(user))
        ),
        "notifications_url": reverse("notifications"),
    }
