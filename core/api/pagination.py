"""Pagination that says 400 (naming the parameter) to a bad page, page size or cursor."""

from __future__ import annotations

from datetime import UTC

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination, PageNumberPagination

from core.api.params import link_without_format


def _positive_int(
    value: str, *, name: str, maximum: int | None = None, message: str | None = None
) -> int:
    if not (value.isascii() and value.isdigit()):
        number = 0
    else:  # absurdly long numbers are simply large (int() refuses over 4300 digits)
        number = int(value) if len(value) <= 18 else 10**18
    if number < 1:
        raise ValidationError({name: [message or _("A positive integer is required.")]})
    if maximum is not None and number > maximum:
        message = _("Ensure this value is less than or equal to %(maximum)s.")
        raise ValidationError({name: [message % {"maximum": maximum}]})
    return number


class StrictPageSizeMixin:
    page_size_query_param = "page_size"
    max_page_size: int

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        return _positive_int(value, name=self.page_size_query_param, maximum=self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            schema = parameter["schema"]
            if parameter["name"] == self.page_size_query_param:
                schema.update(minimum=1, maximum=self.max_page_size, default=self.page_size)
                parameter["description"] = f"Results per page (1 to {self.max_page_size})."
            elif schema.get("type") == "integer":
                schema["minimum"] = 1
        return parameters


class FirstPagePaginator(Paginator):
    """Asked for page 1, fetches one row more than a page first: when the whole list fits
    (most lists do), its length is the count, and the COUNT query is saved. Otherwise the
    count is asked as usual and that first fetch is page 1."""

    first_page_wanted = False
    _head: list | None = None

    @cached_property
    def count(self):
        if self.first_page_wanted and isinstance(self.object_list, QuerySet):
            self._head = list(self.object_list[: self.per_page + 1])
            if len(self._head) <= self.per_page:
                return len(self._head)
        return super().count

    def page(self, number):
        number = self.validate_number(number)  # counts, so fills _head when it can
        if self._head is not None and number == 1:
            return self._get_page(self._head[: self.per_page], number, self)
        return super().page(number)


class ApiPageNumberPagination(StrictPageSizeMixin, PageNumberPagination):
    """``?page=`` (1-based) and ``?page_size=`` (up to 200); a page past the end is a 404."""

    page_size = 50
    max_page_size = 200
    django_paginator_class = FirstPagePaginator

    def get_paginated_response_schema(self, schema):
        """DRF's, with next and previous required: every page has them (null at the ends)."""
        schema = super().get_paginated_response_schema(schema)
        schema["required"] = ["count", "next", "previous", "results"]
        return schema

    def get_schema_operation_parameters(self, view):
        """``page`` is a number from 1 or ``last`` (what get_page_number accepts)."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {
                    "oneOf": [
                        {"type": "integer", "minimum": 1},
                        {"type": "string", "enum": list(self.last_page_strings)},
                    ]
                }
                parameter["description"] = (
                    "A page number from 1, or 'last' for the last page; past the end is a 404."
                )
        return parameters

    def get_page_number(self, request, paginator):
        value = request.query_params.get(self.page_query_param, "1")
        if value in self.last_page_strings:
            return paginator.num_pages
        number = _positive_int(
            value, name=self.page_query_param, message=_("A page number from 1, or 'last'.")
        )
        paginator.first_page_wanted = number == 1
        return number

    def get_next_link(self):
        return link_without_format(super().get_next_link())

    def get_previous_link(self):
        return link_without_format(super().get_previous_link())


class SnapshotCursorPagination(StrictPageSizeMixin, CursorPagination):
    """Cursor pages in time order (``?cursor=`` from ``next``/``previous``), up to 1000 rows."""

    page_size = 1000
    max_page_size = 1000
    ordering = ("ts", "source")
    template = None

    def encode_cursor(self, cursor):
        return link_without_format(super().encode_cursor(cursor))

    def decode_cursor(self, request):
        invalid = ValidationError({self.cursor_query_param: [_("Invalid cursor.")]})
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise invalid from None
        if cursor == Cursor(offset=0, reverse=False, position=None):
            # Decodes to nothing ("", "!!!"): DRF would serve the first page, and a client
            # holding a corrupted cursor would silently start over. No link carries it.
            raise invalid
        if cursor is not None and cursor.position is not None:
            # The position goes into a query: it must be a time the database can take.
            try:
                position = parse_datetime(cursor.position)
                if position is None or position.tzinfo is None:
                    raise ValueError(cursor.position)
                # PostgreSQL takes offsets up to 15:59 only, Python up to 23:59: the same
                # instant in UTC goes into the query instead.
                cursor = cursor._replace(position=position.astimezone(UTC).isoformat())
            except (ValueError, OverflowError):
                raise invalid from None
        return cursor


class BucketCursorPagination(SnapshotCursorPagination):
    ordering = ("bucket",)
