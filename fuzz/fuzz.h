/*
 * fuzz.h: what the harnesses share.  Each harness defines
 * LLVMFuzzerTestOneInput(); built with clang -fsanitize=fuzzer it is a
 * libFuzzer target (make fuzz), built with driver.c it replays files
 * (the fuzz.* tests run every seed once, under ASan in make test).
 */
#ifndef FQ_FUZZ_H
#define FQ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of data (free() it). */
char *fuzz_cstr(const uint8_t *data, size_t size);

/* The schema directory: FQ_SCHEMA_DIR, else the source tree's. */
const char *fuzz_schema_dir(void);

#endif
