# Hotpath collector image. Build from the repository root: docker build -t hotpath/collector .
# The same image runs the load generator (node dist/services/loadgen/cli.js).
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY collector ./collector
COPY storage ./storage
COPY services/loadgen ./services/loadgen
COPY services/hotpath-django/src/hotpath_django/conventions.json ./services/hotpath-django/src/hotpath_django/conventions.json
RUN npm run build && npm prune --omit=dev

FROM node:20.20.2-bookworm-slim
ENV NODE_ENV=production \
    HOTPATH_LISTEN_HOST=0.0.0.0 \
    HOTPATH_DB=/data/hotpath.db
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin/hotpath-node ./bin/hotpath-node
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4317 4318 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=6 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9464/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# bin/hotpath-node picks V8's GC threads for the CPUs the container gets (README: GC threads).
CMD ["bin/hotpath-node", "dist/collector/main.js"]
