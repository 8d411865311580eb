"""Labels in the reader's language: every entity keeps all its labels; what is printed or drawn takes
the one in the chosen language, else an untagged one (a name as the articles wrote it), else any other."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Literal, URIRef

from .sources.language import DEFAULT_LANGUAGE, LANGUAGES
from .store import QueryResult, Store

#: Values per VALUES block when labels are looked up for many entities.
_CHUNK = 400


def store_language(store: Store) -> str:
    """The language most of the store's articles are written in (``de`` for an empty store)."""
    rows = store.query("SELECT ?lang (COUNT(?a) AS ?n) WHERE { ?a tg:articleId ?id ; dcterms:language ?lang } "
                       "GROUP BY ?lang ORDER BY DESC(?n) ?lang LIMIT 1").rows
    lang = str(rows[0][0]).lower()[:2] if rows and rows[0][0] is not None else DEFAULT_LANGUAGE
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def reader_language(store: Store, lang: str | None) -> str:
    """``lang`` if given, else :func:`store_language`."""
    return lang or store_language(store)


def best_label(labels: dict[str, str], lang: str) -> str | None:
    """The label in ``lang``, else the untagged one, else the other language's, else any."""
    for choice in (lang, "", *(other for other in LANGUAGES if other != lang)):
        if labels.get(choice):
            return labels[choice]
    return next(iter(sorted(labels.values())), None)


def entity_labels(store: Store, iris: Iterable[str], lang: str) -> dict[str, str]:
    """The best ``skos:prefLabel`` (:func:`best_label`) of each entity IRI that has one."""
    wanted = sorted({str(i) for i in iris})
    found: dict[str, dict[str, str]] = {}
    for start in range(0, len(wanted), _CHUNK):
        values = " ".join(URIRef(i).n3() for i in wanted[start:start + _CHUNK])
        for entity, label in store.query(f"SELECT DISTINCT ?e ?l WHERE {{ VALUES ?e {{ {values} }} "
                                         "?e skos:prefLabel ?l }").rows:
            found.setdefault(str(entity), {})[getattr(label, "language", None) or ""] = str(label)
    return {iri: label for iri, labels in found.items() if (label := best_label(labels, lang))}


def label_columns(variables: list[str]) -> list[tuple[int, int]]:
    """(label column, entity column) pairs: ``?xLabel`` labels ``?x``; ``?label`` labels ``?entity``."""
    pairs = []
    for index, name in enumerate(variables):
        target = name[: -len("Label")] if name.endswith("Label") and len(name) > 5 else ("entity" if name == "label" else None)
        if target in variables:
            pairs.append((index, variables.index(target)))
    return pairs


def relabel(result: QueryResult, store: Store, lang: str) -> QueryResult:
    """The result with every label column (:func:`label_columns`) in the reader's language."""
    pairs = label_columns(result.variables)
    if not pairs or not result.rows:
        return result
    iris = {str(row[e]) for row in result.rows for _, e in pairs if isinstance(row[e], URIRef)}
    labels = entity_labels(store, iris, lang)
    rows = []
    for row in result.rows:
        cells = list(row)
        for label_col, entity_col in pairs:
            entity = row[entity_col]
            if isinstance(entity, URIRef) and str(entity) in labels:
                cells[label_col] = Literal(labels[str(entity)])
        rows.append(tuple(cells))
    return QueryResult(variables=result.variables, rows=rows, boolean=result.boolean, graph=result.graph)
