# novita-file-sync: the worker (and the other CLI commands) in a container.
#
#   docker build -t novita-file-sync .
#   docker run --rm -e DATABASE_URL=postgresql://... -e NOVITA_API_KEY=... -p 8080:8080 novita-file-sync
#
# DATABASE_URL is required in the image: the embedded PostgreSQL the CLI starts on a laptop is left
# out (its binaries are optional dependencies and are not installed here). docker-compose.yml
# provides a PostgreSQL. The worker applies pending migrations itself at start (from
# prisma/migrations, without the Prisma engine), so starting a container needs no network access
# beyond the database and the Novita API.
#
# No `# syntax=` line: BuildKit's built-in frontend handles RUN --mount, and fetching a frontend
# image would need a registry. CI builds this file on a real Docker engine and runs the image
# (.ci/docker-smoke.sh); test/packaging-dockerfile.test.ts also replays its COPY and RUN steps in a
# temporary directory, so a file or runtime dependency missing here fails the tests.

# Node.js 24 is an LTS line (supported until April 2028). NODE_IMAGE lets a build host without a
# registry use a local Node 24 image instead (CI does).
ARG NODE_IMAGE=node:24-slim
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: nothing is downloaded at install time (no Prisma engines, no embedded
# PostgreSQL set-up); the `prepare` build runs below, once the sources are in.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json prisma.config.ts ./
COPY prisma ./prisma
COPY src ./src
# prisma generate (the client lands in src/generated, compiled into dist/generated) + tsc.
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HTTP_PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only. --omit=optional also leaves out the embedded PostgreSQL binaries
# (about 60 MB) and the Prisma CLI, which the runtime never uses; --ignore-scripts keeps
# `prepare` from building again. The npm cache stays in the build cache mount, not in the image.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund
COPY bin ./bin
# Migrations are read at run time (dist/db/migrate.js looks in ../../prisma/migrations).
COPY prisma/migrations ./prisma/migrations
COPY --from=build /app/dist ./dist

# The files stay owned by root: the process can read its code but not change it.
USER node
EXPOSE 8080
# Liveness: bin/healthcheck.js asks /healthz of the ports the main process listens on, so it is
# right for the worker (HTTP_PORT), the simulator (--port) and the demo alike. There is no curl in
# the slim image; Node's own fetch does the request.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "bin/healthcheck.js"]
# Node runs as PID 1, without tini: the worker and the simulator install their own SIGTERM/SIGINT
# handlers (a second signal exits at once) and start no child processes, so there are no zombies
# to reap. For one-shot commands (`migrate`, `sync`) that do not handle signals, use
# `docker run --init` to make Ctrl-C work.
STOPSIGNAL SIGTERM
# A young generation of 8 MB (V8 grows it to ~100 MB under the listing's allocation rate) and an
# old generation let grow to 1.5x its live size between full collections (V8 otherwise lets the
# objects the listing's parsing promotes pile up to ~4x, ~150 MB at a million files): a sync's
# memory then stays flat whatever the account's size (npm run bench, docs/architecture.md).
ENTRYPOINT ["node", "--max-semi-space-size=8", "--heap-growing-percent=50", "bin/novita-file-sync.js"]
CMD ["worker"]
