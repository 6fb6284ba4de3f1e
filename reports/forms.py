"""The report forms, the queue's filters and the team's actions. Every field has a length limit,
every choice is checked and Django's text fields refuse NUL characters, so bad input is a form
error, never a 500."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.core.validators import URLValidator

from .models import REFERRAL_STATUSES, RegistryMatch, ReportKind, ReportStatus
from .screenshots import clean_screenshot
from .selectors import ANY, LIKELY, MINE, OPEN, UNASSIGNED


class ReportForm(forms.Form):
    """What an employee reports: the address, what kind of content, what they saw, a screenshot."""

    kind = forms.ChoiceField(
        label="What are you reporting?",
        choices=ReportKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you are reporting.", "invalid_choice": "Choose one of the options."},
    )
    url = forms.URLField(
        label="Address of the post or profile",
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Copy it from your browser's address bar, such as https://www.instagram.com/p/… or "
        "https://x.com/name.",
        error_messages={
            "required": "Enter the address of what you saw.",
            "invalid": "Enter a web address, such as https://www.instagram.com/name.",
        },
    )
    account_name = forms.CharField(
        label="Name or handle shown on the account (optional)",
        max_length=200,
        required=False,
        help_text="As it appears on the profile, such as “Calgary Parks Official”.",
    )
    description = forms.CharField(
        label="What did you see?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What it says or shows, and why it matters. Do not include anyone's password.",
        error_messages={"required": "Say what you saw."},
    )
    screenshot = forms.FileField(
        label="Screenshot (optional)",
        required=False,
        help_text="PNG or JPEG, at most 5 MB. Only the communications team sees it.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_screenshot(self):
        upload = self.cleaned_data.get("screenshot")
        if not upload:
            return None
        return clean_screenshot(upload)


class PublicReportForm(ReportForm):
    """The public's form, from the directory: no sign-in, an optional email, and a field people
    never see (a program that fills it in is not a person)."""

    email = forms.EmailField(
        label="Your email (optional)",
        required=False,
        max_length=254,
        help_text="Only if you would like to hear when we have dealt with it. We do not share it.",
    )
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    field_order = ["kind", "url", "account_name", "description", "screenshot", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = ReportKind.IMPERSONATION
        self.fields["screenshot"].help_text = "PNG or JPEG, at most 5 MB. Only the City's communications team sees it."
        # Off-screen for people (portal.css); a program filling in every field fills it in too.
        self.helper.layout = Layout(*self.field_order, Div("website", css_class="report-extra"))

    @property
    def is_spam(self):
        """A program filled in the field people do not see."""
        return bool(self.data.get("website"))


class QueueFilterForm(forms.Form):
    """The triage queue's filters, always bound to the query string: open reports unless a
    status is asked for. A value that does not validate is left out."""

    kind = forms.ChoiceField(choices=[("", "All kinds"), *ReportKind.choices], required=False)
    status = forms.ChoiceField(
        choices=[(OPEN, "Open (new or in progress)"), (ANY, "Any status"), *ReportStatus.choices], required=False
    )
    assignee = forms.ChoiceField(label="Assigned to", required=False)
    match = forms.ChoiceField(
        label="Registry",
        choices=[("", "Any"), (LIKELY, "Likely impersonation"), *RegistryMatch.choices],
        required=False,
    )
    overdue = forms.ChoiceField(label="Due", choices=[("", "Any time"), ("yes", "Overdue")], required=False)

    def __init__(self, query, *, team):
        data = query.copy()
        if not data.get("status"):
            data["status"] = OPEN
        super().__init__(data)
        self.fields["assignee"].choices = [
            ("", "Anyone"),
            (MINE, "Me"),
            (UNASSIGNED, "Nobody yet"),
            *[(str(user.pk), _name(user)) for user in team],
        ]

    def filters(self) -> dict:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "kind": cleaned.get("kind") or "",
            "status": cleaned.get("status") or OPEN,
            "assignee": cleaned.get("assignee") or "",
            "match": cleaned.get("match") or "",
            "overdue": cleaned.get("overdue") == "yes",
        }


def _name(user):
    employee = getattr(user, "employee", None)
    return employee.full_name if employee else (user.get_full_name() or "A team member")


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label="Assign to",
        queryset=None,
        error_messages={"required": "Choose who handles it.", "invalid_choice": "Choose someone from the team."},
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, auto_id="assign-%s", **kwargs)
        self.fields["assignee"].queryset = team
        self.fields["assignee"].label_from_instance = _name


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Note for the team",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text="Only the communications team and auditors see notes.",
        error_messages={"required": "Write a note first."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="comment-%s", **kwargs)


class OutcomeForm(forms.Form):
    """The note with which the team ends a report (shared or closed)."""

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False)

    LABELS = {
        ReportStatus.SHARED: "How it was shared (optional)",
        ReportStatus.CLOSED: "Why it is closed",
    }

    def __init__(self, *args, ending, **kwargs):
        super().__init__(*args, auto_id=f"{ending}-%s", **kwargs)
        self.ending = ending
        field = self.fields["note"]
        field.label = self.LABELS[ending]
        if ending == ReportStatus.CLOSED:
            field.required = True
            field.error_messages["required"] = "Say why the report is closed."
            field.help_text = "Stays within the team; the reporter is told only that it is closed."


class ReferForm(forms.Form):
    to = forms.ChoiceField(
        label="Refer to",
        choices=[
            (ReportStatus.REFERRED_SECURITY, "Law-Corporate Security"),
            (ReportStatus.REFERRED_HR, "Human Resources"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the team.", "invalid_choice": "Choose one of the two teams."},
    )
    note = forms.CharField(
        label="What they should know",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text="Sent to the team's mailbox and to the auditors.",
        error_messages={"required": "Say what the referral is about."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="refer-%s", **kwargs)

    def clean_to(self):
        to = self.cleaned_data["to"]
        if to not in REFERRAL_STATUSES:
            raise forms.ValidationError("Choose one of the two teams.")
        return to
