"""The knowledge base: the shipped ontology and vocabularies, and the editors' curation of them."""
