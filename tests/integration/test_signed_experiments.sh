#!/usr/bin/env bash
# Signed experiments with the real binaries (docs/threat-model.md): the
# tutorial's flow creates the key on first use; a worker with another key,
# an allow-list that excludes the objective, or an unsigned (--insecure)
# experiment refuse the trials with a logged reason and leave them to a
# worker that may run them; passwords in addresses never reach the output.
source "$(dirname "$0")/lib.sh"
itest_init signed_experiments
itest_start_server

url=$(itest_url signed)
objective=(--exec='f=read x; echo 1')
said() { grep -qF -- "$2" "$ITEST_DIR/$1.log"; }
not() { ! "$@"; }

# 1. The tutorial: no key exists; fmin and the worker agree on the one
#    created first.
itest_expect "no key before the first run" test ! -e "$HOPT_KEY_FILE"
itest_spawn tutorial "$HOPT_TEST_DRIVER" --url "$url" --exp-key tutorial --objective f --max-evals 4
itest_run_worker w_tutorial 60 --mongo="$url" "${objective[@]}" --max-jobs=4 --poll-interval=0.05
itest_wait tutorial 60
itest_expect "tutorial: fmin returned" said tutorial 'fmin: OK'
itest_expect "tutorial: 4 done" said tutorial 'count done 4'
itest_expect "the key was created" test -f "$HOPT_KEY_FILE"
itest_expect "the key is private (0600)" test "$(stat -c %a "$HOPT_KEY_FILE")" = 600

# 2. A worker whose key is another one refuses; one with the key serves.
itest_spawn k2 "$HOPT_TEST_DRIVER" --url "$url" --exp-key k2 --objective f --max-evals 2
itest_run_worker w_other_key 60 --mongo="$url" "${objective[@]}" --key-file="$ITEST_DIR/other-key" --reserve-timeout=3
itest_expect "other key: worker exits 0" test $? -eq 0
itest_expect "other key: refusal logged" said w_other_key 'refused: experiment "k2" was signed with another key'
itest_expect "other key: nothing evaluated" not said w_other_key 'job finished'
itest_run_worker w_key 60 --mongo="$url" "${objective[@]}" --max-jobs=2 --poll-interval=0.05
itest_wait k2 60
itest_expect "k2: 2 done by the worker with the key" said k2 'count done 2'

# 3. An allow-list without the objective refuses even a signed experiment.
itest_spawn k3 "$HOPT_TEST_DRIVER" --url "$url" --exp-key k3 --objective f --max-evals 1
itest_run_worker w_allow 60 --mongo="$url" "${objective[@]}" --allow='g*' --allow='os:*' --reserve-timeout=3
itest_expect "allow-list: refusal logged" said w_allow 'names objective "f", which is not on this worker'"'"'s allow-list'
itest_run_worker w_allowed 60 --mongo="$url" "${objective[@]}" --allow='[ef]' --max-jobs=1
itest_wait k3 60
itest_expect "k3: done by the worker that allows f" said k3 'count done 1'

# 4. An unsigned experiment (fmin --insecure) runs only on insecure workers.
itest_spawn k4 "$HOPT_TEST_DRIVER" --url "$url" --exp-key k4 --objective f --max-evals 1 --insecure
itest_run_worker w_unsigned 60 --mongo="$url" "${objective[@]}" --reserve-timeout=3
itest_expect "unsigned: refusal logged" said w_unsigned 'refused: experiment "k4" is not signed'
itest_run_worker w_insecure 60 --mongo="$url" "${objective[@]}" --insecure --max-jobs=1
itest_wait k4 60
itest_expect "k4: done by the insecure worker" said k4 'count done 1'
itest_expect "fmin warns about insecure mode" said k4 'WARNING: insecure mode'
itest_expect "the worker warns about insecure mode" said w_insecure 'WARNING: insecure mode'

# 5. A key file other users can read is refused, with the fix.
printf '%064d\n' 0 >"$ITEST_DIR/open-key"
chmod 644 "$ITEST_DIR/open-key"
itest_run_worker w_open_key 30 --mongo="$url" "${objective[@]}" --key-file="$ITEST_DIR/open-key"
itest_expect "open key: exit status 2" test $? -eq 2
itest_expect "open key: says chmod 600" said w_open_key 'chmod 600'

# 6. Passwords never reach the output: unreachable server, bad port, fmin.
secret=pw-Zq9s3cret
itest_run_worker w_cred 30 --server-timeout=1 --mongo="mongodb://hopt:$secret@127.0.0.1:1/db?serverSelectionTimeoutMS=300" "${objective[@]}"
itest_expect "unreachable: exit status 1" test $? -eq 1
itest_run_worker w_cred_port 30 --mongo="hopt:$secret@127.0.0.1:99999/db" "${objective[@]}"
itest_expect "bad port: exit status 2" test $? -eq 2
itest_run cred_fmin 30 "$HOPT_TEST_DRIVER" --url "mongodb://hopt:$secret@127.0.0.1:1/db?serverSelectionTimeoutMS=300" \
    --objective f --max-evals 1
for name in w_cred w_cred_port cred_fmin; do
    itest_expect "$name: the output names the problem" grep -q . "$ITEST_DIR/$name.log"
    itest_expect "$name: the password is masked" said "$name" '***@127.0.0.1'
    itest_expect "$name: no password in the output" not grep -qF "$secret" "$ITEST_DIR/$name.log"
done
itest_pass
