"""A real TensorBoard server on 127.0.0.1 reads a minigraph run: scalars and the graph come back
over its HTTP API. Skipped, with the server's own output, if the server cannot start here."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import numpy as np
import pytest

import minigraph as tf

pytest.importorskip("tensorboard")

STARTUP_SECONDS = 30


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, **query) -> bytes:
    url = f"http://127.0.0.1:{port}{path}"
    if query:
        url += "?" + urllib.parse.urlencode(query)
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read()


def _write_run(logdir) -> list:
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    with tf.name_scope("layer"):
        w = tf.Variable(tf.ones([2, 1]), name="W")
        y = tf.matmul(x, w)
    loss = tf.reduce_mean(tf.square(y - 1.0), name="mse")
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    summary = tf.summary.scalar("loss", loss)
    init = tf.global_variables_initializer()
    values = []
    with tf.Session() as sess, tf.summary.FileWriter(str(logdir), sess.graph) as writer:
        sess.run(init)
        for step in range(4):
            s, value, _ = sess.run([summary, loss, train], {x: np.ones((3, 2))})
            writer.add_summary(s, step)
            values.append(float(value))
        metadata = tf.RunMetadata()
        sess.run(train, {x: np.ones((3, 2))}, run_metadata=metadata,
                 options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE))
        writer.add_run_metadata(metadata, "traced", global_step=4)
    return values


@pytest.fixture
def tensorboard_server(tmp_path):
    """(port, log path) of a TensorBoard serving tmp_path/logs; stopped at the end."""
    port = _free_port()
    log_path = tmp_path / "tensorboard.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tensorboard.main", "--logdir", str(tmp_path / "logs"),
             "--host", "127.0.0.1", "--port", str(port), "--reload_interval", "1"],
            stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONUNBUFFERED="1"),
        )
    try:
        yield port, process, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_for_run(port: int, process, log_path, run: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.skip(f"tensorboard exited ({process.returncode}): {log_path.read_text()[-800:]}")
        try:
            if run in json.loads(_get(port, "/data/runs")):
                return
        except (urllib.error.URLError, ConnectionError, json.JSONDecodeError):
            pass
        time.sleep(0.25)
    pytest.skip(f"tensorboard did not serve run {run!r} within {STARTUP_SECONDS} s: "
                f"{log_path.read_text()[-800:]}")


@pytest.mark.slow
def test_tensorboard_serves_the_scalars_and_the_graph(tmp_path, tensorboard_server):
    losses = _write_run(tmp_path / "logs" / "run1")
    port, process, log_path = tensorboard_server
    _wait_for_run(port, process, log_path, "run1")

    deadline = time.monotonic() + STARTUP_SECONDS
    scalars = []
    while len(scalars) < 4 and time.monotonic() < deadline:  # the run may still be loading
        try:
            scalars = json.loads(_get(port, "/data/plugin/scalars/scalars", tag="loss",
                                      run="run1"))
        except urllib.error.HTTPError:
            time.sleep(0.25)
    assert [step for _, step, _ in scalars] == [0, 1, 2, 3]
    np.testing.assert_allclose([value for _, _, value in scalars], losses, rtol=1e-6)

    graph = _get(port, "/data/plugin/graphs/graph", run="run1").decode()
    assert graph.count("node {") == len(tf.get_default_graph().get_operations())
    for expected in ('name: "layer/W"', 'name: "layer/MatMul"', 'op: "ScalarSummary"',
                     'key: "_output_shapes"'):
        assert expected in graph

    run_metadata = _get(port, "/data/plugin/graphs/run_metadata", run="run1",
                        tag="traced").decode()
    assert 'node_name: "layer/MatMul"' in run_metadata and "all_end_rel_micros" in run_metadata
