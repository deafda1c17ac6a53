"""The Neo4j back end — the only module that imports the `neo4j` driver.

Writes are batched `UNWIND $rows` statements run in managed transactions (`execute_write`), one transaction
per batch. Labels, relationship types and key names come from graph.model; every value is a parameter.

Crash safety: there is no checkpoint file. Every statement is idempotent (MERGE on the unique key for nodes;
delete-then-create of each owner's edges inside one transaction), so re-running an interrupted load completes
it and gives the same graph as an uninterrupted one. Transient failures (TransientError, ServiceUnavailable,
SessionExpired) are retried here, not by the driver, with back-off (0.5 s doubling to 8 s) for at most
`retry_seconds` (CASELINK_NEO4J_RETRY_SECONDS), each retry logged as a warning; then StoreUnavailable says
to re-run. A retried first-load CREATE runs as its MERGE twin: a connection lost during COMMIT leaves unknown
whether the attempt committed, and CREATE twice would duplicate.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import cache
from typing import Any, TypeVar

import neo4j
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DatabaseError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graph.errors import ReadFailed, StoreUnavailable
from graph.model import NODE_KEYS, Edge, EdgeSpec, Label, Node, OwnerRow, RelType, Row, freeze_props
from graph.schema import schema_statements
from graph.settings import Settings
from graph.store import DEFAULT_BATCH, Dump, GraphStore, GraphView, GraphWriter, Sent, chunks

T = TypeVar("T")
RETRYABLE = (TransientError, ServiceUnavailable, SessionExpired)
MAX_DELAY = 8.0
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
log = logging.getLogger(__name__)
LABELS = [str(label) for label in Label]
KEYS = {str(label): key for label, key in NODE_KEYS.items()}
CLEAR_ORDER = (Label.FILING, Label.PETITIONER, Label.ISSUE, Label.UNIT, Label.ORG, Label.COUNTY)
DUMP_NODES = (
    "MATCH (n) WITH n, [l IN labels(n) WHERE l IN $labels][0] AS label WHERE label IS NOT NULL "
    "RETURN label, properties(n) AS props"
)
DUMP_EDGES = (
    "MATCH (a)-[r]->(b) WHERE type(r) IN $rels "
    "WITH a, r, b, [l IN labels(a) WHERE l IN $labels][0] AS al, "
    "[l IN labels(b) WHERE l IN $labels][0] AS bl "
    "RETURN type(r) AS rel, al, a[$keys[al]] AS ak, bl, b[$keys[bl]] AS bk, properties(r) AS props"
)


@cache
def node_upsert_cypher(label: Label) -> str:
    return f"UNWIND $rows AS row MERGE (n:{label} {{{label.key}: row.{label.key}}}) SET n += row"


@cache
def node_create_cypher(label: Label) -> str:
    return f"UNWIND $rows AS row CREATE (n:{label}) SET n = row"


@cache
def edge_replace_cypher(spec: EdgeSpec, new: bool = False) -> str:
    """Per owner row: delete its edges of this kind (unless `new`), then create the given ones."""
    o, x = spec.owner_label, spec.other_label
    old = f"(o)-[r:{spec.rel}]->(:{x})" if spec.owner == "src" else f"(:{x})-[r:{spec.rel}]->(o)"
    create = f"(o)-[r:{spec.rel}]->(x)" if spec.owner == "src" else f"(x)-[r:{spec.rel}]->(o)"
    delete = "" if new else f"FOREACH (old IN [{old} | r] | DELETE old) WITH o, row "
    return (
        f"UNWIND $rows AS row MATCH (o:{o} {{{o.key}: row.owner}}) {delete}"
        f"UNWIND row.edges AS e MATCH (x:{x} {{{x.key}: e.other}}) CREATE {create} SET r = e.props"
    )


@cache
def delete_cypher(label: Label) -> str:
    """Delete the nodes of one label whose keys are in $keys, with their edges."""
    return f"UNWIND $keys AS k MATCH (n:{label} {{{label.key}: k}}) DETACH DELETE n"


@cache
def prune_cypher(label: Label, specs: tuple[EdgeSpec, ...]) -> str:
    conds = " AND ".join(
        f"NOT (n)-[:{s.rel}]->(:{s.owner_label})"
        if s.owner == "dst"
        else f"NOT (:{s.owner_label})-[:{s.rel}]->(n)"
        for s in specs
    )
    return f"MATCH (n:{label}) WHERE {conds} WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"


def _native(value: Any) -> Any:
    """Driver values in dump form: neo4j.time.Date → datetime.date, lists → tuples."""
    if isinstance(value, list):
        return tuple(_native(v) for v in value)
    if hasattr(value, "to_native"):
        return value.to_native()
    return value


class Neo4jView(GraphView):
    """Read-only access: `run(cypher, params)` executes in a read transaction (the server refuses writes)."""

    backend = "neo4j"

    def __init__(self, store: Neo4jStore) -> None:
        self._store = store

    def run(self, cypher: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Rows of the query as dicts."""

        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            return [rec.data() for rec in tx.run(cypher, params or {})]

        return self._store._read(work)

    def table(self, cypher: str, params: dict[str, Any], columns: list[str]) -> list[list[Any]]:
        """The query's rows as lists of values in `columns` order, dates as ISO strings.

        The rows come back in one record (`table_cypher`): the driver's per-record work, not the server,
        is what a result of 100,000 rows costs (about 30 µs of Python per record, against 4 µs per row
        packed in one list), and a Date converted to text on the server costs nothing in Python.
        """

        def work(tx: neo4j.ManagedTransaction) -> list[list[Any]]:
            record = tx.run(table_cypher(cypher, tuple(columns)), params).single(strict=True)
            rows: list[list[Any]] = record[0]
            return rows

        try:
            return self._store._read(work)
        except (ClientError, DatabaseError, ValueError, OverflowError, TypeError) as exc:
            # a parameter the server or the driver cannot take (an integer beyond 64 bits, an arithmetic
            # overflow), or a failing query: the caller gets a message, never a driver traceback
            raise ReadFailed(f"Neo4j could not answer this query ({type(exc).__name__}: "
                             f"{getattr(exc, 'message', None) or exc}). Check the parameters.") from exc


