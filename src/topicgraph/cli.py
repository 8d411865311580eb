"""Command line: parses arguments and calls the library; nothing else lives here."""

from __future__ import annotations

import datetime as dt
import json
import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .errors import ParameterError, TopicgraphError

#: Failures shown as their one-line message (anything else also names its class).
ERRORS_SHOWN_AS_ONE_LINE = (TopicgraphError, OSError, ValueError)


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
            if isinstance(exc, ParameterError):  # a library parameter is an option here
                message = exc.as_option()
            else:
                message = str(exc) if isinstance(exc, ERRORS_SHOWN_AS_ONE_LINE) else f"{type(exc).__name__}: {exc}"
            raise click.ClickException(message.splitlines()[0] if message else type(exc).__name__) from None


@click.group(cls=TopicgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store_spec", envvar="TOPICGRAPH_STORE", default=None, metavar="PATH|memory|URL",
              help="Store directory (default ./.topicgraph, embedded Oxigraph), 'memory' (rdflib) or the URL of a SPARQL 1.1 server.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(__version__, prog_name="topicgraph")
@click.pass_context
def main(ctx: click.Context, store_spec: str | None, debug: bool) -> None:
    """topicgraph: an editorial archive as a topic knowledge graph."""
    ctx.ensure_object(dict)
    ctx.obj.update(store_spec=store_spec, debug=debug)
    if debug:  # per-file failures that ingest reports as one line are logged with their traceback
        import logging

        logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
        logging.getLogger("topicgraph").setLevel(logging.DEBUG)


def _store(ctx: click.Context):
    from .store import open_store

    if "store" not in ctx.obj:
        ctx.obj["store"] = open_store(ctx.obj["store_spec"])
        ctx.call_on_close(ctx.obj["store"].close)
    return ctx.obj["store"]


def _csv_column_options(command):
    """``--csv-text``, ``--csv-title``, … : one option per article field a CSV column can fill."""
    from .sources.options import CSV_FIELDS

    for name in reversed(CSV_FIELDS):
        command = click.option(f"--csv-{name}", f"csv_{name}", metavar="NAME|N",
                               help=f"CSV column of the {name}: a header name or a column number (from 1).")(command)
    return command


def _reading_options(command):
    """How ``ingest`` and ``extract`` read their input: CSV columns and dialect, WordPress pages and drafts,
    the size limit (collected by :func:`_read_options`)."""
    options = [
        click.option("--csv-delimiter", metavar="CHAR", help="CSV delimiter (default: sniffed; tab for .tsv)."),
        click.option("--csv-quote", metavar="CHAR", help="CSV quote character (default: sniffed)."),
        click.option("--csv-header/--csv-no-header", default=None,
                     help="Whether the CSV's first row names the columns (default: yes, unless every --csv-* "
                          "column is a number)."),
        click.option("--wxr-pages", is_flag=True, help="WordPress exports: read pages too, not only posts."),
        click.option("--wxr-drafts", is_flag=True, help="WordPress exports: read drafts, pending and scheduled posts too."),
        click.option("--max-chars", type=click.IntRange(min=1), metavar="N",
                     help="Skip (one line each) articles longer than N characters; without it long texts are "
                          "processed in chunks."),
    ]
    for option in reversed(options):
        command = option(command)
    return _csv_column_options(command)


def _read_options(reading: dict):
    """The :class:`~topicgraph.sources.ReadOptions` of the options :func:`_reading_options` added."""
    from .sources import CsvOptions, ReadOptions

    columns = {name[len("csv_"):]: value for name, value in reading.items()
               if name.startswith("csv_") and name not in ("csv_delimiter", "csv_quote", "csv_header") and value}
    csv = CsvOptions(columns, reading["csv_delimiter"], reading["csv_quote"], reading["csv_header"])
    return ReadOptions(csv, wxr_pages=reading["wxr_pages"], wxr_drafts=reading["wxr_drafts"],
                       max_chars=reading["max_chars"])


def _model_spec(value: str | None) -> str | None:
    """``--model`` checked early: a malformed per-language spec is a usage error."""
    from .nlp.models import ModelSpecError, parse_model_spec

    try:
        parse_model_spec(value)
    except ModelSpecError as exc:
        raise click.BadParameter(exc.problem) from None
    return value


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--model", default=None, metavar="NAME|PATH|en=NAME,de=NAME", callback=lambda c, p, v: _model_spec(v),
              help="spaCy pipeline whose NER is merged, for every language or per language (default: the shipped "
                   "German model, the installed English en_core_web_*; 'none' for gazetteer only).")
@click.option("--force", is_flag=True, help="Re-extract unchanged articles too.")
@click.option("--batch-size", default=16, show_default=True)
@click.option("--wait", default=0.0, show_default=True, metavar="SECONDS",
              help="If another ingest is writing the store, wait this long for it before giving up.")
@click.option("--bulk/--no-bulk", default=None,
              help="Load with the bulk loader: one pass, several times faster, for a first load into an on-disk "
                   "store that holds no articles; an interrupted run leaves the store as it was. Default: on "
                   "when the store does not exist yet, off otherwise (articles are then written in transactions "
                   "of up to 32).")
@click.option("--n-process", default=1, show_default=True, type=click.IntRange(min=1),
              help="Processes running the spaCy pipeline (linking and writing stay in this one).")
