"""W1 quadratic: the course's placeholder program, `sess.run(train, feed_dict)` 1000 times.

    cost = x[0][0]*w**2 + x[1][0]*w + x[2][0],  w <- w - 0.01 * dcost/dw,  x = [[1], [-10], [25]]

Every step is a handful of scalar operations, so this measures the per-`run` overhead of the
engine (fetch flattening, feed conversion, plan lookup, one Python call per op), in µs per step.
The numpy version does the same float32 math by hand: forward, derivative, update. PyTorch
runs it eagerly (`cost.backward()`, `torch.optim.SGD`, the coefficients made a tensor from the
float64 array each step as a feed is); JAX calls one jitted step — gradient and update — from
Python per step and waits for it (`jax.block_until_ready`): the honest equivalent of one
`sess.run(train)`.
"""

from __future__ import annotations

import numpy as np

from bench.workloads import _common, _peers

NAME = "W1 quadratic"
CASES = [{}]
IMPLS = ("minigraph", "numpy", "tensorflow", "torch", "jax")
COEFFICIENTS = np.array([[1.0], [-10.0], [25.0]])


def _graph(impl: str):
    tf = _common.tf_module(impl)
    w = tf.Variable(0, dtype=tf.float32)
    x = tf.placeholder(tf.float32, [3, 1])
    cost = x[0][0] * w**2 + x[1][0] * w + x[2][0]
    train = tf.train.GradientDescentOptimizer(0.01).minimize(cost)
    session = tf.Session(config=_common.session_config(tf))
    session.run(tf.global_variables_initializer())

    def step():
        session.run(train, feed_dict={x: COEFFICIENTS})

    def read():
        return session.run([w, cost], feed_dict={x: COEFFICIENTS})

    return step, read


def _numpy(impl: str = "numpy"):
    state = {"w": np.float32(0.0)}
    lr = np.float32(0.01)

    def forward(x, w):
        return x[0][0] * w**2 + x[1][0] * w + x[2][0]

    def step():
        x = np.asarray(COEFFICIENTS, dtype=np.float32)  # what feeding does: a float32 copy
        a, b, c = x[0][0], x[1][0], x[2][0]
        w = state["w"]
        cost = a * w**2 + b * w + c  # the forward pass, as the graph computes it
        del cost
        grad = a * (np.float32(2.0) * w) + b
        state["w"] = w - lr * grad

    def read():
        return state["w"], forward(np.asarray(COEFFICIENTS, np.float32), state["w"])

    return step, read


def _torch(impl: str = "torch"):
    torch = _peers.import_torch()
    w = torch.zeros((), requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.01)

    def forward():
        x = torch.as_tensor(COEFFICIENTS, dtype=torch.float32)  # the feed
        return x[0][0] * w**2 + x[1][0] * w + x[2][0]

    def step():
        optimizer.zero_grad()
        forward().backward()
        optimizer.step()

    def read():
        return float(w.detach()), float(forward().detach())

    return step, read


def _jax(impl: str = "jax"):
    jax = _peers.import_jax()

    def cost(w, x):
        return x[0][0] * w**2 + x[1][0] * w + x[2][0]

    @jax.jit
    def train(w, x):
        return w - 0.01 * jax.grad(cost)(w, x)

    state = {"w": jax.numpy.float32(0.0)}

    def step():
        state["w"] = jax.block_until_ready(train(state["w"], COEFFICIENTS))

    def read():
        return float(state["w"]), float(jax.jit(cost)(state["w"], COEFFICIENTS))

    return step, read


IMPLEMENTATIONS = {"numpy": _numpy, "minigraph": _graph, "tensorflow": _graph, "torch": _torch,
                   "jax": _jax}


def run(impl: str, quick: bool = False) -> dict:
    """µs per step over 1000 steps (100 when quick), after 3 warm-up steps, and w at the end."""
    n_steps = 100 if quick else 1000
    step, read = IMPLEMENTATIONS[impl](impl)
    timing = _common.timed_steps(step, n_steps)
    return {"us_per_step": timing["wall"] * 1e6, "cpu_us_per_step": timing["cpu"] * 1e6,
            "threads": timing["threads"], "final_w": float(read()[0])}


def check(impl: str = "minigraph", steps: int = 3) -> dict:
    """Relative errors against numpy: the cost at w = 0 ("loss"), w after one step ("grads":
    the update is -lr times the gradient), the cost after `steps` steps ("trained_loss") and
    its change over those steps ("loss_change")."""
    step, read = IMPLEMENTATIONS[impl](impl)
    ref_step, ref_read = _numpy()
    cost, ref_cost = float(read()[1]), float(ref_read()[1])
    errors = {"loss": _common.rel_error(cost, ref_cost)}
    step()
    ref_step()
    errors["grads"] = _common.rel_error(read()[0], ref_read()[0])
    for _ in range(steps - 1):
        step()
        ref_step()
    trained, ref_trained = float(read()[1]), float(ref_read()[1])
    errors["trained_loss"] = _common.rel_error(trained, ref_trained)
    errors["loss_change"] = _common.rel_error(trained - cost, ref_trained - ref_cost)
    return errors


if __name__ == "__main__":
    _common.main(__name__, run, CASES, check)
