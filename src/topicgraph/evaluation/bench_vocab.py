"""``topicgraph bench vocab``: a generated thesaurus (20,000 concepts, 80,000 German and English labels) as a
vocabulary: time to add it, to build the knowledge base and gazetteer, extraction and ingest words/s with it
against without it, and memory. Prints figures; asserts nothing."""

from __future__ import annotations

import gc
import os
import random
import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, SKOS

from ..demo import sample_corpus
from ..knowledge.kb import default_kb
from ..knowledge.vocab.registry import _copy_triples, _store_kb, add_vocabulary, store_kb
from ..nlp import Extractor
from ..pipeline.ingest import bulk_ingest
from ..store import open_store
from ..store.vocabularies import sync_store

#: Namespace of the generated thesaurus (not a topicgraph IRI: a client's own vocabulary).
GEN = Namespace("https://example.org/generated-thesaurus/")

#: Everyday German news nouns (written for this benchmark) used as the labels of the first concepts, so that
#: the generated thesaurus also matches real text, as a newsroom's vocabulary would.
NEWS_WORDS = (
    "Regierung", "Wahl", "Parlament", "Polizei", "Gericht", "Wirtschaft", "Schule", "Bildung", "Gesundheit",
    "Krankenhaus", "Fußball", "Tennis", "Skifahren", "Verkehr", "Bahn", "Flughafen", "Klima", "Umwelt", "Energie",
    "Landwirtschaft", "Tourismus", "Kultur", "Theater", "Museum", "Musik", "Film", "Literatur", "Wohnbau",
    "Migration", "Asyl", "Arbeitsmarkt", "Pension", "Steuer", "Budget", "Inflation", "Bank", "Börse",
    "Industrie", "Handel", "Export", "Forschung", "Universität", "Internet", "Datenschutz", "Smartphone",
    "Software", "Wissenschaft", "Medizin", "Impfung", "Justiz", "Korruption", "Terror", "Militär", "Diplomatie",
    "Menschenrechte", "Frauenpolitik", "Jugend", "Familie", "Pflege", "Sozialversicherung", "Gemeinde",
    "Bürgermeister", "Landtag", "Opposition", "Koalition", "Außenpolitik", "Innenpolitik", "Sicherheit",
    "Feuerwehr", "Unwetter", "Hochwasser", "Lawine", "Erdbeben", "Medien", "Zeitung", "Fernsehen", "Radio",
)
_SYLLABLES = ("ka", "lo", "mer", "tin", "sa", "bre", "du", "vol", "ri", "gen", "pha", "nu", "stel", "or",
              "ben", "zi", "ta", "mon", "ke", "ru", "fal", "wi", "der", "gus", "ne", "po", "lin", "tra")


def generate_thesaurus(concepts: int = 20_000, seed: int = 0) -> Graph:
    """A SKOS thesaurus: ``concepts`` concepts with four labels each (prefLabel and altLabel, de and en), a
    broader hierarchy (20 top concepts), in one scheme. Labels are pseudo-words, but the first concepts
    are everyday news nouns (:data:`NEWS_WORDS`)."""
    rng = random.Random(seed)
    graph = Graph()
    scheme = GEN["scheme"]
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, SKOS.prefLabel, Literal("Generierter Thesaurus", lang="de")))
    used: set[str] = set()

    def word() -> str:
        while True:
            text = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 5))).capitalize()
            if text not in used:
                used.add(text)
                return text

    for n in range(concepts):
        iri = GEN[f"c{n}"]
        graph.add((iri, RDF.type, SKOS.Concept))
        graph.add((iri, SKOS.inScheme, scheme))
        german = NEWS_WORDS[n] if n < len(NEWS_WORDS) else word()
        used.add(german)
        graph.add((iri, SKOS.prefLabel, Literal(german, lang="de")))
        graph.add((iri, SKOS.altLabel, Literal(f"{german}{rng.choice(('politik', 'wesen', 'bereich'))}", lang="de")))
        graph.add((iri, SKOS.prefLabel, Literal(f"{word().lower()} {word().lower()}", lang="en")))
        graph.add((iri, SKOS.altLabel, Literal(word().lower(), lang="en")))
        graph.add((iri, SKOS.notation, Literal(f"G{n}")))
        if n < 20:
            graph.add((iri, SKOS.topConceptOf, scheme))
        else:
            graph.add((iri, SKOS.broader, GEN[f"c{rng.randrange(n)}"]))
    return graph


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class VocabBenchReport:
    concepts: int
    labels: int
    triples: int
    articles: int
    words: int
    seconds: dict[str, float] = field(default_factory=dict)
    memory: dict[str, float] = field(default_factory=dict)
    found: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"thesaurus: {self.concepts:,} concepts, {self.labels:,} labels (de+en), {self.triples:,} triples",
               f"articles: {self.articles} (German), {self.words:,} words"]
        for name, seconds in self.seconds.items():
            rate = f"  {self.words / seconds:9,.0f} words/s" if name.startswith(("extract", "ingest")) else ""
            out.append(f"{name:36} {seconds:8.2f} s CPU{rate}")
        for base in ("extract", "ingest --bulk"):
            with_vocab, without = self.seconds.get(f"{base} with vocabulary"), self.seconds.get(f"{base} without")
            if with_vocab and without:
                out.append(f"{base}: words/s with / without the vocabulary = {without / with_vocab:.2f}")
        for name, value in self.memory.items():
            out.append(f"{name:36} {value:8.0f} MB")
        for name, value in self.found.items():
            out.append(f"{name:36} {value:8,d}")
        return out


