"""A session limits BLAS to one thread unless the user configured the threads: through
`ConfigProto(intra_op_parallelism_threads=N)`, `MINIGRAPH_BLAS_THREADS`, or BLAS's own
environment variables."""

import pytest

import minigraph as tf
from minigraph import session as session_module

threadpoolctl = pytest.importorskip("threadpoolctl")


def blas_threads() -> list:
    return [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]


@pytest.fixture
def clean_blas(monkeypatch):
    """No thread variable set; BLAS at 2 threads to start (so that 1 is a visible change);
    the original limits restored afterwards."""
    before = blas_threads()
    if not before:
        pytest.skip("no BLAS library found by threadpoolctl")
    for name in ("MINIGRAPH_BLAS_THREADS",) + session_module.BLAS_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    threadpoolctl.threadpool_limits(limits=2, user_api="blas")
    if blas_threads() != [2] * len(before):
        threadpoolctl.threadpool_limits(limits=max(before), user_api="blas")
        pytest.skip("this BLAS cannot run 2 threads here")
    yield monkeypatch
    threadpoolctl.threadpool_limits(limits=max(before), user_api="blas")


def test_a_session_sets_one_blas_thread_by_default(clean_blas):
    assert session_module.default_blas_threads() == 1
    tf.Session().close()
    assert blas_threads() == [1] * len(blas_threads())


def test_a_default_config_proto_also_gets_the_default(clean_blas):
    tf.Session(config=tf.ConfigProto()).close()
    assert set(blas_threads()) == {1}


def test_config_proto_threads_win_over_the_environment(clean_blas):
    clean_blas.setenv("MINIGRAPH_BLAS_THREADS", "1")
    tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=2)).close()
    assert set(blas_threads()) == {2}


def test_minigraph_blas_threads_sets_the_count(clean_blas):
    threadpoolctl.threadpool_limits(limits=1, user_api="blas")
    clean_blas.setenv("MINIGRAPH_BLAS_THREADS", "2")
    tf.Session().close()
    assert set(blas_threads()) == {2}


def test_minigraph_blas_threads_zero_leaves_blas_alone(clean_blas):
    clean_blas.setenv("MINIGRAPH_BLAS_THREADS", "0")
    assert session_module.default_blas_threads() == 0
    tf.Session().close()
    assert set(blas_threads()) == {2}


@pytest.mark.parametrize("name", ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"])
def test_blas_own_variables_count_as_the_users_choice(clean_blas, name):
    clean_blas.setenv(name, "2")
    assert session_module.default_blas_threads() == 0
    tf.Session().close()
    assert set(blas_threads()) == {2}


def test_an_empty_variable_is_not_a_choice(clean_blas):
    clean_blas.setenv("OMP_NUM_THREADS", "")
    clean_blas.setenv("MINIGRAPH_BLAS_THREADS", " ")
    assert session_module.default_blas_threads() == 1
