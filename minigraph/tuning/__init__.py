"""`minigraph.tuning`: hyperparameter search as the course teaches it.

Search spaces on the right scales (`log_uniform` for learning rates, `one_minus_log_uniform` for
averaging parameters like momentum's beta), random rather than grid search, coarse-to-fine
rounds, many trials in parallel on any `concurrent.futures.Executor` (a process pool, a Dask
cluster), a JSON-lines store that survives crashes and resumes, and the `Babysitter` for nudging
the hyperparameters of one model while it trains. tqdm, matplotlib and dask are imported only
when used. See docs/hyperparameter_tuning.md.
"""

from minigraph.tuning.babysit import Babysitter as Babysitter
from minigraph.tuning.babysit import hyperparameter as hyperparameter
from minigraph.tuning.parallel import run_trial as run_trial
from minigraph.tuning.progress import progress_bar as progress_bar
from minigraph.tuning.search import SearchInterrupted as SearchInterrupted
from minigraph.tuning.search import SearchResult as SearchResult
from minigraph.tuning.search import Trial as Trial
from minigraph.tuning.search import coarse_to_fine as coarse_to_fine
from minigraph.tuning.search import grid_search as grid_search
from minigraph.tuning.search import random_search as random_search
from minigraph.tuning.search import trial_seeds as trial_seeds
from minigraph.tuning.spaces import Choice as Choice
from minigraph.tuning.spaces import Distribution as Distribution
from minigraph.tuning.spaces import IntUniform as IntUniform
from minigraph.tuning.spaces import LogUniform as LogUniform
from minigraph.tuning.spaces import OneMinusLogUniform as OneMinusLogUniform
from minigraph.tuning.spaces import Uniform as Uniform
from minigraph.tuning.spaces import choice as choice
from minigraph.tuning.spaces import grid as grid
from minigraph.tuning.spaces import int_uniform as int_uniform
from minigraph.tuning.spaces import log_uniform as log_uniform
from minigraph.tuning.spaces import narrow_space as narrow_space
from minigraph.tuning.spaces import one_minus_log_uniform as one_minus_log_uniform
from minigraph.tuning.spaces import sample_space as sample_space
from minigraph.tuning.spaces import uniform as uniform
from minigraph.tuning.store import TrialStore as TrialStore
