/*
 * loose.c: git's loose objects read without libgit2 (see loose.h).
 *
 * A loose object is the zlib stream of "<type> <size>\0<bytes>" in
 * objects/xx/yyyy... (xx the first two hex digits of its id); the id is
 * the SHA-1 of the inflated stream.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/sha1.h>
#include <zlib.h>
#ifdef FQ_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#include "fq/buf.h"
#include "loose.h"

#define HDR_MAX 32	/* "blob ", a size of at most 20 digits, NUL */
#define SIZE_DIGITS 20	/* SIZE_MAX has 20 */

struct fq_loose {
	int dfd;		/* the objects directory (no fd kept per xx/:
				   eight threads of 256 would pass 1,024) */
	struct fq_buf z;	/* the file as read */
	struct fq_buf out;	/* inflated: the header, then the blob */
#ifdef FQ_HAVE_LIBDEFLATE
	struct libdeflate_decompressor *ld;
#else
	z_stream zs;		/* reset from one object to the next */
	bool zinit;
#endif
};

int
fq_loose_open(fq_loose **out, const char *objdir, struct fq_error *err)
{
	fq_loose *l;
	int dfd;

	*out = NULL;
	if ((dfd = open(objdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return fq_error_set(err, errno == ENOENT ? FQ_ENOTFOUND :
			FQ_ERROR, "%s: %s", objdir, strerror(errno));
	if (!(l = calloc(1, sizeof(*l)))) {
		close(dfd);
		return fq_error_set(err, FQ_ERROR, "out of memory");
	}
	l->dfd = dfd;
	fq_buf_init(&l->z);
	fq_buf_init(&l->out);
#ifdef FQ_HAVE_LIBDEFLATE
	if (!(l->ld = libdeflate_alloc_decompressor())) {
		fq_loose_free(l);
		return fq_error_set(err, FQ_ERROR, "out of memory");
	}
#endif
	*out = l;
	return 0;
}

void
fq_loose_free(fq_loose *l)
{
	if (!l)
		return;
	close(l->dfd);
	fq_buf_release(&l->z);
	fq_buf_release(&l->out);
#ifdef FQ_HAVE_LIBDEFLATE
	libdeflate_free_decompressor(l->ld);
#else
	if (l->zinit)
		inflateEnd(&l->zs);
#endif
	free(l);
}

static void
hex(char out[41], const unsigned char *id)
{
	static const char d[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 20; i++) {
		out[2 * i] = d[id[i] >> 4];
		out[2 * i + 1] = d[id[i] & 15];
	}
	out[40] = '\0';
}

#ifdef FQ_HAVE_LIBDEFLATE
/* z inflated into l->out, at most limit bytes: 0, 1 too large, -1 broken. */
static int
inflate_all(fq_loose *l, const char *z, size_t zlen, size_t limit)
{
	size_t cap = zlen * 4 + 64, used = 0, got = 0;
	enum libdeflate_result r;

	for (;;) {
		if (cap > limit)
			cap = limit;
		fq_buf_reset(&l->out);
		fq_buf_grow(&l->out, cap);
		r = libdeflate_zlib_decompress_ex(l->ld, z, zlen, l->out.buf,
			cap, &used, &got);
		if (r != LIBDEFLATE_INSUFFICIENT_SPACE)
			break;
		if (cap == limit)
			return 1;
		cap *= 4;
	}
	if (r != LIBDEFLATE_SUCCESS || used != zlen)
		return -1;
	fq_buf_setlen(&l->out, got);
	return 0;
}
#else
static int
inflate_all(fq_loose *l, const char *z, size_t zlen, size_t limit)
{
	int zr;

	if (!l->zinit) {
		memset(&l->zs, 0, sizeof(l->zs));
		if (inflateInit(&l->zs) != Z_OK)
			return -1;
		l->zinit = true;
	} else if (inflateReset(&l->zs) != Z_OK)
		return -1;
	fq_buf_reset(&l->out);
	l->zs.next_in = (Bytef *)z;
	l->zs.avail_in = (uInt)zlen;
	do {
		size_t room;

		if (l->out.len >= limit)
			return 1;
		fq_buf_grow(&l->out, zlen * 4 + 64);
		room = l->out.alloc - l->out.len - 1;
		if (room > limit - l->out.len)
			room = limit - l->out.len;
		l->zs.next_out = (Bytef *)l->out.buf + l->out.len;
		l->zs.avail_out = (uInt)room;
		zr = inflate(&l->zs, Z_NO_FLUSH);
		fq_buf_setlen(&l->out, l->out.len + room - l->zs.avail_out);
		if (zr == Z_BUF_ERROR && l->zs.avail_out)
			return -1;	/* truncated */
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
			return -1;
	} while (zr != Z_STREAM_END);
	return l->zs.avail_in ? -1 : 0;
}
#endif

/* "blob <size>\0": its length, or 0 if it is not that. */
static size_t
blob_header(const char *p, size_t n, size_t *size)
{
	size_t i = 5, s = 0;

	if (n < 7 || memcmp(p, "blob ", 5) != 0)
		return 0;
	for (; i < n && i < 5 + SIZE_DIGITS && p[i] >= '0' && p[i] <= '9';
	    i++) {
		size_t d = (size_t)(p[i] - '0');

		if (s > (SIZE_MAX - d) / 10)
			return 0;	/* git refuses it too */
		s = s * 10 + d;
	}
	if (i == 5 || i >= n || p[i] != '\0' || (p[5] == '0' && i > 6))
		return 0;
	*size = s;
	return i + 1;
}

int
fq_loose_parse(fq_loose *l, const unsigned char *id, const char *z,
	size_t zlen, size_t max, const char **data, size_t *len,
	struct fq_error *err)
{
	struct sha1_ctx h;
	unsigned char sum[SHA1_DIGEST_SIZE];
	char x[41];
	size_t hlen, size;
	int r;

	hex(x, id);
	if ((r = inflate_all(l, z, zlen, max + HDR_MAX)) > 0)
		return fq_error_set(err, FQ_EPARSE, "object %s: larger than "
			"%zu bytes", x, max);
	if (r < 0)
		return fq_error_set(err, FQ_EPARSE, "object %s: truncated or "
			"damaged (zlib)", x);
	if (!(hlen = blob_header(l->out.buf, l->out.len, &size)))
		return fq_error_set(err, FQ_EPARSE, "object %s: not a blob", x);
	if (size != l->out.len - hlen)
		return fq_error_set(err, FQ_EPARSE, "object %s: %zu bytes, "
			"its header says %zu", x, l->out.len - hlen, size);
	if (size > max)
		return fq_error_set(err, FQ_EPARSE, "object %s: larger than "
			"%zu bytes", x, max);
	sha1_init(&h);
	sha1_update(&h, l->out.len, (const uint8_t *)l->out.buf);
	sha1_digest(&h, sizeof(sum), sum);
	if (memcmp(sum, id, sizeof(sum)) != 0)
		return fq_error_set(err, FQ_EPARSE, "object %s: its bytes do "
			"not match its id", x);
	*data = l->out.buf + hlen;
	*len = size;
	return 0;
}

/* The file of id into l->z: 0, FQ_ENOTFOUND, or an error. */
static int
read_file(fq_loose *l, const char *x, size_t max,
	struct fq_error *err)
{
	char path[42];
	struct stat st;
	ssize_t n;
	size_t at = 0;
	int fd, e;

	memcpy(path, x, 2);
	path[2] = '/';
	memcpy(path + 3, x + 2, 39);
	fd = openat(l->dfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fq_error_set(err, errno == ENOENT || errno == ENOTDIR ?
			FQ_ENOTFOUND : FQ_ERROR, "objects/%s: %s", path,
			strerror(errno));
	e = fstat(fd, &st) < 0 ? errno : !S_ISREG(st.st_mode) ? EINVAL : 0;
	if (e) {
		close(fd);
		return fq_error_set(err, FQ_ERROR, "objects/%s: %s", path,
			strerror(e));
	}
	/* a deflated blob of max bytes is hardly any larger */
	if ((uintmax_t)st.st_size > (uintmax_t)max + max / 64 + 1024) {
		close(fd);
		return fq_error_set(err, FQ_EPARSE, "object %s: larger than "
			"%zu bytes", x, max);
	}
	fq_buf_reset(&l->z);
	fq_buf_grow(&l->z, (size_t)st.st_size);
	while (at < (size_t)st.st_size) {
		n = read(fd, l->z.buf + at, (size_t)st.st_size - at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e = n < 0 ? errno : EIO;
			close(fd);
			return fq_error_set(err, FQ_ERROR, "objects/%s: %s",
				path, strerror(e));
		}
		at += (size_t)n;
	}
	close(fd);
	fq_buf_setlen(&l->z, at);
	return 0;
}

int
fq_loose_blob(fq_loose *l, const unsigned char *id, size_t max,
	const char **data, size_t *len, struct fq_error *err)
{
	char x[41];
	int ret;

	hex(x, id);
	if ((ret = read_file(l, x, max, err)) != 0)
		return ret;
	return fq_loose_parse(l, id, l->z.buf, l->z.len, max, data, len, err);
}
