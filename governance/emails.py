"""The one builder for notification emails: subject, text and HTML from three templates.

`templates/emails/<kind>_subject.txt`, `<kind>_body.txt` and `<kind>_body.html` receive the
notification's context (plain JSON values) plus `site_url`, `link_url` and `recipient_name`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string


@dataclass(frozen=True)
class BuiltEmail:
    subject: str
    text: str
    html: str


def email_context(*, context, link="", recipient_name=""):
    return {
        **context,
        "site_url": settings.SITE_URL,
        "link_url": f"{settings.SITE_URL}{link}" if link else "",
        "recipient_name": recipient_name,
        "csc_mailbox": settings.CSC_MAILBOX,
    }


def build_email(kind, *, context, link="", recipient_name=""):
    full = email_context(context=context, link=link, recipient_name=recipient_name)
    subject = " ".join(render_to_string(f"emails/{kind}_subject.txt", full).split())
    text = render_to_string(f"emails/{kind}_body.txt", full).strip() + "\n"
    html = render_to_string(f"emails/{kind}_body.html", full)
    return BuiltEmail(subject=subject, text=text, html=html)
