"""Shared model bases: timestamps and the one tenancy scoping path."""

from typing import Self, TypeVar

from django.db import models

_M = TypeVar("_M", bound=models.Model)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AccountScopedQuerySet(models.QuerySet[_M]):
    """Every request-driven lookup starts here, so no view can forget the tenant filter."""

    def for_account(self, account: models.Model | int) -> Self:
        return self.filter(account=account)


AccountScopedManager = models.Manager.from_queryset(AccountScopedQuerySet)
