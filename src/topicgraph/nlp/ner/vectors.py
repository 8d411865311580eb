"""Static German word vectors for the NER, trained by the project on shippable raw text.

The text is the tokens of the openly licensed corpora the NER may ship from
(:data:`VECTOR_CORPORA`: WikiANN-de train+dev (CC BY-SA), German LER, SmartData v1,
MobIE and the GermEval *train* part, all CC BY 4.0). Never 10kGNAD (non-commercial)
and never the GermEval ``heldout``/``select`` parts. The vectors are trained with
gensim skip-gram word2vec (or FastText with ``subwords``; one worker, fixed seed and a
stable string hash: reproducible), written as word2vec text and
turned into a spaCy vectors table with ``spacy init vectors --prune ROWS`` (words
beyond the ``ROWS`` most frequent keep a key that points to their nearest kept row),
so the table stays small enough for the shipped model (≤ 25 MB).

gensim is needed only here: ``pip install 'topicgraph[train]'``.
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Iterable
from pathlib import Path

from .corpora import load_corpus

# Raw-text sources for the vectors (names of :func:`topicgraph.nlp.ner.corpora.load_corpus`).
VECTOR_CORPORA = ("germeval", "wikiann", "wikiann-dev", "ler", "smartdata", "mobie")
# Vector recipe of the shipped model.
SHIPPED_VECTORS: dict[str, int | bool] = {"dim": 100, "rows": 20000, "epochs": 10, "window": 5, "min_count": 2,
                                          "subwords": False}


def _stable_hash(s) -> int:
    """Deterministic string hash (Python's ``hash`` is salted per process)."""
    return zlib.crc32(str(s).encode("utf-8"))


def raw_sentences(shared_dir=None, corpora: Iterable[str] = VECTOR_CORPORA) -> list[list[str]]:
    """Token lists of the raw-text corpora (labels are not used)."""
    out: list[list[str]] = []
    for name in corpora:
        out.extend(toks for toks, _ in load_corpus(name, shared_dir))
    return out


def train_vectors(sentences: list[list[str]], out_txt: str | Path, dim: int = 100, epochs: int = 10,
                  window: int = 5, min_count: int = 2, seed: int = 42, subwords: bool = True) -> int:
    """Train skip-gram vectors (FastText with character n-grams, or plain word2vec without
    ``subwords``; one thread, fixed seed) and write word2vec text; return the word count."""
    try:
        from gensim.models import FastText, Word2Vec
    except ImportError:
        raise SystemExit("static vectors need gensim: pip install 'topicgraph[train]'") from None
    common = dict(vector_size=dim, window=window, min_count=min_count, sg=1, workers=1, seed=seed,
                  hashfxn=_stable_hash)
    model = (FastText(min_n=3, max_n=5, bucket=200_000, **common) if subwords else Word2Vec(**common))
    model.build_vocab(corpus_iterable=sentences)
    model.train(corpus_iterable=sentences, total_examples=len(sentences), epochs=epochs)
    wv = model.wv
    out_txt = Path(out_txt)
    with open(out_txt, "w", encoding="utf-8") as f:
        f.write(f"{len(wv.index_to_key)} {dim}\n")
        for word in wv.index_to_key:  # most frequent first: --prune keeps the head
            f.write(word + " " + " ".join(f"{x:.5f}" for x in wv[word]) + "\n")
    return len(wv.index_to_key)


def build_vectors(output_dir, shared_dir=None, dim: int = 100, rows: int = 20000, epochs: int = 10,
                  window: int = 5, min_count: int = 2, seed: int = 42, subwords: bool = True, sentences=None,
                  verbose: bool = True) -> Path:
    """Train vectors and convert them to a spaCy vectors pipeline in ``output_dir``; return its path.

    Pass the result as ``paths.vectors`` and set
    ``components.tok2vec.model.embed.include_static_vectors = true``.
    """
    import spacy
    from spacy.training.initialize import convert_vectors

    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    if sentences is None:
        sentences = raw_sentences(shared_dir)
    txt = out / "vectors.txt"
    n = train_vectors(sentences, txt, dim=dim, epochs=epochs, window=window, min_count=min_count, seed=seed,
                      subwords=subwords)
    if verbose:
        ntok = sum(len(s) for s in sentences)
        print(f"vectors: {len(sentences)} sentences, {ntok} tokens, {n} words x {dim} -> {rows} rows",
              file=sys.stderr)
    model_dir = out / "vectors-model"
    nlp = spacy.blank("de")
    convert_vectors(nlp, txt, truncate=0, prune=min(rows, n) if rows else -1, attr="ORTH")
    nlp.to_disk(model_dir)
    txt.unlink()
    return model_dir
