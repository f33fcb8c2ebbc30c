"""`tf.logging`, `tf.flags` / `tf.app.flags`, `tf.app.run`, `tf.__version__` and the
`minigraph.python.framework` import paths, checked against what TF1 (TF 2.21's `compat.v1`)
does: its log format `LEVEL:logger:message`, WARN as the default verbosity, flags parsed from
`sys.argv` on first access, and `tf.app.run` exiting with `main`'s return value."""

import logging
import subprocess
import sys
from pathlib import Path

import pytest

import minigraph as tf
from minigraph.platform import flags as flags_module

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(ROOT)})


# ---------------------------------------------------------------- tf.logging
def test_logging_levels_are_pythons():
    assert (tf.logging.DEBUG, tf.logging.INFO, tf.logging.WARN, tf.logging.ERROR,
            tf.logging.FATAL) == (10, 20, 30, 40, 50)


def test_logging_default_is_warn_and_format_is_tf1s():
    result = _run(
        "import minigraph as tf\n"
        "print(tf.logging.get_verbosity())\n"
        "tf.logging.info('hidden info')\n"
        "tf.logging.warning('shown warn %d', 3)\n"
        "tf.logging.set_verbosity(tf.logging.INFO)\n"
        "tf.logging.info('now info %s', 'x')\n"
        "tf.logging.fatal('fatal msg')\n"
        "print('alive')\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["30", "alive"]
    assert result.stderr.splitlines() == [
        "WARNING:minigraph:shown warn 3", "INFO:minigraph:now info x",
        "CRITICAL:minigraph:fatal msg",
    ]


def test_logging_adds_no_handler_when_the_program_configured_logging():
    result = _run(
        "import logging, sys\n"
        "logging.basicConfig(stream=sys.stdout, format='%(name)s|%(message)s')\n"
        "import minigraph as tf\n"
        "tf.logging.warn('once')\n"
    )
    assert result.stdout.splitlines() == ["minigraph|once"]
    assert result.stderr == ""


def test_set_verbosity_filters(caplog):
    old = tf.logging.get_verbosity()
    try:
        tf.logging.set_verbosity(tf.logging.ERROR)
        with caplog.at_level(logging.NOTSET):
            tf.logging.warn("dropped")
            tf.logging.error("kept %s", "e")
            tf.logging.debug("dropped too")
        assert [r.getMessage() for r in caplog.records if r.name == "minigraph"] == ["kept e"]
        assert tf.logging.get_verbosity() == tf.logging.ERROR
    finally:
        tf.logging.set_verbosity(old)


def test_log_first_n_and_every_n(caplog):
    old = tf.logging.get_verbosity()
    tf.logging.set_verbosity(tf.logging.INFO)
    try:
        with caplog.at_level(logging.INFO, logger="minigraph"):
            for i in range(7):
                tf.logging.log_first_n(tf.logging.INFO, "first %d", 2, i)
            for i in range(7):
                tf.logging.log_every_n(tf.logging.INFO, "every %d", 3, i)
    finally:
        tf.logging.set_verbosity(old)
    assert [r.getMessage() for r in caplog.records] == [
        "first 0", "first 1", "every 0", "every 3", "every 6",
    ]


# ---------------------------------------------------------------- tf.flags / tf.app
@pytest.fixture
def fresh_flags(monkeypatch):
    """A new FLAGS registry, as in a new program."""
    fv = flags_module.FlagValues()
    monkeypatch.setattr(flags_module, "FLAGS", fv)
    return fv


def test_flags_parse_sys_argv_on_first_access(fresh_flags, monkeypatch):
    f = tf.app.flags
    assert f is tf.flags
    f.DEFINE_integer("batch_size", 100, "Batch size.")
    f.DEFINE_float("lr", 0.01, "Learning rate.")
    f.DEFINE_boolean("fake", False, "Fake data.")
    f.DEFINE_string("name", "x", "A name.")
    monkeypatch.setattr(sys, "argv", ["prog", "--batch_size=5", "--fake", "--lr", "0.5", "pos"])
    FLAGS = f.FLAGS
    assert not FLAGS.is_parsed()
    assert (FLAGS.batch_size, FLAGS.lr, FLAGS.fake, FLAGS.name) == (5, 0.5, True, "x")
    assert isinstance(FLAGS.lr, float)
    FLAGS.batch_size = 9  # TF1 (absl) lets programs assign flags
    assert FLAGS.flag_values_dict() == {"batch_size": 9, "lr": 0.5, "fake": True, "name": "x"}


def test_flags_errors_are_tf1s(fresh_flags):
    tf.flags.DEFINE_integer("batch_size", 100, "Batch size.")
    with pytest.raises(tf.flags.DuplicateFlagError, match="'batch_size' is defined twice"):
        tf.flags.DEFINE_integer("batch_size", 1, "again")
    with pytest.raises(tf.flags.IllegalFlagValueError,
                       match=r"flag --batch_size=abc: invalid literal for int"):
        tf.flags.FLAGS(["prog", "--batch_size=abc"])
    with pytest.raises(AttributeError, match="nothere"):
        _ = tf.flags.FLAGS.nothere


def test_undefined_flags_stay_in_argv(fresh_flags):
    tf.flags.DEFINE_boolean("fake", True, "Fake data.")
    tf.flags.DEFINE_integer("n", 1, "n")
    rest = tf.flags.FLAGS(["prog", "--n=7", "--nofake", "rest", "--unknown=1", "-f", "k.json"])
    assert rest == ["prog", "rest", "--unknown=1", "-f", "k.json"]
    assert (tf.flags.FLAGS.n, tf.flags.FLAGS.fake) == (7, False)
    assert tf.flags.FLAGS(["prog", "--", "--n=3"]) == ["prog", "--n=3"]


def test_app_run_calls_main_and_exits_with_its_value(fresh_flags):
    tf.flags.DEFINE_float("lr", 0.5, "lr")
    seen = []

    def main(argv):
        seen.append((argv, tf.flags.FLAGS.lr))
        return 3

    with pytest.raises(SystemExit) as exit_info:
        tf.app.run(main=main, argv=["prog", "--lr=2", "extra"])
    assert exit_info.value.code == 3
    assert seen == [(["prog", "extra"], 2.0)]


def test_app_run_finds_main_of_the_program():
    result = _run(
        "import minigraph as tf\n"
        "tf.app.flags.DEFINE_integer('steps', 10, 'steps')\n"
        "FLAGS = tf.app.flags.FLAGS\n"
        "def main(_):\n"
        "    print('steps', FLAGS.steps)\n"
        "import sys; sys.argv = ['prog', '--steps', '4']\n"
        "tf.app.run()\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "steps 4\n"


# ---------------------------------------------------------------- versions and import paths
def test_version_is_tf_1_15_for_tf1_version_checks():
    assert tf.__version__ == tf.VERSION == tf.version.VERSION == "1.15.0"
    assert tf.compat.v1.__version__ == "1.15.0"
    major, minor = (int(p) for p in tf.__version__.split(".")[:2])
    assert (major, minor) >= (1, 0) and not tf.__version__.startswith("2")


def test_package_version_is_minigraphs_own():
    import configparser

    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    assert config["metadata"]["version"] == "attr: minigraph.version.MINIGRAPH_VERSION"
    assert tf.version.MINIGRAPH_VERSION == "0.1.0"


def test_framework_import_paths():
    from minigraph.python.framework import dtypes, ops, random_seed, tensor_shape

    assert dtypes.float32 is tf.float32 and dtypes.as_dtype("double") is tf.float64
    assert tensor_shape.TensorShape([None, 3]).as_list() == [None, 3]
    assert tensor_shape.unknown_shape().ndims is None
    assert random_seed.DEFAULT_GRAPH_SEED == 87654321
    with tf.Graph().as_default():
        tf.set_random_seed(5)
        assert random_seed.get_seed(3) == (5, 3)
    assert ops.reset_default_graph is tf.reset_default_graph
