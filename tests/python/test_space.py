"""hp.*, nesting, conditional spaces, arithmetic, scope, space_eval, sampling."""
import math

import numpy as np
import pytest

import hopt
from hopt import hp, space_eval
from hopt.pyll import scope
from hopt.pyll.stochastic import sample


def every_distribution():
    return {
        "choice": hp.choice("choice", ["a", "b", "c"]),
        "pchoice": hp.pchoice("pchoice", [(0.2, "x"), (0.8, "y")]),
        "randint": hp.randint("randint", 5),
        "randint2": hp.randint("randint2", 3, 9),
        "uniform": hp.uniform("uniform", -2, 2),
        "quniform": hp.quniform("quniform", 0, 10, 2),
        "loguniform": hp.loguniform("loguniform", -3, 0),
        "qloguniform": hp.qloguniform("qloguniform", 0, 3, 1),
        "normal": hp.normal("normal", 0, 1),
        "qnormal": hp.qnormal("qnormal", 0, 5, 1),
        "lognormal": hp.lognormal("lognormal", 0, 1),
        "qlognormal": hp.qlognormal("qlognormal", 0, 1, 1),
        "uniformint": hp.uniformint("uniformint", 1, 4),
    }


def test_every_distribution_draws_in_its_support():
    rng = np.random.default_rng(3)
    for _ in range(50):
        p = sample(every_distribution(), rng)
        assert p["choice"] in ("a", "b", "c")
        assert p["pchoice"] in ("x", "y")
        assert p["randint"] in range(5) and isinstance(p["randint"], int)
        assert p["randint2"] in range(3, 9)
        assert -2 <= p["uniform"] < 2
        assert p["quniform"] % 2 == 0
        assert math.exp(-3) <= p["loguniform"] <= 1
        assert p["qloguniform"] == round(p["qloguniform"])
        assert p["qnormal"] == round(p["qnormal"])
        assert p["lognormal"] > 0
        assert p["uniformint"] in (1, 2, 3, 4) and isinstance(p["uniformint"], int)


def test_same_seed_same_sample():
    space = every_distribution()
    assert sample(space, 7) == sample(space, 7)
    assert sample(space, np.random.default_rng(1)) == sample(space, np.random.default_rng(1))


def test_nested_dicts_lists_tuples_keep_their_types():
    space = {"a": [hp.uniform("x", 0, 1), ("k", hp.randint("n", 3))], "b": {"c": (1, 2)}, "hp": "key"}
    p = sample(space, 0)
    assert isinstance(p["a"], list) and isinstance(p["a"][1], tuple) and p["a"][1][0] == "k"
    assert p["b"]["c"] == (1, 2)
    assert p["hp"] == "key"  # a user key that is also a keyword of the space JSON


def test_conditional_space_and_space_eval():
    space = hp.choice("a", [("case 1", 1 + hp.lognormal("c1", 0, 1)), ("case 2", hp.uniform("c2", -10, 10))])
    assert space_eval(space, {"a": 0, "c1": 1.0}) == ("case 1", 2.0)
    assert space_eval(space, {"a": 1, "c2": 3.5}) == ("case 2", 3.5)


def test_arithmetic_and_scope_casts():
    x = hp.uniform("x", 1, 2)
    space = {"sum": x + 1, "rsub": 10 - x, "mul": 2 * x, "div": x / 2, "pow": 2 ** scope.int(x),
             "neg": -x, "int": scope.int(hp.quniform("q", 1, 10, 1)), "float": scope.float(hp.randint("r", 4))}
    p = space_eval(space, {"x": 1.5, "q": 7.0, "r": 3})
    assert p["sum"] == 2.5 and p["rsub"] == 8.5 and p["mul"] == 3.0 and p["div"] == 0.75
    assert p["pow"] == 2 and p["neg"] == -1.5
    assert p["int"] == 7 and isinstance(p["int"], int)
    assert p["float"] == 3.0 and isinstance(p["float"], float)


def test_shared_parameter_is_sampled_once():
    x = hp.uniform("x", -20, 20)
    space = {"a": x, "b": x}
    p = sample(space, 5)
    assert p["a"] == p["b"]


def test_duplicate_label_is_refused():
    with pytest.raises(hopt.DuplicateLabel):
        sample({"a": hp.uniform("x", 0, 1), "b": hp.uniform("x", 0, 1)})


def test_python_objects_as_choices_come_back_as_themselves():
    space = hp.choice("kind", [int, {"f": math.sqrt, "arr": np.arange(3)}])
    assert space_eval(space, {"kind": 0}) is int
    chosen = space_eval(space, {"kind": 1})
    assert chosen["f"] is math.sqrt and list(chosen["arr"]) == [0, 1, 2]


def test_bad_spaces_raise_clear_errors():
    with pytest.raises(ValueError):
        hp.uniform("x", 2, 1)
    with pytest.raises(TypeError):
        hp.uniform(3, 0, 1)
    with pytest.raises(hopt.exceptions.BadSearchSpace, match="q"):
        sample(hp.quniform("q", 0, 1, -1))


def test_scope_define_is_refused_with_a_reason():
    with pytest.raises(NotImplementedError, match="scope.define"):
        scope.define(lambda x: x)


def test_a_workers_restorer_from_space_json_matches_the_python_spaces():
    # A worker has only the space's JSON (as stored, or in canonical form):
    # the tuples it restores from it are those of the Python space.
    from hopt import capi
    from hopt._space import compile_space, restorer_from_json
    layers = hp.choice("layers", [(64, 64), [hp.randint("n", 3), (1,)], 5])
    spaces = [
        {"shape": (hp.uniform("x", 0, 1), 2), "plain": [1, 2], "layers": layers, "again": layers,
         "hp": {"nested": hp.pchoice("p", [(0.5, ("a",)), (0.5, "b")])}},
        [hp.uniform("y", 0, 1) + 1, {"d": [(2,)]}],
    ]
    for space in spaces:
        compiled = compile_space(space)
        assert compiled.restorer is not None
        assert restorer_from_json(compiled.json) == compiled.restorer
        assert restorer_from_json(capi.hopt_space_to_json(compiled.handle)) == compiled.restorer
    assert restorer_from_json(compile_space({"a": [hp.uniform("z", 0, 1)]}).json) is None
