"""A strict Content Security Policy, no inline script or style, and the usual headers."""

import re

import pytest


@pytest.fixture
def pages(client_for, org):
    client = client_for(org.manager)
    return {path: client.get(path) for path in ("/", "/standards/", "/notifications/")}


def test_every_page_has_a_strict_csp_and_the_usual_security_headers(pages, client):
    responses = [*pages.values(), client.get("/login/")]
    for response in responses:
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "style-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]


def test_no_page_has_inline_script_or_style(pages, client):
    for path, response in [*pages.items(), ("/login/", client.get("/login/"))]:
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert "<style" not in html, path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers


def test_pages_have_a_skip_link_and_landmarks(pages):
    html = pages["/"].content.decode()
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in html
    assert '<main id="main"' in html and "<header" in html and "<footer" in html
    assert '<nav class="navbar' in html and 'aria-label="Main"' in html
