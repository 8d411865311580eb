"""Readers for the German NER corpora in ``../shared/data``, all mapped to one scheme.

Every reader returns a list of sentences ``(tokens, tags)`` where ``tags`` are BIO
(IOB2) tags over exactly three types: ``PER``, ``ORG`` and ``LOC``. Everything
else is ``O``.

Label mapping (the same text is in the package README):

* **GermEval 2014** (``NER-de-dev.tsv``): only the *outer* column (column 3) is
  used; the inner (nested) column 4 is ignored, because evaluation is on the outer
  level and an inner span inside an outer OTH (e.g. *Deutsche Bank* inside a cup
  name) would teach the model spans that the outer-level gold never has.
  ``PER``/``ORG``/``LOC`` are kept. ``*deriv`` (adjectives derived from names:
  *deutschen*, *Berliner* as adjective), ``*part`` (tokens only partly a name:
  *EU-Kommission*, *Merkel-Regierung*) and ``OTH`` (titles, products, events…)
  all become ``O``: they are not whole PER/ORG/LOC names, and the other corpora
  have no equivalent class, so keeping them would give conflicting supervision.
* **SmartData** (v1 char offsets, v3 tokens): ``person`` -> PER;
  ``organization``, ``organization-company`` -> ORG; ``location``,
  ``location-city``, ``location-street``, ``location-stop`` -> LOC (as the
  corpus README says) but ``location-route`` (road/line numbers: *A7*, *#S3*)
  -> O; everything else (dates, numbers,
  ``org-position``, ``trigger``, ``disaster-type``…) -> O. v1 has no tokens: we
  tokenise with spaCy's German tokenizer, split sentences at line breaks and with
  spaCy's rule-based sentencizer, and align entity offsets to tokens
  (``alignment_mode="expand"``; overlapping mentions keep the longest). v1
  documents whose id is in v3 dev/test are excluded by default, so that v3
  dev/test stay unseen.
* **MobIE**: same fine types as SmartData, same mapping (person -> PER,
  location* -> LOC, organization* -> ORG; trigger, event-cause, time, … -> O).
* **German LER**: PER, RR (judge), AN (lawyer) -> PER; LD, ST, STR, LDS -> LOC;
  ORG, UN, INN, GRT, MRK -> ORG; norms, case references, literature (GS, RS, VT,
  LIT, EUN, VO, VS) -> O. This is the coarse mapping of the LER paper.
* **WikiANN-de** (silver): already PER/ORG/LOC.
* **Harmonisation** (:func:`harmonize`, applied by the trainer to every corpus
  except GermEval): a LOC span whose first token starts lower-case is dropped
  (SmartData/MobIE tag adjectives such as *deutschen* and phrases such as
  *beiden Richtungen*, *stadtauswärts* as location; GermEval calls the
  adjectives LOCderiv, which we map to O).

GermEval split: the GermEval dev file is the only hand-labelled general-news
gold here, so it is split three ways by a seeded shuffle of its source URLs
(``GERMEVAL_SPLIT_SEED``): ``heldout`` (>= 500 sentences, never trained on, used
for the reported F1), ``select`` (>= 200 sentences, spaCy's dev set for choosing
the best checkpoint) and ``train`` (the rest, ~1,500 sentences).
"""

from __future__ import annotations

import gzip
import json
import os
import random
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

Sentence = tuple[list[str], list[str]]
LABELS = ("PER", "ORG", "LOC")

GERMEVAL_SPLIT_SEED = 2014
GERMEVAL_HELDOUT = 500
GERMEVAL_SELECT = 200

SMARTDATA_TYPES = {
    "person": "PER",
    "organization": "ORG",
    "organization-company": "ORG",
    "location": "LOC",
    "location-city": "LOC",
    "location-street": "LOC",
    "location-stop": "LOC",
}
# ``location-route`` (road and line numbers such as "A7", "#S3", "IC-Züge") -> O:
# not place names in the GermEval sense and very frequent in the traffic texts.
LER_TYPES = {
    "PER": "PER", "RR": "PER", "AN": "PER",
    "LD": "LOC", "ST": "LOC", "STR": "LOC", "LDS": "LOC",
    "ORG": "ORG", "UN": "ORG", "INN": "ORG", "GRT": "ORG", "MRK": "ORG",
}


