/*
 * check_lifecycle.c: the transition table and state replay.
 */
#include <check.h>
#include <string.h>

#include "fq/lifecycle.h"

Suite *fq_lifecycle_suite(void);

/* The matrix of DOMAIN.md §3.6, written out independently of fq_steps[]:
 * for each verb, the states it may start from. */
static const struct {
	const char *verb;
	const char *from;	/* space-separated */
} expect[] = {
	{ "accept", "reported" },
	{ "reject", "reported accepted" },
	{ "refuse", "accepted mediating" },
	{ "mediate", "accepted" },
	{ "withdraw", "accepted mediating" },
	{ "agree", "mediating" },
	{ "agree-close", "mediating" },
	{ "fail", "mediating" },
	{ "refer", "reported accepted mediating" },
	{ "refer-invite", "reported accepted mediating agreed referred_out" },
	{ "return-close", "referred_out" },
	{ "return-mediate", "referred_out" },
	{ "close", "agreed" },
	{ "reopen", "agreed closed" },
	{ "archive", "closed" },
	{ "risk", "reported accepted mediating agreed referred_out" },
	{ "extend", "accepted mediating agreed" },
	{ "visit", "agreed closed archived" },
	{ "confirm", "agreed closed" },
	{ "merge", "reported accepted mediating agreed referred_out closed "
		"archived" },
};

static bool
listed(const char *list, const char *state)
{
	size_t n = strlen(state);
	const char *p = list;

	while ((p = strstr(p, state))) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

START_TEST(test_lifecycle_matrix)
{
	const char *verb = expect[_i].verb;
	size_t s;

	for (s = 0; fq_states[s]; s++) {
		struct fq_error err = FQ_ERROR_INIT;
		int ret = fq_step_allowed(verb, fq_states[s], &err);

		if (listed(expect[_i].from, fq_states[s])) {
			ck_assert_msg(ret == FQ_OK, "%s from %s refused: %s",
				verb, fq_states[s], err.msg);
		} else {
			ck_assert_msg(ret == FQ_ETRANSITION, "%s from %s allowed",
				verb, fq_states[s]);
			ck_assert_ptr_nonnull(strstr(err.msg, fq_states[s]));
			ck_assert_ptr_nonnull(strstr(err.msg, "allowed from"));
		}
	}
}
END_TEST

START_TEST(test_lifecycle_unknown_verb)
{
	struct fq_error err = FQ_ERROR_INIT;

	ck_assert_int_eq(fq_step_allowed("fly", "accepted", &err), FQ_ERROR);
	ck_assert_ptr_nonnull(strstr(err.msg, "fly"));
}
END_TEST

START_TEST(test_lifecycle_verbs_from)
{
	struct fq_buf b = FQ_BUF_INIT;

	fq_step_verbs_from(&b, "agreed");
	ck_assert_ptr_nonnull(strstr(b.buf, "close"));
	ck_assert_ptr_nonnull(strstr(b.buf, "reopen"));
	ck_assert_ptr_null(strstr(b.buf, "mediate"));
	/* "refer" appears once even though two rows map to it */
	ck_assert_ptr_null(strstr(strstr(b.buf, "refer") + 1, "refer,"));
	/* only the invite form of refer is open to an agreed case: the list
	 * says so rather than offering a bare "refer" that would be refused */
	ck_assert_ptr_nonnull(strstr(b.buf, "refer --kind invite|summon"));
	ck_assert_ptr_null(strstr(b.buf, "refer,"));
	fq_buf_release(&b);
	fq_step_verbs_from(&b, "mediating");
	ck_assert_ptr_nonnull(strstr(b.buf, "agree, "));
	ck_assert_ptr_null(strstr(b.buf, "--close"));
	ck_assert_ptr_nonnull(strstr(b.buf, "refer, "));
	ck_assert_ptr_null(strstr(b.buf, "--kind"));
	fq_buf_release(&b);
	fq_step_verbs_from(&b, "archived");
	ck_assert_str_eq(b.buf, "visit, merge");
	fq_buf_release(&b);
}
END_TEST

START_TEST(test_lifecycle_refused_message)
{
	struct fq_error err = FQ_ERROR_INIT;

	ck_assert_int_eq(fq_step_allowed("refer", "agreed", &err),
		FQ_ETRANSITION);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot refer a case that is "
		"agreed; allowed from agreed: "));
	ck_assert_ptr_null(strstr(err.msg, "refer,"));
}
END_TEST

