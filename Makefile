# ent-run - a minimal container launcher driven by entitlements.
#
#   make demo      install what is missing, build, run a demo container
#   make test      install what is missing, build, run every test
#   make DEBUG=1   the same with AddressSanitizer and UndefinedBehaviorSanitizer
#   make fuzz      run each libFuzzer target (tests/fuzz/) for FUZZ_SECONDS (default 60)
#   make oci-validation  the runtime-tools validation suite (RUNTIME_TOOLS_SRC=DIR) against
#                  crun and ent-run
#   make bench     start-up against a floor program, bubblewrap and crun (docs/PERFORMANCE.md)
#   make start-order  sample the start path's functions anew for the linker (runtime/start.order)
#
# Objects go to $(BUILD)/release or $(BUILD)/debug, fuzz targets to $(BUILD)/fuzz; the test
# rootfs to $(BUILD)/rootfs.

BUILD   ?= build
VARIANT := $(if $(filter 1,$(DEBUG)),debug,release)
OUT     := $(BUILD)/$(VARIANT)
PREFIX  ?= /usr/local
DESTDIR ?=
VERSION := 0.1.0

PKGS    := libseccomp libcap libnl-3.0 libnl-route-3.0 libmnl libnftnl json-c libbpf
# Debian packages: build libraries, the BPF toolchain of ent-run learn (clang, llvm-strip and
# bpftool make its capability watcher at build time), test tools (cmocka, busybox for the
# rootfs, debootstrap for learn's Debian rootfs, crun and bubblewrap for comparisons, uidmap
# for rootless maps, iproute2 and nftables to look at test hosts, passt for rootless
# networking, python3 to read JSON, procps for pgrep, gdb to stage races in tests, strace to
# stall a container's set-up in tests, time and hyperfine for make bench, lld to link ent-run
# (START_ORDER, below); clang-14 and its runtime libraries, libFuzzer and the sanitizers, for
# the fuzz targets; podman and containerd to drive ent-run as their OCI runtime).
DEB_PKGS := build-essential pkg-config libseccomp-dev libcap-dev libnl-3-dev libnl-route-3-dev \
	    libmnl-dev libjson-c-dev libnftnl-dev libbpf-dev clang llvm bpftool libcmocka-dev \
	    busybox-static debootstrap crun bubblewrap uidmap iproute2 nftables passt \
	    clang-format python3 procps gdb strace time hyperfine lld clang-14 libclang-rt-14-dev \
	    podman containerd

CC      ?= cc
# The project's flags (ENT_*), then the caller's CPPFLAGS, CFLAGS and LDFLAGS, from the
# environment or make's command line as a packager gives them: theirs come last, so they can
# change a choice of ours (an -O level), and giving them never drops our warnings, hardening or
# layout. A caller's _FORTIFY_SOURCE (say =3) stands instead of ours, not beside it (-Werror).
ENT_CPPFLAGS := -D_GNU_SOURCE -I. -DENT_VERSION='"$(VERSION)"'
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wundef -Wvla \
	    -Wstrict-prototypes -Wmissing-prototypes -Wimplicit-fallthrough
FORTIFY  := $(if $(findstring _FORTIFY_SOURCE,$(CPPFLAGS) $(CFLAGS)),,-D_FORTIFY_SOURCE=2)
# A section per function (-ffunction-sections), so that the linker can place each by itself.
ENT_CFLAGS := -std=gnu11 -O2 -g $(FORTIFY) -fstack-protector-strong -fPIE -ffunction-sections \
	      $(WARNINGS)
HARDEN_LDFLAGS := -Wl,-z,relro,-z,now
PACK_RELOCS    := -Wl,-z,pack-relative-relocs
ENT_LDFLAGS    := -pie $(HARDEN_LDFLAGS) $(PACK_RELOCS)
# ent-run itself, with its libraries and libc: a static PIE (no dynamic loader at start, nothing
# shared with the processes it forks to fault in again: docs/PERFORMANCE.md). The unit tests and
# ent-run-nft stay dynamic (cmocka and libmnl have no static archive in Debian). It is linked by
# lld, which lays out the functions a start runs first, in the order START_ORDER lists them
# (tests/bench/start-order.sh makes the list): a few 64 KB windows of code for each of ent-run's
# processes to fault in instead of twenty. lld 14 spells -z pack-relative-relocs
# --pack-dyn-relocs=relr.
START_ORDER := runtime/start.order
BIN_LDFLAGS := $(filter-out -pie $(PACK_RELOCS),$(ENT_LDFLAGS) $(LDFLAGS)) -fuse-ld=lld \
	       -Wl,--pack-dyn-relocs=relr -static-pie \
	       -Wl,--symbol-ordering-file=$(START_ORDER),--no-warn-symbol-ordering
