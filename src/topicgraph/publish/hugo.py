"""Related articles and entities written into a Hugo site as data files, matched to its content files:
``data/topicgraph/related/<key>.json`` and ``data/topicgraph/entities/<key>.json``, where ``<key>`` is
the page's ``slug`` or else its content base name (what the shipped partial looks up)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..explore import safe_url
from ..model import Article
from ..related import Suggestion, suggest_all_related
from ..sources import read_file
from ..store import Store
from .data import Archive, EntityInfo, load_archive
from .jsonld import topic_url

CONTENT_SUFFIXES = {".md", ".markdown", ".html", ".htm"}
DATA_DIR = Path("data") / "topicgraph"


@dataclass(frozen=True)
class ContentPage:
    """A content file of the Hugo site: its data key, path under content/, and what topicgraph would read from it."""

    key: str
    path: str
    article: Article | None


@dataclass
class HugoReport:
    """What :func:`write_hugo_data` did."""

    matched: dict[str, str] = field(default_factory=dict)  # key -> article id
    unmatched: list[str] = field(default_factory=list)  # content paths without an article in the store
    files: int = 0


def _key(path: Path, slug: str | None) -> str:
    if slug:
        return slug
    if path.stem in {"index", "_index"}:
        return path.parent.name
    return path.stem


def content_pages(site: Path) -> list[ContentPage]:
    """The site's content files (Markdown/HTML under content/), each with its key and parsed article."""
    content = site / "content"
    if not content.is_dir():
        raise ValueError(f"{site}: not a Hugo site (no content/ folder)")
    pages = []
    for path in sorted(p for p in content.rglob("*") if p.is_file() and p.suffix.lower() in CONTENT_SUFFIXES):
        if path.name.startswith("_index"):
            continue  # list pages
        article = next((a for a in read_file(path) if isinstance(a, Article)), None)
        slug = _front_matter_slug(path)
        pages.append(ContentPage(_key(path, slug), "/" + path.relative_to(content).as_posix(), article))
    return pages


def _front_matter_slug(path: Path) -> str | None:
    import frontmatter

    try:
        meta = frontmatter.load(str(path)).metadata
    except Exception:  # not Markdown with front matter: no slug
        return None
    slug = meta.get("slug")
    return str(slug).strip() or None if slug else None


def match_pages(pages: list[ContentPage], archive: Archive) -> dict[str, str]:
    """Content path -> article id: the id topicgraph reads from the file (slug/id/file name) or the page's key
    (slug or bundle folder name), else the same source file, else the same URL."""
    by_source = {Path(a.source_path).as_posix(): a.id for a in archive.articles.values() if a.source_path}
    by_url = {a.url.rstrip("/"): a.id for a in archive.articles.values() if a.url}
    matched = {}
    for page in pages:
        found = next((aid for aid in (page.article.id if page.article else None, page.key)
                      if aid and aid in archive.articles), None)
        if found is None:
            found = next((aid for source, aid in by_source.items() if source.endswith(page.path)), None)
        if found is None and page.article is not None and page.article.url:
            found = by_url.get(page.article.url.rstrip("/"))
        if found is not None:
            matched[page.path] = found
    return matched


def _entity_record(entity: EntityInfo, base_url: str | None, language: str) -> dict[str, Any]:
    record: dict[str, Any] = {"name": entity.label(language), "type": entity.type}
    if base_url:
        record["url"] = topic_url(entity, base_url)
    same = [s for s in entity.same_as if safe_url(s)]
    if same:
        record["sameAs"] = same
    return record


def related_record(article_id: str, suggestions: list[Suggestion], archive: Archive, path_of: dict[str, str],
                   base_url: str | None) -> dict[str, Any]:
    """An article's related articles: title, site path (if it is a page of the site) or URL, score, shared entities."""
    related = []
    for s in suggestions:
        target = archive.articles.get(s.article_id)
        shared = []
        for reason in s.reasons:
            entity = archive.entities.get(reason.iri) if reason.iri else None
            if entity is not None:
                item = {"name": entity.label(target.language if target else "de")}
                if base_url:
                    item["url"] = topic_url(entity, base_url)
                shared.append(item)
        related.append({"id": s.article_id, "title": s.title, "path": path_of.get(s.article_id, ""),
                        "url": safe_url(target.url) if target else "", "score": round(s.score, 4), "shared": shared})
    return {"article": article_id, "related": related}


def write_hugo_data(store: Store, site: Path, base_url: str | None = None, k: int = 5) -> HugoReport:
    """Write the data files for every content page of ``site`` that is an article in the store."""
    site = Path(site)
    pages = content_pages(site)
    archive = load_archive(store)
    matched = match_pages(pages, archive)
    path_of = {aid: path for path, aid in matched.items()}
    suggestions = suggest_all_related(store, k=k) if matched else {}
    report = HugoReport()
    for folder in ("related", "entities"):
        (site / DATA_DIR / folder).mkdir(parents=True, exist_ok=True)
    for page in pages:
        aid = matched.get(page.path)
        if aid is None:
            report.unmatched.append(page.path)
            continue
        article = archive.articles[aid]
        related = related_record(aid, suggestions.get(aid, []), archive, path_of, base_url)
        entities = {"article": aid,
                    "about": [_entity_record(archive.entities[i], base_url, article.language)
                              for i in article.about if i in archive.entities],
                    "mentions": [_entity_record(archive.entities[i], base_url, article.language)
                                 for i in article.mentions if i in archive.entities]}
        for folder, data in (("related", related), ("entities", entities)):
            (site / DATA_DIR / folder / f"{page.key}.json").write_text(
                json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
            report.files += 1
        report.matched[page.key] = aid
    return report
