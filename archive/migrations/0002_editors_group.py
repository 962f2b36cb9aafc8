"""Create the "Editors" group: staff in it may curate everything in the archive, and nothing else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
ARCHIVE_MODELS = ("article", "organisation", "person", "role", "event")
ACTIONS = ("add", "change", "delete", "view")


def create_editors_group(apps, schema_editor):
    # Permissions are normally made after all migrations have run; make the archive's now.
    # create_permissions skips app configs without a models module, as migration stubs are.
    archive_config = apps.get_app_config("archive")
    had_models_module = getattr(archive_config, "models_module", None)
    archive_config.models_module = had_models_module or True
    try:
        create_permissions(archive_config, verbosity=0, apps=apps)
    finally:
        archive_config.models_module = had_models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    codenames = [f"{action}_{model}" for model in ARCHIVE_MODELS for action in ACTIONS]
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="archive", codename__in=codenames)
    )


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