# Said before the link fails with the compiler's "cannot find 'ld'" (not for DEBUG, below).
NEED_LLD = @command -v ld.lld >/dev/null || \
	{ echo "ent-run: ld.lld is missing: run 'make deps' (Debian package lld)" >&2; exit 1; }
ifeq ($(DEBUG),1)
# Sanitizers; FORTIFY off, it conflicts with ASan. The sanitizers' runtimes are shared
# libraries: the DEBUG build of ent-run is dynamic.
ENT_CFLAGS := $(filter-out -O2 -D_FORTIFY_SOURCE=2,$(ENT_CFLAGS)) -Og -g3 \
	      -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ENT_LDFLAGS += -fsanitize=address,undefined
BIN_LDFLAGS := $(ENT_LDFLAGS) $(LDFLAGS)
NEED_LLD :=
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# ent-run's libraries, linked statically: at every start the dynamic loader would otherwise map
# and relocate them before main() (docs/PERFORMANCE.md). libbpf (with libelf and zlib) is only
# ever called by ent-run learn: linked in, it costs a run nothing. libnftnl is built on libmnl,
# which Debian ships without a static archive: they are ent-run-nft's (NFT_PKGS), a helper that
# runs only for a container's own network, as root (netcfg/nft_helper.h).
STATIC_PKGS := libseccomp libcap libnl-3.0 libnl-route-3.0 json-c libbpf
STATIC_LIBS  = $(shell pkg-config --static --libs-only-l $(STATIC_PKGS) 2>/dev/null | \
	       sed 's/-lpthread//g')
# The unit tests (and DEBUG's ent-run): these static, libc and cmocka shared. ent-run: all
# static (BIN_LDFLAGS).
PKG_LIBS     = -Wl,-Bstatic $(STATIC_LIBS) -Wl,-Bdynamic -lpthread
ifeq ($(DEBUG),1)
BIN_LIBS     = $(PKG_LIBS)
else
BIN_LIBS     = $(STATIC_LIBS) -lpthread
endif
NFT_PKGS    := libnftnl libmnl
NFT_LIBS     = $(shell pkg-config --libs $(NFT_PKGS) 2>/dev/null)

