"""Run the pipeline over articles: mentions, linked entities and what each article is about."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from spacy.language import Language

from ..knowledge.kb import KnowledgeBase, default_kb
from ..model import Article, Entity, Extraction
from .chunking import chunk_limit, pipe_texts
from .linking import EntityLinker
from .relations import RelationExtractor
from ..sources.language import DEFAULT_LANGUAGE, LANGUAGES
from .models import ModelSpec, parse_model_spec, resolve_model
from .pipeline import build_pipeline
from .topics import salient_topics

#: The name of the gazetteer component in the pipelines.
GAZETTEER = "topicgraph_gazetteer"
#: Articles per pipeline call when the pipeline runs in several processes (each call starts them anew).
PARALLEL_RUN = 256
#: At most this many entities are an article's "about"; the rest it only mentions.
MAX_ABOUT = 3


class Extractor:
    """Holds one pipeline per language (each loaded when its first article comes) and turns Articles
    into Extractions."""

    def __init__(self, kb: KnowledgeBase | None = None, model: ModelSpec = None, n_process: int = 1,
                 warn: Callable[[str], None] | None = None, resolution: bool = True) -> None:
        self.kb = kb or default_kb()
        #: in-article entity resolution in the linker (off only to measure before/after)
        self.resolution = resolution
        #: where a warning goes (a missing English pipeline): the CLI prints it, the default logs it
        self.warn = warn
        #: ``--model``: one name for every language, ``en=NAME,de=NAME``, or ``None`` (each language's default)
        self.model = model
        parse_model_spec(model)  # a malformed spec fails here, before any article is read
        #: Processes that run the spaCy pipeline with the gazetteer (linking stays in this one).
        self.n_process = max(1, n_process)
        self._pipelines: dict[str, tuple[Language, EntityLinker]] = {}
        self._remembered: list[Entity] = []
        self._relations: dict[str, RelationExtractor] = {}

    def remember(self, entities: Iterable[Entity]) -> None:
        """Entities minted earlier (e.g. stored by a previous ingest): a new mention of the same
        or a near-duplicate name gets their IRI."""
        self._remembered.extend(entities)
        for _, linker in self._pipelines.values():
            for entity in self._remembered:
                linker.remember(entity)

    def pipeline(self, language: str) -> tuple[Language, EntityLinker]:
        """The pipeline and linker for a language (German uses the NER model by default)."""
        language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        if language not in self._pipelines:
            nlp = build_pipeline(language, model=resolve_model(self.model, language, warn=self.warn))
            component = nlp.get_pipe(GAZETTEER)
            component.use_kb(self.kb)
            linker = EntityLinker(self.kb, component.gazetteer, language)
            linker.resolution = self.resolution
            for _, other in self._pipelines.values():  # new entities are shared across languages: one node
                linker.new_by_type, linker.new_entities = other.new_by_type, other.new_entities
                break
            for entity in self._remembered:
                linker.remember(entity)
            self._pipelines[language] = (nlp, linker)
        return self._pipelines[language]

    def extract(self, article: Article) -> Extraction:
        """Extraction of one article."""
        return next(self.extract_all([article]))

    def articles_per_call(self, batch_size: int) -> int:
        """How many articles go through one ``nlp.pipe`` call (more when it starts worker processes)."""
        return batch_size if self.n_process <= 1 else max(batch_size, PARALLEL_RUN)

    def extract_all(self, articles: Iterable[Article], batch_size: int = 16) -> Iterator[Extraction]:
        """Extractions in input order, batched through ``nlp.pipe`` per language run (with several
        processes, :meth:`articles_per_call` articles per call)."""
        run = self.articles_per_call(batch_size)
        batch: list[Article] = []
        for article in articles:
            if batch and batch[-1].language != article.language:
                yield from self._run(batch, batch_size)
                batch = []
            batch.append(article)
            if len(batch) >= run:
                yield from self._run(batch, batch_size)
                batch = []
        if batch:
            yield from self._run(batch, batch_size)

    def _run(self, batch: list[Article], batch_size: int) -> Iterator[Extraction]:
        nlp, linker = self.pipeline(batch[0].language)
        gazetteer = linker.gazetteer
        relation_extractor = self._relations.setdefault(nlp.lang, RelationExtractor(nlp.vocab))
        for article, doc in zip(batch, self._docs(nlp, [a.body for a in batch], batch_size)):
            mentions, entities, candidates = linker.link_with_candidates(doc)
            headline = " ".join((article.title, *article.headings))
            in_title = {m.iri for m in gazetteer.match_text(article.title, nlp.tokenizer)}
            in_heads = {m.iri for m in gazetteer.match_text(headline, nlp.tokenizer)}
            salience = score_salience(article, mentions, in_title, in_heads)
            about = tuple(sorted((iri for iri in salience if salience[iri] >= 0.5 * max(salience.values())),
                                 key=lambda iri: -salience[iri])[:MAX_ABOUT]) if salience else ()
            known = {iri: e for iri in in_title if (e := self.kb.get(iri)) is not None}
            topics = salient_topics(article, mentions, {**known, **entities}, in_title, in_heads)
            relations = relation_extractor.extract(doc, mentions)
            terms = content_lemmas(lemmatized(nlp, article.title)) + content_lemmas(doc) if article.title else content_lemmas(doc)
            yield Extraction(article, mentions, entities, salience, about, relations=relations, terms=" ".join(terms),
                             candidates=candidates, topics=topics)

    def _docs(self, nlp: Language, texts: list[str], batch_size: int) -> Iterator:
        if any(len(text) > chunk_limit(nlp) for text in texts):  # long texts in chunks, offsets kept
            return pipe_texts(nlp, texts, batch_size, late=(GAZETTEER,))
        if self.n_process <= 1 or len(texts) <= batch_size:
            return nlp.pipe(texts, batch_size=batch_size)
        return nlp.pipe(texts, batch_size=batch_size, n_process=self.n_process)


def lemmatized(nlp: Language, text: str):
    """``text`` tokenised and lemmatised only (no NER): enough for its terms."""
    doc = nlp.make_doc(text)
    return nlp.get_pipe("lemmatizer")(doc) if nlp.has_pipe("lemmatizer") else doc


def content_lemmas(doc) -> list[str]:
    """Lower-cased lemmas of a doc's alphabetic, non-stop-word tokens (two letters or more)."""
    return [(t.lemma_ or t.text).lower() for t in doc if t.is_alpha and not t.is_stop and len(t.text) > 1]


def score_salience(article: Article, mentions, in_title: set[str], in_headings: set[str]) -> dict[str, float]:
    """Salience 0..1 per entity: frequency (log), title, lead (first 400 characters), headings."""
    counts = Counter(m.entity_iri for m in mentions)
    lead_end = min(len(article.body), 400)
    in_lead = {m.entity_iri for m in mentions if m.start < lead_end}
    raw: dict[str, float] = {}
    for iri, count in counts.items():
        raw[iri] = (math.log1p(count) + 2.0 * (iri in in_title) + 1.0 * (iri in in_lead)
                    + 0.5 * (iri in in_headings))
    top = max(raw.values(), default=1.0)
    return {iri: round(score / top, 4) for iri, score in raw.items()}


def extract_article(article: Article, extractor: Extractor | None = None) -> Extraction:
    """One article's extraction with a default extractor."""
    return (extractor or Extractor()).extract(article)
