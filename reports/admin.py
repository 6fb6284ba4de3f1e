"""The Django admin for IT: reports are read here; every change goes through the services."""

from django.contrib import admin

from governance.admin import ReadOnlyAdmin

from .models import ContentReport, ReportComment


@admin.register(ContentReport)
class ContentReportAdmin(ReadOnlyAdmin):
    list_display = ("reference", "kind", "status", "registry_match", "likely_impersonation", "filed_at", "due_at")
    list_filter = ("kind", "status", "registry_match", "likely_impersonation")
    search_fields = ("reference", "url")
    exclude = ("reporter_email",)


@admin.register(ReportComment)
class ReportCommentAdmin(ReadOnlyAdmin):
    list_display = ("report", "author", "created_at")
    list_select_related = ("report", "author")
