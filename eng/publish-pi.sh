#!/usr/bin/env bash
# Publishes the Pi sample (samples/Lakehouse.Samples.Pi) as a trimmed Native AOT binary for linux-x64 and
# linux-arm64 (Raspberry Pi 5) into artifacts/publish/pi/<rid>/. Not run by CI (AOT needs a native toolchain).
#
# Needs: clang and zlib1g-dev (apt-get install -y clang zlib1g-dev); for linux-arm64 on an x64 machine also the
# Debian cross toolchain: apt-get install -y gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross
# (on an arm64 machine, linux-arm64 is the native build and linux-x64 the cross one: pass the RIDs you want).
#
# usage: eng/publish-pi.sh [linux-x64] [linux-arm64]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rids=("$@")
[ ${#rids[@]} -gt 0 ] || rids=(linux-x64 linux-arm64)
lock=/tmp/lakehouse-build.lock
host_arch=$(uname -m)

for rid in "${rids[@]}"; do
  out="artifacts/publish/pi/$rid"
  if [ "$rid" = linux-arm64 ] && [ "$host_arch" = x86_64 ]; then
    # Cross: the ILCompiler targets passes clang --target=aarch64-linux-gnu; clang then finds Debian's cross
    # gcc runtime and libc (/usr/lib/gcc-cross, /usr/aarch64-linux-gnu) and the cross ld (aarch64-linux-gnu-ld);
    # llvm-objcopy (from clang's llvm) strips the arm64 symbols.
    command -v aarch64-linux-gnu-ld >/dev/null || { echo "missing: apt-get install -y gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross" >&2; exit 1; }
  fi
  echo "==> $rid"
  flock "$lock" dotnet publish samples/Lakehouse.Samples.Pi -c Release -r "$rid" -o "$out" -nologo
  bin="$out/Lakehouse.Samples.Pi"
  size=$(stat -c %s "$bin")
  echo "$rid: $bin $((size / 1024)) KiB ($(file -b "$bin" | cut -d, -f1-2))"
done