def _timed(run: Callable[[], object]) -> tuple[float, object]:
    """CPU seconds of this process (the machine may be shared; wall-clock time would measure the others too)."""
    start = time.process_time()
    value = run()
    return time.process_time() - start, value


def bench_vocab(corpus: Path | None, concepts: int = 20_000, limit: int = 200, model: str | None = None,
                with_ingest: bool = True, echo: Callable[[str], None] = lambda _m: None) -> VocabBenchReport:
    """Add a generated thesaurus to a fresh store and compare extraction (and a bulk ingest) of the first
    ``limit`` German articles of ``corpus`` (10kGNAD CSV or article folder; default: the bundled sample)
    with and without it."""
    from .related import read_corpus

    articles = [a for a in read_corpus(Path(corpus) if corpus else sample_corpus())
                if a.language == "de" and a.body.strip()][:limit]
    words = sum(a.word_count for a in articles)
    with tempfile.TemporaryDirectory(prefix="tg-vocab-bench-") as tmp:
        work = Path(tmp)
        echo(f"generating a thesaurus of {concepts:,} concepts")
        thesaurus = generate_thesaurus(concepts)
        source = work / "thesaurus.ttl"
        thesaurus.serialize(source, format="turtle")
        labels = sum(1 for p in (SKOS.prefLabel, SKOS.altLabel) for s, _, _ in thesaurus.triples((None, p, None))
                     if s != GEN["scheme"])
        report = VocabBenchReport(concepts, labels, len(thesaurus), len(articles), words)
        del thesaurus
        gc.collect()
        store_dir = work / "store"
        echo("vocab add")
        report.seconds["vocab add (read, normalise, copy)"], _ = _timed(
            lambda: add_vocabulary(store_dir, source, name="generated", by="bench"))
        base_kb = default_kb()
        _store_kb.cache_clear()
        _copy_triples.cache_clear()
        gc.collect()
        rss = _rss_mb()
        report.seconds["knowledge base with vocabulary"], kb = _timed(lambda: store_kb(store_dir))
        report.memory["knowledge base with vocabulary (RSS)"] = _rss_mb() - rss
        store = open_store(store_dir)
        try:
            report.seconds["vocab add (named graph into store)"], _ = _timed(lambda: sync_store(store, store_dir))
        finally:
            store.close()
        echo("extraction without / with the vocabulary")
        for name, knowledge in (("without", base_kb), ("with vocabulary", kb)):
            extractor = Extractor(knowledge, model=model)
            rss = _rss_mb()
            report.seconds[f"pipeline + gazetteer {name}"], _ = _timed(lambda: extractor.pipeline("de"))
            report.memory[f"pipeline + gazetteer {name} (RSS)"] = _rss_mb() - rss
            list(extractor.extract_all(articles[:5]))  # warm-up
            seconds, extractions = _timed(lambda: list(extractor.extract_all(articles)))
            again, _ = _timed(lambda: list(extractor.extract_all(articles)))
            report.seconds[f"extract {name}"] = min(seconds, again)
            report.found[f"mentions {name}"] = sum(len(x.mentions) for x in extractions)
            report.found[f"articles with a topic {name}"] = sum(
                1 for x in extractions if any(t.startswith(str(GEN)) for t in x.topics))
            if with_ingest:
                echo(f"ingest --bulk {name}")
                target = work / f"ingest-{name.replace(' ', '-')}"
                bulk_ingest(articles_as_files(articles[:5], work / "warm-up"), work / f"warm-up-{len(report.seconds)}",
                            extractor=extractor)  # one-time imports and caches
                report.seconds[f"ingest --bulk {name}"], _ = _timed(
                    lambda: bulk_ingest(articles_as_files(articles, work / "files"), target, extractor=extractor))
            del extractor, extractions
            gc.collect()
        report.memory["peak RSS of the process"] = _peak_mb()
    return report


def articles_as_files(articles, folder: Path) -> list[Path]:
    """The articles as JSONL (one file), the way ingest reads an archive."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "articles.jsonl"
    if not path.exists():
        with path.open("w", encoding="utf-8") as handle:
            for a in articles:
                handle.write(json.dumps({"id": a.id, "title": a.title, "body": a.body, "lang": a.language,
                                         "categories": list(a.categories)}, ensure_ascii=False) + "\n")
    return [path]

