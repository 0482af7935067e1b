"""hyperopt's ``anneal``: simulated annealing around the best trials."""
from ._algo import make_suggest

suggest = make_suggest("anneal", ("avg_best_idx", "shrink_coef"),
                       "Annealing; parameters avg_best_idx (2.0) and shrink_coef (0.1).")
