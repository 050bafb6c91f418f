#!/usr/bin/env bash
# E-mail in and out through a real mail server: Debian's Postfix in front of `aftercare`.
#
#   bash scripts/mail-test.sh PATH/TO/aftercare [mail_test.py arguments...]
#   bash scripts/mail-test.sh --postfix-only     # Postfix alone, with a stand-in gateway (no server)
#
# Installs postfix with apt if missing (debconf: "No configuration", so nothing of the system's own mail
# set-up is touched), then runs a private Postfix instance from a temporary directory (`postfix -c DIR`;
# /etc/postfix is never written) listening on 127.0.0.1:25 only, no DNS, nothing relayed off the machine:
#
#   *@desk.aftercare.test   -> pipe transport `aftercare`, as user nobody:
#                              aftercare mailgate --url http://127.0.0.1:PORT --token-file FILE
#   *@example.com,          -> a Maildir per domain, MAILBOXES/<domain>/ (the demo contacts' addresses,
#   *@unknown.test             and the test's unknown sender), each message with its Delivered-To
#   anything else           -> refused at RCPT (5.4.4; default_transport = error), nothing leaves
#
# scripts/mail_test.py then starts `aftercare serve --demo` on PORT with AFTERCARE_SMTP_URL pointing at that
# Postfix, sends mail with smtplib and checks requests, conversations and the mail that comes back. Postfix is
# stopped and the temporary directory removed on exit, whatever happens. Logs (server, Postfix, the configuration
# used, the queue, the Maildirs) are kept in $ARTIFACTS_DIR/mail/.
#
# --postfix-only proves the Postfix side without the server: the pipe runs a stand-in gateway (a shell script
# writing stdin to a file) instead of aftercare, and mail_test.py --postfix-only checks that mail to the desk
# reaches it as nobody, that EX_TEMPFAIL (75) defers and Postfix retries, and that mail to a contact lands in
# its Maildir, and that mail to any other domain is refused.
#
# Environment (all optional):
#   MAIL_TEST_SMTP_PORT   the port Postfix listens on, 127.0.0.1 only (default 25)
#   MAIL_TEST_PORT        the aftercare server's port (default: a free one)
#   MAIL_TEST_TIMEOUT     hard bound on mail_test.py, seconds (default 300; the demo load is most of it)
#   MAILGATE_COMMAND      run this instead of the aftercare binary in the pipe (self-checks only; it gets the
#                         same arguments: mailgate --url ... --token-file ...)
#   ARTIFACTS_DIR         where the mail/ folder goes (default ./artifacts)
set -euo pipefail

postfix_only=""
binary=""
if [[ ${1:-} == --postfix-only ]]; then
    postfix_only=1
    shift
