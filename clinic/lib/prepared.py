"""A queryset compiled to SQL once per process, then run with new values on each call.

Django compiles a queryset to SQL every time it is evaluated. For the article page's query (the
article with four correlated subqueries for its neighbours) that compiling was 1.7 ms of CPU of
2.3 ms per request, and for its related articles (a UNION) about 1 ms: more than running them.

`Prepared(build)` calls `build(**markers)` once per *shape* (the lengths of the list values),
with unique marker values in place of the real ones, and keeps the SQL and parameters Django
made. Each call then puts the real values where the markers' parameters were and runs the same
SQL through `Model.objects.raw()`, which converts every column as a queryset would (dates,
JSON), deferring the model fields the query did not select and setting its annotations as
attributes; `values()` gives the same rows as dictionaries, and `rows()` runs it on a cursor
and gives tuples, for a `values_list()` queryset whose columns need no converting (text,
numbers, aware datetimes on PostgreSQL; search uses it for its UNIONs of two tables).
Supported values: strings, integers, aware datetimes (compared with a DateTimeField) and lists
of integers. If a marker does not come through to the parameters unchanged (Django folded or
transformed it), or Django needs no SQL at all (an empty list), the queryset is simply built
and run as it is.

How the rows become model instances (which columns are fields, which are annotations, and
each column's converters) is worked out once per shape too, from the first answer, as
`RawQuerySet` would work it out on every call.

On PostgreSQL the SQL is also a *prepared statement* (psycopg's server-side binding with
`prepare=True`, `DATABASES` option `prepare_threshold`): PostgreSQL parses and plans it once
per connection instead of on every call. Planning the article's query was 0.35 ms of
PostgreSQL's CPU of 0.45 ms. Django's own queries keep client-side binding; a connection
pooler in transaction mode wants `DATABASE_PREPARED_STATEMENTS=false` (clinic/settings.py).
Each call still goes through Django's cursor: counted, logged, errors wrapped.
"""

import datetime
import functools
import itertools
import threading
import types

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.sql.query import RawQuery

_serial = itertools.count(1)


