"""Search spaces: where each hyperparameter is drawn from, and on which scale.

The lecture's point is that "uniformly at random" only means something once you pick the scale.
A learning rate between 1e-4 and 1 drawn uniformly on a linear scale lands above 0.1 nine times
out of ten; drawn uniformly in the *exponent* (`r ~ U[-4, 0]`, `alpha = 10**r`) each decade gets a
quarter of the samples. An averaging parameter like momentum's beta between 0.9 and 0.999 is the
opposite trap: what matters is `1 - beta` (the averaging window is about `1 / (1 - beta)` steps),
so we draw `r ~ U[-3, -1]` and set `beta = 1 - 10**r`, putting half the samples above 0.99.

Each distribution knows three things:

- how to `sample` itself from a numpy `Generator`;
- its *axis*: the coordinate in which it is uniform (`log10 x` for `log_uniform`,
  `log10(1 - x)` for `one_minus_log_uniform`, `x` itself otherwise). Grids are evenly spaced on
  the axis and coarse-to-fine narrows ranges on the axis, so "its own scale" is one method;
- how to `narrow` itself around some good values (coarse-to-fine).

A *space* is a plain dict `{name: distribution}`; a value that is not a distribution is a
constant, passed to every trial as it is.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, Mapping, Optional, Sequence, Union

import numpy as np


class Distribution:
    """Base class of the search-space distributions. Subclasses set `scale` and the methods."""

    scale = "linear"

    def sample(self, rng: np.random.Generator, size: Optional[int] = None):
        """One value (size=None) or a list of `size` values, as plain Python numbers."""
        raise NotImplementedError

    def to_axis(self, value) -> float:
        """The coordinate in which this distribution is uniform."""
        return float(value)

    def from_axis(self, z: float):
        """The inverse of `to_axis`."""
        return float(z)

    def grid_values(self, n: int) -> list:
        """`n` values evenly spaced on the distribution's own axis, ends included."""
        raise NotImplementedError

    def narrow(self, values: Sequence, margin: float, bounds: "Distribution") -> "Distribution":
        """The same kind of distribution covering `values` plus `margin`, inside `bounds`."""
        raise NotImplementedError

    def _check_values(self, values: Sequence) -> list:
        values = list(values)
        if not values:
            raise ValueError(f"{self!r}.narrow needs at least one value to narrow around")
        return values


class _Interval(Distribution):
    """A distribution uniform on its axis between `low` and `high` (both included)."""

    def __init__(self, low: float, high: float):
        low, high = float(low), float(high)
        if not (math.isfinite(low) and math.isfinite(high)) or low > high:
            raise ValueError(
                f"{type(self).__name__}(low={low}, high={high}): need finite low <= high"
            )
        self.low, self.high = low, high
        self._check_domain()

    def _check_domain(self) -> None:
        """Subclasses reject bounds their axis cannot represent."""

    def _axis_bounds(self) -> tuple:
        z1, z2 = self.to_axis(self.low), self.to_axis(self.high)
        return min(z1, z2), max(z1, z2)

    def sample(self, rng: np.random.Generator, size: Optional[int] = None):
        """One value (size=None) or a list of `size` values, uniform on the axis, within bounds."""
        z_lo, z_hi = self._axis_bounds()
        z = rng.uniform(z_lo, z_hi, size=1 if size is None else size)
        # NOTE: 10**log10(x) can come back one ulp outside [low, high]; clip so bounds hold.
        values = [self._clip(self.from_axis(zi)) for zi in z]
        return values[0] if size is None else values

    def _clip(self, value):
        return _plain(min(max(value, self.low), self.high))

    def grid_values(self, n: int) -> list:
        """`n` values evenly spaced on the axis, ends included (the midpoint for n=1)."""
        if n < 1:
            raise ValueError(f"grid needs at least 1 point per axis, got {n}")
        if n == 1:
            z_lo, z_hi = self._axis_bounds()
            return [self._clip(self.from_axis((z_lo + z_hi) / 2))]
        zs = np.linspace(*self._axis_bounds(), n)
        return [self._clip(self.from_axis(z)) for z in zs]

    def narrow(self, values: Sequence, margin: float, bounds: "Distribution") -> "Distribution":
        """Covers `values` on the axis, widened by `margin` times the current axis width.

        The result is clipped to `bounds` (the round-0 distribution), so a range never grows
        beyond what the user allowed.
        """
        zs = [self.to_axis(v) for v in self._check_values(values)]
        z_lo, z_hi = self._axis_bounds()
        pad = margin * (z_hi - z_lo)
        b_lo, b_hi = bounds._axis_bounds()
        new_lo, new_hi = max(min(zs) - pad, b_lo), min(max(zs) + pad, b_hi)
        ends = sorted([self.from_axis(new_lo), self.from_axis(new_hi)])
        return type(self)(max(ends[0], bounds.low), min(ends[1], bounds.high))

    def __repr__(self) -> str:
        return f"{_public_name(self)}({self.low:g}, {self.high:g})"

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and (self.low, self.high) == (other.low, other.high)

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.low, self.high))


