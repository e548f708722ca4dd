/*
 * check_loose.c: loose objects read without libgit2 (lib/loose.c).
 *
 * A blob git itself wrote reads back; an empty blob, and one that
 * inflates to a thousand times its file (the output buffer grows); and
 * every way a file can be wrong is an FQ_EPARSE that names the object,
 * never a crash: truncated, a byte changed, bytes after the stream,
 * another type, a size the header gets wrong, bytes of another id, a blob
 * over the limit.  No file is FQ_ENOTFOUND (the caller asks libgit2).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <nettle/sha1.h>
#include <zlib.h>

#include "fq/buf.h"
#include "fixture.h"
#include "loose.h"

Suite *fq_loose_suite(void);

static char *tmp, *objdir;

static void
setup(void)
{
	tmp = fq_test_tmpdir();
	objdir = fq_test_path(tmp, "objects");
	ck_assert_int_eq(mkdir(objdir, 0700), 0);
}

static void
teardown(void)
{
	fq_test_rmtree(tmp);
	free(objdir);
	free(tmp);
	objdir = tmp = NULL;
}

static void
sha1(unsigned char id[20], const char *p, size_t n)
{
	struct sha1_ctx h;

	sha1_init(&h);
	sha1_update(&h, n, (const uint8_t *)p);
	sha1_digest(&h, 20, id);
}

static void
hexid(char out[41], const unsigned char *id)
{
	int i;

	for (i = 0; i < 20; i++)
		snprintf(out + 2 * i, 3, "%02x", id[i]);
}

/* Write the loose file of id: raw deflated, cut to zlen (0: all), with
 * extra bytes after it; the id of raw unless id is given. */
static void
put(unsigned char id[20], const char *raw, size_t n, size_t zlen,
	const char *extra, bool given)
{
	uLongf cap = compressBound((uLong)n);
	Bytef *z = malloc(cap + 64);
	char x[41], xx[3], *dir, *path;
	FILE *f;

	ck_assert_int_eq(compress2(z, &cap, (const Bytef *)raw, (uLong)n, 6),
		Z_OK);
	if (!given)
		sha1(id, raw, n);
	hexid(x, id);
	memcpy(xx, x, 2);
	xx[2] = '\0';
	dir = fq_test_path(objdir, xx);
	mkdir(dir, 0700);
	path = fq_test_path(dir, x + 2);
	ck_assert_ptr_nonnull(f = fopen(path, "wb"));
	fwrite(z, 1, zlen ? zlen : cap, f);
	if (extra)
		fputs(extra, f);
	fclose(f);
	free(path);
	free(dir);
	free(z);
}

/* The object "blob <n>\0<data>". */
static size_t
blob(struct fq_buf *b, const char *data, size_t n)
{
	fq_buf_reset(b);
	fq_buf_addf(b, "blob %zu", n);
	fq_buf_addch(b, '\0');
	fq_buf_add(b, data, n);
	return b->len;
}

static fq_loose *
reader(void)
{
	struct fq_error err = FQ_ERROR_INIT;
	fq_loose *l;

	ck_assert_int_eq(fq_loose_open(&l, objdir, &err), 0);
	return l;
}

START_TEST(test_loose_git)
{
	char *repo = fq_test_path(tmp, "repo"), cmd[1024], hex[64];
	char *dir, *text = "id: QSZ-2024-000001\ntitle: 邻里纠纷\n";
	unsigned char id[20];
	struct fq_error err = FQ_ERROR_INIT;
	const char *p;
	size_t n;
	fq_loose *l;
	FILE *f;
	int i;

	snprintf(cmd, sizeof(cmd), "git init -q '%s' && printf '%%s' '%s' | "
		"git -C '%s' hash-object -w --stdin", repo, text, repo);
	ck_assert_ptr_nonnull(f = popen(cmd, "r"));
	ck_assert_ptr_nonnull(fgets(hex, sizeof(hex), f));
	ck_assert_int_eq(pclose(f), 0);
	for (i = 0; i < 20; i++) {
		unsigned v;

		sscanf(hex + 2 * i, "%2x", &v);
		id[i] = (unsigned char)v;
	}
	dir = fq_test_path(repo, ".git/objects");
	ck_assert_int_eq(fq_loose_open(&l, dir, &err), 0);
	ck_assert_int_eq(fq_loose_blob(l, id, 1024, &p, &n, &err), 0);
	ck_assert_uint_eq(n, strlen(text));
	ck_assert_int_eq(memcmp(p, text, n), 0);
	ck_assert_int_eq(p[n], '\0');
	/* another object of that directory, absent */
	id[19] ^= 1;
	ck_assert_int_eq(fq_loose_blob(l, id, 1024, &p, &n, &err),
		FQ_ENOTFOUND);
	/* and one of a directory there is not */
	id[0] ^= 0x80;
	ck_assert_int_eq(fq_loose_blob(l, id, 1024, &p, &n, &err),
		FQ_ENOTFOUND);
	fq_loose_free(l);
	free(dir);
	free(repo);
}
END_TEST

