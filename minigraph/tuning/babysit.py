"""Babysitting one model ("panda"): nudge its hyperparameters while it trains, undo bad nudges.

When a model is too big to train many copies, the lecture's advice is to train one and watch it:
every so often look at the learning curve, nudge the learning rate up or down, and go back to an
earlier state if the nudge made things worse. Two things make that possible without rebuilding
the graph:

- **hyperparameters live in the graph**: the learning rate is a non-trainable `tf.Variable`
  (made by `hyperparameter(0.1, "learning_rate")`) that the optimizer reads every step, and that
  we overwrite with `Variable.load` (no new ops); or it is a placeholder fed with every step;
- **checkpoints**: `checkpoint()` copies the value of every global variable (the weights, the
  optimizer's slots such as momentum's velocity, and the hyperparameter variables) out of the
  session into memory, and `rollback()` writes them back with `Variable.load`. With
  `checkpoint_dir=`, checkpoints go to disk through a `tf.train.Saver` instead, so they outlive
  the process.

`Babysitter.try_nudge(steps, learning_rate=...)` does the whole loop once: checkpoint, nudge,
train `steps` steps, keep the change if the loss went down and stayed finite, otherwise roll back.
"The loss went down" is a weak test while a model is still learning: the loss falls with or
without the nudge, so a harmful nudge (a learning rate ten times too small) passes it. With
`baseline=True` the babysitter first trains the same `steps` *without* the nudge from the same
checkpoint, and keeps the nudge only if it ends with a lower loss than that un-nudged branch;
otherwise it carries on from the un-nudged branch (already trained, so nothing is wasted).
"""

from __future__ import annotations

import math
import os
from typing import Callable, Mapping, Optional, Union

import numpy as np

from minigraph.graph import GraphKeys
from minigraph.tensor import Tensor
from minigraph.variables import Variable


def hyperparameter(value: float, name: str, dtype=None) -> Variable:
    """A non-trainable scalar variable holding a hyperparameter (e.g. the learning rate).

    Pass it to the optimizer instead of a Python number, and it can be changed between steps
    with `Babysitter.nudge` (or `var.load(value, sess)`) without touching the graph.

    Example:
        >>> import minigraph as tf
        >>> from minigraph import tuning
        >>> with tf.Graph().as_default():
        ...     lr = tuning.hyperparameter(0.1, "learning_rate")
        >>> lr
        <tf.Variable 'learning_rate:0' shape=() dtype=float32_ref>
        >>> lr.trainable
        False
    """
    from minigraph import dtypes

    return Variable(float(value), trainable=False, name=name,
                    dtype=dtypes.float32 if dtype is None else dtype)


FeedDict = Union[Mapping, Callable[[int], Mapping], None]


