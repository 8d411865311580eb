"""Train topicgraph's German NER (spaCy tok2vec + ner) from the corpora in ``../shared/data``.

Train with the shipped model's recipe (CPU, fixed seed)::

    PYTHONPATH=src python -m topicgraph.nlp.ner.train --output /tmp/ner-run --eval

which uses the ``SHIPPED_*`` settings below (corpora and weights, config overrides, vectors,
pretraining, fine-tuning, filter) and copies nothing: copy ``<output>/model-best`` to
``src/topicgraph/nlp/ner/model`` to ship it. (The shipped model was trained before the SmartData offset
fix, so the recipe now gives another model within the spread of seeds, not the same bytes:
row 44 of ner/README.md.)
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
# The shipped first stage stops by patience at step 4,000 (best select score at step 1,600).
SHIPPED_MAX_STEPS = 8000
# Static vectors of the shipped model: None (none), or the recipe of
# :func:`topicgraph.nlp.ner.vectors.build_vectors` (trained in the output directory first;
# needs gensim: ``pip install 'topicgraph[train]'``).
SHIPPED_VECTORS: dict[str, int] | None = dict(_VECTOR_RECIPE)
# Post-filter of the shipped model (see topicgraph.nlp.ner.filter): None (none) or the
# arguments of corpus_common_words.
SHIPPED_FILTER: dict[str, float] | None = {"min_count": 2, "max_share": 0.1}
# Pretraining of the tok2vec (see :func:`pretrain_tok2vec`) before the first stage: None
# (none) or its arguments. 21 epochs (about 40 minutes on one core) of spaCy's characters
# objective on the vector text (run 23 of the README table; 11, 31 and 41 epochs did worse: rows 36, 39, 40).
SHIPPED_PRETRAIN: dict[str, object] | None = {"epochs": 21, "objective": "characters"}
# Second stage of the shipped recipe (see :func:`finetune_ner`): the first stage's model-best
# (tok2vec + ner) trained on for a while on the GermEval train part only, at a tenth of the
# learning rate; None: no second stage. Learning rate chosen on the select part (run 20 of the README table).
# An optional key "augment" (arguments of augment.mention_replacement, e.g. {"copies": 1}) adds
# mention-replaced copies of the fine-tuning sentences; measured without gain (rows 25-27), so not used.
SHIPPED_FINETUNE: dict[str, object] | None = {"corpora": {"germeval": 1.0}, "learn_rate": 0.0001,
                                              "max_steps": 2000, "eval_frequency": 100, "patience": 800}

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
    but GermEval are harmonised (see :func:`topicgraph.nlp.ner.corpora.harmonize`).
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
              vectors: dict | str | Path | None = None, ner_filter: dict | bool | None = None,
              finetune: dict | bool | None = None, pretrain: dict | bool | None = None) -> Path:
    """Convert data to DocBin and run spaCy training; return the path of the best pipeline.

    With ``train_sentences`` (and optionally ``dev_sentences``) the shared data is
    not read at all (used by the tests). Output: ``output_dir/model-best`` (also
    ``model-last``), lang ``de``, components ``tok2vec`` and ``ner``.

    ``vectors``: static word vectors for the tok2vec, either a vector recipe (dict,
    see :func:`topicgraph.nlp.ner.vectors.build_vectors`; trained into
    ``output_dir/vectors`` first) or the path of a spaCy pipeline that has vectors.
    Default: :data:`SHIPPED_VECTORS` when ``use_shipped_overrides``, else none.
    ``ner_filter``: add the common-word post-filter (:mod:`topicgraph.nlp.ner.filter`) to
    the trained pipelines; a dict of :func:`~topicgraph.nlp.ner.filter.corpus_common_words`
    arguments, ``False`` for none; default :data:`SHIPPED_FILTER` when
    ``use_shipped_overrides``. With ``train_sentences`` the word list comes from them.
    ``finetune``: a second stage (:func:`finetune_ner`, arguments as in
    :data:`SHIPPED_FINETUNE`, whose ``corpora`` are ignored with ``train_sentences``): the
    first stage then trains into ``output_dir/base`` and the fine-tuned pipelines are
    ``output_dir/model-best`` and ``model-last``; ``False`` for none; default
    :data:`SHIPPED_FINETUNE` when ``use_shipped_overrides``. ``pretrain``: pretrain the
    tok2vec first (:func:`pretrain_tok2vec` with these arguments, into ``pretrain/`` of the
    first stage's directory; on the tokens of ``train_sentences`` if given) and start the
    first stage from it; ``False`` for none; default :data:`SHIPPED_PRETRAIN` when
    ``use_shipped_overrides``.
    """
    from spacy.cli.train import train as spacy_train

    final = Path(output_dir)
    if finetune is None and use_shipped_overrides:
        finetune = SHIPPED_FINETUNE
    out = final / "base" if finetune else final
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
    ov: dict[str, object] = {}
    if use_shipped_overrides:
        ov.update(SHIPPED_OVERRIDES)
    ov.update(overrides or {})
    ov.update(_write_corpus(out, train_sentences, dev_sentences))
    ov["system.seed"] = seed
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
    if pretrain is None and use_shipped_overrides:
        pretrain = SHIPPED_PRETRAIN
    if pretrain:
        params = pretrain if isinstance(pretrain, dict) else {}
        raw = [toks for toks, _ in train_sentences] if given_sentences else None
        ov["paths.init_tok2vec"] = str(pretrain_tok2vec(out / "pretrain", vectors or None, shared_dir, seed=seed,
                                                        sentences=raw, config_path=config_path, verbose=verbose,
                                                        **params))
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
    config_path = Path(config_path or CONFIG_PATH)
    if ov.get("paths.init_tok2vec"):  # spaCy ignores the weights unless [pretraining] is filled
        with_pretraining(config_path).to_disk(out / "config-pretrained.cfg")
        config_path = out / "config-pretrained.cfg"
    spacy_train(config_path, out, overrides=ov, use_gpu=-1)
    best = out / "model-best"
    if not best.exists():
        best = out / "model-last"
    models = [out / "model-best", out / "model-last"]
    if finetune:
        ft, ft_train, _ = _finetune_data(finetune, shared_dir, seed, train_sentences if given_sentences else None)
        best = finetune_ner(final, best, ft_train, dev_sentences, seed=seed, verbose=verbose, **ft)
        models += [final / "model-best", final / "model-last"]
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
    _finish(models, words, sources)
    return best


def _write_corpus(out: Path, train_sentences: list[Sentence], dev_sentences: list[Sentence]) -> dict[str, str]:
    """The sentences as DocBin files in ``out/corpus``; returns the config overrides that name them."""
    corpus_dir = out / "corpus"
    corpus_dir.mkdir(parents=True, exist_ok=True)
    to_docbin(train_sentences).to_disk(corpus_dir / "train.spacy")
    to_docbin(dev_sentences).to_disk(corpus_dir / "dev.spacy")
    return {"paths.train": str(corpus_dir / "train.spacy"), "paths.dev": str(corpus_dir / "dev.spacy")}


def _finish(models: list[Path], words, sources: list[str]) -> None:
    """Add the common-word post-filter (unless ``words`` is None) and the meta to each model that exists."""
    for model in models:
        if model.exists():
            if words is not None:
                from .filter import add_filter

                add_filter(model, words)
            _write_meta(model, sources)


def with_pretraining(config_path=None):
    """``config.cfg`` (or ``config_path``) with spaCy's default ``[pretraining]`` section.

    spaCy loads ``initialize.init_tok2vec`` only when ``[pretraining]`` is filled (it names
    the component and layer the weights belong to); with the empty section of ``config.cfg``
    the weights would be ignored without a word.
    """
    import spacy
    from spacy.util import load_config

    cfg = load_config(Path(config_path or CONFIG_PATH), interpolate=False)
    defaults = load_config(Path(spacy.__file__).parent / "default_config_pretraining.cfg", interpolate=False)
    cfg = defaults.merge(cfg)
    cfg["pretraining"].update(defaults["pretraining"])
    return cfg


def pretrain_tok2vec(output_dir, vectors=None, shared_dir=None, epochs: int = 20, seed: int = 42,
                     sentences: list[list[str]] | None = None, objective: str = "characters",
                     config_path=None, verbose: bool = True) -> Path:
    """``spacy pretrain`` the tok2vec of ``config.cfg`` on raw text; return the weights file.

    The text is :func:`topicgraph.nlp.ner.vectors.raw_sentences` (the same shippable text as
    the static vectors; never 10kGNAD, never the GermEval ``heldout``/``select`` parts),
    or ``sentences``. ``vectors``: the static-vectors pipeline the tok2vec will use (its
    architecture must match the training run's). ``objective``: ``characters`` (predict
    each word's first and last 4 characters) or ``vectors``. Use the result as
    ``paths.init_tok2vec``.
    """
    import srsly
    from spacy.training.pretrain import pretrain

    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    if sentences is None:
        from .vectors import raw_sentences

        sentences = raw_sentences(shared_dir)
    raw = out / "raw.jsonl"
    srsly.write_jsonl(raw, ({"text": " ".join(toks)} for toks in sentences))
    cfg = with_pretraining(config_path)
    cfg["pretraining"]["max_epochs"] = epochs
    if objective == "vectors":
        cfg["pretraining"]["objective"] = {"@architectures": "spacy.PretrainVectors.v1", "maxout_pieces": 3,
                                           "hidden_size": 300, "loss": "cosine"}
    cfg["paths"]["raw_text"] = str(raw)
    cfg["system"]["seed"] = seed
    if vectors:
        cfg["paths"]["vectors"] = str(vectors)
        cfg["components"]["tok2vec"]["model"]["embed"]["include_static_vectors"] = True
    if verbose:
        print(f"pretrain: {len(sentences)} sentences, {epochs} epochs, objective {objective}", file=sys.stderr)
    pretrain(cfg.interpolate(), out, silent=not verbose)
    return out / f"model{epochs - 1}.bin"


def _finetune_data(finetune: dict, shared_dir, seed: int, sentences: list[Sentence] | None = None,
                   corpora: dict | None = None) -> tuple[dict, list[Sentence], list[Sentence] | None]:
    """A fine-tuning stage's arguments for :func:`finetune_ner` (``finetune`` without its data keys),
    its training sentences and, when read from the corpora, their dev part. The sentences are
    ``sentences`` if given, else the corpora ``corpora`` (default: the stage's ``corpora``, else
    GermEval), plus mention-replaced copies if the stage has ``augment``."""
    ft = dict(finetune)
    stage_corpora = ft.pop("corpora", None)
    augment = ft.pop("augment", None)
    dev = None
    if sentences is None:
        sentences, dev = build_train_data(shared_dir, corpora or stage_corpora or {"germeval": 1.0}, None, seed)
    return ft, with_mention_replacement(sentences, augment, seed), dev


def with_mention_replacement(sentences: list[Sentence], augment: dict | None, seed: int = 42) -> list[Sentence]:
    """``sentences`` plus mention-replaced copies (:func:`topicgraph.nlp.ner.augment.mention_replacement`
    with the arguments ``augment``, e.g. ``{"copies": 1}``), shuffled with ``seed``; unchanged if
    ``augment`` is empty. Measured in the fine-tuning stage (README table, rows 25-27): no gain."""
    if not augment:
        return sentences
    from .augment import mention_replacement

    out = list(sentences) + mention_replacement(sentences, seed=seed, **augment)
    random.Random(seed).shuffle(out)
    return out


def finetune_ner(output_dir, source, train_sentences: list[Sentence], dev_sentences: list[Sentence],
                 learn_rate: float = 0.0001, max_steps: int = 2000, eval_frequency: int = 100,
                 patience: int = 800, seed: int = 42, verbose: bool = True, config_path=None,
                 overrides: dict | None = None) -> Path:
    """Train the ``tok2vec`` and ``ner`` of the pipeline ``source`` on for a while; return model-best.

    The two components are sourced from ``source`` (with its static vectors, if it has
    any) and trained on ``train_sentences`` with ``learn_rate``; ``dev_sentences`` chooses
    ``output_dir/model-best``. Other settings (dropout, batches, optimizer) are those of
    ``config.cfg`` plus ``overrides`` (config key -> value). No filter and no meta are added
    here (:func:`train_ner` does both).
    """
    from spacy.cli.train import train as spacy_train
    from spacy.util import load_config

    import spacy

    out = Path(output_dir)
    src = Path(source).resolve()
    corpus = _write_corpus(out, train_sentences, dev_sentences)
    cfg = load_config(Path(config_path or CONFIG_PATH))
    cfg["components"] = {"tok2vec": {"source": str(src)}, "ner": {"source": str(src)}}
    cfg_path = out / "finetune.cfg"
    cfg.to_disk(cfg_path)
    has_vectors = spacy.load(src, exclude=["tok2vec", "ner"]).vocab.vectors.shape[0] > 0
    ov: dict[str, object] = {
        **corpus,
        "paths.vectors": str(src) if has_vectors else None,
        "system.seed": seed,
        "training.optimizer.learn_rate": learn_rate,
        "training.max_steps": max_steps,
        "training.eval_frequency": eval_frequency,
        "training.patience": patience,
        **(overrides or {}),
    }
    if verbose:
        print(f"fine-tune {src}: {len(train_sentences)} sentences, dev: {len(dev_sentences)}; overrides {ov}",
              file=sys.stderr)
    spacy_train(cfg_path, out, overrides=ov, use_gpu=-1)
    best = out / "model-best"
    return best if best.exists() else out / "model-last"


def finetune_shipped(output_dir, source, shared_dir=None, corpora: dict | None = None, seed: int = 42,
                     finetune: dict | None = None, ner_filter: bool = True) -> Path:
    """The second stage of the shipped recipe alone, on an existing pipeline ``source``
    (``corpora``: its training data instead of the recipe's); filter and meta as in :func:`train_ner`."""
    ft, train, dev = _finetune_data(finetune or SHIPPED_FINETUNE or {}, shared_dir, seed, corpora=corpora)
    best = finetune_ner(output_dir, source, train, dev, seed=seed, **ft)
    words = None
    if ner_filter and SHIPPED_FILTER:
        from .filter import corpus_common_words

        words = corpus_common_words(shared_dir, **SHIPPED_FILTER)
    sources = json.loads((Path(source) / "meta.json").read_text(encoding="utf-8")).get("sources", [])
    _finish([Path(output_dir) / "model-best", Path(output_dir) / "model-last"], words,
            [s["citation"] for s in sources])
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
        return dict(_VECTOR_RECIPE)
    dim, sep, rows = spec.partition(":")
    if sep and dim.isdigit() and rows.isdigit():
        return {**_VECTOR_RECIPE, "dim": int(dim), "rows": int(rows)}
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
    ap.add_argument("--no-finetune", action="store_true", help="leave out the second stage (fine-tuning on GermEval)")
    ap.add_argument("--finetune-from", default=None, metavar="PIPELINE",
                    help="skip the first stage: fine-tune this pipeline (second stage of the shipped recipe; "
                         "--corpora then sets its training data)")
    ap.add_argument("--learn-rate", type=float, default=None, help="learning rate of the fine-tuning stage")
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
    finetune = None if not (a.no_finetune or a.no_shipped_overrides) else False
    if a.learn_rate is not None or a.finetune_from:
        finetune = dict(SHIPPED_FINETUNE or {})
        if a.learn_rate is not None:
            finetune["learn_rate"] = a.learn_rate
    if a.finetune_from:
        best = finetune_shipped(a.output, a.finetune_from, a.shared, corpora, a.seed, finetune,
                                ner_filter=not a.no_filter)
    else:
        best = train_ner(a.output, a.shared, corpora, a.max_sentences, a.seed, a.max_steps,
                         a.eval_frequency, a.patience, ov, use_shipped_overrides=not a.no_shipped_overrides,
                         vectors=parse_vectors(a.vectors), ner_filter=False if a.no_filter else None,
                         finetune=finetune)
    minutes = (time.time() - t0) / 60
    print(f"model: {best} ({dir_size(best) / 1e6:.1f} MB, {minutes:.1f} min)")
    if a.eval:
        from .corpora import write_eval_corpus
        from .evaluate import evaluate_ner, format_report

        held = write_eval_corpus(Path(tempfile.gettempdir()) / "topicgraph-eval-heldout.tsv", "heldout", a.shared)
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
