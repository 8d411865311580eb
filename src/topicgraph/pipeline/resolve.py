"""Archive-wide resolution: plan which stored nodes are one thing, then rewrite the affected articles.

Rules, applied in this order on the non-knowledge-base nodes of the store (blocking: each rule only
compares nodes that share a key, a first word or a last word, never all pairs):

* ``same-key`` / ``type-vote``: names with one :func:`~.keys.resolution_key` (legal forms, punctuation,
  possessives, inflection folded) are one node; its type is the majority of its mentions' types
  (``type-vote`` when the merged nodes had different types: the type-suffixed IRIs of one name).
* ``genitive``: "Acmes" is "Acme" when a node "Acme" exists.
* ``acronym``: a name that some article defined as the acronym (or, not in capitals, as a short form: "Coast
  Guard" of "U.S. Coast Guard") of a node (its ``skos:altLabel``, from
  "Long Form (LF)") is that node, when exactly one node has it.
* ``short-name``: a lone surname (persons) or first word(s) of an organisation's name is the one node
  whose name it abbreviates; nothing happens when two nodes compete.
* ``truncated``: a person's name of two or more words that is the beginning of exactly one longer
  person's name ("Recep Tayyip", where the NER cut the surname off) is that person.

Knowledge-base entities (with the curation applied: merged, renamed, pinned) are never merged away and
keep their type; an editor's ``curate split`` keeps two nodes apart; rejected entities are left alone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import unquote

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD

from ..graph import article_graph
from ..knowledge.kb import KnowledgeBase
from ..model import Entity, EntityType, Extraction
from ..namespaces import (
    GRAPH,
    RESOLUTION_GRAPH,
    TG,
    article_graph_iri,
    article_id_from_iri,
    candidate_iri,
    mention_iri,
    resolution_merge_iri,
)
from ..nlp.places import english_place_name
from ..nlp.resolve.keys import genitive_key, is_acronym, resolution_key
from ..store.derived import rewrite_update

RULES = ("same-key", "type-vote", "genitive", "acronym", "short-name", "truncated")
_TYPES = {EntityType.ORGANIZATION, EntityType.PERSON, EntityType.PLACE}
_TYPE_OF_LABEL = {"ORG": EntityType.ORGANIZATION, "PER": EntityType.PERSON, "LOC": EntityType.PLACE}
_TYPE_BY_CLASS = {str(TG[t.value]): t for t in _TYPES}
_DESCRIPTION = frozenset({RDF.type, SKOS.prefLabel, RDFS.label, SKOS.altLabel, OWL.sameAs, TG.discoveredBy})


@dataclass
class Node:
    """One entity as the store holds it: names, mention types, alternative names, articles."""

    iri: str
    labels: Counter = field(default_factory=Counter)
    types: Counter = field(default_factory=Counter)
    alts: set[str] = field(default_factory=set)
    in_kb: bool = False

    @property
    def label(self) -> str:
        """The most frequent name, a form without a genitive ``s`` before its genitive ("Merkel", not "Merkels")."""
        if not self.labels:
            return self.iri.rsplit("/", 1)[-1]
        names = [name for name, _ in self.labels.most_common()]
        for name in names:
            if name.endswith("s") and name[:-1] in self.labels:
                continue
            return name
        return names[0]

    @property
    def type(self) -> EntityType:
        return self.types.most_common(1)[0][0] if self.types else EntityType.ORGANIZATION


def _weight(node: Node) -> int:
    """How often the store has the node: its mentions' type counts added up."""
    return sum(node.types.values())


@dataclass(frozen=True)
class Merge:
    """One node merged into another, by a rule on evidence."""

    merged: str
    into: str
    rule: str
    evidence: str
    label: str
    type: EntityType


@dataclass
class Plan:
    """What the archive-wide pass merges: the merges, and the kept nodes' voted type and label."""

    merges: list[Merge] = field(default_factory=list)
    survivors: dict[str, Entity] = field(default_factory=dict)
    #: name candidates that become mentions: candidate node IRI -> (graph, entity IRI, rule, evidence)
    promotions: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)

    def redirects(self) -> dict[str, str]:
        return {m.merged: m.into for m in self.merges}


