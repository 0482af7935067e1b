"""Objectives the MongoDB tests' workers import by name (module:qualname)."""


def square(x):
    return (x - 1) ** 2


def with_extras(point):
    return {"loss": point["x"] ** 2, "status": "ok", "label": point["name"]}


def failing(x):
    raise ValueError("bad x %r" % x)


class Holder:
    @staticmethod
    def nested(x):
        return abs(x)


def tuple_kinds(point):
    """Which of the point's sequences arrived as tuples (the space's tuples must)."""
    kinds = {key: type(point[key]).__name__ for key in ("shape", "layers", "plain")}
    return {"loss": float(len(point["layers"])), "status": "ok", "kinds": kinds}
