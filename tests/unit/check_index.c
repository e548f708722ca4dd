/*
 * check_index.c: the case index and the node cache (lib/index.c).
 *
 * Packed trees round-trip and damaged bytes are refused; the report's
 * digest gives the same answer as its pre-filter on the text; on a real
 * store, a second scan parses nothing, a changed case only itself, and a
 * truncated, damaged or foreign index is never trusted.
 */
#include <check.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "fq/index.h"
#include "fq/node.h"
#include "fq/report.h"
#include "fq/schema.h"

#ifndef FQ_TEST_SCHEMA_DIR
#error "FQ_TEST_SCHEMA_DIR must name the source tree's schemas directory"
#endif

Suite *fq_index_suite(void);

static struct fq_node *
parse(const char *yaml)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *n = NULL;

	ck_assert_msg(fq_yaml_parse(&n, yaml, strlen(yaml), "t", &err) == 0,
		"%s", err.msg);
	return n;
}

static const char *const case_a =
	"id: QSZ-2024-000001\n"
	"title: 王某与李某纠纷\n"
	"status: mediating\n"
	"category: neighbor\n"
	"risk_color: blue\n"
	"accepted_on: 2024-03-01\n"
	"summary: 双方争执\n"
	"parties:\n"
	"- role: applicant\n  kind: person\n  name: 王某\n  phones:\n  - '13800000001'\n"
	"mediators:\n- 李调解\n"
	"referrals:\n- n: 1\n  to_agency: tribunal\n  sent_on: 2024-03-02\n"
	"events:\n"
	"- at: 2024-03-01T09:00:00+08:00\n  kind: intake\n  actor: 李调解\n"
	"  state_to: accepted\n  note: 登记\n"
	"empty:\n"
	"quoted: '007'\n";

START_TEST(test_pack_roundtrip)
{
	struct fq_node *a = parse(case_a), *b;
	struct fq_buf buf = FQ_BUF_INIT;

	fq_node_pack(&buf, a);
	b = fq_node_unpack(buf.buf, buf.len);
	ck_assert_ptr_nonnull(b);
	ck_assert(fq_node_equal(a, b));
	ck_assert(fq_map_get(b, "quoted")->quoted);
	ck_assert_int_eq(fq_map_get(b, "empty")->kind, FQ_NODE_NULL);
	fq_node_free(b);
	fq_node_free(a);
	fq_buf_release(&buf);
}
END_TEST

/* fq_index_pack_summary(c): the bytes of fq_node_pack(fq_index_summary(c)). */
static size_t
same_summary(const char *path, void *unused)
{
	struct fq_node *c = NULL, *s;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf a = FQ_BUF_INIT, b = FQ_BUF_INIT;
	char *text = fq_test_read_file(path);

	if (fq_yaml_parse(&c, text, strlen(text), path, &err) == 0 &&
	    c->kind == FQ_NODE_MAP) {
		s = fq_index_summary(c);
		fq_node_pack(&a, s);
		fq_index_pack_summary(&b, c);
		ck_assert_msg(a.len == b.len && !memcmp(a.buf, b.buf, a.len),
			"%s: another summary", path);
		fq_node_free(s);
	}
	fq_node_free(c);
	free(text);
	fq_buf_release(&a);
	fq_buf_release(&b);
	return 1;
}

static const char *const summary_texts[] = {
	"id: x\n",
	"id: x\nmediators: 李调解\nreferrals: tribunal\n",
	"id: x\nmediators:\n- a\n- [b]\n- {c: d}\n- ''\n- e\n",
	"id: x\nreferrals:\n- tribunal\n- {}\n- from_agency: a\n"
	"- to_agency: [b]\n  from_agency: c\n",
	"status: closed\nclosed_on: 2024-03-05\nvillage: 东村\nsource: visit\n"
	"events:\n- at: 2024-03-01T09:00:00+08:00\n  kind: intake\n"
	"- at: 2024-03-04\n  kind: session\n",
	"title: [a, b]\nid: ~\nunknown_key: 1\n",
};

