/*
 * fq-visit: record a follow-up visit (回访, T19) on an agreed, closed or
 * archived case: how, how satisfied, how the agreement is being
 * performed, and any sign of trouble.
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-visit [-C DIR] --method phone|visit|wechat|on_site "
	"--satisfaction satisfied|basically|dissatisfied [--on DATE] "
	"[--performance STATUS] [--risk-signs TEXT] [--note TEXT] ID",
	NULL
};

enum { OPT_METHOD = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_SAT, OPT_ON,
	OPT_PERF, OPT_RISK, OPT_NOTE };

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "method", required_argument, NULL, OPT_METHOD },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ "on", required_argument, NULL, OPT_ON },
		{ "performance", required_argument, NULL, OPT_PERF },
		{ "risk-signs", required_argument, NULL, OPT_RISK },
		{ "satisfaction", required_argument, NULL, OPT_SAT },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_cli_case cc = { 0 };
	struct fq_node *v, *list, *ev;
	const char *method = NULL, *sat = NULL, *on = NULL, *perf = NULL;
	const char *risk = NULL, *note = NULL;
	int ch, ret;

	fq_cli_init(&cli, "fq-visit", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_METHOD: method = optarg; break;
		case OPT_SAT: sat = optarg; break;
		case OPT_ON: on = optarg; break;
		case OPT_PERF: perf = optarg; break;
		case OPT_RISK: risk = optarg; break;
		case OPT_NOTE: note = optarg; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (argc - optind != 1)
		fq_cli_usage_error(&cli, "give one case ID");
	if (!method || !sat)
		fq_cli_usage_error(&cli, "--method and --satisfaction are "
			"required");
	on = on ? fq_cli_date(&cli, "--on", on, false) : cli.today;
	if ((ret = fq_cli_schema(&cli)))
		goto out;
	method = fq_cli_enum(&cli, "visit_methods", "--method", method);
	sat = fq_cli_enum(&cli, "satisfaction", "--satisfaction", sat);
	if (perf)
		perf = fq_cli_enum(&cli, "performance_status", "--performance",
			perf);
	if ((ret = fq_cli_begin(&cli, argv[optind], "visit", &cc)))
		goto out;
	v = fq_node_new(FQ_NODE_MAP);
	fq_map_set(v, "on", fq_node_scalar(on));
	fq_map_set_str(v, "by", fq_cli_actor(&cli));
	fq_map_set_str(v, "method", method);
	fq_map_set_str(v, "satisfaction", sat);
	fq_map_set_str(v, "performance_status", perf);
	fq_map_set_str(v, "risk_signs", risk);
	fq_map_set_str(v, "note", note);
	list = fq_map_get(cc.c, "visits");
	if (!list || list->kind != FQ_NODE_SEQ) {
		list = fq_node_new(FQ_NODE_SEQ);
		fq_map_set(cc.c, "visits", list);
	}
	fq_seq_push(list, v);
	if (perf && fq_map_get(cc.c, "agreement"))
		fq_map_set_str(fq_map_get(cc.c, "agreement"),
			"performance_status", perf);
	ev = fq_case_add_event(cc.c, cli.now, "follow_up", fq_cli_actor(&cli),
		note ? note : fq_schema_label(cli.schema, "satisfaction", sat));
	if (strncmp(on, cli.now, 10))
		fq_map_set(ev, "effective_on", fq_node_scalar(on));
	if (risk)
		fq_cli_warn(&cli, "%s: signs of risk noted; consider 'fq risk' "
			"or 'fq reopen'", argv[optind]);
	ret = fq_cli_commit(&cli, &cc);
out:
	fq_cli_case_release(&cc);
	return fq_cli_finish(&cli, ret);
}
