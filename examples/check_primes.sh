#!/usr/bin/env bash
# kite running primes.wasm must print the primes below 100 (computed here by
# trial division) and exit with their count.
set -uo pipefail
kite=$1 wasm=$2
expected=$(for ((n = 2; n < 100; ++n)); do
  prime=1
  for ((d = 2; d * d <= n; ++d)); do ((n % d == 0)) && { prime=0; break; }; done
  ((prime)) && echo "$n"
done)
actual=$("$kite" run "$wasm")
status=$?
count=$(wc -l <<<"$expected")
if [[ "$expected" != "$actual" || $status -ne $count ]]; then
  echo "expected (exit $count):"; echo "$expected"; echo "actual (exit $status):"; echo "$actual"
  exit 1
fi
echo "$count primes, exit status $status"