class Prepared:
    def __init__(self, build):
        self.build = build
        self._compiled: dict[tuple, _Compiled | None] = {}
        self._lock = threading.Lock()

    def raw(self, **values):
        """The rows `build(**values)` would give, as a list of model instances."""
        found = self._run(values)
        if found is None:
            return list(self.build(**values))
        reader, rows = found
        return reader.instances(rows)

    def values(self, **values):
        """The same rows as dictionaries of their converted values by field (attname) and
        annotation: no model instance made (one costs about 15 µs)."""
        found = self._run(values)
        if found is None:
            instances = self.build(**values)
            return [{k: v for k, v in vars(row).items() if k != "_state"} for row in instances]
        reader, rows = found
        return reader.dicts(rows)

    def rows(self, **values):
        """The rows of a `values_list()` queryset (its columns in order), as a list of tuples.
        Only for columns the database driver gives as Python wants them (no converters run):
        text, numbers, aware datetimes on PostgreSQL. Bound on the client, as Django binds."""
        found = self._sql(values)
        if found is None:
            return [tuple(row) for row in self.build(**values)]
        compiled, params = found
        with connections[compiled.using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            return cursor.fetchall()

    def _run(self, values):
        """The reader and the rows for these values (None: no shortcut for their shape)."""
        found = self._sql(values)
        if found is None:
            return None
        compiled, params = found
        connection = connections[compiled.using]
        with _cursor(connection) as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
            reader = compiled.reader
            if reader is None:
                reader = compiled.reader = _Reader(compiled, cursor.description, connection)
        return reader, rows

    def _sql(self, values):
        """The compiled query for these values' shape and its parameters (None: no shortcut)."""
        shape = tuple(
            (name, len(value) if isinstance(value, list) else None)
            for name, value in sorted(values.items())
        )
        compiled = self._compiled.get(shape, False)
        if compiled is False:
            with self._lock:
                compiled = self._compiled[shape] = self._compile(values)
        if compiled is None:
            return None
        connection = connections[compiled.using]
        params = list(compiled.params)
        for index, (name, item) in compiled.positions.items():
            value = values[name] if item is None else values[name][item]
            params[index] = _adapt(value, connection)
        return compiled, params

    def _compile(self, values):
        using = self.build(**values).db
        connection = connections[using]
        markers, wanted = {}, {}
        for name, value in values.items():
            if isinstance(value, list):
                markers[name] = [_marker(item) for item in value]
                for item, marker in enumerate(markers[name]):
                    wanted[_key(_adapt(marker, connection))] = (name, item)
            else:
                markers[name] = _marker(value)
                wanted[_key(_adapt(markers[name], connection))] = (name, None)
        queryset = self.build(**markers)
        try:
            sql, params = queryset.query.get_compiler(using=using).as_sql()
        except EmptyResultSet:  # (an empty list of ids): Django answers it without SQL
            return None
        positions = {}
        for index, param in enumerate(params):
            found = wanted.get(_key(param))
            if found is not None:
                positions[index] = found
        if set(positions.values()) != set(wanted.values()):
            return None  # a marker did not come through unchanged: no shortcut for this one
        return _Compiled(sql, tuple(params), positions, queryset.model, using)


class _Compiled:
    __slots__ = ("model", "params", "positions", "reader", "sql", "using")

    def __init__(self, sql, params, positions, model, using):
        self.sql, self.params, self.positions = sql, params, positions
        self.model, self.using = model, using
        self.reader: _Reader | None = None


class _Reader:
    """Rows to model instances, as RawQuerySet makes them (Django's RawModelIterable): the
    model's fields by column (the rest deferred), every other column an attribute, each
    value converted as the field converts it. Worked out once per compiled query."""

    def __init__(self, compiled, description, connection):
        name = connection.introspection.identifier_converter
        columns = [name(column[0]) for column in description]
        model = compiled.model
        fields = {name(field.column): field for field in model._meta.fields if field.column}
        self.model, self.using = model, compiled.using
        present = [field for column, field in fields.items() if column in columns]
        self.names = [field.attname for field in present]
        self.positions = [columns.index(name(field.column)) for field in present]
        self.annotations = [
            (column, index) for index, column in enumerate(columns) if column not in fields
        ]
        self.columns = [*zip(self.names, self.positions, strict=True), *self.annotations]
        query = RawQuery(compiled.sql, compiled.using)
        self.compiler = connection.ops.compiler("SQLCompiler")(query, connection, compiled.using)
        expressions = [
            fields[column].get_col(model._meta.db_table) if column in fields else None
            for column in columns
        ]
        self.converters = self.compiler.get_converters(expressions)

    def dicts(self, rows):
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        columns = self.columns
        return [{name: row[index] for name, index in columns} for row in rows]

    def instances(self, rows):
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        instances = []
        for row in rows:
            instance = self.model.from_db(
                self.using, self.names, [row[index] for index in self.positions]
            )
            for column, index in self.annotations:
                setattr(instance, column, row[index])
            instances.append(instance)
        return instances


def _cursor(connection):
    """Django's cursor (counted, logged, errors wrapped) over one that prepares its statements
    on PostgreSQL."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    # As BaseDatabaseWrapper._cursor() and create_cursor() make theirs, but with psycopg's
    # server-side binding, which alone can prepare.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    postgresql = _postgresql()
    with connection.wrap_database_errors:
        cursor = postgresql.PreparingCursor(connection.connection)
    loader = connection.connection.adapters.get_loader(postgresql.TIMESTAMPTZ_OID, postgresql.TEXT)
    if connection.timezone != loader.timezone:  # (as create_cursor() does)
        postgresql.register_tzloader(connection.timezone, cursor)
    connection.validate_thread_sharing()
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


@functools.cache
def _postgresql():
    """What _cursor() needs of Django's PostgreSQL backend, imported once it is in use."""
    from django.db.backends.postgresql import base, psycopg_any
    from psycopg.pq import Format

    class PreparingCursor(base.ServerBindingCursor):
        """Every statement prepared: parsed and planned once per connection (psycopg names
        them and keeps up to `prepared_max`), then only bound and run."""

        def execute(self, query, params=None, *, prepare=None, **kwargs):
            return super().execute(query, params, prepare=True, **kwargs)

    return types.SimpleNamespace(
        PreparingCursor=PreparingCursor,
        TIMESTAMPTZ_OID=base.TIMESTAMPTZ_OID,
        TEXT=Format.TEXT,
        register_tzloader=psycopg_any.register_tzloader,
    )


def _marker(value):
    serial = next(_serial)
    if isinstance(value, bool):
        raise TypeError("Prepared does not take booleans.")
    if isinstance(value, int):
        return -(10**15) - serial
    if isinstance(value, str):
        return f"\x1fprepared-marker-{serial}\x1f"
    if isinstance(value, datetime.datetime):
        base = datetime.datetime(1901, 2, 3, tzinfo=datetime.UTC)
        return base + datetime.timedelta(seconds=serial, microseconds=serial)
    raise TypeError(f"Prepared does not take {type(value).__name__} values.")


def _adapt(value, connection):
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _key(param):
    try:
        hash(param)
    except TypeError:
        return None
    return (type(param), param)
