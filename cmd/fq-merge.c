/*
 * fq-merge: a case registered twice (T21: any -> closed, outcome
 * duplicate).  Its parties that the surviving case lacks and its working
 * events are copied to the surviving case, which records the merge; both
 * files change in one commit.  A duplicate is left out of every count.
 * A referral of the duplicate still waiting (sent or received) moves to
 * the surviving case under the next number; on the duplicate it is
 * cancelled with a note saying where it went.  An archived case is
 * read-only: nothing is merged into it (merge it into the other instead).
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-merge [-C DIR] --into ID ID",
	NULL
};

enum { OPT_INTO = FQ_OPT_FIRST_PROGRAM_OPTION };

static bool
has_party(const struct fq_node *parties, const char *name)
{
	size_t i;

	for (i = 0; parties && i < parties->len; i++)
		if (fq_map_str(parties->vals[i], "name") &&
		    !strcmp(fq_map_str(parties->vals[i], "name"), name))
			return true;
	return false;
}

/* Move the waiting referrals of dup (id) to into (target). */
static void
move_referrals(struct fq_cli *cli, struct fq_node *dup, const char *id,
	struct fq_node *into, const char *target)
{
	struct fq_node *src = fq_map_get(dup, "referrals"), *dst;
	struct fq_buf note = FQ_BUF_INIT;
	char num[16];
	int next = 0;
	size_t i;

