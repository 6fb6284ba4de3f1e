"""URLs of stale access: /team/access/ (reviews and revocation) and /rotations/ (passwords)."""

from django.urls import path

from . import access_views as views

app_name = "access"

urlpatterns = [
    path("team/access/", views.team_access, name="team"),
    path("team/access/reviews/<int:pk>/keep/", views.keep_review, name="keep"),
    path("team/access/grants/<int:pk>/revoke/", views.revoke_grant, name="revoke"),
    path("rotations/", views.rotations, name="rotations"),
    path("rotations/<int:pk>/done/", views.complete_rotation, name="complete-rotation"),
]
