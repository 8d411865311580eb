"""Orchestration: the operations that write a store (ingest, curation apply), each under the store's write lock."""
