"""Forms of the people pages: training, the HR roster upload and versions of the Standards."""

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone

from .models import TrainingCourse


class NoNulCharField(forms.CharField):
    """A text field that refuses NUL characters with a message (PostgreSQL cannot store them)."""

    def clean(self, value):
        value = super().clean(value)
        if value and "\x00" in value:
            raise forms.ValidationError("Remove the NUL character from this text.")
        return value


class PeopleSearchForm(forms.Form):
    q = NoNulCharField(label="Name or employee number", max_length=100, required=False)


class TrainingRecordForm(forms.Form):
    employee = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    course = forms.ChoiceField(label="Course", choices=TrainingCourse.choices)
    completed_on = forms.DateField(label="Completed on", widget=forms.DateInput(attrs={"type": "date"}))

    def clean_completed_on(self):
        value = self.cleaned_data["completed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The completion date cannot be in the future.")
        if value < datetime.date(1990, 1, 1):
            raise forms.ValidationError("Give a completion date after 1990.")
        return value


class CsvUploadForm(forms.Form):
    file = forms.FileField(label="CSV file")

    def __init__(self, *args, max_bytes, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > self.max_bytes:
            raise forms.ValidationError(
                f"This file is {uploaded.size / 1024 / 1024:.1f} MB; the largest accepted is "
                f"{self.max_bytes // (1024 * 1024)} MB."
            )
        return uploaded


class RosterUploadForm(CsvUploadForm):
    full = forms.BooleanField(
        label="This file is the whole organisation (a full roster): whoever is not in it has left the roster",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, max_bytes=settings.ROSTER_UPLOAD_MAX_MB * 1024 * 1024, **kwargs)


class StandardsDraftForm(forms.Form):
    version = NoNulCharField(label="Version number", max_length=20, help_text="For example 1.1.")
    title = NoNulCharField(label="Title", max_length=200, initial="Social Media Standards for City Employees")
    text = NoNulCharField(
        label="Text (Markdown)",
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text="Headings start with #, lists with -. Links and images are not shown.",
    )


class PublishForm(forms.Form):
    effective_on = forms.DateField(
        label="In force from", widget=forms.DateInput(attrs={"type": "date"}), help_text="Today or a later date."
    )
    acknowledge_within_days = forms.IntegerField(
        label="Days providers have to acknowledge it", min_value=1, max_value=365, initial=30
    )

    def clean_effective_on(self):
        value = self.cleaned_data["effective_on"]
        if value < timezone.localdate():
            raise forms.ValidationError("Choose today or a later date.")
        if value > timezone.localdate() + datetime.timedelta(days=3650):
            raise forms.ValidationError("Choose a date within ten years.")
        return value
