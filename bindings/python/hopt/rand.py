"""hyperopt's ``rand``: random search, drawing from the space's prior."""
from ._algo import make_suggest

suggest = make_suggest("rand", (), "Random search.")
