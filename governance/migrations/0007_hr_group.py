"""Create the HR role group (DESIGN §2): HR uploads the roster and sees people and their training."""

from django.db import migrations


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="HR")


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="HR").delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0006_employee_management_path")]

    operations = [migrations.RunPython(create_group, remove_group)]