START_TEST(test_loose_sizes)
{
	struct fq_buf b = FQ_BUF_INIT, big = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;
	unsigned char e[20], g[20];
	fq_loose *l = reader();
	const char *p;
	size_t n, i;

	put(e, b.buf, blob(&b, "", 0), 0, NULL, false);
	ck_assert_int_eq(fq_loose_blob(l, e, 1024, &p, &n, &err), 0);
	ck_assert_uint_eq(n, 0);
	for (i = 0; i < 200000; i++)
		fq_buf_addch(&big, 'a');
	put(g, b.buf, blob(&b, big.buf, big.len), 0, NULL, false);
	ck_assert_int_eq(fq_loose_blob(l, g, 1 << 20, &p, &n, &err), 0);
	ck_assert_uint_eq(n, big.len);
	ck_assert_int_eq(memcmp(p, big.buf, n), 0);
	/* the same blob over a smaller limit */
	ck_assert_int_eq(fq_loose_blob(l, g, 1000, &p, &n, &err), FQ_EPARSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "larger than 1000 bytes"));
	/* the empty one again: nothing kept of the large one */
	ck_assert_int_eq(fq_loose_blob(l, e, 1024, &p, &n, &err), 0);
	ck_assert_uint_eq(n, 0);
	fq_loose_free(l);
	fq_buf_release(&b);
	fq_buf_release(&big);
}
END_TEST

/* Each way a loose file is wrong, and the words of its error. */
START_TEST(test_loose_damaged)
{
	static const char text[] = "id: QSZ-2024-000001\nstatus: closed\n"
		"title: 土地承包经营权纠纷\nsummary: 双方因地界发生争执，"
		"经村委会调解达成协议。\n";
	struct fq_buf b = FQ_BUF_INIT, raw = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;
	unsigned char id[20];
	char x[41];
	fq_loose *l = reader();
	const char *p;
	size_t n, len = strlen(text);
	int k;
	static const char *const words[] = {
		"truncated or damaged", "truncated or damaged",
		"truncated or damaged", "not a blob", "its header says",
		"do not match its id", "not a blob"
	};

	for (k = 0; k < 7; k++) {
		blob(&raw, text, len);
		switch (k) {
		case 0:		/* truncated */
			put(id, raw.buf, raw.len, 20, NULL, false);
			break;
		case 1:		/* a byte changed: the checksum fails */
			put(id, raw.buf, raw.len, 0, NULL, false);
			{
				char *path, dir[3], *d;
				FILE *f;
				int c;

				hexid(x, id);
				memcpy(dir, x, 2);
				dir[2] = '\0';
				d = fq_test_path(objdir, dir);
				path = fq_test_path(d, x + 2);
				ck_assert_ptr_nonnull(f = fopen(path, "r+b"));
				fseek(f, 30, SEEK_SET);
				c = fgetc(f);
				fseek(f, 30, SEEK_SET);
				fputc(c ^ 0x55, f);
				fclose(f);
				free(path);
				free(d);
			}
			break;
		case 2:		/* bytes after the stream */
			put(id, raw.buf, raw.len, 0, "garbage", false);
			break;
		case 3:		/* a tree, not a blob */
			fq_buf_reset(&raw);
			fq_buf_addf(&raw, "tree %zu", len);
			fq_buf_addch(&raw, '\0');
			fq_buf_add(&raw, text, len);
			put(id, raw.buf, raw.len, 0, NULL, false);
			break;
		case 4:		/* a header that says 5 bytes */
			fq_buf_reset(&raw);
			fq_buf_adds(&raw, "blob 5");
			fq_buf_addch(&raw, '\0');
			fq_buf_add(&raw, text, len);
			put(id, raw.buf, raw.len, 0, NULL, false);
			break;
		case 5:		/* the bytes of another id */
			memset(id, 0x42, sizeof(id));
			put(id, raw.buf, raw.len, 0, NULL, true);
			break;
		case 6:		/* a size past SIZE_MAX that wraps to 5 */
			fq_buf_reset(&raw);
			fq_buf_adds(&raw, "blob 18446744073709551621");
			fq_buf_addch(&raw, '\0');
			fq_buf_adds(&raw, "abcde");
			put(id, raw.buf, raw.len, 0, NULL, false);
			break;
		}
		fq_error_clear(&err);
		ck_assert_int_eq(fq_loose_blob(l, id, 1 << 20, &p, &n, &err),
			FQ_EPARSE);
		ck_assert_msg(strstr(err.msg, words[k]), "%d: %s", k, err.msg);
		hexid(x, id);
		ck_assert_msg(strstr(err.msg, x), "%d: %s", k, err.msg);
	}
	/* and straight from bytes: nothing, and a zlib header alone */
	ck_assert_int_eq(fq_loose_parse(l, id, "", 0, 1024, &p, &n, &err),
		FQ_EPARSE);
	ck_assert_int_eq(fq_loose_parse(l, id, "\x78\x9c", 2, 1024, &p, &n,
		&err), FQ_EPARSE);
	fq_loose_free(l);
	fq_buf_release(&b);
	fq_buf_release(&raw);
}
END_TEST

START_TEST(test_loose_open)
{
	struct fq_error err = FQ_ERROR_INIT;
	char *none = fq_test_path(tmp, "none");
	fq_loose *l;

	ck_assert_int_eq(fq_loose_open(&l, none, &err), FQ_ENOTFOUND);
	ck_assert_ptr_null(l);
	ck_assert_ptr_nonnull(strstr(err.msg, "none"));
	fq_loose_free(NULL);
	free(none);
}
END_TEST

Suite *
fq_loose_suite(void)
{
	Suite *s = suite_create("loose");
	TCase *tc = tcase_create("read");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_loose_git);
	tcase_add_test(tc, test_loose_sizes);
	tcase_add_test(tc, test_loose_damaged);
	tcase_add_test(tc, test_loose_open);
	suite_add_tcase(s, tc);
	return s;
}
