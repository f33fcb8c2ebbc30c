"""get_variable / variable_scope: TF1's naming, reuse modes, errors, and the collections."""

import numpy as np
import pytest

import minigraph as tf


def _init_and_run(fetches):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches)


# ---------------------------------------------------------------- creation
def test_get_variable_names_shape_dtype_and_default_initializer():
    tf.set_random_seed(0)
    with tf.variable_scope("layer1"):
        w = tf.get_variable("W", [30, 20])
    assert repr(w) == "<tf.Variable 'layer1/W:0' shape=(30, 20) dtype=float32_ref>"
    assert w.initial_value.name.startswith("layer1/W/Initializer/")
    value = _init_and_run(w)
    limit = np.sqrt(6.0 / 50)  # glorot_uniform, TF1's default for floats
    assert np.abs(value).max() <= limit and value.std() > 0.5 * limit / np.sqrt(3)


def test_default_initializer_for_ints_is_zeros():
    n = tf.get_variable("n", [3], dtype=tf.int32)
    np.testing.assert_array_equal(_init_and_run(n), [0, 0, 0])


def test_initializer_as_class_and_dtype_string():
    v = tf.get_variable("v", [2], dtype="float64", initializer=tf.ones_initializer)
    assert v.dtype == tf.float64
    np.testing.assert_array_equal(_init_and_run(v), [1.0, 1.0])


