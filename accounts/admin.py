"""The Django admin for IT: the registry is read here; changes go through the portal's pages,
where they are checked and audited."""

from django.contrib import admin

from governance.admin import ReadOnlyAdmin

from .models import ProviderGrant, SocialAccount


@admin.register(SocialAccount)
class SocialAccountAdmin(ReadOnlyAdmin):
    list_display = ("display_name", "platform", "handle", "business_unit", "status", "listed_in_directory")
    list_filter = ("platform", "status", "listed_in_directory")
    search_fields = ("display_name", "handle", "normalized_url")
    list_select_related = ("business_unit",)


@admin.register(ProviderGrant)
class ProviderGrantAdmin(ReadOnlyAdmin):
    list_display = ("employee", "account", "access_level", "status", "recertify_by")
    list_filter = ("status", "access_level")
    search_fields = ("employee__employee_number", "employee__last_name", "account__display_name")
    list_select_related = ("employee", "account")
