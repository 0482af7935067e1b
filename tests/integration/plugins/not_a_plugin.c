/* A shared library without hopt_plugin_register. */
__attribute__((visibility("default"))) int something_else(void) { return 0; }
