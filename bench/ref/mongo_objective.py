"""The trivial objective of the MongoDB throughput benchmark, Python's side: loss = x.

hyperopt pickles the objective by reference (module and name), so its workers import it:
bench/ref must be on their PYTHONPATH (bench/ref/mongo_hyperopt.py sets it). hopt's side is
bench/mongo_plugin_trivial.c.
"""


def trivial(x):
    return x
