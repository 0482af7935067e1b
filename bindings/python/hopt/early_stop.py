"""hyperopt's ``early_stop``: stopping rules for fmin's early_stop_fn."""


class no_progress_loss:
    """Stop after `iteration_stop_count` trials in a row that do not improve the
    best loss by more than `percent_increase` percent.

    fmin runs this rule inside the engine; called directly it behaves as
    hyperopt's: ``stop, args = rule(trials, *args)``.
    """

    def __init__(self, iteration_stop_count=20, percent_increase=0.0):
        self.iteration_stop_count = iteration_stop_count
        self.percent_increase = percent_increase

    def __call__(self, trials, best_loss=None, iteration_no_progress=0):
        new_loss = trials.trials[-1]["result"].get("loss")
        if best_loss is None:
            return False, [new_loss, iteration_no_progress + 1]
        threshold = best_loss - abs(best_loss * (self.percent_increase / 100.0))
        if new_loss is None or new_loss < threshold:
            best_loss, iteration_no_progress = new_loss, 0
        else:
            iteration_no_progress += 1
        return iteration_no_progress >= self.iteration_stop_count, [best_loss, iteration_no_progress]