static struct fq_node *
base_case(void)
{
	struct fq_node *c = fq_node_new(FQ_NODE_MAP);
	struct fq_node *ev;

	fq_map_set_str(c, "id", "QSZ-2024-000001");
	fq_map_set_str(c, "status", "accepted");
	ev = fq_node_new(FQ_NODE_MAP);
	fq_map_set(ev, "at", fq_node_scalar("2024-03-10T09:00:00+08:00"));
	fq_map_set(ev, "effective_on", fq_node_scalar("2024-03-05"));
	fq_map_set_str(ev, "kind", "intake");
	fq_map_set_str(ev, "state_to", "accepted");
	fq_map_set(c, "events", fq_node_new(FQ_NODE_SEQ));
	fq_seq_push(fq_map_get(c, "events"), ev);
	return c;
}

START_TEST(test_lifecycle_move_and_replay)
{
	struct fq_node *c = base_case();
	const char *st, *out;
	struct fq_node *ev;

	ev = fq_case_move(c, "mediating", NULL, "2024-03-12T10:00:00+08:00",
		"2024-03-12", "李", NULL);
	ck_assert_str_eq(fq_map_str(ev, "state_from"), "accepted");
	ck_assert_ptr_null(fq_map_get(ev, "effective_on"));
	fq_case_move(c, "closed", "mediated_oral", "2024-04-02T10:00:00+08:00",
		"2024-03-31", "李", "当场履行");
	ck_assert_str_eq(fq_map_str(c, "status"), "closed");
	ck_assert_str_eq(fq_map_str(c, "outcome"), "mediated_oral");
	ck_assert_str_eq(fq_map_str(c, "closed_on"), "2024-03-31");

	fq_case_state_at(c, "2024-03-04", &st, &out);
	ck_assert_ptr_null(st);
	fq_case_state_at(c, "2024-03-05", &st, &out);
	ck_assert_str_eq(st, "accepted");
	fq_case_state_at(c, "2024-03-12", &st, &out);
	ck_assert_str_eq(st, "mediating");
	ck_assert_ptr_null(out);
	/* effective 03-31 although recorded on 04-02 */
	fq_case_state_at(c, "2024-03-31", &st, &out);
	ck_assert_str_eq(st, "closed");
	ck_assert_str_eq(out, "mediated_oral");

	/* reopening removes the outcome from the case, not from the log */
	fq_case_move(c, "mediating", NULL, "2024-04-10T10:00:00+08:00",
		"2024-04-10", "李", "履行争议");
	ck_assert_ptr_null(fq_map_get(c, "outcome"));
	ck_assert_ptr_null(fq_map_get(c, "closed_on"));
	fq_case_state_at(c, "2024-04-05", &st, &out);
	ck_assert_str_eq(st, "closed");
	ck_assert_str_eq(out, "mediated_oral");
	fq_case_state_at(c, "2024-04-10", &st, &out);
	ck_assert_str_eq(st, "mediating");
	fq_node_free(c);
}
END_TEST

START_TEST(test_lifecycle_archive_keeps_outcome)
{
	struct fq_node *c = base_case();
	const char *st, *out;

	fq_case_move(c, "mediating", NULL, "2024-03-12T10:00:00+08:00",
		"2024-03-12", NULL, NULL);
	fq_case_move(c, "closed", "failed", "2024-03-20T10:00:00+08:00",
		"2024-03-20", NULL, NULL);
	fq_case_move(c, "archived", NULL, "2024-04-20T10:00:00+08:00",
		"2024-04-20", NULL, NULL);
	ck_assert_str_eq(fq_map_str(c, "outcome"), "failed");
	ck_assert_str_eq(fq_map_str(c, "closed_on"), "2024-03-20");
	fq_case_state_at(c, "2024-05-01", &st, &out);
	ck_assert_str_eq(st, "archived");
	ck_assert_str_eq(out, "failed");
	fq_node_free(c);
}
END_TEST

