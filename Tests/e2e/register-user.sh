#!/usr/bin/env bash
# The register-user job end to end, as a user runs it: the demo target (a loopback sshd of its
# own, logged into as the non-root user matrixdemo with sudo) gets a real Synapse from PyPI via
# `just install-all`; users are then registered, re-registered, promoted and refused through
# the justfile, and every effect is checked through Synapse's own HTTP APIs on 127.0.0.1:8008.
# Run as root from the repository (just test, or .ci/run). Starts from an empty user database.
set -euo pipefail
cd "$(dirname "$0")/../.."

homeserver=http://127.0.0.1:8008
domain=demo.localhost
storage=/matrix/synapse/storage
config=/matrix/synapse/config
log=$(mktemp -d /tmp/runner-e2e.XXXXXX)
checks=0
trap 'rm -rf "$log"' EXIT

fail() {
    echo "e2e FAILED: $*" >&2
    for f in "$log"/*.out; do [ -f "$f" ] && { echo "--- $f" >&2; tail -40 "$f" >&2; }; done
    exit 1
}
pass() { checks=$((checks + 1)); echo "ok $checks - $*"; }

# Runs a just recipe; stores its output in $log/NAME.out and its exit code in $code.
recipe() {
    local name=$1; shift
    set +e
    just "$@" >"$log/$name.out" 2>&1
    code=$?
    set -e
}

login() { # login USER PASSWORD -> access token on stdout, or nothing
    curl -s -X POST "$homeserver/_matrix/client/v3/login" \
        -H 'Content-Type: application/json' \
        --data-binary @- <<JSON | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
{"type":"m.login.password","identifier":{"type":"m.id.user","user":"$1"},"password":"$2"}
JSON
}

admin_flag() { # admin_flag TOKEN USER -> true/false
    curl -s -H "Authorization: Bearer $1" "$homeserver/_synapse/admin/v2/users/%40$2%3A$domain" |
        sed -n 's/.*"admin":\(true\|false\).*/\1/p'
}

recap_of() { grep -E '^matrix\.demo\.localhost +:' "$log/$1.out" || true; }

# --- the demo target, from an empty user database -------------------------------------------
scripts/demo-target up
if [ -x /etc/init.d/matrix-synapse ]; then /etc/init.d/matrix-synapse stop >/dev/null || true; fi
rm -f "$storage"/homeserver.db* "$config"/admin-api-password "$config"/admin-api-access-token

recipe install install-all
[ "$code" = 0 ] || fail "just install-all exited $code"
grep -q 'failed=0' "$log/install.out" || fail "install-all recap has failures"
pass "just install-all brings Synapse up on the demo target (exit 0)"
curl -sf "$homeserver/health" >/dev/null || fail "Synapse does not answer $homeserver/health"
pass "Synapse answers on $homeserver"

# --- register two users ---------------------------------------------------------------------
recipe john1 register-user john secret yes
[ "$code" = 0 ] || fail "register-user john exited $code"
grep -q "Registered @john:$domain (admin: yes)" "$log/john1.out" || fail "no registration message for john"
recap_of john1 | grep -q 'changed=1 ' || fail "john's registration is not one change: $(recap_of john1)"
pass "just register-user john secret yes: registered, changed=1"

recipe jane register-user jane pw2 no
[ "$code" = 0 ] || fail "register-user jane exited $code"
pass "just register-user jane pw2 no: exit 0"

john_token=$(login john secret)
[ -n "$john_token" ] || fail "john cannot log in with his password"
pass "john logs in through the client-server API"
jane_token=$(login jane pw2)
[ -n "$jane_token" ] || fail "jane cannot log in with her password"
pass "jane logs in through the client-server API"
[ -z "$(login jane wrong-password)" ] || fail "jane logs in with a wrong password"
pass "a wrong password is refused"

[ "$(admin_flag "$john_token" john)" = true ] || fail "john is not an admin"
pass "the admin API says john is an admin"
[ "$(admin_flag "$john_token" jane)" = false ] || fail "jane is an admin"
pass "the admin API says jane is not an admin"

# --- the same user again: ok, not a failure -----------------------------------------------
recipe john2 register-user john secret yes
[ "$code" = 0 ] || fail "registering john again exited $code"
grep -q "already exists (admin: yes); nothing to change" "$log/john2.out" || fail "no 'already exists' message"
recap_of john2 | grep -q 'changed=0 ' || fail "registering john again changed something: $(recap_of john2)"
pass "registering john again is ok (changed=0, exit 0)"

# --- promote jane: effective at once ---------------------------------------------------------
recipe promote set-user-admin jane yes
[ "$code" = 0 ] || fail "set-user-admin jane yes exited $code"
[ "$(admin_flag "$john_token" jane)" = true ] || fail "jane is not an admin right after set-user-admin"
pass "just set-user-admin jane yes: the admin API sees it at once"
recipe promote2 set-user-admin jane yes
recap_of promote2 | grep -q 'changed=0 ' || fail "promoting jane twice changed something"
pass "promoting jane again changes nothing"

# --- register-user corrects a differing admin flag ----------------------------------------
recipe demote register-user jane pw2 no
[ "$code" = 0 ] || fail "register-user jane pw2 no exited $code"
recap_of demote | grep -q 'changed=1 ' || fail "re-registering jane as non-admin did not change her: $(recap_of demote)"
[ "$(admin_flag "$john_token" jane)" = false ] || fail "jane is still an admin"
pass "register-user on an existing user corrects the admin flag (changed)"

# --- update a password -------------------------------------------------------------------------
recipe password update-user-password jane new-pw3
[ "$code" = 0 ] || fail "update-user-password exited $code"
[ -n "$(login jane new-pw3)" ] || fail "jane cannot log in with her new password"
[ -z "$(login jane pw2)" ] || fail "jane still logs in with her old password"
pass "just update-user-password: the new password works, the old one not"

# --- a wrong call: the role's own message and exit 2 ---------------------------------------
recipe maybe register-user bob pw4 maybe
[ "$code" = 2 ] || fail "register-user with admin=maybe exited $code, not 2"
grep -q 'The `admin` variable needs to be provided to this playbook, via --extra-vars' "$log/maybe.out" ||
    fail "no role message for admin=maybe"
[ -z "$(login bob pw4)" ] || fail "bob was registered"
pass "admin=maybe fails with the role's message, exit 2, nobody registered"

# --- secrets ---------------------------------------------------------------------------------
if grep -l -w -e secret -e pw2 -e new-pw3 "$log"/*.out; then fail "a password appears in the output"; fi
pass "no password appears in any output"

# While a registration runs, no process but just itself (and the shell running its recipe line)
# carries the password in its arguments: not runner, not ssh, not sudo, not the server's scripts.
ps_password=e2e-ps-Secret-42
just register-user pswatcher "$ps_password" no >"$log/ps-run.out" 2>&1 &
run_pid=$!
samples=0
while kill -0 "$run_pid" 2>/dev/null; do
    ps -eo args= | grep -F -e "$ps_password" | grep -v -E '^(just |bash -euo pipefail -c |grep )' >>"$log/ps-leaks" || true
    samples=$((samples + 1))
    sleep 0.05
done
wait "$run_pid" || fail "the watched registration failed"
[ "$samples" -gt 5 ] || fail "only $samples ps samples were taken"
[ ! -s "$log/ps-leaks" ] || fail "the password appears in process arguments: $(head -3 "$log/ps-leaks")"
[ -n "$(login pswatcher "$ps_password")" ] || fail "the watched user cannot log in"
pass "no process argument list shows the password during a registration ($samples ps samples)"

echo "e2e: $checks checks passed"
