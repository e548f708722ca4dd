/*
 * fault.h: fault injection for the crash tests (tests/cli/t6100-crash.sh).
 *
 * Compiled in always; it costs one getenv() per process.  FQ_FAULT names
 * a point in the write path, optionally with the hit at which to fire:
 *
 *	FQ_FAULT=after-rename		SIGKILL at the first after-rename
 *	FQ_FAULT=after-rename@3		... at the third
 *	FQ_FAULT=enospc:write		that step fails with ENOSPC
 *
 * Points of lib/store.c: blob (a blob goes into git's object store),
 * write (the temporary file is being written; a kill there leaves half
 * of it), before-rename, after-rename, before-commit, after-commit
 * (committed, git's index not yet updated).
 */
#ifndef FQ_FAULT_H
#define FQ_FAULT_H

/*
 * At point: return 0 when no fault is set for it; raise SIGKILL when
 * FQ_FAULT names it; return -1 with errno ENOSPC when FQ_FAULT is
 * enospc:POINT.
 */
int fq_fault(const char *point);

/* Whether FQ_FAULT names point (a writer then splits a step around it;
 * otherwise it need not, e.g. one write(2) per file rather than two). */
int fq_fault_armed(const char *point);

#endif
