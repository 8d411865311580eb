"""Speed of the NER inside ``topicgraph ingest`` next to the bare model (a benchmark, not a test).

``topicgraph bench ner [PATH ...]`` reads the German articles of PATH (article files or folders as
``ingest`` reads them, or a 10kGNAD-style ``label;text`` CSV; default: the bundled sample corpus)
and times, on the same article bodies and the same model:

* ``bare nlp.pipe``: ``spacy.load(model).pipe(bodies)``, one process;
* ``bare nlp.pipe n_process=N``: the same with ``N`` worker processes;
* ``extract``: the project's :class:`~topicgraph.nlp.Extractor` (model + lemmas + sentences +
  gazetteer, then linking, salience, relations and terms), no store;
* ``ingest --no-bulk``: :func:`topicgraph.pipeline.ingest.ingest` into an on-disk Oxigraph store, as
  ``topicgraph ingest`` adds articles to a store that exists (reading the files, extraction, one
  transaction per article, derived statistics, stored related-article suggestions);
* ``ingest --bulk``: :func:`topicgraph.pipeline.ingest.bulk_ingest` building a new store in one pass, as
  ``topicgraph ingest`` loads a store that does not exist yet (same graph; derived statistics
  counted once at the end, Oxigraph's bulk loader);
* ``ingest --bulk n_process=N``: the same with the spaCy pipeline in ``N`` processes.

Words are whitespace-separated words of the bodies. Every rate is articles and words per second
of wall-clock time, after one warm-up document (model loading is not timed).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..demo import sample_corpus
from ..errors import TopicgraphError
from ..knowledge.kb import default_kb
from ..model import Article
from ..nlp import Extractor
from ..nlp.models import NO_MODEL, resolve_model
from ..nlp.pipeline import _load_for_ner, shipped_model_path
from ..pipeline.ingest import bulk_ingest, ingest
from ..sources import write_jsonl
from ..store import open_store
from .related import read_corpus

Echo = Callable[[str], None]


class BenchInputError(TopicgraphError, ValueError):
    """The benchmark's input has no article in the language asked for."""


#: Names of the languages in the report.
LANGUAGE_NAMES = {"de": "German", "en": "English"}


@dataclass
class NerBenchReport:
    """Seconds per measured way of running the model over the same articles."""

    model: str
    n_articles: int
    n_words: int
    skipped: int = 0
    ingested: int = 0
    bulk_ingested: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    language: str = "de"

    def rate(self, name: str) -> tuple[float, float]:
        """(articles per second, words per second) of one row."""
        s = max(self.seconds[name], 1e-9)
        return self.n_articles / s, self.n_words / s

    def ratio(self, name: str, base: str = "bare nlp.pipe") -> float:
        """Throughput of ``name`` relative to ``base`` (1.0 = as fast)."""
        return self.seconds[base] / max(self.seconds[name], 1e-9)

    def lines(self) -> list[str]:
        out = [f"model {self.model}",
               f"articles {self.n_articles} ({LANGUAGE_NAMES.get(self.language, self.language)}; {self.skipped} others "
               f"skipped), words {self.n_words}"
               + (f", ingested {self.ingested}" if "ingest --no-bulk" in self.seconds else ""),
               f"{'':28} {'seconds':>8} {'articles/s':>11} {'words/s':>9} {'vs bare':>8}"]
        for name in self.seconds:
            arts, words = self.rate(name)
            out.append(f"{name:28} {self.seconds[name]:8.2f} {arts:11.1f} {words:9,.0f} {self.ratio(name):8.2f}")
        return out


def load_bench_articles(paths: Iterable[str | Path], language: str = "de") -> tuple[list[Article], int]:
    """Articles in ``language`` of ``paths`` (article files/folders or ``label;text`` CSV files) and how
    many others were skipped."""

    articles: list[Article] = []
    for path in map(Path, paths):
        if not path.exists():
            raise BenchInputError(f"{path}: no such file or directory")
        articles.extend(read_corpus(path))
    chosen = [a for a in articles if a.language == language and a.body.strip()]
    if not chosen:
        raise BenchInputError(f"no {LANGUAGE_NAMES.get(language, language)} article in {', '.join(map(str, paths))}")
    return chosen, len(articles) - len(chosen)


