"""topicgraph: an editorial archive as a topic knowledge graph."""

__version__ = "0.1.0"
