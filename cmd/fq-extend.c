/*
 * fq-extend: extend the mediation time limit with both parties' consent
 * (T18; 若干规定-style local rules: "经纠纷双方当事人同意可以继续调解").
 * The new date replaces the deadline; each extension is kept.  On a case
 * another agency sent us, the result (反馈) deadline of that inbound
 * referral moves with it.  With --referral N only that referral's result
 * deadline is extended (R2/R3: by consent of both parties).
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-extend [-C DIR] --until DATE --consent [--referral N] "
	"[--reason TEXT] ID",
	NULL
};

enum { OPT_UNTIL = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_CONSENT, OPT_REASON,
	OPT_REFERRAL };

/* --referral N: extend the result (反馈) deadline of referral N. */
static int
extend_referral(struct fq_cli *cli, struct fq_cli_case *cc, const char *id,
	int n, const char *until, const char *reason)
{
	struct fq_node *list = fq_map_get(cc->c, "referrals"), *r = NULL;
	struct fq_buf note = FQ_BUF_INIT;
	const char *st, *due;
	size_t i;

	for (i = 0; list && list->kind == FQ_NODE_SEQ && i < list->len; i++) {
		const char *num = fq_map_str(list->vals[i], "n");

		if (num && atoi(num) == n)
			r = list->vals[i];
	}
	if (!r)
		return fq_cli_fail(cli, FQ_EXIT_FAIL, "%s has no referral #%d",
			id, n);
	st = fq_map_str(r, "state");
	if (!st || (strcmp(st, "sent") && strcmp(st, "received")))
		return fq_cli_fail(cli, FQ_EXIT_FAIL, "%s-R%d is %s: no result "
			"is awaited", id, n, st ? st : _("without a state"));
	due = fq_map_str(r, "extended_until") ?
		fq_map_str(r, "extended_until") : fq_map_str(r, "due_result");
	if (!due)
		return fq_cli_fail(cli, FQ_EXIT_FAIL, "%s-R%d has no result "
			"deadline to extend", id, n);
	if (strcmp(until, due) <= 0)
		return fq_cli_fail(cli, FQ_EXIT_FAIL, "--until %s is not later "
			"than the referral's deadline %s", until, due);
	fq_map_set(r, "extended_until", fq_node_scalar(until));
	fq_buf_addf(&note, "移交#%d 经双方同意延长反馈期限至 %s%s%s", n, until,
		reason ? ": " : "", reason ? reason : "");
	fq_case_add_event(cc->c, cli->now, "extension", fq_cli_actor(cli),
		note.buf);
	fq_buf_release(&note);
	return fq_cli_commit(cli, cc);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "consent", no_argument, NULL, OPT_CONSENT },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "referral", required_argument, NULL, OPT_REFERRAL },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_cli_case cc = { 0 };
	struct fq_node *ext, *list;
	const char *until = NULL, *reason = NULL, *due;
	bool consent = false;
	size_t i;
	int ch, ret, referral = 0;

	fq_cli_init(&cli, "fq-extend", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_UNTIL: until = optarg; break;
		case OPT_CONSENT: consent = true; break;
		case OPT_REASON: reason = optarg; break;
		case OPT_REFERRAL:
			if (!fq_valid_int(optarg) || atoi(optarg) < 1)
				fq_cli_usage_error(&cli, "--referral '%s': a "
					"referral number (1, 2, ...)", optarg);
			referral = atoi(optarg);
			break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (argc - optind != 1)
		fq_cli_usage_error(&cli, "give one case ID");
	if (!until)
		fq_cli_usage_error(&cli, "--until DATE is required");
	until = fq_cli_date(&cli, "--until", until, true);
	if (!consent)
		fq_cli_usage_error(&cli, "--consent is required: a time limit "
			"is extended only with both parties' consent");
	if (strcmp(until, cli.today) <= 0)
		fq_cli_usage_error(&cli, "--until %s is not after today (%s)",
			until, cli.today);
	if ((ret = fq_cli_begin(&cli, argv[optind], referral ?
	    "extend-referral" : "extend", &cc)))
		goto out;
	if (referral) {
		ret = extend_referral(&cli, &cc, argv[optind], referral, until,
			reason);
		goto out;
	}
	due = fq_map_str(cc.c, "due_on");
	if (due && strcmp(until, due) <= 0) {
		ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "--until %s is not later "
			"than the current deadline %s", until, due);
		goto out;
	}
	ext = fq_node_new(FQ_NODE_MAP);
	fq_map_set(ext, "on", fq_node_scalar(cli.today));
	fq_map_set(ext, "until", fq_node_scalar(until));
	fq_map_set(ext, "consent", fq_node_scalar("true"));
	fq_map_set_str(ext, "reason", reason);
	list = fq_map_get(cc.c, "extensions");
	if (!list || list->kind != FQ_NODE_SEQ) {
		list = fq_node_new(FQ_NODE_SEQ);
		fq_map_set(cc.c, "extensions", list);
	}
	fq_seq_push(list, ext);
	fq_map_set(cc.c, "extended_until", fq_node_scalar(until));
	/* A case the court or another agency sent us runs on their clock
	 * (R2, R3, R9-R11): the parties' consent extends it too. */
	list = fq_map_get(cc.c, "referrals");
	for (i = 0; list && list->kind == FQ_NODE_SEQ && i < list->len; i++) {
		struct fq_node *r = list->vals[i];
		const char *dir = fq_map_str(r, "direction");
		const char *st = fq_map_str(r, "state");
		const char *rdue = fq_map_str(r, "extended_until") ?
			fq_map_str(r, "extended_until") :
			fq_map_str(r, "due_result");

		if (dir && !strcmp(dir, "inbound") && st &&
		    !strcmp(st, "received") && rdue && strcmp(rdue, until) < 0)
			fq_map_set(r, "extended_until", fq_node_scalar(until));
	}
	{
		struct fq_buf note = FQ_BUF_INIT;

		fq_buf_addf(&note, "经双方同意延长至 %s%s%s", until,
			reason ? ": " : "", reason ? reason : "");
		fq_case_add_event(cc.c, cli.now, "extension",
			fq_cli_actor(&cli), note.buf);
		fq_buf_release(&note);
	}
	ret = fq_cli_commit(&cli, &cc);
out:
	fq_cli_case_release(&cc);
	return fq_cli_finish(&cli, ret);
}