class Uniform(_Interval):
    """Uniform on a linear scale. Build with `uniform(low, high)`."""

    scale = "linear"


class LogUniform(_Interval):
    """Uniform in `log10 x`. Build with `log_uniform(low, high)`."""

    scale = "log"

    def _check_domain(self) -> None:
        if self.low <= 0:
            raise ValueError(
                f"log_uniform(low={self.low}, high={self.high}): low must be > 0 "
                "(the exponent log10(low) must exist); e.g. log_uniform(1e-4, 1)"
            )

    def to_axis(self, value) -> float:
        """log10(value): log-uniform is uniform in this coordinate."""
        return math.log10(value)

    def from_axis(self, z: float) -> float:
        """10 ** z."""
        return 10.0 ** z


class OneMinusLogUniform(_Interval):
    """`1 - x` is log-uniform: x = 1 - 10**r. Build with `one_minus_log_uniform(low, high)`."""

    scale = "one_minus_log"

    def _check_domain(self) -> None:
        if not (0 <= self.low and self.high < 1):
            raise ValueError(
                f"one_minus_log_uniform(low={self.low}, high={self.high}): need "
                "0 <= low <= high < 1 (it draws log10(1 - x)); e.g. one_minus_log_uniform(0.9, "
                "0.999) for momentum's beta"
            )

    def to_axis(self, value) -> float:
        """log10(1 - value): uniform in this coordinate (for betas close to 1)."""
        return math.log10(1.0 - value)

    def from_axis(self, z: float) -> float:
        """1 - 10 ** z."""
        return 1.0 - 10.0 ** z


class IntUniform(_Interval):
    """Integers `low..high` (both included), equally likely. Build with `int_uniform`."""

    scale = "int"

    def __init__(self, low: int, high: int):
        if int(low) != low or int(high) != high:
            raise ValueError(f"int_uniform(low={low}, high={high}): bounds must be integers")
        super().__init__(int(low), int(high))
        self.low, self.high = int(low), int(high)

    def sample(self, rng: np.random.Generator, size: Optional[int] = None):
        """One integer (size=None) or a list of `size`, uniform in [low, high]."""
        ints = rng.integers(self.low, self.high + 1, size=1 if size is None else size)
        values = [int(i) for i in ints]
        return values[0] if size is None else values

    def from_axis(self, z: float) -> int:
        """The nearest integer to z."""
        return int(round(z))

    def grid_values(self, n: int) -> list:
        """The distinct integers among `n` evenly spaced values."""
        return sorted(set(super().grid_values(n)))

    def narrow(self, values: Sequence, margin: float, bounds: "Distribution") -> "Distribution":
        """An IntUniform covering `values` plus `margin` of the range, inside `bounds`."""
        values = self._check_values(values)
        pad = margin * (self.high - self.low)
        low = max(int(math.floor(min(values) - pad)), bounds.low)
        high = min(int(math.ceil(max(values) + pad)), bounds.high)
        return IntUniform(low, high)

    def __repr__(self) -> str:
        return f"int_uniform({self.low}, {self.high})"


