"""In-article span clean-up: NER spans that swallow a role word, a common word, a dateline or a headline."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Span

from ..ner.names import load_given_names, load_name_lexicon
from ..places import english_place_name

_COMMON_WORDS = Path(__file__).resolve().parent.parent / "ner" / "model" / "topicgraph_ner_filter" / "common_words.txt"
#: German role nouns end like this ("Konzernchef", "Golfprofi", "Branchenprimus", "Finanzministerin").
ROLE_SUFFIXES = (
    "chef", "chefin", "präsident", "präsidentin", "minister", "ministerin", "sprecher", "sprecherin", "profi",
    "primus", "experte", "expertin", "kanzler", "kanzlerin", "vorsitzende", "vorsitzender", "boss", "gründer",
    "gründerin", "trainer", "trainerin", "direktor", "direktorin", "leiter", "leiterin", "manager", "managerin",
    "kandidat", "kandidatin", "sekretär", "sekretärin", "analyst", "analystin", "berater", "beraterin",
    "abgeordnete", "abgeordneter", "bürgermeister", "bürgermeisterin", "legende", "rivale", "rivalin",
    "kollege", "kollegin", "sieger", "siegerin", "stürmer", "spieler", "spielerin", "könig", "königin",
    "fürst", "richter", "richterin", "general", "admiral", "senator", "senatorin", "gouverneur", "regisseur",
    "regisseurin", "sänger", "sängerin", "autor", "autorin", "pilot", "pilotin", "ökonom", "ökonomin",
    "meister", "meisterin", "coach", "superstar", "musiker", "musikerin", "soziologe", "soziologin", "politiker",
    "politikerin", "historiker", "historikerin", "journalist", "journalistin", "anwalt", "anwältin", "bischof",
    "kardinal", "papst", "premier", "gouverneurin", "oberhaupt", "favorit", "favoritin", "hauptmann", "hauptfrau",
)
#: Nouns that put a place's kind before its name ("Insel Lesbos", "Bezirk Korneuburg", "Bundesstaat Maryland").
PLACE_KIND_WORDS = frozenset({
    "Insel", "Bezirk", "Provinz", "Bundesstaat", "Bundesstaates", "Bundesland", "Region", "Landkreis", "Kreis",
    "Kanton", "Gemeinde", "Hauptstadt", "Hafenstadt", "Küstenstadt", "Grenzort", "Flüchtlingslager", "Metropole",
    "Stadtteil", "Heimatbezirk", "Heimatort", "Dorf", "Ortschaft", "Stadtgemeinde", "Marktgemeinde", "Halbinsel",
})
#: Heads of a hyphenated role compound before a name ("IHS-Mann Hofer", "ÖVP-Urgestein Khol").
HYPHEN_ROLE_HEADS = ("mann", "frau", "leute", "urgestein", "veteran", "insider", "vize", "mitglied", "kollege")
#: News-agency codes of a dateline ("Houston (dpa) -").
_DATELINE = re.compile(r"\s*\((?:dpa|apa|afp|ap|reuters|sda|ots|red|dpa-afx|apa/dpa|kna|epd|bloomberg)[^)]*\)",
                       re.I)
#: Boundaries a name never crosses: a line break (headline run into the text), a dash with spaces, a colon.
_BOUNDARY = re.compile(r"\n|\s[-–—]\s|:\s|\s\(")
_KEEP_LOWER = frozenset({"von", "van", "der", "de", "den", "del", "di", "du", "la", "le", "zu", "und", "&", "of",
                         "for", "für", "and", "am", "an", "im", "bin", "al", "y", "da", "dos", "des"})


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Capitalised common words the NER filter knows (German nouns such as "Wohnsitz")."""
    if not _COMMON_WORDS.is_file():
        return frozenset()
    return frozenset(w.strip() for w in _COMMON_WORDS.read_text(encoding="utf-8").splitlines() if w.strip())


@lru_cache(maxsize=1)
def _titles() -> frozenset[str]:
    from nameparser.config import CONSTANTS

    return frozenset(CONSTANTS.titles)


@lru_cache(maxsize=1)
def _known_names() -> frozenset[str]:
    return load_name_lexicon()


