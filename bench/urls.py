"""The portal's URLs plus the floors the pages are measured against:
- /bench/trivial: the cheapest response the same app can give (the goal's reference);
- /bench/signed-in: a signed-in person loaded (session, user, roles), plain text back;
- /bench/layout: that person and the portal's layout (base.html, navigation) around nothing."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import include, path


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


def signed_in(request):
    return HttpResponse(f"ok {request.user.is_authenticated and request.user.pk}", content_type="text/plain")


def layout(request):
    return render(request, "base.html", {})


urlpatterns = [
    path("bench/trivial", trivial),
    path("bench/signed-in", signed_in),
    path("bench/layout", layout),
    path("", include("governance.urls")),
]
