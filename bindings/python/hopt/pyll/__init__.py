"""hyperopt's ``pyll``: ``scope`` and the node type of search spaces."""
from .base import Apply, Hyperparameter, Operation, scope
from . import stochastic

__all__ = ["Apply", "Hyperparameter", "Operation", "scope", "stochastic"]
