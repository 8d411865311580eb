"""The nlp stage: spaCy pipeline (statistical NER + ontology gazetteer) and entity linking."""

from .extract import Extractor, extract_article
from .gazetteer import Gazetteer
from .pipeline import build_pipeline

__all__ = ["Extractor", "Gazetteer", "build_pipeline", "extract_article"]
