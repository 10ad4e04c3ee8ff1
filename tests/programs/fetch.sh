#!/usr/bin/env bash
# Fetches an npm package at an exact version into the fixture cache (outside
# the source tree) and prints the directory of its unpacked contents.
#
#   tests/programs/fetch.sh <package> <exact-version>
#
# The cache is $KITE_FIXTURES, or ~/.cache/kite-fixtures. A package is
# downloaded once (`npm pack`, which checks the registry's integrity hash);
# later calls only print the path. Concurrent calls (parallel CTest) are
# serialised with flock.
set -euo pipefail
if (($# != 2)); then
  echo "usage: $0 <package> <exact-version>" >&2
  exit 2
fi
pkg=$1
version=$2
if [[ ! $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
  echo "fetch.sh: '$version' is not an exact version" >&2
  exit 2
fi
cache=${KITE_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/kite-fixtures}
name=${pkg//\//+}@$version # @scope/name -> @scope+name
dest=$cache/$name
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [[ ! -f $dest/.complete ]]; then
  command -v npm >/dev/null || {
    echo "fetch.sh: npm is needed to download $pkg@$version" >&2
    exit 1
  }
  tmp=$(mktemp -d "$cache/.tmp.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  echo "fetch.sh: downloading $pkg@$version" >&2
  (cd "$tmp" && npm pack --silent "$pkg@$version" >/dev/null)
  tarball=$(ls "$tmp"/*.tgz)
  mkdir -p "$tmp/unpacked"
  tar -xzf "$tarball" -C "$tmp/unpacked"
  # npm tarballs hold one top directory, usually "package".
  top=$(find "$tmp/unpacked" -mindepth 1 -maxdepth 1)
  rm -rf "$dest"
  mv "$top" "$dest"
  touch "$dest/.complete"
fi
echo "$dest"