class Babysitter:
    """Trains one model step by step with hyperparameters that can be nudged and rolled back.

    Args:
        session: a session whose variables are initialized.
        train_op: the op running one training step.
        loss: the scalar tensor to watch (fetched together with `train_op`).
        hyperparameters: `{name: variable}` for hyperparameters held in variables, or
            `{name: (tensor, value)}` for ones fed through a placeholder with every step.
        feed_dict: the feed for every step, or a function `feed_dict(step)` returning it (for
            minibatches).
        eval_feed_dict: the feed `evaluate()` uses (default: the training feed of step 0).
        var_list: the variables a checkpoint holds (default: every global variable).
        checkpoint_dir: if given, checkpoints are written there by a `tf.train.Saver` (made
            now, so its ops exist before training) instead of being kept in memory.

    Attributes:
        step_count: the number of training steps taken (rolled back with the weights).
        history: one dict per step taken: `{"step", "loss", <hyperparameter values>}`; steps
            undone by a rollback stay, with `"rolled_back": True`.
        events: the nudges, checkpoints and rollbacks, in order.

    Example:
        >>> import minigraph as tf
        >>> from minigraph import tuning
        >>> w = tf.Variable(0.0)
        >>> lr = tuning.hyperparameter(0.01, "learning_rate")
        >>> loss = (w - 5.0) ** 2
        >>> train = tf.train.GradientDescentOptimizer(lr).minimize(loss)
        >>> sess = tf.Session()
        >>> sess.run(tf.global_variables_initializer())
        >>> panda = tuning.Babysitter(sess, train, loss, {"learning_rate": lr})
        >>> _ = panda.step(10)
        >>> panda.try_nudge(5, learning_rate=1.5)   # too big: diverges, rolled back
        False
        >>> panda.try_nudge(5, learning_rate=0.3)   # better: kept
        True
        >>> round(float(panda.values["learning_rate"]), 3), panda.step_count
        (0.3, 15)
    """

    def __init__(self, session, train_op, loss: Tensor, hyperparameters: Mapping,
                 feed_dict: FeedDict = None, eval_feed_dict: Optional[Mapping] = None,
                 var_list=None, checkpoint_dir: Optional[str] = None):
        self.session = session
        self.train_op = train_op
        self.loss = loss
        self._feed = feed_dict
        self._eval_feed = eval_feed_dict
        self._variables, self._fed = {}, {}
        self.values = {}
        for name, entry in hyperparameters.items():
            if isinstance(entry, Variable):
                self._variables[name] = entry
                self.values[name] = _plain(session.run(entry))
            elif isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], Tensor):
                self._fed[name] = entry[0]
                self.values[name] = entry[1]
            else:
                raise TypeError(
                    f"hyperparameter {name!r}: expected a tf.Variable (e.g. "
                    f"tuning.hyperparameter(0.1, {name!r})) or a (placeholder, value) pair, got "
                    f"{entry!r}"
                )
        if var_list is None:
            var_list = loss.graph.get_collection(GraphKeys.GLOBAL_VARIABLES)
        self._var_list = list(var_list)
        self._saver, self._checkpoint_dir = None, checkpoint_dir
        if checkpoint_dir is not None:
            from minigraph.train.saver import Saver

            with loss.graph.as_default():
                self._saver = Saver(var_list=self._var_list, max_to_keep=None,
                                    name="babysitter_save")
        self.step_count = 0
        self.history = []
        self.events = []
        self._checkpoints = {}

    # ------------------------------------------------------------ training
    def _feed_for(self, step: int, extra: Optional[Mapping]) -> dict:
        feed = self._feed(step) if callable(self._feed) else self._feed
        merged = dict(feed or {})
        merged.update({self._fed[name]: self.values[name] for name in self._fed})
        merged.update(extra or {})
        return merged

    def step(self, n: int = 1, feed_dict: Optional[Mapping] = None) -> float:
        """Takes `n` training steps; returns the loss of the last one.

        Each loss is the one computed in the same run as the update (before it), as
        `sess.run([train_op, loss])` gives it.
        """
        loss_value = math.nan
        for _ in range(n):
            feed = self._feed_for(self.step_count, feed_dict)
            _, loss_value = self.session.run([self.train_op, self.loss], feed)
            loss_value = float(loss_value)
            record = {"step": self.step_count, "loss": loss_value}
            record.update(self.values)
            self.history.append(record)
            self.step_count += 1
        return loss_value

    def evaluate(self, tensor: Optional[Tensor] = None, feed_dict: Optional[Mapping] = None):
        """The value of `tensor` (default: the loss) without training.

        It uses `feed_dict`, else `eval_feed_dict`, else the training feed of step 0.
        """
        if feed_dict is None:
            feed_dict = self._eval_feed if self._eval_feed is not None else self._feed_for(0, None)
        feed = dict(feed_dict)
        feed.update({self._fed[name]: self.values[name] for name in self._fed})
        value = self.session.run(self.loss if tensor is None else tensor, feed)
        return float(value) if np.ndim(value) == 0 else value

    # ------------------------------------------------------------ nudging
    def nudge(self, **changes) -> dict:
        """Sets hyperparameters by name (`nudge(learning_rate=0.03)`); returns the old values."""
        unknown = sorted(set(changes) - set(self.values))
        if unknown:
            raise KeyError(f"unknown hyperparameter(s) {unknown}; this Babysitter holds "
                           f"{sorted(self.values)}")
        old = {name: self.values[name] for name in changes}
        for name, value in changes.items():
            if name in self._variables:
                self._variables[name].load(value, self.session)
                value = _plain(self.session.run(self._variables[name]))
            self.values[name] = value
        self.events.append({"event": "nudge", "step": self.step_count, "old": old,
                            "new": dict(changes)})
        return old

    def checkpoint(self, name: str = "last") -> str:
        """Remembers the current state (variables, hyperparameters, step) under `name`."""
        saved = {"values": dict(self.values), "step_count": self.step_count}
        if self._saver is not None:
            os.makedirs(self._checkpoint_dir, exist_ok=True)
            saved["path"] = self._saver.save(self.session,
                                             os.path.join(self._checkpoint_dir, name),
                                             write_meta_graph=False)
        else:
            arrays = self.session.run(self._var_list)
            saved["arrays"] = [np.array(a, copy=True) for a in arrays]
        self._checkpoints[name] = saved
        self.events.append({"event": "checkpoint", "step": self.step_count, "name": name})
        return name

    def rollback(self, name: str = "last") -> None:
        """Restores the state saved by `checkpoint(name)`; the steps since are marked undone."""
        saved = self._restore(name)
        for record in self.history:
            if record["step"] >= saved["step_count"]:
                record["rolled_back"] = True
        self.events.append({"event": "rollback", "step": self.step_count, "name": name,
                            "to_step": saved["step_count"]})
        self.step_count = saved["step_count"]

    def _restore(self, name: str) -> dict:
        """Writes checkpoint `name` back into the session and the hyperparameter values."""
        if name not in self._checkpoints:
            raise KeyError(f"no checkpoint named {name!r}; have {sorted(self._checkpoints)}")
        saved = self._checkpoints[name]
        if "path" in saved:
            self._saver.restore(self.session, saved["path"])
        else:
            for var, array in zip(self._var_list, saved["arrays"]):
                var.load(array, self.session)
        self.values = dict(saved["values"])
        return saved

    def try_nudge(self, steps: int, baseline: bool = False, **changes) -> bool:
        """Checkpoint, nudge, train `steps` steps; keep the change only if it helped.

        Without `baseline`, "helped" means the loss from `evaluate()` after the steps is finite
        and lower than before them; otherwise everything (weights, optimizer slots,
        hyperparameters, step count) is rolled back to the checkpoint.

        With `baseline=True`, the babysitter first trains `steps` steps *without* the nudge from
        the same checkpoint, then goes back and trains them with it. The nudge is kept only if
        its loss is finite and lower than the un-nudged branch's (or the un-nudged branch
        diverged); otherwise training carries on from the un-nudged branch. The losing branch's
        steps stay in `history` marked `rolled_back`. This costs twice the steps, and it is the
        only fair test while the loss is still falling anyway.

        Returns:
            True if the nudge was kept.

        Example:
            >>> import minigraph as tf
            >>> from minigraph import tuning
            >>> w = tf.Variable(0.0)
            >>> lr = tuning.hyperparameter(0.1, "learning_rate")
            >>> loss = (w - 5.0) ** 2
            >>> train = tf.train.GradientDescentOptimizer(lr).minimize(loss)
            >>> sess = tf.Session()
            >>> sess.run(tf.global_variables_initializer())
            >>> panda = tuning.Babysitter(sess, train, loss, {"learning_rate": lr})
            >>> panda.try_nudge(5, learning_rate=0.001)        # the loss fell: kept, wrongly
            True
            >>> _ = panda.nudge(learning_rate=0.1)
            >>> panda.try_nudge(5, baseline=True, learning_rate=0.001)   # worse than not nudging
            False
            >>> round(float(panda.values["learning_rate"]), 3), panda.step_count
            (0.1, 10)
        """
        before = self.evaluate()
        start = self.step_count
        self.checkpoint("before_nudge")
        without = None
        if baseline:
            first = len(self.history)
            self.step(steps)
            without = self.evaluate()
            unnudged = self.history[first:]
            self.checkpoint("without_nudge")
            self.rollback("before_nudge")
        nudged_first = len(self.history)
        self.nudge(**changes)
        self.step(steps)
        after = self.evaluate()
        if without is None:
            kept = math.isfinite(after) and after < before
        else:
            kept = math.isfinite(after) and (not math.isfinite(without) or after < without)
        if not kept and without is None:
            self.rollback("before_nudge")
        elif not kept:
            self._restore("without_nudge")
            for record in self.history[nudged_first:]:
                record["rolled_back"] = True
            for record in unnudged:
                record.pop("rolled_back", None)
            self.events.append({"event": "rollback", "step": self.step_count,
                                "name": "without_nudge", "to_step": start + steps})
            self.step_count = start + steps
        event = {"event": "kept" if kept else "rejected", "step": start,
                 "changes": dict(changes), "loss_before": before, "loss_after": after}
        if without is not None:
            event["loss_without_nudge"] = without
        self.events.append(event)
        return kept

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={_fmt(v)}" for k, v in self.values.items())
        return f"<Babysitter step={self.step_count} {shown}>"


def _plain(value):
    array = np.asarray(value)
    return array.item() if array.ndim == 0 else array


def _fmt(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else repr(value)
