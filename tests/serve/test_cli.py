"""``topicgraph serve`` as a user starts it: the store in the engine worker, tokens from the environment,
a clean stop on Ctrl-C (the worker goes too), and ``bench serve`` on a tiny archive."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from topicgraph.store import open_store

pytestmark = pytest.mark.server


def _start(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "topicgraph", *args], stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **env})
    for _ in range(20):
        line = process.stderr.readline()
        match = re.search(r"SPARQL endpoint: (\S+)", line)
        if match:
            return process, match.group(1)
    process.kill()
    raise AssertionError("serve did not print its URL")


def _post(url: str, body: str, ctype: str, token: str | None = None) -> int:
    headers = {"Content-Type": ctype, **({"Authorization": f"Bearer {token}"} if token else {})}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body.encode(), headers=headers), timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_serve_command_with_token_worker_and_audit(tmp_path):
    store_dir = tmp_path / "archive"
    open_store(store_dir).close()
    process, url = _start(["--store", str(store_dir), "serve", "--port", "0", "--host", "0.0.0.0", "--allow-update"],
                          {"TOPICGRAPH_UPDATE_TOKEN": "tok-123"})
    url = re.sub(r"//[^/:]+:", "//127.0.0.1:", url)
    try:
        workers = subprocess.run(["pgrep", "-P", str(process.pid), "-f", "topicgraph.serve.worker"],
                                 capture_output=True, text=True).stdout.split()
        assert len(workers) == 1  # the store lives in one worker process
        update = "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> <http://example.org/b> 'c' } }"
        assert _post(url, update, "application/sparql-update") == 401
        assert _post(url, update, "application/sparql-update", "tok-123") == 204
        deep = "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o " + "} " * 5000
        assert _post(url, deep, "application/sparql-query") == 400
        with urllib.request.urlopen(url + "?query=ASK%7B%3Fs%20%3Fp%20%27c%27%7D", timeout=30) as response:
            assert json.loads(response.read())["boolean"] is True
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)
    assert not os.path.exists(f"/proc/{workers[0]}") or "zombie" in open(f"/proc/{workers[0]}/status").read().lower()
    entries = [json.loads(line) for line in (store_dir / "audit.log").read_text(encoding="utf-8").splitlines()]
    assert len(entries) == 1 and entries[0]["token"] is True and entries[0]["first_line"].startswith("INSERT DATA")
    assert open_store(store_dir).query("ASK { ?s ?p 'c' }").boolean  # written, and the lock is released


@pytest.mark.slow
def test_bench_serve_prints_the_four_ways():
    from topicgraph.evaluation.bench_serve import COLUMNS, run_serve_bench

    lines: list[str] = []
    figures = run_serve_bench(40, repeat=1, echo=lines.append)
    assert set(figures["queries"]) >= {"co-mentioned", "articles-mentioning"}
    assert all(set(entry) == set(COLUMNS) and all(v > 0 for v in entry.values()) for entry in figures["queries"].values())
    assert any("worker overhead per named query" in line for line in lines)


@pytest.mark.slow
def test_bench_serve_keeps_and_reuses_its_store(tmp_path):
    from topicgraph.evaluation.bench_serve import KEPT_MARKER, run_serve_bench

    first: list[str] = []
    run_serve_bench(30, repeat=1, keep=tmp_path, echo=first.append)
    assert (tmp_path / KEPT_MARKER).read_text().strip() == "30"
    again: list[str] = []
    figures = run_serve_bench(30, repeat=1, keep=tmp_path, echo=again.append)
    assert any("reused from" in line for line in again) and not any("reused from" in line for line in first)
    assert figures["queries"]["articles-mentioning"]
    other: list[str] = []
    run_serve_bench(20, repeat=1, keep=tmp_path, echo=other.append)  # another size: built anew
    assert (tmp_path / KEPT_MARKER).read_text().strip() == "20" and not any("reused from" in l for l in other)
