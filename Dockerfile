# Multi-stage build on Debian 12 (bookworm): the builder uses the same package
# list and the same make target as a developer machine; the final image holds
# the binary, its runtime libraries and nothing else.
FROM debian:bookworm-slim AS build
WORKDIR /src
COPY scripts/ scripts/
RUN scripts/install-deps.sh scripts/packages-build.txt && rm -rf /var/lib/apt/lists/*
COPY . .
# Debug sections off (symbols stay for backtraces): they are most of the binary.
RUN make build BUILD_DIR=/src/build && strip --strip-debug /src/build/outage_exporter

FROM debian:bookworm-slim
COPY scripts/packages-runtime.txt /tmp/packages-runtime.txt
RUN apt-get update -qq \
 && grep -v '^#' /tmp/packages-runtime.txt | xargs apt-get install -y -qq --no-install-recommends \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /tmp/packages-runtime.txt \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin outage \
 && install -d -o 10001 -g 10001 /var/lib/outage_exporter
COPY --from=build /src/build/outage_exporter /usr/local/bin/outage_exporter
USER 10001:10001
# The incident record (--storage.path, ./data/outage.db) is kept here: mount
# a volume on it to keep incidents across containers.
WORKDIR /var/lib/outage_exporter
EXPOSE 9115
ENTRYPOINT ["/usr/local/bin/outage_exporter"]
CMD ["--web.listen-address=:9115"]