@_reading_options
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], model: str | None, force: bool, batch_size: int,
           wait: float, bulk: bool | None, n_process: int, **reading) -> None:
    """Read article files, folders, exports (CSV/TSV, WordPress WXR, RSS/Atom), archives (.zip, .tar.gz)
    or JSON lines on standard input (PATH '-') into the store."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from .pipeline.run import ingest_archive
    from .store import StoreLocked, store_directory

    options = _read_options(reading)
    if bulk and store_directory(ctx.obj["store_spec"]) is None:
        raise click.UsageError("--bulk builds an on-disk store: pass --store DIR (not memory or a URL)")
    console = Console(stderr=True)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed} articles"),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("ingesting", total=None)
        try:
            report = ingest_archive(paths, ctx.obj["store_spec"], model=model, bulk=bulk, force=force, wait=wait,
                                    batch_size=batch_size, n_process=n_process, options=options,
                                    warn=lambda message: click.echo(message, err=True),
                                    on_article=lambda _id: progress.advance(task),
                                    on_bulk=lambda directory: console.print(
                                        f"{directory}: bulk load (one pass; the store is swapped in when complete)",
                                        markup=False, highlight=False))
        except StoreLocked as exc:
            raise click.ClickException(f"{exc} (--wait SECONDS)") from None
    click.echo(f"articles: {len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged; "
               f"entities: {len(report.entities)}; mentions: {report.mentions}; triples: {report.triples}"
               + (f"; languages: {', '.join(f'{lang} {n}' for lang, n in sorted(report.languages.items()))}"
                  if report.languages else ""))
    _print_problems(ctx, report)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="Extraction file to write (JSON Lines).")
@click.option("--shard", default="1/1", show_default=True, metavar="K/N",
              help="Extract only every N-th article from the K-th (by position among the readable articles).")
@click.option("--model", default=None, metavar="NAME|PATH|en=NAME,de=NAME", callback=lambda c, p, v: _model_spec(v),
              help="spaCy pipeline whose NER is merged, as for ingest ('none' for gazetteer only).")
@click.option("--batch-size", default=16, show_default=True)
@click.option("--n-process", default=1, show_default=True, type=click.IntRange(min=1),
              help="Processes running the spaCy pipeline.")
@_reading_options
@click.pass_context
def extract(ctx: click.Context, paths: tuple[Path, ...], output: Path, shard: str, model: str | None,
            batch_size: int, n_process: int, **reading) -> None:
    """Extract articles into a file without touching a store (with the --store's curated knowledge base)."""
    from .knowledge.curation import curated_kb
    from .pipeline.extract import extract_to_file
    from .pipeline.extractions import parse_shard
    from .store import store_directory

    try:
        part = parse_shard(shard)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    report = extract_to_file(paths, output, kb=curated_kb(store_directory(ctx.obj["store_spec"])), model=model,
                             shard=part, n_process=n_process, batch_size=batch_size, options=_read_options(reading))
    click.echo(f"{output}: {len(report.added)} articles extracted (shard {shard}); entities: {len(report.entities)}; "
               f"mentions: {report.mentions}")
    _print_problems(ctx, report)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Rewrite unchanged articles too.")
@click.option("--wait", default=0.0, show_default=True, metavar="SECONDS",
              help="If another writer holds the store, wait this long for it before giving up.")
@click.option("--bulk/--no-bulk", default=None,
              help="Bulk loader (default: when the on-disk store does not exist yet), else transactions of up to "
                   "32 articles.")
@click.pass_context
def load(ctx: click.Context, files: tuple[Path, ...], force: bool, wait: float, bulk: bool | None) -> None:
    """Apply extraction files (from 'topicgraph extract') to the store."""
    from .pipeline.run import load_extractions
    from .store import StoreLocked

    try:
        report = load_extractions(files, ctx.obj["store_spec"], bulk=bulk, force=force, wait=wait)
    except StoreLocked as exc:
        raise click.ClickException(f"{exc} (--wait SECONDS)") from None
    click.echo(f"articles: {len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged; "
               f"entities: {len(report.entities)}; mentions: {report.mentions}; triples: {report.triples}")
    _print_problems(ctx, report)


def _print_problems(ctx: click.Context, report) -> None:
    """Warnings, then skipped files or articles (one line each; exit 1 if any)."""
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
@click.option("--lang", type=click.Choice(["de", "en"]), default=None,
              help="Language of the labels shown (default: the language of most of the store's articles; the other where one is missing).")
@click.pass_context
def query(ctx, sparql, query_file, name, params, list_queries, fmt, lang) -> None:
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
        from .display_language import reader_language, relabel

        result = relabel(run_named_query(store, name, values), store, reader_language(store, lang))
    else:
        result = run_query(store, read_query_file(query_file) if query_file else sparql)
    click.echo(format_result(result, fmt))


@main.command()
@click.option("--type", "type_name", help="Organization, Person, Place or Technology.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--lang", type=click.Choice(["de", "en"]), default=None,
              help="Language of the labels shown (default: the language of most of the store's articles; the other where one is missing).")
@click.option("--resolution", is_flag=True, help="List instead the names entity resolution merged, with rule and evidence.")
@click.pass_context
def entities(ctx, type_name, fmt, lang, resolution) -> None:
    """List entities with the number of articles mentioning them."""
    from .display_language import reader_language, relabel
    from .query import format_result, list_entities

    store = _store(ctx)
    if resolution:
        from .store.entities import resolution_merges

        click.echo(format_result(resolution_merges(store), fmt))
        return
    click.echo(format_result(relabel(list_entities(store, type_name), store, reader_language(store, lang)), fmt))


@main.command()
@click.argument("article_id")
@click.option("--lang", type=click.Choice(["de", "en"]), default=None,
              help="Language of the labels shown (default: the language of most of the store's articles; the other where one is missing).")
@click.pass_context
def article(ctx, article_id, lang) -> None:
    """Show an article's metadata, its entities and the names kept as candidates."""
    from .display_language import reader_language, relabel
    from .query import article_candidates, describe_article, format_result
    from .store.entities import resolution_merges

    store = _store(ctx)
    meta, ents = describe_article(store, article_id)
    ents = relabel(ents, store, reader_language(store, lang))
    for key, value in zip(meta.variables, meta.rows[0]):
        if value is not None and str(value):
            click.echo(f"{key:11} {value}")
    click.echo("")
    click.echo(format_result(ents))
    resolved = resolution_merges(store, article_id)
    if resolved.rows:
        click.echo("\nresolved (entity resolution merged these names; undo with `topicgraph curate split NAME`):")
        click.echo(format_result(resolved))
    candidates = article_candidates(store, article_id)
    if candidates.rows:
        click.echo("\nname candidates (not entities; promote with `topicgraph curate accept NAME --type TYPE`):")
        click.echo(format_result(candidates))


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
    from .knowledge.curation import curated_kb
    from .pipeline.run import store_related
    from .related import RelatedIndex, suggest_related
    from .store import store_directory

    store = _store(ctx)
    index = RelatedIndex.from_store(store, curated_kb(store_directory(ctx.obj["store_spec"])))
    suggestions = suggest_related(store, article_id, k=k, method=method, since=_parse_since(since),
                                  same_language=same_language, index=index)
    if store_results:
        store_related(store, {article_id: suggestions}, method)
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
@click.option("--focus", metavar="ENTITY", help="Show only this entity's (or article's) neighbourhood: a name, an IRI or an article id.")
@click.option("--depth", default=1, show_default=True, help="Neighbourhood depth around --focus, in entity hops (1 = its articles and their entities).")
@click.option("--types", "types", multiple=True, metavar="TYPE[,TYPE]",
              help="Node types to show: Article, Organization, Person, Place, Technology (repeatable or comma-separated).")
@click.option("--max-nodes", default=5000, show_default=True, help="Show at most this many nodes (best-connected first, with a note on the page).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD", help="Only articles dated on or after this day.")
@click.option("--title", default="topicgraph explorer", show_default=True, help="Page title.")
@click.option("--seed", default=42, show_default=True, help="Seed of the layout (same seed, same picture).")
@click.option("--articles/--no-articles", default=None,
              help="Draw article nodes (default: yes for small graphs and with --focus; big graphs show entities and co-mentions).")
@click.option("--lang", type=click.Choice(["de", "en"]), default=None,
              help="Language of the labels shown (default: the language of most of the store's articles; the other where one is missing).")
@click.pass_context
def explore(ctx, output, focus, depth, types, max_nodes, since, title, seed, articles, lang) -> None:
    """Write an offline HTML graph explorer (one file, no network needed)."""
    from .explore import ExploreOptions, write_explorer

    options = ExploreOptions(focus=focus, depth=depth, max_nodes=max_nodes, seed=seed,
                             types=tuple(t.strip() for item in types for t in item.split(",") if t.strip()),
                             since=since.date() if since else None, articles=articles)
    shown = write_explorer(_store(ctx), output, title=title, options=options, lang=lang)
    click.echo(f"wrote {output} ({shown.graph.number_of_nodes()} nodes, {shown.graph.number_of_edges()} mention edges, "
               f"{len(shown.co_mention_edges)} co-mention edges)")
    if shown.note:
        click.echo(f"note: {shown.note}")


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
@click.argument("article_id", required=False)
@click.option("--all", "all_articles", is_flag=True, help="Every article, one ARTICLE_ID.jsonld file each in -o DIR.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Directory for --all.")
@click.option("--base-url", metavar="URL", help="URL of the topic site (`topicgraph site`): entities get @id URL/topics/SLUG/.")
@click.option("--type", "article_type", type=click.Choice(["NewsArticle", "BlogPosting"]), default="NewsArticle",
              show_default=True, help="schema.org type of the articles.")
@click.pass_context
def jsonld(ctx, article_id, all_articles, output, base_url, article_type) -> None:
    """schema.org JSON-LD of an article (about/mentions with sameAs), or of all with --all -o DIR."""
    from .publish.data import load_archive
    from .publish.jsonld import article_document, write_all_jsonld

    if bool(article_id) == all_articles or (all_articles and not output):
        raise click.UsageError("give an ARTICLE_ID, or --all with -o DIR")
    archive = load_archive(_store(ctx))
    if all_articles:
        count = write_all_jsonld(archive, output, base_url, article_type)
        click.echo(f"wrote {count} JSON-LD files to {output}", err=True)
    else:
        click.echo(json.dumps(article_document(archive, article_id, base_url, article_type), ensure_ascii=False, indent=2))


@main.command()
@click.option("-o", "--output", type=click.Path(path_type=Path, file_okay=False), required=True, help="Site directory.")
@click.option("--base-url", metavar="URL", help="Where the site will be served (canonical links and JSON-LD @id).")
@click.option("--language", default="de", show_default=True, help="Language of the labels shown.")
@click.option("--explorer/--no-explorer", default=True, show_default=True, help="Also write explorer.html and link it.")
@click.pass_context
def site(ctx, output, base_url, language, explorer) -> None:
    """Write static topic pages: one per entity, index pages by type and A–Z (no JavaScript needed)."""
    from .publish.site import build_site

    report = build_site(_store(ctx), output, base_url=base_url, language=language, with_explorer=explorer)
    click.echo(f"wrote {report.pages} pages ({report.entities} topics, {report.bytes / 1e6:.1f} MB) to {output}")


@main.command()
@click.argument("site_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--base-url", metavar="URL", help="URL of the topic site (`topicgraph site`), for links to topic pages.")
@click.option("-k", default=5, show_default=True, help="Related articles per page.")
@click.pass_context
def hugo(ctx, site_dir, base_url, k) -> None:
    """Write related articles and entities into a Hugo site's data/topicgraph/ for its content pages."""
    from .publish.hugo import write_hugo_data

    report = write_hugo_data(_store(ctx), site_dir, base_url=base_url, k=k)
    click.echo(f"wrote {report.files} data files for {len(report.matched)} pages to {site_dir / 'data' / 'topicgraph'}")
    for path in report.unmatched:
        click.echo(f"warning: content{path}: no article in the store", err=True)


@main.command()
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=Path("topicgraph-demo.html"), show_default=True, help="Explorer page to write.")
@click.pass_context
def demo(ctx, output) -> None:
    """Ingest the bundled sample corpus, write the explorer and show example queries."""
    from .demo import run_demo

    run_demo(_store(ctx), output, echo=click.echo)

