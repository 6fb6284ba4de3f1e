"""The request forms. Each may be saved as a draft with gaps, and is checked in full on submit."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils import timezone

from accounts.models import AccessLevel, Platform, SocialAccount
from accounts.normalization import NotAnAccountAddress, normalize
from governance.forms import EmployeeField, EmployeeListField
from governance.models import EmploymentStatus

from .models import ACCOUNT_REQUEST_FIELDS, REQUIRED_TO_SUBMIT, AccountRequest, RequestKind

NEEDED = "Needed before you can submit."
#: Platforms where a handle alone does not say where the account is.
ADDRESS_REQUIRED = {Platform.MASTODON, Platform.OTHER}


class DraftOrSubmitMixin:
    """Drafts keep gaps; submitting needs every field in `required_to_submit`."""

    required_to_submit = ()
    #: A message for a field whose generic "needed" would not say enough.
    needed_messages = {}

    def __init__(self, *args, submitting=False, **kwargs):
        self.submitting = submitting
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        for name in self.required_to_submit:
            field = self.fields[name]
            field.widget.attrs["aria-required"] = "true"
            field.label_suffix = ""
            field.label = f"{field.label} (needed to submit)"

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            for name in self.required_to_submit:
                if name not in self.errors and cleaned.get(name) in (None, "", [], False):
                    self.add_error(name, self.needed_messages.get(name, NEEDED))
        return cleaned


class AccountRequestForm(DraftOrSubmitMixin, forms.ModelForm):
    """The City of Calgary Social Media Request form."""

    providers = EmployeeListField(
        label="Content providers",
        required=False,
        help_text="Employee numbers (such as E3101) or work emails of the people who will post, one per line. "
        "Each must have current social media training and have acknowledged the Standards before the "
        "Director can designate them.",
    )
    proposed_url = forms.URLField(
        label="Address, if the account already exists",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Leave empty for a new account. Needed for Mastodon and other platforms.",
    )
    backup_provider = EmployeeField(
        label="Backup provider", required=False, help_text="Someone who can take over when a provider is away."
    )

    required_to_submit = (*REQUIRED_TO_SUBMIT[RequestKind.ACCOUNT], "providers")
    needed_messages = {"read_standards": "Confirm that you have read the Social Media Standards for City Employees."}

    class Meta:
        model = AccountRequest
        fields = [*ACCOUNT_REQUEST_FIELDS, "providers"]
        labels = {
            "proposed_url": "Address, if the account already exists",
            "business_need": "Business need",
            "content_topics": "Topics you will post about",
            "posting_frequency": "How often you will post",
            "moderation_plan": "Moderation plan",
        }
        help_texts = {
            "platform": "Where the account will be.",
            "proposed_name": "The name people will see, such as Calgary Parks.",
            "proposed_handle": "Such as @yycparks. Check that it is free on the platform.",
            "proposed_url": "Leave empty for a new account. Needed for Mastodon and other platforms.",
            "listed_in_directory": "Listed accounts appear in the public directory, so citizens can check they "
            "are official.",
            "business_need": "What need does this account meet that existing City channels do not?",
            "objectives": "What will it achieve, and how will you know?",
            "audience": "Who you want to reach.",
            "moderation_plan": "How comments and messages are monitored and answered, and how abusive or "
            "private content is removed.",
            "response_time": "Such as: within one business day.",
            "records_retention": "How posts and messages are kept under the City's records retention schedule.",
            "accessibility": "Such as image descriptions, captions on video, plain language.",
            "official_languages": "The languages you will post in, and how translations are handled.",
            "launch_date": "When you would like to start.",
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "business_need",
                "objectives",
                "audience",
                "content_topics",
                "moderation_plan",
                "records_retention",
                "accessibility",
                "official_languages",
            )
        } | {"launch_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.backup_provider_id:
            # The model gives the form an id; the field shows people their employee number.
            self.initial["backup_provider"] = self.instance.backup_provider
        self.fields["platform"].choices = [("", "Choose a platform"), *Platform.choices]
        self.fields["posting_frequency"].choices = [("", "Choose one"), *self.fields["posting_frequency"].choices[1:]]
        self.helper.layout = Layout(
            Fieldset(
                "The account", "platform", "proposed_name", "proposed_handle", "proposed_url", "listed_in_directory"
            ),
            Fieldset("Purpose, objectives and audience", "business_need", "objectives", "audience"),
            Fieldset("Content plan", "content_topics", "posting_frequency"),
            Fieldset("People", "providers", "backup_provider"),
            Fieldset("Moderation and response", "moderation_plan", "response_time"),
            Fieldset("Records retention and archiving", "records_retention"),
            Fieldset("Accessibility and official languages", "accessibility", "official_languages"),
            Fieldset("Launch", "launch_date"),
            Fieldset("Confirmation", "read_standards"),
        )

    def clean(self):
        cleaned = super().clean()
        platform, handle, url = cleaned.get("platform"), cleaned.get("proposed_handle"), cleaned.get("proposed_url")
        address = url or handle
        if platform and address:
            try:
                key = normalize(address, platform)
            except NotAnAccountAddress as error:
                self.add_error("proposed_url" if url else "proposed_handle", str(error))
            else:
                existing = SocialAccount.objects.filter(platform=key.platform, normalized_url=key.key).first()
                if existing:
                    self.add_error(
                        "proposed_url" if url else "proposed_handle",
                        f"This account is already registered: {existing.display_name}. "
                        "Ask its accountable manager about joining it instead.",
                    )
        if self.submitting and platform in ADDRESS_REQUIRED and not url and "proposed_url" not in self.errors:
            self.add_error("proposed_url", "Give the account's address: on this platform a handle alone is not enough.")
        launch = cleaned.get("launch_date")
        if self.submitting and launch and launch < timezone.localdate():
            self.add_error("launch_date", "Choose a date that is not in the past.")
        providers, backup = cleaned.get("providers") or [], cleaned.get("backup_provider")
        if backup and backup in providers:
            self.add_error("backup_provider", f"{backup.full_name} is already a content provider; name someone else.")
        return cleaned


class DecommissionRequestForm(DraftOrSubmitMixin, forms.Form):
    reason = forms.CharField(label="Why close this account", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    archive_plan = forms.CharField(
        label="What happens to the content",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="How posts and messages are archived under the City's records retention schedule.",
    )
    farewell_message = forms.CharField(
        label="Redirect or farewell message",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="What followers are told, and where they should go instead.",
    )
    effective_date = forms.DateField(
        label="Effective date", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    required_to_submit = REQUIRED_TO_SUBMIT[RequestKind.DECOMMISSION]


class ProviderAccessRequestForm(DraftOrSubmitMixin, forms.Form):
    employee = EmployeeField(label="Employee to designate")
    access_level = forms.ChoiceField(label="Access level", choices=AccessLevel.choices)
    justification = forms.CharField(
        label="Why they need access",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Their role on this account, and how it is part of their job.",
    )

    required_to_submit = REQUIRED_TO_SUBMIT[RequestKind.PROVIDER_ACCESS]

    def __init__(self, *args, may_propose=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_propose = may_propose

    def clean_employee(self):
        employee = self.cleaned_data["employee"]
        if employee.employment_status == EmploymentStatus.TERMINATED:
            raise forms.ValidationError(f"{employee.full_name}'s employment has ended.")
        if self.may_propose is not None and not self.may_propose(employee):
            raise forms.ValidationError(
                f"{employee.full_name} is not in your reporting line; ask their manager to request access."
            )
        return employee


class NoteForm(forms.Form):
    """The note that goes with a workflow action."""

    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000)


class CommentForm(forms.Form):
    body = forms.CharField(label="Your comment", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
