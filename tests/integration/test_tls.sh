#!/usr/bin/env bash
# TLS options in the address reach the driver (docs/threat-model.md): the
# test server listens with TLS and requires a client certificate signed by
# a test CA. fmin and a worker that give tlsCAFile, tlsCertificateKeyFile
# and the key's tlsCertificateKeyFilePassword complete a search; without the
# CA, or with a wrong key password, they fail with a clear error that never
# shows the password.
source "$(dirname "$0")/lib.sh"
itest_init tls
command -v openssl >/dev/null || itest_fail "openssl is needed (scripts/setup.sh installs it)"

# A CA, a server certificate for 127.0.0.1, a client certificate whose key
# is encrypted with a password.
pki=$ITEST_DIR/pki
mkdir -p "$pki"
key_password=kp-W7x2s3cret
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1)
(
    cd "$pki" &&
    openssl req -x509 "${ec[@]}" -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=hopt-test-ca &&
    openssl req "${ec[@]}" -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 &&
    printf 'subjectAltName=IP:127.0.0.1\n' >server.ext &&
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 \
        -extfile server.ext &&
    openssl req "${ec[@]}" -passout "pass:$key_password" -keyout client.key -out client.csr -subj /CN=hopt-client &&
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.crt -days 2 &&
    cat client.crt client.key >client.pem
) >"$ITEST_DIR/openssl.log" 2>&1 || itest_fail "openssl could not make the test certificates: $(tail -3 "$ITEST_DIR/openssl.log")"

tls_port=$(itest_free_port) || itest_fail "no free port"
export HOPT_FERRETDB_LISTEN_TLS=127.0.0.1:$tls_port
export HOPT_FERRETDB_LISTEN_TLS_CERT_FILE=$pki/server.pem HOPT_FERRETDB_LISTEN_TLS_KEY_FILE=$pki/server.key
export HOPT_FERRETDB_LISTEN_TLS_CA_FILE=$pki/ca.pem
itest_start_server

base="mongodb://127.0.0.1:$tls_port/tlsdb?tls=true&serverSelectionTimeoutMS=3000"
good="$base&tlsCAFile=$pki/ca.pem&tlsCertificateKeyFile=$pki/client.pem&tlsCertificateKeyFilePassword=$key_password"
objective=(--exec='f=read x; echo 2')
not() { ! "$@"; }

itest_spawn driver "$HOPT_TEST_DRIVER" --url "$good" --exp-key tls --objective f --max-evals 3
itest_run_worker worker 60 --mongo="$good" "${objective[@]}" --max-jobs=3 --poll-interval=0.05
itest_expect "worker over TLS exits 0" test $? -eq 0
itest_wait driver 60
itest_expect "fmin over TLS: 3 done" grep -qx 'count done 3' "$ITEST_DIR/driver.log"

# Without the CA the server's certificate is not trusted.
itest_run_worker no_ca 30 --mongo="$base&tlsCertificateKeyFile=$pki/client.pem&tlsCertificateKeyFilePassword=$key_password" \
    "${objective[@]}"
itest_expect "no CA: database failure (exit 1)" test $? -eq 1
# A wrong password for the client key.
itest_run_worker bad_password 30 --mongo="$base&tlsCAFile=$pki/ca.pem&tlsCertificateKeyFile=$pki/client.pem&tlsCertificateKeyFilePassword=not-$key_password" \
    "${objective[@]}"
itest_expect "wrong key password: refused" test $? -ne 0
itest_run fmin_bad_password 30 "$HOPT_TEST_DRIVER" \
    --url "$base&tlsCAFile=$pki/ca.pem&tlsCertificateKeyFile=$pki/client.pem&tlsCertificateKeyFilePassword=not-$key_password" \
    --objective f --max-evals 1
for name in worker no_ca bad_password fmin_bad_password; do
    itest_expect "$name: no key password in the output" not grep -qF "$key_password" "$ITEST_DIR/$name.log"
done
for name in no_ca bad_password fmin_bad_password; do
    itest_expect "$name: the error is reported" grep -qiE 'MongoDB|TLS|SSL|certificate' "$ITEST_DIR/$name.log"
done
itest_pass
