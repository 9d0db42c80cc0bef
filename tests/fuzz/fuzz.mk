# The libFuzzer targets, built with clang apart from the project's build
# (its objects stay as configured). Called by `make fuzz` with srcdir,
# builddir, FUZZ_CC, DEPS_CFLAGS and DEPS_LIBS.
FUZZ_CFLAGS ?= -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_WARN ?= -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
out := $(builddir)/tests/fuzz/build
san := -fsanitize=address,undefined
flags = -std=gnu11 -include $(builddir)/config.h -I$(builddir) -I$(srcdir)/src -I$(srcdir)/tests \
	-DKBDIR=\"$(srcdir)/data/kb\" -DFUZZ_SRCDIR=\"$(srcdir)\" $(DEPS_CFLAGS) $(FUZZ_WARN) $(FUZZ_CFLAGS) $(san)

# every file of the libraries (libsources.a is all of src/sources), so that a
# new one cannot be left out; of devresctl and devresd what the targets call
lib_src := $(wildcard $(srcdir)/src/shared/*.c $(srcdir)/src/libdevres/*.c $(srcdir)/src/sources/*.c) \
	$(addprefix $(srcdir)/src/devresctl/,output-findings.c output-common.c output-text.c output-json.c output-refs.c output-events.c filters.c) \
	$(addprefix $(srcdir)/src/devresd/,server.c journal.c peer.c)
lib_obj := $(patsubst $(srcdir)/%.c,$(out)/%.o,$(lib_src))
targets := capture opres trace-raw request filters
bins := $(addprefix $(out)/fuzz-,$(targets))

all: $(bins)

$(out)/%.o: $(srcdir)/%.c $(builddir)/config.h
	@mkdir -p $(dir $@)
	@echo "  FUZZCC   $*.o"
	@$(FUZZ_CC) $(flags) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(out)/libfuzzdeps.a: $(lib_obj)
	@rm -f $@
	@ar rcs $@ $^

$(out)/fuzz-%: $(out)/tests/fuzz/fuzz-%.o $(out)/libfuzzdeps.a
	@echo "  FUZZLD   fuzz-$*"
	@$(FUZZ_CC) $(san) -fsanitize=fuzzer -o $@ $< $(out)/libfuzzdeps.a $(DEPS_LIBS)

.PHONY: all
.SECONDARY:
-include $(lib_obj:.o=.d) $(patsubst %,$(out)/tests/fuzz/fuzz-%.d,$(targets))
