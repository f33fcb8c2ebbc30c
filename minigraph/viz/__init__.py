"""Pictures of graphs: a graph (or what some fetches need) as DOT text, then SVG/PNG/PDF.

Learners understand autodiff by *seeing* the gradient graph next to the forward graph, and
engineers need to see what a model built. `to_dot` turns a graph into Graphviz's DOT language in
three steps, none of them recursive (a 100,000-op graph is fine), one module each:

1. `select.py`: choose the ops: the whole graph, or only the ops some fetches need;
2. `classify.py`: each op's *kind* (variable, placeholder, constant, op) and *phase* (forward,
   gradient, update); `styles.py` maps them to shapes and colours;
3. `dot.py`: write the text: name scopes as nested clusters, collapsed scopes as boxes, hidden
   gradients, edges labelled with shapes; `labels.py` makes user text safe inside labels.

`rendering.py` turns the text into pictures through the `graphviz` package and `dot` (never
imported by `import minigraph`); `notebook.py` lets a `Graph` display itself in Jupyter;
`cli.py` is `python -m minigraph.viz SCRIPT.py -o graph.svg [--graph N] [--no-run] [-- ARGS]`,
which runs a script and draws every graph it builds.
"""

from minigraph.viz import notebook as notebook
from minigraph.viz.cli import main as main
from minigraph.viz.dot import DotSource as DotSource
from minigraph.viz.dot import render as render
from minigraph.viz.dot import to_dot as to_dot
from minigraph.viz.notebook import NOTEBOOK_COLLAPSE_THRESHOLD as NOTEBOOK_COLLAPSE_THRESHOLD
from minigraph.viz.rendering import FORMATS as FORMATS
from minigraph.viz.rendering import GraphvizNotFoundError as GraphvizNotFoundError
from minigraph.viz.styles import FORWARD as FORWARD
from minigraph.viz.styles import GRADIENT as GRADIENT
from minigraph.viz.styles import MAX_SHOWN_CONST_ELEMENTS as MAX_SHOWN_CONST_ELEMENTS
from minigraph.viz.styles import UPDATE as UPDATE