class Candidate(NamedTuple):
    """A name candidate stored in an article graph (tg:NameCandidate)."""

    graph: str
    iri: str
    label: str
    ner: str


@dataclass
class NodeRows:
    """What the plan reads of article graphs, as rows: (entity, type class, label, articles), (entity,
    alternative name), name candidates. From the store's derived statistics, or from extractions."""

    described: list[tuple] = field(default_factory=list)
    alts: list[tuple] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)

    @classmethod
    def of_extractions(cls, extractions: Iterable[Extraction]) -> "NodeRows":
        """The rows of the article graphs these extractions will have."""
        rows = cls()
        for extraction in extractions:
            article_id = extraction.article.id
            for entity in _discovered(extraction):
                rows.described.append((entity.iri, TG[entity.type.value], entity.label, 1))
                rows.alts += [(entity.iri, alt) for alt in entity.alt_labels]
            graph = str(article_graph_iri(article_id))
            rows.candidates += [Candidate(graph, str(candidate_iri(article_id, c.start, c.end)), c.text, c.label)
                                for c in extraction.candidates]
        return rows

    def extend(self, other: "NodeRows") -> None:
        self.described += other.described
        self.alts += other.alts
        self.candidates += other.candidates


def read_nodes(store, kb: KnowledgeBase, pending: NodeRows | None = None) -> dict[str, Node]:
    """The non-knowledge-base nodes of the store and the knowledge base's: per node its name and type,
    counted in articles (read from the derived statistics, one row per entity, so that 100k articles stay
    cheap; from the article graphs when there are none). ``pending``: rows of article graphs not written
    yet, counted in as if they were stored; ``store`` None: only those."""
    nodes: dict[str, Node] = {}
    rows, alts = [], []
    if store is not None:
        # the derived statistics hold each entity once, with its type, display label and article count
        rows = store.query(
            "SELECT ?e ?t ?l ?n WHERE { VALUES ?t { tg:Organization tg:Person tg:Place } "
            "GRAPH tgg:derived { ?e a ?t . ?e skos:prefLabel ?l . ?e tg:articleCount ?n } }").rows
        if not rows:  # no derived statistics (yet): count in the article graphs
            rows = store.query(
                "SELECT ?e ?t ?l (COUNT(?g) AS ?n) WHERE { GRAPH ?g { ?e skos:prefLabel ?l . ?e a ?t } "
                "FILTER(?t IN (tg:Organization, tg:Person, tg:Place) && ?g != tgg:kb) } GROUP BY ?e ?t ?l").rows
        alts = store.query(
            "SELECT DISTINCT ?e ?alt WHERE { GRAPH ?g { ?e skos:altLabel ?alt . ?e tg:discoveredBy ?d } }").rows
    if pending is not None:
        rows, alts = [*rows, *pending.described], [*alts, *pending.alts]
    for e, t, label, n in rows:
        node = nodes.setdefault(str(e), Node(str(e)))
        node.labels[str(label)] += int(n)
        node.types[_TYPE_BY_CLASS[str(t)]] += int(n)
    for e, alt in alts:
        if str(e) in nodes:
            nodes[str(e)].alts.add(str(alt))
    for iri in list(nodes):
        if kb.get(iri) is not None or kb.resolve(iri) != iri:
            del nodes[iri]  # known (or curated) entities are the knowledge base's business
    for entity in kb.entities.values():
        if entity.type in _TYPES and kb.resolve(entity.iri) == entity.iri:
            node = Node(entity.iri, Counter({entity.label: 1}), Counter({entity.type: 1}), set(entity.alt_labels),
                        in_kb=True)
            nodes[entity.iri] = node
    return nodes


