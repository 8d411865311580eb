"""Text repair: decoding bytes (BOMs, UTF-8, cp1252 fallback), mojibake undone, NFC."""

from __future__ import annotations

import codecs
import re
import unicodedata

import ftfy

from .errors import SourceError, Warnings

#: Share of control or replacement characters above which decoded text counts as binary.
MAX_GARBAGE_SHARE = 0.05

_MAC_ROMAN_MARKERS = re.compile(r"√[§ºüÑ∂∏ñ©†°•]|‚Ä[ìîúùòôú¶¢]|‚Ç¨")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+(?:[\x00-\x7f]?[^\x00-\x7f]+)*")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_GARBAGE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


def _fix_mac_roman_run(match: re.Match[str]) -> str:
    run = match.group()
    try:
        return run.encode("mac_roman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return run


_ENCODING_STEPS = {"encode", "decode", "transcode"}


def repair_text(text: str, warnings: Warnings | None = None) -> str:
    """Undo mojibake (UTF-8 read as Mac Roman, cp1252 or latin-1) and normalise to NFC.

    Lone surrogates (from JSON escapes) become U+FFFD; a repair is noted in ``warnings``.
    """
    text = _LONE_SURROGATE.sub("\ufffd", text)
    repaired = False
    if _MAC_ROMAN_MARKERS.search(text):
        fixed = _NON_ASCII_RUN.sub(_fix_mac_roman_run, text)
        repaired, text = fixed != text, fixed
    explained = ftfy.fix_and_explain(text, uncurl_quotes=False, normalization="NFC")
    if any(step[0] in _ENCODING_STEPS for step in explained.explanation or ()):
        repaired = True
    if repaired and warnings is not None:
        warnings.append("mis-encoded text (mojibake) repaired")
    return unicodedata.normalize("NFC", explained.text)


def _decode(raw: bytes, encoding: str, warnings: Warnings | None, name: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        if warnings is not None:
            warnings.append(f"invalid {name} at byte {exc.start}; unreadable characters replaced")
        return raw.decode(encoding, errors="replace")


def decode_bytes(raw: bytes, warnings: Warnings | None = None) -> str:
    """Decode file bytes: BOMs honoured, UTF-8 preferred, cp1252 as the fallback (noted in ``warnings``).

    Raises SourceError for binary data (NUL bytes, or mostly control characters).
    """
    text: str | None = None
    for bom, encoding, name in (
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
    ):
        if raw.startswith(bom):
            text = _decode(raw, encoding, warnings, name)
            break
    if text is None:
        if b"\x00" in raw[:4096]:
            raise SourceError("binary file (contains NUL bytes)")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            if warnings is not None:
                warnings.append("not UTF-8: read as Windows-1252 (Latin-1)")
            text = raw.decode("cp1252", errors="replace")
    sample = text[:65536]
    if sample and len(_GARBAGE.findall(sample)) > MAX_GARBAGE_SHARE * len(sample):
        raise SourceError("binary file (mostly control characters)")
    return text