START_TEST(test_pack_summary)
{
	char *cases = fq_test_path(FQ_TEST_DATA_DIR, "cases");
	char *ex = fq_test_path(FQ_TEST_SCHEMA_DIR, "../examples");
	char *dir = fq_test_tmpdir(), *path;
	size_t i, n = 0;

	for (i = 0; i < sizeof(summary_texts) / sizeof(*summary_texts); i++) {
		path = fq_test_path(dir, "t.yaml");
		fq_test_write_file(path, summary_texts[i]);
		n += same_summary(path, NULL);
		free(path);
	}
	path = fq_test_path(dir, "a.yaml");
	fq_test_write_file(path, case_a);
	n += same_summary(path, NULL);
	free(path);
	n += fq_test_each_yaml(cases, same_summary, NULL);
	n += fq_test_each_yaml(ex, same_summary, NULL);
	ck_assert_uint_gt(n, 8);
	fq_test_rmtree(dir);
	free(dir);
	free(cases);
	free(ex);
}
END_TEST

/* Every shorter prefix, and every byte flipped, is refused or decodes to
 * something (never a crash); a cut is always refused. */
START_TEST(test_pack_damaged)
{
	struct fq_node *a = parse(case_a), *b;
	struct fq_buf buf = FQ_BUF_INIT;
	size_t i;

	fq_node_pack(&buf, a);
	for (i = 0; i < buf.len; i++)
		ck_assert_ptr_null(fq_node_unpack(buf.buf, i));
	for (i = 0; i < buf.len; i++) {
		char save = buf.buf[i];

		buf.buf[i] = (char)(save ^ 0xA5);
		b = fq_node_unpack(buf.buf, buf.len);
		fq_node_free(b);
		buf.buf[i] = save;
	}
	ck_assert_ptr_null(fq_node_unpack("\x07", 1));
	ck_assert_ptr_null(fq_node_unpack("\x03\xff\xff\xff\xff\x0f", 6));
	fq_node_free(a);
	fq_buf_release(&buf);
}
END_TEST

START_TEST(test_projection)
{
	struct fq_node *a = parse(case_a), *p, *s;
	const struct fq_node *ev, *party;

	p = fq_index_projection(a);
	/* a blue case: no table-3 fields; events without actor or note */
	ck_assert_ptr_null(fq_map_get(p, "summary"));
	ck_assert_ptr_null(fq_map_get(p, "parties"));
	ev = fq_map_get(p, "events")->vals[0];
	ck_assert_ptr_null(fq_map_get(ev, "actor"));
	ck_assert_ptr_null(fq_map_get(ev, "note"));
	ck_assert_str_eq(fq_map_str(ev, "state_to"), "accepted");
	ck_assert_str_eq(fq_map_str(p, "accepted_on"), "2024-03-01");
	fq_node_free(p);
	/* red: parties keep role, kind and name only; notes stay */
	fq_map_set_str(a, "risk_color", "red");
	p = fq_index_projection(a);
	ck_assert_str_eq(fq_map_str(p, "summary"), "双方争执");
	party = fq_map_get(p, "parties")->vals[0];
	ck_assert_str_eq(fq_map_str(party, "name"), "王某");
	ck_assert_ptr_null(fq_map_get(party, "phones"));
	ev = fq_map_get(p, "events")->vals[0];
	ck_assert_str_eq(fq_map_str(ev, "note"), "登记");
	ck_assert_ptr_null(fq_map_get(ev, "actor"));
	fq_node_free(p);
	s = fq_index_summary(a);
	ck_assert_str_eq(fq_map_str(s, "status"), "mediating");
	ck_assert_str_eq(fq_map_str(fq_map_get(s, "referrals")->vals[0],
		"to_agency"), "tribunal");
	ck_assert_str_eq(fq_map_get(s, "mediators")->vals[0]->str, "李调解");
	fq_node_free(s);
	fq_node_free(a);
}
END_TEST

/* The digest answers as the pre-filter on the text, for texts around
 * the edges of the window of a March 2024 report. */
static const char *const digest_texts[] = {
	"status: closed\nclosed_on: 2020-01-01\n",
	"status: closed\naccepted_on: 2023-01-01\nclosed_on: 2024-03-05\n",
	"status: mediating\naccepted_on: 2019-01-01\n",
	"status: closed\naccepted_on: 2024-04-02\n",
	"status: closed\naccepted_on: 2023-03-31\n",
	"status: closed\naccepted_on: 2023-02-27\n",
	"status: bogus\nclosed_on: 2020-01-01\n",
	"id: x\nclosed_on: 2020-01-01\n",
	"status: archived\nnote: 2019-01-0x 2019-13-01\n",
	"status: closed\n",
	"title: a\nstatus: accepted\naccepted_on: 2025-01-01\n",
};

