from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.registry, name="list"),
    path("export.csv", views.registry_export, name="export"),
    path("new/", views.register, name="register"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/grants/<int:grant_pk>/revoke/", views.revoke_grant, name="revoke-grant"),
]