@main.command("eval-entities")
@click.argument("gold", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--corpus", "corpus", multiple=True, type=click.Path(path_type=Path, exists=True),
              help="Article files or directories (default: the bundled sample corpus).")
@click.option("--model", default=None, metavar="NAME|PATH", help="spaCy NER pipeline (default: shipped German model; 'none': gazetteer only).")
@click.option("--errors", is_flag=True, help="List every false positive, false negative and new entity.")
def eval_entities(gold, corpus, model, errors) -> None:
    """Precision, recall and F1 of linked entities against a gold file (article_id<TAB>iri)."""
    from .demo import sample_corpus
    from .evaluation.entities import evaluate_entities
    from .nlp import Extractor

    report = evaluate_entities(gold, list(corpus) or [sample_corpus()], Extractor(model=model))
    click.echo(report.format(show_errors=errors))


@main.command("eval-resolution")
@click.argument("gold", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--corpus", "corpus", multiple=True, type=click.Path(path_type=Path, exists=True), required=True,
              help="Article files or directories, or a 10kGNAD CSV, holding the gold articles.")
@click.option("--model", default=None, metavar="NAME|PATH", help="spaCy NER pipeline (default: shipped German model).")
@click.option("--no-resolve", is_flag=True, help="Without the resolution stage (the figures before it).")
@click.option("--errors", is_flag=True, help="List the split and merged gold clusters.")
def eval_resolution(gold, corpus, model, no_resolve, errors) -> None:
    """B-cubed P/R/F1 of mention clustering across articles, split and merged counts (gold: article_id<TAB>start<TAB>end<TAB>cluster)."""
    from .evaluation.resolution import error_lines, evaluate_resolution

    scores, assigned, articles = evaluate_resolution(gold, list(corpus), model=model, resolve=not no_resolve)
    click.echo("\n".join(scores.lines()))
    if errors:
        click.echo("\n".join(error_lines(assigned, articles)))