START_TEST(test_digest)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_report_digest d;
	fq_schema *sc = NULL;
	fq_report *r = NULL;
	const char *t = digest_texts[_i];

	ck_assert(fq_schema_load(&sc, FQ_TEST_SCHEMA_DIR, &err) == 0);
	ck_assert(fq_report_new(&r, sc, "2024-03", &err) == 0);
	fq_report_digest(&d, t, strlen(t));
	ck_assert_int_eq(fq_report_can_skip_digest(r, &d),
		fq_report_can_skip(r, t, strlen(t)));
	fq_report_free(r);
	fq_schema_free(sc);
}
END_TEST

START_TEST(test_digest_values)
{
	struct fq_report_digest d;
	const char *t = "title: x\nstatus: referred_out\nb: 2024-05-01\n"
		"a: 2023-01-02 and 2025-12-31T09:00\n";

	fq_report_digest(&d, t, strlen(t));
	ck_assert(d.has_status);
	ck_assert_str_eq(d.status, "referred_out");
	ck_assert_str_eq(d.min, "2023-01-02");
	ck_assert_str_eq(d.max, "2025-12-31");
	fq_report_digest(&d, "id: 1\n", 6);
	ck_assert(!d.has_status);
	ck_assert_str_eq(d.min, "");
}
END_TEST

/* --- on a store --- */

static char *dir;
static fq_store *st;

static void
store_setup(void)
{
	struct fq_error err = FQ_ERROR_INIT;

	dir = fq_test_tmpdir();
	fq_test_git_isolate(dir);
	st = fq_test_store_new(dir);
	ck_assert_msg(fq_store_lock(st, 0, &err) == FQ_OK, "%s", err.msg);
}

static void
store_teardown(void)
{
	fq_store_free(st);
	fq_test_rmtree(dir);
	free(dir);
}

static void
commit_case(int n, const char *status)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf path = FQ_BUF_INIT, data = FQ_BUF_INIT;
	struct fq_change ch;
	char id[32];

	snprintf(id, sizeof(id), "QSZ-2024-%06d", n);
	fq_store_case_path(&path, id, "2024-03-01");
	fq_buf_addf(&data, "id: %s\ntitle: 纠纷%d\nstatus: %s\n"
		"accepted_on: 2024-03-01\nrisk_color: blue\n", id, n, status);
	ch.path = path.buf;
	ch.data = data.buf;
	ch.len = data.len;
	ck_assert_msg(fq_store_commit(st, &ch, 1, "t", NULL, &err) == FQ_OK,
		"%s", err.msg);
	fq_buf_release(&path);
	fq_buf_release(&data);
}

struct seen {
	size_t n, mediating;
	char status[8][16];
};

static int
count(struct fq_index_item *it, void *data)
{
	struct seen *s = data;
	const struct fq_node *c = fq_index_item_case(it);
	const struct fq_node *sum = fq_index_item_summary(it);

	ck_assert(it->readable && it->map);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(sum);
	ck_assert_str_eq(fq_map_str(c, "status"), fq_map_str(sum, "status"));
	ck_assert_str_eq(it->digest.status, fq_map_str(c, "status"));
	if (s->n < 8)
		snprintf(s->status[s->n], 16, "%s", fq_map_str(c, "status"));
	s->n++;
	if (!strcmp(fq_map_str(c, "status"), "mediating"))
		s->mediating++;
	return 0;
}

static void
run(struct fq_index_stats *stats, struct seen *s)
{
	struct fq_error err = FQ_ERROR_INIT;

	memset(s, 0, sizeof(*s));
	ck_assert_msg(fq_index_run(st, count, s, stats, &err) == 0, "%s",
		err.msg);
}

static char *
index_path(void)
{
	return fq_test_path(fq_store_private_dir(st), "index");
}