class _Components:
    """Union-find over node IRIs; a knowledge-base node is always its component's representative."""

    def __init__(self, nodes: dict[str, Node], apart: set[frozenset[str]]) -> None:
        self.parent: dict[str, str] = {}
        self.members: dict[str, set[str]] = {}
        self.nodes = nodes
        self.apart = apart

    def find(self, iri: str) -> str:
        root = iri
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(iri, iri) != root:
            self.parent[iri], iri = root, self.parent[iri]
        return root

    def union(self, merged: str, into: str) -> bool:
        a, b = self.find(merged), self.find(into)
        if a == b:
            return False
        if self.nodes[a].in_kb and self.nodes[b].in_kb:
            return False
        group_a, group_b = self.members.get(a, {a}), self.members.get(b, {b})
        if self.apart and any(frozenset((x, y)) in self.apart for x in group_a for y in group_b):
            return False
        if self.nodes[a].in_kb:
            a, b = b, a
            group_a, group_b = group_b, group_a
        self.parent[a] = b
        self.members[b] = group_a | group_b
        self.members.pop(a, None)
        return True


def read_candidates(store, pending: NodeRows | None = None) -> list[Candidate]:
    """The name candidates of the stored article graphs (None: no store) and the ``pending`` ones (whose
    graphs replace the stored ones of the same articles)."""
    found = list(pending.candidates) if pending is not None else []
    if store is None:
        return found
    replaced = {c.graph for c in found}
    rows = store.query("SELECT ?g ?c ?l ?n WHERE { GRAPH ?g { ?c a tg:NameCandidate ; rdfs:label ?l ; "
                       "tg:nerLabel ?n } }").rows
    return [Candidate(str(g), str(c), str(label), str(n)) for g, c, label, n in rows if str(g) not in replaced] + found


def _discovered(extraction: Extraction) -> Iterator[Entity]:
    """The entities an extraction's article graph describes: mentioned, not in the knowledge base, of an NER type."""
    for iri in sorted({m.entity_iri for m in extraction.mentions}):
        entity = extraction.entities.get(iri)
        if entity is not None and not entity.in_kb and entity.type in _TYPES:
            yield entity


