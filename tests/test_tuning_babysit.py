"""The Babysitter ("panda"): hyperparameters in the graph, nudges, checkpoints and rollbacks."""

import numpy as np
import pytest

import minigraph as tf
from minigraph import tuning


def _regression(optimizer_fn):
    """A least-squares fit of 3 weights on fixed data; returns (x, y, w, loss, train)."""
    rng = np.random.default_rng(0)
    x_data = rng.normal(size=(32, 3)).astype(np.float32)
    y_data = (x_data @ np.array([[1.0], [-2.0], [0.5]], np.float32)).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    w = tf.Variable(tf.zeros([3, 1]), name="w")
    loss = tf.reduce_mean((tf.matmul(x, w) - y) ** 2)
    train = optimizer_fn().minimize(loss)
    return {x: x_data, y: y_data}, w, loss, train


def test_nudge_changes_the_variable_without_new_ops():
    lr = tuning.hyperparameter(0.05, "learning_rate")
    feed, w, loss, train = _regression(lambda: tf.train.MomentumOptimizer(lr, 0.9))
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    panda = tuning.Babysitter(sess, train, loss, {"learning_rate": lr}, feed_dict=feed)
    panda.step(2)
    version = tf.get_default_graph().version
    old = panda.nudge(learning_rate=0.02)
    panda.step(1)
    assert old == {"learning_rate": pytest.approx(0.05)}
    assert sess.run(lr) == np.float32(0.02)
    assert panda.values["learning_rate"] == pytest.approx(0.02)
    assert tf.get_default_graph().version == version  # nudging and stepping added no ops
    assert [h["learning_rate"] for h in panda.history] == pytest.approx([0.05, 0.05, 0.02])
    assert "step=3" in repr(panda)


def test_rollback_restores_weights_slots_hyperparameters_and_replays_exactly():
    lr = tuning.hyperparameter(0.05, "learning_rate")
    optimizer = tf.train.MomentumOptimizer(lr, 0.9)
    feed, w, loss, train = _regression(lambda: optimizer)
    velocity = optimizer.get_slot(w, "momentum")
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    panda = tuning.Babysitter(sess, train, loss, {"learning_rate": lr}, feed_dict=feed)
    panda.step(3)
    saved_w, saved_v = sess.run([w, velocity])
    panda.checkpoint("c")
    panda.nudge(learning_rate=0.01)
    first = [panda.step() for _ in range(4)]
    assert not np.allclose(sess.run(w), saved_w)
    panda.rollback("c")
    np.testing.assert_array_equal(sess.run(w), saved_w)
    np.testing.assert_array_equal(sess.run(velocity), saved_v)
    assert sess.run(lr) == np.float32(0.05) and panda.step_count == 3
    assert [h.get("rolled_back", False) for h in panda.history] == [False] * 3 + [True] * 4
    panda.nudge(learning_rate=0.01)
    again = [panda.step() for _ in range(4)]
    assert again == first  # same state, same hyperparameters: the same trajectory, bit for bit


def test_try_nudge_rejects_divergence_and_keeps_improvements():
    lr = tuning.hyperparameter(0.01, "learning_rate")
    feed, w, loss, train = _regression(lambda: tf.train.GradientDescentOptimizer(lr))
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    panda = tuning.Babysitter(sess, train, loss, {"learning_rate": lr}, feed_dict=feed)
    panda.step(5)
    before_w, before_loss = sess.run(w), panda.evaluate()
    assert panda.try_nudge(10, learning_rate=5.0) is False  # far too large: the loss explodes
    np.testing.assert_array_equal(sess.run(w), before_w)
    assert panda.values["learning_rate"] == pytest.approx(0.01) and panda.step_count == 5
    assert panda.events[-1]["event"] == "rejected"
    assert not panda.events[-1]["loss_after"] < before_loss
    assert panda.try_nudge(10, learning_rate=0.2) is True
    assert panda.evaluate() < before_loss and panda.step_count == 15
    assert panda.values["learning_rate"] == pytest.approx(0.2)


def _babysat_regression(lr_value=0.05):
    lr = tuning.hyperparameter(lr_value, "learning_rate")
    feed, w, loss, train = _regression(lambda: tf.train.GradientDescentOptimizer(lr))
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    return tuning.Babysitter(sess, train, loss, {"learning_rate": lr}, feed_dict=feed), w


def test_a_harmful_nudge_passes_the_loss_fell_test_but_not_the_baseline():
    """Lowering the learning rate 50x still lowers the loss (kept without a baseline), but
    less than not nudging; with baseline=True it is rejected and training carries on from the
    un-nudged branch, exactly as if 10 plain steps had been taken."""
    panda, w = _babysat_regression()
    panda.step(3)
    assert panda.try_nudge(10, learning_rate=0.001) is True  # the loss still fell

    panda, w = _babysat_regression()
    panda.step(3)
    panda.checkpoint("start")
    panda.step(10)
    plain_w, plain_loss = panda.session.run(w), panda.evaluate()
    panda.rollback("start")
    history_before = len(panda.history)
    assert panda.try_nudge(10, baseline=True, learning_rate=0.001) is False
    event = panda.events[-1]
    assert event["event"] == "rejected"
    assert event["loss_after"] < event["loss_before"]  # it did help a little...
    assert event["loss_without_nudge"] < event["loss_after"]  # ...but not nudging helped more
    np.testing.assert_array_equal(panda.session.run(w), plain_w)  # the un-nudged branch
    assert panda.evaluate() == plain_loss
    assert panda.step_count == 13 and panda.values["learning_rate"] == pytest.approx(0.05)
    new = panda.history[history_before:]
    assert [r["learning_rate"] for r in new] == pytest.approx([0.05] * 10 + [0.001] * 10)
    assert [r.get("rolled_back", False) for r in new] == [False] * 10 + [True] * 10
    panda.step()
    assert panda.history[-1]["step"] == 13


