"""URLs of two-step sign-in: /sign-in/code/ and /sign-in/authenticator/ (and its QR code)."""

from django.urls import path

from . import mfa_views as views

app_name = "mfa"

urlpatterns = [
    path("code/", views.verify, name="verify"),
    path("authenticator/", views.enrol, name="enrol"),
    path("authenticator/qr-code.svg", views.qr_code, name="qr-code"),
]