START_TEST(test_scan_incremental)
{
	struct fq_index_stats x;
	struct seen s;
	int i;

	for (i = 1; i <= 5; i++)
		commit_case(i, "accepted");
	run(&x, &s);
	ck_assert_uint_eq(x.cases, 5);
	ck_assert_uint_eq(x.parsed, 5);
	ck_assert(!x.loaded);
	ck_assert(x.written);
	ck_assert_uint_eq(s.n, 5);
	run(&x, &s);
	ck_assert(x.loaded);
	ck_assert_uint_eq(x.parsed, 0);
	ck_assert(!x.written);
	ck_assert_uint_eq(s.n, 5);
	/* one case changed, one added: two parsed */
	commit_case(3, "mediating");
	commit_case(6, "mediating");
	run(&x, &s);
	ck_assert_uint_eq(x.parsed, 2);
	ck_assert(x.written || x.appended);
	ck_assert_uint_eq(s.mediating, 2);
	ck_assert_str_eq(s.status[2], "mediating");
	run(&x, &s);
	ck_assert_uint_eq(x.parsed, 0);
}
END_TEST

/* A damaged index is never trusted: cut anywhere, a byte flipped
 * anywhere, the results stay and the index comes back whole. */
START_TEST(test_scan_damaged)
{
	struct fq_index_stats x;
	struct seen s, want;
	char *path, *good;
	struct stat sb;
	size_t size, at;
	int i, fd;

	for (i = 1; i <= 4; i++)
		commit_case(i, i % 2 ? "accepted" : "mediating");
	run(&x, &want);
	path = index_path();
	ck_assert(stat(path, &sb) == 0);
	size = (size_t)sb.st_size;
	good = fq_test_read_file(path);
	ck_assert_ptr_nonnull(good);
	for (at = 0; at < size; at += 7) {
		/* truncated */
		ck_assert(truncate(path, (off_t)at) == 0);
		run(&x, &s);
		ck_assert_uint_eq(s.n, want.n);
		ck_assert_uint_eq(s.mediating, want.mediating);
		ck_assert_uint_eq(x.parsed, 4);
		/* one byte changed */
		fd = open(path, O_WRONLY | O_TRUNC);
		ck_assert(fd >= 0);
		ck_assert(write(fd, good, size) == (ssize_t)size);
		close(fd);
		fd = open(path, O_WRONLY);
		ck_assert(pwrite(fd, "\x5a", 1, (off_t)at) == 1 ||
			good[at] == 0x5a);
		close(fd);
		run(&x, &s);
		ck_assert_uint_eq(s.n, want.n);
		ck_assert_uint_eq(s.mediating, want.mediating);
		ck_assert_msg(good[at] == 0x5a || x.parsed == 4 ||
			x.reparsed >= 1, "byte %zu changed and trusted", at);
		/* whole again */
		run(&x, &s);
		ck_assert_uint_eq(x.parsed, 0);
		ck_assert_uint_eq(x.reparsed, 0);
	}
	free(good);
	free(path);
}
END_TEST

static char *
log_path(void)
{
	return fq_test_path(fq_store_private_dir(st), "index.log");
}

static off_t
file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_size : -1;
}

/* A change is appended to the log: the file stays, the next run reads no
 * git tree and parses nothing; a damaged log is never trusted; enough
 * appends and the file is written anew, the log gone. */
