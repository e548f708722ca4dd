/*
 * fault.c: FQ_FAULT, read once (see fault.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fq/fault.h"

static bool fault_read;
static bool fault_enospc;
static char fault_point[64];
static long fault_at = 1;	/* fire at this hit */
static long fault_hits;

static void
read_fault(void)
{
	const char *v = getenv("FQ_FAULT"), *at;
	size_t n;

	fault_read = true;
	if (!v || !*v)
		return;
	if (!strncmp(v, "enospc:", 7)) {
		fault_enospc = true;
		v += 7;
	}
	at = strchr(v, '@');
	n = at ? (size_t)(at - v) : strlen(v);
	if (n >= sizeof(fault_point))
		return;
	memcpy(fault_point, v, n);
	fault_point[n] = '\0';
	if (at && (fault_at = strtol(at + 1, NULL, 10)) < 1)
		fault_at = 1;
}

int
fq_fault(const char *point)
{
	if (!fault_read)
		read_fault();
	if (!fault_point[0] || strcmp(point, fault_point))
		return 0;
	if (++fault_hits < fault_at)
		return 0;
	if (fault_enospc) {
		errno = ENOSPC;
		return -1;
	}
	raise(SIGKILL);
	return 0;
}

int
fq_fault_armed(const char *point)
{
	if (!fault_read)
		read_fault();
	return fault_point[0] && !strcmp(point, fault_point);
}
