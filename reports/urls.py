from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.new_report, name="new"),
    path("public/", views.new_public_report, name="public-new"),
    path("public/thanks/", views.public_thanks, name="public-thanks"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/screenshot/", views.screenshot, name="screenshot"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("<int:pk>/share/", views.share, name="share"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/refer/", views.refer, name="refer"),
]
