"""One writer at a time on a shared store (a SPARQL server): a lease held in the store itself.

Oxigraph's server runs each update request as one atomic transaction, but not a serialisable one:
two concurrent requests that read and then write the same triples both commit on their own snapshot
(measured: 8 threads × 50 one-request increments of one counter end at 343..360, not 400, with eight
values left; 40 rounds of 8 concurrent ``INSERT … WHERE { FILTER NOT EXISTS {…} }`` lease grabs gave
14 rounds with several holders; docs/writers.md). So a conditional update cannot grant a lease there.

What cannot be lost is a blind insert of triples nobody else writes. The lease is therefore a claim
protocol over such inserts (mutual exclusion by "announce, then look"): a writer inserts its own
claim node (holder text, expiry), then reads all claims. If no *other* live claim is there it holds
the lease; otherwise it withdraws its claim and tries again after a random pause. Two writers cannot
both see only themselves: whichever read came second started after the other's insert had returned,
so it sees that claim. The holder renews its expiry in the background; a killed holder's claim expires
(``ttl`` seconds) and the next writer takes over. Before every write the holder checks that its own
claim is still comfortably inside its expiry (:class:`LeasedStore`), so a stalled holder stops rather
than write beside a successor. Clocks of the machines must agree to well within ``ttl``.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..namespaces import LEASE_GRAPH, TG, lease_claim_iri
from .base import CountUpdate, Store, StoreError, StoreLocked, Triple

#: Seconds a claim lives without renewal (``TOPICGRAPH_LEASE_TTL`` overrides it).
DEFAULT_TTL = 60.0
#: Seconds a writer keeps trying even with ``wait=0``: two writers that start together see each other's
#: claims and both back off; one of them gets the lease on a later try.
CONTENTION_RETRY = 3.0


@dataclass(frozen=True)
class Claim:
    """One writer's claim as read from the store."""

    node: URIRef
    holder: str
    expires: float


def lease_ttl() -> float:
    """The lease time to live: ``TOPICGRAPH_LEASE_TTL`` seconds if set, else :data:`DEFAULT_TTL`."""
    value = os.environ.get("TOPICGRAPH_LEASE_TTL", "")
    try:
        return max(float(value), 1.0) if value else DEFAULT_TTL
    except ValueError:
        raise StoreError(f"TOPICGRAPH_LEASE_TTL={value!r}: not a number of seconds") from None


def read_claims(store: Store) -> list[Claim]:
    """Every claim in the store's lease graph (a claim's latest expiry if it was renewed)."""
    rows = store.query(
        f"SELECT ?c (SAMPLE(?h) AS ?holder) (MAX(?e) AS ?expires) WHERE {{ GRAPH {LEASE_GRAPH.n3()} {{ "
        f"?c {TG.claimExpires.n3()} ?e OPTIONAL {{ ?c {TG.claimHolder.n3()} ?h }} }} }} GROUP BY ?c").rows
    return [Claim(c, str(h) if h is not None else "unknown writer", float(e)) for c, h, e in rows]