def default_shared_dir() -> Path:
    """``$TOPICGRAPH_SHARED`` or else ``<repo>/../shared``."""
    env = os.environ.get("TOPICGRAPH_SHARED")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[4]
    return repo.parent / "shared"


def data_dir(shared_dir: str | os.PathLike | None = None) -> Path:
    base = Path(shared_dir) if shared_dir is not None else default_shared_dir()
    return base / "data" if (base / "data").is_dir() else base


# --------------------------------------------------------------------------- tags


def map_tag(tag: str, mapping: dict[str, str] | None = None) -> str:
    """Map one IOB tag to the PER/ORG/LOC scheme (``O`` for anything else).

    Without ``mapping`` the type is kept only if it is exactly PER, ORG or LOC
    (so GermEval ``B-LOCderiv``, ``I-ORGpart``, ``B-OTH`` and CoNLL ``MISC`` -> O).
    """
    tag = tag.strip()
    if not tag or tag == "O" or "-" not in tag:
        return "O"
    prefix, typ = tag.split("-", 1)
    prefix = prefix.upper()
    if prefix not in ("B", "I"):
        # BIOES/BILOU prefixes
        prefix = {"S": "B", "U": "B", "E": "I", "L": "I"}.get(prefix)
        if prefix is None:
            return "O"
    if mapping is not None:
        typ = mapping.get(typ) or mapping.get(typ.lower()) or ""
    if typ not in LABELS:
        return "O"
    return f"{prefix}-{typ}"


def repair_bio(tags: list[str]) -> list[str]:
    """Make a tag sequence valid IOB2 (an ``I-X`` not after ``B-X``/``I-X`` starts a span)."""
    out: list[str] = []
    prev = "O"
    for t in tags:
        if t.startswith("I-") and prev[2:] != t[2:]:
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out


def harmonize(sentences: Iterable[Sentence]) -> list[Sentence]:
    """Drop LOC spans starting with a lower-case token (see module doc)."""
    out: list[Sentence] = []
    for toks, tags in sentences:
        tags = list(tags)
        for a, b, lab in bio_spans(tags):
            if lab == "LOC" and toks[a][:1].islower():
                tags[a:b] = ["O"] * (b - a)
        out.append((toks, tags))
    return out


def bio_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """``(start, end, label)`` token spans (end exclusive) of an IOB tag list."""
    spans = []
    start = None
    label = None
    for i, t in enumerate(list(tags) + ["O"]):
        if t.startswith("B-") or t == "O" or (t.startswith("I-") and t[2:] != label):
            if start is not None:
                spans.append((start, i, label))
                start, label = None, None
            if t != "O":
                start, label = i, t[2:]
    return spans


# ------------------------------------------------------------------- file readers


def _blocks(lines: Iterable[str]) -> Iterator[list[str]]:
    block: list[str] = []
    for line in lines:
        line = line.rstrip("\r\n")
        if not line.strip():
            if block:
                yield block
                block = []
            continue
        block.append(line)
    if block:
        yield block


def read_germeval(path: str | os.PathLike, with_source: bool = False):
    """GermEval 2014 TSV (``idx token outer inner``, ``#`` comment lines).

    Returns sentences with the outer column mapped (see module doc). With
    ``with_source`` returns ``(tokens, tags, source_url)`` triples.
    """
    out = []
    with open(path, encoding="utf-8") as f:
        for block in _blocks(f):
            source = ""
            toks, tags = [], []
            for line in block:
                if line.startswith("#"):
                    parts = line.split("\t")
                    source = parts[1] if len(parts) > 1 else line
                    continue
                cols = line.split("\t")
                toks.append(cols[1])
                tags.append(map_tag(cols[2]))
            if toks:
                tags = repair_bio(tags)
                out.append((toks, tags, source) if with_source else (toks, tags))
    return out


