"""Higher-order functions over the first dimension: `map_fn`, `scan`, `foldl`, `foldr`.

Each is what TF1 builds: the elements (a tensor, or a nested structure of tensors of one length
n) are unstacked into `TensorArray`s, and a `tf.while_loop` of at most n iterations reads
element i of each, calls `fn` on them (traced once, into the loop's body), and either carries
the result (`foldl`, `foldr`) or also writes it to output TensorArrays that are stacked after
the loop (`map_fn`, `scan`). So the graph has one copy of `fn` whatever n is, n may be known
only at run time, and gradients flow through the loop to the elements, to the initializer and
to every tensor `fn` captures, as they do through any `while_loop`.

Structures follow TF1: `fn`'s argument has the structure of `elems` (and, for `scan` and the
folds, its accumulator that of `initializer`, or of `elems` without one); `map_fn`'s result
has the structure of `elems` unless `dtype` gives another one (a dtype, or a nested structure
of them); a function returning another structure is an error at build time.
"""

from __future__ import annotations

from typing import Callable

from minigraph import dtypes, nest
from minigraph.graph import control_dependencies, graph_of, name_scope
from minigraph.ops import array_ops, check_ops
from minigraph.ops.tensor_array_ops import TensorArray
from minigraph.ops.while_ops import while_loop
from minigraph.shapes import TensorShape
from minigraph.tensor import Tensor, convert_to_tensor


def _check_callable(fn) -> None:
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {fn!r}. Please provide a callable function.")


def _flat_elems(elems) -> list:
    """The leaves of `elems` as tensors, each of rank 1 or more (ValueError otherwise)."""
    flat = nest.flatten(elems)
    if not flat:
        raise ValueError(
            "elems must be a Tensor or (possibly nested) sequence of Tensors. "
            f"Got {elems}, which does not contain any Tensors."
        )
    tensors = [convert_to_tensor(elem, name="elem") for elem in flat]
    for tensor in tensors:
        if tensor.shape.ndims == 0:
            raise ValueError(
                "Elements in elems must be 1+ dimensional Tensors, not scalars; got "
                f"{tensor!r}."
            )
    return tensors


def _static_length(elems_flat: list):
    """The length every element shares as far as their static shapes tell (None if unknown);
    ValueError naming both lengths when two differ."""
    length = None
    for tensor in elems_flat:
        dim = tensor.shape.as_list()[0] if tensor.shape.ndims is not None else None
        if dim is None:
            continue
        if length is not None and dim != length:
            raise ValueError(
                f"Dimensions {length} and {dim} are not compatible: every tensor of elems "
                f"needs the same first dimension (the number of elements); {tensor!r} has {dim}."
            )
        length = dim if length is None else length
    return length


def _length(elems_flat: list):
    """The number of elements: a Python int when the first tensor's shape says it, else its
    `shape[0]` (as TF1 builds it), and the length known statically."""
    first = elems_flat[0]
    n_static = _static_length(elems_flat)
    known = first.shape.as_list()[0] if first.shape.ndims is not None else None
    n = known if known else array_ops.shape(first)[0]
    return n, n_static


def _unstacked(elems_flat: list, n, n_static) -> list:
    """One TensorArray per element tensor, holding its rows. Tensors whose length is known only
    at run time are checked against `n` there, naming both, so a shorter one is an error rather
    than a read of an unwritten row."""
    arrays = []
    for tensor in elems_flat:
        checks = []
        dim = tensor.shape.as_list()[0] if tensor.shape.ndims is not None else None
        if tensor is not elems_flat[0] and (dim is None or n_static is None):
            checks.append(check_ops.assert_equal(
                array_ops.shape(tensor)[0], n,
                message=f"every tensor of elems needs the same first dimension as "
                        f"{elems_flat[0].name}: {tensor.name} has another"))
        with control_dependencies(checks):
            element_shape = tensor.shape[1:] if tensor.shape.ndims is not None else None
            arrays.append(TensorArray(dtype=tensor.dtype, size=n, dynamic_size=False,
                                      infer_shape=True, element_shape=element_shape)
                          .unstack(tensor))
    return arrays


def _with_length(results: list, n_static) -> list:
    """Each stacked result with its first dimension set to the static length."""
    for result in results:
        if result.shape.ndims is not None:
            result.set_shape(TensorShape([n_static]).concatenate(result.shape[1:]))
    return results


def _packer(structure) -> Callable:
    """`pack(flat)`: the leaves `flat` in `structure`'s shape (the one leaf if it has none)."""
    if nest.is_nested(structure):
        return lambda flat: nest.pack_sequence_as(structure, flat)
    return lambda flat: flat[0]


def _flattener(structure) -> Callable:
    if nest.is_nested(structure):
        return nest.flatten
    return lambda value: [value]


def _graph_inputs(*structures) -> list:
    return [leaf for s in structures if s is not None for leaf in nest.flatten(s)
            if isinstance(leaf, Tensor)]


