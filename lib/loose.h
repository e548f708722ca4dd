/*
 * loose.h: git's loose objects read without libgit2, for a cold index
 * build (index.c's only, and the unit tests').
 *
 * libgit2 reads a loose blob with nine system calls on its full path
 * (access, open, read and close for the header, then again with a stat
 * for the object) and inflates it twice, with a new zlib stream each
 * time: at 2,000 cases a township, a county's 600,000 blobs cost more in
 * there than in parsing them.  Here a blob is one open(2) relative to the
 * objects directory, an fstat(2), a read(2) and a close(2), inflated once
 * (libdeflate where there is one, else a zlib stream kept from one blob
 * to the next) and its SHA-1 checked, as libgit2 checks it.
 *
 * Anything but a well-formed loose blob of its id is an error with the
 * reason; FQ_ENOTFOUND when there is no loose file (a packed object, or
 * one in an alternate): the caller then asks libgit2, which also says
 * what it makes of a damaged file, so that what is read is what libgit2
 * would read.
 */
#ifndef FQ_LOOSE_H
#define FQ_LOOSE_H

#include <stddef.h>

#include "fq/error.h"

typedef struct fq_loose fq_loose;

/* A reader of the loose objects under objdir (one thread's: not shared). */
int fq_loose_open(fq_loose **out, const char *objdir, struct fq_error *err);
void fq_loose_free(fq_loose *l);

/*
 * The blob of id (20 bytes) at *data, *len bytes (valid up to the next
 * call): 0; FQ_ENOTFOUND without a loose file; FQ_EPARSE for a file that
 * is not a blob of that id (truncated, damaged, another type, a wrong
 * size or checksum) or one larger than max bytes.
 */
int fq_loose_blob(fq_loose *l, const unsigned char *id, size_t max,
	const char **data, size_t *len, struct fq_error *err);

/* The same for the bytes of a loose file, z[0..zlen), read already. */
int fq_loose_parse(fq_loose *l, const unsigned char *id, const char *z,
	size_t zlen, size_t max, const char **data, size_t *len,
	struct fq_error *err);

#endif
