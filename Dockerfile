# flowtrail's container image. docs/deploy.md shows how to run it; `npm run
# test:container` builds and runs this file as it is.
#
#   docker build -t flowtrail .
#   docker run IMAGE            -> flowtrail serve
#   docker run IMAGE migrate    -> flowtrail migrate (any CLI command)
#
# Signals: tini (Debian's package) is PID 1; it forwards SIGTERM to node and
# reaps orphaned children. Node itself as PID 1 would get no default signal
# action, so every command but serve (which handles SIGTERM) would ignore it.
# git is there for `flowtrail hook ...` (the hooks run git itself).
ARG BASE_IMAGE=docker.io/library/node:20-bookworm-slim

# Build: every dependency, then TypeScript to dist/.
FROM ${BASE_IMAGE} AS build
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /opt/flowtrail
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

# Production dependencies only, without install scripts (none of them needs one).
FROM ${BASE_IMAGE} AS deps
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /opt/flowtrail
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund
# The one patch flowtrail carries (patches/: postgres.js writing to a closed
# socket), applied here as `npm ci`'s postinstall applies it outside the image;
# --error-on-fail stops the build if it no longer applies.
COPY patches ./patches
RUN node node_modules/patch-package/index.js --error-on-fail

FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tini git \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log \
 && groupadd --gid 10001 flowtrail \
 && useradd --uid 10001 --gid flowtrail --home-dir /home/flowtrail --create-home --shell /usr/sbin/nologin flowtrail \
 && mkdir -p /data && chown 10001:10001 /data && chmod 0700 /data
WORKDIR /opt/flowtrail
COPY package.json ./
COPY migrations ./migrations
COPY hooks ./hooks
COPY --from=deps /opt/flowtrail/node_modules ./node_modules
COPY --from=build /opt/flowtrail/dist/src ./dist/src
RUN chmod 0755 dist/src/cli/bin.js && ln -s /opt/flowtrail/dist/src/cli/bin.js /usr/local/bin/flowtrail

# The embedded database, generated keys and serve.json live in /data (a volume);
# nothing else is written, so the root filesystem may be read-only (give /tmp a
# tmpfs or emptyDir for Node's and git's temporary files).
ENV NODE_ENV=production \
    FLOWTRAIL_DATA_DIR=/data \
    FLOWTRAIL_HOST=0.0.0.0 \
    FLOWTRAIL_PORT=8080
VOLUME ["/data"]
EXPOSE 8080
USER 10001:10001
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.FLOWTRAIL_PORT||8080)+'/-/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "flowtrail"]
CMD ["serve"]