def test_baseline_keeps_a_nudge_that_beats_not_nudging():
    panda, w = _babysat_regression(lr_value=0.005)
    panda.step(3)
    assert panda.try_nudge(10, baseline=True, learning_rate=0.1) is True
    event = panda.events[-1]
    assert event["loss_after"] < event["loss_without_nudge"]
    assert panda.values["learning_rate"] == pytest.approx(0.1) and panda.step_count == 13
    assert panda.evaluate() == pytest.approx(event["loss_after"])
    flags = [r.get("rolled_back", False) for r in panda.history[3:]]
    assert flags == [True] * 10 + [False] * 10  # the un-nudged branch lost


def test_baseline_rejects_divergence_too():
    panda, w = _babysat_regression()
    panda.step(3)
    assert panda.try_nudge(5, baseline=True, learning_rate=50.0) is False
    assert np.isfinite(panda.evaluate()) and panda.step_count == 8


def test_fed_hyperparameters_are_fed_every_step():
    lr = tf.placeholder(tf.float32, [], name="lr")
    w = tf.Variable(0.0, name="w")
    loss = (w - 5.0) ** 2
    train = tf.train.GradientDescentOptimizer(lr).minimize(loss)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    panda = tuning.Babysitter(sess, train, loss, {"learning_rate": (lr, 0.1)})
    panda.step()
    assert sess.run(w) == pytest.approx(1.0)  # 0 - 0.1 * 2 * (0 - 5)
    panda.checkpoint()
    panda.nudge(learning_rate=0.25)
    panda.step()
    assert sess.run(w) == pytest.approx(3.0)  # 1 - 0.25 * 2 * (1 - 5)
    panda.rollback()
    assert sess.run(w) == pytest.approx(1.0) and panda.values["learning_rate"] == 0.1


def test_babysitter_errors_name_the_problem():
    w = tf.Variable(0.0, name="w")
    loss = (w - 1.0) ** 2
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    with pytest.raises(TypeError, match="'lr': expected a tf.Variable"):
        tuning.Babysitter(sess, train, loss, {"lr": 0.1})
    lr = tuning.hyperparameter(0.1, "lr")
    sess.run(lr.initializer)
    panda = tuning.Babysitter(sess, train, loss, {"lr": lr})
    with pytest.raises(KeyError, match=r"unknown hyperparameter\(s\) \['alpha'\].*\['lr'\]"):
        panda.nudge(alpha=1.0)
    with pytest.raises(KeyError, match="no checkpoint named 'x'"):
        panda.rollback("x")


def test_plot_babysitting_marks_rolled_back_steps(tmp_path):
    pytest.importorskip("matplotlib")
    from minigraph.tuning.plots import plot_babysitting

    lr = tuning.hyperparameter(0.01, "learning_rate")
    feed, w, loss, train = _regression(lambda: tf.train.GradientDescentOptimizer(lr))
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    panda = tuning.Babysitter(sess, train, loss, {"learning_rate": lr}, feed_dict=feed)
    panda.step(3)
    panda.try_nudge(3, learning_rate=5.0)
    panda.try_nudge(3, learning_rate=0.1)
    fig = plot_babysitting(panda, path=tmp_path / "panda.png")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["kept steps", "rolled back"]
    kept_line = ax.get_lines()[0]
    assert list(kept_line.get_xdata()) == [0, 1, 2, 3, 4, 5]
    assert (tmp_path / "panda.png").stat().st_size > 1000


def test_checkpoints_on_disk_through_the_saver(tmp_path):
    lr = tuning.hyperparameter(0.05, "learning_rate")
    optimizer = tf.train.MomentumOptimizer(lr, 0.9)
    feed, w, loss, train = _regression(lambda: optimizer)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    panda = tuning.Babysitter(sess, train, loss, {"learning_rate": lr}, feed_dict=feed,
                              checkpoint_dir=str(tmp_path / "ckpt"))
    panda.step(2)
    saved_w = sess.run(w)
    panda.checkpoint("two")
    version = tf.get_default_graph().version
    assert panda.try_nudge(3, learning_rate=50.0) is False
    np.testing.assert_array_equal(sess.run(w), saved_w)
    assert sess.run(lr) == np.float32(0.05)
    assert tf.get_default_graph().version == version  # the Saver's ops were made up front
    assert (tmp_path / "ckpt" / "before_nudge.npz").exists()
    panda.step(2)
    panda.rollback("two")
    np.testing.assert_array_equal(sess.run(w), saved_w)