def read_conll(path: str | os.PathLike, token_col: int = 0, tag_col: int = -1,
               mapping: dict[str, str] | None = None, sep: str | None = None) -> list[Sentence]:
    """Generic CoNLL reader: whitespace/tab columns, blank-line separated, ``-DOCSTART-`` skipped."""
    out: list[Sentence] = []
    with open(path, encoding="utf-8") as f:
        for block in _blocks(f):
            toks, tags = [], []
            for line in block:
                if line.startswith("-DOCSTART-"):
                    continue
                cols = line.split(sep) if sep else line.split()
                if len(cols) < 2:
                    continue
                toks.append(cols[token_col])
                tags.append(map_tag(cols[tag_col], mapping))
            if toks:
                out.append((toks, repair_bio(tags)))
    return out


def read_mobie(path: str | os.PathLike) -> list[Sentence]:
    """MobIE CoNLL-2003 file (``token POS chunk NER``)."""
    return read_conll(path, 0, 3, SMARTDATA_TYPES, sep="\t")


def read_ler(path: str | os.PathLike) -> list[Sentence]:
    """German LER CoNLL file (``token tag``, CRLF)."""
    return read_conll(path, 0, 1, LER_TYPES, sep=" ")


def read_wikiann(path: str | os.PathLike) -> list[Sentence]:
    """WikiANN/PAN-X TSV (``token<TAB>tag``)."""
    return read_conll(path, 0, 1, None, sep="\t")


# ---------------------------------------------------------------------- SmartData


def _json_docs(path: str | os.PathLike) -> Iterator[dict]:
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        s = f.read()
    dec = json.JSONDecoder()
    i, n = 0, len(s)
    while True:
        while i < n and s[i].isspace():
            i += 1
        if i >= n:
            return
        obj, i = dec.raw_decode(s, i)
        yield obj


def _smart_type(t: str) -> str:
    return SMARTDATA_TYPES.get(t.lower().replace("_", "-"), "")


def utf16_offsets(text: str) -> Callable[[int], int]:
    """Map SmartData's character offsets to indexes of ``text``.

    SmartData was made with Java, whose offsets count UTF-16 code units: a character outside the Basic
    Multilingual Plane (an emoji such as U+1F621) counts two, so after one the offsets run ahead of
    Python's string indexes.
    """
    if all(ord(c) <= 0xFFFF for c in text):
        return lambda offset: offset
    index = [i for i, c in enumerate(text) for _ in range(2 if ord(c) > 0xFFFF else 1)]
    index.append(len(text))
    return lambda offset: index[min(offset, len(index) - 1)]


def read_smartdata_v3(path: str | os.PathLike) -> list[Sentence]:
    """SmartData v3 (tokenised, BIO in ``tokens[].ner``), one sentence per ``sentences`` entry."""
    out: list[Sentence] = []
    for doc in _json_docs(path):
        text = doc["text"]["string"]
        at = utf16_offsets(text)
        for sent in doc["sentences"]["array"]:
            toks, tags = [], []
            for tok in sent["tokens"]["array"]:
                sp = tok["span"]
                toks.append(text[at(sp["start"]):at(sp["end"])])
                raw = tok["ner"]["string"] if tok.get("ner") else "O"
                if raw == "O" or "-" not in raw:
                    tags.append("O")
                else:
                    p, t = raw.split("-", 1)
                    lab = _smart_type(t)
                    tags.append(f"{p}-{lab}" if lab else "O")
            if toks:
                out.append((toks, repair_bio(tags)))
    return out


def smartdata_v3_ids(ddir: Path) -> set[str]:
    ids: set[str] = set()
    for name in ("v3_20200302_dev.json.gz", "v3_20200302_test.json.gz"):
        p = ddir / "smartdata" / name
        if p.exists():
            ids.update(d["id"] for d in _json_docs(p))
    return ids


