"""The root of topicgraph's own errors: bad input or state the user can act on, told in one line."""


class TopicgraphError(Exception):
    """Base of every error topicgraph raises on purpose; its message is one line for the user."""


class ParameterError(TopicgraphError, ValueError):
    """A bad value of a named parameter of a library function. Its message names the parameter as Python
    does (``max_nodes 0: must be at least 1``); the command line shows it as its option (``--max-nodes``)."""

    def __init__(self, parameter: str, problem: str) -> None:
        super().__init__(f"{parameter} {problem}")
        self.parameter, self.problem = parameter, problem

    def as_option(self) -> str:
        """The message with the parameter written as a command-line option."""
        return f"--{self.parameter.replace('_', '-')} {self.problem}"
