# Multi-stage build on Debian 12 (bookworm): the builder uses the same package
# list and the same make target as a developer machine; the final image holds
# the binary, its runtime libraries and nothing else.
FROM debian:bookworm-slim AS build
WORKDIR /src
COPY scripts/ scripts/
RUN scripts/install-deps.sh scripts/packages-build.txt && rm -rf /var/lib/apt/lists/*
COPY . .
RUN make build BUILD_DIR=/src/build

FROM debian:bookworm-slim
COPY scripts/packages-runtime.txt /tmp/packages-runtime.txt
RUN apt-get update -qq \
 && grep -v '^#' /tmp/packages-runtime.txt | xargs apt-get install -y -qq --no-install-recommends \
 && rm -rf /var/lib/apt/lists/* /tmp/packages-runtime.txt \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin outage
COPY --from=build /src/build/outage_exporter /usr/local/bin/outage_exporter
USER 10001:10001
EXPOSE 9115
ENTRYPOINT ["/usr/local/bin/outage_exporter"]
CMD ["--web.listen-address=:9115"]