SRC_DIRS := base runtime ns rootfs netcfg entitlements
# ent-run-nft's own files: the only ones that include libnftnl or libmnl.
NFT_SRCS := netcfg/nft.c netcfg/nat.c netcfg/nft_forward.c netcfg/nft_main.c
LIB_SRCS := $(filter-out runtime/main.c $(NFT_SRCS),$(wildcard $(addsuffix /*.c,$(SRC_DIRS))))
LIB_OBJS := $(LIB_SRCS:%.c=$(OUT)/%.o)
MAIN_OBJ := $(OUT)/runtime/main.o
BIN      := $(OUT)/ent-run
NFT_OBJS := $(NFT_SRCS:%.c=$(OUT)/%.o)
NFT_BIN  := $(OUT)/ent-run-nft

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(OUT)/tests/%)
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tools/%)
ROOTFS    := $(BUILD)/rootfs
DEBIAN    := $(BUILD)/debian

# ent-run learn's capability watcher: a BPF program compiled by clang against the kernel's type
# information (BTF, dumped by bpftool into vmlinux.h) and embedded as a libbpf skeleton, which
# libbpf relocates for whatever kernel it loads on (CO-RE): nothing is compiled at run time.
BPF_DIR  := $(BUILD)/bpf
BPF_SKEL := $(BPF_DIR)/capable.skel.h
CLANG    ?= clang
BPFTOOL  ?= bpftool
LLVM_STRIP ?= llvm-strip

.PHONY: all deps demo test unit integration golden install clean format format-check rootfs bench \
	fuzz fuzz-build debian oci-validation start-order

all: $(BIN) $(NFT_BIN)

# Makefile too: a change of flags (ENT_CFLAGS) must rebuild what they compile.
$(OUT)/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ENT_CPPFLAGS) $(CPPFLAGS) $(PKG_CFLAGS) $(ENT_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BPF_DIR)/vmlinux.h:
	@mkdir -p $(dir $@)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp
	mv $@.tmp $@

# -g makes the BTF that CO-RE needs; the DWARF beside it is stripped (it would only make the
# binary larger).
$(BPF_DIR)/capable.bpf.o: runtime/bpf/capable.bpf.c runtime/bpf/capable.h $(BPF_DIR)/vmlinux.h
	$(CLANG) -g -O2 -target bpf -Wall -Werror -I$(BPF_DIR) -I. -c -o $@ $<
	$(LLVM_STRIP) -g $@

$(BPF_SKEL): $(BPF_DIR)/capable.bpf.o
	$(BPFTOOL) gen skeleton $< name capable_bpf > $@.tmp
	mv $@.tmp $@

$(OUT)/runtime/capwatch.o: ENT_CPPFLAGS += -I$(BPF_DIR)
$(OUT)/runtime/capwatch.o: $(BPF_SKEL)

# Made anew: a member whose source is gone must not stay in the archive.
$(OUT)/libent.a: $(LIB_OBJS) Makefile
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJS)

$(BIN): $(MAIN_OBJ) $(OUT)/libent.a Makefile $(START_ORDER)
	$(NEED_LLD)
	$(CC) $(BIN_LDFLAGS) -o $@ $(filter-out Makefile $(START_ORDER),$^) $(BIN_LIBS)

$(NFT_BIN): $(NFT_OBJS) $(OUT)/libent.a Makefile
	$(CC) $(ENT_LDFLAGS) $(LDFLAGS) -o $@ $(filter-out Makefile,$^) $(NFT_LIBS)

$(OUT)/tests/%: tests/unit/%.c $(OUT)/libent.a
	@mkdir -p $(dir $@)
	$(CC) $(ENT_CPPFLAGS) $(CPPFLAGS) $(PKG_CFLAGS) $(ENT_CFLAGS) $(CFLAGS) \
		-Wno-missing-prototypes -o $@ $< $(OUT)/libent.a $(ENT_LDFLAGS) $(LDFLAGS) \
		$(PKG_LIBS) -lcmocka

# Probes run inside the busybox rootfs, which has no libc: link them statically.
$(BUILD)/tools/%: tests/tools/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -o $@ $<

# A busybox-static rootfs for the demo and the integration tests (never committed).
rootfs: $(ROOTFS)/.stamp
$(ROOTFS)/.stamp: tests/mkrootfs.sh $(TOOL_BINS)
	sh tests/mkrootfs.sh $(ROOTFS) $(BUILD)/tools
	@touch $@

# A Debian rootfs for learn's real-world test (apt-get), made once: debootstrap from the mirror.
debian: $(DEBIAN)/.stamp
$(DEBIAN)/.stamp: tests/mkdebian.sh
	sh tests/mkdebian.sh $(DEBIAN)
	@touch $@

deps:
	@sh tests/deps.sh $(DEB_PKGS)

demo: deps all rootfs
	$(BIN) --hostname demo $(ROOTFS) /bin/sh -c \
	  'echo "hostname: $$(hostname)"; echo "processes:"; ps -o pid,user,args; \
	   echo "network interfaces:"; ls /sys/class/net; echo "uid map:"; cat /proc/self/uid_map'

unit: $(UNIT_BINS)
golden: $(BIN)

test: deps all unit rootfs fuzz-build
	ENT_RUN=$(BIN) UNIT_DIR=$(OUT)/tests ROOTFS=$(ROOTFS) TOOLS=$(BUILD)/tools \
	  FUZZ_DIR=$(FUZZ_OUT) DEBIAN=$(DEBIAN) MAKE_DEBIAN='$(MAKE) debian' sh tests/run.sh

# Fuzzing: one libFuzzer target per parser (tests/fuzz/fuzz_NAME.c), linked with the library
# rebuilt by clang with coverage and sanitizers in $(BUILD)/fuzz. `make fuzz` runs each for
# FUZZ_SECONDS from its seeds (tests/fuzz/corpus/NAME) and past findings
# (tests/fuzz/regressions/NAME); new inputs go to $(BUILD)/fuzz/corpus, crashes to
# $(BUILD)/fuzz/crash-NAME-*. `make test` runs each for a few seconds.
FUZZ_CC      ?= clang-14
FUZZ_OUT     := $(BUILD)/fuzz
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := -std=gnu11 -O1 -g -fno-omit-frame-pointer $(WARNINGS) \
		-fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_SRCS    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS    := $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_OUT)/%)
FUZZ_OBJS    := $(LIB_SRCS:%.c=$(FUZZ_OUT)/%.o)

$(FUZZ_OUT)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(ENT_CPPFLAGS) $(CPPFLAGS) $(PKG_CFLAGS) $(FUZZ_CFLAGS) \
		-fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_OUT)/runtime/capwatch.o: ENT_CPPFLAGS += -I$(BPF_DIR)
$(FUZZ_OUT)/runtime/capwatch.o: $(BPF_SKEL)

$(FUZZ_OUT)/libent.a: $(FUZZ_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_OUT)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OUT)/libent.a
	$(FUZZ_CC) $(ENT_CPPFLAGS) $(CPPFLAGS) $(PKG_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
		$(FUZZ_OUT)/libent.a $(PKG_LIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: deps fuzz-build
	FUZZ_DIR=$(FUZZ_OUT) FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

# Start-up bench (tests/bench.sh; never a test, it never fails on timing). The floor and the
# stopwatch are linked like ent-run; the system call timer runs inside the rootfs, which has no
# libc, so it is static and goes into a copy of the test rootfs at /bench.
BENCH_BINS   := $(OUT)/bench/floor $(OUT)/bench/spawn $(BUILD)/bench/syscalls
BENCH_ROOTFS := $(BUILD)/bench/rootfs

# Makefile too: linked "like ent-run", they must be linked again when its flags change (a
# floor left dynamic after ent-run became static made the runs of 1bd1cf7 and cf906c8 compare
# ent-run with a slower floor: docs/PERFORMANCE.md).
$(OUT)/bench/%: tests/bench/%.c $(START_ORDER) Makefile
	@mkdir -p $(dir $@)
	$(NEED_LLD)
	$(CC) $(ENT_CPPFLAGS) $(CPPFLAGS) $(ENT_CFLAGS) $(CFLAGS) $(BIN_LDFLAGS) -o $@ $<

$(BUILD)/bench/syscalls: tests/bench/syscalls.c Makefile
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -o $@ $<

$(BENCH_ROOTFS)/.stamp: $(ROOTFS)/.stamp $(BUILD)/bench/syscalls
	rm -rf $(BENCH_ROOTFS)
	cp -a $(ROOTFS) $(BENCH_ROOTFS)
	mkdir -p $(BENCH_ROOTFS)/bench
	cp $(BUILD)/bench/syscalls $(BENCH_ROOTFS)/bench/
	@touch $@

bench: all rootfs $(BENCH_BINS) $(BENCH_ROOTFS)/.stamp
	ENT_RUN=$(BIN) ROOTFS=$(BENCH_ROOTFS) BENCH_BIN=$(OUT)/bench sh tests/bench.sh

# The start path's functions for the linker (runtime/start.order), sampled from default starts
# of the release build with perf (Debian package linux-perf). By hand, after changes to the
# start path; the file is committed.
ifneq ($(filter start-order,$(MAKECMDGOALS)),)
ifeq ($(DEBUG),1)
$(error start-order samples the release build: run it without DEBUG=1)
endif
endif
start-order: all rootfs
	ENT_RUN=$(BIN) ROOTFS=$(ROOTFS) sh tests/bench/start-order.sh >$(START_ORDER).tmp || \
		{ rm -f $(START_ORDER).tmp; exit 1; }
	@[ "$$(grep -vc '^#' $(START_ORDER).tmp)" -ge 100 ] || \
		{ echo "start-order: too few functions sampled, $(START_ORDER) kept" >&2; \
		  rm -f $(START_ORDER).tmp; exit 1; }
	mv $(START_ORDER).tmp $(START_ORDER)

# The opencontainers/runtime-tools validation suite against crun and ent-run (docs/oci.md,
# "Conformance"). Not part of `make test`: ent-run does not ship the suite's source, which
# RUNTIME_TOOLS_SRC names (a directory or a git repository); it is built offline with Debian's Go.
oci-validation: all
	ENT_RUN=$(BIN) OUT=$(BUILD)/oci-validation sh tests/oci-validation.sh

install: $(BIN) $(NFT_BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/ent-run
	install -m 0755 $(NFT_BIN) $(DESTDIR)$(PREFIX)/bin/ent-run-nft
	install -m 0644 docs/ent-run.1 $(DESTDIR)$(PREFIX)/share/man/man1/ent-run.1

clean:
	rm -rf $(BUILD)

FORMAT_FILES = $(wildcard $(addsuffix /*.[ch],$(SRC_DIRS)) runtime/bpf/*.[ch] tests/unit/*.[ch] \
	       tests/tools/*.[ch] tests/bench/*.[ch] tests/fuzz/*.[ch])
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d) $(NFT_OBJS:.o=.d) $(FUZZ_OBJS:.o=.d)
