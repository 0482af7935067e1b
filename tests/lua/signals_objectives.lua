-- The objectives mongo_signals_spec.lua serves through hopt-lua-worker. They
-- sleep through io.popen, not os.execute: system() ignores SIGINT in the
-- caller while it waits, so an in-process worker would never see the signal.
local function sleep(seconds) io.popen("sleep " .. seconds):close() end
return {
  slow = function(p) sleep(1.5); return p.x end,
  hang = function(p) sleep(30); return p.x end,
}