class Choice(Distribution):
    """One of a list of options, equally likely unless `weights` are given. Build with `choice`.

    Coarse-to-fine does not drop options: it re-weights them (see `narrow`), so a category that
    a handful of trials happened to miss keeps being tried.
    """

    scale = "choice"

    def __init__(self, options: Sequence, weights: Optional[Sequence[float]] = None):
        self.options = list(options)
        if not self.options:
            raise ValueError("choice(options) needs at least one option")
        self.weights = None if weights is None else _check_weights(self.options, weights)

    def sample(self, rng: np.random.Generator, size: Optional[int] = None):
        """One option (size=None) or a list of `size`, with probabilities `weights`."""
        n = 1 if size is None else size
        if self.weights is None:
            picks = rng.integers(0, len(self.options), size=n)
        else:
            picks = rng.choice(len(self.options), size=n, p=self.weights)
        values = [_plain(self.options[int(i)]) for i in picks]
        return values[0] if size is None else values

    def to_axis(self, value) -> float:
        """The option's index."""
        return float(self.options.index(value))

    def from_axis(self, z: float):
        """The option at the nearest index."""
        return self.options[int(round(z))]

    def grid_values(self, n: int) -> list:
        """Every option (a grid over a categorical parameter tries them all)."""
        return [_plain(o) for o in self.options]

    def narrow(self, values: Sequence, margin: float, bounds: "Distribution") -> "Distribution":
        """Every option of `bounds`, re-weighted toward those seen among `values`.

        Option i gets weight `(count_i + 1) / (len(values) + n_options)`: one pseudo-count per
        option (Laplace's rule), so an option none of the kept trials used still gets
        `1 / (len(values) + n_options)` of the next round's draws instead of being dropped for
        good on the evidence of a few noisy trials. `margin` does not apply to categories.
        """
        seen = self._check_values(values)
        options = bounds.options if isinstance(bounds, Choice) else self.options
        counts = np.array([sum(1 for v in seen if v == o) for o in options], dtype=float)
        return Choice(options, weights=(counts + 1.0) / (len(seen) + len(options)))

    def __repr__(self) -> str:
        if self.weights is None:
            return f"choice({self.options!r})"
        shown = ", ".join(f"{w:.3g}" for w in self.weights)
        return f"choice({self.options!r}, weights=[{shown}])"

    def __eq__(self, other) -> bool:
        return (type(self) is type(other) and self.options == other.options
                and self.weights == other.weights)

    def __hash__(self) -> int:
        return hash(("choice", repr(self.options), repr(self.weights)))


