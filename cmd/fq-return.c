/*
 * fq-return: 反馈 — the result of a referral.
 *
 * On our outbound referral (the other side reports back): resolved closes
 * the case with outcome referred_resolved (T11); not_resolved closes it as
 * referred_other, or referred_litigation with --litigation (the court has
 * registered the case); returned_for_mediation and out_of_scope bring it
 * back to mediating (T12), which needs a mediator: one already named,
 * or --mediator.  --refused records that the other side would
 * not take it (退回): the case goes back to the state it was referred
 * from.
 *
 * On an inbound referral (we report back to the court, police or petition
 * office): the referral is answered; the case keeps its own state.
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-return [-C DIR] --referral N --result RESULT [--litigation] "
	"[--mediator NAME]... [--feedback TEXT] [--on DATE] ID",
	"fq-return [-C DIR] --referral N --refused [--feedback TEXT] "
	"[--on DATE] ID",
	NULL
};

enum { OPT_REFERRAL = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_RESULT, OPT_FEEDBACK,
	OPT_ON, OPT_REFUSED, OPT_LITIGATION, OPT_MEDIATOR };

/* Into mediating: at least one mediator, those of --mediator added. */
static bool
mediators_ok(struct fq_node *c, const char **med, size_t nm)
{
	struct fq_node *seq = fq_map_get(c, "mediators");
	size_t i, j;

	if (!seq || seq->kind != FQ_NODE_SEQ) {
		if (!nm)
			return false;
		seq = fq_node_new(FQ_NODE_SEQ);
		fq_map_set(c, "mediators", seq);
	}
	for (i = 0; i < nm; i++) {
		bool have = false;

		for (j = 0; j < seq->len; j++)
			if (seq->vals[j]->str && !strcmp(seq->vals[j]->str,
			    med[i]))
				have = true;
		if (!have)
			fq_seq_push(seq, fq_node_text(med[i]));
	}
	return seq->len > 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "feedback", required_argument, NULL, OPT_FEEDBACK },
		{ "litigation", no_argument, NULL, OPT_LITIGATION },
		{ "mediator", required_argument, NULL, OPT_MEDIATOR },
		{ "on", required_argument, NULL, OPT_ON },
		{ "referral", required_argument, NULL, OPT_REFERRAL },
		{ "refused", no_argument, NULL, OPT_REFUSED },
		{ "result", required_argument, NULL, OPT_RESULT },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_cli_case cc = { 0 };
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *r, *ev;
	struct fq_buf text = FQ_BUF_INIT;
	const char *n = NULL, *result = NULL, *feedback = NULL, *on = NULL;
	const char *st, *kind, *dir, *status;
	bool refused = false, litigation = false, hand;
	const char **med = calloc((size_t)argc, sizeof(*med));
	size_t nm = 0;
	int ch, ret;

	fq_cli_init(&cli, "fq-return", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_REFERRAL: n = optarg; break;
		case OPT_RESULT: result = optarg; break;
		case OPT_FEEDBACK: feedback = optarg; break;
		case OPT_ON: on = optarg; break;
		case OPT_REFUSED: refused = true; break;
		case OPT_LITIGATION: litigation = true; break;
		case OPT_MEDIATOR:
			if (!*optarg)
				fq_cli_usage_error(&cli, "--mediator: empty name");
			med[nm++] = optarg;
			break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (argc - optind != 1)
		fq_cli_usage_error(&cli, "give one case ID");
	if (!n || !fq_valid_int(n))
		fq_cli_usage_error(&cli, "--referral N is required");
	if (!result == !refused)
		fq_cli_usage_error(&cli, "give --result RESULT or --refused");
	on = on ? fq_cli_date(&cli, "--on", on, false) : cli.today;
	if ((ret = fq_cli_schema(&cli)))
		goto out;
	if (result)
		result = fq_cli_enum(&cli, "referral_results", "--result",
			result);
	if (litigation && (!result || strcmp(result, "not_resolved")))
		fq_cli_usage_error(&cli, "--litigation goes with --result "
			"not_resolved");
	if ((ret = fq_cli_begin(&cli, argv[optind], "return", &cc)))
		goto out;
	r = fq_cli_referral(cc.c, n);
	if (!r) {
		ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "%s has no referral #%s",
			argv[optind], n);
		goto out;
	}
	st = fq_map_str(r, "state");
	kind = fq_map_str(r, "kind");
	dir = fq_map_str(r, "direction");
	status = fq_map_str(cc.c, "status");
	if (strcmp(st, "sent") && strcmp(st, "received")) {
		ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "referral #%s is %s; it "
			"has been answered already", n, st);
		goto out;
	}
	if (refused && strcmp(dir, "outbound")) {
		ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "--refused is for our own "
			"referral that the other side would not take");
		goto out;
	}
	fq_map_set_str(r, "state", refused ? "refused" : "returned");
	fq_map_set(r, "returned_on", fq_node_scalar(on));
	fq_map_set_str(r, "result", result);
	fq_map_set_str(r, "feedback", feedback);
	if (!strcmp(fq_map_str(r, "state"), "returned") && !fq_map_str(r,
	    "received_on"))
		fq_map_set(r, "received_on", fq_node_scalar(on));
	fq_buf_addf(&text, "#%s %s%s%s", n, refused ? "被退回" :
		fq_schema_label(cli.schema, "referral_results", result),
		feedback ? ": " : "", feedback ? feedback : "");
	hand = strcmp(kind, "invite") && strcmp(kind, "summon");
	if (!strcmp(dir, "outbound") && hand &&
	    !strcmp(status, "referred_out")) {
		const char *to = "mediating", *outcome = NULL;
		const char *was = fq_cli_state_before_referral(cc.c, n);

		/* Refused (退回): the case goes back to where it was. */
		if (refused && was)
			to = was;
		if (result && !strcmp(result, "resolved")) {
			to = "closed";
			outcome = "referred_resolved";
		} else if (result && !strcmp(result, "not_resolved")) {
			to = "closed";
			outcome = litigation ? "referred_litigation" :
				"referred_other";
		}
		if (!strcmp(to, "mediating") && !mediators_ok(cc.c, med, nm)) {
			ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "%s has no "
				"mediator: back to mediating, it needs one; give "
				"--mediator NAME", argv[optind]);
			goto out;
		}
		if (!strcmp(to, "mediating") &&
		    !fq_map_str(cc.c, "accepted_on"))
			fq_map_set(cc.c, "accepted_on", fq_node_scalar(on));
		ev = fq_case_move(cc.c, to, outcome, cli.now, on,
			fq_cli_actor(&cli), text.buf);
	} else {
		ev = fq_case_add_event(cc.c, cli.now, "referral",
			fq_cli_actor(&cli), text.buf);
		if (strncmp(on, cli.now, 10))
			fq_map_set(ev, "effective_on", fq_node_scalar(on));
	}
	fq_map_set(ev, "referral", fq_node_scalar(n));
	ret = fq_cli_commit(&cli, &cc);
	(void)err;
out:
	free(med);
	fq_buf_release(&text);
	fq_cli_case_release(&cc);
	return fq_cli_finish(&cli, ret);
}
