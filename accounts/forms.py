"""Forms of the registry."""

from django import forms

from governance.forms import BusinessUnitFilter, EmployeeField
from governance.models import BusinessUnit

from .models import AccountStatus, Platform, ReviewReason, SocialAccount


class RegistryFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, help_text="Name, handle or address")
    platform = forms.ChoiceField(choices=[("", "All platforms"), *Platform.choices], required=False)
    business_unit = BusinessUnitFilter()
    status = forms.ChoiceField(choices=[("", "Any status"), *AccountStatus.choices], required=False)

    def filters(self):
        """The valid filters, or none when the query string is malformed."""
        return self.cleaned_data if self.is_valid() else {}


class AccountDetailsForm(forms.ModelForm):
    """The details the communications team maintains."""

    accountable_manager = EmployeeField(label="Accountable manager")

    class Meta:
        model = SocialAccount
        fields = ["display_name", "business_unit", "accountable_manager", "purpose", "listed_in_directory"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_unit"].queryset = BusinessUnit.objects.order_by("name")
        if self.instance.accountable_manager_id:
            # The model gives the form an id; the field shows people their employee number.
            self.initial["accountable_manager"] = self.instance.accountable_manager


class RegisterAccountForm(AccountDetailsForm):
    """Register an account that already exists (one that predates the portal). Whether the
    address is one and is not registered yet is the service's to say (`register_account`)."""

    platform = forms.ChoiceField(choices=Platform.choices)
    address = forms.CharField(
        label="Address or handle",
        max_length=500,
        help_text="The account's web address, such as https://www.instagram.com/cityofcalgary, or its handle.",
    )

    field_order = [
        "platform",
        "address",
        "display_name",
        "business_unit",
        "accountable_manager",
        "purpose",
        "listed_in_directory",
    ]


class RevokeGrantForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded in the audit trail and sent to the provider.",
    )


class KeepAccessForm(forms.Form):
    note = forms.CharField(
        label="Why the access is still needed",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded in the audit trail.",
    )
    recertify_by = forms.DateField(
        label="Recertify by",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="When this access must be confirmed again (at most a year away).",
    )


class RotationDoneForm(forms.Form):
    """The attestation checklist. There is deliberately no password field: the portal never
    asks for, accepts or stores a social media password."""

    password_changed = forms.BooleanField(label="I changed the account's password", required=True)
    recovery_checked = forms.BooleanField(
        label="The recovery email and phone are the City's (not a departed person's)", required=True
    )
    two_step_on = forms.BooleanField(label="Two-step verification is on", required=True)
    sessions_signed_out = forms.BooleanField(
        label="Other sessions, devices and connected apps are signed out", required=True
    )
    note = forms.CharField(label="Note (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AccessFilterForm(forms.Form):
    reason = forms.ChoiceField(label="Reason", choices=[("", "Any reason"), *ReviewReason.choices], required=False)
    overdue = forms.ChoiceField(label="Due", choices=[("", "Any time"), ("yes", "Overdue only")], required=False)
    business_unit = BusinessUnitFilter()

    def filters(self):
        return self.cleaned_data if self.is_valid() else {}
