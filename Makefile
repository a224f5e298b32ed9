# SPDX-License-Identifier: GPL-2.0-only
#
# mvgpu top-level Makefile.
#
#   make [KDIR=...]     build mvgpu.ko, mvgpu_sim.ko and mvgpu_drm.ko
#                       against KDIR into build/modules/<release>/
#   make install        install the modules for KDIR's kernel, the
#                       modprobe.d/modules-load.d/udev files and
#                       mvgpu-smi (root; DESTDIR=, PREFIX=, MOK_KEY=
#                       and MOK_CERT= to sign)
#   make uninstall      remove what "make install" put in place
#   make dkms-install   register with DKMS and build for DKMS_KERNELS
#                       (default: the running kernel) and later kernels
#   make dkms-uninstall remove the DKMS registration and its modules
#   make tools          build the host tools (build/tools/mvgpu-smi)
#   make guest-tools    build the guest userspace (libdrm) tools into
#                       build/guest/ (tools/guest)
#   make deb            Debian packages mvgpu-dkms and mvgpu-tools in
#                       build/deb/ (needs debhelper, dh-dkms; lintian)
#   make deps           install every Debian package build and tests need
#   make modules-vm     build the modules for the test kernels (6.1, 6.12
#                       and 7.x; 7.x in the trixie environment, tools/vm/trixie)
#   make htmldocs       the documentation as HTML in build/htmldocs/
#   make lint           W=1 -Werror, sparse (C=2), checkpatch --strict,
#                       kernel-doc, for every test kernel
#   make unit           userspace unit tests (ASan/UBSan) and fuzzers
#   make check          everything above plus VM and nested-guest tests;
#                       ends with one line "N passed, N failed"
#   make check-full     make check plus the nested-guest tiers on 7.x
#   make check-debug    the vm tier and a nested guest on the debug kernel
#                       (lockdep, KASAN, KFENCE, kmemleak; built from
#                       linux-source-6.1 on first use, about an hour):
#                       tools/vm/debug-kernel
#   make demo           boot a VM, create vGPUs, attach one to a nested guest
#   make bench          build the modules for 6.12 and run the vGPU versus
#                       native and the scheduler benchmarks in the test VM
#                       (tools/bench/run), then the guest benchmark through
#                       the DRM driver in a nested guest (tools/bench/run-guest)

SRC := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(SRC)/build
KDIR ?= /lib/modules/$(shell uname -r)/build
KVER = $(shell sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
MODOUT = $(BUILD)/modules/$(KVER)
SERIES ?= 6.1 6.12 7
KSRC_TAR ?= /usr/src/linux-source-6.1.tar.xz
KSCRIPTS := $(BUILD)/kscripts
# Extra arguments for kbuild, e.g. C=2 or W=1.
KBUILD_ARGS ?= W=1 CONFIG_MVGPU_WERROR=y
# The project's version lives in dkms.conf.
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(SRC)/dkms.conf)
PREFIX ?= /usr/local
UDEV_RULES_DIR ?= /etc/udev/rules.d
DKMS_KERNELS ?= $(shell uname -r)
TOOLS_OUT := $(BUILD)/tools
TOOLS_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror
# Packagers add their hardening flags here.
TOOLS_EXTRA_CFLAGS ?=
TOOLS_LDFLAGS ?=

C_SOURCES = $(shell find drivers -name '*.[ch]') $(shell find include -name '*.h')

.PHONY: all modules modules-vm install deps lint unit check check-debug demo clean \
	vm-tests nested-tests kscripts check-full uninstall dkms-install dkms-uninstall tools deb \
	bench guest-tools htmldocs

all: modules

# Kbuild writes objects next to sources, so each kernel gets its own tree
# of symlinks to the sources under build/modules/<kernel release>/. Each
# module is built in its own directory; the .ko files are then copied to
# build/modules/<kernel release>/, where the test bed, install and DKMS
# take them.
MODULES := drivers/mvgpu/core/mvgpu.ko drivers/mvgpu/guest/mvgpu_drm.ko \
	drivers/mvgpu/sim/mvgpu_sim.ko

