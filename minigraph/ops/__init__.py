"""The op library: one module per family, each op one block (builder, kernel + shape, gradient)."""
