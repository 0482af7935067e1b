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
        return point if self.restorer is None else _restore(self.restorer, point, vals)

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
            return nodes, (("list", restorers) if any(restorers) else None)
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
        restorer = ("choice", hp.label, restorers) if any(restorers) else None
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
        return nodes, (("dict", restorers) if restorers else None)

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


def _restore(restorer, value, vals):
    kind = restorer[0]
    if kind == "object":
        return restorer[1]
    if kind == "choice":
        option = restorer[2][int(vals[restorer[1]])]
        return value if option is None else _restore(option, value, vals)
    if kind == "dict":
        value = dict(value)
        for key, r in restorer[1].items():
            value[key] = _restore(r, value[key], vals)
        return value
    items = [v if r is None else _restore(r, v, vals) for r, v in zip(restorer[1], value)]
    return tuple(items) if kind == "tuple" else items
