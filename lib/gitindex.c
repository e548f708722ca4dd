/*
 * gitindex.c: git's index updated by splicing (see gitindex.h).
 *
 * The format is git's Documentation/gitformat-index.txt: a header
 * ("DIRC", version, entry count), the entries sorted by path, optional
 * extensions, and the SHA-1 of all that.  An update copies the old file
 * as it is, except
 *
 *	- the header, when the count changes;
 *	- the entries of the changed paths, new from the blob id and the
 *	  stat data of the file just written (so git sees them clean);
 *	- in version 4, the entry after each change, whose path is stored
 *	  as a prefix of the one before;
 *	- entries git would wrongly trust once the index is newer than them
 *	  ("racily clean": same second as the old index, content changed
 *	  since): their size is set to 0, as git does, so they are re-read;
 *	- the cache tree (TREE): the trees along the changed paths are
 *	  marked invalid, as git does, the others stay;
 *	- optional extensions that point at entries by position or offset
 *	  (UNTR, FSMN, EOIE, IEOT and any unknown): dropped, which git
 *	  allows; REUC and NAME are by path and stay.
 *
 * The old file is trusted only when its checksum is right, or when it
 * is, by inode, size, times and checksum, the very file this code wrote
 * last (the cache file says so).  The cache keeps the SHA-1 state at
 * every 64 KiB of that file, so an update hashes from the checkpoint
 * before its first change onwards rather than all 10 MB (an update that
 * adds an entry changes the count in the header, and hashes it all, on
 * a thread of its own while the commit is made).  Beside it, the entry
 * checkpoints (<cache>.steps): where each step of about 64 KiB of
 * entries starts, its first path and the one before it (version 4
 * encodes a path against the one before), its largest mtime.  A step
 * that no change can touch (no changed path in it, no file where an
 * added path needs a directory nor the reverse, no entry as new as the
 * index, which may be racily clean) is copied without being read, its
 * first entry re-encoded when what precedes it changed; the walk reads
 * the others, and a checkpoint that does not describe the file has it
 * read whole, as without them.  The new file's checkpoints are those of
 * the steps copied, and new ones every 64 KiB of the entries read.
 * The SHA-1 blocks are nettle's (SHA-NI where the processor has it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <nettle/sha1.h>

#include "fq/buf.h"
#include "gitindex.h"
#include "internal.h"

#define SUM_STEP	(64 * 1024)	/* bytes between cached SHA-1 states */
/* more racy entries: libgit2 (a bulk commit of n changes may check as
 * many more: it writes n files anyway) */
#define MAX_RACY	32
#define MAX_TREE_DEPTH	256
#define MAX_INDEX	(1u << 30)
#define HDR		12
#define ENTRY_FIXED	62		/* stat data, id, flags */
#define F_VALID		0x8000
#define F_EXTENDED	0x4000
#define F_STAGE		0x3000
#define F_NAMEMASK	0x0FFF

/* SHA-1 over a stream, with the state recorded every SUM_STEP bytes. */
struct sha {
	uint32_t h[5];
	uint64_t len;
	unsigned char block[64];
	size_t used;
};

struct chunk {
	const unsigned char *p;	/* in the old file, or NULL: in side */
	size_t off, len;	/* off: into side */
};

struct change {
	const char *path;
	size_t len;
	const unsigned char *id;
	struct fq_gitindex_stat st;
};

/*
 * An entry checkpoint: where a step of about SEG_STEP bytes of entries
 * starts (its first entry's number and offset, its path and the path of
 * the entry before it, which version 4 encodes it against) and the
 * largest mtime in it.  A step that no change, no clash and no racily
 * clean entry can touch is copied without being read.
 */
struct seg {
	uint32_t entry, off, mtime;
	const char *first, *prev;
	size_t first_len, prev_len;
};

/* As in the cache file, the paths after all of them. */
struct cache_seg {
	uint32_t entry, off, mtime, first_len, prev_len, pad;
};

/* A path a step must not hold to be copied unread (see seg_touched). */
struct key {
	char *s;
	size_t len;
};

struct fq_gitindex {
	char *index_path, *lock_path, *cache_path, *owner_path;
	char *keep_path;	/* a second name for the old index, or NULL */
	int lock_fd;
	bool locked, ready, written;
	const char *refuse;	/* why libgit2 would fail too, or NULL */
	unsigned char *map;	/* the old index */
	size_t size;
	struct stat st;
	uint32_t version, count;
	struct change *ch;
	size_t n;
	struct chunk *v;
	size_t nv, alloc;
	struct fq_buf side;
	uint32_t (*sums)[5];	/* of the old file, nsums valid */
	size_t nsums;
	bool verify;		/* the old file's checksum still to check */
	uint32_t (*out_sums)[5];	/* of the new file, and its trailer */
	size_t out_nsums;
	unsigned char trailer[20];
	pthread_t hasher;	/* computing them, when hashing */
	bool hashing;
	size_t hash_from;
	pthread_t writer;	/* writing the chunks to index.lock */
	bool early;		/* may, before fq_gitindex_write() */
	bool writing;
	int write_errno;	/* its result: 0 or an errno */
	size_t out_len;		/* of the chunks so far */
	struct fq_buf cache_buf;	/* the cache file read (segs' paths) */
	struct seg *segs;	/* of the old file, when trusted */
	size_t nseg;
	struct key *keys;	/* sorted */
	size_t nkeys;
	struct cache_seg *oseg;	/* of the new file */
	size_t onseg, oseg_alloc;
	struct fq_buf opaths;
	size_t seg_step;	/* bytes of entries between checkpoints */
	bool full_walk;		/* (tests) never copy a step unread */
	size_t skipped;		/* steps copied unread */
};

static const uint32_t sha_iv[5] = { 0x67452301, 0xEFCDAB89, 0x98BADCFE,
	0x10325476, 0xC3D2E1F0 };

static void
sha_start(struct sha *c, const uint32_t h[5], uint64_t len)
{
	memcpy(c->h, h, sizeof(c->h));
	c->len = len;
	c->used = 0;
}

static void
sha_add(struct sha *c, const unsigned char *p, size_t n)
{
	c->len += n;
	if (c->used) {
		size_t k = 64 - c->used < n ? 64 - c->used : n;

		memcpy(c->block + c->used, p, k);
		c->used += k;
		p += k;
		n -= k;
		if (c->used < 64)
			return;
		nettle_sha1_compress(c->h, c->block);
		c->used = 0;
	}
	for (; n >= 64; p += 64, n -= 64)
		nettle_sha1_compress(c->h, p);
	memcpy(c->block, p, n);
	c->used = n;
}

