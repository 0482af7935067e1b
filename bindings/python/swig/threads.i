/* Calls that release the GIL while they run: they may wait on a database or
 * on worker threads, or call back into Python (which takes the GIL again). */
%thread hopt_fmin;
%thread hopt_worker_run;
%thread hopt_trials_mongo_open;
%thread hopt_trials_count;
%thread hopt_trials_losses;
%thread hopt_trials_statuses;
%thread hopt_trials_best_trial;
%thread hopt_trials_argmin;
%thread hopt_trials_export;
%thread hopt_trials_import;
%thread hopt_trials_get;
%thread hopt_trials_delete_all;
%thread hopt_ask;
%thread hopt_tell;
%thread hopt_tell_result;
%thread hopt_tell_error;
