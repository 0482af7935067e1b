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
