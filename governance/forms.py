"""Forms of the people domain."""

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q

from .models import Employee, EmploymentStatus


class SignInForm(AuthenticationForm):
    """Username and password, labelled as such, with the autocomplete hints browsers use."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username", autocapitalize="none")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")
        self.helper = FormHelper()
        self.helper.form_tag = False


class SecondFactorForm(forms.Form):
    """A code from the authenticator app (six digits) or a recovery code."""

    code = forms.CharField(max_length=64, strip=True)

    def __init__(self, *args, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = label
        self.fields["code"].widget.attrs.update(
            autocomplete="one-time-code", autocapitalize="none", spellcheck="false", inputmode="text"
        )


def _find_employee(value):
    return (
        Employee.objects.filter(Q(employee_number__iexact=value) | Q(email__iexact=value))
        .exclude(employment_status=EmploymentStatus.TERMINATED)
        .select_related("business_unit")
        .first()
    )


class EmployeeField(forms.CharField):
    """An employee named by employee number or work email; the form shows the number back."""

    default_error_messages = {
        "unknown": "No current employee has the number or email %(value)s. Check it in the HR directory.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Employee number (such as E3101) or work email.")
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("maxlength", "254")

    def prepare_value(self, value):
        return getattr(value, "employee_number", value)

    def to_python(self, value):
        if isinstance(value, Employee):  # a disabled field gives back its initial employee
            return value
        value = super().to_python(value).strip()[:254]
        if not value:
            return None
        employee = _find_employee(value)
        if employee is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"value": value})
        return employee


class EmployeeListField(forms.CharField):
    """Several employees, by number or work email, one per line or separated by commas."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Employee numbers (such as E3101) or work emails, one per line.")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple) or hasattr(value, "all"):
            items = value.all() if hasattr(value, "all") else value
            return "\n".join(getattr(item, "employee_number", str(item)) for item in items)
        return value

    def to_python(self, value):
        names = [part.strip() for part in (value or "").replace(",", "\n").splitlines() if part.strip()]
        employees, unknown = [], []
        for name in dict.fromkeys(names):
            employee = _find_employee(name)
            if employee is None:
                unknown.append(name)
            elif employee not in employees:
                employees.append(employee)
        if unknown:
            raise forms.ValidationError(
                "No current employee has the number or email %(values)s. Check them in the HR directory.",
                code="unknown",
                params={"values": ", ".join(unknown)},
            )
        return employees


class BusinessUnitFilter(forms.CharField):
    """A business-unit filter: any code is accepted (an unknown one simply matches nothing); the
    menu's options come from the cached list of units, not from the database on each page."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Business unit")
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    #: Rendered by the `business_unit_options` template tag (templates/includes/filter_field.html).
    choices = ()
