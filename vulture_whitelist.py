"""Names vulture (``vulture src/topicgraph vulture_whitelist.py --min-confidence 80``) reports that are used,
each with the reason (checked by tests/test_dead_code.py)."""

# spaCy's serialisation protocol: to_disk/from_disk take ``exclude`` whether they use it or not
exclude  # noqa: F821  (nlp/ner/filter.py, NerFilter.to_disk / from_disk)
