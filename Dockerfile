# syndicate: one image, every role. `syndicate start --roles ...` picks what a container runs.
# The base is a build argument so that machines without a registry can build on a local image of their own
# (docker-compose.host.yml, scripts/container-test.sh); it needs `node` and `npm` on PATH and a `node` user.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Skip `prepare` here: the sources are not copied yet. It runs after the copy below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workers ./workers
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    SYNDICATE_CONFIG=/app/config/syndication.yaml
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY config ./config
# Runs unprivileged; the `node` user (uid 1000) comes with the base image.
USER node
EXPOSE 8080
# GET /healthz through bash's /dev/tcp: about 0.01 s of CPU where a `node -e "fetch(...)"` probe costs 0.25 s, and
# several containers probing at once on a busy 2-core machine took the node probe past its 3 s timeout until they
# were marked unhealthy (scripts/container-test.sh). Healthy means the process answers 200.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT:-8080} && printf 'GET /healthz HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\n\\r\\n' >&3 && read -r _ code _ <&3 && [ \"$code\" = 200 ]"]
# Node itself is PID 1 (exec form, no shell): it gets `docker stop`'s SIGTERM and drains within limits.shutdownGrace.
ENTRYPOINT ["node", "bin/syndicate.js"]
CMD ["start"]
