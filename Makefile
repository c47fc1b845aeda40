# Quick start: `make run` (exporter on the embedded default config) and
# `make test` (the whole suite). Both install what they need from Debian.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
ARGS ?=
CMAKE_FLAGS ?=
# Extra ctest arguments (the sanitizer runs skip the source style checks,
# which `make test` already ran on the same sources).
CTEST_ARGS ?=
# ON turns warnings in our own code into errors (.ci/run sets it).
OUTAGE_WERROR ?= OFF

.PHONY: all deps deps-test deps-fuzz build run test test-asan test-tsan test-fresh bench soak fuzz fuzz-smoke clean

all: build

deps:
	@scripts/install-deps.sh scripts/packages-build.txt

deps-test:
	@scripts/install-deps.sh scripts/packages-build.txt scripts/packages-test.txt

deps-fuzz:
	@scripts/install-deps.sh scripts/packages-build.txt scripts/packages-fuzz.txt

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DOUTAGE_WERROR=$(OUTAGE_WERROR) \
	  $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS) --target outage_exporter

run: build
	$(BUILD_DIR)/outage_exporter $(ARGS)

# Configures again (a few seconds) so that a build folder first made by
# `make run`, before GoogleTest was installed, gains the test suite.
test: deps-test
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DOUTAGE_BUILD_TESTS=ON \
	  -DOUTAGE_WERROR=$(OUTAGE_WERROR) $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR) -j$(JOBS)
	cd $(BUILD_DIR) && ctest --output-on-failure --no-tests=error --timeout 600 -j$(JOBS) $(CTEST_ARGS)

# Benchmark against blackbox_exporter on loopback (not part of `make test`):
# prints one markdown table. Installs nginx, wrk and blackbox if missing.
bench: build
	BUILD_DIR=$(BUILD_DIR) tests/bench/bench.sh

# Memory under a steady mixed load on loopback for SOAK_MINUTES (default 30):
# prints RSS after warm-up; fails when it grew more than 2 MiB after it.
soak: build
	BUILD_DIR=$(BUILD_DIR) tests/bench/soak.py

# Sanitizer builds live in their own build folders. A sanitizer report fails
# the test that caused it, in the test binaries and in every exporter they
# start (the options are inherited).
test-asan:
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	$(MAKE) test BUILD_DIR=build-asan BUILD_TYPE=Debug \
	  CMAKE_FLAGS="-DOUTAGE_SANITIZE=address,undefined" CTEST_ARGS="-E ^sources_clang"

# No suppressions: no uninstrumented library runs threads in a test process
# (the gRPC tests' reference server runs in a process of its own).
test-tsan:
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	$(MAKE) test BUILD_DIR=build-tsan BUILD_TYPE=Debug CMAKE_FLAGS="-DOUTAGE_SANITIZE=thread" \
	  CTEST_ARGS="-E ^sources_clang"

# The quick start and the Dockerfile from nothing: a fresh Debian 12 root
# (debootstrap, cached in /var/cache/outage-fresh) runs `make run` then
# `make test`, and podman builds and runs the image. See tests/fresh/.
test-fresh:
	tests/fresh/fresh_machine.sh $(FRESH_ARGS)

# libFuzzer targets (clang, build-fuzz/): each runs for 60 s, or 10 s for the
# smoke; non-zero exit on any crash (see tests/fuzz/run_fuzzers.sh).
fuzz: deps-fuzz
	tests/fuzz/run_fuzzers.sh 60

fuzz-smoke: deps-fuzz
	tests/fuzz/run_fuzzers.sh 10

clean:
	rm -rf build build-asan build-tsan build-fuzz build-fresh