def plan(nodes: dict[str, Node], apart: Iterable[tuple[str, str]] = (), language: str = "de",
         scope: set[str] | None = None, candidates: Iterable[Candidate] = ()) -> Plan:
    """The merges the rules find among ``nodes``; ``apart``: pairs an editor split (never merged);
    ``scope``: only merges that touch these IRIs (ingest: the entities of the articles just written)."""
    comps = _Components(nodes, {frozenset(p) for p in apart})
    edges: list[tuple[str, str, str, str]] = []  # merged, into, rule, evidence

    def link(merged: str, into: str, rule: str, evidence: str) -> None:
        if comps.union(merged, into):
            edges.append((merged, into, rule, evidence))

    # same key (blocking on the key itself); the node with most mentions (or the KB's) is kept
    by_key: dict[str, list[Node]] = defaultdict(list)
    for node in nodes.values():
        keys = {resolution_key(node.label, language)} | (
            {resolution_key(label, language) for label in node.labels} if not node.in_kb else set())
        if node.in_kb:
            keys |= {resolution_key(alt, language) for alt in node.alts if len(alt) > 3}
        for key in keys:
            if key:
                by_key[key].append(node)
    for key, group in by_key.items():
        if len(group) < 2:
            continue
        group = sorted(group, key=lambda n: (not n.in_kb, -sum(n.types.values()), len(n.iri), n.iri))
        keep = group[0]
        for other in group[1:]:
            if other.in_kb:
                continue
            rule = "type-vote" if other.type != keep.type else "same-key"
            link(other.iri, keep.iri, rule, f"{other.label!r} and {keep.label!r} have one key {key!r}")
    keys = {resolution_key(n.label, language): n for n in nodes.values()}
    # genitive: "Acmes" -> "Acme"
    for node in nodes.values():
        base = genitive_key(node.label, language) if not node.in_kb else None
        if base and base != resolution_key(node.label, language) and base in keys:
            target = keys[base]
            link(node.iri, target.iri, "genitive", f"{node.label!r} is the genitive of {target.label!r}")
    # acronym: a name defined as the acronym of exactly one node elsewhere
    by_alt: dict[str, set[str]] = defaultdict(set)
    for node in nodes.values():
        for alt in node.alts:
            by_alt[alt].add(comps.find(node.iri))
    for node in nodes.values():
        owners = {o for o in by_alt.get(node.label, ()) if o != comps.find(node.iri)}
        if not node.in_kb and len(owners) == 1:
            target = nodes[owners.pop()]
            if is_acronym(node.label):
                link(node.iri, target.iri, "acronym", f"{node.label!r} is defined as the acronym of {target.label!r}")
            else:  # a short form an article gave the name ("Coast Guard" of "U.S. Coast Guard")
                link(node.iri, target.iri, "short-name",
                     f"{node.label!r} is a short form of {target.label!r} and of no other node")
    # short names: a lone surname / first word(s) of exactly one longer name (blocking on that word)
    by_last: dict[str, set[str]] = defaultdict(set)
    by_first: dict[str, set[str]] = defaultdict(set)
    for node in nodes.values():
        for label in {node.label, *(node.alts if node.in_kb else ())}:
            words = label.split()
            if len(words) < 2:
                continue
            if node.type == EntityType.PERSON:
                by_last[words[-1]].add(node.iri)
                base = words[-1][:-1] if words[-1].endswith("s") and len(words[-1]) > 4 else None
                if base:  # "Angela Merkels" (a genitive kept as the name) also answers to "Merkel"
                    by_last[base].add(node.iri)
            else:
                by_first[words[0]].add(node.iri)
    for node in nodes.values():
        words = node.label.split()
        if node.in_kb or len(words) != 1 or (node.type != EntityType.PERSON and is_acronym(words[0])):
            continue  # an acronym is a name of its own ("ORF", not "ORF Mediaservice GmbH")
        index = by_last if node.type == EntityType.PERSON else by_first
        owners = {comps.find(i) for i in _lookup(index, words[0])} - {comps.find(node.iri)}
        if node.type != EntityType.PERSON:
            owners = {o for o in owners if nodes[o].type == node.type}
            if not owners:
                # "Sobotka" tagged as a place, "Putins" as an organisation: one person's surname, or its genitive
                name, part = words[0], "surname"
                owners = {comps.find(i) for i in by_last.get(name, ())} - {comps.find(node.iri)}
                if not owners and name.endswith("s") and len(name) > 4:
                    owners = {comps.find(i) for i in by_last.get(name[:-1], ())} - {comps.find(node.iri)}
                    part = "genitive of the surname"
                elif english_place_name(name) is not None:
                    owners = set()  # "Washington", "Horn": a place's name, not "Denzel Washington"'s
                if len(owners) == 1 and _weight(node) <= _weight(nodes[next(iter(owners))]):
                    target = nodes[owners.pop()]
                    link(node.iri, target.iri, "short-name",
                         f"{node.label!r} is the {part} of {target.label!r} and of no other node")
                continue
        if len(owners) == 1:
            target = nodes[owners.pop()]
            if node.type != EntityType.PERSON and _weight(node) > _weight(target):
                # a lone name seen more often than the longer one is a thing of its own ("Österreich",
                # "Paris", "ÖVP"), not its abbreviation ("Österreich Asyl", "Paris St. Germain", "ÖVP Wien")
                continue
            part = "surname" if node.type == EntityType.PERSON else "short name"
            link(node.iri, target.iri, "short-name",
                 f"{node.label!r} is the {part} of {target.label!r} and of no other node")
    # truncated person names: "Recep Tayyip" is the first words of exactly one longer person's name
    # (blocked on the whole beginning: each longer name is filed under each of its beginnings of two or more
    # words, so a name looks up only the names it begins; blocking on the first word alone compared 24.7 M pairs
    # in the 100k synthetic archive, where few first names repeat)
    persons_by_beginning: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for node in nodes.values():
        words = node.label.split()
        if node.type == EntityType.PERSON and len(words) > 2:
            for end in range(2, len(words)):
                persons_by_beginning[tuple(words[:end])].add(node.iri)
    for node in nodes.values():
        words = node.label.split()
        if node.in_kb or node.type != EntityType.PERSON or len(words) < 2:
            continue
        owners = {comps.find(i) for i in persons_by_beginning.get(tuple(words), ())}
        owners -= {comps.find(node.iri)}
        if len(owners) == 1:
            target = nodes[owners.pop()]
            link(node.iri, target.iri, "truncated",
                 f"{node.label!r} is the beginning of {target.label!r} and of no other person's name")
    result = _to_plan(nodes, comps, edges, scope)
    # name candidates ("Ramirez" once in an article): the node of the same key, else the one it abbreviates
    for c in candidates:
        etype = _TYPE_OF_LABEL.get(c.ner)
        target = keys.get(resolution_key(c.label, language))
        rule, evidence = "same-key", f"candidate {c.label!r} has the key of {target.label!r}" if target else ""
        if target is None and etype is not None and len(c.label.split()) == 1:
            index = by_last if etype == EntityType.PERSON else by_first
            owners = {comps.find(i) for i in _lookup(index, c.label)}
            if etype != EntityType.PERSON:
                owners = {o for o in owners if nodes[o].type == etype}
            if len(owners) == 1:
                target = nodes[owners.pop()]
                rule, evidence = "short-name", f"candidate {c.label!r} abbreviates {target.label!r} and no other node"
        if target is None:
            continue
        root = comps.find(target.iri)
        if scope is not None and not (comps.members.get(root, {root}) & scope) and c.graph not in scope:
            continue
        result.promotions[c.iri] = (c.graph, root, rule, evidence)
        if root not in result.survivors:
            keep = nodes[root]
            result.survivors[root] = Entity(root, keep.type, keep.label, in_kb=keep.in_kb)
    return result


