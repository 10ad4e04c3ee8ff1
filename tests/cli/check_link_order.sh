#!/usr/bin/env bash
# check_link_order.sh KITE ORDER_FILE
# The CLI's link order names functions by mangled name, and names change
# with the code (a handler's carries its IR op's number). Fails when fewer
# than 90% of the functions ORDER_FILE lists are still defined in KITE: the
# layout has gone stale and peak RSS grows; rerun bench/link_order.py.
set -euo pipefail
kite=$1 order=$2
listed=$(grep -v '^#' "$order" | sort -u)
defined=$(nm "$kite" | awk '$2 ~ /^[tTwW]$/ { print $3 }' | sort -u)
total=$(grep -c . <<<"$listed")
present=$(comm -12 <(echo "$listed") <(echo "$defined") | grep -c . || true)
echo "$order: $present of $total listed functions are defined in $kite"
if ((present * 10 < total * 9)); then
  echo "the link order is stale: regenerate it with bench/link_order.py" >&2
  exit 1
fi