def _as_text_when_dated(column: str) -> str:
    v = f"`{column}`"
    # toStringOrNull takes any type: toString would fail the type check of a list or map column
    return f"CASE WHEN {v} IS :: DATE THEN toStringOrNull({v}) ELSE {v} END"


@cache
def table_cypher(cypher: str, columns: tuple[str, ...]) -> str:
    """`cypher` (ending in RETURN … ORDER BY) run as a subquery whose rows are collected, in their order,
    into one list of value lists; dates become ISO text (no query returns a list of dates). `columns` are
    the spec's column names (constants of the query library, never input)."""
    values = ", ".join(_as_text_when_dated(c) for c in columns)
    return f"CALL () {{\n{cypher}\n}}\nRETURN collect([{values}]) AS rows"


class Neo4jWriter(GraphWriter):
    """Runs the batches of one call on `store.workers` sessions at once; a call returns when all are written.

    Batches of one call touch different owners, so they are independent transactions; several sessions keep
    both the server's cores busy while this process packs the next batch.
    """

    def __init__(self, store: Neo4jStore, pool: ThreadPoolExecutor | None = None) -> None:
        self.store = store
        self.pool = pool

    def _run_batches(
        self, cypher: str, again: str, rows: Iterable[Any]
    ) -> list[tuple[int, neo4j.ResultSummary]]:
        """(rows, summary) per batch, in order; `again` is the idempotent twin run on a retry."""

        def one(batch: list[Any]) -> tuple[int, neo4j.ResultSummary]:
            return len(batch), self.store.run_write(cypher, retry_cypher=again, rows=batch)

        batches = chunks(rows, self.store.batch_size)
        if self.pool is None:
            return [one(batch) for batch in batches]
        return [f.result() for f in [self.pool.submit(one, batch) for batch in batches]]

    def upsert_nodes(self, label: Label, rows: Iterable[Row], *, new: bool = False) -> int:
        cypher = node_create_cypher(label) if new else node_upsert_cypher(label)
        n = sum(n for n, _ in self._run_batches(cypher, node_upsert_cypher(label), rows))
        self.store.sent.nodes += n
        return n

    def replace_edges(self, spec: EdgeSpec, rows: Iterable[OwnerRow], *, new: bool = False) -> int:
        done = self._run_batches(edge_replace_cypher(spec, new), edge_replace_cypher(spec), rows)
        n = sum(s.counters.relationships_created for _, s in done)
        self.store.sent.owners += sum(owners for owners, _ in done)
        self.store.sent.edges += n
        return n

    def delete_nodes(self, label: Label, keys: Iterable[str]) -> int:
        n = 0
        for batch in chunks(keys, self.store.batch_size):
            n += self.store.run_write(delete_cypher(label), keys=batch).counters.nodes_deleted
        self.store.sent.deleted += n
        return n

    def prune(self, label: Label, specs: Sequence[EdgeSpec]) -> int:
        cypher, total, limit = prune_cypher(label, tuple(specs)), 0, self.store.batch_size
        while True:
            n = self.store.run_write(cypher, limit=limit).counters.nodes_deleted
            total += n
            self.store.sent.deleted += n
            if n < limit:
                return total