def _lookup(index: dict[str, set[str]], word: str) -> set[str]:
    """The index entries of a word, else of its genitive base ("Putins" -> "Putin")."""
    found = index.get(word)
    if not found and word.endswith("s") and len(word) > 4:
        found = index.get(word[:-1])
    return set(found or ())


def _to_plan(nodes: dict[str, Node], comps: _Components, edges, scope: set[str] | None) -> Plan:
    result = Plan()
    for merged, _into, rule, evidence in edges:
        root = comps.find(merged)
        group = comps.members.get(root, {root})
        if scope is not None and not (group & scope):
            continue
        node = nodes[merged]
        result.merges.append(Merge(merged, root, rule, evidence, node.label, node.type))
        if root not in result.survivors:
            keep = nodes[root]
            votes: Counter = Counter()
            for iri in group:
                votes.update(nodes[iri].types)
            if keep.in_kb or not votes:
                etype = keep.type
            else:  # the majority; on a tie a place when the name is a known place's ("Jemen"), else the kept
                # node's own type ("Benn Ferriero" stays a person), else by name
                top = max(votes.values())
                tied = sorted((t for t, n in votes.items() if n == top), key=lambda t: t.value)
                if EntityType.PLACE in tied and len(tied) > 1 and english_place_name(keep.label) is not None:
                    etype = EntityType.PLACE
                else:
                    etype = keep.type if keep.type in tied else tied[0]
            result.survivors[root] = Entity(root, etype, keep.label, in_kb=keep.in_kb)
    return result


def promoted_triples(triples: list[tuple], promotions: dict[str, tuple[str, str, str, str]]) -> list[tuple]:
    """The graph with each promoted name candidate turned into a mention of its entity (method ``rule``)."""
    promote = {URIRef(c): URIRef(p[1]) for c, p in promotions.items()}
    if not promote or not any(s in promote for s, _p, _o in triples):
        return triples
    facts: dict[URIRef, dict] = defaultdict(dict)
    out = []
    article = None
    for s, p, o in triples:
        if p == TG.hasCandidate and o in promote:
            article = s
            continue
        if s in promote:
            facts[s][p] = o
            continue
        out.append((s, p, o))
    mentioned = {s for s, p, _o in out if p == TG.refersTo}
    for cand, f in facts.items():
        start, end = int(f[TG.startOffset]), int(f[TG.endOffset])
        target = promote[cand]
        node = mention_iri(article_id_from_iri(str(article)), start, end)
        if node in mentioned:  # the span is a mention already (of the node or one merged into it)
            continue
        out += [(article, TG.hasMention, node), (article, TG.mentions, target), (node, RDF.type, TG.Mention),
                (node, TG.inArticle, article), (node, TG.refersTo, target), (node, TG.surfaceForm, f[RDFS.label]),
                (node, TG.startOffset, f[TG.startOffset]), (node, TG.endOffset, f[TG.endOffset]),
                (node, TG.nerLabel, f[TG.nerLabel]), (node, TG.confidence, Literal("0.7000", datatype=XSD.decimal)),
                (node, TG.method, Literal("rule")), (node, TG.sentenceIndex, f[TG.sentenceIndex])]
    return out


