#!/usr/bin/env bash
# Makes the Node 24 base image for the Dockerfile's NODE_IMAGE without any container registry:
# a minimal Debian bookworm (debootstrap, from the machine's own apt mirror), its CA certificates
# plus the ones added locally on this machine (npm's HTTPS needs them here), the Node binary that
# is first on PATH and the machine's npm, and user/group node (1000:1000), as node:24-slim has.
# Kept between runs: an image already present under the tag is reused.
#
#   .ci/docker-base-image.sh DOCKER_CLIENT TAG
set -euo pipefail
docker_client="$1"
tag="$2"

if "$docker_client" image inspect "$tag" >/dev/null 2>&1; then
  echo "base image $tag: cached"
  exit 0
fi

node_bin="$(command -v node)"
case "$("$node_bin" --version)" in
v24.*) ;;
*) echo "docker-base-image: node first on PATH is $("$node_bin" --version), not Node 24" >&2; exit 1 ;;
esac
# The machine's npm: npm-cli.js sits in <npm package>/bin/.
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"

# The Debian mirror the machine's apt uses (deb822 or one-line format), else Debian's default.
# (grep -s: some of these files may not exist; `|| true`: no match falls back to the default.)
mirror="$({ grep -hsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
  /etc/apt/sources.list.d/*.list || true; } | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -n 1 |
  tr -d ' ' || true)"
mirror="${mirror:-http://deb.debian.org/debian}"

rootfs="$(mktemp -d /var/tmp/nfs-base-rootfs.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT

echo "base image $tag: debootstrap bookworm from $mirror"
timeout 600 debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror" \
  >"$rootfs.log" 2>&1 || { tail -n 30 "$rootfs.log" >&2; rm -f "$rootfs.log"; exit 1; }
rm -f "$rootfs.log"

if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
fi
chroot "$rootfs" update-ca-certificates >/dev/null
chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb

# Node reads its own CA list, not the system's: point it at the bundle that has the local CAs.
tar -C "$rootfs" -c . | "$docker_client" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' \
  - "$tag" >/dev/null
echo "base image $tag: built"
