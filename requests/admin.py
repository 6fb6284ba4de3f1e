"""The Django admin for IT: requests are read here; every change goes through the workflow."""

from django.contrib import admin

from governance.admin import ReadOnlyAdmin

from .models import GovernanceRequest, RequestComment


@admin.register(GovernanceRequest)
class GovernanceRequestAdmin(ReadOnlyAdmin):
    list_display = ("id", "title", "kind", "status", "business_unit", "submitted_at", "decided_at")
    list_filter = ("kind", "status")
    search_fields = ("title",)
    list_select_related = ("business_unit",)


@admin.register(RequestComment)
class RequestCommentAdmin(ReadOnlyAdmin):
    list_display = ("governance_request", "author", "created_at")
    list_select_related = ("governance_request", "author")
