"""Errors raised by the graph layer. Messages say what to do next."""


class GraphError(Exception):
    """Base class for graph store failures."""


class ReadFailed(GraphError):
    """The store refused or failed one read (a query error, a value it cannot take): not a lost connection."""


class StoreUnavailable(GraphError):
    """The store cannot be reached (Neo4j down, wrong URI) or refuses the credentials."""
