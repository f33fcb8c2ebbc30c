"""`python -m minigraph.viz SCRIPT.py -o graph.svg`: draw every graph a script builds (cli.py).

The command line lives here rather than under `if __name__ == "__main__":` in the package, so
that `-m` does not run a second copy of a module `import minigraph` has already loaded.
"""

import sys

from minigraph.viz.cli import main

if __name__ == "__main__":
    sys.exit(main())
