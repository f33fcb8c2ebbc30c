"""`tensorflow.python`'s import paths that TF1 notebooks use (`minigraph.python.framework`)."""
