#!/usr/bin/env bash
# Workers whose wall clocks are two days off (libfaketime) work as the others:
# no live trial of theirs is taken for abandoned, and a trial of one that is
# killed is recovered within the heartbeat timeout. Silences are timed by the
# process that watches them, on its own monotonic clock; workers' clocks only
# end up in book_time and refresh_time. docs/reliability.md.
source "$(dirname "$0")/lib.sh"
itest_init worker_clock
faketime_lib=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -1)
[[ -n "$faketime_lib" ]] || itest_fail "libfaketime is not installed (scripts/setup.sh installs the faketime package)"
itest_start_server

url=$(itest_url clock)
export HOPT_TEST_EVAL_LOG=$ITEST_DIR/evaluations
n=12
# Only the wall clock is off, as on a machine without NTP; a sanitizer
# runtime must not insist on coming first in the library list.
skewed() {
    local name=$1 offset=$2
    shift 2
    LD_PRELOAD=$faketime_lib FAKETIME=$offset FAKETIME_DONT_FAKE_MONOTONIC=1 \
        ASAN_OPTIONS="$(itest_worker_asan_options):verify_asan_link_order=0" \
        itest_spawn "$name" "$HOPT_WORKER_BIN" "$@"
}
skewed ahead +2d --mongo="$url" --plugin="$HOPT_TEST_PLUGIN" --heartbeat-interval=0.3 --heartbeat-timeout=2
skewed behind -2d --mongo="$url" --plugin="$HOPT_TEST_PLUGIN" --heartbeat-interval=0.3 --heartbeat-timeout=2
itest_spawn driver "$HOPT_TEST_DRIVER" --url "$url" --objective slow --max-evals $n --recovery 2 \
    --trials-out "$ITEST_DIR/trials"
itest_wait_for_line "$ITEST_DIR/ahead.log" "job found:" 30
kill -KILL "${ITEST_PID[ahead]}"
itest_wait ahead 10
tid=$(grep "job found:" "$ITEST_DIR/ahead.log" | tail -1 | sed 's/.*job found: \([0-9]*\).*/\1/')
itest_log "killed the worker two days ahead while it evaluated tid $tid"
killed_at=$(date +%s)

itest_wait driver 120
itest_expect "fmin returned 0" test $? -eq 0
itest_log "fmin finished $(( $(date +%s) - killed_at ))s after the kill"
for state in "done $n" "running 0" "error 0"; do
    itest_expect "count $state" grep -qx "count $state" "$ITEST_DIR/driver.log"
done
itest_expect "tid $tid evaluated again" test "$(grep -cx "$tid" "$HOPT_TEST_EVAL_LOG")" -eq 2
itest_expect "every other trial once: no live trial was taken for abandoned" \
    test "$(grep -vcx "$tid" "$HOPT_TEST_EVAL_LOG")" -eq $((n - 1))
itest_expect "one abandonment in all" test "$(grep -c '"attempts":1' "$ITEST_DIR/trials")" -eq 1
# The skew was real: the worker two days behind booked trials two days ago.
itest_expect "book_time two days behind" grep -q "\"book_time\":\"$(date -u -d '-2 days' +%F)" "$ITEST_DIR/trials"
itest_pass
