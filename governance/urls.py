"""The portal's URLs. Each app's pages live in its own urls.py, namespaced."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as registry_views

from . import forms, people_views, views

admin.site.site_header = "Social Media Governance Portal — administration"
admin.site.site_title = "Governance Portal admin"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html",
            authentication_form=forms.SignInForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("sign-in/", include("governance.mfa_urls")),
    path("standards/", views.standards, name="standards"),
    path("standards/acknowledge/<str:token>/", views.acknowledge_by_link, name="standards-acknowledge-link"),
    path("standards/versions/", people_views.standards_versions, name="standards-versions"),
    path("standards/versions/new/", people_views.standards_draft_new, name="standards-draft-new"),
    path("standards/versions/<int:pk>/", people_views.standards_version, name="standards-version"),
    path("standards/versions/<int:pk>/edit/", people_views.standards_draft_edit, name="standards-draft-edit"),
    path(
        "standards/versions/<int:pk>/publish/", people_views.standards_version_publish, name="standards-version-publish"
    ),
    path("people/", include("governance.people_urls")),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("requests/", include("requests.urls")),
    path("accounts/", include("accounts.urls")),
    path("reports/", include("reports.urls")),
    path("", include("accounts.access_urls")),
    path("directory/", registry_views.directory, name="directory"),
    path("directory.json", registry_views.directory_json, name="directory-json"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
