#!/usr/bin/env bash
# Installs every Debian package the build and the tests need. Idempotent; fast when all is there.
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost-all-dev libmodbus-dev nlohmann-json3-dev libcli11-dev catch2 libbenchmark-dev
  pybind11-dev python3-pybind11 libssl-dev zlib1g-dev
  python3-pytest python3-pymodbus python3-serial python3-serial-asyncio
  libcairo2-dev libsqlite3-dev libcurl4-openssl-dev python3-pyftpdlib openssh-server openssh-client openssh-sftp-server libcrypt-dev libmosquitto-dev mosquitto mosquitto-clients libsnmp-dev snmp curl util-linux fonts-dejavu-core python3-requests openssl poppler-utils chromium tshark chrony python3-ntplib
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The web UI's build needs Node.js and npm: Debian's, unless the machine already has them.
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