def _source_of(doc: dict) -> str:
    raw = doc.get("raw") or ""
    key = 'featureName="source" featureValue="'
    i = raw.find(key)
    if i < 0:
        return ""
    j = raw.find('"', i + len(key))
    return raw[i + len(key):j]


def read_smartdata_v1(paths: Iterable[str | os.PathLike], exclude_ids: set[str] | None = None,
                      sources: Iterable[str] | None = None, nlp=None) -> list[Sentence]:
    """SmartData v1 documents (text + char-offset mentions), tokenised by spaCy German.

    ``exclude_ids``: document ids to skip (use :func:`smartdata_v3_ids` to keep
    v3 dev/test unseen). ``sources``: keep only these ``source`` metadata values
    (``news``, ``twitter``, ``rss``); ``None`` keeps all.
    """
    import spacy
    from spacy.util import filter_spans

    if nlp is None:
        nlp = spacy.blank("de")
        nlp.add_pipe("sentencizer")
    keep = set(sources) if sources is not None else None
    exclude_ids = exclude_ids or set()
    out: list[Sentence] = []
    seen: set[str] = set()
    for path in paths:
        for doc_json in _json_docs(path):
            did = doc_json["id"]
            if did in exclude_ids or did in seen:
                continue
            seen.add(did)
            if keep is not None and _source_of(doc_json) not in keep:
                continue
            text = doc_json["text"]["string"]
            at = utf16_offsets(text)
            doc = nlp(text)
            spans = []
            for m in (doc_json.get("conceptMentions") or {}).get("array") or []:
                lab = _smart_type(m["type"])
                if not lab:
                    continue
                sp = doc.char_span(at(m["span"]["start"]), at(m["span"]["end"]), label=lab,
                                   alignment_mode="expand")
                if sp is not None and len(sp):
                    spans.append(sp)
            doc.ents = filter_spans(spans)
            # sentences: break at newlines too
            for sent in doc.sents:
                toks, tags = [], []
                for tok in sent:
                    if tok.is_space:
                        if "\n" in tok.text and toks:
                            out.append((toks, repair_bio(tags)))
                            toks, tags = [], []
                        continue
                    toks.append(tok.text)
                    tags.append("O" if tok.ent_iob_ == "O" else f"{tok.ent_iob_}-{tok.ent_type_}")
                    if "\n" in tok.whitespace_ and toks:
                        out.append((toks, repair_bio(tags)))
                        toks, tags = [], []
                if toks:
                    out.append((toks, repair_bio(tags)))
    return out


# ------------------------------------------------------------------- named loaders


def germeval_split(shared_dir=None, seed: int = GERMEVAL_SPLIT_SEED,
                   n_heldout: int = GERMEVAL_HELDOUT, n_select: int = GERMEVAL_SELECT
                   ) -> dict[str, list[Sentence]]:
    """Fixed GermEval split ``{"train", "select", "heldout"}`` (grouped by source URL)."""
    sents = read_germeval(data_dir(shared_dir) / "germeval2014" / "NER-de-dev.tsv", with_source=True)
    groups: dict[str, list[int]] = {}
    for i, (_, _, src) in enumerate(sents):
        groups.setdefault(src, []).append(i)
    keys = sorted(groups)
    random.Random(seed).shuffle(keys)
    heldout, select, train = [], [], []
    for k in keys:
        if len(heldout) < n_heldout:
            heldout.extend(groups[k])
        elif len(select) < n_select:
            select.extend(groups[k])
        else:
            train.extend(groups[k])
    pick = lambda idx: [(sents[i][0], sents[i][1]) for i in sorted(idx)]  # noqa: E731
    return {"train": pick(train), "select": pick(select), "heldout": pick(heldout)}


#: Evaluation corpora (``topicgraph eval-ner --corpus``): the GermEval ``heldout`` and ``select``
#: parts, and SmartData v3 dev+test (German news about companies and mobility, 458 documents; the
#: shipped model never trains on them: v1 documents that are in v3 dev/test are left out).
EVAL_CORPORA = ("heldout", "select", "smartdata-v3")


