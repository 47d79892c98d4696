"""The fake provider server as a separate process, as the crash test and the benchmark use it."""

import subprocess
import sys

import requests
from django.conf import settings

from tests.messaging.provider_server import ProviderServer


def test_runs_as_a_process_and_reports_what_it_saw(tmp_path):
    # given
    log = tmp_path / "seen.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.messaging.provider_server", "--port", "0", "--log", str(log)],
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().split()[-1]
        # when
        answer = requests.post(
            f"{url}/106540352242922/messages",
            json={"to": "+16505551234", "biz_opaque_callback_data": "recipient:9"},
            timeout=5,
        )
        seen = requests.get(f"{url}/_requests", timeout=5).json()["requests"]
        stats = requests.get(f"{url}/_stats", timeout=5).json()
    finally:
        process.terminate()
        process.wait(timeout=10)
    # then
    assert answer.status_code == 200
    message_id = answer.json()["messages"][0]["id"]
    assert seen[0]["callback_data"] == "recipient:9"
    assert seen[0]["message_id"] == message_id
    assert stats["requests"] == 1
    assert message_id in log.read_text()


def test_fault_fractions_are_repeatable_with_a_seed():
    outcomes = []
    for _ in range(2):
        with ProviderServer(fail_503=0.3, fail_429=0.2, seed=42) as server:
            for i in range(50):
                requests.post(f"{server.url}/1/messages", json={"to": f"+1{i}"}, timeout=5)
            outcomes.append([r.status for r in server.requests])
    assert outcomes[0] == outcomes[1]
    assert {200, 503, 429} == set(outcomes[0])
    assert 5 <= outcomes[0].count(503) <= 25
