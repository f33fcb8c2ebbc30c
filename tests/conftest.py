"""Shared test setup: every test starts on a fresh default graph."""

import pytest

import minigraph as tf


@pytest.fixture(autouse=True)
def fresh_default_graph():
    tf.reset_default_graph()
    yield
    tf.reset_default_graph()