elif [[ $# -ge 1 ]]; then
    binary=$(realpath "$1")
    shift
    [[ -x $binary ]] || {
        echo "mail-test: $binary is not an executable" >&2
        exit 2
    }
else
    echo "usage: $0 PATH/TO/aftercare [mail_test.py args...]   or   $0 --postfix-only" >&2
    exit 2
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
artifacts=${ARTIFACTS_DIR:-$root/artifacts}
out=$artifacts/mail
smtp_port=${MAIL_TEST_SMTP_PORT:-25}
test_timeout=${MAIL_TEST_TIMEOUT:-300}
desk_domain=desk.aftercare.test
mail_from=service@$desk_domain

say() { echo "mail-test: $*"; }

# --- install -----------------------------------------------------------------------------
if ! dpkg-query -W -f='${Status}' postfix 2>/dev/null | grep -q 'install ok installed' || [[ ! -x /usr/sbin/postfix ]]; then
    sudo=()
    [[ $EUID -eq 0 ]] || sudo=(sudo)
    say "installing postfix from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    echo "postfix postfix/main_mailer_type select No configuration" | "${sudo[@]}" debconf-set-selections
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" apt-get install -y -q postfix
fi
[[ $EUID -eq 0 ]] || {
    say "must run as root: Postfix's master and the pipe to user nobody need it"
    exit 1
}
say "$(postconf -d -h mail_version 2>/dev/null | sed 's/^/postfix /')"
nobody_gid=$(id -g nobody)

# --- workspace ---------------------------------------------------------------------------
rm -rf "$out"
mkdir -p "$out"
# Everything nobody must reach (the gateway, its token, the stand-in's output) is under this 0755 directory.
tmp=$(mktemp -d /tmp/aftercare-mail.XXXXXX)
chmod 755 "$tmp"
cfg=$tmp/postfix   # config_directory: main.cf, master.cf and the maps
spool=$tmp/spool   # queue_directory, root-owned; Postfix makes its subdirectories
mailboxes=$tmp/mailboxes
gate=$tmp/gate
maillog=$tmp/postfix.log
mkdir -p "$cfg" "$spool" "$tmp/data" "$mailboxes" "$gate" "$tmp/server"
chown postfix "$tmp/data"
chown nobody:"$nobody_gid" "$mailboxes"
postfix_started=""

if [[ -n $postfix_only ]]; then
    port=1 # nothing listens there; the stand-in never connects
else
    port=${MAIL_TEST_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
fi
base=http://127.0.0.1:$port

# shellcheck disable=SC2317,SC2329 # called by cleanup
postfix_pids() { # the processes of this instance: those started with MAIL_CONFIG=$cfg
    local p
    for p in /proc/[0-9]*; do
        if tr '\0' '\n' 2>/dev/null <"$p/environ" | grep -qxF "MAIL_CONFIG=$cfg"; then
            echo "${p#/proc/}"
        fi
    done
}

# shellcheck disable=SC2317,SC2329 # called by cleanup
gateway_pids() { # gateways still running: the pipe gives them a clean environment, so go by the command line
    local p i a
    for p in /proc/[0-9]*; do
        mapfile -d '' a 2>/dev/null <"$p/cmdline" || continue
        for i in 1 2; do # the binary's own argv, or a script's after its interpreter
            if [[ ${a[i]:-} == mailgate && ${a[i + 2]:-} == "$base" && ${a[i + 4]:-} == "$gate/token" ]]; then
                echo "${p#/proc/}"
            fi
        done
    done
}

# shellcheck disable=SC2317,SC2329 # called by cleanup
server_pids() { # the server mail_test.py started, should it have outlived mail_test.py
    local p i a
    [[ -n $binary ]] || return 0
    for p in /proc/[0-9]*; do
        mapfile -d '' a 2>/dev/null <"$p/cmdline" || continue
        for i in 0 1; do # the binary, or a script after its interpreter
            if [[ ${a[i]:-} == "$binary" && ${a[i + 1]:-} == serve && " ${a[*]} " == *" --port $port "* ]]; then
                echo "${p#/proc/}"
            fi
        done
    done
}

# shellcheck disable=SC2317,SC2329 # called by the EXIT trap
cleanup() {
    local rc=$?
    set +e
    local stray
    stray=$(server_pids)
    if [[ -n $stray ]]; then
        say "stopping the server left by mail_test.py: ${stray//$'\n'/ }"
        # shellcheck disable=SC2086 # a list of pids
        kill -TERM $stray 2>/dev/null
        sleep 2
        # shellcheck disable=SC2086 # a list of pids
        kill -KILL $stray 2>/dev/null
    fi
    if [[ -n $postfix_started ]]; then
        postqueue -c "$cfg" -p >"$out/postqueue.txt" 2>&1
        local master n left
        master=$(tr -d ' \n' <"$spool/pid/master.pid" 2>/dev/null)
        n=$(postfix_pids | wc -l)
        postfix -c "$cfg" stop >>"$out/postfix-start.log" 2>&1
        for _ in $(seq 100); do
            [[ -z $(postfix_pids) ]] && break
            sleep 0.1
        done
        left=$({ postfix_pids; gateway_pids; } | sort -un) # a gateway's environment names MAIL_CONFIG too
        if [[ -n $left ]]; then
            say "left running after postfix stop: ${left//$'\n'/ }; killing them"
            # shellcheck disable=SC2086 # a list of pids
            kill -KILL $left 2>/dev/null
            rc=1
        fi
        say "Postfix stopped (master ${master:-?} and $((n - 1)) other processes)"
        postfix_started=""
    fi
    cp "$maillog" "$out/postfix.log" 2>/dev/null
    cp "$cfg/main.cf" "$cfg/master.cf" "$out/" 2>/dev/null
    cp -r "$mailboxes" "$out/mailboxes" 2>/dev/null
    [[ -n ${gate_out:-} ]] && cp -r "$gate_out" "$out/gate-out" 2>/dev/null
    chmod -R a+rX "$out" 2>/dev/null
    rm -rf "$tmp"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The shared secret between the gateway and the server; the pipe runs as nobody, so nobody reads the file.
token=$(python3 -c 'import secrets; print("mgt_" + secrets.token_urlsafe(24))')
printf '%s\n' "$token" >"$gate/token"
chown root:"$nobody_gid" "$gate/token"
chmod 640 "$gate/token"

# The command the pipe runs. The pipe runs as nobody, who must be able to reach and run it: a binary under a
# directory nobody cannot traverse (a clone in /root, say) is copied into the 0755 workspace.
if [[ -n $postfix_only ]]; then
    gate_out=$tmp/gate-out # the stand-in writes here, as nobody
    mkdir -p "$gate_out"
    chown nobody:"$nobody_gid" "$gate_out"
    cat >"$gate/stand-in-mailgate" <<EOF
#!/bin/sh
# Stand-in for \`aftercare mailgate\`: keeps the message and who ran it with which arguments. A message with an
# "X-Stand-In-Exit: 75 KEY" header fails once with EX_TEMPFAIL, so Postfix must defer it and try again.
set -eu
n=\$(date +%s%N)-\$\$
cat >"$gate_out/\$n.tmp"
id -un >"$gate_out/\$n.user"
printf '%s\n' "\$@" >"$gate_out/\$n.args"
key=\$(sed -n 's/^X-Stand-In-Exit: 75 //p' "$gate_out/\$n.tmp" | head -n 1 | tr -dc 'A-Za-z0-9-')
if [ -n "\$key" ] && [ ! -e "$gate_out/deferred-\$key" ]; then
    : >"$gate_out/deferred-\$key"
    rm -f "$gate_out/\$n.tmp" "$gate_out/\$n.user" "$gate_out/\$n.args"
    echo "stand-in: try again later" >&2
    exit 75
fi
mv "$gate_out/\$n.tmp" "$gate_out/\$n.eml"
EOF
    chmod 755 "$gate/stand-in-mailgate"
    gate_command=${MAILGATE_COMMAND:-$gate/stand-in-mailgate}
elif [[ -n ${MAILGATE_COMMAND:-} ]]; then
    gate_command=$MAILGATE_COMMAND
elif runuser -u nobody -- test -x "$binary"; then
    gate_command=$binary
else
    say "nobody cannot run $binary where it is; copying it to $gate/aftercare"
    install -m 755 "$binary" "$gate/aftercare"
    gate_command=$gate/aftercare
fi
runuser -u nobody -- test -x "$gate_command" || {
    say "user nobody cannot execute $gate_command"
    exit 1
}

# --- Postfix -------------------------------------------------------------------------------
# An instance an earlier run could not stop (it was killed with -9) still holds the port: stop its master (SIGTERM
# is `postfix stop`) and remove its directory.
for p in /proc/[0-9]*; do
    [[ $(cat "$p/comm" 2>/dev/null) == master ]] || continue
    stale=$(tr '\0' '\n' 2>/dev/null <"$p/environ" | sed -n 's|^MAIL_CONFIG=\(/tmp/aftercare-mail\.[A-Za-z0-9]*\)/postfix$|\1|p')
    [[ -n $stale ]] || continue
    say "stopping the Postfix of an earlier run (master ${p#/proc/}, $stale)"
    kill -TERM "${p#/proc/}" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "${p#/proc/}" 2>/dev/null || break
        sleep 0.1
    done
    rm -rf "$stale"
done
if (exec 3<>"/dev/tcp/127.0.0.1/$smtp_port") 2>/dev/null; then
    say "something already listens on 127.0.0.1:$smtp_port (another MTA?); stop it or set MAIL_TEST_SMTP_PORT"
    exit 1
fi

cat >"$cfg/main.cf" <<EOF
# A private Postfix instance for scripts/mail-test.sh; started with postfix -c $cfg.
compatibility_level = 3.6
queue_directory = $spool
data_directory = $tmp/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = $maillog
maillog_file_prefixes = $tmp
biff = no

myhostname = mail.aftercare.test
mydomain = aftercare.test
myorigin = \$myhostname
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8

# Nothing is delivered by local(8), nothing leaves the machine, no DNS is asked.
mydestination =
local_transport = error:5.1.1 local delivery is off in this test
default_transport = error:5.4.4 outbound mail is off in this test
relay_transport = \$default_transport
alias_maps =
alias_database =
smtp_dns_support_level = disabled
smtp_host_lookup = native
lmtp_host_lookup = native
smtpd_peername_lookup = no
append_dot_mydomain = no
smtputf8_enable = yes

# The desk's domain goes to the gateway (once per message: its command line names no recipient).
transport_maps = texthash:$cfg/transport
# A gateway that hangs is killed and the message deferred after 3 minutes (Postfix's default: 1000 s); above
# the gateway's own 120 s wait for the server, so that its exit status decides.
aftercare_time_limit = 180s
# The customers' domains land in Maildirs (the trailing slash), owned by nobody.
virtual_mailbox_domains = example.com, unknown.test
virtual_mailbox_base = $mailboxes
virtual_mailbox_maps = texthash:$cfg/virtual_mailboxes
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$nobody_gid
virtual_minimum_uid = 1

smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
message_size_limit = 26214400
# A deferred message (the gateway answered 75) is retried within seconds, not minutes.
queue_run_delay = 2s
minimal_backoff_time = 2s
maximal_backoff_time = 4s
delay_warning_time = 0
EOF

cat >"$cfg/transport" <<EOF
$desk_domain aftercare:
EOF

# One Maildir per domain (virtual(8) allows no regexp substitution, so no Maildir per address): the test tells
# recipients apart by the Delivered-To header virtual(8) adds.
cat >"$cfg/virtual_mailboxes" <<'EOF'
@example.com    example.com/
@unknown.test   unknown.test/
EOF

# Upstream's master.cf, every service outside a chroot (the instance lives in a temporary directory).
cat >"$cfg/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command + args
$smtp_port     inet  n       -       n       -       -       smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
# The desk's mail, like Request Tracker's rt-mailgate: exit 0 stored, 75 (EX_TEMPFAIL) try again later.
aftercare unix  -       n       n       -       4       pipe
  flags=Rq user=nobody argv=$gate_command mailgate --url $base --token-file $gate/token
EOF


postfix -c "$cfg" check >"$out/postfix-start.log" 2>&1 || {
    cat "$out/postfix-start.log"
    say "postfix check failed"
    exit 1
}
postfix_started=1 # from here on, cleanup stops it
postfix -c "$cfg" start >>"$out/postfix-start.log" 2>&1 || {
    cat "$out/postfix-start.log"
    say "postfix start failed"
    exit 1
}
listening=""
for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$smtp_port") 2>/dev/null; then
        listening=1
        break
    fi
    sleep 0.1
done
if [[ -z $listening ]]; then
    cat "$out/postfix-start.log" "$maillog" 2>/dev/null | tail -n 40
    say "Postfix does not answer on 127.0.0.1:$smtp_port"
    exit 1
fi
say "Postfix $(postconf -c "$cfg" -h mail_version) on 127.0.0.1:$smtp_port (config $cfg); $desk_domain -> $gate_command mailgate --url $base"

# --- run ---------------------------------------------------------------------------------
args=(
    --smtp-port "$smtp_port"
    --mailboxes "$mailboxes"
    --postfix-log "$maillog"
    --postfix-config "$cfg"
    --desk-address "$mail_from"
    --artifacts "$out"
)
if [[ -n $postfix_only ]]; then
    args+=(--postfix-only --gate-out "$gate_out" --gate-command "$gate_command" --token-file "$gate/token"
        --base-url "$base")
else
    args+=(--binary "$binary" --port "$port" --gate-command "$gate_command" --token-file "$gate/token"
        --workdir "$tmp/server" --root "$root")
fi
set +e
NO_PROXY='127.0.0.1,localhost' no_proxy='127.0.0.1,localhost' \
    timeout --kill-after=15 "$test_timeout" python3 "$root/scripts/mail_test.py" "${args[@]}" "$@" 2>&1 |
    tee "$out/mail-test.log"
rc=${PIPESTATUS[0]}
set -e
if [[ $rc -eq 124 || $rc -eq 137 ]]; then
    say "FAILED: mail_test.py did not finish within ${test_timeout}s"
    rc=1
fi
if [[ $rc -ne 0 ]]; then
    say "last Postfix log lines:"
    tail -n 30 "$maillog" 2>/dev/null || true
    say "FAILED with exit code $rc; logs in $out"
else
    say "OK; logs in $out"
fi
exit "$rc"
