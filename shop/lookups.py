"""``id__any_of=[...]``: membership in a long list of ids, bound as one array parameter on PostgreSQL.

Django's ``__in`` writes a placeholder per element and prepares each value in Python: for the
hundreds of retrieved product ids a long listing filters on, that cost the web process more CPU
than the database spent on the query, and each list made a new statement for the driver to parse.
``= ANY(%s)`` with the list as one array is a single parameter and one statement text whatever its
length. Other databases get ``IN``. Elements must be integers (anything else, a float or a numeric
string included, raises ``TypeError`` before any SQL is built; one past 64 bits matches nothing);
an empty list matches nothing, as ``__in`` does.
"""

from __future__ import annotations

import operator

from django.core.exceptions import EmptyResultSet
from django.db.models import IntegerField, Lookup


@IntegerField.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        values = [operator.index(value) for value in self.rhs]
        # An id past 64 bits matches no row, and some drivers cannot bind it.
        return [value for value in values if -(2**63) <= value < 2**63]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self.rhs
        if not values:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            # One text parameter: the driver's client-side binding would otherwise write the array element by
            # element in Python. The elements are integers (get_prep_lookup), so the text is an array literal.
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, "{" + ",".join(map(str, values)) + "}"]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]
