"""``field__any_of=[...]``: membership in a long list of values as one array parameter.

Why: ``field__in`` puts one placeholder per value in the SQL, and Django and the driver
prepare each one in Python; for the 2,000 phones of an import chunk that costs more than the
query itself. On PostgreSQL this lookup sends ``field = ANY(%s)`` with the list as a single
array (the btree index is used just the same); other databases get the ``IN`` lookup.
"""

from django.db.models import Field
from django.db.models.lookups import In, Lookup


@Field.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        prepared = [self.lhs.output_field.get_db_prep_value(v, connection) for v in value]
        return "%s", [prepared]

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            return In(self.lhs, list(self.rhs)).as_sql(compiler, connection)
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} = ANY({rhs_sql})", (*lhs_params, *rhs_params)