@main.command()
@click.option("--dry-run", is_flag=True, help="List the merges without changing the store.")
@click.pass_context
def resolve(ctx, dry_run) -> None:
    """Archive-wide entity resolution: merge nodes that are one thing, rewriting the affected articles."""
    from .pipeline.run import resolve_archive

    report = resolve_archive(ctx.obj["store_spec"], dry_run=dry_run)
    click.echo("\n".join(report.lines()) + (" (dry run: nothing changed)" if dry_run else ""))


@main.command("eval-names")
@click.argument("pairs", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--from", "low", default=80, show_default=True, help="Lowest threshold.")
@click.option("--to", "high", default=100, show_default=True, help="Highest threshold.")
def eval_names(pairs, low, high) -> None:
    """Sweep the near-duplicate name threshold over labelled pairs (name_a<TAB>name_b<TAB>0|1)."""
    from .evaluation.entities import format_sweep, read_name_pairs, sweep_name_threshold
    from .nlp.linking import FUZZY_THRESHOLD

    click.echo(format_sweep(sweep_name_threshold(read_name_pairs(pairs), range(low, high + 1))))
    click.echo(f"threshold in use: {FUZZY_THRESHOLD:g}")


@main.command()
@click.option("--candidates", is_flag=True, required=True, help="List candidate technologies/topics not yet in the scheme.")
@click.option("--top", default=30, show_default=True, help="Number of candidates.")
@click.option("--min-articles", default=2, show_default=True, help="A candidate must occur in at least this many articles.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def terms(ctx, candidates, top, min_articles, fmt) -> None:
    """Candidate technologies and topics discovered in the stored corpus (accept with `curate accept`)."""
    from .knowledge.curation import curated_kb
    from .store import store_directory
    from .terms import candidate_terms

    found = candidate_terms(_store(ctx), curated_kb(store_directory(ctx.obj["store_spec"])), top=top,
                            min_articles=min_articles)
    if fmt == "json":
        click.echo(json.dumps([c.__dict__ for c in found], ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo("no candidates (is the store empty, or are the articles' source files gone?)")
    for c in found:
        click.echo(f"{c.score:7.3f}  {c.articles:3d} art.  {c.term}   e.g. {', '.join(c.forms[:3])}")


@main.group()
def curate() -> None:
    """Editorial curation: edit <store>/curation.toml (applied at every ingest)."""


def _parse_since(value: str | None) -> dt.date | None:
    """``--since YYYY-MM-DD`` -> date."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"--since {value!r}: expected a date YYYY-MM-DD") from None


def _disk_store(ctx: click.Context, who_needs: str) -> Path:
    """The directory of the on-disk store; a usage error starting with ``who_needs`` ("curation needs") otherwise."""
    from .store import store_directory

    directory = store_directory(ctx.obj["store_spec"])
    if directory is None:
        raise click.UsageError(f"{who_needs} an on-disk store (--store PATH)")
    return directory


def _curation_target(ctx: click.Context) -> Path:
    return _disk_store(ctx, "curation needs")


_wait = click.option("--wait", default=0.0, show_default=True, metavar="SECONDS",
                     help="If another process is writing the store, wait this long for it.")


def _record(ctx: click.Context, action: str, value: str, by: str, why: str, **extra: str) -> None:
    from .curate import record_change
    from .knowledge.curation import curation_path

    directory = _curation_target(ctx)
    change = record_change(_store(ctx), directory, action, value, by, why, **extra)
    click.echo(f"{action}: {change.entity}" + (f" -> {change.into}" if change.into else "")
               + f"  (recorded in {curation_path(directory)}; run `topicgraph curate apply` to update the store)")


_by = click.option("--by", required=True, help="Who makes the change.")
_why = click.option("--why", required=True, help="Why.")


@curate.command("merge")
@click.argument("entity")
@click.argument("into")
@_by
@_why
@click.pass_context
def curate_merge(ctx, entity, into, by, why) -> None:
    """Merge ENTITY into INTO (IRIs, CURIEs or labels); INTO is kept."""
    _record(ctx, "merge", entity, by, why, into=into)


@curate.command("rename")
@click.argument("entity")
@click.argument("label")
@_by
@_why
@click.pass_context
def curate_rename(ctx, entity, label, by, why) -> None:
    """Give ENTITY a new preferred label (the old one stays an alias)."""
    _record(ctx, "rename", entity, by, why, label=label)


@curate.command("alias")
@click.argument("entity")
@click.argument("alias")
@_by
@_why
@click.pass_context
def curate_alias(ctx, entity, alias, by, why) -> None:
    """Add an alternative name that the gazetteer matches from now on."""
    _record(ctx, "alias", entity, by, why, alias=alias)


@curate.command("reject")
@click.argument("entity")
@_by
@_why
@click.pass_context
def curate_reject(ctx, entity, by, why) -> None:
    """Reject a false entity: its mentions are dropped."""
    _record(ctx, "reject", entity, by, why)


@curate.command("pin-type")
@click.argument("entity")
@click.argument("type_name", metavar="TYPE", type=click.Choice(["Organization", "Person", "Place", "Technology"]))
@_by
@_why
@click.pass_context
def curate_pin_type(ctx, entity, type_name, by, why) -> None:
    """Fix the type of an entity."""
    _record(ctx, "pin-type", entity, by, why, type=type_name)


@curate.command("accept")
@click.argument("term")
@click.option("--broader", help="Broader concept (IRI or CURIE, e.g. tech:energy-storage).")
@click.option("--en", "label_en", default="", help="English preferred label.")
@click.option("--type", "type_name", type=click.Choice(["Organization", "Person", "Place", "Technology"]),
              default="Technology", show_default=True,
              help="Accept a name candidate (see `topicgraph article ID`) as an entity of this type instead.")
@_by
@_why
@click.pass_context
def curate_accept(ctx, term, broader, label_en, type_name, by, why) -> None:
    """Accept a candidate term (see `topicgraph terms --candidates`) as a technology concept, or a name
    candidate as an entity (--type)."""
    from .knowledge.curation import new_concept_iri
    from .query import QueryError, expand_curie

    extra = {"label": term, "label_en": label_en, "type": type_name}
    if broader:
        iri = expand_curie(broader)
        if iri is None:
            raise QueryError(f"--broader {broader!r}: not an IRI or CURIE")
        extra["broader"] = str(iri)
    _record(ctx, "accept", new_concept_iri(term, type_name), by, why, **extra)


@curate.command("split")
@click.argument("entity")
@_by
@_why
@click.pass_context
def curate_split(ctx, entity, by, why) -> None:
    """Undo a resolution merge: ENTITY (the merged node's IRI, CURIE or old name) becomes its own node again."""
    from .pipeline.run import split_merge

    _curation_target(ctx)
    report = split_merge(ctx.obj["store_spec"], entity, by, why)
    click.echo(f"split: {report.merged} from {report.into}; {len(report.rewritten)} article(s) rewritten "
               f"(recorded in the curation; resolution will not merge them again)")


@curate.command("list")
@click.pass_context
def curate_list(ctx) -> None:
    """Show the recorded changes."""
    from .knowledge.curation import curation_path, read_changes

    for n, c in enumerate(read_changes(curation_path(_curation_target(ctx))), 1):
        what = " ".join(x for x in (c.into and f"into={c.into}", c.label and f"label={c.label!r}",
                                    c.alias and f"alias={c.alias!r}", c.type and f"type={c.type}") if x)
        click.echo(f"{n:3d}. {c.when} {c.by}: {c.action} {c.entity} {what} -- {c.why}")


@curate.command("apply")
@click.option("--model", default=None, metavar="NAME|PATH", help="spaCy NER pipeline used to re-extract.")
@_wait
@click.pass_context
def curate_apply(ctx, model, wait) -> None:
    """Re-apply the curation to the whole store (re-extract articles whose files exist, rewrite the rest)."""
    from .pipeline.run import apply_curation

    _curation_target(ctx)
    report = apply_curation(ctx.obj["store_spec"], model=model, wait=wait)
    click.echo(f"curation: {report.changes} change(s) applied; {report.reextracted} article(s) re-extracted, "
               f"{report.rewritten} rewritten in place")


@main.group()
def vocab() -> None:
    """Vocabularies of the knowledge base: SKOS thesauri and CSV entity lists (recorded in <store>/vocabularies.toml)."""


def _vocab_target(ctx: click.Context) -> Path:
    return _disk_store(ctx, "vocabularies need")


@vocab.command("add")
@click.argument("source", metavar="FILE")
@click.option("--name", default=None, help="Name of the vocabulary (default: the file name without extension).")
@click.option("--by", default=None, help="Who adds it (default: the user name).")
@_wait
@click.pass_context
def vocab_add(ctx, source, name, by, wait) -> None:
    """Add or update a vocabulary: SKOS (Turtle, RDF/XML, JSON-LD, N-Triples) or a CSV entity list
    (label,type,aliases,sameAs,description,language); the name of a shipped one turns it back on."""
    from .pipeline.run import add_vocabulary_to_store

    _vocab_target(ctx)
    result = add_vocabulary_to_store(ctx.obj["store_spec"], source, name=name, by=by, wait=wait)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    r = result.record
    click.echo(f"{result.status}: {r.name} ({r.kind}, {r.concepts} concepts, {r.labels} labels) "
               f"in graph <{r.graph_iri}>; run `topicgraph vocab apply` to re-link the stored articles")


@vocab.command("list")
@click.pass_context
def vocab_list(ctx) -> None:
    """The store's vocabularies (shipped ones included), on or off."""
    from .knowledge.vocab.registry import read_manifest

    for r in read_manifest(_vocab_target(ctx)):
        state = "on " if r.enabled else "off"
        who = f"{r.added} {r.by}".strip()
        click.echo(f"{state} {r.name:16} {r.kind:8} {r.concepts:7} concepts {r.labels:7} labels  {r.hash[:12]}  "
                   f"{r.source}" + (f"  ({who})" if who else ""))


@vocab.command("remove")
@click.argument("name")
@_wait
@click.pass_context
def vocab_remove(ctx, name, wait) -> None:
    """Take a vocabulary out of the knowledge base (a shipped one is turned off; `vocab add NAME` turns it on)."""
    from .pipeline.run import remove_vocabulary_from_store

    _vocab_target(ctx)
    record = remove_vocabulary_from_store(ctx.obj["store_spec"], name, wait=wait)
    click.echo(f"removed: {record.name}; run `topicgraph vocab apply` to remove its tags from the stored articles")


@vocab.command("check")
@click.argument("name")
@click.option("--max-shown", default=50, show_default=True, help="Print at most this many findings.")
@click.pass_context
def vocab_check(ctx, name, max_shown) -> None:
    """Report concepts without prefLabel, duplicate prefLabels and broader cycles (errors: exit 1), labels colliding
    with another vocabulary or with frequent common words (warnings)."""
    from .knowledge.vocab.check import check_vocabulary

    findings = check_vocabulary(_vocab_target(ctx), name)
    errors = sum(1 for f in findings if not f.is_warning)
    click.echo(f"{name}: {errors} error(s), {len(findings) - errors} warning(s)")
    for finding in findings[:max_shown]:
        click.echo(f"  {finding}")
    if len(findings) > max_shown:
        click.echo(f"  ... and {len(findings) - max_shown} more")
    if errors:
        ctx.exit(1)


@vocab.command("apply")
@click.option("--model", default=None, metavar="NAME|PATH", help="spaCy NER pipeline used to re-extract.")
@_wait
@click.pass_context
def vocab_apply(ctx, model, wait) -> None:
    """Re-link the stored articles with the current vocabularies (and curation), one transaction per article."""
    from .pipeline.run import apply_vocabularies_to_store

    _vocab_target(ctx)
    report = apply_vocabularies_to_store(ctx.obj["store_spec"], model=model, wait=wait)
    click.echo(f"vocabularies applied: {report.reextracted} article(s) re-extracted, {report.rewritten} rewritten in "
               f"place ({report.dropped} entries of removed vocabularies dropped)")


@main.command()
@click.option("--shapes", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="SHACL shapes file (default: the shipped ontology/shapes.ttl).")
@click.option("--max-shown", default=50, show_default=True, help="Print at most this many violations and warnings each.")
@click.option("--counts/--no-counts", default=True, show_default=True,
              help="Also recount the derived statistics (counts, entity types) from the article graphs.")
@click.pass_context
def check(ctx, shapes, max_shown, counts) -> None:
    """Validate the store against the SHACL shapes (and recount the derived statistics); exit 1 if there are violations."""
    from .integrity import SHAPES_FILE, check_store

    report = check_store(_store(ctx), shapes or SHAPES_FILE, counts=counts)
    click.echo(f"checked {report.articles} articles, {report.mentions} mentions, {report.entities} entities: "
               f"{len(report.violations)} violations, {len(report.warnings)} warnings")
    for label, findings in (("violation", report.violations), ("warning", report.warnings)):
        for finding in findings[:max_shown]:
            click.echo(f"{label}: {finding}")
        if len(findings) > max_shown:
            click.echo(f"... and {len(findings) - max_shown} more {label}s")
    if not report.ok:
        ctx.exit(1)


@main.command("train-ner")
@click.option("--output", required=True, type=click.Path(path_type=Path, file_okay=False), help="Directory for the trained pipeline.")
@click.option("--shared", type=click.Path(path_type=Path, file_okay=False), help="The shared data folder (default $TOPICGRAPH_SHARED or ../shared).")
@click.option("--corpora", help="NAME:WEIGHT,... e.g. germeval:3,smartdata:1 (default: the shipped recipe).")
@click.option("--max-sentences", type=int, help="Use at most this many training sentences (quick runs).")
@click.option("--max-steps", type=int, help="Training steps (default: the shipped recipe's).")
@click.option("--seed", default=42, show_default=True)
@click.option("--vectors/--no-vectors", "with_vectors", default=True, show_default=True,
              help="Train the shipped recipe's static word vectors first (needs gensim: pip install 'topicgraph[train]').")
@click.option("--filter/--no-filter", "with_filter", default=True, show_default=True,
              help="Add the common-word post-filter to the trained pipeline.")
@click.option("--finetune/--no-finetune", "with_finetune", default=True, show_default=True,
              help="Second stage of the shipped recipe: keep training on the GermEval train part at a lower learning rate.")
def train_ner_command(output, shared, corpora, max_sentences, max_steps, seed, with_vectors, with_filter,
                      with_finetune) -> None:
    """Train the German NER with spaCy (checked-in config.cfg, fixed seed)."""
    from .nlp.ner.train import parse_corpora, train_ner

    best = train_ner(output, shared, parse_corpora(corpora), max_sentences, seed, max_steps,
                     vectors=None if with_vectors else False, ner_filter=None if with_filter else False,
                     finetune=None if with_finetune else False)
    click.echo(f"trained pipeline: {best}")


@main.command("eval-ner")
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--heldout", is_flag=True, help="Evaluate on the GermEval 2014 held-out split (= --corpus heldout).")
@click.option("--corpus", default=None, metavar="NAME",
              help="Evaluate on shared data the shipped model was not trained on: heldout, select (GermEval "
                   "parts) or smartdata-v3 (SmartData v3 dev+test).")
@click.option("--shared", type=click.Path(path_type=Path, file_okay=False), help="The shared data folder, for --corpus.")
@click.option("--model", default=None, metavar="NAME|PATH", help="spaCy pipeline to score (default: the shipped model).")
def eval_ner_command(file, heldout, corpus, shared, model) -> None:
    """Precision/recall/F1 per label (exact spans) on GermEval-format or token<TAB>IOB files."""
    import tempfile

    from .nlp.ner.corpora import write_eval_corpus
    from .nlp.ner.evaluate import evaluate_ner, format_report

    if heldout:
        if corpus not in (None, "heldout"):
            raise click.UsageError("give --heldout or --corpus, not both")
        corpus = "heldout"
    if bool(file) == bool(corpus):
        raise click.UsageError("give a FILE or --corpus (or --heldout)")
    if corpus:
        try:
            file = write_eval_corpus(Path(tempfile.gettempdir()) / f"topicgraph-eval-{corpus}.tsv", corpus, shared)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
        except FileNotFoundError as exc:
            raise click.ClickException(f"{corpus}: shared data not found ({exc.filename or exc})") from None
    click.echo(format_report(evaluate_ner(file, model)))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=7878, show_default=True, type=int, help="Port (0: any free port).")
@click.option("--allow-update", is_flag=True, help="Accept SPARQL Update (refused with 403 otherwise).")
@click.option("--update-token", envvar="TOPICGRAPH_UPDATE_TOKEN", default=None, metavar="TOKEN",
              help="Bearer token that updates must send (needed with --allow-update off loopback; env TOPICGRAPH_UPDATE_TOKEN).")
@click.option("--read-token", envvar="TOPICGRAPH_READ_TOKEN", default=None, metavar="TOKEN",
              help="Bearer token that queries must send (optional; env TOPICGRAPH_READ_TOKEN).")
@click.option("--timeout", default=10.0, show_default=True, type=float, metavar="S", help="Query time limit in seconds.")
@click.option("--max-results", default=10000, show_default=True, type=int, metavar="N", help="Most rows/triples per answer.")
@click.option("--max-body", default=10 * 1024 * 1024, show_default=True, type=int, metavar="BYTES", help="Largest request body (413 above).")
@click.option("--max-query-length", default=100_000, show_default=True, type=int, metavar="CHARS", help="Longest query (400 above).")
@click.option("--max-depth", default=32, show_default=True, type=int, metavar="N", help="Deepest nesting of { ( [ in a query or update (400 above).")
@click.option("--max-concurrent", default=16, show_default=True, type=int, metavar="N", help="Requests answered at once (503 with Retry-After above).")
@click.option("--isolate/--no-isolate", default=True, show_default=True, help="Run an on-disk store in a worker process that is restarted if the engine crashes.")
@click.option("--audit-log", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Log of accepted updates (default: audit.log in the store directory; stderr for memory/remote stores).")
@click.option("--cors", metavar="ORIGIN", default=None, help="Allow cross-origin requests from ORIGIN (off by default).")
@click.pass_context
def serve(ctx, host, port, allow_update, update_token, read_token, timeout, max_results, max_body, max_query_length,
          max_depth, max_concurrent, isolate, audit_log, cors) -> None:
    """Serve the store as a SPARQL 1.1 endpoint (read-only, loopback, until Ctrl-C)."""
    from .serve import ServeConfig, check_config, is_loopback, make_server
    from .serve.auth import audit_path, log_audit_to_stderr
    from .serve.worker import open_served_store

    audit_log = audit_log or audit_path(ctx.obj["store_spec"])
    if audit_log is None:
        log_audit_to_stderr()
    config = ServeConfig(host=host, port=port, allow_update=allow_update, timeout=timeout, max_results=max_results,
                         cors=cors, max_body=max_body, max_query_length=max_query_length, max_depth=max_depth,
                         max_concurrent=max_concurrent, update_token=update_token, read_token=read_token,
                         audit_log=None if audit_log is None else str(audit_log))
    check_config(config)  # refuse to start before the store is opened
    if isolate:
        store = open_served_store(ctx.obj["store_spec"])
        ctx.call_on_close(store.close)
    else:
        store = _store(ctx)
    server = make_server(store, config)
    if not is_loopback(host):
        click.echo(f"warning: listening on {host}, reachable from other machines", err=True)
    click.echo(f"SPARQL endpoint: {server.url}  (query form: {server.url[:-len('sparql')]}; "
               f"{'read-write' if allow_update else 'read-only'}"
               f"{', updates need the token' if update_token else ''}{', queries need a token' if read_token else ''}; "
               f"timeout {timeout:g} s; max {max_results} results; audit log {server.audit.where}; Ctrl-C stops)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.group()
def bench() -> None:
    """Benchmarks that print figures (not tests)."""


@bench.command("queries")
@click.option("--articles", default=100_000, show_default=True, help="Synthetic articles.")
@click.option("--rdflib-articles", default=10_000, show_default=True, help="Articles for the rdflib comparison (0: skip).")
@click.option("--server/--no-server", "with_server", default=True, show_default=True, help="Also measure the bulk load into an oxigraph server (pip package).")
@click.option("--repeat", default=20, show_default=True, help="Runs per named query (p50 over them).")
@click.option("--workdir", type=click.Path(path_type=Path, file_okay=False), default=None, help="Where the stores go (default: a temporary directory).")
def bench_queries_command(articles, rdflib_articles, with_server, repeat, workdir) -> None:
    """Bulk load rates and p50 per named query: embedded Oxigraph next to rdflib in memory."""
    from .evaluation.bench import run_query_bench

    run_query_bench(articles, rdflib_articles=rdflib_articles, with_server=with_server, repeat=repeat,
                    workdir=workdir, echo=click.echo)


@bench.command("serve")
@click.option("--articles", default=10_000, show_default=True, help="Synthetic articles.")
@click.option("--repeat", default=20, show_default=True, help="Runs per named query (p50 over them).")
@click.option("--workdir", type=click.Path(path_type=Path, file_okay=False), default=None, help="Where the store goes (default: a temporary directory).")
@click.option("--keep", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Build the synthetic store in this directory once and reuse it in later runs of the same size.")
def bench_serve_command(articles, repeat, workdir, keep) -> None:
    """p50 per named query in process, through serve's engine worker process, and over HTTP."""
    from .evaluation.bench_serve import run_serve_bench

    run_serve_bench(articles, repeat=repeat, workdir=workdir, keep=keep, echo=click.echo)


@bench.command("soak")
@click.option("--articles", default=2000, show_default=True, help="Synthetic articles ingested through the endpoint.")
@click.option("--clients", default=8, show_default=True, help="Concurrent clients.")
@click.option("--queries", "queries_per_client", default=200, show_default=True, help="Queries per client.")
@click.option("--seconds", default=60.0, show_default=True, help="Stop after this long at the latest.")
def bench_soak_command(articles, clients, queries_per_client, seconds) -> None:
    """The endpoint on loopback under concurrent queries while articles are ingested through it."""
    from .evaluation.bench import run_soak

    run_soak(articles, clients=clients, queries_per_client=queries_per_client, seconds=seconds, echo=click.echo)


@bench.command("ner")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--model", default=None, metavar="NAME|PATH", help="spaCy pipeline to time (default: the shipped German model).")
@click.option("--n-process", default=2, show_default=True, help="Worker processes of the multi-process bare run (1: skip it).")
@click.option("--batch-size", default=16, show_default=True, help="Documents per nlp.pipe batch (as ingest's default).")
@click.option("--repeat", default=1, show_default=True, help="Runs per row but ingest (best of them).")
@click.option("--ingest/--no-ingest", "with_ingest", default=True, show_default=True, help="Also time a full ingest into a fresh store.")
@click.option("--lang", "language", type=click.Choice(["de", "en"]), default="de", show_default=True,
              help="Time the articles in this language with its pipeline (en: the installed English one).")
def bench_ner_command(paths, model, n_process, batch_size, repeat, with_ingest, language) -> None:
    """Articles and words per second: bare nlp.pipe (1 and N processes), the Extractor and ingest, on the same
    German (or, with --lang en, English) articles (PATHS: article files/folders or a 'label;text' CSV;
    default: the bundled sample)."""
    from .evaluation.bench_ner import BenchInputError, bench_ner

    try:
        report = bench_ner(paths or None, model=model, n_process=n_process, batch_size=batch_size, repeat=repeat,
                           with_ingest=with_ingest, echo=lambda m: click.echo(m, err=True), language=language)
    except (BenchInputError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    for line in report.lines():
        click.echo(line)


@bench.command("vocab")
@click.argument("corpus", required=False, type=click.Path(path_type=Path, exists=True))
@click.option("--concepts", default=20_000, show_default=True, help="Concepts of the generated thesaurus (4 labels each).")
@click.option("--limit", default=200, show_default=True, help="Use the first N German articles of CORPUS.")
@click.option("--model", default=None, metavar="NAME|PATH", help="spaCy NER pipeline (default: the shipped German model).")
@click.option("--ingest/--no-ingest", "with_ingest", default=True, show_default=True, help="Also time a bulk ingest.")
def bench_vocab_command(corpus, concepts, limit, model, with_ingest) -> None:
    """A generated thesaurus as a vocabulary: vocab add time, words/s with and without it, memory
    (CORPUS: 10kGNAD CSV or an article folder; default: the bundled sample)."""
    from .evaluation.bench_vocab import bench_vocab

    report = bench_vocab(corpus, concepts=concepts, limit=limit, model=model, with_ingest=with_ingest,
                         echo=lambda m: click.echo(m, err=True))
    for line in report.lines():
        click.echo(line)


@main.command("eval-related")
@click.argument("corpus", type=click.Path(path_type=Path))
@click.option("-k", "--k", "k", default=10, show_default=True, help="Suggestions per article (precision@k).")
@click.option("--model", default=None, metavar="NAME|PATH", help="spaCy pipeline whose NER is merged ('none': gazetteer only).")
@click.option("--seed", default=0, show_default=True, help="Seed of the tuning/test split.")
@click.option("--no-resolve", is_flag=True, help="Without the entity resolution stage (the figures before it).")
def eval_related(corpus, k, model, seed, no_resolve) -> None:
    """Precision@k of each related-article method on a corpus with category labels (CSV or folder)."""
    from .evaluation.related import evaluate_related

    report = evaluate_related(corpus, k=k, model=model, seed=seed, echo=lambda m: click.echo(m, err=True),
                              resolve=not no_resolve)
    for line in report.lines():
        click.echo(line)


@bench.command("related")
@click.option("-n", "--articles", "n_articles", default=100_000, show_default=True, help="Synthetic articles.")
@click.option("-k", default=10, show_default=True, help="Suggestions per article.")
@click.option("--method", "methods", multiple=True, type=click.Choice(["entities", "graph", "text", "blend"]),
              help="Methods to time (default: all).")
def bench_related_command(n_articles, k, methods) -> None:
    """Bulk top-k for every article of a synthetic corpus, one-article latency and memory."""
    from .evaluation.bench_related import bench_related

    report = bench_related(n_articles, k, methods or ("entities", "graph", "text", "blend"),
                           echo=lambda m: click.echo(m, err=True))
    for line in report.lines():
        click.echo(line)



@bench.command("site")
@click.option("-n", "--articles", "n_articles", default=20_000, show_default=True, help="Synthetic articles.")
@click.option("-o", "--output", type=click.Path(path_type=Path, file_okay=False),
              help="Keep the site here (default: a temporary folder, removed afterwards).")
def bench_site_command(n_articles, output) -> None:
    """Topic site of a synthetic archive: pages per second and total size."""
    from .evaluation.bench_site import bench_site

    click.echo(bench_site(n_articles, output, echo=lambda m: click.echo(m, err=True)).format())


@bench.command("writers")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("-n", "--articles", "n_articles", default=128, show_default=True, help="First N German articles of PATHS.")
@click.option("--model", default="none", show_default=True, metavar="NAME|PATH", help="NER merged at extraction ('none': gazetteer only).")
@click.option("--writers", default="1,2,4", show_default=True, help="Numbers of concurrent writers (and extract processes).")
@click.option("--unguarded/--no-unguarded", default=True, show_default=True,
              help="Also run the most writers without the lease, to show what it prevents.")
@click.option("--synthetic", is_flag=True, help="A synthetic archive of N articles instead of PATHS (no extraction rows).")
@click.option("--workdir", type=click.Path(path_type=Path, file_okay=False), default=None, help="Scratch directory (default: a temporary one).")
def bench_writers_command(paths, n_articles, model, writers, unguarded, synthetic, workdir) -> None:
    """Concurrent writers into an oxigraph server (articles/s, check), extract on 1..N processes, load rates."""
    from .evaluation.bench_ner import BenchInputError
    from .evaluation.bench_writers import bench_writers

    try:
        counts = [int(w) for w in writers.split(",")]
    except ValueError:
        raise click.UsageError(f"--writers {writers!r}: expected numbers such as 1,2,4") from None
    try:
        bench_writers(paths or [Path(__file__).parent / "sample"], n_articles, model, counts, workdir, unguarded,
                      synthetic)
    except BenchInputError as exc:
        raise click.ClickException(str(exc)) from None


if __name__ == "__main__":
    main()