# ---------------------------------------------------------------- map_fn
def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop: bool = True,
           swap_memory: bool = False, infer_shape: bool = True, name=None):
    """`stack([fn(elems[0]), fn(elems[1]), ...])`: `fn` applied to each element along the first
    dimension, in a `tf.while_loop`.

    Args:
        fn: a function of one element (with the structure of `elems`) returning tensors in the
            structure of `dtype`, or of `elems` when `dtype` is None.
        elems: a tensor of rank 1 or more, or a nested structure (tuple, list, dict) of them,
            all of one length n.
        dtype: the dtype of `fn`'s result, or a nested structure of dtypes when it differs in
            structure or dtype from `elems` (e.g. `fn` maps a pair to one tensor).
        parallel_iterations, swap_memory: passed to `tf.while_loop` (TF1 compatibility).
        back_prop: False: no gradients through the loop.
        infer_shape: the results' element shapes are merged over the iterations.
        name: the name scope (default "map").

    Returns:
        A tensor (or the structure of `dtype`) whose first dimension is n.

    Raises:
        TypeError: if `fn` is not callable, or returns dtypes other than `dtype`.
        ValueError: for elems with no tensors, scalar elems, elems of different lengths, or an
            `fn` returning another structure.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     squares = tf.map_fn(lambda x: x * x, tf.constant([1.0, 2.0, 3.0]))
        ...     sums = tf.map_fn(lambda p: p[0] + p[1], ([1, 2], [10, 20]), dtype=tf.int32)
        ...     print(sess.run(squares), sess.run(sums))
        [1. 4. 9.] [11 22]
    """
    _check_callable(fn)
    parallel_iterations = parallel_iterations or 10
    pack_input = _packer(elems)
    output_structure = elems if dtype is None else dtype
    flatten_output = _flattener(output_structure)
    pack_output = _packer(output_structure)
    with graph_of(_graph_inputs(elems)).as_default(), \
            name_scope(name, "map", _graph_inputs(elems)):
        elems_flat = _flat_elems(elems)
        dtype_flat = [dtypes.as_dtype(d) for d in flatten_output(dtype)] if dtype is not None \
            else [elem.dtype for elem in elems_flat]
        n, n_static = _length(elems_flat)
        elems_ta = _unstacked(elems_flat, n, n_static)
        accs_ta = [TensorArray(dtype=d, size=n, dynamic_size=False, infer_shape=infer_shape)
                   for d in dtype_flat]

        def compute(i, tas):
            value = fn(pack_input([ta.read(i) for ta in elems_ta]))
            nest.assert_same_structure(output_structure, value)
            tas = [ta.write(i, v) for ta, v in zip(tas, flatten_output(value))]
            return i + 1, tas

        _, r_a = while_loop(lambda i, _: i < n, compute, (array_ops.constant(0), accs_ta),
                            parallel_iterations=parallel_iterations, back_prop=back_prop,
                            swap_memory=swap_memory, maximum_iterations=n)
        return pack_output(_with_length([ta.stack() for ta in r_a], n_static))


# ---------------------------------------------------------------- scan
def scan(fn, elems, initializer=None, parallel_iterations: int = 10, back_prop: bool = True,
         swap_memory: bool = False, infer_shape: bool = True, reverse: bool = False, name=None):
    """The running results `a_i = fn(a_{i-1}, elems[i])`, stacked: `[a_0, a_1, ..., a_{n-1}]`.

    Without an initializer, `a_0 = elems[0]` and `fn` runs from element 1 (so the
    accumulator has the structure and dtypes of `elems`); with one, `a_{-1} = initializer`.
    With `reverse=True` the elements are taken from the last, and the results are stacked in
    the elements' order.

    Args:
        fn: `fn(accumulator, element)` returning the new accumulator, in the structure of
            `initializer` (or of `elems` without one).
        elems: a tensor of rank 1 or more, or a nested structure of them, of one length n.
        initializer: the first accumulator (a tensor or a nested structure).
        parallel_iterations, swap_memory: passed to `tf.while_loop` (TF1 compatibility).
        back_prop: False: no gradients through the loop.
        infer_shape: the results' element shapes are merged over the iterations.
        reverse: scan from the last element to the first.
        name: the name scope (default "scan").

    Returns:
        The stacked accumulators, in the structure of `initializer` (or `elems`), each with
        first dimension n.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     print(sess.run(tf.scan(lambda a, x: a + x, tf.constant([1, 2, 3, 4]))))
        [ 1  3  6 10]
    """
    _check_callable(fn)
    pack_input = _packer(elems)
    output_structure = elems if initializer is None else initializer
    flatten_output = _flattener(output_structure)
    pack_output = _packer(output_structure)
    inputs = _graph_inputs(elems, initializer)
    with graph_of(inputs).as_default(), name_scope(name, "scan", inputs):
        elems_flat = _flat_elems(elems)
        n, n_static = _length(elems_flat)
        elems_ta = _unstacked(elems_flat, n, n_static)
        if initializer is None:
            a_flat = [ta.read(n - 1 if reverse else 0) for ta in elems_ta]
            i = 1
        else:
            a_flat = [convert_to_tensor(init) for init in flatten_output(initializer)]
            i = 0
        accs_ta = [TensorArray(dtype=a.dtype, size=n, dynamic_size=False,
                               element_shape=a.shape if infer_shape else None,
                               infer_shape=infer_shape) for a in a_flat]
        if initializer is None:
            accs_ta = [ta.write(n - 1 if reverse else 0, a) for ta, a in zip(accs_ta, a_flat)]

        def compute(i, a_flat, tas):
            a_out = fn(pack_output(a_flat), pack_input([ta.read(i) for ta in elems_ta]))
            nest.assert_same_structure(output_structure, a_out)
            flat_a_out = flatten_output(a_out)
            tas = [ta.write(i, value) for ta, value in zip(tas, flat_a_out)]
            return (i - 1 if reverse else i + 1), flat_a_out, tas

        if reverse:
            initial_i = n - 1 - i
            condition = _at_least_zero
        else:
            initial_i = i

            def condition(i, _1, _2):
                return i < n

        _, _, r_a = while_loop(condition, compute, (initial_i, a_flat, accs_ta),
                               parallel_iterations=parallel_iterations, back_prop=back_prop,
                               swap_memory=swap_memory, maximum_iterations=n)
        return pack_output(_with_length([ta.stack() for ta in r_a], n_static))


