"""The Django admin, for IT. Edits go through services so they are audited like any other."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from . import services
from .audit_verbs import Verb
from .models import (
    AuditEvent,
    BusinessUnit,
    Employee,
    Notification,
    PolicyAcknowledgement,
    StandardsVersion,
    TrainingRecord,
    User,
)

admin.site.register(User, UserAdmin)


class AuditedAdmin(admin.ModelAdmin):
    """Writes an audit event, with the changed fields, for every save and delete: the verbs
    (created, updated, deleted) come from `audit_verbs`."""

    audit_verbs: tuple[str, str, str]

    def save_model(self, request, obj, form, change):
        before = {}
        if change:
            before = {name: form.initial.get(name) for name in form.changed_data}
        super().save_model(request, obj, form, change)
        after = {name: form.cleaned_data.get(name) for name in form.changed_data}
        created, updated, _ = self.audit_verbs
        services.record_admin_change(
            instance=obj,
            acting_user=request.user,
            verb=updated if change else created,
            changes=services.diff(before, after),
        )

    def delete_model(self, request, obj):
        services.record_admin_change(instance=obj, acting_user=request.user, verb=self.audit_verbs[2])
        super().delete_model(request, obj)


@admin.register(BusinessUnit)
class BusinessUnitAdmin(AuditedAdmin):
    audit_verbs = (Verb.BUSINESS_UNIT_CREATED, Verb.BUSINESS_UNIT_UPDATED, Verb.BUSINESS_UNIT_DELETED)
    list_display = ("code", "name", "parent")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


class TrainingRecordInline(admin.TabularInline):
    model = TrainingRecord
    extra = 0


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = (
        "employee_number",
        "last_name",
        "first_name",
        "job_title",
        "business_unit",
        "employment_status",
        "in_hr_roster",
    )
    list_filter = ("employment_status", "in_hr_roster", "business_unit")
    search_fields = ("employee_number", "first_name", "last_name", "email")
    list_select_related = ("business_unit",)
    autocomplete_fields = ("business_unit", "manager", "user")
    readonly_fields = ("employee_number", "role_changed_at", "in_hr_roster", "created_at", "updated_at")
    inlines = [TrainingRecordInline]

    def has_delete_permission(self, request, obj=None):
        return False  # HR records are never deleted; end the employment instead.

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            services.record_admin_change(instance=obj, acting_user=request.user, verb=Verb.EMPLOYEE_CREATED)
            return
        values = {
            name: form.cleaned_data[name] for name in services.EMPLOYEE_EDITABLE_FIELDS if name in form.cleaned_data
        }
        original = Employee.objects.get(pk=obj.pk)
        try:
            services.update_employee(employee=original, acting_user=request.user, values=values)
        except services.WorkflowError as error:
            messages.error(request, str(error))

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("role_changed_at", "in_hr_roster", "created_at", "updated_at")
        return self.readonly_fields


@admin.register(TrainingRecord)
class TrainingRecordAdmin(AuditedAdmin):
    audit_verbs = (Verb.TRAINING_RECORDED, Verb.TRAINING_UPDATED, Verb.TRAINING_DELETED)
    list_display = ("employee", "course", "completed_on", "expires_on")
    list_filter = ("course",)
    search_fields = ("employee__employee_number", "employee__last_name")
    autocomplete_fields = ("employee",)
    list_select_related = ("employee",)


@admin.register(StandardsVersion)
class StandardsVersionAdmin(AuditedAdmin):
    audit_verbs = (Verb.STANDARDS_VERSION_CREATED, Verb.STANDARDS_VERSION_UPDATED, Verb.STANDARDS_VERSION_DELETED)
    list_display = ("version", "title", "approved_on", "effective_from")


@admin.register(PolicyAcknowledgement)
class PolicyAcknowledgementAdmin(admin.ModelAdmin):
    list_display = ("employee", "standards_version", "acknowledged_at")
    list_select_related = ("employee", "standards_version")
    search_fields = ("employee__employee_number", "employee__last_name")

    def has_add_permission(self, request):
        return False  # only the employee acknowledges, on the Standards page

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_label", "verb", "target_repr", "ip_address")
    list_filter = ("verb",)
    search_fields = ("verb", "actor_label", "target_repr")
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "email", "subject", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("subject", "email")
    list_select_related = ("recipient",)
