# syntax=docker/dockerfile:1
#
# tidewatch container image.
#   build:   docker build -t tidewatch .
#   run:     docker compose up   (see docker-compose.yml; the service needs Kafka, a schema registry and Redis)
#
# Both stages use the same pinned base so the native modules npm installs in the runtime stage match the Node
# version the code was compiled and tested against. Bump NODE_IMAGE deliberately (and ideally pin a digest:
# node:20.19.5-bookworm-slim@sha256:...).
ARG NODE_IMAGE=node:20.19.5-bookworm-slim

# ---------------------------------------------------------------------------------------------------------------
# build: full dependency tree (typescript lives in devDependencies), compile src/ -> dist/
# ---------------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Manifests first so the dependency layer is cached until package*.json changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# the build script (bin/dist-stamp.js: tsc, then the sources' digest stamped into dist/)
COPY bin ./bin
RUN npm run build

# ---------------------------------------------------------------------------------------------------------------
# runtime: production dependencies only, compiled output, no sources, no compiler, non-root
# ---------------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Files stay owned by root and are only readable by the service user: the process has no reason to rewrite them
# (it runs with a read-only root filesystem in Kubernetes). Paths are relative to WORKDIR: the Avro schemas are found
# next to dist/, and TIDEWATCH_RULES_FILE defaults to rules/default.yaml under the working directory.
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY avro ./avro
COPY rules ./rules

# The official node images ship an unprivileged `node` user, uid/gid 1000. Numeric, so that Kubernetes'
# runAsNonRoot can verify it without looking the name up (k8s/deployment.yaml runs as 1000 too).
USER 1000:1000

ENV TIDEWATCH_HTTP_PORT=8080
EXPOSE 8080

# The slim image has no curl/wget: probe /healthz with Node's built-in fetch. Uses the same port variable the service
# reads, so overriding TIDEWATCH_HTTP_PORT at run time keeps the probe correct.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.TIDEWATCH_HTTP_PORT || '8080') + '/healthz', { signal: AbortSignal.timeout(4000) }).then((res) => process.exit(res.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "bin/tidewatch.js", "run"]
