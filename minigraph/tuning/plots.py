"""Pictures of a search: trials on the parameters' own scales, rounds, grid versus random.

matplotlib is imported inside each function, so `import minigraph.tuning` never needs it. The
functions build a `matplotlib.figure.Figure` directly (no pyplot, no window, no global state),
save it when given a `path`, and return it.

Axes follow each parameter's scale: a `log_uniform` parameter gets a log axis; a
`one_minus_log_uniform` one gets an axis on which `1 - x` is logarithmic (0.9, 0.99, 0.999 are
evenly spaced), so the samples look uniform exactly when they are uniform on the scale they were
drawn on. Points are coloured by score (darker is better) and coarse-to-fine rounds are drawn
with different markers, with the box each round sampled from; the best trial is a red star.

Colours are by **rank** by default: one diverged trial with a loss of 50 among losses of 0.1 to
0.3 would otherwise take the whole colour range and paint every other trial the same colour.
`color_scale="log"` spreads colours over the logarithm of the score instead, and `"linear"` is
the plain scale (the colour bar shows the scores either way).
"""

from __future__ import annotations

import math
from typing import Mapping, Optional

import numpy as np

from minigraph.tuning import spaces
from minigraph.tuning.search import SearchResult

_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _one_minus_forward(x):
    """Axis position of beta: -log10(1 - beta), so 0.9 -> 1, 0.99 -> 2, 0.999 -> 3."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.log10(np.clip(1.0 - x, 1e-300, None))


def _one_minus_inverse(z):
    return 1.0 - 10.0 ** (-np.asarray(z, dtype=float))


def set_scale(ax, dist, axis: str = "x") -> None:
    """Gives `ax`'s x (or y) axis the scale `dist` was sampled on.

    Example:
        >>> from matplotlib.figure import Figure
        >>> from minigraph import tuning
        >>> from minigraph.tuning.plots import set_scale
        >>> ax = Figure().add_subplot()
        >>> set_scale(ax, tuning.log_uniform(1e-4, 1))
        >>> ax.get_xscale()
        'log'
    """
    setter = ax.set_xscale if axis == "x" else ax.set_yscale
    scale = getattr(dist, "scale", "linear")
    if scale == "log":
        setter("log")
    elif scale == "one_minus_log":
        setter("function", functions=(_one_minus_forward, _one_minus_inverse))
        # NOTE: matplotlib pads the limits linearly, which can push them past 1 (an infinite
        # position on this axis); so set them here, padded by 5% on the axis itself.
        z_lo, z_hi = _one_minus_forward([dist.low, dist.high])
        pad = 0.05 * max(z_hi - z_lo, 0.1)
        limits = _one_minus_inverse([z_lo - pad, z_hi + pad])
        (ax.set_xlim if axis == "x" else ax.set_ylim)(*limits)
        candidates = (0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99999)
        ticks = [t for t in candidates if limits[0] <= t <= limits[1]]
        (ax.set_xticks if axis == "x" else ax.set_yticks)(ticks, [f"{t:g}" for t in ticks])
    elif scale == "choice":
        labels = [str(o) for o in dist.options]
        (ax.set_xticks if axis == "x" else ax.set_yticks)(range(len(labels)), labels)


def _position(dist, value) -> float:
    """Where `value` goes on a plot axis (categories go to their index)."""
    if isinstance(dist, spaces.Choice):
        return float(dist.options.index(value)) if value in dist.options else math.nan
    return float(value)


def _numeric(dist) -> bool:
    return isinstance(dist, spaces.Distribution)


def colour_positions(values, color_scale: str = "rank") -> tuple:
    """Where each score goes on the colour map (0..1), and colour-bar ticks, for `color_scale`.

    "rank": the i-th smallest of n scores goes to i / (n - 1), so one outlier takes one colour
    and the others spread over the rest; "log": log10 of the scores, linearly (all must be
    > 0); "linear": the scores, linearly. Ties share a position.

    Returns:
        (positions, tick_positions, tick_labels): numpy arrays, and strings of the scores the
        ticks stand for.

    Example:
        >>> from minigraph.tuning.plots import colour_positions
        >>> positions, _, labels = colour_positions([0.1, 0.2, 0.3, 50.0])
        >>> [round(float(p), 3) for p in positions], labels[-1]
        ([0.0, 0.333, 0.667, 1.0], '50')
        >>> [round(float(p), 3) for p in colour_positions([0.1, 0.2, 0.3, 50.0], "linear")[0]]
        [0.0, 0.002, 0.004, 1.0]
    """
    values = np.asarray(values, dtype=float)
    if color_scale not in ("rank", "log", "linear"):
        raise ValueError(f"color_scale must be 'rank', 'log' or 'linear', got {color_scale!r}")
    if values.size == 0:
        return values, np.array([]), []
    if color_scale == "log":
        if np.any(values <= 0):
            raise ValueError("color_scale='log' needs scores > 0 (got "
                             f"{float(values.min()):.4g}); use color_scale='rank'")
        axis = np.log10(values)
    elif color_scale == "linear":
        axis = values
    else:
        distinct = np.unique(values)
        axis = np.searchsorted(distinct, values).astype(float)
    low, high = float(axis.min()), float(axis.max())
    span = high - low if high > low else 1.0
    positions = (axis - low) / span
    ticks = np.linspace(0.0, 1.0, min(5, len(np.unique(values))))
    if color_scale == "rank":
        distinct = np.unique(values)
        tick_values = distinct[np.round(ticks * (len(distinct) - 1)).astype(int)]
    elif color_scale == "log":
        tick_values = 10.0 ** (low + ticks * span)
    else:
        tick_values = low + ticks * span
    return positions, ticks, [f"{v:.3g}" for v in tick_values]


def _mark_best(ax, x_value: float, y_value: float, value: float) -> None:
    ax.scatter([x_value], [y_value], marker="*", s=260, color="red", edgecolors="black",
               linewidths=0.8, zorder=5, label=f"best: {value:.4g}")


def plot_trials(result: SearchResult, x: str, y: Optional[str] = None,
                path: Optional[str] = None, title: Optional[str] = None,
                color_scale: str = "rank"):
    """Trials of a search on the parameters' own scales, coloured by score, the best starred.

    With `y`, one scatter plot of parameter `x` against parameter `y` (each round with its own
    marker and the box it sampled from); without, the score against parameter `x`. Failed trials
    are grey crosses. `color_scale` is "rank" (default: an outlier cannot swamp the colours),
    "log" or "linear" (see `colour_positions`).

    Returns:
        The matplotlib Figure (also saved to `path` when given).

    Example:
        >>> from minigraph import tuning
        >>> from minigraph.tuning.examples import bowl
        >>> from minigraph.tuning.plots import plot_trials
        >>> space = {"learning_rate": tuning.log_uniform(1e-4, 1),
        ...          "beta": tuning.one_minus_log_uniform(0.9, 0.999)}
        >>> result = tuning.coarse_to_fine(bowl, space, rounds=2, trials_per_round=10)
        >>> fig = plot_trials(result, "learning_rate", "beta")
        >>> fig.axes[0].get_xscale(), fig.axes[0].get_yscale()
        ('log', 'function')
    """
    base = result.spaces[0]
    for name in (x, y):
        if name is not None and not _numeric(base.get(name)):
            raise ValueError(f"{name!r} is not a searched parameter of this result; searched: "
                             f"{[k for k, v in base.items() if _numeric(v)]}")
    fig = _figure(6.4, 4.8)
    ax = fig.add_subplot()
    scatter, ticks, tick_labels = _scatter_rounds(ax, result, x, y, color_scale)
    _mark_failed_and_best(ax, result, x, y)
    _label_trials_plot(fig, ax, result, x, y, scatter)
    if scatter is not None:
        _colour_bar(fig, ax, scatter, ticks, tick_labels, result.metric or "value",
                    result.maximize, color_scale)
    if title:
        ax.set_title(title)
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig


def _mark_failed_and_best(ax, result: SearchResult, x: str, y: Optional[str]) -> None:
    """Failed trials as grey crosses (in the parameter plane) and the best trial as a star."""
    base = result.spaces[0]
    failed = result.failed_trials
    if failed and y is not None:
        ax.scatter([_position(base[x], t.params[x]) for t in failed],
                   [_position(base[y], t.params[y]) for t in failed],
                   marker="x", color="0.6", label="failed", zorder=2)
    if result.ok_trials:
        best = result.best
        best_y = _position(base[y], best.params[y]) if y is not None else best.value
        _mark_best(ax, _position(base[x], best.params[x]), best_y, best.value)


def _label_trials_plot(fig, ax, result: SearchResult, x: str, y: Optional[str], scatter) -> None:
    """Scales and labels of the axes, the legend and a title (the colour bar is the caller's)."""
    base = result.spaces[0]
    label = result.metric or "value"
    set_scale(ax, base[x], "x")
    if y is not None:
        set_scale(ax, base[y], "y")
    ax.set_xlabel(x)
    ax.set_ylabel(y if y is not None else label)
    ax.legend(loc="best", fontsize="small")
    ax.set_title(f"{len(result.trials)} trials, best {label} {_best_text(result)}")


def _scatter_rounds(ax, result: SearchResult, x: str, y: Optional[str], color_scale: str):
    """The successful trials, one marker per round, coloured by score on `color_scale`; with
    `y`, also the box each round sampled from. Returns (the last scatter, or None, for the
    colour bar; its tick positions; their labels)."""
    base = result.spaces[0]
    ok = result.ok_trials
    values = np.array([t.value for t in ok], dtype=float)
    # Darker is better whichever way the search optimizes (dark stands out on white).
    cmap = "viridis_r" if result.maximize else "viridis"
    positions, ticks, tick_labels = colour_positions(values, color_scale)
    scatter = None
    for round_ in range(len(result.spaces)):
        in_round = [i for i, t in enumerate(ok) if t.round == round_]
        if not in_round:
            continue
        xs = [_position(base[x], ok[i].params[x]) for i in in_round]
        ys = ([_position(base[y], ok[i].params[y]) for i in in_round] if y is not None
              else [ok[i].value for i in in_round])
        scatter = ax.scatter(xs, ys, c=positions[in_round], cmap=cmap, vmin=0.0, vmax=1.0,
                             marker=_MARKERS[round_ % len(_MARKERS)], edgecolors="black",
                             linewidths=0.4, s=36, label=f"round {round_}", zorder=3)
        if y is not None and len(result.spaces) > 1:
            _draw_box(ax, result.spaces[round_], x, y, round_)
    return scatter, ticks, tick_labels


def _colour_bar(fig, ax, mappable, ticks, tick_labels, label: str, maximize: bool,
                color_scale: str) -> None:
    bar = fig.colorbar(mappable, ax=ax)
    bar.set_ticks(ticks, labels=tick_labels)
    direction = "higher is better" if maximize else "lower is better"
    bar.set_label(f"{label} ({direction}; colour by {color_scale})")


def _best_text(result: SearchResult) -> str:
    return f"{result.best.value:.4g}" if result.ok_trials else "(none)"


def _draw_box(ax, space: Mapping, x: str, y: str, round_: int) -> None:
    """The rectangle a round sampled from (numeric parameters only)."""
    from matplotlib.patches import Rectangle

    dx, dy = space[x], space[y]
    if not isinstance(dx, spaces._Interval) or not isinstance(dy, spaces._Interval):
        return
    ax.add_patch(Rectangle((dx.low, dy.low), dx.high - dx.low, dy.high - dy.low, fill=False,
                           linestyle="--", linewidth=1.0, edgecolor=f"C{round_}", zorder=1))


def plot_grid_vs_random(space: Mapping, x: str, y: str, n_per_axis: int = 5, seed: int = 0,
                        path: Optional[str] = None):
    """The lecture's picture: a grid of n x n points next to n*n random points.

    Under each panel a rug shows the distinct values of `x` that were tried: `n` for the grid,
    `n*n` for random search. If only `x` matters, the grid has learned about `n` values of it.

    Example:
        >>> from minigraph import tuning
        >>> from minigraph.tuning.plots import plot_grid_vs_random
        >>> space = {"learning_rate": tuning.log_uniform(1e-4, 1),
        ...          "beta": tuning.one_minus_log_uniform(0.9, 0.999)}
        >>> fig = plot_grid_vs_random(space, "learning_rate", "beta")
        >>> [ax.get_title() for ax in fig.axes]
        ['5 x 5 grid: 5 distinct learning_rate', '25 random: 25 distinct learning_rate']
    """
    from minigraph.tuning.search import trial_seeds

    space = spaces.check_space(space)
    grid_points = spaces.grid({x: space[x], y: space[y]}, n_per_axis)
    n = len(grid_points)
    random_points = [spaces.sample_space({x: space[x], y: space[y]}, trial_seeds(seed, 0, i)[0])
                     for i in range(n)]
    fig = _figure(10.0, 4.6)
    panels = [(f"{n_per_axis} x {n_per_axis} grid", grid_points),
              (f"{n} random", random_points)]
    for column, (name, points) in enumerate(panels):
        ax = fig.add_subplot(1, 2, column + 1)
        xs = [p[x] for p in points]
        ax.scatter(xs, [p[y] for p in points], color=f"C{column}", edgecolors="black",
                   linewidths=0.4, zorder=3)
        set_scale(ax, space[x], "x")
        set_scale(ax, space[y], "y")
        # A rug along the bottom edge: one tick per distinct value of x tried.
        ax.plot(xs, [0.0] * len(xs), "|", color="black", markersize=12, clip_on=False,
                transform=ax.get_xaxis_transform())
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        ax.set_title(f"{name}: {len(set(xs))} distinct {x}")
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig


def plot_search_comparison(results: Mapping[str, SearchResult], x: str, y: str,
                           curve: Optional[tuple] = None, path: Optional[str] = None,
                           color_scale: str = "rank", curve_label: str = "objective"):
    """Searches side by side (say, a grid and random search of the same budget), with the
    objective along `x` underneath each.

    Top row: each search's trials in the (`x`, `y`) plane on the parameters' scales, coloured
    on one colour scale shared by all searches (rank by default, see `colour_positions`), the
    best trial starred. Bottom row: the objective against `x`, either `curve` (a tuple
    `(xs, mean)` or `(xs, mean, low, high)`, e.g. measured over several seeds, drawn as a line
    with a band) or, without it, the trials' own scores; a rug of the distinct `x` values the
    search tried and a red line at its best `x`. If only `x` matters, the rug shows how many
    places along the curve each search looked.

    Returns:
        The matplotlib Figure (also saved to `path` when given).

    Example:
        >>> from minigraph import tuning
        >>> from minigraph.tuning.examples import bowl
        >>> from minigraph.tuning.plots import plot_search_comparison
        >>> space = {"learning_rate": tuning.log_uniform(1e-4, 1),
        ...          "beta": tuning.one_minus_log_uniform(0.9, 0.999)}
        >>> searches = {"grid": tuning.grid_search(bowl, space, 3),
        ...             "random": tuning.random_search(bowl, space, 9)}
        >>> fig = plot_search_comparison(searches, "learning_rate", "beta")
        >>> [ax.get_title() for ax in fig.axes[:2]]
        ['grid: 3 distinct learning_rate', 'random: 9 distinct learning_rate']
    """
    names = list(results)
    every = [t for name in names for t in results[name].ok_trials]
    positions, ticks, tick_labels = colour_positions([t.value for t in every], color_scale)
    by_trial = {id(t): p for t, p in zip(every, positions)}
    first = results[names[0]]
    base = first.spaces[0]
    cmap = "viridis_r" if first.maximize else "viridis"
    fig = _figure(5.0 * len(names) + 1.0, 7.0)
    axes = fig.subplots(2, len(names), squeeze=False, height_ratios=[3, 2])
    scatter = None
    for column, name in enumerate(names):
        colours = [by_trial[id(t)] for t in results[name].ok_trials]
        scatter = _draw_search_column(axes[0][column], axes[1][column], name, results[name],
                                      base, x, y, colours, cmap, curve, curve_label)
    if scatter is not None:
        _colour_bar(fig, axes[0][-1], scatter, ticks, tick_labels, first.metric or "value",
                    first.maximize, color_scale)
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig


def _draw_search_column(top, bottom, name: str, result: SearchResult, base: Mapping, x: str,
                        y: str, colours: list, cmap: str, curve, curve_label: str):
    """One search of `plot_search_comparison`: its trials on top, the objective below."""
    ok = result.ok_trials
    xs = [_position(base[x], t.params[x]) for t in ok]
    scatter = top.scatter(xs, [_position(base[y], t.params[y]) for t in ok], c=colours,
                          cmap=cmap, vmin=0.0, vmax=1.0, edgecolors="black", linewidths=0.4,
                          s=36, zorder=3)
    for ax in (top, bottom):
        set_scale(ax, base[x], "x")
    set_scale(top, base[y], "y")
    top.set_ylabel(y)
    top.set_title(f"{name}: {len(set(xs))} distinct {x}")
    if curve is not None:
        _draw_curve(bottom, curve, curve_label)
    else:
        bottom.scatter(xs, [t.value for t in ok], color="0.3", s=12, label="trials")
    bottom.plot(xs, [0.0] * len(xs), "|", color="black", markersize=14, clip_on=False,
                transform=bottom.get_xaxis_transform())
    if ok:
        best = result.best
        _mark_best(top, _position(base[x], best.params[x]), _position(base[y], best.params[y]),
                   best.value)
        bottom.axvline(best.params[x], color="red", linewidth=1.2,
                       label=f"best {x}: {best.params[x]:.3g}")
        top.legend(loc="best", fontsize="small")
    bottom.set_xlabel(x)
    bottom.set_ylabel(result.metric or "value")
    bottom.legend(loc="best", fontsize="small")
    return scatter


def _draw_curve(ax, curve: tuple, label: str) -> None:
    """A measured curve `(xs, mean)` or `(xs, mean, low, high)`: a line and a band."""
    xs, mean = np.asarray(curve[0], float), np.asarray(curve[1], float)
    ax.plot(xs, mean, "-", color="C0", label=label)
    if len(curve) == 4:
        ax.fill_between(xs, np.asarray(curve[2], float), np.asarray(curve[3], float),
                        color="C0", alpha=0.25, linewidth=0)


def plot_babysitting(babysitter, path: Optional[str] = None, log_loss: bool = True):
    """The loss of a babysat run per step, with nudges kept, nudges rolled back, and lr.

    Steps undone by a rollback are drawn faintly; the hyperparameter values are on the second
    panel.

    Returns:
        The matplotlib Figure (also saved to `path` when given).
    """
    history = babysitter.history
    fig = _figure(7.0, 5.0)
    ax, ax_h = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    kept = [h for h in history if not h.get("rolled_back")]
    _plot_losses(ax, babysitter, kept, log_loss)
    names = [k for k in babysitter.values if isinstance(babysitter.values[k], (int, float))]
    for i, name in enumerate(names):
        ax_h.step([h["step"] for h in kept], [h[name] for h in kept], where="post",
                  color=f"C{i + 4}", label=name)
    if names:
        ax_h.set_yscale("log")
        ax_h.legend(loc="best", fontsize="small")
    ax_h.set_xlabel("step")
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig


def _plot_losses(ax, babysitter, kept: list, log_loss: bool) -> None:
    """The loss of the kept steps, the steps a rollback undid (faintly), and a dotted line at
    each nudge: green when kept, red when rejected."""
    undone = [h for h in babysitter.history if h.get("rolled_back")]
    ax.plot([h["step"] for h in kept], [h["loss"] for h in kept], ".-", color="C0",
            markersize=3, label="kept steps")
    if undone:
        ax.plot([h["step"] for h in undone], [_finite(h["loss"]) for h in undone], ".",
                color="C3", alpha=0.4, markersize=3, label="rolled back")
    for event in babysitter.events:
        if event["event"] in ("kept", "rejected"):
            color = "C2" if event["event"] == "kept" else "C3"
            ax.axvline(event["step"], color=color, linestyle=":", linewidth=1)
    if log_loss:
        ax.set_yscale("log")
    ax.set_ylabel("training loss")
    ax.legend(loc="best", fontsize="small")


def _finite(value: float) -> float:
    return value if math.isfinite(value) else math.nan