class WriterLease:
    """The write lease of a shared store, for one writer (see the module docstring)."""

    def __init__(self, store: Store, command: str = "topicgraph", ttl: float | None = None) -> None:
        self.store = store
        self.ttl = ttl if ttl is not None else lease_ttl()
        self.node = lease_claim_iri(uuid.uuid4().hex)
        self.holder = (f"pid {os.getpid()} on {socket.gethostname()}, {command}, "
                       f"since {dt.datetime.now().isoformat(timespec='seconds')}")
        self.expires = 0.0
        self.held = False
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    # -- claim triples
    def _claim(self, expires: float) -> list[Triple]:
        return [(self.node, RDF.type, TG.WriterClaim), (self.node, TG.claimHolder, Literal(self.holder)),
                (self.node, TG.claimExpires, Literal(f"{expires:.3f}", datatype=XSD.decimal))]

    def _data(self, triples: Iterable[Triple]) -> str:
        return f"GRAPH {LEASE_GRAPH.n3()} {{ {' '.join(f'{s.n3()} {p.n3()} {o.n3()} .' for s, p, o in triples)} }}"

    def _withdraw(self, node: URIRef | None = None) -> None:
        node = node or self.node
        self.store.update(f"DELETE WHERE {{ GRAPH {LEASE_GRAPH.n3()} {{ {node.n3()} ?p ?o }} }}")

    # -- acquiring, renewing, releasing
    def try_acquire(self) -> list[Claim]:
        """One attempt: announce, then look. Returns the other live claims (empty: the lease is held)."""
        expires = time.time() + self.ttl
        self.store.update(f"INSERT DATA {{ {self._data(self._claim(expires))} }}")
        claims = read_claims(self.store)
        now = time.time()
        others = [c for c in claims if c.node != self.node and c.expires > now]
        if others:
            self._withdraw()
            return others
        self.expires, self.held = expires, True
        for dead in (c for c in claims if c.node != self.node):  # expired claims of killed writers
            self._withdraw(dead.node)
        return []

    def acquire(self, wait: float = 0.0, poll: float = 0.5) -> None:
        """Take the lease, waiting up to ``wait`` seconds for the holder; StoreLocked names it otherwise."""
        deadline = time.monotonic() + max(wait, CONTENTION_RETRY)
        while True:
            others = self.try_acquire()
            if not others:
                break
            if time.monotonic() >= deadline:
                holder = min(others, key=lambda c: c.holder.rsplit("since ", 1)[-1])
                waited = f" after waiting {wait:g} s" if wait > 0 else ""
                raise StoreLocked(f"{getattr(self.store, 'url', 'the store')}: another writer holds this store "
                                  f"({holder.holder}){waited}; try again when it is done, or wait longer for it")
            time.sleep(poll * (0.5 + random.random()))
        self._stop.clear()
        self._renewer = threading.Thread(target=self._renew_loop, name="topicgraph-lease", daemon=True)
        self._renewer.start()

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.ttl / 6):
            old, new = self.expires, time.time() + self.ttl
            try:
                self.store.update(f"INSERT DATA {{ {self._data(self._claim(new)[2:])} }} ; "
                                  f"DELETE DATA {{ {self._data(self._claim(old)[2:])} }}")
            except StoreError:
                continue  # the holder stops writing once its expiry comes close (ensure)
            self.expires = new

    def ensure(self) -> None:
        """Raise StoreLocked unless the lease is held with at least a third of its time to live left."""
        if not self.held or time.time() > self.expires - self.ttl / 3:
            raise StoreLocked(f"{getattr(self.store, 'url', 'the store')}: this writer's lease ran out "
                              "(the store could not be reached to renew it); stopped before writing more")

    def release(self) -> None:
        """Stop renewing and withdraw the claim."""
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
            self._renewer = None
        if self.held:
            self.held = False
            try:
                self._withdraw()
            except StoreError:
                pass  # unreachable store: the claim expires by itself


class LeasedStore:
    """A store whose every write first checks that this writer still holds the lease."""

    def __init__(self, store: Store, lease: WriterLease) -> None:
        self._store, self._lease = store, lease

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple], also: CountUpdate | None = None) -> None:
        self._lease.ensure()
        self._store.replace_graph(graph, triples, also)

    def replace_graphs(self, graphs: Sequence[tuple[URIRef, Sequence[Triple]]],
                       also: CountUpdate | None = None) -> None:
        """The leased store's own batch write (the stores a lease guards, servers, write batches)."""
        self._lease.ensure()
        self._store.replace_graphs(graphs, also)

    def remove_graph(self, graph: URIRef, also: CountUpdate | None = None) -> None:
        self._lease.ensure()
        self._store.remove_graph(graph, also)

    def update(self, sparql: str) -> None:
        self._lease.ensure()
        self._store.update(sparql)

    def bulk_load(self, quads) -> None:
        self._lease.ensure()
        self._store.bulk_load(quads)

    def query(self, sparql: str, max_rows: int | None = None):
        return self._store.query(sparql, max_rows)

    def close(self) -> None:
        self._store.close()


@contextmanager
def write_lease(store: Store, wait: float = 0.0, command: str = "topicgraph", ttl: float | None = None
                ) -> Iterator[LeasedStore]:
    """Hold the write lease of a shared store; yields the store wrapped so that every write checks it."""
    lease = WriterLease(store, command=command, ttl=ttl)
    lease.acquire(wait)
    try:
        yield LeasedStore(store, lease)
    finally:
        lease.release()
