/* Why this file is hand-written while the rest of the Lua binding is SWIG's:
 * SWIG's Lua module can pass a Lua function *into* C (lua_fnptr.i) but cannot
 * turn one into a C function pointer (it has no directors for Lua), and the C
 * API takes callbacks as a function pointer + void *user + user_free. So the
 * trampolines that call Lua functions, and the user_free that drops the
 * registry reference keeping each one alive, live here; SWIG wraps
 * hoptlua_objective_new and hoptlua_fmin_options_set_early_stop like any
 * other function (hopt.i).
 *
 * Each callable gets a Lua thread of its own (lua_newthread) to run on: the
 * library calls the trampolines from inside hopt_fmin or hopt_worker_run, and
 * running on a dedicated thread is correct whichever coroutine made that call.
 * Everything that touches Lua runs under lua_pcall, so a Lua error (even out
 * of memory) becomes a failed call, never a longjmp through C++ frames. */
#include "callbacks.h"

#include <lauxlib.h>
#include <stdlib.h>

typedef struct hoptlua_callable {
    lua_State *thread; /* runs the calls; anchored in the registry by thread_ref */
    int thread_ref;
    int fn_ref;
} hoptlua_callable;

static void callable_free(void *user) {
    hoptlua_callable *c = user;
    /* Runs from a __gc finalizer (or lua_close, before the state is freed):
     * the registry is still there. The thread is idle: a callable cannot be
     * freed while one of its calls is running. */
    luaL_unref(c->thread, LUA_REGISTRYINDEX, c->fn_ref);
    luaL_unref(c->thread, LUA_REGISTRYINDEX, c->thread_ref);
    free(c);
}

/* A callable for the Lua function at `fn_index`; raises a Lua error on failure. */
static hoptlua_callable *callable_new(lua_State *L, int fn_index) {
    fn_index = lua_absindex(L, fn_index);
    luaL_checktype(L, fn_index, LUA_TFUNCTION);
    /* The Lua allocations first: they may raise, and must not leak `c`. */
    lua_State *thread = lua_newthread(L);
    const int thread_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushvalue(L, fn_index);
    const int fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    hoptlua_callable *c = malloc(sizeof *c);
    if (!c) {
        luaL_unref(L, LUA_REGISTRYINDEX, fn_ref);
        luaL_unref(L, LUA_REGISTRYINDEX, thread_ref);
        luaL_error(L, "out of memory");
    }
    *c = (hoptlua_callable){thread, thread_ref, fn_ref};
    return c;
}

/* Run `body` protected on the callable's thread with up to three light
 * userdata arguments; it leaves one value: true for success. Returns 1 on
 * success, 0 on failure; the message of an error goes to `error_to` when
 * given. The thread's stack is left as it was found. */
static int callable_run(hoptlua_callable *c, lua_CFunction body, void *a, void *b, hopt_result *error_to) {
    lua_State *T = c->thread;
    const int top = lua_gettop(T);
    /* Light C functions and light userdata: pushing them cannot fail. */
    lua_pushcfunction(T, body);
    lua_pushlightuserdata(T, c);
    lua_pushlightuserdata(T, a);
    lua_pushlightuserdata(T, b);
    int ok;
    if (lua_pcall(T, 3, 1, 0) == LUA_OK) {
        ok = lua_toboolean(T, -1);
    } else {
        const char *msg = lua_tostring(T, -1);
        if (error_to) hopt_result_set_error(error_to, msg ? msg : "a Lua error without a message");
        ok = 0;
    }
    lua_settop(T, top);
    return ok;
}

/* ---- objectives: fn(point_json, vals_json, tid) -> loss | result_json | nil, message */

static int objective_body(lua_State *T) {
    hoptlua_callable *c = lua_touserdata(T, 1);
    const hopt_point *point = lua_touserdata(T, 2);
    hopt_result *result = lua_touserdata(T, 3);
    lua_rawgeti(T, LUA_REGISTRYINDEX, c->fn_ref);
    lua_pushstring(T, hopt_point_json(point));
    lua_pushstring(T, hopt_point_vals_json(point));
    lua_pushinteger(T, (lua_Integer)hopt_point_tid(point));
    lua_call(T, 3, 2);
    int rc;
    if (lua_type(T, -2) == LUA_TNUMBER) {
        rc = hopt_result_set_loss(result, lua_tonumber(T, -2));
    } else if (lua_type(T, -2) == LUA_TSTRING) {
        rc = hopt_result_set_document(result, lua_tostring(T, -2));
    } else {
        const char *msg = lua_tostring(T, -1);
        hopt_result_set_error(result, msg ? msg : "the Lua objective returned no result");
        lua_pushboolean(T, 0);
        return 1;
    }
    if (rc != HOPT_OK) hopt_result_set_error(result, hopt_errmsg());
    lua_pushboolean(T, rc == HOPT_OK);
    return 1;
}

static int objective_trampoline(const hopt_point *point, hopt_result *result, void *user) {
    return callable_run(user, objective_body, (void *)point, result, result) ? 0 : 1;
}

int hoptlua_objective_new(lua_State *L, const char *name, int fn_index, hopt_objective **out) {
    hoptlua_callable *c = callable_new(L, fn_index);
    /* hopt_objective_new calls callable_free itself if it fails. */
    return hopt_objective_new(name, objective_trampoline, c, callable_free, out);
}

/* ---- early stopping: fn() -> stop (boolean) | nil, message */

static int early_stop_body(lua_State *T) {
    hoptlua_callable *c = lua_touserdata(T, 1);
    int *stop = lua_touserdata(T, 2);
    lua_rawgeti(T, LUA_REGISTRYINDEX, c->fn_ref);
    lua_call(T, 0, 2);
    if (lua_isnil(T, -2) && !lua_isnil(T, -1)) luaL_error(T, "%s", lua_tostring(T, -1));
    *stop = lua_toboolean(T, -2);
    lua_pushboolean(T, 1);
    return 1;
}

static int early_stop_trampoline(const hopt_trials *trials, int *stop, void *user) {
    (void)trials; /* the Lua layer passes its own Trials object */
    return callable_run(user, early_stop_body, stop, NULL, NULL) ? 0 : 1;
}

int hoptlua_fmin_options_set_early_stop(lua_State *L, hopt_fmin_options *opts, int fn_index) {
    hoptlua_callable *c = callable_new(L, fn_index);
    return hopt_fmin_options_set_early_stop(opts, early_stop_trampoline, c, callable_free);
}
