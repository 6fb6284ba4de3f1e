from django.urls import path

from . import views

app_name = "requests"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.new_account_request, name="new"),
    path("new/decommission/<int:account_pk>/", views.new_decommission_request, name="new-decommission"),
    path("new/provider-access/<int:account_pk>/", views.new_provider_access_request, name="new-provider-access"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/edit/", views.edit_request, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/return/", views.return_for_changes, name="return"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/comment/", views.comment, name="comment"),
]
