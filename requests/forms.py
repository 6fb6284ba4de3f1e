"""The request forms. Each may be saved as a draft with gaps; on submit it is held to
`services.submission_problems`, the one statement of what a request needs before it is sent."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms

from accounts.models import AccessLevel, Platform
from governance.forms import BusinessUnitFilter, EmployeeField, EmployeeListField
from governance.models import EmploymentStatus

from . import services
from .models import ACCOUNT_REQUEST_FIELDS, REQUIRED_TO_SUBMIT, AccountRequest, Action, RequestKind, RequestStatus


class DraftOrSubmitMixin:
    """Drafts keep gaps; submitting shows each of the service's submission problems next to
    its field."""

    kind = None

    def __init__(self, *args, submitting=False, **kwargs):
        self.submitting = submitting
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        for name in REQUIRED_TO_SUBMIT[self.kind]:
            field = self.fields[name]
            field.widget.attrs["aria-required"] = "true"
            field.label_suffix = ""
            field.label = f"{field.label} (needed to submit)"

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            self.add_problems(services.submission_problems(self.kind, cleaned))
        return cleaned

    def add_problems(self, problems):
        """Attach the service's problems to their fields (a field that did not even validate
        keeps its own error)."""
        for name, message in problems.items():
            if name not in self.errors:
                self.add_error(name, message)


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
        help_text="Leave empty for a new account.",
    )
    backup_provider = EmployeeField(
        label="Backup provider", required=False, help_text="Someone who can take over when a provider is away."
    )

    kind = RequestKind.ACCOUNT

    class Meta:
        model = AccountRequest
        fields = [*ACCOUNT_REQUEST_FIELDS, "providers"]
        labels = {
            "business_need": "Business need",
            "content_topics": "Topics you will post about",
            "posting_frequency": "How often you will post",
            "moderation_plan": "Moderation plan",
        }
        help_texts = {
            "platform": "Where the account will be.",
            "proposed_name": "The name people will see, such as Calgary Parks.",
            "proposed_handle": "Such as @yycparks. Check that it is free on the platform.",
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
        if not self.submitting:  # on submit, the submission problems include these
            self.add_problems(services.address_problems(cleaned))
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

    kind = RequestKind.DECOMMISSION


class ProviderAccessRequestForm(DraftOrSubmitMixin, forms.Form):
    employee = EmployeeField(label="Employee to designate")
    access_level = forms.ChoiceField(label="Access level", choices=AccessLevel.choices)
    justification = forms.CharField(
        label="Why they need access",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Their role on this account, and how it is part of their job.",
    )

    kind = RequestKind.PROVIDER_ACCESS

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
    """The note that goes with a workflow action. Each action's form on a request's page has
    its own label and element ids; the field's name is `note` for all."""

    LABELS = {
        Action.SUBMIT: "Note (optional)",
        Action.APPROVE: "Approval note (optional)",
        Action.REJECT: "Reason for rejecting",
        Action.RETURN: "What should the requester change?",
        Action.WITHDRAW: "Why withdraw (optional)",
    }
    #: The services refuse these actions without a note; the browser says so before sending.
    NOTE_EXPECTED = (Action.REJECT, Action.RETURN)

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000)

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, auto_id=f"{action}-%s", **kwargs)
        self.action = action
        field = self.fields["note"]
        field.label = self.LABELS[action]
        if action in self.NOTE_EXPECTED:
            field.widget.attrs["required"] = True
        if action == Action.RETURN:
            field.widget.attrs["rows"] = 3


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": "Write a comment first."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="comment-%s", **kwargs)


#: The review queue's status filter: what waits for a decision unless another status is asked
#: for; "any" is every request submitted at least once.
ANY_STATUS = "any"


class QueueFilterForm(forms.Form):
    """The review queue's filters, always bound to the query string: with no status given it
    filters to what waits for a decision, and its menu says so on every page."""

    kind = forms.ChoiceField(choices=[("", "All kinds"), *RequestKind.choices], required=False)
    status = forms.ChoiceField(
        choices=[
            (RequestStatus.SUBMITTED, "Waiting for a decision"),
            (ANY_STATUS, "Any status once submitted"),
            *[c for c in RequestStatus.choices if c[0] not in (RequestStatus.DRAFT, RequestStatus.SUBMITTED)],
        ],
        required=False,
    )
    business_unit = BusinessUnitFilter()
    older_than = forms.TypedChoiceField(
        label="Waiting for",
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", "Any time"), ("3", "More than 3 days"), ("7", "More than a week"), ("30", "More than 30 days")],
    )

    def __init__(self, query):
        data = query.copy()
        if not data.get("status"):
            data["status"] = RequestStatus.SUBMITTED
        super().__init__(data)

    def filters(self):
        """The queue selector's arguments. A value that does not validate is left out (the
        menu then shows its first option, which is what applies)."""
        self.is_valid()
        cleaned = self.cleaned_data
        status = cleaned.get("status") or RequestStatus.SUBMITTED
        return {
            "kind": cleaned.get("kind") or "",
            "status": "" if status == ANY_STATUS else status,
            "business_unit": cleaned.get("business_unit") or "",
            "older_than_days": cleaned.get("older_than"),
        }
