"""The library never touches the network: import, build a Coach and check with sockets blocked."""

import subprocess
import sys

BLOCK_AND_RUN = r"""
import socket

class NoNetwork(Exception):
    pass

def refuse(*args, **kwargs):
    raise NoNetwork(f"network access attempted: {args!r}")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

import replycoach
from replycoach import Coach
coach = Coach()
report = coach.check("Dear valued customer, per our SLA your ticket was escalated to tier 2 and will be "
                     "looked into soon!!!", customer="Third time asking. Ridiculous!!!")
assert report.findings, "expected findings"
list(coach.check_many(["Thanks, it ships today.", "Sorry, I've refunded it."]))
print("OFFLINE-OK", len(report.findings))
"""


def test_runs_with_network_blocked():
    result = subprocess.run([sys.executable, "-c", BLOCK_AND_RUN], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "OFFLINE-OK" in result.stdout


def test_nothing_downloads_at_run_time():
    """No call sites for downloaders anywhere in the package."""
    from pathlib import Path

    import replycoach

    source = "\n".join(p.read_text() for p in Path(replycoach.__file__).parent.rglob("*.py"))
    downloaders = ("nltk" + ".download", "spacy.cli" + ".download", "urllib.request", "requests.get", "http.client")
    for needle in downloaders:
        assert needle not in source, needle