def rewritten_graph(triples: Iterable[tuple], redirects: dict[str, str], survivors: dict[str, Entity],
                    labels: dict[str, str], promotions: dict | None = None) -> list[tuple]:
    """An article graph with merged nodes replaced by the kept ones (their old names become
    ``skos:altLabel``), promoted candidates made mentions, and the kept nodes described with their
    voted type and label."""
    triples = promoted_triples(list(triples), promotions or {})
    replaced = {URIRef(k): URIRef(v) for k, v in redirects.items()}
    kept = {URIRef(k): v for k, v in survivors.items()}
    out: dict[tuple, None] = {}
    present: set[URIRef] = set()
    for s, p, o in triples:
        if s in replaced:
            if p in (SKOS.prefLabel, SKOS.altLabel) and not kept[replaced[s]].in_kb:
                out[(replaced[s], SKOS.altLabel, o)] = None
            if p in _DESCRIPTION:
                continue
            s = replaced[s]
        o = replaced.get(o, o) if isinstance(o, URIRef) else o
        if s in kept and p in (RDF.type, SKOS.prefLabel, RDFS.label):
            continue  # written below
        out[(s, p, o)] = None
        if p == TG.refersTo and o in kept:
            present.add(o)
    refers = {s: o for s, p, o in out if p == TG.refersTo}
    result = []
    for s, p, o in out:
        if p == TG.nerLabel and refers.get(s) in kept:
            o = Literal(kept[refers[s]].type.ner_label)
        result.append((s, p, o))
    for iri in present:
        entity = kept[iri]
        if entity.in_kb:
            continue
        label = Literal(labels.get(str(iri), entity.label))
        result += [(iri, RDF.type, TG[entity.type.value]), (iri, SKOS.prefLabel, label), (iri, RDFS.label, label)]
        if (iri, TG.discoveredBy, Literal("model")) not in out:
            result.append((iri, TG.discoveredBy, Literal("model")))
    return list(dict.fromkeys(result))


def provenance_triples(merge: Merge, moved: Iterable[str], when: str) -> list[tuple]:
    """The record of one merge (rule, evidence, moved mentions) and the merged IRI's owl:sameAs."""
    node = resolution_merge_iri(merge.merged, merge.into)
    out = [(node, RDF.type, TG.ResolutionMerge), (node, RDF.type, PROV.Activity),
           (node, PROV.used, URIRef(merge.merged)), (node, TG.mergedInto, URIRef(merge.into)),
           (node, TG.resolutionRule, Literal(merge.rule)), (node, TG.evidence, Literal(merge.evidence)),
           (node, TG.mergedLabel, Literal(merge.label)), (node, TG.mergedType, TG[merge.type.value]),
           (node, PROV.endedAtTime, Literal(when, datatype=XSD.dateTime)),
           (URIRef(merge.merged), OWL.sameAs, URIRef(merge.into))]
    out += [(node, TG.movedMention, URIRef(m)) for m in moved]
    return out


@dataclass
class ResolveReport:
    """What a resolution pass did (or would do, with ``dry_run``)."""

    merges: list[Merge] = field(default_factory=list)
    rewritten: list[str] = field(default_factory=list)
    nodes: int = 0
    promoted: int = 0

    def lines(self) -> list[str]:
        out = [f"{m.rule:10} {m.merged} -> {m.into}  ({m.evidence})" for m in self.merges]
        out.append(f"resolution: {self.nodes} nodes, {len(self.merges)} merge(s), {self.promoted} name candidate(s) "
                   f"made mentions, "
                   f"{len(self.rewritten)} article(s) rewritten")
        return out