START_TEST(test_scan_log)
{
	struct fq_index_stats x;
	struct seen s;
	char *path = index_path(), *lpath = log_path(), *before, *good_log;
	off_t size, lsize;
	int i, fd;

	for (i = 1; i <= 60; i++)
		commit_case(i, "accepted");
	run(&x, &s);
	ck_assert(x.written);
	ck_assert_uint_ge(x.trees, 3);	/* cases, 2024, 03 */
	run(&x, &s);
	ck_assert_uint_eq(x.trees, 0);	/* HEAD's trees from the index */
	ck_assert_uint_eq(x.parsed, 0);
	before = fq_test_read_file(path);
	size = file_size(path);
	commit_case(7, "mediating");
	run(&x, &s);
	ck_assert_uint_eq(x.parsed, 1);
	ck_assert_uint_eq(x.trees, 3);	/* the path to the changed file */
	ck_assert(x.appended);
	ck_assert(!x.written);
	ck_assert_uint_eq(s.mediating, 1);
	ck_assert_int_eq(file_size(path), size);
	{
		char *now = fq_test_read_file(path);

		ck_assert(!memcmp(now, before, (size_t)size));
		free(now);
	}
	lsize = file_size(lpath);
	ck_assert_int_gt(lsize, 0);
	good_log = fq_test_read_file(lpath);
	run(&x, &s);
	ck_assert_uint_eq(x.parsed, 0);
	ck_assert_uint_eq(x.trees, 0);
	ck_assert(!x.appended && !x.written);
	ck_assert_uint_eq(s.mediating, 1);
	/* the log cut short: its chunk is not trusted, and comes back */
	ck_assert(truncate(lpath, lsize - 9) == 0);
	run(&x, &s);
	ck_assert_uint_eq(x.parsed, 1);
	ck_assert_uint_eq(s.mediating, 1);
	ck_assert(x.appended);
	ck_assert_int_eq(file_size(lpath), lsize);
	/* a byte changed in the log's data: reparsed, the file written anew */
	fd = open(lpath, O_WRONLY);
	ck_assert(pwrite(fd, "\x5a\xa5", 2, lsize - 40) == 2);
	close(fd);
	run(&x, &s);
	ck_assert_uint_eq(s.mediating, 1);
	ck_assert(x.reparsed >= 1 || x.parsed == 1);
	run(&x, &s);
	ck_assert_uint_eq(x.parsed, 0);
	ck_assert_uint_eq(x.reparsed, 0);
	ck_assert_uint_eq(s.mediating, 1);
	/* many changes: appended, and now and then written anew */
	for (i = 8; i < 20; i++) {
		commit_case(i, "mediating");
		run(&x, &s);
		ck_assert_uint_eq(x.parsed, 1);
		ck_assert_uint_eq(s.mediating, (size_t)(i - 6));
	}
	run(&x, &s);
	ck_assert_uint_eq(x.parsed, 0);
	ck_assert_uint_eq(x.trees, 0);
	/* the first log back, over a file it does not extend: ignored */
	ck_assert(unlink(path) == 0);
	run(&x, &s);
	ck_assert(x.written);
	ck_assert_int_eq(file_size(lpath), -1);	/* the old log removed */
	fd = open(lpath, O_WRONLY | O_CREAT, 0600);
	ck_assert(write(fd, good_log, (size_t)lsize) == (ssize_t)lsize);
	close(fd);
	run(&x, &s);
	ck_assert_uint_eq(x.parsed, 0);
	ck_assert_uint_eq(s.mediating, 13);
	ck_assert_uint_eq(s.n, 60);
	free(good_log);
	free(before);
	free(path);
	free(lpath);
}
END_TEST

START_TEST(test_nodecache)
{
	struct fq_node *a = parse("x: 1\ny: [a, b]\n"), *got;
	const char *oid = "0123456789abcdef0123456789abcdef01234567";
	const char *oid2 = "1123456789abcdef0123456789abcdef01234567";
	fq_nodecache *nc;

	nc = fq_nodecache_open(st, "t", 42);
	ck_assert_ptr_null(fq_nodecache_get(nc, oid));
	fq_nodecache_put(nc, oid, a);
	fq_nodecache_put(nc, oid2, a);
	fq_nodecache_close(nc);
	nc = fq_nodecache_open(st, "t", 42);
	got = fq_nodecache_get(nc, oid);
	ck_assert_ptr_nonnull(got);
	ck_assert(fq_node_equal(got, a));
	fq_node_free(got);
	ck_assert_ptr_null(fq_nodecache_get(nc, "not an oid"));
	fq_nodecache_close(nc);	/* only oid kept */
	nc = fq_nodecache_open(st, "t", 42);
	ck_assert_ptr_null(fq_nodecache_get(nc, oid2));
	got = fq_nodecache_get(nc, oid);
	ck_assert_ptr_nonnull(got);
	fq_node_free(got);
	fq_nodecache_close(nc);
	/* another key: nothing */
	nc = fq_nodecache_open(st, "t", 43);
	ck_assert_ptr_null(fq_nodecache_get(nc, oid));
	fq_nodecache_put(nc, oid2, a);
	fq_nodecache_close(nc);
	nc = fq_nodecache_open(st, "t", 42);
	ck_assert_ptr_null(fq_nodecache_get(nc, oid));
	fq_nodecache_close(nc);
	fq_node_free(a);
}
END_TEST