def is_role_word(word: str, person: bool) -> bool:
    """A role noun or title before a name: German role compounds ("Konzernchef"), and for persons the
    titles of ``nameparser`` ("Dr.", "CEO", "Admiral", "Senator")."""
    lower = word.lower().rstrip(".")
    if "-" in lower and word[:1].isupper():  # "IHS-Mann", "Bank-Austria-Ökonom", "SPÖ-Chef"
        head = lower.rsplit("-", 1)[1]
        if head in HYPHEN_ROLE_HEADS or head in ROLE_SUFFIXES or _ends_in_role(head):
            return True
    if word in _known_names() and not lower.endswith(ROLE_SUFFIXES[:4]):
        return False
    if person and _bare_role(word):
        return True
    # a compound that ends in a role noun ("Konzernchef"), never the bare word ("General Motors")
    return word[:1].isupper() and not word.isupper() and _ends_in_role(lower)


def _ends_in_role(lower: str) -> bool:
    """"konzernchef", "topspieler": a lower-cased compound whose last part is a role noun (not the bare noun)."""
    return any(lower.endswith(suffix) and len(lower) > len(suffix) + 2 for suffix in ROLE_SUFFIXES)


_CODE = re.compile(r"^[A-ZÄÖÜ][A-ZÄÖÜ0-9&.\-]{1,7}$")


def _pieces(span: Span) -> list[tuple[int, int, str]]:
    """Character ranges (and labels) of a span split at boundaries a name never crosses: datelines cut
    away; a parenthesised code after a name ("Mikl-Leitner (ÖVP)", "Acme (ACM)") becomes an ORG span
    of its own, other parenthesised text is dropped."""
    text = span.text
    start = span.start_char
    cut = _DATELINE.search(text)
    if cut:
        text = text[:cut.start()]
    out, pos = [], 0
    for m in _BOUNDARY.finditer(text):
        out.append((start + pos, start + m.start(), span.label_))
        pos = m.end()
        if m.group().endswith("("):
            close = text.find(")", pos)
            inner = text[pos:close if close >= 0 else len(text)]
            if _CODE.match(inner):
                out.append((start + pos, start + pos + len(inner), "ORG"))
            pos = close + 1 if close >= 0 else len(text)
    out.append((start + pos, start + len(text), span.label_))
    # offsets into the span's own text: ``doc.text`` joins the whole document on every access
    return [(s, e, label) for s, e, label in out if e > s and text[s - start:e - start].strip()]


def _elsewhere(doc: Doc, span: Span, words: list[str]) -> bool:
    """True if another entity span of the document ends with ``words`` (evidence that they form a name)."""
    target = " ".join(words)
    for other in doc.ents:
        if other.start_char != span.start_char and (other.text == target or other.text.endswith(" " + target)):
            return True
    return False


def _bare_role(word: str) -> bool:
    """A role noun or title on its own ("Premier", "Richter"), whether or not it is also a name."""
    lower = word.lower().rstrip(".")
    return lower in ROLE_SUFFIXES or lower in _titles()


def _place_genitive_before(word: str, following: str) -> bool:
    """"Burgenlands Landeshauptmann", "Griechenlands Premier", "Mönchengladbachs Martin Stranzl": a genitive
    before a role compound (no given name), before a bare role word (of a name the lexicon knows or a known
    place), or before a given name (of a known place)."""
    if len(word) < 5 or not word.endswith("s") or not following[:1].isupper():
        return False
    if english_place_name(word) is not None:  # a place's own name ("Paris" before "Saint Germain")
        return False
    if is_role_word(following, True) and following not in _known_names():  # "Burgenlands Landeshauptmann"
        return word not in _given_names()  # not "Hans" before a role compound
    if _bare_role(following) or is_role_word(following, True):  # "Richter", "Meister" are surnames too
        return _genitive_of_name(word) or english_place_name(word[:-1]) is not None
    return following in _given_names() and english_place_name(word[:-1]) is not None


def _genitive_of_name(word: str) -> bool:
    """"Floridas", "Fischers": a German genitive of a name the lexicon knows (not a name of its own that ends
    in s: "Andreas", "Klaus", "Hans" are first names, not genitives of "Andrea", "Klau", "Han")."""
    return len(word) > 3 and word.endswith("s") and word[:-1] in _known_names() and word not in _known_names()


