#!/usr/bin/env bash
# Runs a command in a loopback-only network namespace, so browsers and servers
# under test can reach 127.0.0.1 and nothing else (WebRTC media included).
# As root: `unshare --net`; otherwise a user namespace (`unshare -rn`) where the
# kernel allows it; failing both, runs as is and says so.
set -euo pipefail
if [ "${KIT_OFFLINE_NAMESPACE:-}" = "1" ]; then
  ip link set lo up
  exec "$@"
fi
for flags in "--net" "--net --map-root-user"; do
  # shellcheck disable=SC2086
  if unshare $flags true 2>/dev/null; then
    # shellcheck disable=SC2086
    exec unshare $flags env KIT_OFFLINE_NAMESPACE=1 "$0" "$@"
  fi
done
echo "offline.sh: cannot create a network namespace here; running with the host network" >&2
exec "$@"
