/*
 * fq-receive: 签收.  Two uses:
 *
 *	fq receive ID --referral N       the other side signed for our
 *	                                 referral N (sent -> received)
 *	fq receive --from ORG --kind KIND --channel CHANNEL ...
 *	                                 we sign for a case another agency
 *	                                 sends us (a court 委派/委托, a police
 *	                                 transfer, a petition office, a
 *	                                 superior's 交办): it creates the case,
 *	                                 accepted, with the matching source,
 *	                                 and an inbound referral whose result
 *	                                 deadline runs from the day we signed
 *	                                 (R2, R3, R9-R11).
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-receive [-C DIR] --referral N [--on DATE] [--by NAME] ID",
	"fq-receive [-C DIR] --from ORG --kind KIND --channel CHANNEL "
	"[--agency TYPE] [--doc NO] [--on DATE] [--procedure simple|ordinary] "
	"[--due DATE] --title T --category C --summary S "
	"--party NAME[:ROLE[:PHONE]]... [--mediator NAME] [--village V] "
	"[--risk COLOR]",
	NULL
};

enum { OPT_REFERRAL = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_ON, OPT_BY,
	OPT_FROM, OPT_KIND, OPT_CHANNEL, OPT_AGENCY, OPT_DOC, OPT_PROCEDURE,
	OPT_DUE, OPT_TITLE, OPT_CATEGORY, OPT_SUMMARY, OPT_PARTY,
	OPT_MEDIATOR, OPT_VILLAGE, OPT_RISK };

/* The case source an inbound referral implies. */
static const char *
source_for(const char *kind, const char *channel)
{
	if (!strcmp(kind, "delegate"))
		return "court_delegated";
	if (!strcmp(kind, "entrust") && !strcmp(channel, "litigation"))
		return "court_entrusted";
	if (!strcmp(channel, "police"))
		return "police_transfer";
	if (!strcmp(channel, "petition"))
		return "petition_transfer";
	if (!strcmp(kind, "assign"))
		return "gov_assigned";
	if (!strcmp(kind, "escalate"))
		return "escalated_from_below";
	return "gov_assigned";
}

