# syntax=docker/dockerfile:1
# The Backup Jobs bot as a container: build with the dev dependencies, run with the production ones
# and the compiled JS only, as a non-root user. Build: docker build -t backup-jobs-bot .
#
# Base: Node 24 LTS ("Krypton") on Debian bookworm, slim. Pinned by digest so a rebuild gets the same
# base; the tag is kept beside it for people. Update both together:
#   docker buildx imagetools inspect node:24.12.0-bookworm-slim   (prints the index digest)
# This digest was not pulled on the machine that wrote this file (no Docker there); it is the one
# public Dockerfiles pin for node:24.12.0-bookworm-slim. Check it with the command above.
#   node:24.12.0-bookworm-slim@sha256:7326fb2dbdce998edd72140946851be64ef4a643e8715e138ca467e8e9d92c99
ARG NODE_IMAGE=node:24.12.0-bookworm-slim@sha256:7326fb2dbdce998edd72140946851be64ef4a643e8715e138ca467e8e9d92c99

# better-sqlite3 compiles from source when no prebuilt binary for this Node ABI can be downloaded;
# the compilers stay in these stages and never reach the runtime image.
FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./

# Build stage: every dependency, then tsc and the run-time assets (locale catalogs, Lua scripts).
FROM toolchain AS build
RUN npm ci --no-audit --no-fund --ignore-scripts=false
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/copy-assets.js scripts/
COPY src src
RUN npm run build

# Production dependencies only: what `npm ci --omit=dev` installs (test/integration/build checks the
# same tree loads no dev package). Built here, where the compilers are, and copied below.
FROM toolchain AS prod-deps
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts=false && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3978 \
    STATE_STORE=sqlite:/data/state.db
WORKDIR /app
# The image's own "node" user (uid 1000) owns only /data; the app files stay root-owned and read-only to it.
RUN mkdir -p /data && chown node:node /data
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json package-lock.json ./
USER node
VOLUME ["/data"]
EXPOSE 3978
# Liveness: /healthz answers 200 while the bot runs and 503 while it starts or stops. Node's own
# fetch, so no curl in the image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3978)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node itself is PID 1, not npm: npm does not pass SIGTERM on, so `docker stop` would
# not reach the bot. Node handles SIGTERM (graceful stop, bounded) and exits.
CMD ["node", "dist/src/index.js"]