def split_pairs(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """Pairs an editor split with ``topicgraph curate split`` (never merged again), from the curation record."""
    if kb.provenance is None:
        return []
    pairs = []
    for change in kb.provenance.subjects(TG.curationAction, Literal("split")):
        used = sorted(str(o) for o in kb.provenance.objects(change, PROV.used))
        if len(used) == 2:
            pairs.append((used[0], used[1]))
    return pairs


class ResolvedGraph(NamedTuple):
    """An article graph with a resolution plan applied: ``entities`` those it refers to (None: unchanged by
    the plan), ``moved`` the mentions of merged nodes, by merged node."""

    graph: URIRef
    triples: list[tuple]
    entities: list[Entity] | None = None
    moved: dict[str, list[str]] = {}


@dataclass
class ArchivePlan:
    """The archive-wide pass planned over the store and the graphs about to be written."""

    plan: Plan
    kb: KnowledgeBase
    #: how many nodes the plan looked at
    node_count: int
    #: kept nodes whose type the vote changed (their stored articles are rewritten too)
    retyped: list[str]
    #: the merged nodes; the graphs with a name candidate that becomes a mention
    redirected: frozenset[str] = field(init=False)
    promoted_graphs: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.redirected = frozenset(self.plan.redirects())
        self.promoted_graphs = frozenset(graph for graph, *_ in self.plan.promotions.values())

    @property
    def empty(self) -> bool:
        return not (self.plan.merges or self.plan.promotions)

    def rewrite(self, triples: list[tuple]) -> list[tuple]:
        """An article graph with the plan applied (the same triples when it touches none of them)."""
        return rewritten_graph(triples, self.plan.redirects(), self.plan.survivors, {}, self.plan.promotions)

    def touches(self, extraction: Extraction) -> bool:
        """Whether the plan changes the article graph of ``extraction``: it mentions a merged node, or a kept
        node whose voted type or name differs from the extraction's, or has a name candidate that becomes
        a mention."""
        if str(article_graph_iri(extraction.article.id)) in self.promoted_graphs:
            return True
        for m in extraction.mentions:
            if m.entity_iri in self.redirected:
                return True
            kept = self.plan.survivors.get(m.entity_iri)
            if kept is not None and not kept.in_kb:
                mine = extraction.entities.get(m.entity_iri)
                if mine is None or (mine.type, mine.label) != (kept.type, kept.label) or m.label != kept.type.ner_label:
                    return True
        return False

    def resolved(self, extraction: Extraction) -> "ResolvedGraph":
        """The article graph of ``extraction`` with the plan applied; ``entities`` None when the plan leaves
        it as it is (the extraction then describes its own entities)."""
        graph, triples = article_graph(extraction)
        if not self.touches(extraction):
            return ResolvedGraph(graph, triples)
        rewritten = self.rewrite(triples)
        if set(rewritten) == set(triples):
            return ResolvedGraph(graph, triples)
        return ResolvedGraph(graph, rewritten, self._referred(extraction, rewritten), self.moved_mentions(triples))

    def _referred(self, extraction: Extraction, rewritten: list[tuple]) -> list[Entity]:
        """The entities a resolved article graph refers to, as the derived statistics describe them: a kept
        node with its voted type and name, else as the extraction or the knowledge base has it."""
        survivors = self.plan.survivors
        out: dict[str, Entity] = {}
        for _s, p, o in rewritten:
            if p == TG.refersTo and (iri := str(o)) not in out:
                kept = survivors.get(iri)
                entity = kept if kept is not None and not kept.in_kb else (
                    extraction.entities.get(iri) or self.kb.get(iri))
                if entity is not None:
                    out[iri] = entity
        return list(out.values())

    def described(self, rewritten: Iterable[tuple]) -> list[Entity]:
        """The kept nodes a rewritten stored graph refers to, with their voted type and name (the derived
        statistics describe them anew), and the knowledge base's kept entities."""
        survivors = self.plan.survivors
        referred = {str(o) for _s, p, o in rewritten if p == TG.refersTo}
        mine = [e for iri, e in survivors.items() if iri in referred and not e.in_kb]
        return [*mine, *self.known_survivors()]

    def known_survivors(self) -> list[Entity]:
        """The knowledge-base entities that merged nodes went into (described in a rewritten article's statistics)."""
        return [e for iri, s in self.plan.survivors.items() if s.in_kb and (e := self.kb.get(iri)) is not None]

    def moved_mentions(self, triples: Iterable[tuple]) -> dict[str, list[str]]:
        """Mentions of merged nodes in ``triples`` (before the rewrite), by merged node: the merges' evidence."""
        redirects = self.plan.redirects()
        moved: dict[str, list[str]] = defaultdict(list)
        for s, p, o in triples:
            if p == TG.refersTo and str(o) in redirects:
                moved[str(o)].append(str(s))
        return moved


def plan_archive(store, kb: KnowledgeBase, scope: set[str] | None = None, language: str = "de",
                 pending: NodeRows | None = None) -> ArchivePlan:
    """Plan the archive-wide pass over the stored nodes (``store`` None: none) and the ``pending`` rows of
    articles not written yet (e.g. those of a running ingest, which then get written once, resolved)."""
    nodes = read_nodes(store, kb, pending)
    result = plan(nodes, split_pairs(kb), language=language, scope=scope, candidates=read_candidates(store, pending))
    retyped = [iri for iri, e in result.survivors.items() if not e.in_kb and set(nodes[iri].types) != {e.type}]
    return ArchivePlan(result, kb, len(nodes), retyped)


def rewrite_stored(store, archive: ArchivePlan, skip: Iterable[str] = ()) -> tuple[list[str], dict[str, list[str]]]:
    """Rewrite every stored article the plan touches (graph and derived statistics in one transaction
    each, as ``curate apply`` does), except the graphs in ``skip``; returns the rewritten article ids and
    the moved mentions by merged node."""
    result, skip = archive.plan, set(skip)
    redirects = result.redirects()
    # the articles of the merged nodes, of kept nodes whose type the vote changed, of promoted candidates
    graphs = sorted(_graphs_mentioning(store, [*redirects, *archive.retyped]) | {p[0] for p in result.promotions.values()})
    moved: dict[str, list[str]] = defaultdict(list)
    rewritten_ids: list[str] = []
    prefix = str(GRAPH["article/"])
    for graph in graphs:
        if not graph.startswith(prefix) or graph in skip:
            continue
        triples = [tuple(r) for r in store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").rows]
        for merged, mentions in archive.moved_mentions(triples).items():
            moved[merged] += mentions
        rewritten = archive.rewrite(triples)
        if set(rewritten) == set(triples):
            continue
        article_id = unquote(graph[len(prefix):])
        store.replace_graph(URIRef(graph), rewritten,
                            also=rewrite_update(store, article_id, rewritten, archive.described(rewritten)))
        rewritten_ids.append(article_id)
    return rewritten_ids, moved


def record_merges(store, merges: list[Merge], moved: dict[str, list[str]]) -> None:
    """Add the provenance of ``merges`` (with the mentions each moved) to the resolution graph."""
    when = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    add_to_graph(store, RESOLUTION_GRAPH, [t for m in merges for t in provenance_triples(m, moved.get(m.merged, ()), when)])


def resolve_store(store, kb: KnowledgeBase, dry_run: bool = False, scope: set[str] | None = None,
                  language: str = "de") -> ResolveReport:
    """The archive-wide pass: plan the merges and rewrite each affected article in one transaction
    (graph and derived statistics together, as ``curate apply`` does); record every merge."""
    archive = plan_archive(store, kb, scope=scope, language=language)
    report = ResolveReport(merges=archive.plan.merges, nodes=archive.node_count, promoted=len(archive.plan.promotions))
    if dry_run or archive.empty:
        return report
    report.rewritten, moved = rewrite_stored(store, archive)
    record_merges(store, archive.plan.merges, moved)
    return report


def _graphs_mentioning(store, iris: list[str]) -> set[str]:
    if not iris:
        return set()
    out: set[str] = set()
    for n in range(0, len(iris), 500):
        values = " ".join(f"<{i}>" for i in iris[n:n + 500])
        rows = store.query(f"SELECT DISTINCT ?g WHERE {{ VALUES ?e {{ {values} }} GRAPH ?g {{ ?m tg:refersTo ?e }} }}").rows
        out.update(str(g) for (g,) in rows)
    return out


def add_to_graph(store, graph: URIRef, triples: list[tuple]) -> None:
    """Add triples to a named graph (kept: what is there already)."""
    if not triples:
        return
    existing = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").rows
    store.replace_graph(graph, list(dict.fromkeys([*map(tuple, existing), *triples])))