/* The ids a part saw, in the order it saw them. */
struct order {
	char ids[40][32];
	size_t n;
	pthread_t self;
};

static int
note(struct fq_index_item *it, void *data)
{
	struct order *o = data;
	const struct fq_node *c = fq_index_item_case(it);

	ck_assert_ptr_nonnull(c);
	if (o->n < 40)
		snprintf(o->ids[o->n], 32, "%s", fq_map_str(c, "id"));
	o->n++;
	o->self = pthread_self();
	return 0;
}

/* Cut into parts, cold or warm: every case once, in path order. */
START_TEST(test_parts)
{
	struct fq_error err = FQ_ERROR_INIT;
	struct order all, parts[5];
	void *data[5];
	size_t np, j, k, at;
	int i;

	for (i = 1; i <= 23; i++)
		commit_case(i, i % 3 ? "accepted" : "mediating");
	ck_assert_int_eq(fq_index_each_parts(st, 0, 1, note, data, &err),
		FQ_EUSAGE);
	for (np = 1; np <= 5; np++) {
		if (np == 2)	/* the index now warm: threads */
			commit_case(24, "accepted");
		memset(&all, 0, sizeof(all));
		ck_assert_msg(fq_index_each(st, note, &all, &err) == 0, "%s",
			err.msg);
		memset(parts, 0, sizeof(parts));
		for (j = 0; j < np; j++)
			data[j] = &parts[j];
		if (np == 3) {	/* cold: one part after the other */
			char *path = index_path();

			unlink(path);
			free(path);
		}
		ck_assert_msg(fq_index_each_parts(st, np, np % 2 ? 2 : 1,
			note, data, &err) == 0, "%s", err.msg);
		for (j = 0, at = 0; j < np; j++) {
			ck_assert_uint_ge(parts[j].n, all.n / np);
			ck_assert_uint_le(parts[j].n, all.n / np + 1);
			for (k = 0; k < parts[j].n; k++, at++)
				ck_assert_str_eq(parts[j].ids[k], all.ids[at]);
		}
		ck_assert_uint_eq(at, all.n);
		/* in one thread: this one */
		if (np % 2 == 0)
			for (j = 0; j < np; j++)
				ck_assert(pthread_equal(parts[j].self,
					pthread_self()));
	}
}
END_TEST

/* peek: the cached tree, borrowed until the next peek */
START_TEST(test_nodecache_peek)
{
	struct fq_node *a = parse("x: 1\ny: [a, b]\n");
	struct fq_node *b = parse("z: {k: v}\n");
	const char *oid = "0123456789abcdef0123456789abcdef01234567";
	const char *oid2 = "1123456789abcdef0123456789abcdef01234567";
	const struct fq_node *got;
	fq_nodecache *nc;

	nc = fq_nodecache_open(st, "t", 42);
	ck_assert_ptr_null(fq_nodecache_peek(nc, oid));
	fq_nodecache_put(nc, oid, a);
	fq_nodecache_put(nc, oid2, b);
	fq_nodecache_close(nc);
	nc = fq_nodecache_open(st, "t", 42);
	got = fq_nodecache_peek(nc, oid);
	ck_assert_ptr_nonnull(got);
	ck_assert(fq_node_equal(got, a));
	got = fq_nodecache_peek(nc, oid2);
	ck_assert_ptr_nonnull(got);
	ck_assert(fq_node_equal(got, b));
	ck_assert_ptr_null(fq_nodecache_peek(nc, "not an oid"));
	ck_assert_ptr_null(fq_nodecache_peek(NULL, oid));
	fq_nodecache_close(nc);
	fq_node_free(a);
	fq_node_free(b);
}
END_TEST

/* Readers of one cache in threads: each finds every tree, in its own
 * order (one against the cursor: the table of slots, built once), and
 * their puts all land. */
#define NREAD 1500

struct rd_arg {
	fq_nodecache *nc;
	bool backward;
	int ok;
};

static void
rd_oid(char out[41], int i, int salt)
{
	snprintf(out, 41, "%08x%02x%030x", (unsigned)i * 2654435761u,
		salt, (unsigned)i);
}