class Neo4jStore(GraphStore):
    """A Neo4j database: pass a driver (its owner closes it) or build one with `from_settings`."""

    backend = "neo4j"

    def __init__(
        self,
        driver: neo4j.Driver,
        database: str | None = None,
        *,
        batch_size: int = DEFAULT_BATCH,
        owns_driver: bool = False,
        uri: str = "",
        retry_seconds: float = 30.0,
        workers: int = 2,
    ) -> None:
        self.driver = driver
        self.database = database
        self.batch_size = batch_size
        self.owns_driver = owns_driver
        self.uri = uri or "the configured Neo4j"
        self.retry_seconds = retry_seconds
        self.workers = workers
        self._schema_done = False
        self.sent = Sent()

    def target(self) -> str:
        """The server's address and database (no credentials)."""
        return f"neo4j {self.uri} {self.database or '(default database)'}"

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> Neo4jStore:
        """Connect with CASELINK_NEO4J_*; raises StoreUnavailable with what to do when that fails."""
        if not settings.neo4j_uri:
            raise StoreUnavailable(
                "CASELINK_NEO4J_URI is not set: set it (e.g. bolt://localhost:7687) "
                "or use --backend embedded."
            )
        scheme = settings.neo4j_uri.partition("://")[0].lower()
        if scheme not in SCHEMES:  # e.g. the browser's http://localhost:7474 (the driver would try HTTP)
            raise StoreUnavailable(
                f"CASELINK_NEO4J_URI={settings.neo4j_uri!r} is not a Neo4j Bolt URI: "
                "use bolt://HOST:7687 or neo4j://HOST:7687 (7474 is the browser's port)."
            )
        try:
            driver = neo4j.GraphDatabase.driver(
                settings.neo4j_uri,
                auth=(settings.neo4j_user, settings.neo4j_password),
                max_transaction_retry_time=0.0,  # _retrying retries, with its own budget and messages
                connection_acquisition_timeout=30.0,
            )
        except (ValueError, neo4j.exceptions.ConfigurationError) as exc:
            raise StoreUnavailable(
                f"CASELINK_NEO4J_URI={settings.neo4j_uri!r} is not a Neo4j URI ({exc})."
            ) from exc
        kwargs.setdefault("retry_seconds", settings.neo4j_retry_seconds)
        store = cls(driver, settings.neo4j_database, owns_driver=True, uri=settings.neo4j_uri, **kwargs)
        try:
            store.check(user=settings.neo4j_user)
        except BaseException:
            driver.close()
            raise
        return store

    def check(self, user: str = "") -> None:
        """Raise StoreUnavailable unless the server answers and accepts the credentials."""
        try:
            self.driver.verify_connectivity()
            self._read(lambda tx: tx.run("RETURN 1").consume())
        except AuthError as exc:
            raise StoreUnavailable(
                f"Neo4j at {self.uri} refused the credentials{f' of user {user!r}' if user else ''}: "
                "check CASELINK_NEO4J_USER and CASELINK_NEO4J_PASSWORD."
            ) from exc
        except (ServiceUnavailable, SessionExpired, OSError) as exc:
            raise StoreUnavailable(self._unreachable(exc)) from exc

    def _unreachable(self, exc: BaseException) -> str:
        return (
            f"Cannot reach Neo4j at {self.uri} ({type(exc).__name__}: {exc}). "
            "Start it (e.g. `bash tools/neo4j.sh start`), fix CASELINK_NEO4J_URI, or use --backend embedded."
        )

    def _session(self) -> neo4j.Session:
        # Warnings such as "relationship type does not exist" (counting an empty type) are noise here.
        if self.database:
            return self.driver.session(database=self.database, notifications_min_severity="OFF")
        return self.driver.session(notifications_min_severity="OFF")

    def _retrying(self, fn: Callable[[neo4j.Session], T]) -> T:
        """fn(session), retried with back-off on transient failures for at most `retry_seconds`."""
        delay, deadline = 0.5, 0.0
        while True:
            try:
                with self._session() as session:
                    return fn(session)
            except AuthError as exc:
                raise StoreUnavailable(
                    f"Neo4j at {self.uri} refused the credentials ({exc}): "
                    "check CASELINK_NEO4J_USER and CASELINK_NEO4J_PASSWORD."
                ) from exc
            except RETRYABLE as exc:
                now = time.monotonic()
                deadline = deadline or now + self.retry_seconds
                if now + delay > deadline:
                    raise StoreUnavailable(self._gave_up(exc)) from exc
                log.warning(
                    "Neo4j at %s failed (%s); retrying in %.1f s", self.uri, type(exc).__name__, delay
                )
                time.sleep(delay)
                delay = min(delay * 2, MAX_DELAY)

    def _gave_up(self, exc: BaseException) -> str:
        return (
            f"Neo4j at {self.uri} failed and did not recover within {self.retry_seconds:g} s "
            f"(CASELINK_NEO4J_RETRY_SECONDS) ({type(exc).__name__}: {exc}). Nothing loaded is lost: once "
            "Neo4j answers again (e.g. `bash tools/neo4j.sh start`), run the same `caselink ingest` again "
            "and it completes the load."
        )

    def _write(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        return self._retrying(lambda s: s.execute_write(work))

    def _read(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        return self._retrying(lambda s: s.execute_read(work))

    def run_write(self, cypher: str, retry_cypher: str | None = None, **params: Any) -> neo4j.ResultSummary:
        """Run one statement in a managed write transaction (retried); its summary.

        `retry_cypher` (an idempotent twin of a CREATE statement) runs instead on every retry.
        """
        attempts = 0

        def work(tx: neo4j.ManagedTransaction) -> neo4j.ResultSummary:
            nonlocal attempts
            attempts += 1
            return tx.run(cypher if attempts == 1 or retry_cypher is None else retry_cypher, params).consume()

        return self._write(work)

    def _run_auto(self, cypher: str) -> None:
        """An auto-commit statement (schema commands cannot run in a managed transaction)."""

        def work(session: neo4j.Session) -> None:
            session.run(cypher).consume()

        self._retrying(work)

    def ensure_schema(self) -> None:
        if self._schema_done:
            return
        for stmt in schema_statements():
            self._run_auto(stmt)
        self._run_auto("CALL db.awaitIndexes(300)")
        self._schema_done = True

    def schema_names(self) -> set[str]:
        def work(tx: neo4j.ManagedTransaction) -> set[str]:
            names = {r["name"] for r in tx.run("SHOW CONSTRAINTS YIELD name")}
            return names | {r["name"] for r in tx.run("SHOW INDEXES YIELD name")}

        return self._read(work)

    @contextmanager
    def writer(self) -> Iterator[GraphWriter]:
        self.ensure_schema()
        if self.workers <= 1:
            yield Neo4jWriter(self)
            return
        with ThreadPoolExecutor(self.workers, thread_name_prefix="neo4j-writer") as pool:
            yield Neo4jWriter(self, pool)

    def view(self) -> Neo4jView:
        return Neo4jView(self)

    def node_count(self, label: Label) -> int:
        q = f"MATCH (n:{label}) RETURN count(n) AS n"
        return int(self._read(lambda tx: tx.run(q).single(strict=True)["n"]))

    def edge_count(self, rel: RelType) -> int:
        q = f"MATCH ()-[r:{rel}]->() RETURN count(r) AS n"
        return int(self._read(lambda tx: tx.run(q).single(strict=True)["n"]))

    def canonical_dump(self) -> Dump:
        def work(tx: neo4j.ManagedTransaction) -> Dump:
            nodes = [
                Node(
                    r["label"],
                    r["props"][KEYS[r["label"]]],
                    freeze_props({k: _native(v) for k, v in r["props"].items()}),
                )
                for r in tx.run(
                    DUMP_NODES,
                    labels=LABELS,
                )
            ]
            edges = [
                Edge(
                    r["rel"],
                    r["al"],
                    r["ak"],
                    r["bl"],
                    r["bk"],
                    freeze_props({k: _native(v) for k, v in r["props"].items()}),
                )
                for r in tx.run(
                    DUMP_EDGES,
                    rels=[str(r) for r in RelType],
                    labels=LABELS,
                    keys=KEYS,
                )
            ]
            return sorted(nodes), sorted(edges)

        return self._read(work)

    def clear(self) -> None:
        """Delete label by label, filings first: a hub (an Org, a County) is only deleted once the filings
        pointing at it are gone, so no transaction has to hold a hub's hundred thousand edges."""
        for label in CLEAR_ORDER:
            q = f"MATCH (n:{label}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"
            while self.run_write(q, limit=self.batch_size).counters.nodes_deleted:
                pass

    def close(self) -> None:
        if self.owns_driver:
            self.driver.close()
