"""Shared model bases: timestamps and the one tenancy scoping path."""

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AccountScopedQuerySet(models.QuerySet):
    """Every request-driven lookup starts here, so no view can forget the tenant filter."""

    def for_account(self, account):
        return self.filter(account=account)


AccountScopedManager = models.Manager.from_queryset(AccountScopedQuerySet)
