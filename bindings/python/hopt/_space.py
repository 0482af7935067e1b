"""Compile hp expressions into the engine's space JSON (docs/space-json.md).

Besides the JSON, the compiler builds a *restorer*: a small tree saying
where the point the engine computes (plain JSON) must be turned back into
what the Python space held, i.e. tuples, and constants JSON cannot carry
(classes, functions, arrays). Spaces with neither need no restoring, and
their points are used exactly as the engine returns them.
"""
import math
import numbers

from . import capi
from ._json import dumps, loads
from .exceptions import DuplicateLabel
from .pyll.base import Hyperparameter, Operation

_RESERVED_KEYS = frozenset(("hp", "ref", "op", "const", "dict", "list", "tuple"))


class CompiledSpace:
    """A space as the engine holds it, plus what restores its points."""

    __slots__ = ("expr", "json", "handle", "restorer", "labels")

    def __init__(self, expr, json_text, restorer, labels):
        self.expr = expr
        self.json = json_text
        self.handle = capi.hopt_space_from_json(json_text)
        self.restorer = restorer
        self.labels = labels

    def restore_point(self, point, vals):
        """The point as the objective gets it, from the engine's JSON point and flat vals."""
        return point if self.restorer is None else restore(self.restorer, point, vals)

    def eval(self, vals):
        """hyperopt's space_eval: the point for flat vals (choices as indices)."""
        vals = {str(k): v for k, v in vals.items()}
        return self.restore_point(loads(capi.hopt_space_eval(self.handle, dumps(vals))), vals)


def compile_space(expr):
    if isinstance(expr, CompiledSpace):
        return expr
    compiler = _Compiler()
    node, restorer = compiler.node(expr)
    return CompiledSpace(expr, dumps(node), restorer, list(compiler.labels))


class _Compiler:
    def __init__(self):
        self.labels = {}            # label -> Hyperparameter defined under it
        self.choice_restorers = {}  # label -> restorer of a choice, for its refs

    def node(self, x):
        """(JSON node, restorer or None) for the Python value `x`."""
        if isinstance(x, Hyperparameter):
            return self.hyperparameter(x)
        if isinstance(x, Operation):
            return {"op": x.name, "args": [self.node(a)[0] for a in x.args]}, None
        if isinstance(x, dict):
            return self.mapping(x)
        if isinstance(x, tuple):
            nodes, restorers = self.sequence(x)
            return {"tuple": nodes}, ("tuple", restorers)
        if isinstance(x, list):
            nodes, restorers = self.sequence(x)
            return nodes, _list_restorer(restorers)
        return self.constant(x)

    def hyperparameter(self, hp):
        known = self.labels.get(hp.label)
        if known is not None:
            if known is hp:  # the same node used twice: one value per trial
                return {"ref": hp.label}, self.choice_restorers.get(hp.label)
            raise DuplicateLabel(hp.label)
        self.labels[hp.label] = hp
        node = {"hp": hp.dist, "label": hp.label}
        node.update(hp.fields)
        if hp.options is None:
            return node, None
        options, restorers = self.sequence(hp.options)
        if hp.probabilities is not None:
            options = [[p, o] for p, o in zip(hp.probabilities, options)]
        node["options"] = options
        restorer = _choice_restorer(hp.label, restorers)
        self.choice_restorers[hp.label] = restorer
        return node, restorer

    def sequence(self, items):
        nodes, restorers = [], []
        for item in items:
            n, r = self.node(item)
            nodes.append(n)
            restorers.append(r)
        return nodes, restorers

    def mapping(self, d):
        nodes, restorers = {}, {}
        for key, value in d.items():
            if not isinstance(key, str):
                raise TypeError("hopt: dict keys in a search space must be strings, got %r" % (key,))
            nodes[key], r = self.node(value)
            if r is not None:
                restorers[key] = r
        if _RESERVED_KEYS.intersection(nodes):
            nodes = {"dict": nodes}
        return nodes, _dict_restorer(restorers)

    def constant(self, x):
        if x is None or isinstance(x, (bool, str)):
            return x, None
        if isinstance(x, numbers.Integral):
            return int(x), None
        if isinstance(x, numbers.Real) and math.isfinite(x):
            return float(x), None
        # Anything JSON cannot say stays on the Python side: the engine sees
        # a placeholder and the objective gets the object itself.
        return {"const": "<python object %s>" % type(x).__name__}, ("object", x)


def _choice_restorer(label, option_restorers):
    return ("choice", label, option_restorers) if any(option_restorers) else None


def _list_restorer(item_restorers):
    return ("list", item_restorers) if any(item_restorers) else None


def _dict_restorer(value_restorers):
    value_restorers = {k: r for k, r in value_restorers.items() if r is not None}
    return ("dict", value_restorers) if value_restorers else None


def restorer_from_json(space_json):
    """The restorer of a space given as JSON (docs/space-json.md), or None.

    What a worker has instead of the Python space: it rebuilds only the
    tuples (``{"tuple": [...]}`` nodes), the one thing of a Python space
    its JSON still says. A space without tuples costs no walk."""
    if '"tuple"' not in space_json:
        return None
    return _JsonRestorers(loads(space_json)).restorer


class _JsonRestorers:
    """Walks space JSON into the restorer restore follows."""

    def __init__(self, root):
        self.definitions = {}  # label -> hyperparameter node, for refs (which may come first)
        self.choices = {}      # label -> restorer of that choice, once walked
        self.collect(root)
        self.restorer = self.node(root)

    def collect(self, x):
        if isinstance(x, list):
            for item in x:
                self.collect(item)
        elif isinstance(x, dict):
            if "hp" in x:
                self.definitions[x.get("label")] = x
            if "const" not in x:
                for value in x.values():
                    self.collect(value)

    def node(self, x):
        if isinstance(x, list):
            return _list_restorer([self.node(item) for item in x])
        if not isinstance(x, dict):
            return None
        if "tuple" in x:
            return ("tuple", [self.node(item) for item in x["tuple"]])
        if "list" in x:
            return self.node(x["list"])
        if "hp" in x or "ref" in x:
            return self.choice(x.get("label", x.get("ref")))
        if "op" in x or "const" in x:
            return None
        return _dict_restorer({k: self.node(v) for k, v in x.get("dict", x).items()})

    def choice(self, label):
        if label not in self.choices:
            hp = self.definitions.get(label, {})
            options = hp.get("options")
            self.choices[label] = None  # the engine refuses a choice inside itself; never loop
            if options is not None:
                if hp["hp"] == "pchoice":
                    options = [option for _, option in options]
                self.choices[label] = _choice_restorer(label, [self.node(o) for o in options])
        return self.choices[label]


def restore(restorer, value, vals):
    kind = restorer[0]
    if kind == "object":
        return restorer[1]
    if kind == "choice":
        option = restorer[2][int(vals[restorer[1]])]
        return value if option is None else restore(option, value, vals)
    if kind == "dict":
        value = dict(value)
        for key, r in restorer[1].items():
            value[key] = restore(r, value[key], vals)
        return value
    items = [v if r is None else restore(r, v, vals) for r, v in zip(restorer[1], value)]
    return tuple(items) if kind == "tuple" else items