static void *
rd_run(void *arg)
{
	struct rd_arg *r = arg;
	fq_nodecache_reader *rd = fq_nodecache_reader_new(r->nc);
	char oid[41], want[32];
	int k;

	for (k = 0; k < NREAD; k++) {
		int i = r->backward ? NREAD - 1 - k : k;
		const struct fq_node *got;

		rd_oid(oid, i, 0);
		snprintf(want, sizeof(want), "%d", i);
		got = fq_nodecache_reader_peek(rd, oid);
		if (got && fq_map_str(got, "n") &&
		    !strcmp(fq_map_str(got, "n"), want))
			r->ok++;
		/* a put of its own, beside the other thread's */
		if (k % 10 == 0) {
			struct fq_node *m = fq_node_new(FQ_NODE_MAP);

			fq_map_set_str(m, "n", want);
			rd_oid(oid, i, r->backward ? 2 : 1);
			fq_nodecache_put(r->nc, oid, m);
			fq_node_free(m);
		}
	}
	rd_oid(oid, NREAD, 0);
	if (!fq_nodecache_reader_peek(rd, oid))
		r->ok++;	/* not there */
	fq_nodecache_reader_free(rd);
	return NULL;
}

START_TEST(test_nodecache_readers)
{
	struct rd_arg a[2];
	pthread_t th;
	fq_nodecache *nc;
	char oid[41], want[32];
	int i, found = 0;

	nc = fq_nodecache_open(st, "rd", 7);
	for (i = 0; i < NREAD; i++) {
		struct fq_node *m = fq_node_new(FQ_NODE_MAP);

		snprintf(want, sizeof(want), "%d", i);
		fq_map_set_str(m, "n", want);
		rd_oid(oid, i, 0);
		fq_nodecache_put(nc, oid, m);
		fq_node_free(m);
	}
	fq_nodecache_close(nc);
	nc = fq_nodecache_open(st, "rd", 7);
	ck_assert_ptr_null(fq_nodecache_reader_new(NULL));
	ck_assert_ptr_null(fq_nodecache_reader_peek(NULL, oid));
	a[0].nc = a[1].nc = nc;
	a[0].backward = false;
	a[1].backward = true;
	a[0].ok = a[1].ok = 0;
	ck_assert_int_eq(pthread_create(&th, NULL, rd_run, &a[1]), 0);
	rd_run(&a[0]);
	pthread_join(th, NULL);
	ck_assert_int_eq(a[0].ok, NREAD + 1);
	ck_assert_int_eq(a[1].ok, NREAD + 1);
	fq_nodecache_close(nc);
	/* every tree peeked is kept, and both threads' puts */
	nc = fq_nodecache_open(st, "rd", 7);
	for (i = 0; i < NREAD; i++) {
		const struct fq_node *got;

		rd_oid(oid, i, 0);
		found += fq_nodecache_peek(nc, oid) != NULL;
		if (i % 10)
			continue;
		rd_oid(oid, i, 1);
		found += (got = fq_nodecache_peek(nc, oid)) != NULL;
		rd_oid(oid, NREAD - 1 - i, 2);
		found += (got = fq_nodecache_peek(nc, oid)) != NULL;
	}
	ck_assert_int_eq(found, NREAD + 2 * (NREAD / 10));
	fq_nodecache_close(nc);
}
END_TEST

Suite *
fq_index_suite(void)
{
	Suite *s = suite_create("index");
	TCase *tc;

	tc = tcase_create("format");
	tcase_add_test(tc, test_pack_roundtrip);
	tcase_add_test(tc, test_pack_damaged);
	tcase_add_test(tc, test_pack_summary);
	tcase_add_test(tc, test_projection);
	tcase_add_loop_test(tc, test_digest, 0,
		(int)(sizeof(digest_texts) / sizeof(digest_texts[0])));
	tcase_add_test(tc, test_digest_values);
	suite_add_tcase(s, tc);

	tc = tcase_create("store");
	tcase_add_checked_fixture(tc, store_setup, store_teardown);
	tcase_add_test(tc, test_scan_incremental);
	tcase_add_test(tc, test_scan_damaged);
	tcase_add_test(tc, test_scan_log);
	tcase_add_test(tc, test_nodecache);
	tcase_add_test(tc, test_parts);
	tcase_add_test(tc, test_nodecache_peek);
	tcase_add_test(tc, test_nodecache_readers);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
