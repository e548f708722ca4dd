/*
 * check_sync.c: the per-case three-way merge of fq sync (fq_case_merge3,
 * lib/merge.c) — a pure function on trees: base/ours/theirs in, merged
 * case and conflicts out — and the bundle sniffing of lib/sync.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fq/case.h"
#include "fq/node.h"
#include "fq/schema.h"
#include "fq/sync.h"
#include "internal.h"
#include "fixture.h"

#ifndef FQ_TEST_DATA_DIR
#error "FQ_TEST_DATA_DIR must name the source tree's tests/data directory"
#endif
#define BASIC FQ_TEST_DATA_DIR "/cases/valid-basic.yaml"
#define NOW "2024-03-20T10:00:00+08:00"

Suite *fq_sync_suite(void);

static fq_schema *sc;
static struct fq_node *base, *ours, *theirs, *merged;
static struct fq_conflicts cf;

static void
setup(void)
{
	struct fq_error err = FQ_ERROR_INIT;

	if (fq_schema_load(&sc, FQ_TEST_SCHEMA_DIR, &err) != FQ_OK)
		ck_abort_msg("cannot load the schemas: %s", err.msg);
	if (fq_yaml_load(&base, BASIC, &err) != FQ_OK)
		ck_abort_msg("cannot load %s: %s", BASIC, err.msg);
	ours = fq_node_dup(base);
	theirs = fq_node_dup(base);
	merged = NULL;
	memset(&cf, 0, sizeof(cf));
}

static void
teardown(void)
{
	fq_node_free(base);
	fq_node_free(ours);
	fq_node_free(theirs);
	fq_node_free(merged);
	fq_conflicts_release(&cf);
	fq_schema_free(sc);
}

/* Merge with conflicts recorded in the case, as fq sync does. */
static void
merge(void)
{
	struct fq_merge_opts o = { NOW, "origin", true };
	struct fq_error err = FQ_ERROR_INIT;

	ck_assert_int_eq(fq_case_merge3(&merged, base, ours, theirs, &o, &cf,
		&err), FQ_OK);
	ck_assert_ptr_nonnull(merged);
}

/* The merged case renders and validates against the schema. */
static void
assert_valid(void)
{
	struct fq_buf b = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;
	int r = fq_case_render(&b, sc, merged, &err);

	ck_assert_msg(r == FQ_OK, "merged case invalid: %s", err.msg);
	fq_buf_release(&b);
}

static struct fq_node *
event(const char *at, const char *note)
{
	struct fq_node *e = fq_node_new(FQ_NODE_MAP);

	fq_map_set_str(e, "at", at);
	fq_map_set_str(e, "kind", "note");
	fq_map_set_str(e, "actor", "李调解");
	fq_map_set(e, "note", fq_node_text(note));
	return e;
}

static void
add_event(struct fq_node *c, const char *at, const char *note)
{
	fq_seq_push(fq_map_get(c, "events"), event(at, note));
}

static const char *
event_note(size_t i)
{
	const struct fq_node *ev = fq_map_get(merged, "events");

	ck_assert_uint_gt(ev->len, i);
	return fq_map_str(ev->vals[i], "note");
}

START_TEST(test_one_side_wins)
{
	fq_map_set_str(theirs, "status", "agreed");
	fq_map_set_str(ours, "village", "西湾村");
	merge();
	ck_assert_str_eq(fq_map_str(merged, "status"), "agreed");
	ck_assert_str_eq(fq_map_str(merged, "village"), "西湾村");
	ck_assert_uint_eq(cf.n, 0);
	ck_assert_ptr_null(fq_map_get(merged, "conflicts"));
	ck_assert_ptr_null(fq_map_get(merged, "flags"));
	assert_valid();
}
END_TEST

START_TEST(test_same_change_both_sides)
{
	fq_map_set_str(ours, "risk_color", "yellow");
	fq_map_set_str(theirs, "risk_color", "yellow");
	merge();
	ck_assert_str_eq(fq_map_str(merged, "risk_color"), "yellow");
	ck_assert_uint_eq(cf.n, 0);
}
END_TEST

START_TEST(test_no_change_is_base)
{
	merge();
	ck_assert(fq_node_equal(merged, base));
	ck_assert_uint_eq(cf.n, 0);
}
END_TEST

