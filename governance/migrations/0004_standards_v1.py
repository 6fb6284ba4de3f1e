"""Publish version 1.0 of the Social Media Standards for City Employees (approved 2016-10-25)."""

import datetime
from pathlib import Path

from django.db import migrations

TEXT = Path(__file__).resolve().parent.parent / "standards" / "v1.0.md"


def publish(apps, schema_editor):
    StandardsVersion = apps.get_model("governance", "StandardsVersion")
    StandardsVersion.objects.get_or_create(
        version="1.0",
        defaults={
            "title": "Social Media Standards for City Employees",
            "approved_on": datetime.date(2016, 10, 25),
            "effective_from": datetime.datetime(2016, 10, 25, tzinfo=datetime.UTC),
            "text": TEXT.read_text(encoding="utf-8"),
        },
    )


def unpublish(apps, schema_editor):
    apps.get_model("governance", "StandardsVersion").objects.filter(version="1.0", acknowledgements=None).delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0003_audit_append_only")]

    operations = [migrations.RunPython(publish, unpublish)]
