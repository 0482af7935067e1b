/* Lua functions as hopt objectives: the one part of the Lua binding that
 * SWIG does not generate (see callbacks.c for why). */
#ifndef HOPT_LUA_CALLBACKS_H
#define HOPT_LUA_CALLBACKS_H

#include <lua.h>

#include "hopt/hopt.h"

/* A hopt_objective named `name` that calls the Lua function at stack index
 * `fn_index` of L as fn(point_json, vals_json, tid). The function answers
 * with a number (the loss), a string (a hyperopt result document as JSON), or
 * nil and a message (the objective failed). hopt owns the reference to the
 * function and drops it through user_free when the objective is freed. */
int hoptlua_objective_new(lua_State *L, const char *name, int fn_index, hopt_objective **out);

#endif
