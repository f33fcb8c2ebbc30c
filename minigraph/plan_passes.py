"""The plan passes, and the order they run in.

`executor.compile_plan` makes the plain plan (prune, check feeds, order, bind, free); a session
has it run each pass in `ALL`, in this order, after binding and before freeing. Every pass keeps
every result bit-identical to the plain plan's (`tests/test_plan_passes.py` checks each executor
probe both ways); `tf.ConfigProto(plan_rewrites=False)`, or TF1's `graph_options=GraphOptions(
optimizer_options=OptimizerOptions(opt_level=OptimizerOptions.L0))`, runs none of them.

A pass is a function `pass(plan) -> None` that rewrites the plan in place; what it needs to know
about an op it reads from the facts the op declares (see `registry.define_op`).

1. `plan_shapes.fold_feed_shapes`: `Shape`, `Size` and `Rank` of values whose shape is known
   become constants: known statically, or, in the plan a session makes per shape of the feeds
   (`Plan.feed_shapes`), from those shapes. First, so that folding computes what depends on them.
2. `plan_folding.fold_constants_and_aliases`: computes pure ops of constants once and turns
   identity work into second names for slots. Early, because it removes steps the other passes
   would otherwise look at, and its constants are what later passes see as fixed.
3. `plan_shapes.drop_shape_noops`: a `Reshape` to its input's shape and a `Sum` over no axes
   become second names for their input (what the folded shapes often reveal).
4. `plan_fusion.fuse_elementwise`: chains of element-wise steps become one step each, whose
   compiled loop makes one pass over memory (numba; numpy's kernels without it). After folding,
   whose constants become the loops' scalars; before the in-place pass, which must see the
   fused steps' reads to know what is still live.
5. `plan_recompute.recompute_elementwise`: a fused step's output that only a later fused step
   reads is computed again by that step from its inputs (a few cheap operations), so it is
   neither written nor kept in between. Right after fusion, before the donors are final.
6. `plan_reductions.fuse_reductions`: a `Sum` or `Mean` over the rows of a fused step's matrix
   output is added up inside that step's loop (the array is not written). After the above, so
   that a step left with only such an output becomes a pure reduction.
7. `plan_inplace.update_variables_in_place`: binds the in-place and adopting kernels of
   variable updates where nobody can tell. After folding, since it reads which slots are still
   live and which ops may return views, on the final steps.
8. `plan_codegen.generate_code`: from a plan's third run, a generated Python function runs it.
   Last, because it writes out the steps and kernels exactly as the passes before left them
   (the code is generated at that third run, once the slots' last uses are set).

The plans of function graphs (the branches of `tf.cond`, the body of `tf.while_loop`; see
`minigraph.function_graph`) run the same passes but the in-place one (`for_function_graphs`).
"""

from minigraph import (plan_codegen, plan_folding, plan_fusion, plan_inplace, plan_recompute,
                       plan_reductions, plan_shapes)

ALL = (
    plan_shapes.fold_feed_shapes,
    plan_folding.fold_constants_and_aliases,
    plan_shapes.drop_shape_noops,
    plan_fusion.fuse_elementwise,
    plan_recompute.recompute_elementwise,
    plan_reductions.fuse_reductions,
    plan_inplace.update_variables_in_place,
    plan_codegen.generate_code,
)


def for_function_graphs(passes) -> tuple:
    """The passes the plan of a function graph runs, of the `passes` the plan holding it runs:
    all but `plan_inplace.update_variables_in_place`.

    NOTE: that pass proves an in-place write invisible by following every slot that may share a
    variable's array, within one plan. A function graph's plan cannot see the slots of the plan
    around it, which may hold the same variable's array (a read before a `tf.cond` that assigns
    it in a branch), so inside a function graph every assignment stores a new array.

    Example:
        >>> for_function_graphs(ALL) == (plan_shapes.fold_feed_shapes,
        ...                              plan_folding.fold_constants_and_aliases,
        ...                              plan_shapes.drop_shape_noops,
        ...                              plan_fusion.fuse_elementwise,
        ...                              plan_recompute.recompute_elementwise,
        ...                              plan_reductions.fuse_reductions,
        ...                              plan_codegen.generate_code)
        True
    """
    return tuple(p for p in passes if p is not plan_inplace.update_variables_in_place)
