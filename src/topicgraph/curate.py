"""Recording an editor's change: the names given resolved against the store, the change appended to the
store's ``curation.toml`` (``topicgraph curate merge|rename|alias|reject|pin-type|accept``). Applying the
changes to what is stored is a writer's job (:func:`topicgraph.pipeline.run.apply_curation`)."""

from __future__ import annotations

from pathlib import Path

from .knowledge.curation import Change, add_change, curation_path, now
from .knowledge.kb import default_kb
from .query import resolve_entity
from .store import Store
from .store.entities import entity_facts


def record_change(store: Store, directory: Path, action: str, value: str, by: str, why: str,
                  **extra: str) -> Change:
    """Resolve ``value`` (and a merge's ``into``) to entities of the store, record the change with the
    facts curation needs of entities the knowledge base does not hold, and return it."""
    kb = default_kb()
    entity = str(resolve_entity(store, value)) if action != "accept" else value
    facts: dict[str, str] = {}
    if action in {"rename", "alias", "pin-type"} and kb.get(entity) is None:
        label, etype = entity_facts(store, entity, kb)
        facts = {"label": label, "type": etype}
    if action == "merge":
        extra["into"] = str(resolve_entity(store, extra["into"]))
        if kb.get(extra["into"]) is None:
            facts["label"], facts["type"] = entity_facts(store, extra["into"], kb)
        if kb.get(entity) is None:
            facts["alias"] = entity_facts(store, entity, kb)[0]
    change = Change(action=action, entity=entity, by=by, why=why, when=now(), **{**facts, **extra})
    add_change(curation_path(directory), change)
    return change
