"""Candidate technologies and topics: noun compounds and adjective-noun phrases that recur across
the stored corpus (TF-IDF over stemmed forms) and are not yet in the knowledge base. Listed for an editor; never added to the scheme by themselves
(``topicgraph curate accept`` does that)."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .knowledge.kb import KnowledgeBase
from .model import Article
from .nlp.gazetteer import Gazetteer
from .nlp.normalize import name_key
from .sources import read_articles

#: A one-word candidate must be at least this long (a compound: "Energieträger", not "Energie").
MIN_SINGLE_WORD = 10


@dataclass
class Candidate:
    """A recurring keyphrase: its most frequent form, score, article count and other forms."""

    term: str
    score: float
    articles: int
    forms: list[str] = field(default_factory=list)


def stored_articles(store) -> list[Article]:
    """The stored articles, read again from their source files (the store keeps no body text)."""
    rows = store.query("SELECT DISTINCT ?id ?path WHERE { ?a tg:articleId ?id ; tg:sourcePath ?path }").rows
    wanted = {str(i) for i, _ in rows}
    paths = sorted({str(p) for _, p in rows if Path(str(p)).is_file()})
    return [a for a in read_articles(paths) if isinstance(a, Article) and a.id in wanted]


_INFLECTED_ADJECTIVE = re.compile(r"^[a-zäöü][a-zäöüß]{3,}(?:e|en|er|es|em)$")
_NON_TERMS = {"prozent", "millionen", "milliarden", "unternehmen", "jahren", "beispiel", "hersteller",
              "entwicklung", "entwicklungen", "perspektive", "perspektiven", "kategorien", "verbindung",
              "entscheider", "entscheidend", "zusammenarbeit", "partnerschaft", "partnerschaften"}
#: Adjectives that never start a term ("andere Hersteller", "großen Teil").
_NON_TERM_ADJECTIVES = {"andere", "anderen", "anderer", "großen", "großer", "große", "neue", "neuen", "neuer",
                        "ersten", "erste", "weitere", "weiteren", "offene", "offenen", "vielen", "viele",
                        "eigenen", "eigene", "ganzen", "letzten", "nächsten", "einzelnen", "meisten", "diese",
                        "dieser", "dieses", "diesen", "welche", "solche", "keine", "kleine", "kleinen"}


def _english_hyphenated(tokens, i: int) -> Iterable[tuple[str, int, int]]:
    """At token ``i``: a lower-case hyphenated modifier and the noun after it ("sodium-ion cells",
    "low-carbon aluminium"); spaCy's English tokenizer splits the hyphen off, so it is joined back."""
    if i + 3 >= len(tokens) or tokens[i + 1].text != "-" or tokens[i].whitespace_ or tokens[i + 1].whitespace_:
        return
    first, second, noun = tokens[i], tokens[i + 2], tokens[i + 3]
    if not (first.is_alpha and second.is_alpha and first.text.islower() and second.text.islower()):
        return
    if noun.is_alpha and noun.text.islower() and len(noun.text) >= 4 and not noun.is_stop:
        yield f"{first.text}-{second.text} {noun.text}", first.idx, noun.idx + len(noun.text)


def noun_compounds(doc, lang: str) -> Iterable[tuple[str, int, int]]:
    """Candidate spans (text, start, end) of one tokenised text: long capitalised German nouns
    (compounds like "Speicherfeld"), hyphenated compounds ("Second-Life-Speicher") and
    inflected adjective + noun ("gespeicherter Strom"); in English, two or three lower-case words
    before a noun are not told apart without a tagger, so only hyphenated forms count: capitalised ones
    and a lower-case hyphenated modifier with the noun after it ("sodium-ion cells")."""
    tokens = [t for t in doc if not t.is_space]
    for i, tok in enumerate(tokens):
        word = tok.text
        if not word[:1].isalpha() or word.endswith("-") or word.lower() in _NON_TERMS:
            continue
        capitalised = word[:1].isupper() and not word.isupper()
        if "-" in word.strip("-") and len(word) >= 8 and capitalised:
            yield word, tok.idx, tok.idx + len(word)
        elif capitalised and len(word) >= MIN_SINGLE_WORD and lang == "de":
            yield word, tok.idx, tok.idx + len(word)
        if lang == "en":
            yield from _english_hyphenated(tokens, i)
        if lang == "de" and i + 1 < len(tokens) and _INFLECTED_ADJECTIVE.match(word) \
                and word not in _NON_TERM_ADJECTIVES:
            nxt = tokens[i + 1]
            if nxt.text[:1].isupper() and nxt.text[1:].islower() and len(nxt.text) >= 4:
                yield f"{word} {nxt.text}", tok.idx, nxt.idx + len(nxt.text)


def discover(articles: Iterable[Article], kb: KnowledgeBase, top: int = 30, min_articles: int = 2) -> list[Candidate]:
    """Recurring noun compounds and adjective-noun phrases, grouped by stemmed key across articles
    and ranked by TF-IDF summed over articles; phrases that the knowledge base already matches
    (wholly or in part) are left out."""
    import spacy

    tokenizers = {}
    gazetteers: dict[str, Gazetteer] = {}
    counts: dict[str, Counter] = {}
    forms: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    n_articles = 0
    for article in articles:
        n_articles += 1
        lang = article.language if article.language in {"de", "en"} else "de"
        if lang not in tokenizers:
            tokenizers[lang] = spacy.blank(lang).tokenizer
            gazetteers[lang] = Gazetteer(kb, tokenizers[lang], lang)
        text = "\n".join(x for x in (article.title, article.body) if x)
        doc = tokenizers[lang](text)
        covered = [(m.start, m.end) for m in gazetteers[lang].match_doc(doc)]
        here: Counter = Counter()
        for phrase, start, end in noun_compounds(doc, lang):
            if any(s < end and start < e for s, e in covered):
                continue
            key = name_key(phrase.split(), lang)
            here[key] += 1
            forms[key][phrase] += 1
        counts[article.id] = here
    df = Counter(key for here in counts.values() for key in here)
    weight: dict[tuple[str, ...], float] = defaultdict(float)
    for here in counts.values():
        for key, tf in here.items():
            weight[key] += (1 + math.log(tf)) * math.log(1 + n_articles / df[key])
    ranked = sorted((k for k in weight if df[k] >= min_articles), key=lambda k: (-weight[k], k))
    return [Candidate(forms[k].most_common(1)[0][0], round(weight[k], 3), df[k],
                      [f for f, _ in forms[k].most_common()]) for k in ranked[:top]]


def candidate_terms(store, kb: KnowledgeBase, top: int = 30, min_articles: int = 2) -> list[Candidate]:
    """Candidates over every stored article whose source file is readable."""
    return discover(stored_articles(store), kb, top=top, min_articles=min_articles)
