"""Searches under faults: trials that hang, worker processes killed by the OS, Ctrl-C while a
worker hangs, a damaged results store, and wrong argument types."""

import concurrent.futures
import json
import os
import signal
import threading
import time

import pytest

from minigraph import tuning
from minigraph.tuning.examples import bowl

UNITS = {"units": tuning.choice([1, -1, 2, 3])}  # grid_search(..., 1) tries 1, -1, 2, 3
SPACE = {"learning_rate": tuning.log_uniform(1e-5, 1), "units": tuning.int_uniform(8, 128)}
posix_only = pytest.mark.skipif(os.name != "posix", reason="signals and process pools as on POSIX")


def hangs(params, seed):
    """Trial units=-1 sleeps (an interruptible hang)."""
    if params["units"] == -1:
        time.sleep(60)
    return float(params["units"])


def hangs_in_a_loop(params, seed):
    """Trial units=-1 spins in Python (what a thread's timeout can stop)."""
    while params["units"] == -1:
        time.sleep(0.005)
    return float(params["units"])


def hangs_beyond_reach(params, seed):
    """Trial units=-1 blocks SIGALRM and sleeps: only killing its process stops it (as a
    trial stuck inside C code)."""
    if params["units"] == -1:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(60)
    time.sleep(0.05)
    return float(params["units"])


def killed_by_the_os(params, seed):
    """Trial units=-1 kills its own worker process with SIGKILL, as the OOM killer would."""
    if params["units"] == -1:
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.05)
    return float(params["units"])


def _outcomes(result):
    return {t.params["units"]: (t.status, t.value) for t in result.trials}


def _assert_only_the_bad_trial_failed(result, error):
    outcomes = _outcomes(result)
    assert outcomes == {1: ("ok", 1.0), -1: ("failed", None), 2: ("ok", 2.0), 3: ("ok", 3.0)}
    (failed,) = result.failed_trials
    assert error in failed.error, failed.error


# ---------------------------------------------------------------- per-trial timeout
@posix_only
def test_a_hung_trial_times_out_and_the_search_goes_on(tmp_path):
    start = time.monotonic()
    result = tuning.grid_search(hangs, UNITS, 1, trial_timeout=0.3, store=tmp_path / "s.jsonl")
    assert time.monotonic() - start < 10
    _assert_only_the_bad_trial_failed(result, "TrialTimeout")
    assert "trial_timeout=0.3" in result.failed_trials[0].error
    assert len((tmp_path / "s.jsonl").read_text().splitlines()) == 4


def test_a_hung_trial_on_a_thread_times_out():
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as threads:
        result = tuning.grid_search(hangs_in_a_loop, UNITS, 1, trial_timeout=0.3,
                                    executor=threads)
    assert time.monotonic() - start < 10
    _assert_only_the_bad_trial_failed(result, "TrialTimeout")


@posix_only
def test_a_hung_trial_in_a_worker_process_times_out():
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        start = time.monotonic()
        result = tuning.grid_search(hangs, UNITS, 1, trial_timeout=0.5, executor=pool)
        assert time.monotonic() - start < 20
    _assert_only_the_bad_trial_failed(result, "TrialTimeout")


@posix_only
@pytest.mark.slow
def test_a_trial_the_alarm_cannot_stop_is_killed_with_its_worker():
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        start = time.monotonic()
        result = tuning.grid_search(hangs_beyond_reach, UNITS, 1, trial_timeout=0.5,
                                    executor=pool)
        assert time.monotonic() - start < 30
    _assert_only_the_bad_trial_failed(result, "TrialTimeout")
    assert "worker process was killed" in result.failed_trials[0].error


# ---------------------------------------------------------------- dead workers
@posix_only
@pytest.mark.slow
def test_a_worker_killed_by_the_os_fails_its_trial_and_the_search_goes_on(tmp_path):
    path = tmp_path / "s.jsonl"
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        result = tuning.grid_search(killed_by_the_os, UNITS, 1, executor=pool, store=path)
        # The pool the search was given is broken now; a second search still runs (on a new
        # pool the search makes and shuts down).
        again = tuning.grid_search(killed_by_the_os, {"units": tuning.choice([4, 5])}, 1,
                                   executor=pool)
    _assert_only_the_bad_trial_failed(result, "SIGKILL")
    assert "worker process running this trial died" in result.failed_trials[0].error
    assert len(path.read_text().splitlines()) == 4
    assert _outcomes(again) == {4: ("ok", 4.0), 5: ("ok", 5.0)}


