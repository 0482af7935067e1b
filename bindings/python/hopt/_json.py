"""JSON for values crossing into the engine: numpy numbers and arrays as
Python numbers and lists (as hyperopt's SONify does), tuples as lists."""
import json
import math


def _default(value):
    # numpy scalars and arrays, without importing numpy
    tolist = getattr(value, "tolist", None)
    if tolist is not None:
        return tolist()
    raise TypeError("%s is not JSON-serialisable" % type(value).__name__)


def dumps(value):
    """JSON text of `value`; NaN and infinities are refused (JSON has none)."""
    return json.dumps(value, default=_default, allow_nan=False, separators=(",", ":"))


def is_finite_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


loads = json.loads
