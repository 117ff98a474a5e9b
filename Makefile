# Front door. `make` builds build/nhiscan; `make scan` scans the bundled demo
# repository; `make test` runs the whole test suite. Both install what is missing.

BUILD_DIR ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD_TYPE ?= RelWithDebInfo
CORPUS ?= ../shared/corpus

.PHONY: all deps test-deps build scan test package corpus bench fuzz sanitize clean

all: build

deps:
	@scripts/bootstrap.sh build

test-deps:
	@scripts/bootstrap.sh test

# Configuring again is cheap, and finds what `make test` installed since the last run.
build: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null
	@cmake --build $(BUILD_DIR) -j$(JOBS)

scan: build
	$(BUILD_DIR)/nhiscan scan fixtures/demo --sarif nhiscan.sarif --fail-on none
	@echo "SARIF written to nhiscan.sarif"

test: test-deps build
	ctest --test-dir $(BUILD_DIR) --output-on-failure --no-tests=error -j$(JOBS)

# The Debian package, $(BUILD_DIR)/nhiscan_VERSION_ARCH.deb. dpkg-shlibdeps (from
# dpkg-dev) finds the runtime library packages it depends on.
package: build
	@command -v dpkg-shlibdeps >/dev/null || { echo "nhiscan: install dpkg-dev to build the package"; exit 1; }
	@cd $(BUILD_DIR) && cpack -G DEB

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer, then a scan
# of the corpus (when present) with that build.
sanitize: test-deps
	@test -f build-asan/CMakeCache.txt || cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DNHISCAN_SANITIZE=ON >/dev/null
	@cmake --build build-asan -j$(JOBS)
	ctest --test-dir build-asan --output-on-failure --no-tests=error -j$(JOBS)
	@scripts/sanitize_corpus.sh build-asan/nhiscan $(CORPUS)

corpus: test-deps build
	@scripts/corpus.sh $(BUILD_DIR)/nhiscan $(CORPUS)

bench: build
	@bench/run.sh $(BUILD_DIR)/nhiscan $(CORPUS)

fuzz: deps
	@fuzz/run.sh

clean:
	rm -rf $(BUILD_DIR) build-asan build-fuzz nhiscan.sarif
