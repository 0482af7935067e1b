"""A submodule of mypkg that imports another module (reached as mypkg.sub:os.system)."""
import os  # noqa: F401


def square(x):
    return (x - 1) ** 2
