"""Errors of the query library. Messages say what to do next; the CLI prints them without a traceback."""


class QueryError(Exception):
    """Base class for query failures."""


class UnknownQuery(QueryError):
    """No query by that name."""


class BadParameter(QueryError):
    """A parameter is unknown, missing, or cannot be read as its type."""
