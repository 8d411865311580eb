"""Benchmarks (figures, not tests): bulk load rates, p50 latency per named query, and a soak of the endpoint.

``topicgraph bench queries``: a synthetic Zipf corpus (synthetic.py) with its derived statistics
(derived.py) is bulk-loaded into embedded Oxigraph and, if the ``oxigraph`` server of the pip
package is installed, into that server over the Graph Store Protocol; then every named query runs
``repeat`` times on embedded Oxigraph and on rdflib in memory (on ``rdflib_articles`` articles,
since rdflib holds every triple as Python objects).

``topicgraph bench soak``: the endpoint on loopback with ``clients`` threads sending named queries
while one writer ingests articles through the endpoint; prints queries, errors, latencies and
whether every answer was consistent (no half-written article or statistic was ever seen).
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from ..graph.article import article_graph
from ..knowledge.kb import default_kb
from ..namespaces import DERIVED_GRAPH, KB_GRAPH, TG, article_iri
from ..pipeline.ingest import store_extraction
from ..query import run_named_query, run_query
from ..serve import ServeConfig, serve_in_thread
from ..store import OxigraphStore, RdflibStore, RemoteSparqlStore, Store
from ..store.derived import derived_quads
from .synthetic import CATEGORIES, generate_extractions

Echo = Callable[[str], None]


#: One synthetic article in this many has no entities, so that articles-without-entities has rows to return.
WITHOUT_ENTITIES_EVERY = 100


def corpus_quads(n_articles: int, seed: int = 0) -> Iterator[tuple]:
    """Every quad of a synthetic archive: the knowledge base, the article graphs and the derived graph."""
    for s, p, o in default_kb().graph:
        yield s, p, o, KB_GRAPH
    extractions = list(generate_extractions(n_articles, seed=seed, without_entities_every=WITHOUT_ENTITIES_EVERY))
    for extraction in extractions:
        graph, triples = article_graph(extraction)
        for s, p, o in triples:
            yield s, p, o, graph

    for s, p, o in derived_quads(extractions):
        yield s, p, o, DERIVED_GRAPH


def bench_parameters(n_articles: int) -> dict[str, dict[str, str]]:
    """Parameters of each named query: the most popular entities (worst case) and a mid-list article."""
    return {
        "articles-mentioning": {"entity": "ent:synth-organization-0"},
        "articles-without-entities": {},
        "co-mentioned": {"entity": "ent:synth-organization-0"},
        "entities-by-type": {"type": "Organization"},
        "entity-timeline": {"entity": "ent:synth-organization-0"},
        "related-articles": {"article": f"synth-{n_articles // 2:06d}"},
        "technologies-per-organization": {"organization": "ent:synth-organization-0"},
        "top-entities-per-category": {"category": CATEGORIES[0]},
        "articles-about-topic": {"topic": "ent:synth-technology-3"},
        "topic-timeline": {"topic": "ent:synth-technology-3"},
        "related-by-topic": {"article": f"synth-{n_articles // 2:06d}"},
    }


def popularity(store: Store, entity: str = "ent:synth-organization-0") -> int:
    """Number of articles that mention ``entity`` (from the derived counts)."""
    rows = store.query(f"SELECT ?n WHERE {{ GRAPH tgg:derived {{ {entity} tg:articleCount ?n }} }}").rows
    return int(rows[0][0]) if rows else 0


def store_suggestions(store: Store, article_id: str, k: int = 10) -> None:
    """Related-article suggestions of one article (shared entities weighted by 1/articles), stored as
    ``tg:RelatedArticle`` nodes, so that ``related-articles`` has something to read."""
    rows = run_query(store, """
        SELECT ?other (SUM(1.0 / ?n) AS ?score) WHERE {
          ?a tg:mentions ?e . GRAPH tgg:derived { ?e tg:articleCount ?n }
          ?other tg:mentions ?e . FILTER(?other != ?a) }
        GROUP BY ?other ORDER BY DESC(?score) LIMIT 10""", {"a": article_iri(article_id)}).rows
    triples = []
    for other, score in rows[:k]:
        node = BNode()
        triples += [(node, TG.source, article_iri(article_id)), (node, TG.target, other),
                    (node, TG.score, Literal(f"{float(score):.4f}", datatype=XSD.decimal))]
    store.replace_graph(URIRef(str(KB_GRAPH) + "-bench-related"), triples)


def p50_ms(store: Store, name: str, params: dict[str, str], repeat: int) -> tuple[float, int]:
    """Median wall time of a named query in ms, after one warm-up run, and its number of rows."""
    rows = len(run_named_query(store, name, params).rows)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run_named_query(store, name, params)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), rows


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """Run ``oxigraph serve`` (pip package ``oxigraph``) on a free loopback port; yields its base URL."""
    binary = shutil.which("oxigraph")
    if binary is None:
        raise FileNotFoundError("the 'oxigraph' server is not installed (pip install oxigraph)")
    port = free_port()
    process = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "query?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"oxigraph server did not start: {process.stderr.read().decode()[:300]}")
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _load(store, n_articles: int) -> tuple[int, float, float]:
    """Bulk-load a synthetic archive; returns (quads, seconds generating them, seconds in the store)."""
    counted = [0]
    generating = [0.0]

    def stream() -> Iterator[tuple]:
        source = corpus_quads(n_articles)
        while True:
            t = time.perf_counter()
            try:
                quad = next(source)
            except StopIteration:
                return
            finally:
                generating[0] += time.perf_counter() - t
            counted[0] += 1
            yield quad

    start = time.perf_counter()
    store.bulk_load(stream())
    total = time.perf_counter() - start
    return counted[0], generating[0], total - generating[0]


def run_query_bench(n_articles: int, rdflib_articles: int = 10_000, with_server: bool = True, repeat: int = 20,
                    workdir: Path | None = None, echo: Echo = print) -> dict:
    """Load rates and p50 per named query; prints a table and returns the figures."""
    figures: dict = {"articles": n_articles}
    with tempfile.TemporaryDirectory(prefix="topicgraph-bench-", dir=workdir) as tmp:
        embedded = OxigraphStore(Path(tmp) / "embedded")
        n, gen, seconds = _load(embedded, n_articles)
        figures["embedded_load_tps"] = n / seconds
        echo(f"synthetic corpus: {n_articles} articles, {n:,} quads incl. knowledge base and derived statistics "
             f"(generated in {gen:.1f} s, not counted below)")
        echo(f"bulk load, embedded Oxigraph (bulk_extend): {n:,} quads in {seconds:.1f} s = {n / seconds:,.0f} triples/s")
        start = time.perf_counter()
        embedded.optimize()
        figures["optimize_s"] = time.perf_counter() - start
        echo(f"Store.optimize() after the bulk load: {figures['optimize_s']:.1f} s")
        if with_server:
            try:
                with oxigraph_server(Path(tmp) / "server") as url:
                    n, gen, seconds = _load(RemoteSparqlStore(url), n_articles)
                    figures["server_load_tps"] = n / seconds
                    echo(f"bulk load, oxigraph server (Graph Store Protocol, N-Quads batches of 200k): "
                         f"{n:,} quads in {seconds:.1f} s = {n / seconds:,.0f} triples/s")
            except (FileNotFoundError, RuntimeError) as exc:
                echo(f"bulk load, oxigraph server: skipped ({exc})")
        params = bench_parameters(n_articles)
        store_suggestions(embedded, params["related-articles"]["article"])
        memory = None
        if rdflib_articles:
            memory = RdflibStore()
            n, gen, seconds = _load(memory, rdflib_articles)
            echo(f"load, rdflib in memory: {n:,} quads ({rdflib_articles} articles) in {seconds:.1f} s "
                 f"= {n / seconds:,.0f} triples/s")
            small_params = bench_parameters(rdflib_articles)
            store_suggestions(memory, small_params["related-articles"]["article"])
        echo("parameters: the most mentioned entity of the Zipf corpus (ent:synth-organization-0, rank 1: "
             f"{popularity(embedded)} articles) for the entity queries (worst case), type Organization, "
             f"category {CATEGORIES[0]!r}, article {params['related-articles']['article']}")
        echo("")
        head = f"{'named query':32} {'rows':>5} {'Oxigraph p50 ms':>16}"
        if memory is not None:
            head += f" {'rdflib p50 ms':>14} {'rdflib/Oxigraph':>16}"
        echo(head + f"   (Oxigraph: {n_articles} articles; rdflib: {rdflib_articles} articles; p50 of {repeat} runs)")
        figures["queries"] = {}
        for name, values in params.items():
            ox_ms, rows = p50_ms(embedded, name, values, repeat)
            line = f"{name:32} {rows:5d} {ox_ms:16.2f}"
            entry = {"oxigraph_p50_ms": ox_ms, "rows": rows}
            if memory is not None:
                rd_ms, _ = p50_ms(memory, name, bench_parameters(rdflib_articles)[name], max(3, repeat // 4))
                line += f" {rd_ms:14.2f} {rd_ms / ox_ms:15.1f}x"
                entry["rdflib_p50_ms"] = rd_ms
            figures["queries"][name] = entry
            echo(line)
        slowest = max(figures["queries"].values(), key=lambda e: e["oxigraph_p50_ms"])["oxigraph_p50_ms"]
        echo(f"\nslowest named query on embedded Oxigraph: {slowest:.2f} ms p50 (target <= 20 ms)")
        embedded.close()
    return figures


def run_soak(n_articles: int = 2000, clients: int = 8, queries_per_client: int = 200, seconds: float = 60.0,
             echo: Echo = print) -> dict:
    """N clients query the endpoint while a writer ingests through it; bounded by count and time."""

    with tempfile.TemporaryDirectory(prefix="topicgraph-soak-") as tmp:
        store = OxigraphStore(Path(tmp) / "store")
        server, _thread = serve_in_thread(store, ServeConfig(port=0, allow_update=True, timeout=10))
        remote = RemoteSparqlStore(server.url)
        extractions = list(generate_extractions(n_articles, seed=7))
        half = n_articles // 2
        for extraction in extractions[:half]:
            store_extraction(store, extraction)
        params = bench_parameters(n_articles)
        params.pop("related-articles")
        deadline = time.monotonic() + seconds
        stop = threading.Event()
        lock = threading.Lock()
        stats = {"queries": 0, "errors": 0, "inconsistent": 0, "latencies": [], "written": 0}
        error_examples: list[str] = []

        def writer() -> None:
            for extraction in extractions[half:]:
                if stop.is_set() or time.monotonic() > deadline:
                    break
                store_extraction(remote, extraction)
                stats["written"] += 1

        def client(i: int) -> None:
            names = list(params)
            for j in range(queries_per_client):
                if time.monotonic() > deadline:
                    break
                start = time.perf_counter()
                try:
                    if j % 5 == 0:
                        ok = consistent(remote)
                        with lock:
                            stats["inconsistent"] += 0 if ok else 1
                    else:
                        name = names[(i + j) % len(names)]
                        run_named_query(remote, name, params[name])
                except Exception as exc:  # counted, never raised
                    with lock:
                        stats["errors"] += 1
                        if len(error_examples) < 3:
                            error_examples.append(str(exc)[:200])
                with lock:
                    stats["queries"] += 1
                    stats["latencies"].append((time.perf_counter() - start) * 1000)

        start = time.perf_counter()
        threads = [threading.Thread(target=writer)] + [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads[1:]:
            t.join()
        stop.set()
        threads[0].join()
        elapsed = time.perf_counter() - start
        server.shutdown()
        server.server_close()
        store.close()
    lat = sorted(stats["latencies"]) or [0.0]
    echo(f"soak on loopback: {clients} clients, {stats['queries']} queries in {elapsed:.1f} s "
         f"({stats['queries'] / elapsed:.0f}/s) while {stats['written']} articles were ingested through the endpoint")
    echo(f"errors: {stats['errors']}; inconsistent answers: {stats['inconsistent']}; "
         f"latency p50 {lat[len(lat) // 2]:.1f} ms, p95 {lat[int(len(lat) * 0.95)]:.1f} ms, max {lat[-1]:.1f} ms")
    for example in error_examples:
        echo(f"  error: {example}")
    stats["elapsed"] = elapsed
    return stats


def consistent(store: Store) -> bool:
    """One snapshot check: the derived per-entity counts add up to the article->entity links, and every
    article has as many mentions as distinct entities (true of synthetic articles)."""
    derived, links = store.query("""
        SELECT ?derived ?links WHERE {
          { SELECT (SUM(?c) AS ?derived) WHERE { GRAPH tgg:derived { ?e a ?t ; tg:articleCount ?c .
              FILTER(?t IN (tg:Organization, tg:Person, tg:Place, tg:Technology)) } } }
          { SELECT (COUNT(*) AS ?links) WHERE { GRAPH ?g { ?a tg:mentions ?e } } } }""").rows[0]
    if int(derived or 0) != int(links):
        return False
    odd = store.query("""
        ASK { GRAPH ?g { ?a a tg:Article } FILTER NOT EXISTS { GRAPH ?g { ?a tg:hasMention ?m } } }""")
    return not odd.boolean