# ---------------------------------------------------------------- Ctrl-C
@posix_only
@pytest.mark.slow
def test_ctrl_c_does_not_wait_for_a_hung_worker(tmp_path):
    path = tmp_path / "s.jsonl"
    ctrl_c = threading.Timer(2.0, os.kill, (os.getpid(), signal.SIGINT))
    start = time.monotonic()
    with pytest.raises(tuning.SearchInterrupted) as info:
        with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
            ctrl_c.start()
            tuning.grid_search(hangs_beyond_reach, UNITS, 1, executor=pool, store=path)
    ctrl_c.join()
    assert time.monotonic() - start < 15  # the hung trial would take 60 s
    finished = info.value.result.trials
    assert -1 not in {t.params["units"] for t in finished}
    assert len(path.read_text().splitlines()) == len(finished)


# ---------------------------------------------------------------- a damaged store
def test_store_lines_that_are_not_trial_records_are_skipped_with_a_warning(tmp_path):
    path = tmp_path / "s.jsonl"
    tuning.random_search(bowl, SPACE, 3, seed=4, store=path)
    good = path.read_text().splitlines()
    record = json.loads(good[1])
    damaged = [
        "[1, 2]",
        "null",
        "3.5",
        json.dumps({k: v for k, v in record.items() if k != "seed"}),
        json.dumps(dict(record, index="1")),
        json.dumps(dict(record, params=[1, 2])),
        json.dumps(dict(record, status="maybe")),
        json.dumps(dict(record, value="0.5")),
        json.dumps(dict(record, key="0/1/0/{}")),
    ]
    path.write_text("\n".join([good[0]] + damaged + [good[2]]) + "\n")
    calls = []

    def counted(params, seed):
        calls.append(params)
        return bowl(params, seed)

    with pytest.warns(UserWarning) as caught:
        result = tuning.random_search(counted, SPACE, 3, seed=4, store=path)
    messages = [str(w.message) for w in caught]
    for line in range(2, 11):
        assert any(f"line {line}:" in m and "skipped" in m for m in messages), (line, messages)
    assert any("is a list" in m for m in messages) and any("'seed'" in m for m in messages)
    assert len(calls) == 1 and calls[0] == result.trials[1].params  # only trial 1 ran again
    assert [t.resumed for t in result.trials] == [True, False, True]


# ---------------------------------------------------------------- argument types
@pytest.mark.parametrize("kwargs, name", [
    ({"n_trials": "10"}, "n_trials"),
    ({"n_trials": 2.0}, "n_trials"),
    ({"n_trials": True}, "n_trials"),
    ({"seed": "1"}, "seed"),
    ({"maximize": "yes"}, "maximize"),
    ({"executor": 4}, "executor"),
    ({"store": 5}, "store"),
    ({"metric": 1}, "metric"),
    ({"progress": "no"}, "progress"),
    ({"retry_failed": "no"}, "retry_failed"),
    ({"trial_timeout": "1"}, "trial_timeout"),
    ({"space": ["learning_rate"]}, "space"),
])
def test_random_search_names_an_argument_of_the_wrong_type(kwargs, name):
    arguments = dict(objective=bowl, space=SPACE, n_trials=2)
    arguments.update(kwargs)
    with pytest.raises(TypeError, match=rf"\b{name}\b"):
        tuning.random_search(**arguments)


def test_other_searches_name_an_argument_of_the_wrong_type():
    for kwargs, name in [({"rounds": "2"}, "rounds"), ({"trials_per_round": "4"},
                                                         "trials_per_round"),
                         ({"keep": 1.5}, "keep"), ({"margin": "0.1"}, "margin"),
                         ({"compare_random": "yes"}, "compare_random")]:
        arguments = dict(rounds=2, trials_per_round=4)
        arguments.update(kwargs)
        with pytest.raises(TypeError, match=rf"\b{name}\b"):
            tuning.coarse_to_fine(bowl, SPACE, **arguments)
    with pytest.raises(TypeError, match="points_per_axis"):
        tuning.grid_search(bowl, SPACE, "3")
    with pytest.raises(ValueError, match="trial_timeout must be a positive number"):
        tuning.random_search(bowl, SPACE, 2, trial_timeout=0)


@posix_only
def test_an_objective_a_process_pool_cannot_send_is_a_type_error_at_once():
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        with pytest.raises(TypeError, match="cannot be sent to the executor's workers.*lambda"):
            tuning.random_search(lambda params, seed: 0.0, SPACE, 3, executor=pool)