	if (!src || src->kind != FQ_NODE_SEQ)
		return;
	dst = fq_map_get(into, "referrals");
	if (!dst || dst->kind != FQ_NODE_SEQ) {
		dst = fq_node_new(FQ_NODE_SEQ);
		fq_map_set(into, "referrals", dst);
	}
	for (i = 0; i < dst->len; i++) {
		const char *n = fq_map_str(dst->vals[i], "n");

		if (n && atoi(n) > next)
			next = atoi(n);
	}
	for (i = 0; i < src->len; i++) {
		struct fq_node *r = src->vals[i], *copy, *ev;
		const char *st = fq_map_str(r, "state");
		const char *n = fq_map_str(r, "n");

		if (!st || (strcmp(st, "sent") && strcmp(st, "received")))
			continue;
		snprintf(num, sizeof(num), "%d", ++next);
		copy = fq_node_dup(r);
		fq_map_set(copy, "n", fq_node_scalar(num));
		fq_buf_reset(&note);
		fq_buf_addf(&note, "由 %s-R%s 并入", id, n ? n : "?");
		fq_map_set_str(copy, "note", note.buf);
		fq_seq_push(dst, copy);
		ev = fq_case_add_event(into, cli->now, "referral",
			fq_cli_actor(cli), note.buf);
		fq_map_set(ev, "referral", fq_node_scalar(num));
		fq_buf_reset(&note);
		fq_buf_addf(&note, "并入 %s-R%s", target, num);
		fq_map_set_str(r, "state", "cancelled");
		fq_map_set(r, "cancelled_on", fq_node_scalar(cli->today));
		fq_map_set_str(r, "note", note.buf);
	}
	fq_buf_release(&note);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "into", required_argument, NULL, OPT_INTO },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_cli_case cc = { 0 };
	struct fq_node *into = NULL, *src_parties, *dst_parties, *evs;
	struct fq_buf into_path = FQ_BUF_INIT, a = FQ_BUF_INIT, b = FQ_BUF_INIT;
	struct fq_buf msg = FQ_BUF_INIT, note = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_change ch[2];
	const char *target = NULL, *id;
	size_t i;
	int c, ret;

	fq_cli_init(&cli, "fq-merge", argv[0], usage);
	while ((c = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_INTO: target = optarg; break;
		default: fq_cli_common_opt(&cli, c, optarg);
		}
	}
	if (argc - optind != 1)
		fq_cli_usage_error(&cli, "give the duplicate's ID");
	if (!target)
		fq_cli_usage_error(&cli, "--into ID: the case that stays");
	id = argv[optind];
	if (!strcmp(id, target))
		fq_cli_usage_error(&cli, "a case cannot be merged into itself");
	if (!fq_id_valid(target))
		fq_cli_usage_error(&cli, "--into: not a case ID: '%s'", target);
	if ((ret = fq_cli_begin(&cli, id, "merge", &cc)))
		goto out;
	if (fq_map_str(cc.c, "outcome") &&
	    !strcmp(fq_map_str(cc.c, "outcome"), "duplicate")) {
		ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "%s is already merged "
			"into %s", id, fq_map_str(cc.c, "merged_into"));
		goto out;
	}
	if ((ret = fq_cli_load_case(&cli, target, &into, &into_path)))
		goto out;
	if (fq_map_str(into, "outcome") &&
	    !strcmp(fq_map_str(into, "outcome"), "duplicate")) {
		ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "%s is itself a duplicate "
			"of %s: merge into that one", target,
			fq_map_str(into, "merged_into"));
		goto out;
	}
	if (fq_map_str(into, "status") &&
	    !strcmp(fq_map_str(into, "status"), "archived")) {
		ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "%s is archived "
			"(read-only): nothing can be merged into it; merge it "
			"into this one instead: 'fq merge %s --into %s'", target,
			target, id);
		goto out;
	}
	src_parties = fq_map_get(cc.c, "parties");
	dst_parties = fq_map_get(into, "parties");
	if (!dst_parties || dst_parties->kind != FQ_NODE_SEQ) {
		dst_parties = fq_node_new(FQ_NODE_SEQ);
		fq_map_set(into, "parties", dst_parties);
	}
	for (i = 0; src_parties && i < src_parties->len; i++) {
		const char *name = fq_map_str(src_parties->vals[i], "name");

		if (name && !has_party(dst_parties, name)) {
			struct fq_node *p = fq_node_dup(src_parties->vals[i]);

			fq_map_set_str(p, "role", "party");
			fq_seq_push(dst_parties, p);
		}
	}
	evs = fq_map_get(cc.c, "events");
	for (i = 0; evs && evs->kind == FQ_NODE_SEQ && i < evs->len; i++) {
		const struct fq_node *e = evs->vals[i];
		const char *k = fq_map_str(e, "kind");
		struct fq_node *copy;

		if (fq_map_str(e, "state_to") || (k && !strcmp(k, "intake")))
			continue;
		copy = fq_case_add_event(into, fq_map_str(e, "at"), k,
			fq_map_str(e, "actor"), NULL);
		fq_buf_reset(&note);
		fq_buf_addf(&note, "[%s] %s", id, fq_map_str(e, "note") ?
			fq_map_str(e, "note") : "");
		fq_map_set_str(copy, "note", note.buf);
	}
	move_referrals(&cli, cc.c, id, into, target);
	fq_buf_reset(&note);
	fq_buf_addf(&note, "合并重复登记的 %s", id);
	fq_case_add_event(into, cli.now, "correction", fq_cli_actor(&cli),
		note.buf);
	fq_map_set_str(cc.c, "merged_into", target);
	fq_buf_reset(&note);
	fq_buf_addf(&note, "重复登记，并入 %s", target);
	fq_case_move(cc.c, "closed", "duplicate", cli.now, cli.today,
		fq_cli_actor(&cli), note.buf);
	fq_map_set(cc.c, "updated_at", fq_node_scalar(cli.now));
	fq_map_set(into, "updated_at", fq_node_scalar(cli.now));
	if (fq_case_update_due(cc.c, cli.cal, fq_store_config(cli.store),
	    &err) || fq_case_update_due(into, cli.cal,
	    fq_store_config(cli.store), &err) || fq_case_render(&a, cli.schema, cc.c, &err) ||
	    fq_case_render(&b, cli.schema, into, &err)) {
		ret = fq_cli_error(&cli, &err);
		goto out;
	}
	ch[0].path = cc.path.buf;
	ch[0].data = a.buf;
	ch[0].len = a.len;
	ch[1].path = into_path.buf;
	ch[1].data = b.buf;
	ch[1].len = b.len;
	fq_buf_addf(&msg, "fq-merge: %s into %s %s", id, target,
		fq_map_str(into, "title") ? fq_map_str(into, "title") : "");
	if (fq_store_commit(cli.store, ch, 2, msg.buf, NULL, &err))
		ret = fq_cli_error(&cli, &err);
out:
	fq_node_free(into);
	fq_buf_release(&into_path);
	fq_buf_release(&a);
	fq_buf_release(&b);
	fq_buf_release(&msg);
	fq_buf_release(&note);
	fq_cli_case_release(&cc);
	return fq_cli_finish(&cli, ret);
}
