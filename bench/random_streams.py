"""TensorFlow's random streams (minigraph/philox.py) against numpy's own generator.

    python bench/random_streams.py            # 1e6 numbers, 9 repetitions
    python bench/random_streams.py --n 100000 --reps 5

For each sampler: the median CPU time of numpy's `Generator` (PCG64: `standard_normal`,
`random`) and of minigraph's TF-compatible stream making the same number of values, their
ratio, and the spread (min and max ratio over the repetitions, each measured side by side).
`tf.random_normal` through a session is the whole op: the kernel, `* stddev + mean`, the run.
CPU time (`time.process_time`), so that other processes on a shared machine count less.
"""

import argparse
import time

import numpy as np

import minigraph as tf
from minigraph import philox


def _cpu(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=9)
    args = parser.parse_args(argv)
    n, rng, key = args.n, np.random.default_rng(0), (87654321, 0)
    with tf.Graph().as_default():
        z = tf.random_normal([n], seed=1)
        sess = tf.Session()
        sess.run(z)
    pairs = {
        "normal float32": (lambda: rng.standard_normal(n, dtype=np.float32),
                           lambda: philox.normal(key, 0, n, np.float32)),
        "normal float64": (lambda: rng.standard_normal(n),
                           lambda: philox.normal(key, 0, n, np.float64)),
        "uniform float32": (lambda: rng.random(n, dtype=np.float32),
                            lambda: philox.uniform(key, 0, n, np.float32)),
        "truncated normal float32": (lambda: rng.standard_normal(n, dtype=np.float32),
                                     lambda: philox.truncated_normal(key, 0, n, np.float32)),
        "tf.random_normal, one run": (lambda: rng.standard_normal(n, dtype=np.float32),
                                      lambda: sess.run(z)),
    }
    print(f"{n:,} values, {args.reps} repetitions, CPU time")
    print("| sampler | numpy (ms) | minigraph (ms) | ratio | min–max ratio |")
    print("|---|---|---|---|---|")
    for name, (reference, ours) in pairs.items():
        times = np.array([(_cpu(reference), _cpu(ours)) for _ in range(args.reps)])
        ratios = times[:, 1] / times[:, 0]
        base, mine = np.median(times, axis=0) * 1e3
        print(f"| {name} | {base:.1f} | {mine:.1f} | {mine / base:.2f}x | "
              f"{ratios.min():.2f}–{ratios.max():.2f} |")
    sess.close()


if __name__ == "__main__":
    main()
