"""URLs of stale access: /team/access/ (reviews) and /rotations/ (passwords). Revoking a grant, from
the team page too, is the registry's `accounts:revoke-grant`."""

from django.urls import path

from . import access_views as views

app_name = "access"

urlpatterns = [
    path("team/access/", views.team_access, name="team"),
    path("team/access/reviews/<int:pk>/keep/", views.keep_review, name="keep"),
    path("rotations/", views.rotations, name="rotations"),
    path("rotations/<int:pk>/done/", views.complete_rotation, name="complete-rotation"),
]
