"""Entity resolution between extraction and graph, on two levels.

* In the article (this package: :mod:`.spans`, :mod:`.acronyms`, :mod:`.article`): NER spans are cleaned (leading role
  and title words, trailing common words, headline/dateline boundaries, parenthesised codes), acronyms
  are paired with their long form (Schwartz–Hearst) and short names go to a full name earlier in the
  same article.
* Across the archive (:mod:`.keys` here, :mod:`topicgraph.pipeline.resolve` for the pass over the store): nodes whose names normalise to one key, a lone
  name that abbreviates exactly one node, and an acronym seen beside its long form elsewhere become one
  node with the majority type; every merge is recorded with its rule and evidence (in the named graph ``tgg:resolution``).
"""

from .article import resolve_article
from .spans import clean_spans

__all__ = ["clean_spans", "resolve_article"]
