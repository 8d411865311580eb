"""Who may read and write through ``serve``: bearer tokens, the start-up check, and the audit log of updates.

Updates need ``Authorization: Bearer <update token>`` whenever an update token is set, and a token
must be set for ``--allow-update`` on any address that is not loopback (``check_startup``). A read
token, when set, is needed for queries too (the update token also reads). Tokens are compared with
:func:`hmac.compare_digest` (constant time). TLS belongs in a reverse proxy (docs/serve-security.md).
"""

from __future__ import annotations

import hmac
import json
import logging
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

from ..errors import ParameterError
from ..store import store_directory

#: Environment variables read by ``topicgraph serve`` for the tokens (the command line wins).
UPDATE_TOKEN_ENV = "TOPICGRAPH_UPDATE_TOKEN"
READ_TOKEN_ENV = "TOPICGRAPH_READ_TOKEN"
#: The audit log's name inside an on-disk store directory.
AUDIT_LOG_NAME = "audit.log"

audit_logger = logging.getLogger("topicgraph.audit")


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, else None."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def token_matches(given: str | None, expected: str | None) -> bool:
    """True if ``given`` equals ``expected`` (constant-time compare); False when either is missing."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def check_startup(host_is_loopback: bool, allow_update: bool, update_token: str | None,
                  read_token: str | None) -> None:
    """Raise ValueError if the server must not start with these settings."""
    for name, token in (("update_token", update_token), ("read_token", read_token)):
        if token is not None and (not token.strip() or any(c.isspace() for c in token)):
            raise ParameterError(name, "must be non-empty and without spaces")
    if allow_update and not host_is_loopback and not update_token:
        raise ParameterError("update_token", f"(or {UPDATE_TOKEN_ENV}) is needed to allow updates on a non-loopback "
                             "address: anyone who reaches the port could write")


def audit_path(store_spec: str | Path | None) -> Path | None:
    """``audit.log`` beside an on-disk store (its directory), None for a memory or remote store."""
    directory = store_directory(store_spec)
    return None if directory is None else directory / AUDIT_LOG_NAME


class AuditLog:
    """Appends one JSON line per accepted update (time, client, size, first line) to a file, or to the
    ``topicgraph.audit`` logger (stderr under ``serve``) when there is no file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)

    def record(self, client: str, update: str, authenticated: bool) -> None:
        """Log an update that was applied."""
        first = next((line.strip() for line in update.splitlines() if line.strip()), "")
        entry = {"time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"), "client": client,
                 "bytes": len(update.encode("utf-8")), "first_line": first[:200], "token": authenticated}
        line = json.dumps(entry, ensure_ascii=False)
        if self.path is None:
            audit_logger.info("%s", line)
            return
        with self._lock, self.path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")

    @property
    def where(self) -> str:
        """Where the lines go, for the start-up message."""
        return str(self.path) if self.path is not None else "stderr"


def log_audit_to_stderr() -> None:
    """Send audit lines without a file to stderr (``serve`` with a memory or remote store)."""
    if not audit_logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("audit %(message)s"))
        audit_logger.addHandler(handler)
        audit_logger.setLevel(logging.INFO)
        audit_logger.propagate = False
