"""``field__any_of=[...]``: membership in a long list of values as one array parameter.

Why: ``field__in`` puts one placeholder per value in the SQL, and Django and the driver
prepare each one in Python; for the 2,000 phones of an import chunk that costs more than the
query itself. On PostgreSQL this lookup sends ``field = ANY(%s)`` with the list as a single
array (the btree index is used just the same); other databases get the ``IN`` lookup.
"""

from collections.abc import Iterable

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field
from django.db.models.lookups import In, Lookup
from django.db.models.sql.compiler import SQLCompiler


@Field.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    # django-stubs types an SQL parameter as str or int; this lookup's one parameter is a
    # list (sent as an array), hence the two ignored overrides.

    def get_db_prep_lookup(  # type: ignore[override]
        self, value: Iterable[object], connection: BaseDatabaseWrapper
    ) -> tuple[str, list[list[object]]]:
        prepared = [self.lhs.output_field.get_db_prep_value(v, connection) for v in value]
        return "%s", [prepared]

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[object, ...]]:
        if connection.vendor != "postgresql":
            return In(self.lhs, list(self.rhs)).as_sql(compiler, connection)
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} = ANY({rhs_sql})", (*lhs_params, *rhs_params)
