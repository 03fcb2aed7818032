# The ticket-archiver image: one program, `ticket-archiver <command>` (archive, reconcile, migrate, status, ...).
# Multi-stage: the build stage compiles TypeScript with the dev dependencies; the runtime stage holds the compiled
# program, production dependencies only, the SQL migrations and the connector definition, and runs as a non-root user
# with no shell tools it does not need. Base images are pinned to an exact Node.js and Debian release.
# Build: docker build -t ticket-archiver:0.1.0 .   (infra/k8s/image/build.ts builds the same layout without Docker)

FROM node:20.19.5-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.image.json ./
COPY services ./services
RUN npx tsc -p tsconfig.image.json \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20.19.5-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist/services ./dist/services
# Read at run time below the package's root, as in the repository (services/shipped resolves them from package.json).
COPY infra/postgres/migrations ./infra/postgres/migrations
COPY connectors/tickets-postgres.json ./connectors/
COPY connectors/specs ./connectors/specs
RUN chmod 0755 dist/services/cli/main.js \
 && ln -s /app/dist/services/cli/main.js /usr/local/bin/ticket-archiver \
 && groupadd --system --gid 10001 archiver \
 && useradd --system --uid 10001 --gid archiver --no-create-home --shell /usr/sbin/nologin archiver
USER 10001:10001
EXPOSE 9464
ENTRYPOINT ["ticket-archiver"]
CMD ["--help"]
