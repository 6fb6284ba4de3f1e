"""/people/: training records and the HR roster upload."""

from django.urls import path

from . import people_views

app_name = "people"

urlpatterns = [
    path("training/", people_views.training, name="training"),
    path("training/record/", people_views.record_training, name="record-training"),
    path("training/import/", people_views.training_import, name="training-import"),
    path("training/import/confirm/", people_views.training_import_confirm, name="training-import-confirm"),
    path("roster/", people_views.roster, name="roster"),
    path("roster/<int:pk>/", people_views.roster_upload, name="roster-upload"),
    path("roster/<int:pk>/status.json", people_views.roster_upload_status, name="roster-upload-status"),
    path("roster/<int:pk>/errors.csv", people_views.roster_upload_errors, name="roster-upload-errors"),
    path("roster/<int:pk>/confirm/", people_views.roster_upload_confirm, name="roster-upload-confirm"),
    path("roster/<int:pk>/discard/", people_views.roster_upload_discard, name="roster-upload-discard"),
]
