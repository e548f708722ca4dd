# Thin wrapper over CMake.  The two commands of the README:
#
#	make demo	build, create a demo case repository, show a list and a case
#	make test	build and run every test (plain, then ASan+UBSan), via ctest
#
# Run as root on a fresh Debian machine, both first install what is missing.

DEPS = build-essential cmake pkg-config libyaml-dev libgit2-dev libcsv-dev zlib1g-dev libdeflate-dev nettle-dev openssh-client gnupg \
	check libxlsxwriter-dev gettext git valgrind mandoc unzip chromium fonts-wqy-microhei \
	rime-data-luna-pinyin tmux bash-completion man-db locales strace
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DEMO ?= $(BUILD)/demo

.PHONY: all deps build demo test test-plain test-asan test-valgrind test-valgrind-cli test-valgrind-slow install clean fuzz po

all: build

deps:
	@missing=""; for p in $(DEPS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else \
			echo "missing packages:$$missing (run 'make deps' as root)"; exit 1; \
		fi; \
	fi

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFQ_VALGRIND=ON

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	sh examples/demo.sh $(BUILD)/bin $(DEMO)

test: test-plain test-asan

test-plain: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE valgrind-cli

# The CLI tests' valgrind twins (every fq-VERB under memcheck; about half
# an hour on two cores, so outside make test; CI runs them), and the four
# slowest of them alone (tests/CMakeLists.txt).
test-valgrind-cli: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L valgrind-cli

test-valgrind-slow: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L valgrind-slow

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DFQ_SANITIZE=ON -DFQ_WERROR=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j $(JOBS)

test-valgrind: deps
	cmake -S . -B build-valgrind -DCMAKE_BUILD_TYPE=Debug -DFQ_VALGRIND=ON
	cmake --build build-valgrind -j $(JOBS)
	cd build-valgrind && ctest --output-on-failure -j $(JOBS) -R valgrind

# libFuzzer, outside make test: FUZZ_SECONDS per harness; what it finds
# is in build-fuzz/crashes/ (turn each into a file of fuzz/regressions/).
FUZZ_DEPS = clang libclang-rt-14-dev
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
fuzz:
	@$(MAKE) --no-print-directory deps DEPS="$(DEPS) $(FUZZ_DEPS)"
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFQ_FUZZ=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@mkdir -p $(FUZZ_BUILD)/crashes; for t in case ledger date import yread; do \
		mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
		echo "== fuzz_$$t, $(FUZZ_SECONDS) s"; \
		extra=; [ $$t = case ] && extra=tests/data/cases; \
		[ $$t = yread ] && extra="fuzz/seeds/case tests/data/cases"; \
		TZ=UTC LC_ALL=C.UTF-8 ASAN_OPTIONS=detect_leaks=1 \
		$(FUZZ_BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
			-max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_BUILD)/crashes/$$t- \
			$(FUZZ_BUILD)/corpus/$$t fuzz/seeds/$$t fuzz/regressions/$$t $$extra \
			|| exit 1; \
	done

install: build
	cmake --install $(BUILD)

# Re-extract po/fq.pot from the sources and merge it into po/*.po (po/README).
po: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) --target po

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-valgrind
