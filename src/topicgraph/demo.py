"""The demo: ingest the bundled sample corpus, write the explorer, answer a few example queries."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from .explore import write_explorer
from .pipeline.ingest import IngestReport, ingest
from .query import format_result, run_named_query
from .related import suggest_related
from .store import Store

#: Example questions the demo answers: (caption, named query, parameters).
EXAMPLES = [
    ("Articles mentioning Redwood Materials", "articles-mentioning", {"entity": "Redwood Materials"}),
    ("Entities co-mentioned with General Motors", "co-mentioned", {"entity": "GM"}),
    ("Technologies mentioned with Norsk Hydro", "technologies-per-organization", {"organization": "Norsk Hydro"}),
    ("People", "entities-by-type", {"type": "Person"}),
]


def sample_corpus() -> Path:
    """``data/sample`` shipped with the package."""
    return Path(str(resources.files("topicgraph") / "sample"))


def run_demo(store: Store, explorer_path: Path, echo: Callable[[str], None] = print,
             corpus: Path | None = None) -> IngestReport:
    """Ingest the sample corpus into ``store``, write the explorer page and print example answers."""
    corpus = corpus or sample_corpus()
    report = ingest([corpus], store)
    echo(f"Ingested {len(report.written)} new/changed and {len(report.unchanged)} unchanged articles from {corpus}: "
         f"{len(report.entities)} entities, {report.mentions} mentions, {report.triples} triples.")
    for problem in report.problems:
        echo(f"  problem: {problem}")
    graph = write_explorer(store, explorer_path, title="topicgraph demo: sample corpus").graph
    echo(f"Explorer ({graph.number_of_nodes()} nodes): {explorer_path}")
    for caption, name, params in EXAMPLES:
        shown = " ".join(f"--param {k}='{v}'" for k, v in params.items())
        echo(f"\n# {caption}\n$ topicgraph query --name {name} {shown}")
        echo(format_result(run_named_query(store, name, params)))
    first = "gm-redwood-speicherpartnerschaft"
    echo(f"\n# Related articles\n$ topicgraph related {first} -k 3")
    for s in suggest_related(store, first, k=3):
        echo(f"{s.score:7.2f}  {s.article_id}  {s.title}\n         shared: {', '.join(r.label for r in s.reasons[:6])}")
    return report
