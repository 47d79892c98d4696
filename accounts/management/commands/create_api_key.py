"""``manage.py create_api_key <account-slug>``: the raw key is the last line, for scripts."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Account, Role
from accounts.services import api_key_create


class Command(BaseCommand):
    help = "Create an API key for an account and print it (shown once, as the last line)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("account_slug", help="Slug of the account the key belongs to.")
        parser.add_argument("--name", default="Command line", help="A label for the key.")
        parser.add_argument(
            "--role",
            default=Role.MANAGER,
            choices=[choice.value for choice in Role],
            help="What the key may do (default: manager).",
        )

    def handle(
        self, *args: object, account_slug: str, name: str, role: str, **options: object
    ) -> None:
        account = Account.objects.filter(slug=account_slug).first()
        if account is None:
            known = list(Account.objects.order_by("slug").values_list("slug", flat=True)[:20])
            hint = (
                f" Known accounts: {', '.join(known)}." if known else " There are no accounts yet."
            )
            raise CommandError(f"No account with the slug “{account_slug}”.{hint}")
        name = name.strip()
        if not name:
            raise CommandError("--name must not be empty.")
        key, raw = api_key_create(account=account, name=name[:100], role=role)
        self.stdout.write(
            f"Created API key “{key.name}” ({key.get_role_display().lower()}) for "
            f"{account.name} ({account.slug}); it starts with {key.prefix}."
        )
        self.stdout.write("Copy the key below now: it is shown only once and cannot be recovered.")
        self.stdout.write(raw)
