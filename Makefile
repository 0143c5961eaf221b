# ffa-cts: the user's front door. `make run` and `make test` set up whatever is missing
# (Debian packages, Rust targets, the pinned SPMC sources), build the firmware once into
# $(FFA_CTS_CACHE), and only rebuild what changed. `make help` lists the targets.

STACK       ?= optee-sel1
FFA_VERSION ?= 1.1
ONLY        ?=
STACKS      ?= optee-sel1 tfa-el3 tfa-el3-gicv2 tfa-el3-sp1.0 hafnium-2.12 hafnium-2.15 optee-sel1-fvp tfa-el3-fvp hafnium-2.15-fvp
export FFA_CTS_CACHE ?= $(HOME)/.cache/ffa-cts
export PATH := $(HOME)/.cargo/bin:$(PATH)

# The board the ns image is built for and the runner boots: the one a stack's `platform` file
# names (tfa-el3-gicv2: qemu-virt-gicv2), else QEMU virt; PLATFORM=fvp or juno builds for a
# board (see README "Platforms").
# Read once (a `?=` variable would run its shell at every use: 38 `cat`s, 0.3 s, per make run).
ifeq ($(origin PLATFORM),undefined)
PLATFORM := $(shell cat targets/stacks/$(STACK)/platform 2>/dev/null || echo qemu-virt)
endif
FVP      ?=
# The image's name and its cargo feature: none for QEMU virt, -<platform> otherwise. The sp
# has ports for QEMU virt and the FVP only (the boards with a stack that runs it).
PSUFFIX   = $(if $(filter qemu-virt,$(PLATFORM)),,-$(PLATFORM))
PFEATURE  = $(if $(filter qemu-virt,$(PLATFORM)),,$(PLATFORM))
SPSUFFIX  = $(if $(filter fvp,$(PLATFORM)),-fvp)
SPFEATURE = $(if $(filter fvp,$(PLATFORM)),fvp)
# The sp bin a stack with `needs-sp` runs as its BL32: the one its `sp-image` file names
# (tfa-el3-sp1.0: sp-v1-0, the sp at FF-A v1.0), else the primary sp.
ifeq ($(origin SPIMAGE),undefined)
SPIMAGE  := $(shell cat targets/stacks/$(STACK)/sp-image 2>/dev/null || echo sp)
endif

TARGET   := aarch64-unknown-none-softfloat
OBJCOPY  := aarch64-linux-gnu-objcopy
IMAGES   := target/images
RUNNER   := target/release/ffa-cts
CARGO    := cargo
BASELINE  = $(shell scripts/baseline-path.sh $(STACK) $(FFA_VERSION))
RUN_ARGS  = --stack $(STACK) --firmware target/firmware/$(STACK).bin --ffa-version $(FFA_VERSION) --platform $(PLATFORM) \
            --describe "$$desc" --stack-key "$${out\#\#*/}" --machine "$$machine" $(if $(ONLY),--only '$(ONLY)')$(if $(JOBS), --jobs $(JOBS)) \
            $(if $(filter 0,$(SNAPSHOT)),--no-snapshot)

.PHONY: help setup image image-selftest stack firmware board-firmware runner run test bench check list matrix clean FORCE

help:
	@echo "make run     build what is missing, boot STACK=$(STACK) under QEMU, run the suite (FFA_VERSION, ONLY=prefixes,"
	@echo "             JOBS=N QEMUs at once on parts of the case list; default min(2, host cores))"
	@echo "             SNAPSHOT=0: every boot runs the firmware instead of restoring a snapshot of its boot"
	@echo "             PLATFORM=fvp FVP=MODEL BOARD_FIRMWARE=DIR: on an FVP model; PLATFORM=juno BOARD_FIRMWARE=DIR SCP_BL2=FILE CONSOLE=DEV: a Juno"
	@echo "make test    host tests, then the suite against every stack in STACKS, gated by results/baselines"
	@echo "             (UPDATE_BASELINES=1 rewrites the baselines from the runs instead)"
	@echo "make bench   wall time of a warm 'make run', boot time, in-image time per case"
	@echo "make check   cargo fmt --check and clippy (host and bare-metal) on every crate"
	@echo "make list    every registered case id"
	@echo "make matrix  results/MATRIX.md and results/matrix.html: stack x FF-A version x case, from the newest complete runs"
	@echo "make stack   build STACK's firmware into the cache;  make setup   host packages and Rust targets"
	@echo "stacks: optee-sel1 (TF-A + OP-TEE S-EL1 SPMC), tfa-el3 (TF-A EL3 SPMC + the suite's own sp),"
	@echo "        hafnium-2.12, hafnium-2.15 (TF-A + Hafnium v2.12.0 / v2.15.0 as the S-EL2 SPMC),"
	@echo "        tfa-el3-gicv2 (tfa-el3 with TF-A's GICv2 driver, on QEMU virt gic-version=2),"
	@echo "        tfa-el3-sp1.0 (tfa-el3 with the sp at FF-A v1.0: the SPMC translates for v1.1/v1.2 callers),"
	@echo "        optee-sel1-fvp, tfa-el3-fvp, hafnium-2.15-fvp (those SPMCs for the FVP: make run PLATFORM=fvp STACK=... FVP=MODEL)"

