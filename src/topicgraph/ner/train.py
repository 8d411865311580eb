"""Train topicgraph's German NER (spaCy tok2vec + ner) from the corpora in ``../shared/data``.

Reproduce the shipped model (CPU, fixed seed)::

    PYTHONPATH=src python -m topicgraph.ner.train --output /tmp/ner-run --eval

which uses :data:`SHIPPED_RECIPE` (corpora and weights, config overrides) and
copies nothing: copy ``<output>/model-best`` to ``src/topicgraph/ner/model``.
From the package CLI: ``topicgraph train-ner --output DIR``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from .corpora import Sentence, germeval_split, harmonize, load_corpus, to_docbin
from .vectors import SHIPPED_VECTORS as _VECTOR_RECIPE

CONFIG_PATH = Path(__file__).parent / "config.cfg"

# Corpora and weights of the shipped model. A weight w repeats a corpus int(w)
# times plus a seeded fraction (w - int(w)); 0.5 = a seeded half.
SHIPPED_CORPORA: dict[str, float] = {"germeval": 3.0, "smartdata": 1.0, "mobie": 1.0, "wikiann": 0.5}
# Config overrides of the shipped model (on top of config.cfg).
SHIPPED_OVERRIDES: dict[str, object] = {
    "training.patience": 2400,
    "training.eval_frequency": 400,
}
# The shipped run stops by patience at step 4,000 (best select score at step 1,600).
SHIPPED_MAX_STEPS = 8000
# Static vectors of the shipped model: None (none), or the recipe of
# :func:`topicgraph.ner.vectors.build_vectors` (trained in the output directory first;
# needs gensim: ``pip install 'topicgraph[train]'``).
SHIPPED_VECTORS: dict[str, int] | None = dict(_VECTOR_RECIPE)
# Post-filter of the shipped model (see topicgraph.ner.filter): None (none) or the
# arguments of corpus_common_words.
SHIPPED_FILTER: dict[str, float] | None = {"min_count": 2, "max_share": 0.1}

ATTRIBUTION = [
    "GermEval 2014 NER data (1,500-sentence part of the dev split), CC BY 4.0: Benikova, Biemann, "
    "Reznicek (2014), NoSta-D Named Entity Annotation for German: Guidelines and Dataset, LREC 2014; "
    "Benikova, Biemann, Kisselew, Pado (2014), GermEval 2014 NER Shared Task, KONVENS 2014.",
]
SOURCE_ATTRIBUTION = {
    "germeval": ATTRIBUTION[0],
    "smartdata": "DFKI SmartData Corpus v1, CC BY 4.0: Schiersch, Mironova, Schmitt, Thomas, Gabryszak, "
                 "Hennig (2018), A German Corpus for Fine-Grained Named Entity Recognition and Relation "
                 "Extraction of Traffic and Industry Events, LREC 2018.",
    "mobie": "MobIE, CC BY 4.0: Hennig, Truong, Gabryszak (2021), MobIE: A German Dataset for Named Entity "
             "Recognition, Entity Linking and Relation Extraction in the Mobility Domain, KONVENS 2021.",
    "ler": "German LER (dev and test splits), CC BY 4.0: Leitner, Rehm, Moreno-Schneider (2019), "
           "Fine-grained Named Entity Recognition in Legal Documents, SEMANTiCS 2019.",
    "wikiann": "WikiANN / PAN-X German (silver annotations of Wikipedia text), CC BY-SA 3.0: Pan, Zhang, May, Nothman, "
               "Knight, Ji (2017), Cross-lingual Name Tagging and Linking for 282 Languages, ACL 2017; "
               "Rahimi, Li, Cohn (2019), Massively Multilingual Transfer for NER, ACL 2019.",
}


def attribution_for(corpora) -> list[str]:
    seen, out = set(), []
    for name in corpora:
        key = name.split("-")[0]
        if key in SOURCE_ATTRIBUTION and key not in seen:
            seen.add(key)
            out.append(SOURCE_ATTRIBUTION[key])
    return out


def _weighted(sents: list[Sentence], weight: float, rng: random.Random) -> list[Sentence]:
    whole = int(weight)
    out = list(sents) * whole
    frac = weight - whole
    if frac > 0:
        out += rng.sample(sents, int(round(frac * len(sents))))
    return out


def build_train_data(shared_dir=None, corpora=None, max_sentences: int | None = None,
                     seed: int = 42) -> tuple[list[Sentence], list[Sentence]]:
    """(train, dev) sentences. ``corpora``: names or ``{name: weight}`` (see :func:`load_corpus`).

    Dev is the GermEval ``select`` part (never the ``heldout`` part). All corpora
    but GermEval are harmonised (see :func:`topicgraph.ner.corpora.harmonize`).
    """
    if corpora is None:
        corpora = SHIPPED_CORPORA
    if not isinstance(corpora, dict):
        corpora = {c: 1.0 for c in corpora}
    rng = random.Random(seed)
    train: list[Sentence] = []
    for name, w in corpora.items():
        sents = load_corpus(name, shared_dir)
        if name != "germeval":
            sents = harmonize(sents)
        train.extend(_weighted(sents, float(w), rng))
    rng.shuffle(train)
    if max_sentences is not None:
        train = train[:max_sentences]
    dev = germeval_split(shared_dir)["select"]
    return train, dev


def train_ner(output_dir, shared_dir=None, corpora=None, max_sentences: int | None = None,
              seed: int = 42, max_steps: int | None = None, eval_frequency: int | None = None,
              patience: int | None = None, overrides: dict | None = None,
              train_sentences: list[Sentence] | None = None, dev_sentences: list[Sentence] | None = None,
              config_path=None, use_shipped_overrides: bool = True, verbose: bool = True,
              vectors: dict | str | Path | None = None, ner_filter: dict | bool | None = None) -> Path:
    """Convert data to DocBin and run spaCy training; return the path of the best pipeline.

    With ``train_sentences`` (and optionally ``dev_sentences``) the shared data is
    not read at all (used by the tests). Output: ``output_dir/model-best`` (also
    ``model-last``), lang ``de``, components ``tok2vec`` and ``ner``.

    ``vectors``: static word vectors for the tok2vec, either a vector recipe (dict,
    see :func:`topicgraph.ner.vectors.build_vectors`; trained into
    ``output_dir/vectors`` first) or the path of a spaCy pipeline that has vectors.
    Default: :data:`SHIPPED_VECTORS` when ``use_shipped_overrides``, else none.
    ``ner_filter``: add the common-word post-filter (:mod:`topicgraph.ner.filter`) to
    the trained pipelines; a dict of :func:`~topicgraph.ner.filter.corpus_common_words`
    arguments, ``False`` for none; default :data:`SHIPPED_FILTER` when
    ``use_shipped_overrides``. With ``train_sentences`` the word list comes from them.
    """
    from spacy.cli.train import train as spacy_train

    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    given_sentences = train_sentences is not None
    if train_sentences is None:
        names = list(corpora or SHIPPED_CORPORA)
        train_sentences, dev0 = build_train_data(shared_dir, corpora, max_sentences, seed)
        dev_sentences = dev_sentences or dev0
        sources = attribution_for(names)
    else:
        if max_sentences is not None:
            train_sentences = train_sentences[:max_sentences]
        dev_sentences = dev_sentences or train_sentences
        sources = []
    corpus_dir = out / "corpus"
    corpus_dir.mkdir(exist_ok=True)
    to_docbin(train_sentences).to_disk(corpus_dir / "train.spacy")
    to_docbin(dev_sentences).to_disk(corpus_dir / "dev.spacy")

    ov: dict[str, object] = {}
    if use_shipped_overrides:
        ov.update(SHIPPED_OVERRIDES)
    ov.update(overrides or {})
    ov.update({
        "paths.train": str(corpus_dir / "train.spacy"),
        "paths.dev": str(corpus_dir / "dev.spacy"),
        "system.seed": seed,
    })
    if vectors is None and use_shipped_overrides:
        vectors = SHIPPED_VECTORS
    if isinstance(vectors, dict):
        from .vectors import VECTOR_CORPORA, build_vectors

        vectors = build_vectors(out / "vectors", shared_dir, seed=seed, verbose=verbose, **vectors)
        if not given_sentences:  # the vectors are in the model: credit their text too
            names += VECTOR_CORPORA
            sources = attribution_for(names)
    if vectors:
        ov["paths.vectors"] = str(vectors)
        ov["components.tok2vec.model.embed.include_static_vectors"] = True
    if max_steps is None and use_shipped_overrides:
        max_steps = SHIPPED_MAX_STEPS
    if max_steps is not None:
        ov["training.max_steps"] = max_steps
    if eval_frequency is not None:
        ov["training.eval_frequency"] = eval_frequency
    if patience is not None:
        ov["training.patience"] = patience
    if verbose:
        print(f"train: {len(train_sentences)} sentences, dev: {len(dev_sentences)}; overrides {ov}",
              file=sys.stderr)
    spacy_train(Path(config_path or CONFIG_PATH), out, overrides=ov, use_gpu=-1)
    best = out / "model-best"
    if not best.exists():
        best = out / "model-last"
    if ner_filter is None and use_shipped_overrides:
        ner_filter = SHIPPED_FILTER
    words = None
    if ner_filter:
        from .filter import common_words, corpus_common_words

        params = ner_filter if isinstance(ner_filter, dict) else {}
        words = (common_words(train_sentences, **params) if given_sentences
                 else corpus_common_words(shared_dir, **params))
        if not given_sentences:  # so is the word list
            from .names import LEXICON_CORPORA

            names += LEXICON_CORPORA
            sources = attribution_for(names)
    for model in (out / "model-best", out / "model-last"):
        if model.exists():
            if words is not None:
                from .filter import add_filter

                add_filter(model, words)
            _write_meta(model, sources)
    return best


def _write_meta(model: Path, sources: list[str]) -> None:
    meta_path = model / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update({
        "name": "topicgraph_ner",
        "version": "0.1.0",
        "description": "topicgraph's German NER (PER, ORG, LOC): spaCy tok2vec + ner trained on "
                       "openly licensed German corpora (see sources).",
        "author": "topicgraph",
        "license": "CC BY-SA 4.0" if any("CC BY-SA" in s for s in sources) else "CC BY 4.0",
        "sources": [{"name": s.split(", CC BY")[0], "citation": s} for s in sources],
    })
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def parse_corpora(spec: str | None) -> dict[str, float] | None:
    """``"germeval:3,smartdata:1"`` -> ``{"germeval": 3.0, "smartdata": 1.0}``; None for the shipped recipe."""
    if not spec:
        return None
    corpora: dict[str, float] = {}
    for item in spec.split(","):
        name, _, weight = item.strip().partition(":")
        try:
            corpora[name] = float(weight or 1)
        except ValueError:
            raise ValueError(f"--corpora: bad weight in {item!r} (expected NAME:NUMBER)") from None
    return corpora


def parse_vectors(spec: str | None):
    """``--vectors`` value -> argument of :func:`train_ner` (``False`` = no vectors)."""
    if spec is None:
        return None
    if spec == "none":
        return False
    if spec == "train":
        from .vectors import SHIPPED_VECTORS as recipe

        return dict(recipe)
    dim, sep, rows = spec.partition(":")
    if sep and dim.isdigit() and rows.isdigit():
        from .vectors import SHIPPED_VECTORS as recipe

        return {**recipe, "dim": int(dim), "rows": int(rows)}
    path = Path(spec)
    if not path.is_dir():
        raise SystemExit(f"--vectors: {spec!r} is not 'none', 'train', DIM:ROWS or a pipeline directory")
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--output", required=True)
    ap.add_argument("--shared", default=None)
    ap.add_argument("--corpora", default=None, help="e.g. germeval:3,smartdata-news:1 (default: shipped recipe)")
    ap.add_argument("--max-sentences", type=int, default=None)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument("--eval-frequency", type=int, default=None)
    ap.add_argument("--patience", type=int, default=None)
    ap.add_argument("--override", action="append", default=[], help="config key=value (JSON value)")
    ap.add_argument("--no-shipped-overrides", action="store_true")
    ap.add_argument("--vectors", default=None,
                    help="static vectors: 'none', 'train' (the shipped vector recipe), DIM:ROWS, or a spaCy "
                         "pipeline path with vectors (default: the shipped recipe's choice)")
    ap.add_argument("--no-filter", action="store_true", help="do not add the common-word post-filter")
    ap.add_argument("--eval", action="store_true", help="score model-best on the GermEval heldout part")
    ap.add_argument("--log", default=None, help="append a JSON line with the result here")
    ap.add_argument("--tag", default="")
    a = ap.parse_args(argv)
    corpora = parse_corpora(a.corpora)
    ov = {}
    for item in a.override:
        k, _, v = item.partition("=")
        try:
            ov[k] = json.loads(v)
        except json.JSONDecodeError:
            ov[k] = v
    t0 = time.time()
    best = train_ner(a.output, a.shared, corpora, a.max_sentences, a.seed, a.max_steps,
                     a.eval_frequency, a.patience, ov, use_shipped_overrides=not a.no_shipped_overrides,
                     vectors=parse_vectors(a.vectors), ner_filter=False if a.no_filter else None)
    minutes = (time.time() - t0) / 60
    print(f"model: {best} ({dir_size(best) / 1e6:.1f} MB, {minutes:.1f} min)")
    if a.eval:
        from .corpora import write_germeval_heldout
        from .evaluate import evaluate_ner, format_report

        held = write_germeval_heldout(Path(tempfile.gettempdir()) / "topicgraph-germeval-heldout.tsv", a.shared)
        rep = evaluate_ner(held, str(best))
        print(format_report(rep))
        if a.log:
            with open(a.log, "a", encoding="utf-8") as f:
                f.write(json.dumps({"tag": a.tag, "corpora": corpora, "overrides": ov, "max_steps": a.max_steps,
                                    "vectors": a.vectors,
                                    "minutes": round(minutes, 1), "size_mb": round(dir_size(best) / 1e6, 1),
                                    "overall": rep["overall"], "labels": rep["labels"],
                                    "wps": rep["words_per_second"]}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
