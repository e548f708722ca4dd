/*
 * common.c: helpers of the harnesses.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

const char *
fuzz_schema_dir(void)
{
	const char *d = getenv("FQ_SCHEMA_DIR");

	return d && *d ? d : FQ_FUZZ_SCHEMA_DIR;
}
