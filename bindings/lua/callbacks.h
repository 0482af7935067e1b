/* Lua functions as hopt callbacks: the one part of the Lua binding that SWIG
 * does not generate (see callbacks.c for why). hopt owns the reference to
 * each function and drops it through user_free when it no longer needs it. */
#ifndef HOPT_LUA_CALLBACKS_H
#define HOPT_LUA_CALLBACKS_H

#include <lua.h>

#include "hopt/hopt.h"

/* A hopt_objective named `name` that calls the Lua function at stack index
 * `fn_index` of L as fn(point_json, vals_json, tid). The function answers
 * with a number (the loss), a string (a hyperopt result document as JSON), or
 * nil and a message (the objective failed). */
int hoptlua_objective_new(lua_State *L, const char *name, int fn_index, hopt_objective **out);

/* Early stopping by the Lua function at `fn_index`, called as fn() after each
 * trial (or poll): true stops the search; nil and a message fails fmin with
 * HOPT_ECANCELLED. */
int hoptlua_fmin_options_set_early_stop(lua_State *L, hopt_fmin_options *opts, int fn_index);

#endif