def _timed(run: Callable[[], object], repeat: int = 1) -> float:
    """Best wall-clock seconds of ``repeat`` runs."""
    best = float("inf")
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def bench_ner(paths: Iterable[str | Path] | None = None, model: str | Path | None = None, n_process: int = 2,
              batch_size: int = 16, repeat: int = 1, with_ingest: bool = True,
              echo: Echo | None = None, language: str = "de") -> NerBenchReport:
    """Time bare ``nlp.pipe`` (1 and ``n_process`` processes), the Extractor and ingest on the same articles.

    ``model``: a spaCy pipeline name or path (default: the shipped German model; for ``language="en"``
    the installed English pipeline, timed bare as the extraction loads it, NER only, and whole). Each row but
    the ingest rows is the best of ``repeat`` runs; each ingest row runs once into a fresh store.
    """
    import spacy

    say = echo or (lambda _m: None)

    articles, skipped = load_bench_articles(list(paths) if paths else [sample_corpus()], language)
    if language == "de":
        model_ref = model if model is not None else shipped_model_path()
    else:
        model_ref = resolve_model(model, language, warn=lambda _m: None)
        model_ref = None if model_ref == NO_MODEL else model_ref
    if model_ref is None:
        raise BenchInputError(f"no {LANGUAGE_NAMES.get(language, language)} NER model found; pass --model NAME|PATH")
    texts = [a.body for a in articles]
    report = NerBenchReport(str(model if model is not None else ("shipped" if language == "de" else model_ref)),
                            len(articles), sum(len(t.split()) for t in texts), skipped, language=language)

    if language == "de":
        nlp = spacy.load(model_ref)
    else:  # the extraction's own load: NER only (nlp/pipeline.py); the whole pipeline timed beside it
        nlp = _load_for_ner(model_ref)
    nlp(texts[0])  # warm-up
    say(f"bare nlp.pipe over {len(texts)} articles ...")
    report.seconds["bare nlp.pipe"] = _timed(lambda: [d for d in nlp.pipe(texts, batch_size=batch_size)], repeat)
    if language != "de":
        whole = spacy.load(model_ref)
        whole(texts[0])
        say("bare nlp.pipe, whole pipeline (parser, tagger, lemmatizer too) ...")
        report.seconds["bare nlp.pipe whole pipeline"] = _timed(
            lambda: [d for d in whole.pipe(texts, batch_size=batch_size)], repeat)
    if n_process > 1:
        say(f"bare nlp.pipe, {n_process} processes ...")
        report.seconds[f"bare nlp.pipe n_process={n_process}"] = _timed(
            lambda: [d for d in nlp.pipe(texts, batch_size=batch_size, n_process=n_process)], repeat)

    kb = default_kb()

    def loaded_extractor(processes: int = 1) -> Extractor:
        extractor = Extractor(kb, model=model, n_process=processes)
        extractor.pipeline(language)  # model loading is not timed
        return extractor

    extractor = loaded_extractor()
    extractor.extract(articles[0])  # warm-up document
    say("extract (Extractor) ...")
    report.seconds["extract"] = _timed(lambda: list(extractor.extract_all(articles, batch_size=batch_size)), repeat)

    if with_ingest:
        with tempfile.TemporaryDirectory(prefix="topicgraph-bench-ner-") as tmp:
            source = Path(tmp) / "articles.jsonl"
            write_jsonl(articles, source)
            store = open_store(Path(tmp) / "store")
            try:
                say("ingest --no-bulk ...")
                start = time.perf_counter()
                done = ingest([source], store, extractor=loaded_extractor(), kb=kb, batch_size=batch_size)
                report.seconds["ingest --no-bulk"] = time.perf_counter() - start
                report.ingested = len(done.written)
            finally:
                store.close()
            for processes in sorted({1, n_process}):
                extractor = loaded_extractor(processes)
                name = "ingest --bulk" + (f" n_process={processes}" if processes > 1 else "")
                say(f"{name} ...")
                start = time.perf_counter()
                done = bulk_ingest([source], Path(tmp) / f"bulk-store-{processes}", extractor=extractor, kb=kb,
                                   batch_size=batch_size)
                report.seconds[name] = time.perf_counter() - start
                report.bulk_ingested = len(done.written)
    return report