START_TEST(test_events_union_by_time)
{
	add_event(ours, "2024-03-10T10:00:00+08:00", "ours later");
	add_event(theirs, "2024-03-10T09:00:00+08:00", "theirs earlier");
	merge();
	ck_assert_uint_eq(fq_map_get(merged, "events")->len, 4);
	ck_assert_str_eq(event_note(0), "张三来所申请调解");
	ck_assert_str_eq(event_note(2), "theirs earlier");
	ck_assert_str_eq(event_note(3), "ours later");
	ck_assert_uint_eq(cf.n, 0);
	assert_valid();
}
END_TEST

START_TEST(test_events_identical_once)
{
	add_event(ours, "2024-03-10T10:00:00+08:00", "the same call");
	add_event(theirs, "2024-03-10T10:00:00+08:00", "the same call");
	add_event(theirs, "2024-03-11T10:00:00+08:00", "only there");
	merge();
	ck_assert_uint_eq(fq_map_get(merged, "events")->len, 4);
	ck_assert_str_eq(event_note(2), "the same call");
	ck_assert_str_eq(event_note(3), "only there");
}
END_TEST

START_TEST(test_events_offsets)
{
	/* 02:30Z is 10:30 in Beijing: after 10:00+08:00 */
	add_event(ours, "2024-03-10T02:30:00Z", "utc");
	add_event(theirs, "2024-03-10T10:00:00+08:00", "beijing");
	merge();
	ck_assert_str_eq(event_note(2), "beijing");
	ck_assert_str_eq(event_note(3), "utc");
}
END_TEST

START_TEST(test_events_same_time_keeps_ours_first)
{
	add_event(ours, "2024-03-10T10:00:00+08:00", "ours");
	add_event(theirs, "2024-03-10T10:00:00+08:00", "theirs");
	merge();
	ck_assert_str_eq(event_note(2), "ours");
	ck_assert_str_eq(event_note(3), "theirs");
}
END_TEST

START_TEST(test_event_removed_on_one_side)
{
	struct fq_node *ev = fq_map_get(ours, "events");

	/* ours dropped the second event (fq edit); theirs kept it as is */
	fq_node_free(ev->vals[1]);
	ev->len = 1;
	add_event(theirs, "2024-03-12T10:00:00+08:00", "new there");
	merge();
	ck_assert_uint_eq(fq_map_get(merged, "events")->len, 2);
	ck_assert_str_eq(event_note(1), "new there");
}
END_TEST

START_TEST(test_true_conflict_kept_both_ways)
{
	const struct fq_node *list, *c, *flags;

	fq_map_set_str(ours, "status", "agreed");
	fq_map_set_str(theirs, "status", "referred_out");
	merge();
	ck_assert_str_eq(fq_map_str(merged, "status"), "agreed");
	ck_assert_uint_eq(cf.n, 1);
	ck_assert_str_eq(cf.v[0].field, "status");
	ck_assert_str_eq(cf.v[0].kept, "agreed");
	ck_assert_str_eq(cf.v[0].other, "referred_out");
	list = fq_map_get(merged, "conflicts");
	ck_assert_ptr_nonnull(list);
	ck_assert_uint_eq(list->len, 1);
	c = list->vals[0];
	ck_assert_str_eq(fq_map_str(c, "field"), "status");
	ck_assert_str_eq(fq_map_str(c, "kept"), "agreed");
	ck_assert_str_eq(fq_map_str(c, "other"), "referred_out");
	ck_assert_str_eq(fq_map_str(c, "at"), NOW);
	ck_assert_str_eq(fq_map_str(c, "from"), "origin");
	flags = fq_map_get(merged, "flags");
	ck_assert_ptr_nonnull(flags);
	ck_assert_uint_eq(flags->len, 1);
	ck_assert_str_eq(flags->vals[0]->str,
		"sync conflict: status (other copy: referred_out)");
	assert_valid();
}
END_TEST

START_TEST(test_conflict_not_recorded_without_record)
{
	struct fq_merge_opts o = { NOW, NULL, false };
	struct fq_error err = FQ_ERROR_INIT;

	fq_map_set_str(ours, "title", "甲");
	fq_map_set_str(theirs, "title", "乙");
	ck_assert_int_eq(fq_case_merge3(&merged, base, ours, theirs, &o, &cf,
		&err), FQ_OK);
	ck_assert_uint_eq(cf.n, 1);
	ck_assert_str_eq(fq_map_str(merged, "title"), "甲");
	ck_assert_ptr_null(fq_map_get(merged, "conflicts"));
}
END_TEST

