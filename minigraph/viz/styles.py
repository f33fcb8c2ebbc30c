"""How a drawn graph looks: the three phases of an op and the colours and shapes of nodes.

An op's *kind* (variable, placeholder, constant, other op) picks its node's shape; its *phase*
picks the colours: forward ops are grey on white, gradient ops orange, update ops red. The
phases themselves are decided in `classify.py`.
"""

FORWARD, GRADIENT, UPDATE = "forward", "gradient", "update"

# Constants with at most this many elements show their value in the node (e.g. "= 25.0").
MAX_SHOWN_CONST_ELEMENTS = 4

# A label line longer than this many characters is shortened in the middle ("abc…xyz"): dot
# refuses quoted strings over 16384 characters, and a 10,000-character name helps nobody.
MAX_LABEL_CHARS = 64

# Nested clusters are indented by two spaces a level, down to this depth and no further, so
# the DOT text of scopes nested N deep grows with N, not N squared.
MAX_INDENT_LEVELS = 8

# Colours: border and fill per phase; fill per kind for the sources of data.
PHASE_BORDER = {FORWARD: "#404040", GRADIENT: "#d9822b", UPDATE: "#c0392b"}
PHASE_FILL = {FORWARD: "#ffffff", GRADIENT: "#fde9d2", UPDATE: "#f9d6d2"}
PHASE_CLUSTER_FILL = {FORWARD: "#ffffff", GRADIENT: "#fff7ee", UPDATE: "#fff3f2"}
KIND_STYLE = {
    "variable": 'shape=cylinder, style="filled", fillcolor="#cfe2f3"',
    "placeholder": 'shape=invhouse, style="filled", fillcolor="#d9ead3"',
    "constant": 'shape=ellipse, style="filled", fillcolor="#eeeeee", fontsize=9',
    "op": 'shape=box, style="rounded,filled"',
}
