# Redis from Debian's package on a local base image, for machines where no image registry is reachable
# (docker-compose.host.yml). Elsewhere the compose file's official `redis:7-alpine` does the same job.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown redis:redis /data
WORKDIR /data
USER redis
EXPOSE 6379
# Foreground, as PID 1: SIGTERM makes it save and exit 0. The compose file gives the flags that matter.
CMD ["redis-server", "--bind", "127.0.0.1", "--protected-mode", "yes"]
