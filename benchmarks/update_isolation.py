"""What Oxigraph server's update isolation guarantees, measured (docs/writers.md).

Starts ``oxigraph serve`` on loopback and runs, with THREADS concurrent clients:
1. a read-modify-write increment of one counter inside ONE update request (DELETE/INSERT WHERE);
2. the same increment as a read followed by a write (two requests), as ingest's derived deltas were;
3. a conditional lease grab, ``INSERT … WHERE { FILTER NOT EXISTS { a holder } }``, then a read-back;
4. the claim protocol of topicgraph.store.lease guarding the two-request increment of 2.
Usage: python benchmarks/update_isolation.py [THREADS] [ROUNDS]
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

from topicgraph.evaluation.bench import oxigraph_server
from topicgraph.store import RemoteSparqlStore
from topicgraph.store.lease import WriterLease

COUNTER = "GRAPH <urn:x:g> { <urn:x:c> <urn:x:n> ?o }"


def counter(store: RemoteSparqlStore) -> list[int]:
    return sorted(int(o) for (o,) in store.query(f"SELECT ?o WHERE {{ {COUNTER} }}").rows)


def reset(store: RemoteSparqlStore) -> None:
    store.update("DROP SILENT GRAPH <urn:x:g> ; INSERT DATA { GRAPH <urn:x:g> { <urn:x:c> <urn:x:n> 0 } }")


def run_threads(n: int, target) -> None:
    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def split_increment(store: RemoteSparqlStore) -> None:
    value = max(counter(store))  # a lost update can leave several values
    store.update(f"DELETE WHERE {{ {COUNTER} }} ; "
                 f"INSERT DATA {{ GRAPH <urn:x:g> {{ <urn:x:c> <urn:x:n> {value + 1} }} }}")


def main(threads: int = 8, rounds: int = 40) -> None:
    with oxigraph_server(Path(tempfile.mkdtemp())) as url:
        store = RemoteSparqlStore(url)
        reset(store)
        one = (f"DELETE {{ {COUNTER} }} INSERT {{ GRAPH <urn:x:g> {{ <urn:x:c> <urn:x:n> ?n }} }} "
               f"WHERE {{ {COUNTER} BIND(?o + 1 AS ?n) }}")
        run_threads(threads, lambda i: [store.update(one) for _ in range(rounds)])
        print(f"1. one-request increment, {threads} x {rounds}: expected {threads * rounds}, stored {counter(store)}")

        reset(store)
        run_threads(threads, lambda i: [split_increment(store) for _ in range(rounds)])
        print(f"2. read-then-write increment, {threads} x {rounds}: expected {threads * rounds}, stored {counter(store)}")

        several = 0
        for _ in range(rounds):
            store.update("DROP SILENT GRAPH <urn:x:lease>")
            barrier = threading.Barrier(threads)

            def grab(i: int) -> None:
                barrier.wait()
                store.update(f'INSERT {{ GRAPH <urn:x:lease> {{ <urn:x:l> <urn:x:holder> "w{i}" }} }} WHERE '
                             "{ FILTER NOT EXISTS { GRAPH <urn:x:lease> { <urn:x:l> <urn:x:holder> ?h } } }")

            run_threads(threads, grab)
            holders = store.query("SELECT ?h WHERE { GRAPH <urn:x:lease> { <urn:x:l> <urn:x:holder> ?h } }").rows
            several += len(holders) > 1
        print(f"3. conditional lease grab, {threads} at once: {several} of {rounds} rounds left several holders")

        reset(store)
        inside, most = [0], [0]

        def guarded(i: int) -> None:
            for _ in range(rounds // 2 or 1):
                lease = WriterLease(store, command=f"thread {i}", ttl=30)
                lease.acquire(wait=600, poll=0.05)
                inside[0] += 1
                most[0] = max(most[0], inside[0])
                split_increment(store)
                inside[0] -= 1
                lease.release()

        run_threads(threads, guarded)
        expected = threads * (rounds // 2 or 1)
        print(f"4. claim protocol around the read-then-write increment: expected {expected}, stored {counter(store)}, "
              f"most holders at once {most[0]}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