def test_initializer_as_value_takes_its_shape():
    a = tf.get_variable("a", initializer=np.arange(6.0).reshape(2, 3))
    b = tf.get_variable("b", initializer=tf.constant([1, 2]))
    c = tf.get_variable("c", initializer=[0.5, 1.5], dtype=tf.float64)
    assert a.shape.as_list() == [2, 3] and a.dtype == tf.float64
    assert b.dtype == tf.int32 and c.dtype == tf.float64
    va, vb, vc = _init_and_run([a, b, c])
    np.testing.assert_array_equal(va, np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(vb, [1, 2])
    np.testing.assert_array_equal(vc, [0.5, 1.5])


def test_constant_initializer_with_shape_raises():
    with pytest.raises(ValueError, match="If initializer is a constant, do not specify shape"):
        tf.get_variable("x", [2], initializer=tf.constant([1.0, 2.0]))


def test_new_variable_needs_a_shape():
    with pytest.raises(ValueError, match=r"Shape of a new variable \(s/x\) must be fully"):
        with tf.variable_scope("s"):
            tf.get_variable("x")


def test_trainable_and_collections():
    w = tf.get_variable("w", [2])
    step = tf.get_variable("step", [], dtype=tf.int32, trainable=False)
    local = tf.get_variable("local", [1], collections=[tf.GraphKeys.LOCAL_VARIABLES])
    assert tf.global_variables() == [w, step]
    assert tf.trainable_variables() == [w, local]
    assert tf.get_collection(tf.GraphKeys.LOCAL_VARIABLES) == [local]
    tf.add_to_collection("mine", w)
    tf.add_to_collection("mine", step)
    assert tf.get_collection("mine") == [w, step]
    assert tf.get_collection("mine", scope="st") == [step]


def test_regularizer_adds_loss():
    def l2(v):
        return tf.reduce_sum(v * v)

    w = tf.get_variable("w", initializer=np.array([1.0, 2.0]), regularizer=l2)
    (loss,) = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert loss.name.startswith("w/Regularizer/")
    assert _init_and_run(loss) == pytest.approx(5.0)
    assert w.name == "w:0"


def test_scope_initializer_and_dtype_are_inherited():
    with tf.variable_scope("s", initializer=tf.constant_initializer(3.0), dtype=tf.float64):
        with tf.variable_scope("inner"):
            v = tf.get_variable("v", [2])
    assert v.name == "s/inner/v:0" and v.dtype == tf.float64
    np.testing.assert_array_equal(_init_and_run(v), [3.0, 3.0])


# ---------------------------------------------------------------- reuse
def test_already_exists_error():
    with tf.variable_scope("layer1"):
        tf.get_variable("W", [2, 3])
    with pytest.raises(ValueError) as info:
        with tf.variable_scope("layer1"):
            tf.get_variable("W", [2, 3])
    message = str(info.value)
    assert message.startswith(
        "Variable layer1/W already exists, disallowed. Did you mean to set reuse=True or "
        "reuse=tf.AUTO_REUSE in VarScope?"
    )
    assert "test_variable_scope.py" in message  # where it was first defined


def test_does_not_exist_error():
    with pytest.raises(ValueError) as info:
        with tf.variable_scope("layer1", reuse=True):
            tf.get_variable("W", [2, 3])
    assert str(info.value) == (
        "Variable layer1/W does not exist, or was not created with tf.get_variable(). Did you "
        "mean to set reuse=tf.AUTO_REUSE in VarScope?"
    )


def test_tf_variable_is_not_found_by_get_variable():
    with tf.variable_scope("a"):
        tf.Variable(1.0, name="v")
    with pytest.raises(ValueError, match="does not exist"):
        with tf.variable_scope("a", reuse=True):
            tf.get_variable("v", [])


def test_reuse_true_returns_same_variable_and_checks_shape_and_dtype():
    with tf.variable_scope("layer1"):
        w = tf.get_variable("W", [2, 3])
    with tf.variable_scope("layer1", reuse=True):
        assert tf.get_variable("W") is w
        assert tf.get_variable("W", [2, 3]) is w
        assert tf.get_variable("W", [None, 3]) is w
        with pytest.raises(ValueError, match=r"Trying to share variable layer1/W, but specified "
                                             r"shape \(3, 2\) and found shape \(2, 3\)"):
            tf.get_variable("W", [3, 2])
        with pytest.raises(ValueError, match="specified dtype float64 and found dtype float32"):
            tf.get_variable("W", dtype=tf.float64)
    assert len(tf.global_variables()) == 1


def test_reuse_is_inherited_by_subscopes_and_cannot_be_turned_off():
    with tf.variable_scope("a"):
        with tf.variable_scope("b"):
            v = tf.get_variable("v", [1])
    with tf.variable_scope("a", reuse=True):
        with tf.variable_scope("b", reuse=False):
            assert tf.get_variable_scope().reuse is True
            assert tf.get_variable("v") is v


def test_auto_reuse_creates_then_reuses():
    def net():
        with tf.variable_scope("net", reuse=tf.AUTO_REUSE):
            return tf.get_variable("w", [2])

    assert net() is net()
    assert [v.name for v in tf.global_variables()] == ["net/w:0"]
    assert repr(tf.AUTO_REUSE)


def test_reuse_variables_on_scope_object():
    with tf.variable_scope("rnn") as scope:
        w = tf.get_variable("w", [3])
        scope.reuse_variables()
        assert scope.reuse is True
        assert tf.get_variable("w") is w


def test_reentering_with_scope_object():
    with tf.variable_scope("model") as scope:
        w = tf.get_variable("w", [1])
        c1 = tf.constant(1.0, name="c")
    with tf.variable_scope(scope, reuse=True) as again:
        assert again.name == "model" and again.reuse is True
        assert tf.get_variable("w") is w
        c2 = tf.constant(1.0, name="c")
    assert c1.name == "model/c:0"
    assert c2.name == "model/c_1:0"  # the original name scope is re-entered, not model_1
    with tf.variable_scope("other"):
        with tf.variable_scope(scope):  # jumps: absolute, not other/model
            assert tf.get_variable_scope().name == "model"
            assert tf.constant(0.0).name.startswith("model/")


# ---------------------------------------------------------------- naming
def test_reentering_a_scope_by_name_opens_a_new_name_scope_but_same_variable_names():
    def layer(x):
        w = tf.get_variable("w", [3, 2], initializer=tf.ones_initializer())
        return tf.matmul(x, w)

    x = tf.ones([1, 3])
    with tf.variable_scope("layer1") as s1:
        y1 = layer(x)
    with tf.variable_scope("layer1", reuse=True) as s2:
        y2 = layer(x)
    assert y1.name == "layer1/MatMul:0" and y2.name == "layer1_1/MatMul:0"
    assert s1.original_name_scope == "layer1/" and s2.original_name_scope == "layer1_1/"
    assert [v.name for v in tf.global_variables()] == ["layer1/w:0"]
    np.testing.assert_array_equal(*_init_and_run([y1, y2]))


def test_name_scope_does_not_change_variable_names():
    with tf.variable_scope("outer"):
        with tf.name_scope("ns"):
            v = tf.get_variable("v", [1])
            plain = tf.Variable(1.0, name="plain")
            c = tf.constant(0.0, name="c")
    assert v.name == "outer/v:0"
    assert plain.name == "outer/ns/plain:0" and c.name == "outer/ns/c:0"


def test_default_name_is_made_unique_and_restarts_inside_reentered_scope():
    names = []
    for _ in range(2):
        with tf.variable_scope("model", reuse=tf.AUTO_REUSE):
            for _ in range(2):
                with tf.variable_scope(None, default_name="dense"):
                    names.append(tf.get_variable("kernel", [1]).name)
    assert names == ["model/dense/kernel:0", "model/dense_1/kernel:0"] * 2
    assert len(tf.global_variables()) == 2


def test_nested_scopes_and_get_variable_scope():
    assert tf.get_variable_scope().name == ""
    with tf.variable_scope("a"):
        with tf.variable_scope("b") as b:
            assert tf.get_variable_scope() is b and b.name == "a/b"
            v = tf.get_variable("v", [1])
        assert tf.get_variable_scope().name == "a"
    assert tf.get_variable_scope().name == ""
    assert v.name == "a/b/v:0"
    assert b.global_variables() == [v] and b.trainable_variables() == [v]


def test_scope_state_is_restored_after_an_exception():
    with pytest.raises(RuntimeError):
        with tf.variable_scope("boom"):
            raise RuntimeError("inside")
    assert tf.get_variable_scope().name == ""
    assert tf.constant(0.0).name == "Const:0"


def test_auxiliary_name_scope_false():
    with tf.variable_scope("v", auxiliary_name_scope=False):
        w = tf.get_variable("w", [1])
        c = tf.constant(0.0, name="c")
    assert w.name == "v/w:0" and c.name == "c:0"


def test_variable_scope_argument_errors():
    with pytest.raises(TypeError, match="name_or_scope is required"):
        tf.variable_scope(None)
    with pytest.raises(ValueError, match="reuse=True cannot be used without a name_or_scope"):
        with tf.variable_scope(None, default_name="d", reuse=True):
            pass
    with pytest.raises(TypeError, match="string or VariableScope"):
        tf.variable_scope(3)


def test_stores_are_per_graph():
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default():
        w1 = tf.get_variable("w", [1])
    with g2.as_default():
        w2 = tf.get_variable("w", [1])  # no "already exists": another graph
        with tf.variable_scope("s"):
            assert tf.get_variable_scope().name == "s"
    assert w1.graph is g1 and w2.graph is g2
    assert tf.get_variable_scope().name == ""


def test_values_pick_the_graph():
    g = tf.Graph()
    with g.as_default():
        x = tf.constant(1.0)
    with tf.variable_scope("s", values=[x]) as scope:
        assert scope.name == "s"
    assert g._variable_store.scope_counts.get("s") == 1