static int
sign_ours(struct fq_cli *cli, const char *id, const char *n, const char *on,
	const char *by)
{
	struct fq_cli_case cc = { 0 };
	struct fq_node *r, *ev;
	struct fq_buf text = FQ_BUF_INIT;
	int ret;

	if ((ret = fq_cli_begin(cli, id, "receive", &cc)))
		goto out;
	r = fq_cli_referral(cc.c, n);
	if (!r || strcmp(fq_map_str(r, "direction"), "outbound")) {
		ret = fq_cli_fail(cli, FQ_EXIT_FAIL, "%s has no outbound "
			"referral #%s", id, n);
		goto out;
	}
	if (strcmp(fq_map_str(r, "state"), "sent")) {
		ret = fq_cli_fail(cli, FQ_EXIT_FAIL, "referral #%s is %s, not "
			"waiting for receipt", n, fq_map_str(r, "state"));
		goto out;
	}
	if (strcmp(on, fq_map_str(r, "sent_on")) < 0) {
		ret = fq_cli_fail(cli, FQ_EXIT_USAGE, "--on %s is before the "
			"referral was sent (%s)", on, fq_map_str(r, "sent_on"));
		goto out;
	}
	fq_map_set_str(r, "state", "received");
	fq_map_set(r, "received_on", fq_node_scalar(on));
	fq_map_set_str(r, "received_by", by);
	/* The result clock runs from 签收 (R2, R3, R9-R11): a due date that
	 * fq refer computed from the day it was sent moves with the receipt
	 * (one given with --due stays). */
	{
		const char *kind = fq_map_str(r, "kind");
		const char *chan = fq_map_str(r, "channel");
		const char *due = fq_map_str(r, "due_result");
		char d_sent[FQ_DATE_SIZE], d_recv[FQ_DATE_SIZE];

		if (due && kind && chan && fq_referral_due(d_sent, cli->cal,
		    fq_store_config(cli->store), kind, chan, false,
		    fq_map_str(r, "sent_on"), NULL) == 0 &&
		    !strcmp(due, d_sent) && fq_referral_due(d_recv, cli->cal,
		    fq_store_config(cli->store), kind, chan, false, on,
		    NULL) == 0)
			fq_map_set(r, "due_result", fq_node_scalar(d_recv));
	}
	fq_buf_addf(&text, "%s 已签收 #%s", fq_map_str(r, "to_org"), n);
	ev = fq_case_add_event(cc.c, cli->now, "referral", fq_cli_actor(cli),
		text.buf);
	fq_map_set(ev, "referral", fq_node_scalar(n));
	if (strncmp(on, cli->now, 10))
		fq_map_set(ev, "effective_on", fq_node_scalar(on));
	ret = fq_cli_commit(cli, &cc);
out:
	fq_buf_release(&text);
	fq_cli_case_release(&cc);
	return ret;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "agency", required_argument, NULL, OPT_AGENCY },
		{ "by", required_argument, NULL, OPT_BY },
		{ "category", required_argument, NULL, OPT_CATEGORY },
		{ "channel", required_argument, NULL, OPT_CHANNEL },
		{ "doc", required_argument, NULL, OPT_DOC },
		{ "due", required_argument, NULL, OPT_DUE },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "kind", required_argument, NULL, OPT_KIND },
		{ "mediator", required_argument, NULL, OPT_MEDIATOR },
		{ "on", required_argument, NULL, OPT_ON },
		{ "party", required_argument, NULL, OPT_PARTY },
		{ "procedure", required_argument, NULL, OPT_PROCEDURE },
		{ "referral", required_argument, NULL, OPT_REFERRAL },
		{ "risk", required_argument, NULL, OPT_RISK },
		{ "summary", required_argument, NULL, OPT_SUMMARY },
		{ "title", required_argument, NULL, OPT_TITLE },
		{ "village", required_argument, NULL, OPT_VILLAGE },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_newcase nc = { 0 };
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *c = NULL, *r, *refs;
	const char *refno = NULL, *on = NULL, *by = NULL, *from = NULL;
	const char *kind = NULL, *channel = NULL, *agency = NULL, *doc = NULL;
	const char *procedure = NULL, *due = NULL;
	char id[FQ_ID_MAX], d_result[FQ_DATE_SIZE];
	struct fq_buf note = FQ_BUF_INIT;
	int ch, ret = 0;

	nc.parties = calloc((size_t)argc, sizeof(*nc.parties));
	nc.mediators = calloc((size_t)argc, sizeof(*nc.mediators));
	fq_cli_init(&cli, "fq-receive", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_REFERRAL: refno = optarg; break;
		case OPT_ON: on = optarg; break;
		case OPT_BY: by = optarg; break;
		case OPT_FROM: from = optarg; break;
		case OPT_KIND: kind = optarg; break;
		case OPT_CHANNEL: channel = optarg; break;
		case OPT_AGENCY: agency = optarg; break;
		case OPT_DOC: doc = optarg; break;
		case OPT_PROCEDURE: procedure = optarg; break;
		case OPT_DUE: due = optarg; break;
		case OPT_TITLE: nc.title = optarg; break;
		case OPT_CATEGORY: nc.category = optarg; break;
		case OPT_SUMMARY: nc.summary = optarg; break;
		case OPT_PARTY: nc.parties[nc.nparties++] = optarg; break;
		case OPT_MEDIATOR: nc.mediators[nc.nmediators++] = optarg; break;
		case OPT_VILLAGE: nc.village = optarg; break;
		case OPT_RISK: nc.risk = optarg; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	on = on ? fq_cli_date(&cli, "--on", on, false) : cli.today;
	if (refno) {
		if (argc - optind != 1 || from)
			fq_cli_usage_error(&cli, "--referral N takes one case ID "
				"and no --from");
		if (!fq_valid_int(refno))
			fq_cli_usage_error(&cli, "--referral '%s' is not a "
				"number", refno);
		ret = sign_ours(&cli, argv[optind], refno, on, by);
		goto out;
	}
	if (optind != argc)
		fq_cli_usage_error(&cli, "an inbound referral creates the case: "
			"give --from ORG ..., not an ID");
	if (!from || !kind || !channel)
		fq_cli_usage_error(&cli, "--from, --kind and --channel are "
			"required for an inbound referral");
	if (!nc.title || !nc.category || !nc.summary || !nc.nparties)
		fq_cli_usage_error(&cli, "--title, --category, --summary and "
			"--party are required to register the case");
	if (procedure && strcmp(procedure, "simple") &&
	    strcmp(procedure, "ordinary"))
		fq_cli_usage_error(&cli, "--procedure '%s': simple or ordinary",
			procedure);
	if (due)
		due = fq_cli_date(&cli, "--due", due, true);
	if ((ret = fq_cli_open(&cli)) || (ret = fq_cli_calendar(&cli)))
		goto out;
	kind = fq_cli_enum(&cli, "referral_kinds", "--kind", kind);
	channel = fq_cli_enum(&cli, "channels", "--channel", channel);
	agency = agency ? fq_cli_enum(&cli, "agencies", "--agency", agency) :
		fq_cli_guess_agency(from);
	nc.category = fq_cli_enum(&cli, "categories", "--category",
		nc.category);
	nc.risk = fq_cli_enum(&cli, "colors", "--risk", nc.risk ? nc.risk :
		"blue");
	nc.source = source_for(kind, channel);
	nc.source_ref = doc;
	nc.accepted = on;
	nc.reported_on = on;
	fq_buf_addf(&note, "签收 %s %s", from,
		fq_schema_label(cli.schema, "referral_kinds", kind));
	nc.note = note.buf;
	c = fq_cli_build_case(&cli, &nc);
	refs = fq_node_new(FQ_NODE_SEQ);
	r = fq_node_new(FQ_NODE_MAP);
	fq_map_set(r, "n", fq_node_scalar("1"));
	fq_map_set_str(r, "direction", "inbound");
	fq_map_set_str(r, "kind", kind);
	fq_map_set_str(r, "channel", channel);
	fq_map_set_str(r, "from_org", from);
	fq_map_set_str(r, "from_agency", agency);
	fq_map_set_str(r, "to_org", fq_map_str(fq_store_config(cli.store),
		"name"));
	fq_map_set_str(r, "doc_no", doc);
	fq_map_set_str(r, "state", "received");
	fq_map_set(r, "received_on", fq_node_scalar(on));
	fq_map_set_str(r, "received_by", by ? by : fq_cli_actor(&cli));
	if (due)
		fq_map_set(r, "due_result", fq_node_scalar(due));
	else if (fq_referral_due(d_result, cli.cal, fq_store_config(cli.store),
	    kind, channel, procedure && !strcmp(procedure, "simple"), on,
	    &err) == 0)
		fq_map_set(r, "due_result", fq_node_scalar(d_result));
	fq_seq_push(refs, r);
	fq_map_set(c, "referrals", refs);
	if ((ret = fq_cli_save_new(&cli, c, id)))
		goto out;
	printf("%s\n", id);
out:
	fq_node_free(c);
	fq_buf_release(&note);
	free(nc.parties);
	free(nc.mediators);
	return fq_cli_finish(&cli, ret);
}
