/*
 * fq-fail: mediation did not succeed (T9: mediating -> closed, outcome
 * failed).  The law requires telling the parties where else they can go
 * (人民调解法 art. 26), so --advised is required.  --to ORG records the
 * case handed on to the court or arbitration after the failure (an
 * outbound transfer, informational: no deadlines, DOMAIN.md §3.7).
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-fail [-C DIR] [--on DATE] --advised ROUTE[,ROUTE...] "
	"[--reason TEXT] [--to ORG [--channel CH] [--doc NO]] ID",
	NULL
};

enum { OPT_ON = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_ADVISED, OPT_REASON,
	OPT_TO, OPT_CHANNEL, OPT_DOC };

/* The channel a failure route hands a case on by. */
static const char *
route_channel(const char *route)
{
	if (!strcmp(route, "litigation"))
		return "litigation";
	if (!strcmp(route, "arbitration"))
		return "arbitration";
	if (!strcmp(route, "petition"))
		return "petition";
	return "administrative";
}

/* Record the informational outbound transfer to `to` (referral n). */
static void
hand_on(struct fq_cli *cli, struct fq_node *c, const char *to,
	const char *channel, const char *doc, const char *on)
{
	struct fq_node *refs = fq_map_get(c, "referrals"), *r, *ev;
	struct fq_buf text = FQ_BUF_INIT;
	char n[16];

	if (!refs || refs->kind != FQ_NODE_SEQ) {
		refs = fq_node_new(FQ_NODE_SEQ);
		fq_map_set(c, "referrals", refs);
	}
	snprintf(n, sizeof(n), "%zu", refs->len + 1);
	r = fq_node_new(FQ_NODE_MAP);
	fq_map_set(r, "n", fq_node_scalar(n));
	fq_map_set_str(r, "direction", "outbound");
	fq_map_set_str(r, "kind", "transfer");
	fq_map_set_str(r, "channel", channel);
	fq_map_set_str(r, "from_org", fq_map_str(fq_store_config(cli->store),
		"name"));
	fq_map_set_str(r, "to_org", to);
	fq_map_set_str(r, "to_agency", fq_cli_guess_agency(to));
	fq_map_set_str(r, "doc_no", doc);
	fq_map_set_str(r, "state", "sent");
	fq_map_set(r, "sent_on", fq_node_scalar(on));
	fq_map_set_str(r, "note", "调解不成后移送（告知性，无反馈期限）");
	fq_seq_push(refs, r);
	fq_buf_addf(&text, "%s → %s (%s%s%s)",
		fq_schema_label(cli->schema, "referral_kinds", "transfer"), to,
		fq_schema_label(cli->schema, "channels", channel),
		doc ? ", " : "", doc ? doc : "");
	ev = fq_case_add_event(c, cli->now, "referral", fq_cli_actor(cli),
		text.buf);
	fq_map_set(ev, "referral", fq_node_scalar(n));
	if (strcmp(on, cli->today))
		fq_map_set(ev, "effective_on", fq_node_scalar(on));
	fq_buf_release(&text);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "advised", required_argument, NULL, OPT_ADVISED },
		{ "channel", required_argument, NULL, OPT_CHANNEL },
		{ "doc", required_argument, NULL, OPT_DOC },
		{ "on", required_argument, NULL, OPT_ON },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "to", required_argument, NULL, OPT_TO },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_cli_case cc = { 0 };
	struct fq_node *routes = NULL;
	struct fq_buf note = FQ_BUF_INIT;
	const char *on = NULL, *advised = NULL, *reason = NULL, *p;
	const char *to = NULL, *channel = NULL, *doc = NULL;
	char *list = NULL;
	int ch, ret = 0;
	size_t i;

	fq_cli_init(&cli, "fq-fail", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_ON: on = optarg; break;
		case OPT_ADVISED: advised = optarg; break;
		case OPT_REASON: reason = optarg; break;
		case OPT_TO: to = optarg; break;
		case OPT_CHANNEL: channel = optarg; break;
		case OPT_DOC: doc = optarg; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (argc - optind != 1)
		fq_cli_usage_error(&cli, "give one case ID");
	if (!advised || !*advised)
		fq_cli_usage_error(&cli, "--advised is required: the routes the "
			"parties were told of (litigation, arbitration, "
			"administrative, petition)");
	if ((channel || doc) && !to)
		fq_cli_usage_error(&cli, "--channel and --doc go with --to ORG");
	if (to && !*to)
		fq_cli_usage_error(&cli, "--to: the organisation is empty");
	on = on ? fq_cli_date(&cli, "--on", on, false) : cli.today;
	if ((ret = fq_cli_schema(&cli)))
		goto out;
	if (channel)
		channel = fq_cli_enum(&cli, "channels", "--channel", channel);
	routes = fq_node_new(FQ_NODE_SEQ);
	list = fq_cli_commas(advised);
	for (p = list; *p;) {
		size_t l = strcspn(p, ",");
		char *one = strndup(p, l);
		const char *code;
		bool dup = false;

		code = fq_cli_enum(&cli, "failure_routes", "--advised", one);
		free(one);
		for (i = 0; i < routes->len; i++)
			if (!strcmp(routes->vals[i]->str, code))
				dup = true;
		if (!dup)
			fq_seq_push(routes, fq_node_text(code));
		p += l;
		if (*p == ',')
			p++;
	}
	if ((ret = fq_cli_begin(&cli, argv[optind], "fail", &cc)))
		goto out;
	fq_buf_adds(&note, "调解不成，已告知其他途径");
	if (reason)
		fq_buf_addf(&note, ": %s", reason);
	if (to && !channel)
		channel = route_channel(routes->vals[0]->str);
	fq_map_set(cc.c, "failure_routes_advised", routes);
	routes = NULL;
	fq_case_move(cc.c, "closed", "failed", cli.now, on, fq_cli_actor(&cli),
		note.buf);
	if (to)
		hand_on(&cli, cc.c, to, channel, doc, on);
	ret = fq_cli_commit(&cli, &cc);
out:
	free(list);
	fq_node_free(routes);
	fq_buf_release(&note);
	fq_cli_case_release(&cc);
	return fq_cli_finish(&cli, ret);
}