setup:
	@scripts/setup-host.sh

# ns.bin is the test image (BL33); sp.bin the suite's own secure partition, the BL32 of the
# stacks whose stack.sh sets STACK_NEEDS_SP=1 (tfa-el3), sp-v1-0.bin the same at FF-A v1.0
# (tfa-el3-sp1.0's, by its `sp-image` file; QEMU virt only); <name>-hafnium.bin the sp built as
# each of Hafnium's partitions (feature hafnium: its memory map; the bin <name>: its identity
# and link address), one per manifest in targets/stacks/hafnium-common/partitions/. With
# PLATFORM=fvp both are built for the FVP's stacks (sp-fvp.bin; sp-hafnium-fvp.bin, the one
# partition of hafnium-2.15-fvp).
EL3_SPS       = sp $(if $(SPFEATURE),,sp-v1-0)
HAFNIUM_SPS  := $(sort $(basename $(notdir $(wildcard targets/stacks/hafnium-common/partitions/*.dts))))
HAFNIUM_BINS  = $(if $(SPFEATURE),sp,$(HAFNIUM_SPS))
# Every file cargo builds the images and the runner from. A warm `make run` then skips cargo
# (four no-op builds, about 0.4 s) when no source is newer than what it built last; cargo still
# decides what to rebuild when one is. The stamp gets the time the build started, so that a
# source saved during a build makes the next make build again.
IMAGE_SOURCES  := Cargo.toml Cargo.lock $(shell find harness cases targets -type f)
RUNNER_SOURCES := Cargo.toml Cargo.lock $(shell find harness cases runner -type f)
IMAGE_STAMP     = $(IMAGES)/.built$(PSUFFIX)
# What the image step makes; one that is missing makes the step run, stamp or not.
IMAGE_OUTPUTS   = $(IMAGES)/ns$(PSUFFIX).bin $(foreach b,$(EL3_SPS),$(IMAGES)/$(b)$(SPSUFFIX).bin) \
                  $(foreach b,$(HAFNIUM_BINS),$(IMAGES)/$(b)-hafnium$(SPSUFFIX).bin)
image: setup $(IMAGE_STAMP)
$(IMAGE_STAMP): $(IMAGE_SOURCES) $(if $(filter-out $(wildcard $(IMAGE_OUTPUTS)),$(IMAGE_OUTPUTS)),FORCE) | setup
	@echo "[image] ns ($(PLATFORM)) and sp test images (cargo; a first build takes about a minute)"
	@mkdir -p $(IMAGES) && touch $@.start
	@$(CARGO) build --release -q -p ffa-targets --bin ns --target $(TARGET) $(if $(PFEATURE),--features $(PFEATURE))
	@mkdir -p $(IMAGES) && $(OBJCOPY) -O binary target/$(TARGET)/release/ns $(IMAGES)/ns$(PSUFFIX).bin
	@$(CARGO) build --release -q -p ffa-targets $(addprefix --bin ,$(EL3_SPS)) --target $(TARGET) $(if $(SPFEATURE),--features $(SPFEATURE))
	@for b in $(EL3_SPS); do $(OBJCOPY) -O binary target/$(TARGET)/release/$$b $(IMAGES)/$$b$(SPSUFFIX).bin || exit 1; done
	@$(CARGO) build --release -q -p ffa-targets $(addprefix --bin ,$(HAFNIUM_BINS)) --features "hafnium $(SPFEATURE)" --target $(TARGET)
	@for b in $(HAFNIUM_BINS); do $(OBJCOPY) -O binary target/$(TARGET)/release/$$b $(IMAGES)/$$b-hafnium$(SPSUFFIX).bin || exit 1; done
	@mv $@.start $@

# The test build registers cases (and sp commands) that fault, panic and hang on purpose.
image-selftest: setup
	@echo "[image] self-test build of ns and sp"
	@CARGO_TARGET_DIR=target/selftest $(CARGO) build --release -q -p ffa-targets --bin ns --features "self-test $(PFEATURE)" --target $(TARGET)
	@mkdir -p $(IMAGES) && $(OBJCOPY) -O binary target/selftest/$(TARGET)/release/ns $(IMAGES)/ns$(PSUFFIX)-selftest.bin
	@CARGO_TARGET_DIR=target/selftest $(CARGO) build --release -q -p ffa-targets $(addprefix --bin ,$(EL3_SPS)) --features self-test --target $(TARGET)
	@for b in $(EL3_SPS); do $(OBJCOPY) -O binary target/selftest/$(TARGET)/release/$$b $(IMAGES)/$$b-selftest.bin || exit 1; done
	@CARGO_TARGET_DIR=target/selftest $(CARGO) build --release -q -p ffa-targets $(addprefix --bin ,$(HAFNIUM_SPS)) --features "self-test hafnium" --target $(TARGET)
	@for b in $(HAFNIUM_SPS); do $(OBJCOPY) -O binary target/selftest/$(TARGET)/release/$$b $(IMAGES)/$$b-hafnium-selftest.bin || exit 1; done

stack: setup
	@scripts/build-stack.sh $(STACK) >/dev/null

# A stack whose cached output has `needs-sp` gets the sp image as its BL32, one with
# `sp-packages` the Hafnium builds of it as its partitions, each by its name. With
# SUFFIX=-selftest it packs the self-test images into target/firmware/$(STACK)-selftest.bin.
SUFFIX ?=
firmware: $(if $(SUFFIX),image-selftest,image) stack
	@out="$$(scripts/build-stack.sh $(STACK))" && \
	scripts/pack-firmware.sh "$$out" $(IMAGES)/ns$(PSUFFIX)$(SUFFIX).bin target/firmware/$(STACK)$(SUFFIX).bin \
		$$([ ! -f "$$out/needs-sp" ] || echo $(IMAGES)/$(SPIMAGE)$(SUFFIX).bin) \
		$$([ ! -f "$$out/sp-packages" ] || cut -d' ' -f1 "$$out/sp-packages" | sed 's|.*|&=$(IMAGES)/&-hafnium$(SUFFIX).bin|')

runner: $(RUNNER)
$(RUNNER): $(RUNNER_SOURCES)
	@mkdir -p $(@D) && touch $@.start
	@$(CARGO) build --release -q -p ffa-cts
	@touch -r $@.start $@ && rm -f $@.start

# A full run is gated against the stack's baseline, when there is one, as it runs: junit.xml,
# the LAVA lines and the summary show the gate's verdict, and the exit status says whether
# every case ended as expected (known SPMC deviations are expected failures). QEMU's -machine
# is the one the stack's build names (qemu-machine: Hafnium needs mte=on).
# On a board the firmware is the user's: PLATFORM=fvp packs it (board-firmware) and boots the
# model; on a Juno the user flashes what board-firmware packed, and the run reads the console.
run: $(if $(filter qemu-virt%,$(PLATFORM)),firmware,$(if $(filter fvp,$(PLATFORM)),board-firmware,image)) runner
ifneq ($(filter qemu-virt%,$(PLATFORM)),)
	@out="$$(scripts/build-stack.sh $(STACK))" && desc=$$(cat "$$out/description") \
		&& machine=$$(cat "$$out/qemu-machine") || exit 2; \
	$(RUNNER) run $(RUN_ARGS) $(if $(ONLY),,$(if $(wildcard $(BASELINE)),--baseline $(BASELINE)))
else ifeq ($(PLATFORM),fvp)
	@[ -n "$(FVP)" ] || { echo "PLATFORM=fvp needs FVP=/path/to/FVP_Base_RevC-2xAEMvA"; exit 2; }
	@$(RUNNER) run --stack $(STACK) --platform fvp --fvp "$(FVP)" --firmware target/firmware/fvp \
		--ffa-version $(FFA_VERSION) $(if $(ONLY),--only '$(ONLY)') --boot-timeout-s 600 --case-timeout-s 60
else
	@[ -n "$(CONSOLE)" ] || { echo "PLATFORM=$(PLATFORM): power the board with the firmware on it and pass CONSOLE=/dev/ttyUSB0 (or a captured console file)"; exit 2; }
	@$(RUNNER) run --stack $(STACK) --platform $(PLATFORM) --console "$(CONSOLE)" --case-timeout-s 60
endif

# A board's firmware is TF-A for it (PLAT=fvp or PLAT=juno with an SPMC): a stack built for
# the board (optee-sel1-fvp, tfa-el3-fvp, hafnium-2.15-fvp: its sp images packed as for QEMU),
# or BOARD_FIRMWARE, the user's folder with its bl1.bin and fip.bin; the ns image built for
# the board replaces the FIP's BL33 (TF-A's fiptool, from the stack's cache), and SCP_BL2, the
# SCP firmware a Juno's FIP must hold (Arm's scp_bl2.bin, which the user brings), its SCP_BL2
# entry, in target/firmware/$(PLATFORM)/ (scripts/pack-firmware.sh). For Juno, copy bl1.bin
# and fip.bin from there to the MCC microSD's SOFTWARE/ folder (README "Platforms").
BOARD_FIRMWARE ?=
CONSOLE        ?=
SCP_BL2        ?=
board-firmware: image stack
	@out="$$(scripts/build-stack.sh $(STACK))"; dir="$(BOARD_FIRMWARE)"; \
	if [ -z "$$dir" ] && [ "$$(cat targets/stacks/$(STACK)/platform 2>/dev/null)" = "$(PLATFORM)" ]; then dir=$$out; fi; \
	[ -n "$$dir" ] || { echo "PLATFORM=$(PLATFORM) needs BOARD_FIRMWARE=DIR with TF-A's bl1.bin and fip.bin for it (or a STACK built for it)"; exit 2; }; \
	FIPTOOL="$$out/fiptool" SCP_BL2="$(SCP_BL2)" REQUIRE_SCP=$(if $(filter juno,$(PLATFORM)),1,0) scripts/pack-firmware.sh "$$dir" $(IMAGES)/ns$(PSUFFIX).bin target/firmware/$(PLATFORM)/ \
		$$([ ! -f "$$dir/needs-sp" ] || echo $(IMAGES)/sp$(SPSUFFIX).bin) \
		$$([ ! -f "$$dir/sp-packages" ] || cut -d' ' -f1 "$$dir/sp-packages" | sed 's|.*|&=$(IMAGES)/&-hafnium$(SPSUFFIX).bin|')
	@echo "[firmware] target/firmware/$(PLATFORM)/: bl1.bin, fip.bin with the ns image for $(PLATFORM) as BL33"

test: setup
	@scripts/test.sh $(STACKS)

bench: firmware runner
	@scripts/bench.sh $(STACK)

check:
	$(CARGO) fmt --all --check
	$(CARGO) clippy -q --workspace --all-targets -- -D warnings
	$(CARGO) clippy -q -p ffa-harness -p ffa-cases -p ffa-targets --target $(TARGET) -- -D warnings
	$(CARGO) clippy -q -p ffa-harness -p ffa-cases -p ffa-targets --target $(TARGET) --features ffa-targets/self-test -- -D warnings
	for f in fvp juno qemu-virt-gicv2 hafnium "fvp hafnium"; do $(CARGO) clippy -q -p ffa-targets --target $(TARGET) --features "$$f" -- -D warnings || exit 1; done

list: runner
	@$(RUNNER) list $(if $(ONLY),--only '$(ONLY)')

# The compatibility matrix, from the newest complete run of each stack and FF-A version, in
# Markdown and as one self-contained HTML page.
matrix: runner
	@$(RUNNER) matrix

clean:
	$(CARGO) clean
	rm -rf results/runs
