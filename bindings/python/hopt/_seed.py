"""Seeds for the engine from hyperopt's ``rstate`` argument."""
import os

_SEED_LIMIT = 2**63


def seed_from_rstate(rstate):
    """A 64-bit seed: drawn from a numpy Generator (hyperopt's rstate) or a
    legacy RandomState, taken from an int, or fresh from the OS for None."""
    if rstate is None:
        return int.from_bytes(os.urandom(8), "little")
    if isinstance(rstate, bool):
        raise TypeError("rstate must be a numpy Generator, an int seed or None, not a bool")
    if isinstance(rstate, int):
        if rstate < 0:
            raise ValueError("an int rstate (seed) must be >= 0, got %d" % rstate)
        return rstate % 2**64
    if hasattr(rstate, "integers"):  # numpy.random.Generator
        return int(rstate.integers(_SEED_LIMIT))
    if hasattr(rstate, "randint"):  # numpy.random.RandomState (hyperopt < 0.2.7)
        return int(rstate.randint(2**31 - 1))
    raise TypeError("rstate must be a numpy Generator (numpy.random.default_rng(seed)), an int seed "
                    "or None, got %s" % type(rstate).__name__)
