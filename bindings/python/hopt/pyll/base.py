"""Search-space expressions: hyperparameters and operations on them.

hyperopt builds a graph of pyll ``Apply`` nodes that Python evaluates. hopt's
engine evaluates spaces itself, from their JSON description
(docs/space-json.md), so these nodes only record what the user wrote; the
space compiler (hopt/_space.py) turns them into JSON. Arithmetic on nodes
(``+ - * / // % **``, unary ``-``, ``abs``) and ``scope.int`` & co. build
operation nodes, as in hyperopt.
"""


class Apply:
    """A node of a search space (hyperopt's ``pyll.Apply``)."""

    __slots__ = ()

    def __add__(self, other):
        return Operation("add", self, other)

    def __radd__(self, other):
        return Operation("add", other, self)

    def __sub__(self, other):
        return Operation("sub", self, other)

    def __rsub__(self, other):
        return Operation("sub", other, self)

    def __mul__(self, other):
        return Operation("mul", self, other)

    def __rmul__(self, other):
        return Operation("mul", other, self)

    def __truediv__(self, other):
        return Operation("div", self, other)

    def __rtruediv__(self, other):
        return Operation("div", other, self)

    def __floordiv__(self, other):
        return Operation("floordiv", self, other)

    def __rfloordiv__(self, other):
        return Operation("floordiv", other, self)

    def __mod__(self, other):
        return Operation("mod", self, other)

    def __rmod__(self, other):
        return Operation("mod", other, self)

    def __pow__(self, other):
        return Operation("pow", self, other)

    def __rpow__(self, other):
        return Operation("pow", other, self)

    def __neg__(self):
        return Operation("neg", self)

    def __pos__(self):
        return self

    def __abs__(self):
        return Operation("abs", self)

    # A node has no value before a trial gives it one: refuse what would
    # silently compute on the node object instead.
    def __getitem__(self, key):
        raise TypeError("hopt: a search-space expression cannot be indexed; index the value "
                        "your objective receives instead")

    def __iter__(self):
        raise TypeError("hopt: a search-space expression cannot be iterated; iterate over the "
                        "value your objective receives instead")


class Hyperparameter(Apply):
    """A labelled hyperparameter: hp.uniform('x', -1, 1) and its kin.

    ``fields`` are the numeric arguments under their JSON names; ``options``
    (choice) or ``weighted_options`` (pchoice, [(p, option)]) are sub-spaces.
    """

    __slots__ = ("dist", "label", "fields", "options", "probabilities")

    def __init__(self, dist, label, fields, options=None, probabilities=None):
        self.dist = dist
        self.label = label
        self.fields = fields
        self.options = options
        self.probabilities = probabilities

    def __repr__(self):
        args = ", ".join("%s=%r" % kv for kv in self.fields.items())
        if self.options is not None:
            args = (args + ", " if args else "") + "options=%d" % len(self.options)
        return "<hp.%s %r%s>" % (self.dist, self.label, " " + args if args else "")


class Operation(Apply):
    """An operation on nodes and constants, computed by the engine per trial."""

    __slots__ = ("name", "args")

    def __init__(self, name, *args):
        self.name = name
        self.args = args

    def __repr__(self):
        return "<op %s(%s)>" % (self.name, ", ".join(map(repr, self.args)))


class _Scope:
    """hyperopt's ``pyll.scope``, for the functions hopt's engine computes."""

    def int(self, x):
        return Operation("int", x)

    def float(self, x):
        return Operation("float", x)

    def exp(self, x):
        return Operation("exp", x)

    def log(self, x):
        return Operation("log", x)

    def sqrt(self, x):
        return Operation("sqrt", x)

    def abs(self, x):
        return Operation("abs", x)

    def neg(self, x):
        return Operation("neg", x)

    def min(self, *args):
        return Operation("min", *args)

    def max(self, *args):
        return Operation("max", *args)

    def add(self, a, b):
        return Operation("add", a, b)

    def sub(self, a, b):
        return Operation("sub", a, b)

    def mul(self, a, b):
        return Operation("mul", a, b)

    def truediv(self, a, b):
        return Operation("div", a, b)

    div = truediv

    def floordiv(self, a, b):
        return Operation("floordiv", a, b)

    def mod(self, a, b):
        return Operation("mod", a, b)

    def pow(self, a, b):
        return Operation("pow", a, b)

    def define(self, fn=None, **kwargs):
        raise NotImplementedError(
            "hopt: scope.define is not supported: hopt's engine evaluates search spaces itself (also in "
            "workers, from the database), so it cannot call Python functions inside a space. Apply the "
            "function to the value your objective receives instead.")

    define_info = define
    define_pure = define

    def __getattr__(self, name):
        raise AttributeError(
            "hopt: scope.%s is not available: hopt's engine computes int, float, exp, log, sqrt, abs, "
            "min, max and arithmetic inside spaces; compute other functions in the objective." % name)


scope = _Scope()