static void
sha_end(struct sha *c, unsigned char out[20])
{
	uint64_t bits = c->len * 8;
	int i;

	c->block[c->used++] = 0x80;
	if (c->used > 56) {
		memset(c->block + c->used, 0, 64 - c->used);
		nettle_sha1_compress(c->h, c->block);
		c->used = 0;
	}
	memset(c->block + c->used, 0, 56 - c->used);
	for (i = 0; i < 8; i++)
		c->block[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	nettle_sha1_compress(c->h, c->block);
	for (i = 0; i < 5; i++) {
		out[4 * i] = (unsigned char)(c->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->h[i];
	}
}

/* Hash p[0..n) at stream offset *off, recording the states at steps. */
static void
sha_add_sums(struct sha *c, const unsigned char *p, size_t n, size_t *off,
	uint32_t (*sums)[5])
{
	while (n) {
		size_t m = SUM_STEP - *off % SUM_STEP;

		if (m > n)
			m = n;
		sha_add(c, p, m);
		p += m;
		n -= m;
		*off += m;
		if (*off % SUM_STEP == 0)
			memcpy(sums[*off / SUM_STEP], c->h, sizeof(c->h));
	}
}

static unsigned
be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* Index order: bytes, then the shorter first. */
static int
name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/* dir/ is a leading directory of path */
static bool
is_dir_of(const char *dir, size_t dlen, const char *path, size_t plen)
{
	return dlen < plen && path[dlen] == '/' && !memcmp(dir, path, dlen);
}

static int
cmp_change(const void *a, const void *b)
{
	const struct change *x = a, *y = b;

	return name_cmp(x->path, x->len, y->path, y->len);
}

/*
 * Locking.
 */
static void
sleep_ms(int ms)
{
	struct timespec ts = { 0, (long)ms * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * What tells one index.lock from another: the file, and when it was made.
 * Its birth time where the file system keeps one (ext4, XFS, btrfs,
 * tmpfs): it stays as the body is written into the lock on a thread while
 * the commit is made (write_start), so a writer killed then still leaves
 * a lock the next one knows for its own.  Else the change time, which a
 * write moves: the body then waits for fq_gitindex_write().  An owner
 * file of either kind is recognized.
 */
static void
lock_id(char *out, size_t size, const struct stat *st)
{
	snprintf(out, size, "%llu %llu %lld.%09ld\n",
		(unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
		(long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
}

static bool
lock_id_born(char *out, size_t size, int fd, const char *path)
{
	struct statx sx;

	if (statx(fd >= 0 ? fd : AT_FDCWD, fd >= 0 ? "" : path,
	    fd >= 0 ? AT_EMPTY_PATH : AT_SYMLINK_NOFOLLOW,
	    STATX_INO | STATX_BTIME, &sx) < 0 || !(sx.stx_mask & STATX_BTIME))
		return false;
	snprintf(out, size, "%llu %llu %lld.%09u born\n",
		(unsigned long long)makedev(sx.stx_dev_major,
		sx.stx_dev_minor), (unsigned long long)sx.stx_ino,
		(long long)sx.stx_btime.tv_sec, sx.stx_btime.tv_nsec);
	return true;
}

/*
 * index.lock is this code's own, left by a writer that died holding it
 * (the owner file names it, and the caller holds fq's lock, so that
 * writer is gone): no git command is using it.
 */
static bool
lock_is_stale(const fq_gitindex *gi)
{
	struct fq_buf b = FQ_BUF_INIT;
	struct stat st;
	char id[128];
	bool stale = false;

	if (gi->owner_path && lstat(gi->lock_path, &st) == 0 &&
	    fq_buf_read_file(&b, gi->owner_path, 4096) == 0) {
		lock_id(id, sizeof(id), &st);
		stale = !strcmp(b.buf, id);
		if (!stale && lock_id_born(id, sizeof(id), -1, gi->lock_path))
			stale = !strcmp(b.buf, id);
	}
	fq_buf_release(&b);
	return stale;
}

static void
lock_own(fq_gitindex *gi)
{
	struct stat st;
	char id[128];
	bool born;
	int fd;

	if (!gi->owner_path)
		return;
	if (!(born = lock_id_born(id, sizeof(id), gi->lock_fd, NULL))) {
		if (fstat(gi->lock_fd, &st) < 0)
			return;
		lock_id(id, sizeof(id), &st);
	}
	fd = open(gi->owner_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (write(fd, id, strlen(id)) == (ssize_t)strlen(id))
		gi->early = born;
	else
		unlink(gi->owner_path);
	close(fd);
}

int
fq_gitindex_lock(fq_gitindex **out, const char *gitdir, const char *owner,
	int wait_ms, struct fq_error *err)
{
	fq_gitindex *gi = fq_xcalloc(1, sizeof(*gi));
	struct fq_buf b = FQ_BUF_INIT;
	size_t n = strlen(gitdir);
	bool looked = false;
	int waited = 0;

	*out = NULL;
	while (n > 1 && gitdir[n - 1] == '/')
		n--;
	fq_buf_addf(&b, "%.*s/index", (int)n, gitdir);
	gi->index_path = fq_buf_detach(&b, NULL);
	fq_buf_addf(&b, "%s.lock", gi->index_path);
	gi->lock_path = fq_buf_detach(&b, NULL);
	gi->owner_path = owner ? fq_xstrdup(owner) : NULL;
	fq_buf_init(&gi->side);
	fq_buf_init(&gi->cache_buf);
	fq_buf_init(&gi->opaths);
	gi->seg_step = SUM_STEP;
	gi->lock_fd = -1;
	for (;;) {
		gi->lock_fd = open(gi->lock_path, O_WRONLY | O_CREAT | O_EXCL |
			O_CLOEXEC | O_NOFOLLOW, 0600);
		if (gi->lock_fd >= 0)
			break;
		if (errno == EEXIST && !looked) {
			looked = true;
			if (lock_is_stale(gi) && unlink(gi->lock_path) == 0)
				continue;
			errno = EEXIST;
		}
		if (errno != EEXIST || waited >= wait_ms) {
			int e = errno;

			fq_gitindex_free(gi);
			if (e == EEXIST)
				return fq_error_set(err, FQ_ELOCKED, "git's "
					"index is locked: another git command "
					"is running, or one was interrupted "
					"('fq check --repair' removes a stale "
					".git/index.lock)");
			return fq_error_set(err, FQ_ERROR, "cannot create "
				"'.git/index.lock': %s", strerror(e));
		}
		sleep_ms(10);
		waited += 10;
	}
	gi->locked = true;
	lock_own(gi);
	*out = gi;
	return FQ_OK;
}

static void hash_wait(fq_gitindex *gi);
static int write_wait(fq_gitindex *gi);

static void
keys_free(fq_gitindex *gi)
{
	size_t i;

	for (i = 0; i < gi->nkeys; i++)
		free(gi->keys[i].s);
	free(gi->keys);
	gi->keys = NULL;
	gi->nkeys = 0;
}

void
fq_gitindex_free(fq_gitindex *gi)
{
	if (!gi)
		return;
	(void)write_wait(gi);
	hash_wait(gi);
	if (gi->lock_fd >= 0) {
		close(gi->lock_fd);
		if (!gi->written)
			unlink(gi->lock_path);
	}
	if (gi->locked && gi->owner_path)
		unlink(gi->owner_path);
	if (gi->map)
		munmap(gi->map, gi->size);
	free(gi->index_path);
	free(gi->lock_path);
	free(gi->cache_path);
	free(gi->owner_path);
	free(gi->keep_path);
	free(gi->ch);
	free(gi->v);
	free(gi->sums);
	free(gi->out_sums);
	fq_buf_release(&gi->side);
	fq_buf_release(&gi->cache_buf);
	free(gi->segs);
	keys_free(gi);
	free(gi->oseg);
	fq_buf_release(&gi->opaths);
	free(gi);
}

/*
 * The output: chunks of the old file and of the side buffer.
 */
static void
emit_old(fq_gitindex *gi, const unsigned char *p, size_t len)
{
	struct chunk *last = gi->nv ? &gi->v[gi->nv - 1] : NULL;

	gi->out_len += len;
	if (last && last->p && last->p + last->len == p) {
		last->len += len;
		return;
	}
	FQ_ALLOC_GROW(gi->v, gi->nv + 1, gi->alloc);
	gi->v[gi->nv].p = p;
	gi->v[gi->nv].off = 0;
	gi->v[gi->nv++].len = len;
}

/* Open a side chunk of len bytes; returns where to write them. */
static unsigned char *
emit_new(fq_gitindex *gi, size_t len)
{
	struct chunk *last = gi->nv ? &gi->v[gi->nv - 1] : NULL;
	size_t at = gi->side.len;

	gi->out_len += len;
	fq_buf_grow(&gi->side, len);
	fq_buf_setlen(&gi->side, at + len);
	memset(gi->side.buf + at, 0, len);
	if (last && !last->p && last->off + last->len == at) {
		last->len += len;
	} else {
		FQ_ALLOC_GROW(gi->v, gi->nv + 1, gi->alloc);
		gi->v[gi->nv].p = NULL;
		gi->v[gi->nv].off = at;
		gi->v[gi->nv++].len = len;
	}
	return (unsigned char *)gi->side.buf + at;
}

static const unsigned char *
chunk_bytes(const fq_gitindex *gi, const struct chunk *c)
{
	return c->p ? c->p : (const unsigned char *)gi->side.buf + c->off;
}

/* git's varint (gitformat-index: "offset" encoding) */
static size_t
varint_put(unsigned char *out, size_t value)
{
	unsigned char tmp[16];
	size_t pos = sizeof(tmp) - 1, n;

	tmp[pos] = value & 127;
	while (value >>= 7)
		tmp[--pos] = (unsigned char)(128 | (--value & 127));
	n = sizeof(tmp) - pos;
	memcpy(out, tmp + pos, n);
	return n;
}

static bool
varint_get(const unsigned char **pp, const unsigned char *end, size_t *out)
{
	const unsigned char *p = *pp;
	size_t v;
	unsigned char c;

	if (p >= end)
		return false;
	c = *p++;
	v = c & 127;
	while (c & 128) {
		if (p >= end || v > (SIZE_MAX >> 8))
			return false;
		v += 1;
		c = *p++;
		v = (v << 7) + (c & 127);
	}
	*pp = p;
	*out = v;
	return true;
}

/*
 * Emit one entry: fixed (62 or 64 bytes, copied) and its path, encoded
 * for the version against prev (version 4).
 */
static unsigned char *
emit_entry(fq_gitindex *gi, const unsigned char *fixed, size_t flen,
	const char *name, size_t len, const struct fq_buf *prev)
{
	unsigned char *e;

	if (gi->version < 4) {
		size_t size = (flen + len + 8) & ~(size_t)7;

		e = emit_new(gi, size);
		memcpy(e, fixed, flen);
		memcpy(e + flen, name, len);
	} else {
		size_t common = 0, strip, k;
		unsigned char vi[16];

		while (common < prev->len && common < len &&
		    prev->buf[common] == name[common])
			common++;
		strip = prev->len - common;
		k = varint_put(vi, strip);
		e = emit_new(gi, flen + k + (len - common) + 1);
		memcpy(e, fixed, flen);
		memcpy(e + flen, vi, k);
		memcpy(e + flen + k, name + common, len - common);
	}
	return e;
}

/* The fixed part of a new stage-0 entry for a file just written. */
static void
fixed_for(unsigned char out[ENTRY_FIXED], const struct change *c)
{
	fq_put_be32(out, c->st.ctime_s);
	fq_put_be32(out + 4, c->st.ctime_ns);
	fq_put_be32(out + 8, c->st.mtime_s);
	fq_put_be32(out + 12, c->st.mtime_ns);
	fq_put_be32(out + 16, c->st.dev);
	fq_put_be32(out + 20, c->st.ino);
	fq_put_be32(out + 24, 0100644);
	fq_put_be32(out + 28, c->st.uid);
	fq_put_be32(out + 32, c->st.gid);
	fq_put_be32(out + 36, c->st.size);
	memcpy(out + 40, c->id, 20);
	out[60] = (unsigned char)((c->len < F_NAMEMASK ? c->len :
		F_NAMEMASK) >> 8);
	out[61] = (unsigned char)(c->len < F_NAMEMASK ? c->len : F_NAMEMASK);
}

/*
 * Racily clean: an entry as new as the old index may hide a change made
 * in the same second.  Once the index is rewritten it would be trusted,
 * so, like git, set its size to 0 when the file's stat data still
 * matches the entry (as git compares it: seconds) but its content does
 * not.  -1: cannot tell (not a plain file, too large), leave the index
 * to libgit2.
 */
static int
needs_smudge(const char *workdir, const unsigned char *e, const char *name,
	size_t len)
{
	struct fq_buf path = FQ_BUF_INIT, data = FQ_BUF_INIT, hdr = FQ_BUF_INIT;
	struct sha c;
	unsigned char id[20];
	struct stat st;
	int ret = 0;

	fq_buf_addf(&path, "%s/%.*s", workdir, (int)len, name);
	/* what git compares even with core.checkStat=minimal */
	if (lstat(path.buf, &st) < 0 || (S_ISREG(st.st_mode) &&
	    ((uint32_t)st.st_mtim.tv_sec != fq_get_be32(e + 8) ||
	    (uint32_t)st.st_size != fq_get_be32(e + 36))))
		goto out;	/* git sees the difference itself */
	if (!S_ISREG(st.st_mode) || st.st_size > (1 << 24) ||
	    fq_buf_read_file(&data, path.buf, 1 << 24) < 0 ||
	    data.len != (size_t)st.st_size) {
		ret = -1;
		goto out;
	}
	fq_buf_addf(&hdr, "blob %zu", data.len);
	sha_start(&c, sha_iv, 0);
	sha_add(&c, (const unsigned char *)hdr.buf, hdr.len + 1);
	sha_add(&c, (const unsigned char *)data.buf, data.len);
	sha_end(&c, id);
	ret = memcmp(id, e + 40, 20) != 0;
out:
	fq_buf_release(&path);
	fq_buf_release(&data);
	fq_buf_release(&hdr);
	return ret;
}

/*
 * The cache tree: copy it, each tree along a changed path made invalid
 * (entry count -1, no id).  false: malformed, drop it.
 */

/* The first change at or after "dir/" in the sorted changes. */
static size_t
first_under(const fq_gitindex *gi, const char *dir, size_t dlen)
{
	size_t lo = 0, hi = gi->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct change *c = &gi->ch[mid];
		int k = memcmp(c->path, dir, c->len < dlen ? c->len : dlen);

		if (!k)
			k = c->len < dlen ? -1 : c->len == dlen ? -1 :
				(unsigned char)c->path[dlen] < '/' ? -1 : 1;
		if (k < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A change under dir/ (with an id: one that adds a file, if added). */
static bool
change_under(const fq_gitindex *gi, const char *dir, size_t dlen, bool added)
{
	size_t j;

	for (j = first_under(gi, dir, dlen); j < gi->n &&
	    is_dir_of(dir, dlen, gi->ch[j].path, gi->ch[j].len); j++)
		if (!added || gi->ch[j].id)
			return true;
	return false;
}

/* A change that adds a file at path[0..len) exactly. */
static bool
change_adds(const fq_gitindex *gi, const char *path, size_t len)
{
	size_t lo = 0, hi = gi->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int k = name_cmp(gi->ch[mid].path, gi->ch[mid].len, path, len);

		if (!k)
			return gi->ch[mid].id != NULL;
		if (k < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool
touched(const fq_gitindex *gi, const char *dir, size_t dlen)
{
	return !dlen ? gi->n > 0 : change_under(gi, dir, dlen, false);
}

/* The old entry name would be a file where a change adds a directory,
 * or a directory where one adds a file. */
static bool
file_directory(const fq_gitindex *gi, const char *name, size_t len)
{
	size_t k;

	if (change_under(gi, name, len, true))
		return true;
	for (k = 1; k < len; k++)
		if (name[k] == '/' && change_adds(gi, name, k))
			return true;
	return false;
}

static bool
tree_node(fq_gitindex *gi, const unsigned char **pp, const unsigned char *end,
	struct fq_buf *dir, int depth, struct fq_buf *out)
{
	const unsigned char *p = *pp, *nul;
	long count = 0, subs = 0;
	bool neg = false;
	size_t keep = dir->len, i;

	if (depth > MAX_TREE_DEPTH || !(nul = memchr(p, 0, (size_t)(end - p))))
		return false;
	if (depth > 0) {
		if (dir->len)
			fq_buf_addch(dir, '/');
		fq_buf_add(dir, p, (size_t)(nul - p));
	}
	fq_buf_add(out, p, (size_t)(nul - p) + 1);
	p = nul + 1;
	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	if (p >= end || *p < '0' || *p > '9')
		return false;
	for (; p < end && *p >= '0' && *p <= '9'; p++)
		if ((count = count * 10 + (*p - '0')) > (1L << 31))
			return false;
	if (p >= end || *p++ != ' ' || p >= end || *p < '0' || *p > '9')
		return false;
	for (; p < end && *p >= '0' && *p <= '9'; p++)
		if ((subs = subs * 10 + (*p - '0')) > (1L << 31))
			return false;
	if (p >= end || *p++ != '\n')
		return false;
	if (neg)
		count = -count;
	if (count >= 0 && end - p < 20)
		return false;
	if (count < 0 || touched(gi, dir->buf, dir->len)) {
		fq_buf_addf(out, "-1 %ld\n", subs);
	} else {
		fq_buf_addf(out, "%ld %ld\n", count, subs);
		fq_buf_add(out, p, 20);
	}
	if (count >= 0)
		p += 20;
	for (i = 0; i < (size_t)subs; i++)
		if (!tree_node(gi, &p, end, dir, depth + 1, out))
			return false;
	fq_buf_setlen(dir, keep);
	*pp = p;
	return true;
}

static void
emit_tree(fq_gitindex *gi, const unsigned char *data, size_t len)
{
	struct fq_buf dir = FQ_BUF_INIT, out = FQ_BUF_INIT;
	const unsigned char *p = data, *end = data + len;
	unsigned char *e;

	while (p < end)
		if (!tree_node(gi, &p, end, &dir, 0, &out))
			goto out;
	e = emit_new(gi, 8 + out.len);
	memcpy(e, "TREE", 4);
	fq_put_be32(e + 4, (uint32_t)out.len);
	memcpy(e + 8, out.buf, out.len);
out:
	fq_buf_release(&dir);
	fq_buf_release(&out);
}

/*
 * Reading the old index.
 */

/*
 * The cache file: the identity of the index this code wrote last, and
 * its SHA-1 states.  Beside it, <cache>.steps: the same identity and the
 * entry checkpoints (struct cache_seg, then their paths, first and prev
 * of each).  Each ends with the SHA-1 of the rest.  Host byte order:
 * they never leave this machine.
 */
struct cache_head {
	char magic[8];
	uint64_t dev, ino, size, mtime_s, mtime_ns, ctime_s, ctime_ns;
	uint64_t step, nsums;
	unsigned char trailer[20];
	unsigned char pad[4];
};

static const char cache_magic[8] = "fqgidx1";
static const char steps_magic[8] = "fqgstp1";

static void
cache_id(struct cache_head *h, const struct stat *st)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, cache_magic, sizeof(h->magic));
	h->dev = (uint64_t)st->st_dev;
	h->ino = (uint64_t)st->st_ino;
	h->size = (uint64_t)st->st_size;
	h->mtime_s = (uint64_t)st->st_mtim.tv_sec;
	h->mtime_ns = (uint64_t)st->st_mtim.tv_nsec;
	h->ctime_s = (uint64_t)st->st_ctim.tv_sec;
	h->ctime_ns = (uint64_t)st->st_ctim.tv_nsec;
	h->step = SUM_STEP;
}

/* The head of the old index's cache file, as it must be. */
static void
cache_mine(const fq_gitindex *gi, struct cache_head *h, const char *magic,
	uint64_t n)
{
	cache_id(h, &gi->st);
	memcpy(h->magic, magic, sizeof(h->magic));
	h->nsums = n;
	memcpy(h->trailer, gi->map + gi->size - 20, 20);
}

/* Read path into b: a head like want (nsums aside: *n), then data, then
 * the SHA-1 of both.  false: missing, torn, or another file's. */
static bool
cache_read(struct fq_buf *b, const char *path, const struct cache_head *want,
	uint64_t *n)
{
	struct cache_head h;
	struct sha c;
	unsigned char sum[20];

	if (fq_buf_read_file(b, path, 1 << 24) < 0 ||
	    b->len < sizeof(h) + 20)
		return false;
	sha_start(&c, sha_iv, 0);
	sha_add(&c, (const unsigned char *)b->buf, b->len - 20);
	sha_end(&c, sum);
	if (memcmp(sum, b->buf + b->len - 20, 20))
		return false;
	memcpy(&h, b->buf, sizeof(h));
	*n = h.nsums;
	h.nsums = want->nsums;
	return !memcmp(&h, want, sizeof(h));
}

/*
 * The checkpoints of the old index from <cache>.steps: each after the
 * one before, inside the entries, the first at the first entry.  None
 * (the walk reads every entry, as without a cache) when anything is off.
 */
static void
steps_load(fq_gitindex *gi)
{
	struct fq_buf *b = &gi->cache_buf;
	struct fq_buf path = FQ_BUF_INIT;
	struct cache_head want;
	const struct cache_seg *cs;
	const char *p, *end;
	uint64_t nseg;
	size_t i;

	cache_mine(gi, &want, steps_magic, 0);
	fq_buf_addf(&path, "%s.steps", gi->cache_path);
	if (!cache_read(b, path.buf, &want, &nseg))
		goto out;
	p = b->buf + sizeof(want);
	end = b->buf + b->len - 20;
	cs = (const void *)p;
	if (!nseg || nseg > gi->count || (size_t)(end - p) / sizeof(*cs) < nseg)
		goto out;
	p += nseg * sizeof(*cs);
	gi->segs = fq_xcalloc(nseg, sizeof(*gi->segs));
	for (i = 0; i < nseg; i++) {
		struct seg *g = &gi->segs[i];
		struct cache_seg c;

		memcpy(&c, &cs[i], sizeof(c));
		if ((size_t)(end - p) < (size_t)c.first_len + c.prev_len ||
		    c.entry >= gi->count || c.off >= gi->size - 20 ||
		    (i ? c.entry <= g[-1].entry || c.off <= g[-1].off :
		    c.entry || c.off != HDR || c.prev_len) || !c.first_len)
			goto bad;
		g->entry = c.entry;
		g->off = c.off;
		g->mtime = c.mtime;
		g->first = p;
		g->first_len = c.first_len;
		p += c.first_len;
		g->prev = p;
		g->prev_len = c.prev_len;
		p += c.prev_len;
	}
	if (p != end)
		goto bad;
	gi->nseg = (size_t)nseg;
	goto out;
bad:
	free(gi->segs);
	gi->segs = NULL;
out:
	fq_buf_release(&path);
}

/* The sums of the old index from the cache, when it describes it. */
static bool
cache_load(fq_gitindex *gi, size_t want)
{
	struct fq_buf b = FQ_BUF_INIT;
	struct cache_head mine;
	uint64_t n;
	bool ok = false;

	cache_mine(gi, &mine, cache_magic, want);
	if (!cache_read(&b, gi->cache_path, &mine, &n) || n != want ||
	    b.len != sizeof(mine) + want * sizeof(*gi->sums) + 20)
		goto out;
	memcpy(gi->sums, b.buf + sizeof(mine), want * sizeof(*gi->sums));
	gi->nsums = want;
	ok = true;
	if (!gi->full_walk)
		steps_load(gi);
out:
	fq_buf_release(&b);
	return ok;
}

/*
 * Written in place, not renamed over the old one: on ext4 a rename over
 * a file flushes the new one and frees the old one's blocks (with the
 * discard mount option, synchronously), milliseconds for a few KiB.  A
 * file torn by a crash fails its own checksum, and the next update
 * checks the index (or reads every entry) instead of trusting it; only
 * writers holding fq's lock and index.lock read or write them.
 */
static void
cache_write(const char *path, struct fq_buf *b)
{
	struct sha c;
	unsigned char sum[20];
	int fd;

	sha_start(&c, sha_iv, 0);
	sha_add(&c, (const unsigned char *)b->buf, b->len);
	sha_end(&c, sum);
	fq_buf_add(b, sum, 20);
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (pwrite(fd, b->buf, b->len, 0) != (ssize_t)b->len ||
	    ftruncate(fd, (off_t)b->len) < 0) {
		/* whatever is there now fails its checksum, or is gone */
		if (ftruncate(fd, 0) < 0)
			unlink(path);
	}
	close(fd);
}

static void
cache_save(const fq_gitindex *gi, const uint32_t (*sums)[5], size_t nsums,
	const unsigned char trailer[20])
{
	struct fq_buf b = FQ_BUF_INIT, path = FQ_BUF_INIT;
	struct cache_head h;
	struct stat st;

	/* no unlink first: an old cache names an index that is gone */
	if (stat(gi->index_path, &st) < 0)
		return;
	cache_id(&h, &st);
	h.nsums = nsums;
	memcpy(h.trailer, trailer, 20);
	fq_buf_add(&b, &h, sizeof(h));
	fq_buf_add(&b, sums, nsums * sizeof(*sums));
	cache_write(gi->cache_path, &b);
	fq_buf_reset(&b);
	memcpy(h.magic, steps_magic, sizeof(h.magic));
	h.nsums = gi->onseg;
	fq_buf_add(&b, &h, sizeof(h));
	fq_buf_add(&b, gi->oseg, gi->onseg * sizeof(*gi->oseg));
	fq_buf_add(&b, gi->opaths.buf, gi->opaths.len);
	fq_buf_addf(&path, "%s.steps", gi->cache_path);
	cache_write(path.buf, &b);
	fq_buf_release(&path);
	fq_buf_release(&b);
}

/*
 * Whether the old file's checksum is right (its sums on the way): a
 * thread of its own, beside the hashing of the new file.  It reads the
 * map and writes the sums, which nothing else touches until it is done.
 */
struct verify_job {
	const unsigned char *map;
	size_t size;
	uint32_t (*sums)[5];
	bool ok;
};

static void *
verify_run(void *arg)
{
	struct verify_job *j = arg;
	struct sha c;
	unsigned char sum[20];
	size_t off = 0;

	memcpy(j->sums[0], sha_iv, sizeof(sha_iv));
	sha_start(&c, sha_iv, 0);
	sha_add_sums(&c, j->map, j->size - 20, &off, j->sums);
	sha_end(&c, sum);
	j->ok = !memcmp(sum, j->map + j->size - 20, 20);
	return NULL;
}

static bool
read_index(fq_gitindex *gi)
{
	int fd = open(gi->index_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t nsums;
	void *m;

	if (fd < 0)
		return false;
	if (fstat(fd, &gi->st) < 0 || !S_ISREG(gi->st.st_mode) ||
	    gi->st.st_size > MAX_INDEX) {
		close(fd);
		return false;
	}
	if (gi->st.st_size < HDR + 20) {
		close(fd);
		if (gi->st.st_size > 0)
			gi->refuse = "it is too short";
		return false;
	}
	gi->size = (size_t)gi->st.st_size;
	/* every page is read (the walk): map them all at once */
	m = mmap(NULL, gi->size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return false;
	gi->map = m;
	gi->version = fq_get_be32(gi->map + 4);
	gi->count = fq_get_be32(gi->map + 8);
	if (memcmp(gi->map, "DIRC", 4) || gi->version < 2 ||
	    gi->version > 4) {
		gi->refuse = "it is not an index of version 2, 3 or 4";
		return false;
	}
	nsums = (gi->size - 20) / SUM_STEP + 1;
	gi->sums = fq_xcalloc(nsums, sizeof(*gi->sums));
	if (!gi->cache_path || !cache_load(gi, nsums)) {
		gi->verify = true;
		gi->nsums = nsums;
	}
	return true;
}

static bool seal(fq_gitindex *gi);
static void write_start(fq_gitindex *gi);

/*
 * Planning: one pass over the entries, merged with the sorted changes.
 */
struct walk {
	const unsigned char *p, *end;
	struct fq_buf name, prev;	/* version 4: the paths */
	struct fq_buf out_prev;		/* the last path written, */
	bool same_prev;			/* unless it is prev's */
	bool unnamed;			/* a split index's entries */
	size_t nracy;
	const char *last;		/* versions 2, 3: the last path */
	size_t last_len;		/* written (stays where it is), */
	const char *last_old;		/* the last old entry's */
	size_t last_old_len;
	bool seg_closed;		/* the next entry starts a step */
};

/* Parse the entry at w->p: its fixed part length, its path, its size. */
static bool
parse_entry(fq_gitindex *gi, struct walk *w, size_t *flen, const char **name,
	size_t *len, size_t *size)
{
	const unsigned char *e = w->p, *q, *nul;
	unsigned flags;
	size_t strip;

	if ((size_t)(w->end - e) < ENTRY_FIXED + 2)
		return false;
	flags = be16(e + 60);
	*flen = ENTRY_FIXED;
	if (flags & F_EXTENDED) {
		if (gi->version < 3)
			return false;
		*flen += 2;
	}
	q = e + *flen;
	if (gi->version < 4) {
		/* the length is in the flags, unless it is 0xFFF or more */
		*len = flags & F_NAMEMASK;
		if (*len == F_NAMEMASK) {
			if (!(nul = memchr(q, 0, (size_t)(w->end - q))))
				return false;
			*len = (size_t)(nul - q);
		}
		*name = (const char *)q;
		*size = (*flen + *len + 8) & ~(size_t)7;
		if (*size > (size_t)(w->end - e) || q[*len] != '\0')
			return false;	/* (git reads the flags' length too) */
	} else {
		if (!varint_get(&q, w->end, &strip) || strip > w->prev.len ||
		    !(nul = memchr(q, 0, (size_t)(w->end - q))))
			return false;
		fq_buf_reset(&w->name);
		fq_buf_add(&w->name, w->prev.buf, w->prev.len - strip);
		fq_buf_add(&w->name, q, (size_t)(nul - q));
		*name = w->name.buf;
		*len = w->name.len;
		*size = (size_t)(nul + 1 - e);
	}
	return (*len < F_NAMEMASK ? *len : F_NAMEMASK) ==
		(flags & F_NAMEMASK);
}

/* The path of the last entry written (version 4 encodes against it). */
static const struct fq_buf *
last_out(const struct walk *w)
{
	return w->same_prev ? &w->prev : &w->out_prev;
}

/* The path written last is no longer prev's (an entry added or gone). */
static void
diverge(fq_gitindex *gi, struct walk *w, const char *path, size_t len)
{
	if (gi->version == 4) {
		if (!path) {
			path = w->same_prev ? w->prev.buf : NULL;
			len = w->prev.len;
		}
		if (path) {
			fq_buf_reset(&w->out_prev);
			fq_buf_add(&w->out_prev, path, len);
		}
	}
	w->same_prev = false;
}

/* Add the entry of change c (new or replacing one). */
static void
emit_change(fq_gitindex *gi, struct walk *w, const struct change *c)
{
	unsigned char fixed[ENTRY_FIXED];

	fixed_for(fixed, c);
	emit_entry(gi, fixed, ENTRY_FIXED, c->path, c->len, last_out(w));
}

/* Copy the old entry e as it is, re-encoded, or with its size zeroed. */
static void
emit_old_entry(fq_gitindex *gi, struct walk *w, const unsigned char *e,
	size_t flen, const char *name, size_t len, size_t size, bool smudge)
{
	if (!smudge && (gi->version < 4 || w->same_prev)) {
		emit_old(gi, e, size);
	} else {
		unsigned char *o = emit_entry(gi, e, flen, name, len,
			last_out(w));

		if (smudge)
			fq_put_be32(o + 36, 0);
	}
}

/* The path of the entry written last: the one the next is encoded
 * against in version 4, the one before a checkpoint in all. */
static void
last_path(const fq_gitindex *gi, const struct walk *w, const char **p,
	size_t *len)
{
	if (gi->version == 4) {
		const struct fq_buf *b = last_out(w);

		*p = b->buf;
		*len = b->len;
	} else {
		*p = w->last;
		*len = w->last_len;
	}
}

/* A new checkpoint of the new file, at the entry about to be written. */
static void
out_seg_open(fq_gitindex *gi, struct walk *w, const char *name, size_t len,
	uint32_t entry, uint32_t mtime)
{
	struct cache_seg *c;
	const char *prev;
	size_t plen;

	last_path(gi, w, &prev, &plen);
	FQ_ALLOC_GROW(gi->oseg, gi->onseg + 1, gi->oseg_alloc);
	c = &gi->oseg[gi->onseg++];
	memset(c, 0, sizeof(*c));
	c->entry = entry;
	c->off = (uint32_t)gi->out_len;
	c->mtime = mtime;
	c->first_len = (uint32_t)len;
	c->prev_len = (uint32_t)plen;
	fq_buf_add(&gi->opaths, name, len);
	fq_buf_add(&gi->opaths, prev, plen);
	w->seg_closed = false;
}

/* Before an entry is written: its checkpoint, or its step's mtime. */
static void
out_seg_entry(fq_gitindex *gi, struct walk *w, const char *name, size_t len,
	uint32_t entry, uint32_t mtime)
{
	struct cache_seg *c = gi->onseg ? &gi->oseg[gi->onseg - 1] : NULL;

	if (!c || w->seg_closed || gi->out_len - c->off >= gi->seg_step) {
		out_seg_open(gi, w, name, len, entry, mtime);
	} else if (mtime > c->mtime) {
		c->mtime = mtime;
	}
}

/* Write change c's entry, the count-th. */
static void
put_change(fq_gitindex *gi, struct walk *w, const struct change *c,
	uint32_t count)
{
	out_seg_entry(gi, w, c->path, c->len, count, c->st.mtime_s);
	emit_change(gi, w, c);
	w->last = c->path;
	w->last_len = c->len;
}

/* Write the new changes before name[0..len) (all of them: NULL). */
static void
put_changes_before(fq_gitindex *gi, struct walk *w, size_t *j,
	const char *name, size_t len, uint32_t *count)
{
	for (; *j < gi->n && (!name || name_cmp(gi->ch[*j].path,
	    gi->ch[*j].len, name, len) < 0); ++*j) {
		const struct change *c = &gi->ch[*j];

		if (!c->id)
			continue;
		put_change(gi, w, c, *count);
		diverge(gi, w, c->path, c->len);
		++*count;
	}
}

/* The first key at or after path[0..len). */
static size_t
key_at(const fq_gitindex *gi, const char *path, size_t len)
{
	size_t lo = 0, hi = gi->nkeys;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (name_cmp(gi->keys[mid].s, gi->keys[mid].len, path, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Whether step s (all but the last) may hold an entry the walk would do
 * anything with but copy.  Its entries are, in index order, between its
 * first path and the next step's (equal to it only as other stages of
 * it).  The keys are the changed paths (an entry replaced or removed,
 * other stages of it), the leading directories of the added ones (a file
 * there) and each added path with a '/' (a directory there: an entry at
 * or after it that starts with it, or an entry in a step starting under
 * it, which the second test finds).  And a step as new as the index may
 * have racily clean entries.
 */
static bool
seg_touched(const fq_gitindex *gi, size_t s)
{
	const struct seg *g = &gi->segs[s], *next = g + 1;
	size_t k = key_at(gi, g->first, g->first_len);

	if (g->mtime >= (uint32_t)gi->st.st_mtim.tv_sec)
		return true;
	if (k < gi->nkeys && name_cmp(gi->keys[k].s, gi->keys[k].len,
	    next->first, next->first_len) <= 0)
		return true;
	for (k = 1; k < g->first_len; k++)
		if (g->first[k] == '/' && change_adds(gi, g->first, k))
			return true;
	return false;
}

static int
cmp_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;

	return name_cmp(x->s, x->len, y->s, y->len);
}

static void
add_key(fq_gitindex *gi, size_t *alloc, const char *p, size_t len,
	bool slash)
{
	struct key *k;

	FQ_ALLOC_GROW(gi->keys, gi->nkeys + 1, *alloc);
	k = &gi->keys[gi->nkeys++];
	k->s = fq_xmalloc(len + 2);
	memcpy(k->s, p, len);
	if (slash)
		k->s[len++] = '/';
	k->s[len] = '\0';
	k->len = len;
}

/* Past this many changes, every step is read (an import's are many). */
#define SEG_MAX_CHANGES	64

static void
make_keys(fq_gitindex *gi)
{
	size_t alloc = 0, i, k;

	for (i = 0; i < gi->n; i++) {
		const struct change *c = &gi->ch[i];

		add_key(gi, &alloc, c->path, c->len, false);
		if (!c->id)
			continue;
		add_key(gi, &alloc, c->path, c->len, true);
		for (k = 1; k < c->len; k++)
			if (c->path[k] == '/')
				add_key(gi, &alloc, c->path, k, false);
	}
	if (gi->nkeys)
		qsort(gi->keys, gi->nkeys, sizeof(*gi->keys), cmp_key);
}

/*
 * At the checkpoint of old step s, the walk at its first entry: check it
 * describes the walk (where it is, the entry before), write the changes
 * that go before the step, and copy the step whole when nothing can
 * touch it.  1: copied (the walk is at the next step), 0: to be read,
 * -1: the checkpoint is wrong.
 */
static int
seg_start(fq_gitindex *gi, struct walk *w, size_t s, size_t *j,
	uint32_t *count)
{
	const struct seg *g = &gi->segs[s], *next;
	const char *prev;
	size_t plen, flen, len, size;
	const char *name;

	if (w->p != gi->map + g->off)
		return -1;
	if (gi->version == 4) {
		prev = w->prev.buf;
		plen = w->prev.len;
	} else {
		prev = w->last_old;
		plen = w->last_old_len;
	}
	if (plen != g->prev_len || (plen && memcmp(prev, g->prev, plen)))
		return -1;
	put_changes_before(gi, w, j, g->first, g->first_len, count);
	if (s + 1 >= gi->nseg || seg_touched(gi, s))
		return 0;
	next = g + 1;
	out_seg_open(gi, w, g->first, g->first_len, *count, g->mtime);
	if (gi->version == 4 && !w->same_prev) {
		/* the first entry: encoded against the path written last */
		if (!parse_entry(gi, w, &flen, &name, &len, &size) ||
		    len != g->first_len || memcmp(name, g->first, len) ||
		    size > next->off - g->off)
			return -1;
		emit_old_entry(gi, w, w->p, flen, name, len, size, false);
		emit_old(gi, w->p + size, next->off - g->off - size);
	} else {
		emit_old(gi, w->p, next->off - g->off);
	}
	*count += next->entry - g->entry;
	w->p = gi->map + next->off;
	w->same_prev = true;
	if (gi->version == 4) {
		fq_buf_reset(&w->prev);
		fq_buf_add(&w->prev, next->prev, next->prev_len);
	} else {
		w->last_old = next->prev;
		w->last_old_len = next->prev_len;
	}
	w->last = next->prev;
	w->last_len = next->prev_len;
	w->seg_closed = true;
	gi->skipped++;
	return 1;
}

static bool
walk_entries(fq_gitindex *gi, const char *workdir, struct walk *w,
	uint32_t *count)
{
	const char *prev_name = NULL, *name;
	size_t prev_len = 0, flen, len, size, j = 0, s = 0;
	unsigned prev_stage = 0;
	uint32_t i = 0;

	*count = 0;
	while (i < gi->count) {
		const unsigned char *e;
		unsigned stage;
		int c = 1, o = 1, racy;
		bool smudge = false, first = false;

		if (s < gi->nseg && i == gi->segs[s].entry) {
			int k = seg_start(gi, w, s, &j, count);

			if (k < 0)
				return false;
			first = true;
			if (k > 0) {
				i = gi->segs[++s].entry;
				prev_name = gi->version == 4 ? w->prev.buf :
					w->last_old;
				prev_len = gi->segs[s].prev_len;
				prev_stage = 0;
				continue;
			}
			s++;
		}
		e = w->p;
		if (!parse_entry(gi, w, &flen, &name, &len, &size))
			return false;
		if (first && (len != gi->segs[s - 1].first_len ||
		    memcmp(name, gi->segs[s - 1].first, len)))
			return false;
		i++;
		if (!len) {
			/* only in a split index (link): walk on to it */
			w->unnamed = true;
			w->p += size;
			continue;
		}
		stage = (be16(e + 60) & F_STAGE) >> 12;
		if (prev_name && ((o = name_cmp(prev_name, prev_len, name,
		    len)) > 0 || (o == 0 && stage <= prev_stage)))
			return false;	/* not sorted */
		while (j < gi->n && (c = name_cmp(gi->ch[j].path,
		    gi->ch[j].len, name, len)) < 0) {
			if (gi->ch[j].id) {
				put_change(gi, w, &gi->ch[j], *count);
				diverge(gi, w, gi->ch[j].path, gi->ch[j].len);
				++*count;
			}
			j++;
		}
		if (c == 0 && j < gi->n) {
			/* a changed path: stage 0 and nothing unusual */
			if (stage || (be16(e + 60) & (F_VALID | F_EXTENDED)))
				return false;
			if (gi->ch[j].id) {
				put_change(gi, w, &gi->ch[j], *count);
				w->same_prev = true;	/* the same path */
				++*count;
			} else {
				diverge(gi, w, NULL, 0);	/* removed */
			}
			j++;
		} else {
			if (o == 0 && j > 0 && !name_cmp(gi->ch[j - 1].path,
			    gi->ch[j - 1].len, name, len))
				return false;	/* more stages of a change */
			if (file_directory(gi, name, len))
				return false;
			if (fq_get_be32(e + 8) >= (uint32_t)gi->st.st_mtim.tv_sec &&
			    fq_get_be32(e + 36) != 0 && !stage) {
				if (++w->nracy > MAX_RACY + gi->n)
					return false;
				if ((racy = needs_smudge(workdir, e, name,
				    len)) < 0)
					return false;
				smudge = racy;
			}
			out_seg_entry(gi, w, name, len, *count,
				fq_get_be32(e + 8));
			emit_old_entry(gi, w, e, flen, name, len, size, smudge);
			w->same_prev = true;
			w->last = name;
			w->last_len = len;
			++*count;
		}
		if (gi->version == 4) {
			struct fq_buf t = w->prev;	/* name becomes prev */

			w->prev = w->name;
			w->name = t;
			prev_name = w->prev.buf;
		} else {
			prev_name = name;
			w->last_old = name;
			w->last_old_len = len;
		}
		prev_len = len;
		prev_stage = stage;
		w->p += size;
	}
	put_changes_before(gi, w, &j, NULL, 0, count);
	return true;
}

/* The extensions after the entries: which stay, which go. */
static bool
walk_extensions(fq_gitindex *gi, const unsigned char *p,
	const unsigned char *end)
{
	while (p < end) {
		uint32_t len;

		if (end - p < 8)
			return false;
		len = fq_get_be32(p + 4);
		if (len > (size_t)(end - p) - 8)
			return false;
		if (p[0] < 'A' || p[0] > 'Z') {
			/* required, and neither this code nor libgit2 knows
			 * it: a split index (link) or a sparse one (sdir) */
			gi->refuse = !memcmp(p, "link", 4) ? "it is a split "
				"index (core.splitIndex; 'git update-index "
				"--no-split-index' undoes it)" :
				!memcmp(p, "sdir", 4) ? "it is a sparse index "
				"(index.sparse; 'git config index.sparse "
				"false' undoes it)" :
				"it has an extension libgit2 does not know";
			return false;
		}
		if (!memcmp(p, "TREE", 4))
			emit_tree(gi, p + 8, len);
		else if (!memcmp(p, "REUC", 4) || !memcmp(p, "NAME", 4))
			emit_old(gi, p, 8 + (size_t)len);
		p += 8 + (size_t)len;
	}
	return true;
}

/* The entries and the extensions, into the chunks from the start. */
static bool
walk(fq_gitindex *gi, const char *workdir, struct walk *w, uint32_t *count)
{
	gi->nv = 0;
	fq_buf_setlen(&gi->side, 0);
	gi->out_len = 0;
	gi->onseg = 0;
	fq_buf_setlen(&gi->opaths, 0);
	gi->skipped = 0;
	fq_buf_reset(&w->name);
	fq_buf_reset(&w->prev);
	fq_buf_reset(&w->out_prev);
	w->p = gi->map + HDR;
	w->end = gi->map + gi->size - 20;
	w->same_prev = true;
	w->unnamed = w->seg_closed = false;
	w->nracy = 0;
	w->last = w->last_old = "";
	w->last_len = w->last_old_len = 0;
	emit_new(gi, HDR);	/* the header: first in side */
	return walk_entries(gi, workdir, w, count) &&
		walk_extensions(gi, w->p, w->end) && !w->unnamed;
}

int
fq_gitindex_plan(fq_gitindex *gi, const char *workdir, const char *cache,
	const struct fq_gitindex_change *ch, size_t n, struct fq_error *err)
{
	struct fq_buf path = FQ_BUF_INIT;
	struct stat st;
	struct walk w;
	unsigned char *hdr;
	uint32_t count;
	size_t i;
	int ret = 0;

	memset(&w, 0, sizeof(w));
	fq_buf_init(&w.name);
	fq_buf_init(&w.prev);
	fq_buf_init(&w.out_prev);
	gi->ready = false;
	if (gi->lock_fd < 0 || gi->map)
		goto out;
	gi->cache_path = cache ? fq_xstrdup(cache) : NULL;
	gi->ch = fq_xcalloc(n ? n : 1, sizeof(*gi->ch));
	for (i = 0; i < n; i++) {
		struct change *c = &gi->ch[i];

		c->path = ch[i].path;
		c->len = strlen(ch[i].path);
		c->id = ch[i].id;
		if (!c->id)
			continue;
		if (ch[i].st) {
			c->st = *ch[i].st;
			continue;
		}
		fq_buf_reset(&path);
		fq_buf_addf(&path, "%s/%s", workdir, c->path);
		if (lstat(path.buf, &st) < 0 || !S_ISREG(st.st_mode))
			goto out;
		c->st.ctime_s = (uint32_t)st.st_ctim.tv_sec;
		c->st.ctime_ns = (uint32_t)st.st_ctim.tv_nsec;
		c->st.mtime_s = (uint32_t)st.st_mtim.tv_sec;
		c->st.mtime_ns = (uint32_t)st.st_mtim.tv_nsec;
		c->st.dev = (uint32_t)st.st_dev;
		c->st.ino = (uint32_t)st.st_ino;
		c->st.uid = (uint32_t)st.st_uid;
		c->st.gid = (uint32_t)st.st_gid;
		c->st.size = (uint32_t)st.st_size;
	}
	gi->n = n;
	qsort(gi->ch, n, sizeof(*gi->ch), cmp_change);
	if (!read_index(gi))
		goto out;
	if (gi->nseg && n <= SEG_MAX_CHANGES)
		make_keys(gi);
	else
		gi->nseg = 0;
	while (!walk(gi, workdir, &w, &count)) {
		/* a checkpoint that does not describe the file (it cannot
		 * be: the cache names the file and has a checksum): read
		 * every entry, as without it */
		if (gi->refuse || !gi->nseg)
			goto out;
		gi->nseg = 0;
	}
	hdr = (unsigned char *)gi->side.buf;	/* may have moved */
	memcpy(hdr, gi->map, 8);
	fq_put_be32(hdr + 8, count);
	if (!seal(gi))
		goto out;
	gi->ready = true;
	write_start(gi);
	ret = 1;
out:
	if (gi->refuse)
		ret = fq_error_set(err, FQ_ERROR, "cannot update git's index "
			"(.git/index): %s", gi->refuse);
	fq_buf_release(&w.name);
	fq_buf_release(&w.prev);
	fq_buf_release(&w.out_prev);
	fq_buf_release(&path);
	return ret;
}

/*
 * Writing.
 */
void
fq_gitindex_keep_old(fq_gitindex *gi, const char *path)
{
	free(gi->keep_path);
	gi->keep_path = path ? fq_xstrdup(path) : NULL;
}

bool
fq_gitindex_ready(const fq_gitindex *gi)
{
	return gi && gi->ready;
}

void
fq_gitindex_tune(fq_gitindex *gi, bool full_walk, size_t seg_bytes)
{
	gi->full_walk = full_walk;
	gi->seg_step = seg_bytes ? seg_bytes : SUM_STEP;
}

size_t
fq_gitindex_planned(fq_gitindex *gi, struct fq_buf *out)
{
	size_t i;

	fq_buf_reset(out);
	if (!gi->ready)
		return 0;
	hash_wait(gi);
	for (i = 0; i < gi->nv; i++)
		fq_buf_add(out, chunk_bytes(gi, &gi->v[i]), gi->v[i].len);
	fq_buf_add(out, gi->trailer, 20);
	return gi->skipped;
}

/* How many leading bytes of the output are the old file's own. */
static size_t
same_prefix(const fq_gitindex *gi)
{
	size_t off = 0, i;

	if (memcmp(gi->side.buf, gi->map, HDR))
		return 8;
	off = HDR;
	for (i = 1; i < gi->nv; i++) {
		const struct chunk *c = &gi->v[i];

		if (!c->p || c->p != gi->map + off)
			break;
		off += c->len;
	}
	return off;
}

static int
write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * The body of the new file (all but the trailer) goes to index.lock on a
 * thread of its own as soon as it is planned, while the caller makes the
 * commit: 10 MB at 100,000 cases, 3-10 ms of page-cache copying.  Only
 * that thread touches lock_fd until write_wait(); what it writes is not
 * git's index until fq_gitindex_write() renames it, after the commit.
 */
static int
write_body(fq_gitindex *gi)
{
	size_t i;

	for (i = 0; i < gi->nv; i++)
		if (write_all(gi->lock_fd, chunk_bytes(gi, &gi->v[i]),
		    gi->v[i].len) < 0)
			return errno ? errno : EIO;
	return 0;
}

static void *
write_run(void *arg)
{
	fq_gitindex *gi = arg;

	gi->write_errno = write_body(gi);
	return NULL;
}

static void
write_start(fq_gitindex *gi)
{
	gi->write_errno = 0;
	if (gi->early)
		gi->writing = pthread_create(&gi->writer, NULL, write_run,
			gi) == 0;
}

/* The thread done: 0, or the errno of its failed write. */
static int
write_wait(fq_gitindex *gi)
{
	if (!gi->writing)
		return gi->write_errno;
	pthread_join(gi->writer, NULL);
	gi->writing = false;
	gi->early = false;
	return gi->write_errno;
}

/* Hash the new file from the state at the given step of the old one. */
static void
hash_output(fq_gitindex *gi, size_t start)
{
	size_t off = 0, i, from = start * SUM_STEP;
	struct sha c;

	sha_start(&c, gi->out_sums[start], (uint64_t)from);
	for (i = 0; i < gi->nv; i++) {
		const struct chunk *ck = &gi->v[i];
		size_t skip = 0;

		if (off + ck->len <= from) {
			off += ck->len;
			continue;
		}
		if (off < from)
			skip = from - off;
		off += skip;
		sha_add_sums(&c, chunk_bytes(gi, ck) + skip, ck->len - skip,
			&off, gi->out_sums);
	}
	sha_end(&c, gi->trailer);
}

static void *
hash_run(void *arg)
{
	fq_gitindex *gi = arg;

	hash_output(gi, gi->hash_from);
	return NULL;
}

static void
hash_wait(fq_gitindex *gi)
{
	if (gi->hashing)
		pthread_join(gi->hasher, NULL);
	gi->hashing = false;
}

/* Bytes from the state at step start to the end of the new file. */
static size_t
hash_length(const fq_gitindex *gi, size_t start)
{
	size_t total = 0, i;

	for (i = 0; i < gi->nv; i++)
		total += gi->v[i].len;
	return total - start * SUM_STEP;
}

/* Past this, a trusted old file's update hashes on a thread of its own
 * (an added entry changes the count in the header: all 10 MB at 100,000
 * cases, 9 ms), beside the commit, and the write waits for it. */
#define HASH_THREAD_MIN	(1u << 20)

/*
 * The new file's checksum.  With the old file trusted (the cache), from
 * the last state before the first change, on a thread beside the commit
 * when that is long (nothing can go wrong with it); else from the start,
 * before anything is committed, while a second thread checks the old
 * file (when its checksum is wrong, the update is refused: libgit2 would
 * fail too).
 */
static bool
seal(fq_gitindex *gi)
{
	struct verify_job job;
	pthread_t t;
	size_t total = 0, start = 0, i;
	bool threaded = false;

	for (i = 0; i < gi->nv; i++)
		total += gi->v[i].len;
	gi->out_nsums = total / SUM_STEP + 1;
	gi->out_sums = fq_xcalloc(gi->out_nsums, sizeof(*gi->out_sums));
	memcpy(gi->out_sums[0], sha_iv, sizeof(sha_iv));
	if (gi->verify) {
		job.map = gi->map;
		job.size = gi->size;
		job.sums = gi->sums;
		job.ok = false;
		threaded = pthread_create(&t, NULL, verify_run, &job) == 0;
		if (!threaded)
			verify_run(&job);
	} else {
		start = same_prefix(gi) / SUM_STEP;
		if (start >= gi->nsums)
			start = gi->nsums - 1;
		memcpy(gi->out_sums, gi->sums, (start + 1) *
			sizeof(*gi->out_sums));
		gi->hash_from = start;
		if (hash_length(gi, start) >= HASH_THREAD_MIN &&
		    pthread_create(&gi->hasher, NULL, hash_run, gi) == 0) {
			gi->hashing = true;
			return true;
		}
	}
	hash_output(gi, start);
	if (threaded)
		pthread_join(t, NULL);
	if (gi->verify && !job.ok) {
		gi->refuse = "its checksum is wrong";
		return false;
	}
	return true;
}

int
fq_gitindex_write(fq_gitindex *gi, struct fq_error *err)
{
	int e;

	if (!gi->ready)
		return fq_error_set(err, FQ_ERROR, "git's index: nothing "
			"planned");
	/* the body: written by the thread, or now */
	if ((e = gi->writing ? write_wait(gi) : write_body(gi))) {
		errno = e;
		goto fail;
	}
	hash_wait(gi);
	if (write_all(gi->lock_fd, gi->trailer, 20) < 0)
		goto fail;
	if (close(gi->lock_fd) < 0) {
		gi->lock_fd = -1;
		goto fail_closed;
	}
	gi->lock_fd = -1;
	/* no error: without it the rename frees the old file, as before */
	if (gi->keep_path)
		(void)link(gi->index_path, gi->keep_path);
	if (rename(gi->lock_path, gi->index_path) < 0)
		goto fail_closed;
	gi->written = true;
	if (gi->cache_path)
		cache_save(gi, (const uint32_t (*)[5])gi->out_sums,
			gi->out_nsums, gi->trailer);
	return FQ_OK;
fail:
	close(gi->lock_fd);
	gi->lock_fd = -1;
fail_closed:
	e = errno;
	unlink(gi->lock_path);
	return fq_error_set(err, FQ_ERROR, "cannot write '.git/index': %s",
		strerror(e));
}
