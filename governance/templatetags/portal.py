"""Template helpers shared by every page."""

import markdown as markdown_lib
import nh3
from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from governance.selectors import business_unit_menu

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


_rendered_menus = {}  # version of the business-unit list -> its <option> elements


@register.simple_tag
def business_unit_options(selected=""):
    """The <option> elements of the business-unit filter (a City has a thousand units): built
    once per version of the list, then only the chosen one is marked on each page."""
    version, choices = business_unit_menu()
    html = _rendered_menus.get(version)
    if html is None:
        html = "".join(f'<option value="{escape(code)}">{escape(name)}</option>' for code, name in choices)
        _rendered_menus.clear()
        _rendered_menus[version] = html
    if selected:
        marker = f'<option value="{escape(selected)}">'
        html = html.replace(marker, marker[:-1] + " selected>", 1)
    return mark_safe('<option value="">All business units</option>' + html)  # noqa: S308 — escaped above