class DocWords:
    """Where each word of a document stands, and which entity spans hold it: built once per document, so that
    the checks below cost the occurrences of a word, not a scan of the whole text (long texts)."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.at: dict[str, list[int]] = defaultdict(list)
        for token in doc:
            self.at[token.text].append(token.i)
        self.in_names: dict[str, set[int]] = defaultdict(set)  # word -> start tokens of the entity spans with it
        self.name_at = {ent.start: ent for ent in doc.ents}
        self.person_ends: dict[str, set[int]] = defaultdict(set)  # last word of a person span -> its starts
        for ent in doc.ents:
            for token in ent:
                self.in_names[token.text].add(ent.start)
            if ent.label_.upper() in {"PER", "PERSON"}:
                self.person_ends[ent[-1].text].add(ent.start)

    def alone_elsewhere(self, words: list[str], skip: int) -> bool:
        """True if ``words`` stand somewhere other than at token ``skip``, not followed by a capitalised word."""
        doc, k = self.doc, len(words)
        for i in self.at.get(words[0], ()):
            if i == skip or [t.text for t in doc[i:i + k]] != words:
                continue
            after = doc[i + k] if i + k < len(doc) else None
            if after is None or not (doc[i + k - 1].whitespace_ and after.text[:1].isupper()):
                return True
        return False

    def after_other(self, word: str, skip: int, before: list[str]) -> bool:
        """True if ``word`` stands somewhere other than at token ``skip`` and not right after ``before``."""
        k = len(before)
        return any(i != skip and [t.text for t in self.doc[max(0, i - k):i]] != before for i in self.at.get(word, ()))


def _named_alone(words: DocWords, start: int, rest: list[str], last: str) -> bool:
    """True if the span's words without its ``last`` stand alone elsewhere in the article (not followed by
    another capitalised word), ``last`` is no place and no part of any other name there, and the rest holds
    a word that is no common word ("Strache" four times, "Strache Orden" once; "Bank Austria" and "Bank
    Austria Firmenpensionen"; never "Bayern München", "Austria Wien"). ``start``: the span's first token."""
    if all(word in common_words() for word in rest) or not words.alone_elsewhere(rest, start):
        return False
    if words.in_names.get(last, set()) - {start}:
        return False
    return english_place_name(last) is None


def trim_span(doc: Doc, span: Span, words: DocWords | None = None) -> Span | None:
    """The span without leading role/title words and trailing common or lower-case words (None if
    nothing of a name is left). ``words``: the document's :class:`DocWords` (built here if not given)."""
    words = words or DocWords(doc)
    tokens = list(span)
    person = span.label_.upper() in {"PER", "PERSON"}
    if person and len(tokens) == 1 and "-" in tokens[0].text and is_role_word(tokens[0].text, True):
        return None  # "IHS-Mann" alone is a role, not a name (the surname after it is found by its own span)
    label = span.label_
    while len(tokens) > 1 and (is_role_word(tokens[0].text, person)
                               or (tokens[0].text[:1].islower() and tokens[0].text not in _KEEP_LOWER)
                               or tokens[0].text in PLACE_KIND_WORDS
                               or _place_genitive_before(tokens[0].text, tokens[1].text)
                               or (person and len(tokens) > 2 and _bare_role(tokens[0].text)
                                   and tokens[1].text in _given_names())):
        tokens = tokens[1:]
    if (not person and len(tokens) > 1 and _bare_role(tokens[0].text)
            and words.person_ends.get(tokens[-1].text, set()) - {span.start}):
        tokens, label = tokens[1:], "PER"  # "Premier Renzi" tagged ORG, where "Matteo Renzi" is a person
    while len(tokens) > 1:
        last = tokens[-1].text
        if last[:1].islower() or not last[:1].isalnum():
            tokens = tokens[:-1]
        elif last not in _known_names() and (
                (len(tokens) == 2 and _genitive_of_name(tokens[-2].text))
                or (last in common_words() and (person or span.label_.upper() in {"LOC", "GPE"})
                    and _elsewhere(doc, span, [tokens[-2].text]))):
            tokens = tokens[:-1]  # "Floridas Küste", "Fischers Büro"; "Ramirez Wohnsitz" (Ramirez named elsewhere)
        elif not person and _named_alone(words, tokens[0].i, [t.text for t in tokens[:-1]], last):
            tokens = tokens[:-1]  # "Strache Orden" (ORG): Strache alone elsewhere, Orden no name; never a surname
        else:
            break
    while tokens and tokens[-1].text.lower() in _KEEP_LOWER:
        tokens = tokens[:-1]
    if not tokens:
        return None
    if len(span) > 1 and len(tokens) == 1 and (_bare_role(tokens[0].text) or (
            is_role_word(tokens[0].text, True) and tokens[0].text not in _known_names())):
        return None  # "Griechenlands Premier": a role, no name
    return Span(doc, tokens[0].i, tokens[-1].i + 1, label=label)


def role_compound_owner(name: str) -> str | None:
    """"Bank-Austria" of "Bank-Austria-Ökonom": the name before the role noun of a one-word hyphenated role
    compound (None if the name is none)."""
    if " " in name or "-" not in name or not is_role_word(name, False):
        return None
    owner = name.rsplit("-", 1)[0]
    return owner if owner[:1].isupper() and len(owner) > 1 else None


def _given_names() -> frozenset[str]:
    return load_given_names()


def split_joined(span: Span, words: DocWords) -> list[Span]:
    """A person span that runs two people's names together ("Erwin Pröll Mitterlehner", "Sobotka Schelling":
    subject and object of one sentence) as two spans: split before a word when the words after it are written
    alone elsewhere in the article, the word before it is written alone elsewhere too, and that word is no
    given name ("Hans Jörg Schelling" stays whole). A span with another label is split only into two names
    that end person spans elsewhere in the article (then both are persons)."""
    tokens = list(span)
    if len(tokens) < 2 or not all(t.text[:1].isupper() and t.text.replace("-", "").isalpha() for t in tokens):
        return [span]
    person = span.label_.upper() in {"PER", "PERSON"}
    for k in range(len(tokens) - 1, 0, -1):
        left, right = tokens[:k], tokens[k:]
        if left[-1].text in _given_names() or not left[-1].whitespace_:
            continue
        if person:
            named = (words.alone_elsewhere([t.text for t in right], right[0].i)
                     and words.alone_elsewhere([left[-1].text], left[-1].i))
        else:  # the NER's other label for two people ("Sobotka Schelling" as ORG): both end person spans here
            named = (len(right) == 1 and words.person_ends.get(right[0].text, set()) - {span.start}
                     and words.person_ends.get(left[-1].text, set()) - {span.start})
        if named:
            doc, label = span.doc, span.label_ if person else "PER"
            return [Span(doc, left[0].i, left[-1].i + 1, label=label),
                    Span(doc, right[0].i, right[-1].i + 1, label=label)]
    return [span]


def _with_surname(doc: Doc, span: Span, words: DocWords) -> Span:
    """A person span followed by a one-word person span ("Recep Tayyip" "Erdoğan": one name split in two), or
    a one-word person span followed by a capitalised word the NER left out that the article also writes alone
    ("Andreas" + "Khol", then "Khol" later): the span with that word."""
    if span.label_.upper() not in {"PER", "PERSON"} or span.end >= len(doc):
        return span
    nxt = doc[span.end]
    word = nxt.text
    if (not word[:1].isupper() or not word.isalpha() or len(word) < 3 or span[-1].whitespace_ != " "
            or word in common_words() or is_role_word(word, True)):
        return span
    if nxt.ent_type_:  # the NER split one name in two person spans ("Andreas" "Khol"): one name
        own = words.name_at.get(span.end)
        if own is None or len(own) != 1 or own.label_.upper() not in {"PER", "PERSON"}:
            return span
    elif len(span) != 1 or not words.after_other(word, nxt.i, [span.text]):
        return span
    return Span(doc, span.start, span.end + 1, label=span.label_)


def clean_spans(doc: Doc) -> list[Span]:
    """The document's NER spans, each split at headline/dateline boundaries, trimmed (:func:`trim_span`) and
    split where two people's names run together (:func:`split_joined`); a lone first name gets the surname the
    NER left out (:func:`_with_surname`)."""
    out: list[Span] = []
    absorbed: set[int] = set()  # token positions of surnames taken into the span before them
    words = DocWords(doc)
    for span in doc.ents:
        for start, end, label in _pieces(span):
            piece = doc.char_span(start, end, label=label, alignment_mode="contract")
            if piece is None or not piece.text.strip():
                continue
            trimmed = trim_span(doc, piece, words)
            if trimmed is None or not trimmed.text.strip():
                continue
            for part in split_joined(trimmed, words):
                extended = _with_surname(doc, part, words)
                if len(extended) > len(part):
                    absorbed.add(extended.end - 1)
                out.append(extended)
    # a one-word span another one took in (the surname after a first name) goes
    return [span for span in out if not (len(span) == 1 and span.start in absorbed)]
