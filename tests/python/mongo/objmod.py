"""A module of objectives that also holds other modules' code, as most do: a
worker whose allow-list admits its objectives (objmod:*) must not run that
code when a name reaches it from here."""
import os  # noqa: F401 (reached as objmod:os.system)
from os import system  # noqa: F401 (reached as objmod:system)


def square(x):
    return (x - 1) ** 2
