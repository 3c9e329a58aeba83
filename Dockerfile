# syntax=docker/dockerfile:1
#
# oneflex-bot: docker build -t oneflex-bot . && docker run -v "$PWD/config:/app/config:ro" -v oneflex-data:/app/data oneflex-bot
#
# Two stages. "build" compiles TypeScript with the dev dependencies and packs the package exactly as
# npm would publish it (package.json "files"). "runtime" installs that package with production
# dependencies only, at the versions of package-lock.json, so the image runs what
# test/e2e/package.test.ts runs. Nothing from test/, no .env and no dev dependency reaches it.

# A maintained LTS line (Node 20 is end-of-life). Pinned for reproducible builds; bump the patch
# version for Node security releases.
ARG NODE_VERSION=24.17.0

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: "prepare" would build before the sources are copied; the build runs below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json README.md README.fr.md slack-app-manifest.yml .env.example ./
COPY src ./src
COPY commands ./commands
RUN npm run build \
 && npm pack --ignore-scripts --pack-destination /tmp \
 && mkdir /pkg \
 && tar -xzf /tmp/oneflex-bot-*.tgz -C /pkg --strip-components=1 \
 && cp package-lock.json /pkg/

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# tzdata: TZ sets the process clock (log times, "today"); Node's Intl has its own zone data.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tzdata \
 && rm -rf /var/lib/apt/lists/*

# The program lives apart from /app, owned by root: the bot cannot change its own code.
WORKDIR /opt/oneflex-bot
COPY --from=build /pkg/ ./
# --ignore-scripts: the package's own "prepare" (a build) needs dev dependencies; no production
# dependency has an install script (checked by the package test).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf /root/.npm /tmp/*

# /app is the working directory the bot looks in: /app/config/.env and STATE_DIR=/app/data.
WORKDIR /app
RUN mkdir -p /app/config /app/data && chown node:node /app/data
ENV NODE_ENV=production \
    STATE_DIR=/app/data \
    HEALTH_PORT=8080 \
    TZ=Europe/Paris
VOLUME ["/app/config", "/app/data"]
EXPOSE 8080
USER node

# No curl in the slim image: Node asks the health endpoint itself (503 = needs a person).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HEALTH_PORT||8080)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# SIGTERM (docker stop) lets the bot finish its run and deliveries; compose gives it 15 s.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/opt/oneflex-bot/dist/src/cli/bin.js"]
CMD ["run"]

LABEL org.opencontainers.image.title="oneflex-bot" \
      org.opencontainers.image.description="Books your OneFlex desk at the instant the booking window opens, and tells you when it needs you." \
      org.opencontainers.image.licenses="MIT"