modules:
	@test -n "$(KVER)" || { echo "mvgpu: no kernel headers at KDIR=$(KDIR); install linux-headers-$$(uname -r) or pass KDIR=" >&2; exit 1; }
	@mkdir -p $(MODOUT)
	@cd $(MODOUT) && cp -rsf $(SRC)/Kbuild $(SRC)/drivers $(SRC)/include . && \
		find . -xtype l -delete
	$(MAKE) -C $(KDIR) M=$(MODOUT) $(KBUILD_ARGS) modules
	@cd $(MODOUT) && cp -f $(MODULES) .
	@echo "mvgpu: built $(addprefix $(MODOUT)/,$(notdir $(MODULES)))"

modules-vm:
	@for s in $(SERIES); do \
		$(SRC)/tools/vm/kernel make $$s || exit 1; \
	done

INSTALL_FILES = $(SRC)/packaging/install-files --kdir $(KDIR) --kver $(KVER) \
	--destdir "$(DESTDIR)" --prefix $(PREFIX) --udev-rules-dir $(UDEV_RULES_DIR)

# The modules go side by side into /lib/modules/<release>/extra/ (kbuild's
# modules_install would mirror the source directories there), unsigned and
# uncompressed: kbuild could only sign with the kernel's build key, which
# distribution headers do not have; install-files signs with MOK_KEY and
# runs depmod.
install: modules tools
	install -D -m 644 -t $(DESTDIR)/lib/modules/$(KVER)/extra \
		$(addprefix $(MODOUT)/,$(notdir $(MODULES)))
	$(INSTALL_FILES) install --smi $(TOOLS_OUT)/mvgpu-smi \
		$(if $(MOK_KEY),--mok-key $(MOK_KEY) --mok-cert $(MOK_CERT))

uninstall:
	@test -n "$(KVER)" || { echo "mvgpu: no kernel headers at KDIR=$(KDIR)" >&2; exit 1; }
	$(INSTALL_FILES) uninstall

dkms-install:
	$(SRC)/packaging/dkms-setup install $(VERSION) $(DKMS_KERNELS)

dkms-uninstall:
	$(SRC)/packaging/dkms-setup uninstall $(VERSION)

deb:
	$(SRC)/packaging/build-deb $(VERSION)

tools: $(TOOLS_OUT)/mvgpu-smi

$(TOOLS_OUT)/mvgpu-smi: $(SRC)/tools/mvgpu-smi/mvgpu-smi.c
	@mkdir -p $(@D)
	$(CC) $(TOOLS_CFLAGS) $(TOOLS_EXTRA_CFLAGS) -o $@ $< $(TOOLS_LDFLAGS)

guest-tools:
	$(MAKE) -C tools/guest

deps:
	@$(SRC)/tools/deps

# Kernel scripts used by lint, taken from the Debian kernel source package.
kscripts: $(KSCRIPTS)/.stamp
$(KSCRIPTS)/.stamp: $(SRC)/Makefile
	@mkdir -p $(KSCRIPTS)
	tar -xJf $(KSRC_TAR) -C $(KSCRIPTS) --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch \
		linux-source-6.1/scripts/kernel-doc \
		linux-source-6.1/.clang-format \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/Documentation/sphinx/kerneldoc.py \
		linux-source-6.1/Documentation/sphinx/kernellog.py
	@touch $@

# The documentation as HTML, with the code's DOC: blocks and kernel-doc
# included by the kernel's Sphinx extension; warnings are errors.
htmldocs: kscripts
	MVGPU_KSCRIPTS=$(KSCRIPTS) sphinx-build -q -W -b html -d $(BUILD)/htmldocs/.doctrees \
		$(SRC)/Documentation $(BUILD)/htmldocs
	@echo "mvgpu: documentation in $(BUILD)/htmldocs/index.html"

lint: kscripts
	@$(SRC)/tools/check/lint

unit:
	$(MAKE) -C selftests/unit run

check:
	@$(SRC)/tools/check/run-all

check-full:
	@MVGPU_CHECK_FULL=1 $(SRC)/tools/check/run-all

# Not part of "make check": the debug kernel takes an hour to build.
check-debug:
	@SERIES=6.1-debug TIERS="vm nested" $(SRC)/tools/check/run-all

demo:
	@$(SRC)/tools/demo/run

bench:
	@$(SRC)/tools/bench/run
	@$(SRC)/tools/bench/run-guest

clean:
	rm -rf $(BUILD)