START_TEST(test_derived_times_no_conflict)
{
	fq_map_set_str(ours, "updated_at", "2024-03-10T09:00:00+08:00");
	fq_map_set_str(theirs, "updated_at", "2024-03-11T09:00:00+08:00");
	fq_map_set_str(ours, "due_on", "2024-04-20");
	fq_map_set_str(theirs, "due_on", "2024-04-10");
	merge();
	ck_assert_str_eq(fq_map_str(merged, "updated_at"),
		"2024-03-11T09:00:00+08:00");
	ck_assert_str_eq(fq_map_str(merged, "due_on"), "2024-04-10");
	ck_assert_uint_eq(cf.n, 0);
}
END_TEST

START_TEST(test_mapping_key_by_key)
{
	struct fq_node *a = fq_node_new(FQ_NODE_MAP), *ao, *at;

	fq_map_set_str(a, "form", "written");
	fq_map_set_str(a, "effective_on", "2024-03-15");
	fq_map_set(a, "terms", fq_node_text("李四改建排水沟"));
	fq_map_set(base, "agreement", a);
	ao = fq_node_dup(a);
	at = fq_node_dup(a);
	fq_map_set_str(ao, "performance_status", "performed");
	fq_map_set(at, "terms", fq_node_text("李四改建排水沟并赔偿"));
	fq_map_set(ours, "agreement", ao);
	fq_map_set(theirs, "agreement", at);
	merge();
	a = fq_map_get(merged, "agreement");
	ck_assert_str_eq(fq_map_str(a, "performance_status"), "performed");
	ck_assert_str_eq(fq_map_str(a, "terms"), "李四改建排水沟并赔偿");
	ck_assert_uint_eq(cf.n, 0);
	assert_valid();
}
END_TEST

START_TEST(test_mapping_conflict_path)
{
	struct fq_node *a = fq_node_new(FQ_NODE_MAP);

	fq_map_set_str(a, "form", "written");
	fq_map_set_str(a, "effective_on", "2024-03-15");
	fq_map_set(base, "agreement", a);
	a = fq_node_dup(a);
	fq_map_set(a, "terms", fq_node_text("甲"));
	fq_map_set(ours, "agreement", a);
	a = fq_node_dup(a);
	fq_map_set(a, "terms", fq_node_text("乙"));
	fq_map_set(theirs, "agreement", a);
	merge();
	ck_assert_uint_eq(cf.n, 1);
	ck_assert_str_eq(cf.v[0].field, "agreement.terms");
	ck_assert_str_eq(fq_map_str(fq_map_get(merged, "agreement"),
		"terms"), "甲");
	assert_valid();
}
END_TEST

static struct fq_node *
referral(const char *n, const char *state)
{
	struct fq_node *r = fq_node_new(FQ_NODE_MAP);

	fq_map_set_str(r, "n", n);
	fq_map_set_str(r, "direction", "out");
	fq_map_set_str(r, "kind", "delegate");
	fq_map_set_str(r, "channel", "court");
	fq_map_set_str(r, "state", state);
	return r;
}

START_TEST(test_referrals_by_number)
{
	struct fq_node *rb = fq_node_new(FQ_NODE_SEQ), *ro, *rt, *m;

	fq_seq_push(rb, referral("1", "sent"));
	fq_map_set(base, "referrals", rb);
	ro = fq_node_dup(rb);
	rt = fq_node_dup(rb);
	fq_map_set_str(ro->vals[0], "state", "received");
	fq_map_set(rt->vals[0], "note", fq_node_text("电话催办"));
	fq_seq_push(rt, referral("2", "sent"));
	fq_map_set(ours, "referrals", ro);
	fq_map_set(theirs, "referrals", rt);
	merge();
	m = fq_map_get(merged, "referrals");
	ck_assert_uint_eq(m->len, 2);
	ck_assert_str_eq(fq_map_str(m->vals[0], "state"), "received");
	ck_assert_str_eq(fq_map_str(m->vals[0], "note"), "电话催办");
	ck_assert_str_eq(fq_map_str(m->vals[1], "n"), "2");
	ck_assert_uint_eq(cf.n, 0);
}
END_TEST

START_TEST(test_referral_conflict_path)
{
	struct fq_node *rb = fq_node_new(FQ_NODE_SEQ), *ro, *rt;

	fq_seq_push(rb, referral("1", "sent"));
	fq_map_set(base, "referrals", rb);
	ro = fq_node_dup(rb);
	rt = fq_node_dup(rb);
	fq_map_set_str(ro->vals[0], "state", "received");
	fq_map_set_str(rt->vals[0], "state", "returned");
	fq_map_set(ours, "referrals", ro);
	fq_map_set(theirs, "referrals", rt);
	merge();
	ck_assert_uint_eq(cf.n, 1);
	ck_assert_str_eq(cf.v[0].field, "referrals[1].state");
}
END_TEST