def _at_least_zero(i, *_):
    return i >= 0


# ---------------------------------------------------------------- foldl, foldr
def foldl(fn, elems, initializer=None, parallel_iterations: int = 10, back_prop: bool = True,
          swap_memory: bool = False, name=None):
    """`fn(...fn(fn(initializer, elems[0]), elems[1])..., elems[n-1])`: the elements folded
    from the left (from `elems[0]`, then `fn` from element 1, without an initializer).

    Args:
        fn: `fn(accumulator, element)` returning the new accumulator, in the structure of
            `initializer` (or of `elems` without one).
        elems: a tensor of rank 1 or more, or a nested structure of them, of one length n.
        initializer: the first accumulator (a tensor, a Python number or a nested structure).
        parallel_iterations, swap_memory: passed to `tf.while_loop` (TF1 compatibility).
        back_prop: False: no gradients through the loop.
        name: the name scope (default "foldl").

    Returns:
        The last accumulator.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     digits = tf.constant([1.0, 2.0, 3.0])
        ...     print(sess.run(tf.foldl(lambda a, x: a * 10.0 + x, digits)))
        123.0
    """
    return _fold(fn, elems, initializer, parallel_iterations, back_prop, swap_memory,
                 name or "foldl", from_left=True)


def foldr(fn, elems, initializer=None, parallel_iterations: int = 10, back_prop: bool = True,
          swap_memory: bool = False, name=None):
    """`fn(...fn(fn(initializer, elems[n-1]), elems[n-2])..., elems[0])`: the elements folded
    from the right (from `elems[n-1]`, without an initializer).

    Args:
        fn: `fn(accumulator, element)` returning the new accumulator, in the structure of
            `initializer` (or of `elems` without one).
        elems: a tensor of rank 1 or more, or a nested structure of them, of one length n.
        initializer: the first accumulator (a tensor, a Python number or a nested structure).
        parallel_iterations, swap_memory: passed to `tf.while_loop` (TF1 compatibility).
        back_prop: False: no gradients through the loop.
        name: the name scope (default "foldr").

    Returns:
        The last accumulator.

    Example:
        >>> import minigraph as tf
        >>> with tf.Graph().as_default(), tf.Session() as sess:
        ...     digits = tf.constant([1.0, 2.0, 3.0])
        ...     print(sess.run(tf.foldr(lambda a, x: a * 10.0 + x, digits)))
        321.0
    """
    return _fold(fn, elems, initializer, parallel_iterations, back_prop, swap_memory,
                 name or "foldr", from_left=False)


def _fold(fn, elems, initializer, parallel_iterations, back_prop, swap_memory, name,
          from_left: bool):
    """foldl (`from_left`) or foldr, as TF1 builds them: a counter and the accumulator."""
    _check_callable(fn)
    inputs = _graph_inputs(elems, initializer)
    with graph_of(inputs).as_default(), name_scope(None, name, inputs):
        elems_flat = _flat_elems(elems)
        n, n_static = _length(elems_flat)
        arrays = iter(_unstacked(elems_flat, n, n_static))
        elems_ta = nest.map_structure(lambda _: next(arrays), elems)

        def read(i):
            return nest.map_structure(lambda ta: ta.read(i), elems_ta)

        if from_left:
            a, i = (read(0), 1) if initializer is None else (initializer, 0)

            def compute(i, a):
                return [i + 1, fn(a, read(i))]

            def condition(i, a):
                return i < n
        else:
            a, i = (read(n - 1), n - 1) if initializer is None else (initializer, n)

            def compute(i, a):
                i = i - 1
                return [i, fn(a, read(i))]

            def condition(i, a):
                return i > 0

        _, r_a = while_loop(condition, compute, [array_ops.constant(i) if isinstance(i, int)
                                                 else i, a],
                            parallel_iterations=parallel_iterations, back_prop=back_prop,
                            swap_memory=swap_memory, maximum_iterations=n)
        return r_a