/* An archived case later merged as a duplicate (T21 from any state): on a
 * day it was archived it had the outcome it was closed with, not the
 * duplicate outcome it has now. */
START_TEST(test_lifecycle_archived_then_merged)
{
	struct fq_node *c = base_case();
	const char *st, *out;

	fq_case_move(c, "mediating", NULL, "2024-03-12T10:00:00+08:00",
		"2024-03-12", NULL, NULL);
	fq_case_move(c, "closed", "withdrawn", "2024-03-20T10:00:00+08:00",
		"2024-03-20", NULL, NULL);
	fq_case_move(c, "archived", NULL, "2024-04-20T10:00:00+08:00",
		"2024-04-20", NULL, NULL);
	fq_case_move(c, "closed", "duplicate", "2024-06-01T10:00:00+08:00",
		"2024-06-01", NULL, NULL);
	ck_assert_str_eq(fq_map_str(c, "outcome"), "duplicate");
	fq_case_state_at(c, "2024-05-01", &st, &out);
	ck_assert_str_eq(st, "archived");
	ck_assert_str_eq(out, "withdrawn");
	fq_case_state_at(c, "2024-06-01", &st, &out);
	ck_assert_str_eq(st, "closed");
	ck_assert_str_eq(out, "duplicate");
	fq_case_state_at(c, "2024-03-19", &st, &out);
	ck_assert_str_eq(st, "mediating");
	ck_assert_ptr_null(out);
	fq_node_free(c);
}
END_TEST

/* Closed, reopened, closed again with another outcome: each day answers
 * with the outcome of its own closing; before intake there is nothing. */
START_TEST(test_lifecycle_reclosed)
{
	struct fq_node *c = base_case();
	const char *st, *out;

	fq_case_move(c, "mediating", NULL, "2024-03-12T10:00:00+08:00",
		"2024-03-12", NULL, NULL);
	fq_case_move(c, "closed", "mediated_oral", "2024-03-20T10:00:00+08:00",
		"2024-03-20", NULL, NULL);
	fq_case_move(c, "mediating", NULL, "2024-04-02T10:00:00+08:00",
		"2024-04-02", NULL, "履行争议");
	fq_case_move(c, "closed", "failed", "2024-04-30T10:00:00+08:00",
		"2024-04-30", NULL, NULL);
	fq_case_state_at(c, "2023-12-31", &st, &out);
	ck_assert_ptr_null(st);
	ck_assert_ptr_null(out);
	fq_case_state_at(c, "2024-03-31", &st, &out);
	ck_assert_str_eq(st, "closed");
	ck_assert_str_eq(out, "mediated_oral");
	fq_case_state_at(c, "2024-04-15", &st, &out);
	ck_assert_str_eq(st, "mediating");
	ck_assert_ptr_null(out);
	fq_case_state_at(c, "2024-05-31", &st, &out);
	ck_assert_str_eq(st, "closed");
	ck_assert_str_eq(out, "failed");
	fq_node_free(c);
}
END_TEST

Suite *
fq_lifecycle_suite(void)
{
	Suite *s = suite_create("lifecycle");
	TCase *t = tcase_create("table");

	tcase_add_loop_test(t, test_lifecycle_matrix, 0,
		(int)(sizeof(expect) / sizeof(expect[0])));
	tcase_add_test(t, test_lifecycle_unknown_verb);
	tcase_add_test(t, test_lifecycle_verbs_from);
	tcase_add_test(t, test_lifecycle_refused_message);
	suite_add_tcase(s, t);
	t = tcase_create("replay");
	tcase_add_test(t, test_lifecycle_move_and_replay);
	tcase_add_test(t, test_lifecycle_archive_keeps_outcome);
	tcase_add_test(t, test_lifecycle_archived_then_merged);
	tcase_add_test(t, test_lifecycle_reclosed);
	suite_add_tcase(s, t);
	return s;
}
