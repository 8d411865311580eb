"""The root of topicgraph's own errors: bad input or state the user can act on, told in one line."""


class TopicgraphError(Exception):
    """Base of every error topicgraph raises on purpose; its message is one line for the user."""
