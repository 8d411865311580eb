"""Static topic pages: one page per entity (label, aliases, type, description, sameAs, a month timeline
as inline SVG, latest articles, strongest co-mentions, typed relations with evidence), index pages by
type and A–Z, a link to the explorer. Plain HTML and CSS (no JavaScript), every value escaped by
Jinja2's autoescaping, each page with its own schema.org JSON-LD."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from ..explore import safe_url, write_explorer
from ..store import Store
from .data import Archive, EntityInfo, load_archive
from .jsonld import script_json, topic_page_jsonld, topic_path, topic_url

#: Entity types in the order the index shows them.
TYPES = ("Organization", "Person", "Place", "Technology", "Entity")
LATEST = 20
TIMELINE_WIDTH, TIMELINE_HEIGHT = 600, 80


@dataclass
class SiteReport:
    """What :func:`write_site` wrote."""

    pages: int
    bytes: int
    entities: int


def _environment() -> jinja2.Environment:
    folder = resources.files("topicgraph") / "templates" / "site"
    templates = {name: (folder / name).read_text(encoding="utf-8") for name in ("base.html", "entity.html", "list.html")}
    return jinja2.Environment(loader=jinja2.DictLoader(templates), autoescape=True, trim_blocks=True,
                              lstrip_blocks=True, undefined=jinja2.StrictUndefined, auto_reload=False)


def _months(dates: list[dt.date]) -> list[tuple[str, int]]:
    """(YYYY-MM, count) for every month from the first to the last date, empty months included."""
    if not dates:
        return []
    counts: dict[tuple[int, int], int] = {}
    for d in dates:
        counts[(d.year, d.month)] = counts.get((d.year, d.month), 0) + 1
    (y, m), last = min(counts), max(counts)
    months = []
    while (y, m) <= last:
        months.append((f"{y:04d}-{m:02d}", counts.get((y, m), 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def timeline(dates: list[dt.date]) -> Markup | None:
    """A month timeline as an inline SVG bar chart (each bar with a month: count tooltip), or None without dates."""
    months = _months(dates)
    if not months:
        return None
    top = max(n for _, n in months)
    step = TIMELINE_WIDTH / len(months)
    width, height = TIMELINE_WIDTH, TIMELINE_HEIGHT
    summary = f"{sum(n for _, n in months)} articles from {months[0][0]} to {months[-1][0]}"
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 18}" '
             f'viewBox="0 0 {width} {height + 18}" role="img" aria-label="{escape(summary)}">']
    for i, (month, n) in enumerate(months):
        h = round(height * n / top, 1) if n else 0
        parts.append(f'<rect x="{i * step:.2f}" y="{height - h:.1f}" width="{max(step - 1, 0.5):.2f}" height="{h:.1f}" '
                     f'fill="#4a7bd0"><title>{escape(month)}: {n}</title></rect>')
    parts.append(f'<text x="0" y="{height + 14}" font-size="11">{escape(months[0][0])}</text>'
                 f'<text x="{width}" y="{height + 14}" font-size="11" text-anchor="end">{escape(months[-1][0])}</text></svg>')
    return Markup("\n".join(parts))


def _letter(label: str) -> str:
    first = unicodedata.normalize("NFKD", label.strip()[:1]).encode("ascii", "ignore").decode("ascii").upper()
    return first if first.isalpha() else "#"


def _letter_file(letter: str) -> str:
    return "0.html" if letter == "#" else f"{letter.lower()}.html"


class _Site:
    def __init__(self, archive: Archive, output: Path, base_url: str | None, language: str, explorer: str | None) -> None:
        self.archive, self.output, self.base_url, self.language, self.explorer = archive, output, base_url, language, explorer
        self.env = _environment()
        self.pages = 0
        self.bytes = 0

    def write(self, relative: str, template: str, **context: Any) -> None:
        depth = relative.count("/")
        values = {"root": "../" * depth, "language": self.language, "site_title": "Topics",
                  "explorer": self.explorer, "canonical": None, "jsonld": None, **context}
        html = self.env.get_template(template).render(**values)
        path = self.output / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = html.encode("utf-8")
        path.write_bytes(data)
        self.pages += 1
        self.bytes += len(data)

    def label(self, iri: str) -> str:
        entity = self.archive.entities.get(iri)
        return entity.label(self.language) if entity else iri.rsplit("/", 1)[-1]

    def count(self, entity: EntityInfo) -> int:
        return len(self.archive.mentioned_in.get(entity.iri, ()))

    def summary(self, entity: EntityInfo) -> dict[str, Any]:
        return {"label": entity.label(self.language), "type": entity.type, "count": self.count(entity),
                "path": topic_path(entity)}

    def entity_page(self, entity: EntityInfo, relations: list) -> None:
        archive = self.archive
        ids = archive.mentioned_in.get(entity.iri, [])
        articles = [archive.articles[a] for a in ids[:LATEST]]
        co = [{"label": self.label(other), "n": n, "path": topic_path(archive.entities[other])}
              for other, n in archive.co_mentions.get(entity.iri, []) if other in archive.entities]
        rels = []
        for r in relations[:30]:
            subject, obj = archive.entities.get(r.subject), archive.entities.get(r.object)
            article = archive.articles.get(r.article_id)
            rels.append({"subject": self.label(r.subject), "subject_path": topic_path(subject) if subject else "",
                         "predicate": r.predicate, "object": self.label(r.object),
                         "object_path": topic_path(obj) if obj else "", "evidence": r.evidence,
                         "article": article.title if article else r.article_id})
        self.write(f"{topic_path(entity)}index.html", "entity.html", title=entity.label(self.language),
                   canonical=topic_url(entity, self.base_url) if self.base_url else None,
                   jsonld=script_json(topic_page_jsonld(archive, entity, self.base_url, self.language)),
                   entity={"label": entity.label(self.language), "type": entity.type, "count": len(ids),
                           "aliases": list(entity.aliases), "description": entity.description(self.language),
                           "same_as": [u for u in entity.same_as if safe_url(u)]},
                   timeline=timeline([archive.articles[a].date for a in ids if archive.articles[a].date]),
                   articles=[{"title": a.title, "date": a.date.isoformat() if a.date else "", "url": safe_url(a.url)}
                             for a in articles],
                   more_articles=max(len(ids) - LATEST, 0), co_mentions=co, relations=rels)

    def index_pages(self) -> None:
        ranked = sorted(self.archive.entities.values(), key=lambda e: (-self.count(e), e.label(self.language).casefold()))
        by_type = {t: [e for e in ranked if e.type == t] for t in TYPES}
        by_letter: dict[str, list[EntityInfo]] = {}
        for e in sorted(self.archive.entities.values(), key=lambda e: e.label(self.language).casefold()):
            by_letter.setdefault(_letter(e.label(self.language)), []).append(e)
        letters = [{"label": l, "path": _letter_file(l)} for l in sorted(by_letter, key=lambda l: (l == "#", l))]
        groups = [{"title": t, "link": f"types/{t.lower()}.html", "total": len(es), "more": len(es) > 50,
                   "entities": [self.summary(e) for e in es[:50]]} for t, es in by_type.items() if es]
        self.write("index.html", "list.html", title="Topics", letters=letters, groups=groups,
                   intro=f"{len(self.archive.entities)} topics from {len(self.archive.articles)} articles.")
        for t, es in by_type.items():
            if es:
                self.write(f"types/{t.lower()}.html", "list.html", title=t, letters=[], intro="",
                           groups=[{"title": "", "link": "", "total": len(es), "more": False,
                                    "entities": [self.summary(e) for e in es]}])
        self.write("az/index.html", "list.html", title="A–Z", letters=letters, intro="", groups=[])
        for l, es in by_letter.items():
            self.write(f"az/{_letter_file(l)}", "list.html", title=f"A–Z: {l}", letters=letters, intro="",
                       groups=[{"title": "", "link": "", "total": len(es), "more": False,
                                "entities": [self.summary(e) for e in es]}])


def write_site(archive: Archive, output: Path, base_url: str | None = None, language: str = "de",
               explorer: str | None = "explorer.html") -> SiteReport:
    """Write the topic pages of ``archive`` into ``output`` (``explorer``: the explorer's path in the site)."""
    site = _Site(archive, Path(output), base_url, language, explorer)
    relations: dict[str, list] = {}
    for r in archive.relations:
        relations.setdefault(r.subject, []).append(r)
        if r.object != r.subject:
            relations.setdefault(r.object, []).append(r)
    for entity in archive.entities.values():
        site.entity_page(entity, relations.get(entity.iri, []))
    site.index_pages()
    return SiteReport(site.pages, site.bytes, len(archive.entities))


def build_site(store: Store, output: Path, base_url: str | None = None, language: str = "de",
               with_explorer: bool = True) -> SiteReport:
    """Read the store and write its topic site into ``output``; with the explorer page (explorer.html)."""
    archive = load_archive(store)
    report = write_site(archive, output, base_url, language, "explorer.html" if with_explorer else None)
    if with_explorer:
        path = Path(output) / "explorer.html"
        write_explorer(store, path, title="topicgraph explorer")
        report.pages += 1
        report.bytes += path.stat().st_size
    return report
