"""Command line: parses arguments and calls the library; nothing else lives here."""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

import click

from . import __version__

ERRORS_SHOWN_AS_ONE_LINE = (
    "StoreError", "QueryError", "CorpusError", "ExportError", "UnknownArticle", "SourceError", "OSError", "ValueError",
)


class TopicgraphGroup(click.Group):
    """Turns expected failures into one-line errors (``--debug`` shows the traceback)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            message = str(exc) if type(exc).__name__ in ERRORS_SHOWN_AS_ONE_LINE or isinstance(exc, OSError) else f"{type(exc).__name__}: {exc}"
            raise click.ClickException(message.splitlines()[0] if message else type(exc).__name__) from None


@click.group(cls=TopicgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store_spec", envvar="TOPICGRAPH_STORE", default=None, metavar="PATH|memory",
              help="Store directory (default ./.topicgraph, embedded Oxigraph) or 'memory' (rdflib).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(__version__, prog_name="topicgraph")
@click.pass_context
def main(ctx: click.Context, store_spec: str | None, debug: bool) -> None:
    """topicgraph: an editorial archive as a topic knowledge graph."""
    ctx.ensure_object(dict)
    ctx.obj.update(store_spec=store_spec, debug=debug)


def _store(ctx: click.Context):
    from .store import open_store

    if "store" not in ctx.obj:
        ctx.obj["store"] = open_store(ctx.obj["store_spec"])
        ctx.call_on_close(ctx.obj["store"].close)
    return ctx.obj["store"]


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--model", default=None, metavar="NAME|PATH", help="spaCy pipeline whose NER is merged (default: the shipped German model; 'none' for gazetteer only).")
@click.option("--force", is_flag=True, help="Re-extract unchanged articles too.")
@click.option("--batch-size", default=16, show_default=True)
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], model: str | None, force: bool, batch_size: int) -> None:
    """Read article files and directories into the store."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from .ingest import ingest as run_ingest
    from .nlp import Extractor

    store = _store(ctx)
    console = Console(stderr=True)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed} articles"),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("ingesting", total=None)
        report = run_ingest(paths, store, extractor=Extractor(model=model), force=force, batch_size=batch_size,
                            on_article=lambda _id: progress.advance(task))
    click.echo(f"articles: {len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged; "
               f"entities: {len(report.entities)}; mentions: {report.mentions}; triples: {report.triples}")
    for problem in report.warnings:
        click.echo(f"warning: {problem}", err=True)
    if report.problems:
        click.echo(f"{len(report.problems)} file(s) or article(s) skipped:", err=True)
        for problem in report.problems:
            click.echo(f"  {problem}", err=True)
        ctx.exit(1)


@main.command()
@click.argument("sparql", required=False)
@click.option("--file", "query_file", type=click.Path(path_type=Path, dir_okay=False), help="Read the query from a .rq file.")
@click.option("--name", help="Run a named query shipped with topicgraph.")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="Parameter of a named query.")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and their parameters.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.pass_context
def query(ctx, sparql, query_file, name, params, list_queries, fmt) -> None:
    """Run SPARQL: a query string, --file q.rq, or --name NAMED --param key=value."""
    from .query import QueryError, format_result, list_named_queries, read_query_file, run_named_query, run_query

    if list_queries:
        for q in list_named_queries():
            click.echo(f"{q.name}: {q.description}")
            for p in q.params:
                click.echo(f"    --param {p.name}=<{p.kind}>  {p.description}")
        return
    chosen = [x for x in (sparql, query_file, name) if x]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of: a SPARQL string, --file, --name (or --list)")
    store = _store(ctx)
    if name:
        values = {}
        for item in params:
            key, sep, value = item.partition("=")
            if not sep:
                raise QueryError(f"--param {item!r}: expected KEY=VALUE")
            values[key.strip()] = value
        result = run_named_query(store, name, values)
    else:
        result = run_query(store, read_query_file(query_file) if query_file else sparql)
    click.echo(format_result(result, fmt))


