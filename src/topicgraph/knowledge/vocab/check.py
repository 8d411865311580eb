"""Quality checks of a vocabulary (``topicgraph vocab check NAME``): reported, never silently dropped."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from ...namespaces import TG
from .registry import find_record, read_manifest, vocabulary_graph

#: A one-word label among this many most frequent German or English words would tag almost every article.
COMMON_WORDS = 2000
_ENTRY_CLASSES = (TG.Organization, TG.Person, TG.Place, TG.Technology, TG.Topic)
_LABELS = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)


@dataclass(frozen=True)
class Finding:
    """One problem of a vocabulary: its kind and one line naming the concept(s)."""

    kind: str  # no-preflabel | duplicate-preflabel | broader-cycle | collision | common-word
    message: str

    @property
    def is_warning(self) -> bool:
        """Collisions and common words may be intended (a sports vocabulary has "football"); the rest are errors."""
        return self.kind in {"collision", "common-word"}

    def __str__(self) -> str:
        return f"{'warning' if self.is_warning else 'error'}: {self.kind}: {self.message}"


@lru_cache(maxsize=1)
def common_words(top: int = COMMON_WORDS) -> frozenset[str]:
    """The ``top`` most frequent German and English words (spaCy's lexeme probabilities) and the stop words."""
    from spacy.lang.de.stop_words import STOP_WORDS as DE
    from spacy.lang.en.stop_words import STOP_WORDS as EN

    words = {w.casefold() for w in DE | EN}
    try:
        import spacy_lookups_data
    except ImportError:  # only the stop words
        return frozenset(words)
    folder = Path(spacy_lookups_data.__file__).parent / "data"
    for language in ("de", "en"):
        path = folder / f"{language}_lexeme_prob.json.gz"
        if path.exists():
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                probs = json.load(handle)
            ranked = sorted(probs.items(), key=lambda item: -item[1])
            words.update(w.casefold() for w, _ in ranked[:top] if any(c.isalpha() for c in w))
    return frozenset(words)


def _entries(graph: Graph) -> set[URIRef]:
    return {s for c in _ENTRY_CLASSES for s in graph.subjects(RDF.type, c) if isinstance(s, URIRef)}


def _name(graph: Graph, iri: URIRef) -> str:
    labels = sorted(str(o) for o in graph.objects(iri, SKOS.prefLabel))
    return f"{labels[0]!r} <{iri}>" if labels else f"<{iri}>"


def check_graph(graph: Graph, others: dict[str, Graph] | None = None) -> list[Finding]:
    """Findings of one vocabulary's triples; ``others``: the other vocabularies of the store, by name."""
    findings: list[Finding] = []
    entries = _entries(graph)
    for iri in sorted(entries):
        if (iri, SKOS.prefLabel, None) not in graph:
            findings.append(Finding("no-preflabel", f"<{iri}> has no skos:prefLabel in any language"))
    by_label: dict[tuple[str, str], set[URIRef]] = defaultdict(set)
    for iri in entries:
        for label in graph.objects(iri, SKOS.prefLabel):
            if isinstance(label, Literal):
                by_label[(str(label).casefold(), label.language or "")].add(iri)
    for (text, language), iris in sorted(by_label.items()):
        if len(iris) > 1:
            findings.append(Finding("duplicate-preflabel", f"prefLabel {text!r}@{language or '-'} is shared by "
                                    + ", ".join(f"<{i}>" for i in sorted(iris))))
    broader = nx.DiGraph((s, o) for s, o in graph.subject_objects(SKOS.broader))
    for component in nx.strongly_connected_components(broader):
        if len(component) > 1 or any(broader.has_edge(n, n) for n in component):
            members = sorted(component)
            findings.append(Finding("broader-cycle", "skos:broader cycle through "
                                    + " -> ".join(_name(graph, m) for m in members)))
    labels: dict[str, set[URIRef]] = defaultdict(set)
    for iri in entries:
        for predicate in _LABELS:
            for label in graph.objects(iri, predicate):
                labels[str(label).casefold()].add(iri)
    for other_name, other in sorted((others or {}).items()):
        other_labels: dict[str, set[URIRef]] = defaultdict(set)
        for iri in _entries(other):
            for predicate in _LABELS:
                for label in other.objects(iri, predicate):
                    other_labels[str(label).casefold()].add(iri)
        for text in sorted(labels.keys() & other_labels.keys()):
            theirs = other_labels[text] - labels[text]
            if theirs:
                findings.append(Finding("collision", f"label {text!r} of {', '.join(_name(graph, i) for i in sorted(labels[text]))} "
                                        f"is also a label of {', '.join(f'<{i}>' for i in sorted(theirs))} in vocabulary {other_name!r}"))
    common = common_words()
    for text in sorted(labels):
        if " " not in text and text in common:
            findings.append(Finding("common-word", f"label {text!r} of {', '.join(_name(graph, i) for i in sorted(labels[text]))} "
                                    "is a frequent common word: it would tag many articles"))
    return findings


def check_vocabulary(store_dir: Path | None, name: str) -> list[Finding]:
    """Findings of one of the store's vocabularies, compared with its other enabled vocabularies."""
    record = find_record(store_dir, name)
    graph = vocabulary_graph(store_dir, record)
    others = {r.name: vocabulary_graph(store_dir, r) for r in read_manifest(store_dir)
              if r.enabled and r.name != name}
    return check_graph(graph, others)