def eval_sentences(name: str, shared_dir=None) -> list[Sentence]:
    """The sentences of an evaluation corpus (:data:`EVAL_CORPORA`), mapped to the one label scheme."""
    if name in ("heldout", "select"):
        return germeval_split(shared_dir)[name]
    if name not in EVAL_CORPORA:
        raise ValueError(f"unknown evaluation corpus {name!r}; one of {', '.join(EVAL_CORPORA)}")
    return harmonize(load_corpus(name, shared_dir))


def write_eval_corpus(out_path: str | os.PathLike, name: str = "heldout", shared_dir=None) -> Path:
    """Write an evaluation corpus (:func:`eval_sentences`) as two-column ``token<TAB>IOB`` (for ``eval-ner``).

    Writes outside the repository (the data's sentences are never committed).
    """
    sentences = eval_sentences(name, shared_dir)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        for toks, tags in sentences:
            for t, g in zip(toks, tags):
                f.write(f"{t}\t{g}\n")
            f.write("\n")
    return out


def load_corpus(name: str, shared_dir=None) -> list[Sentence]:
    """Load one named training corpus.

    Names: ``germeval`` (train part of the split), ``smartdata`` (v1 minus v3
    dev/test, all sources), ``smartdata-news`` (same, news only), ``smartdata-v3``
    (v3 dev+test: evaluation only if ``smartdata`` is trained), ``mobie``
    (train+dev+test), ``ler`` (dev+test), ``ler-ents`` (only LER sentences with
    a PER/ORG/LOC span), ``wikiann`` (train), ``wikiann-dev``.
    """
    d = data_dir(shared_dir)
    if name == "germeval":
        return germeval_split(shared_dir)["train"]
    if name in ("smartdata", "smartdata-news"):
        paths = [d / "smartdata" / "v1_20180119_train.json.gz", d / "smartdata" / "v1_20180119_test.json.gz"]
        return read_smartdata_v1(paths, exclude_ids=smartdata_v3_ids(d),
                                 sources=["news"] if name == "smartdata-news" else None)
    if name == "smartdata-v3":
        return [s for n in ("dev", "test") for s in read_smartdata_v3(d / "smartdata" / f"v3_20200302_{n}.json.gz")]
    if name == "mobie":
        return [s for n in ("train", "dev", "test") for s in read_mobie(d / "mobie" / f"{n}.conll2003")]
    if name in ("ler", "ler-ents"):
        sents = [s for n in ("dev", "test") for s in read_ler(d / "german-ler" / f"ler_{n}.conll")]
        if name == "ler-ents":
            sents = [s for s in sents if any(t != "O" for t in s[1])]
        return sents
    if name == "wikiann":
        return read_wikiann(d / "wikiann-de" / "train-de.tsv")
    if name == "wikiann-dev":
        return read_wikiann(d / "wikiann-de" / "dev-de.tsv")
    raise ValueError(f"unknown corpus {name!r}")


# ------------------------------------------------------------------------- DocBin


def to_docbin(sentences: Iterable[Sentence], vocab=None, sentences_per_doc: int = 1):
    """Convert sentences to a spaCy ``DocBin`` (entities from the BIO tags).

    ``sentences_per_doc`` > 1 groups consecutive sentences into one Doc.
    """
    import spacy
    from spacy.tokens import Doc, DocBin

    if vocab is None:
        vocab = spacy.blank("de").vocab
    db = DocBin(store_user_data=False)
    buf_w: list[str] = []
    buf_t: list[str] = []
    n = 0

    def flush():
        nonlocal buf_w, buf_t
        if buf_w:
            db.add(Doc(vocab, words=buf_w, ents=repair_bio(buf_t)))
        buf_w, buf_t = [], []

    for toks, tags in sentences:
        buf_w.extend(toks)
        buf_t.extend(tags)
        n += 1
        if n % sentences_per_doc == 0:
            flush()
    flush()
    return db