START_TEST(test_lists_as_sets)
{
	const struct fq_node *m;

	fq_seq_push(fq_map_get(ours, "mediators"), fq_node_scalar("孙七"));
	fq_seq_push(fq_map_get(theirs, "mediators"), fq_node_scalar("周八"));
	merge();
	m = fq_map_get(merged, "mediators");
	ck_assert_uint_eq(m->len, 4);
	ck_assert_str_eq(m->vals[0]->str, "王五");
	ck_assert_str_eq(m->vals[2]->str, "孙七");
	ck_assert_str_eq(m->vals[3]->str, "周八");
}
END_TEST

START_TEST(test_removed_here_changed_there)
{
	fq_map_del(ours, "village");
	fq_map_set_str(theirs, "village", "西湾村");
	merge();
	/* nothing is lost: the changed value stays, and it is flagged */
	ck_assert_str_eq(fq_map_str(merged, "village"), "西湾村");
	ck_assert_uint_eq(cf.n, 1);
	ck_assert_str_eq(cf.v[0].field, "village");
	ck_assert_ptr_null(cf.v[0].other);
}
END_TEST

START_TEST(test_added_on_both_sides)
{
	struct fq_merge_opts o = { NOW, NULL, true };
	struct fq_error err = FQ_ERROR_INIT;

	fq_map_set_str(theirs, "title", "另一个名称");
	add_event(theirs, "2024-03-12T10:00:00+08:00", "there");
	ck_assert_int_eq(fq_case_merge3(&merged, NULL, ours, theirs, &o, &cf,
		&err), FQ_OK);
	ck_assert_uint_eq(cf.n, 1);
	ck_assert_str_eq(cf.v[0].field, "title");
	ck_assert_uint_eq(fq_map_get(merged, "events")->len, 3);
}
END_TEST

START_TEST(test_inputs_unchanged)
{
	struct fq_node *o0, *t0, *b0;

	fq_map_set_str(ours, "status", "agreed");
	fq_map_set_str(theirs, "status", "closed");
	add_event(theirs, "2024-03-12T10:00:00+08:00", "there");
	o0 = fq_node_dup(ours);
	t0 = fq_node_dup(theirs);
	b0 = fq_node_dup(base);
	merge();
	ck_assert(fq_node_equal(ours, o0));
	ck_assert(fq_node_equal(theirs, t0));
	ck_assert(fq_node_equal(base, b0));
	fq_node_free(o0);
	fq_node_free(t0);
	fq_node_free(b0);
}
END_TEST

START_TEST(test_remerge_no_duplicate_flag)
{
	struct fq_node *first;

	fq_map_set_str(ours, "title", "甲");
	fq_map_set_str(theirs, "title", "乙");
	merge();
	first = merged;
	merged = NULL;
	/* the merged case is ours now; the other side changes the title
	 * again: one more conflict entry and flag; the same conflict merged
	 * once more adds nothing to the flags */
	fq_node_free(base);
	base = theirs;
	theirs = fq_node_dup(base);
	fq_map_set_str(theirs, "title", "丙");
	fq_node_free(ours);
	ours = first;
	merge();
	ck_assert_uint_eq(fq_map_get(merged, "conflicts")->len, 2);
	ck_assert_uint_eq(fq_map_get(merged, "flags")->len, 2);
	fq_node_free(ours);
	ours = merged;
	merged = NULL;
	merge();
	ck_assert_uint_eq(fq_map_get(merged, "flags")->len, 2);
}
END_TEST

START_TEST(test_long_other_value_not_in_flag)
{
	const struct fq_node *flags;

	fq_map_set(ours, "summary", fq_node_text("这一处写的简要情况"));
	fq_map_set(theirs, "summary", fq_node_text("第一行\n第二行"));
	merge();
	flags = fq_map_get(merged, "flags");
	ck_assert_str_eq(flags->vals[0]->str, "sync conflict: summary");
	ck_assert_str_eq(fq_map_str(fq_map_get(merged, "conflicts")->vals[0],
		"other"), "第一行\n第二行");
	assert_valid();
}
END_TEST

START_TEST(test_not_a_mapping)
{
	struct fq_node *s = fq_node_scalar("x");
	struct fq_error err = FQ_ERROR_INIT;

	ck_assert_int_eq(fq_case_merge3(&merged, base, s, theirs, NULL, NULL,
		&err), FQ_EUSAGE);
	ck_assert_ptr_null(merged);
	fq_node_free(s);
}
END_TEST

