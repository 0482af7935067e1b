"""JSON for values crossing into the engine: numpy numbers and arrays as
Python numbers and lists (as hyperopt's SONify does), tuples as lists."""
import json
import json.decoder
import json.scanner


def _default(value):
    # numpy scalars and arrays, without importing numpy
    tolist = getattr(value, "tolist", None)
    if tolist is not None:
        return tolist()
    raise TypeError("%s is not JSON-serialisable" % type(value).__name__)


def dumps(value):
    """JSON text of `value`; NaN and infinities are refused (JSON has none)."""
    return json.dumps(value, default=_default, allow_nan=False, separators=(",", ":"))


# The engine writes compact JSON: its C scanner parses it without the
# whitespace matching json.loads does around every document (a third of the
# Python side's cost per trial for a scalar point).
_scan_once = json.scanner.make_scanner(json.decoder.JSONDecoder())


def loads(text):
    try:
        value, end = _scan_once(text, 0)
    except StopIteration:
        return json.loads(text)  # raises the decoder's error
    return value if end == len(text) else json.loads(text)
