"""Create an editor: a staff account in the Editors group; no password is kept in the repo."""

import getpass
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

EDITORS_GROUP = "Editors"


class Command(BaseCommand):
    help = (
        "Create an editor account (staff, in the Editors group) or reset its password. "
        "Without --password-prompt a random password is generated and printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-prompt",
            action="store_true",
            help="Ask for the password instead of generating one.",
        )

    @transaction.atomic
    def handle(self, *args, username: str, email: str, password_prompt: bool, **options):
        try:
            group = Group.objects.get(name=EDITORS_GROUP)
        except Group.DoesNotExist:
            raise CommandError("The Editors group is missing: run `manage.py migrate`.") from None

        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": email, "is_staff": True}
        )
        if password_prompt:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        else:
            password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.is_staff = True
        user.is_active = True
        if email:
            user.email = email
        user.save()
        user.groups.add(group)

        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} editor {username!r}."))
        if not password_prompt:
            self.stdout.write(f"Password: {password}")
        self.stdout.write("Sign in at /admin/.")
