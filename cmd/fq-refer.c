/*
 * fq-refer: hand a case to another agency (T10; 四调对接), or cancel a
 * referral not yet answered.
 *
 * transfer, escalate, delegate, entrust and assign hand the case over:
 * it becomes referred_out until the other side's feedback comes back
 * (fq return).  invite and summon bring another agency in (邀请协助,
 * 吹哨) and leave the case where it is.  Each referral is numbered from 1
 * within its case and carries its own deadlines: receipt (签收, default
 * one working day, deadlines.receipt) and result (反馈, by kind and
 * channel, or --due).
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-refer [-C DIR] --to ORG --kind KIND --channel CHANNEL "
	"[--agency TYPE] [--due DATE] [--doc NO] [--on DATE] [--note TEXT] ID",
	"fq-refer [-C DIR] --referral N --cancel [--note TEXT] ID",
	NULL
};

enum { OPT_TO = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_KIND, OPT_CHANNEL,
	OPT_AGENCY, OPT_DUE, OPT_DOC, OPT_ON, OPT_NOTE, OPT_REFERRAL,
	OPT_CANCEL };

static bool
hands_over(const char *kind)
{
	return strcmp(kind, "invite") && strcmp(kind, "summon");
}

/* Cancel referral n; a case handed over goes back to where it was. */
static int
cancel(struct fq_cli *cli, struct fq_cli_case *cc, const char *n,
	const char *note)
{
	struct fq_node *r = fq_cli_referral(cc->c, n);
	const char *st, *kind;
	struct fq_buf text = FQ_BUF_INIT;

	if (!r || strcmp(fq_map_str(r, "direction"), "outbound"))
		return fq_cli_fail(cli, FQ_EXIT_FAIL, "no outbound referral "
			"#%s in this case", n);
	st = fq_map_str(r, "state");
	if (strcmp(st, "sent") && strcmp(st, "received"))
		return fq_cli_fail(cli, FQ_EXIT_FAIL, "referral #%s is %s; only "
			"a referral still waiting can be cancelled", n, st);
	kind = fq_map_str(r, "kind");
	fq_map_set_str(r, "state", "cancelled");
	fq_map_set(r, "cancelled_on", fq_node_scalar(cli->today));
	fq_buf_addf(&text, "撤销移交 #%s%s%s", n, note ? ": " : "",
		note ? note : "");
	if (hands_over(kind) &&
	    !strcmp(fq_map_str(cc->c, "status"), "referred_out")) {
		/* Back to where the referral took it from. */
		const char *was = fq_cli_state_before_referral(cc->c, n);
		char *back = strdup(was ? was :
			fq_map_str(cc->c, "accepted_on") ? "mediating" :
			"reported");
		struct fq_node *ev = fq_case_move(cc->c, back, NULL, cli->now,
			cli->today, fq_cli_actor(cli), text.buf);

		free(back);
		fq_map_set(ev, "referral", fq_node_scalar(n));
	} else {
		struct fq_node *ev = fq_case_add_event(cc->c, cli->now,
			"referral", fq_cli_actor(cli), text.buf);

		fq_map_set(ev, "referral", fq_node_scalar(n));
	}
	fq_buf_release(&text);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "agency", required_argument, NULL, OPT_AGENCY },
		{ "cancel", no_argument, NULL, OPT_CANCEL },
		{ "channel", required_argument, NULL, OPT_CHANNEL },
		{ "doc", required_argument, NULL, OPT_DOC },
		{ "due", required_argument, NULL, OPT_DUE },
		{ "kind", required_argument, NULL, OPT_KIND },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ "on", required_argument, NULL, OPT_ON },
		{ "referral", required_argument, NULL, OPT_REFERRAL },
		{ "to", required_argument, NULL, OPT_TO },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_cli_case cc = { 0 };
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *r, *refs, *ev;
	struct fq_buf text = FQ_BUF_INIT;
	const char *to = NULL, *kind = NULL, *channel = NULL, *agency = NULL;
	const char *due = NULL, *doc = NULL, *on = NULL, *note = NULL;
	const char *refno = NULL;
	char n[16], d_receipt[FQ_DATE_SIZE], d_result[FQ_DATE_SIZE];
	bool do_cancel = false;
	int ch, ret;

	fq_cli_init(&cli, "fq-refer", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_TO: to = optarg; break;
		case OPT_KIND: kind = optarg; break;
		case OPT_CHANNEL: channel = optarg; break;
		case OPT_AGENCY: agency = optarg; break;
		case OPT_DUE: due = optarg; break;
		case OPT_DOC: doc = optarg; break;
		case OPT_ON: on = optarg; break;
		case OPT_NOTE: note = optarg; break;
		case OPT_REFERRAL: refno = optarg; break;
		case OPT_CANCEL: do_cancel = true; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (argc - optind != 1)
		fq_cli_usage_error(&cli, "give one case ID");
	if (do_cancel || refno) {
		if (!do_cancel || !refno || !fq_valid_int(refno))
			fq_cli_usage_error(&cli, "--referral N goes with "
				"--cancel");
		if ((ret = fq_cli_begin(&cli, argv[optind], NULL, &cc)))
			goto out;
		if ((ret = cancel(&cli, &cc, refno, note)))
			goto out;
		ret = fq_cli_commit(&cli, &cc);
		goto out;
	}
	if (!to || !*to || !kind || !channel)
		fq_cli_usage_error(&cli, "--to, --kind and --channel are "
			"required");
	on = on ? fq_cli_date(&cli, "--on", on, false) : cli.today;
	if (due)
		due = fq_cli_date(&cli, "--due", due, true);
	if ((ret = fq_cli_schema(&cli)))
		goto out;
	kind = fq_cli_enum(&cli, "referral_kinds", "--kind", kind);
	channel = fq_cli_enum(&cli, "channels", "--channel", channel);
	agency = agency ? fq_cli_enum(&cli, "agencies", "--agency", agency) :
		fq_cli_guess_agency(to);
	if ((ret = fq_cli_begin(&cli, argv[optind], hands_over(kind) ?
	    "refer" : "refer-invite", &cc)))
		goto out;
	refs = fq_map_get(cc.c, "referrals");
	if (!refs || refs->kind != FQ_NODE_SEQ) {
		refs = fq_node_new(FQ_NODE_SEQ);
		fq_map_set(cc.c, "referrals", refs);
	}
	snprintf(n, sizeof(n), "%zu", refs->len + 1);
	r = fq_node_new(FQ_NODE_MAP);
	fq_map_set(r, "n", fq_node_scalar(n));
	fq_map_set_str(r, "direction", "outbound");
	fq_map_set_str(r, "kind", kind);
	fq_map_set_str(r, "channel", channel);
	fq_map_set_str(r, "from_org", fq_map_str(fq_store_config(cli.store),
		"name"));
	fq_map_set_str(r, "to_org", to);
	fq_map_set_str(r, "to_agency", agency);
	fq_map_set_str(r, "doc_no", doc);
	fq_map_set_str(r, "state", "sent");
	fq_map_set(r, "sent_on", fq_node_scalar(on));
	if (fq_deadline_from(d_receipt, cli.cal, fq_store_config(cli.store),
	    "receipt", "1 workday", on, &err)) {
		ret = fq_cli_error(&cli, &err);
		fq_node_free(r);
		goto out;
	}
	fq_map_set(r, "due_receipt", fq_node_scalar(d_receipt));
	if (due) {
		fq_map_set(r, "due_result", fq_node_scalar(due));
	} else if (hands_over(kind) && fq_referral_due(d_result, cli.cal,
	    fq_store_config(cli.store), kind, channel, false, on, &err) == 0) {
		fq_map_set(r, "due_result", fq_node_scalar(d_result));
	}
	fq_map_set_str(r, "note", note);
	fq_seq_push(refs, r);
	fq_buf_addf(&text, "%s → %s (%s%s%s)",
		fq_schema_label(cli.schema, "referral_kinds", kind), to,
		fq_schema_label(cli.schema, "channels", channel),
		doc ? ", " : "", doc ? doc : "");
	if (hands_over(kind))
		ev = fq_case_move(cc.c, "referred_out", NULL, cli.now, on,
			fq_cli_actor(&cli), text.buf);
	else
		ev = fq_case_add_event(cc.c, cli.now, "referral",
			fq_cli_actor(&cli), text.buf);
	fq_map_set(ev, "referral", fq_node_scalar(n));
	if ((ret = fq_cli_commit(&cli, &cc)) == 0)
		printf("%s-R%s\n", argv[optind], n);
out:
	fq_buf_release(&text);
	fq_cli_case_release(&cc);
	return fq_cli_finish(&cli, ret);
}
