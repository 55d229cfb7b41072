"""`make bench` on a tiny setting: the tool runs and writes its report (figures are
never asserted; they come from a full `make bench`)."""

import json

import pytest

from scripts import bench
from scripts.nlu_eval import labels_of, read_examples

pytestmark = pytest.mark.server


def test_bench_runs_on_a_tiny_setting_and_writes_the_report(servers, tmp_path):
    assert bench.main(["--tiny", "--out", str(tmp_path)]) == 0
    figures = json.loads((tmp_path / "bench.json").read_text())
    assert figures["cold_start_s"] > 0 and figures["rss_mb"]["rasa"] > 0
    assert figures["nlu"]["total"] == 20
    # the tool's out-of-scope figure is what the same model answers to the same messages
    messages = [text for text, _ in read_examples(bench.OUT_OF_SCOPE)[:20]]
    recalled = sum(labels_of(servers.parse(m))[1] == "out_of_scope" for m in messages)
    assert figures["nlu"]["out_of_scope_messages"] == 20
    assert figures["nlu"]["out_of_scope_recall"] == round(recalled / 20, 3)
    assert set(figures["latency"]) >= {"bare_parse@1", "faq_turn@2", "screen_turn@2"}
    assert figures["throughput"]["turns"] > 0
    for name in ("bench.md", "latency.png", "accuracy_per_label.png", "confusion.png"):
        assert (tmp_path / name).stat().st_size > 0, name
