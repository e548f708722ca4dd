/*
 * fuzz_yread.c: the fast YAML reader of lib/yread.c against libyaml's
 * (fq_yaml_parse).  Whatever it accepts must read as libyaml reads it,
 * node for node (kinds, text, quoting, line and column); what libyaml
 * refuses it must decline, so that the error libyaml gives is the one
 * the user sees.
 */
#include <stdlib.h>

#include "fq/node.h"
#include "internal.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int lib;

	if (fq_yaml_fast_verify((const char *)data, size, &lib) < 0)
		abort();
	return 0;
}
