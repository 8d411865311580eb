"""Bring your own vocabulary: SKOS thesauri and entity lists as the store's knowledge base.

* :mod:`.read`: a SKOS file (any RDF syntax rdflib reads) or a CSV entity list -> triples in the KB's terms
* :mod:`.registry`: which vocabularies a store uses (``<store>/vocabularies.toml``) and its knowledge base
* :mod:`.storage`: each vocabulary in its own named graph of the store, with provenance
* :mod:`.check`: quality checks; :mod:`.apply`: re-linking the stored articles
"""

from .read import VocabError, read_vocabulary
from .registry import add_vocabulary, read_manifest, remove_vocabulary, store_kb

__all__ = ["VocabError", "add_vocabulary", "read_manifest", "read_vocabulary", "remove_vocabulary", "store_kb"]