def _check_weights(options: list, weights: Sequence[float]) -> list:
    """`weights` as probabilities summing to 1 (a list of floats), or a ValueError."""
    weights = [float(w) for w in weights]
    if len(weights) != len(options):
        raise ValueError(f"choice({options!r}, weights={weights!r}): one weight per option, got "
                         f"{len(weights)} weights for {len(options)} options")
    if any(not math.isfinite(w) or w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError(f"choice({options!r}, weights={weights!r}): weights must be finite, "
                         ">= 0 and not all 0")
    total = sum(weights)
    return [w / total for w in weights]


_PUBLIC_NAMES = {
    Uniform: "uniform",
    LogUniform: "log_uniform",
    OneMinusLogUniform: "one_minus_log_uniform",
    IntUniform: "int_uniform",
}


def _public_name(dist: Distribution) -> str:
    return _PUBLIC_NAMES.get(type(dist), type(dist).__name__)


def _plain(value):
    """numpy scalars -> Python numbers, so trials are JSON-friendly and compare exactly."""
    if isinstance(value, np.generic):
        return value.item()
    return value


# ---------------------------------------------------------------- the public builders
def uniform(low: float, high: float) -> Uniform:
    """Uniform between `low` and `high` on a linear scale (e.g. dropout keep-probability).

    Example:
        >>> import numpy as np
        >>> from minigraph import tuning
        >>> x = tuning.uniform(0.5, 1.0).sample(np.random.default_rng(0))
        >>> 0.5 <= x <= 1.0
        True
    """
    return Uniform(low, high)


def int_uniform(low: int, high: int) -> IntUniform:
    """An integer from `low` to `high`, both included (e.g. hidden units).

    Example:
        >>> import numpy as np
        >>> from minigraph import tuning
        >>> sorted(set(tuning.int_uniform(1, 3).sample(np.random.default_rng(0), 50)))
        [1, 2, 3]
    """
    return IntUniform(low, high)


def choice(options: Sequence, weights: Optional[Sequence[float]] = None) -> Choice:
    """One of `options` (e.g. number of layers, activation), equally likely by default.

    `weights` (one per option, normalized to sum to 1) make some options likelier; that is how
    coarse-to-fine narrows a choice without dropping any option.

    Example:
        >>> import numpy as np
        >>> from minigraph import tuning
        >>> tuning.choice(["relu", "tanh"]).sample(np.random.default_rng(0)) in ("relu", "tanh")
        True
        >>> tuning.choice([1, 2, 3], weights=[2, 1, 1])
        choice([1, 2, 3], weights=[0.5, 0.25, 0.25])
    """
    return Choice(options, weights)


def log_uniform(low: float, high: float) -> LogUniform:
    """`10**r` with `r` uniform in `[log10 low, log10 high]`: each decade equally likely.

    Use it for learning rates and regularization strengths: for 1e-4..1, a quarter of the
    samples fall in each of [1e-4, 1e-3), [1e-3, 1e-2), [1e-2, 1e-1), [1e-1, 1].

    Example:
        >>> import numpy as np
        >>> from minigraph import tuning
        >>> lr = tuning.log_uniform(1e-4, 1).sample(np.random.default_rng(0), 1000)
        >>> bool(0.2 < np.mean(np.array(lr) < 1e-3) < 0.3)
        True
    """
    return LogUniform(low, high)


def one_minus_log_uniform(low: float, high: float) -> OneMinusLogUniform:
    """`1 - 10**r` with `r` uniform in `[log10(1 - high), log10(1 - low)]`.

    For averaging parameters such as momentum's beta: for 0.9..0.999, `r` is uniform in
    [-3, -1], so half the samples are above 0.99, where a small change of beta changes the
    averaging window `1 / (1 - beta)` a lot.

    Example:
        >>> import numpy as np
        >>> from minigraph import tuning
        >>> beta = tuning.one_minus_log_uniform(0.9, 0.999).sample(np.random.default_rng(0), 1000)
        >>> bool(0.45 < np.mean(np.array(beta) > 0.99) < 0.55)
        True
    """
    return OneMinusLogUniform(low, high)


# ---------------------------------------------------------------- spaces
Space = Mapping[str, Any]


def as_distribution(value) -> Optional[Distribution]:
    """The distribution, or None for a constant entry of a space."""
    return value if isinstance(value, Distribution) else None


def check_space(space: Space) -> dict:
    """A validated copy of `space`: a non-empty dict with string keys."""
    if not isinstance(space, Mapping) or not space:
        raise TypeError(
            f"A search space is a non-empty dict {{name: distribution}}, got {space!r}; e.g. "
            "{'learning_rate': tuning.log_uniform(1e-4, 1)}"
        )
    for name in space:
        if not isinstance(name, str):
            raise TypeError(f"Search-space keys must be parameter names (str), got {name!r}")
    return dict(space)


def sample_space(space: Space, rng: np.random.Generator) -> dict:
    """One parameter dict drawn from `space`.

    Parameters are drawn in sorted-name order, so the same generator gives the same dict however
    the space's keys were ordered.

    Example:
        >>> import numpy as np
        >>> from minigraph import tuning
        >>> space = {"lr": tuning.log_uniform(1e-4, 1), "layers": tuning.choice([1, 2]), "k": 3}
        >>> params = tuning.sample_space(space, np.random.default_rng(0))
        >>> sorted(params), params["k"]
        (['k', 'layers', 'lr'], 3)
    """
    space = check_space(space)
    params = {}
    for name in sorted(space):
        dist = as_distribution(space[name])
        params[name] = dist.sample(rng) if dist is not None else space[name]
    return {name: params[name] for name in space}


def grid(space: Space, points_per_axis: Union[int, Mapping[str, int]]) -> list:
    """Every combination of `points_per_axis` values per parameter (the lecture's grid).

    Values are evenly spaced on each parameter's own axis (so a log-uniform learning rate gets
    1e-4, 1e-3, ..., not 0.0001, 0.25, 0.5, ...); a `choice` contributes all of its options.
    `points_per_axis` is one number or a dict per parameter name.

    Example:
        >>> from minigraph import tuning
        >>> points = tuning.grid({"lr": tuning.log_uniform(1e-4, 1), "b": tuning.uniform(0, 1)}, 5)
        >>> len(points), sorted({p["lr"] for p in points})
        (25, [0.0001, 0.001, 0.01, 0.1, 1.0])
    """
    space = check_space(space)
    axes = []
    for name in space:
        dist = as_distribution(space[name])
        if dist is None:
            axes.append([space[name]])
            continue
        n = points_per_axis[name] if isinstance(points_per_axis, Mapping) else points_per_axis
        axes.append(dist.grid_values(int(n)))
    return [dict(zip(space, combo)) for combo in itertools.product(*axes)]


def narrow_space(space: Space, kept: Sequence[Mapping], margin: float, bounds: Space) -> dict:
    """The space shrunk around the parameter dicts `kept`, each parameter on its own axis.

    Example:
        >>> from minigraph import tuning
        >>> space = {"lr": tuning.log_uniform(1e-4, 1)}
        >>> tuning.narrow_space(space, [{"lr": 1e-3}, {"lr": 1e-2}], 0.0, space)
        {'lr': log_uniform(0.001, 0.01)}
    """
    narrowed = {}
    for name, entry in space.items():
        dist = as_distribution(entry)
        if dist is None:
            narrowed[name] = entry
        else:
            values = [params[name] for params in kept]
            narrowed[name] = dist.narrow(values, margin, as_distribution(bounds[name]))
    return narrowed
