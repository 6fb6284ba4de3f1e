"""Template helpers shared by every page."""

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

_ALLOWED_TAGS = {
    "h2",
    "h3",
    "h4",
    "p",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "br",
}


@register.filter
def policy_markdown(text):
    """Render policy text written in Markdown as sanitised HTML. The leading "# Title" line is
    dropped: the page shows the title as its own heading."""
    lines = text.splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    html = markdown_lib.markdown("\n".join(lines), extensions=["tables"])
    return mark_safe(nh3.clean(html, tags=_ALLOWED_TAGS, attributes={}))  # noqa: S308 — sanitised by nh3