START_TEST(test_is_bundle)
{
	char *dir = fq_test_tmpdir(), *a = fq_test_path(dir, "a.bundle"),
		*b = fq_test_path(dir, "b.bundle");

	fq_test_write_file(a, "# v2 git bundle\n-0000 x\n\nPACK");
	fq_test_write_file(b, "# v1 git bundle\n");
	ck_assert(fq_sync_is_bundle(a));
	ck_assert(!fq_sync_is_bundle(b));
	ck_assert(!fq_sync_is_bundle(dir));
	ck_assert(!fq_sync_is_bundle("/nonexistent/x.bundle"));
	fq_test_rmtree(dir);
	free(a);
	free(b);
	free(dir);
}
END_TEST

/*
 * The CA certificates deferred (lib/tls.c): what libgit2 asks to parse
 * while fq_tls_defer(true) is parsed by fq_tls_load(); a file that cannot
 * be read is an error then and at every later call (a second remote is
 * never told they are loaded); a second file into the same chain has the
 * first parsed then, not dropped.  The files do not exist: mbedTLS fails
 * to read them before it touches the chain.
 */
struct mbedtls_x509_crt;
int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain,
	const char *path);

START_TEST(test_tls_deferred)
{
	static unsigned char chain[4096];
	struct mbedtls_x509_crt *c = (struct mbedtls_x509_crt *)chain;

	ck_assert(!fq_tls_pending());
	ck_assert_int_eq(fq_tls_load(), FQ_OK);	/* nothing to load */
	fq_tls_defer(true);
	ck_assert_int_eq(mbedtls_x509_crt_parse_file(c,
		"/nonexistent/fq-ca-1.crt"), 0);	/* deferred */
	fq_tls_defer(false);
	ck_assert(fq_tls_pending());
	ck_assert_int_eq(fq_tls_load(), FQ_ERROR);
	ck_assert(!fq_tls_pending());
	ck_assert_int_eq(fq_tls_load(), FQ_ERROR);	/* and it stays one */
}
END_TEST

START_TEST(test_tls_second_file)
{
	static unsigned char chain[4096];
	struct mbedtls_x509_crt *c = (struct mbedtls_x509_crt *)chain;

	fq_tls_defer(true);
	ck_assert_int_eq(mbedtls_x509_crt_parse_file(c,
		"/nonexistent/fq-ca-1.crt"), 0);
	/* the second goes through, the first is parsed (and fails) now */
	ck_assert_int_lt(mbedtls_x509_crt_parse_file(c,
		"/nonexistent/fq-ca-2.crt"), 0);
	fq_tls_defer(false);
	ck_assert(!fq_tls_pending());
	ck_assert_int_eq(fq_tls_load(), FQ_ERROR);
}
END_TEST

Suite *
fq_sync_suite(void)
{
	Suite *s = suite_create("sync");
	TCase *tc = tcase_create("merge3");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_one_side_wins);
	tcase_add_test(tc, test_same_change_both_sides);
	tcase_add_test(tc, test_no_change_is_base);
	tcase_add_test(tc, test_events_union_by_time);
	tcase_add_test(tc, test_events_identical_once);
	tcase_add_test(tc, test_events_offsets);
	tcase_add_test(tc, test_events_same_time_keeps_ours_first);
	tcase_add_test(tc, test_event_removed_on_one_side);
	tcase_add_test(tc, test_true_conflict_kept_both_ways);
	tcase_add_test(tc, test_conflict_not_recorded_without_record);
	tcase_add_test(tc, test_derived_times_no_conflict);
	tcase_add_test(tc, test_mapping_key_by_key);
	tcase_add_test(tc, test_mapping_conflict_path);
	tcase_add_test(tc, test_referrals_by_number);
	tcase_add_test(tc, test_referral_conflict_path);
	tcase_add_test(tc, test_lists_as_sets);
	tcase_add_test(tc, test_removed_here_changed_there);
	tcase_add_test(tc, test_added_on_both_sides);
	tcase_add_test(tc, test_inputs_unchanged);
	tcase_add_test(tc, test_remerge_no_duplicate_flag);
	tcase_add_test(tc, test_long_other_value_not_in_flag);
	tcase_add_test(tc, test_not_a_mapping);
	suite_add_tcase(s, tc);
	tc = tcase_create("bundle");
	tcase_add_test(tc, test_is_bundle);
	suite_add_tcase(s, tc);
	tc = tcase_create("tls");
	tcase_add_test(tc, test_tls_deferred);
	tcase_add_test(tc, test_tls_second_file);
	suite_add_tcase(s, tc);
	return s;
}