@main.command()
@click.option("--type", "type_name", help="Organization, Person, Place or Technology.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.pass_context
def entities(ctx, type_name, fmt) -> None:
    """List entities with the number of articles mentioning them."""
    from .query import format_result, list_entities

    click.echo(format_result(list_entities(_store(ctx), type_name), fmt))


@main.command()
@click.argument("article_id")
@click.pass_context
def article(ctx, article_id) -> None:
    """Show an article's metadata and its entities."""
    from .query import describe_article, format_result

    meta, ents = describe_article(_store(ctx), article_id)
    for key, value in zip(meta.variables, meta.rows[0]):
        if value is not None and str(value):
            click.echo(f"{key:11} {value}")
    click.echo("")
    click.echo(format_result(ents))


@main.command()
@click.argument("article_id")
@click.option("-k", default=10, show_default=True, help="Number of suggestions.")
@click.option("--method", type=click.Choice(["entities", "graph", "text", "blend"]), default="blend", show_default=True,
              help="Shared entities, random walk over the article-entity graph, TF-IDF over lemmas, or their blend.")
@click.option("--since", metavar="YYYY-MM-DD", help="Only suggest articles dated on or after this day.")
@click.option("--same-language", is_flag=True, help="Only suggest articles in the article's language.")
@click.option("--store-results", is_flag=True, help="Also store the suggestions in the derived graph (tgg:related).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def related(ctx, article_id, k, method, since, same_language, store_results, fmt) -> None:
    """Suggest related articles, each with the shared entities (and terms) that made it."""
    from .related import parse_since, store_suggestions, suggest_related

    store = _store(ctx)
    suggestions = suggest_related(store, article_id, k=k, method=method, since=parse_since(since),
                                  same_language=same_language)
    if store_results:
        store_suggestions(store, {article_id: suggestions}, method)
    if fmt == "json":
        click.echo(json.dumps([{"article": s.article_id, "title": s.title, "score": s.score,
                                "shared": [{"entity": r.iri, "label": r.label, "weight": r.weight}
                                           for r in s.reasons if r.iri],
                                "terms": [r.label for r in s.reasons if not r.iri]}
                               for s in suggestions], ensure_ascii=False, indent=2))
        return
    if not suggestions:
        click.echo("no related articles")
    for s in suggestions:
        click.echo(f"{s.score:7.3f}  {s.article_id}  {s.title}")
        shared = [r.label for r in s.reasons if r.iri]
        terms = [r.label for r in s.reasons if not r.iri]
        if shared:
            click.echo(f"         shared: {', '.join(shared)}")
        if terms:
            click.echo(f"         terms:  {', '.join(terms)}")


@main.command()
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=Path("graph.html"), show_default=True)
@click.option("--max-nodes", default=2000, show_default=True, help="Show at most this many nodes (highest degree first).")
@click.pass_context
def explore(ctx, output, max_nodes) -> None:
    """Write an offline HTML graph explorer."""
    from .explore import write_explorer

    graph = write_explorer(_store(ctx), output, max_nodes=max_nodes)
    click.echo(f"wrote {output} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges)")


@main.command()
@click.option("-f", "--format", "fmt", type=click.Choice(["turtle", "nquads", "trig", "jsonld", "ntriples"]), default="turtle", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="File to write (default: standard output).")
@click.pass_context
def export(ctx, fmt, output) -> None:
    """Export the whole graph."""
    from .export import export_store

    data = export_store(_store(ctx), fmt)
    if output:
        output.write_bytes(data)
        click.echo(f"wrote {output} ({len(data)} bytes)", err=True)
    else:
        sys.stdout.buffer.write(data)


@main.command()
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=Path("topicgraph-demo.html"), show_default=True, help="Explorer page to write.")
@click.pass_context
def demo(ctx, output) -> None:
    """Ingest the bundled sample corpus, write the explorer and show example queries."""
    from .demo import run_demo

    run_demo(_store(ctx), output, echo=click.echo)


@main.command("eval-related")
@click.argument("corpus", type=click.Path(path_type=Path))
@click.option("-k", "--k", "k", default=10, show_default=True, help="Suggestions per article (precision@k).")
@click.option("--model", default=None, metavar="NAME|PATH", help="spaCy pipeline whose NER is merged ('none': gazetteer only).")
@click.option("--seed", default=0, show_default=True, help="Seed of the tuning/test split.")
def eval_related(corpus, k, model, seed) -> None:
    """Precision@k of each related-article method on a corpus with category labels (CSV or folder)."""
    from .related_eval import evaluate_related

    report = evaluate_related(corpus, k=k, model=model, seed=seed, echo=lambda m: click.echo(m, err=True))
    for line in report.lines():
        click.echo(line)


@main.group()
def bench() -> None:
    """Benchmarks that print figures (not tests)."""


@bench.command("related")
@click.option("-n", "--articles", "n_articles", default=100_000, show_default=True, help="Synthetic articles.")
@click.option("-k", default=10, show_default=True, help="Suggestions per article.")
@click.option("--method", "methods", multiple=True, type=click.Choice(["entities", "graph", "text", "blend"]),
              help="Methods to time (default: all).")
def bench_related_command(n_articles, k, methods) -> None:
    """Bulk top-k for every article of a synthetic corpus, one-article latency and memory."""
    from .related_bench import bench_related

    report = bench_related(n_articles, k, methods or ("entities", "graph", "text", "blend"),
                           echo=lambda m: click.echo(m, err=True))
    for line in report.lines():
        click.echo(line)


if __name__ == "__main__":
    main()
