# Everyday commands. The real build is CMake (Ninja); this file only strings steps together.
#   make run    install what is missing, build, start the server on 127.0.0.1:8080
#   make test   install what is missing, build, run every test suite
#   make build  build/goldset
#   make asan   ASan+UBSan build (build-asan/) and its test run
#   make tsan   ThreadSanitizer build (build-tsan/) and its test run (not part of `make test`)
#   make bench  benchmarks under bench/ (prints ratios against named peers)
#   make fuzz   libFuzzer targets (clang, ASan+UBSan, build-fuzz/), FUZZ_SECONDS each (default 60)
#   make soak   the full kill -9 soak (20 kills) on SQLite and PostgreSQL
#   make package     the Debian package (build/goldset_VERSION_ARCH.deb; CPack)
#   make test-package build it, dpkg -i it here, start it as the unit does, remove it (needs root)
#   make mutate mutation testing: tests/mutation/mutants.json against the test suite (not in make test)
BUILD_DIR ?= build
ASAN_DIR  ?= build-asan
TSAN_DIR  ?= build-tsan
FUZZ_DIR  ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS      ?= $(shell nproc)
LISTEN    ?= 127.0.0.1:8080
DATA_DIR  ?= ./data

# ccache keys on paths relative to the checkout, so every clone (CI's included) reuses
# the same cache entries.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: all build run test unit asan tsan fuzz bench soak mutate deps clean package test-package

all: build

deps:
	@scripts/install-deps.sh build

$(BUILD_DIR)/build.ninja:
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: deps $(BUILD_DIR)/build.ninja
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@$(BUILD_DIR)/goldset serve --listen $(LISTEN) --data-dir $(DATA_DIR)

package: build
	@cmake --build $(BUILD_DIR) --target package

test-package: build
	@scripts/test-package.sh $(BUILD_DIR)

test:
	@scripts/install-deps.sh test
	@scripts/test.sh $(BUILD_DIR)

unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

asan:
	@scripts/install-deps.sh test
	@cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DGOLDSET_SANITIZE=ON >/dev/null
	@GOLDSET_SUITES=unit,integration scripts/test.sh $(ASAN_DIR)

tsan:
	@scripts/install-deps.sh test
	@GOLDSET_SUITES=tsan TSAN_DIR=$(TSAN_DIR) scripts/test.sh $(BUILD_DIR)

fuzz:
	@scripts/install-deps.sh test
	@FUZZ_DIR=$(FUZZ_DIR) FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh run


# The CI entry point is `make test`, which includes the asan and fuzz (smoke) suites and a 4-kill soak.
soak: build
	@scripts/install-deps.sh test
	@GOLDSET_BIN=$(CURDIR)/$(BUILD_DIR)/goldset scripts/soak.sh

bench:
	@scripts/install-deps.sh bench
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	@scripts/bench.sh $(BUILD_DIR)

# MUTANTS=M1,M7 (or 'S*') limits the run; the checkout is never modified (scratch tree in build-mutate/).
# tests/mutation/README.md: adding mutants, handling survivors.
mutate:
	@scripts/install-deps.sh test
	@scripts/mutate.py $(if $(MUTANTS),--only '$(MUTANTS)')

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(TSAN_DIR) $(FUZZ_DIR)
	git worktree remove --force build-mutate/tree 2>/dev/null || true
	rm -rf build-mutate
