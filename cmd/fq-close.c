/*
 * fq-close: strike an agreed case off the list (销号; T13: agreed ->
 * closed with outcome mediated_written or mediated_oral).  The agreement
 * must be performed (or partly, with a note), and unless it was performed
 * on the spot there must be a follow-up visit (回访) on record.
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-close [-C DIR] [--on DATE] [--performed DATE | --partial] "
	"[--note TEXT] ID",
	NULL
};

enum { OPT_ON = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_PERFORMED, OPT_PARTIAL,
	OPT_NOTE };

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "note", required_argument, NULL, OPT_NOTE },
		{ "on", required_argument, NULL, OPT_ON },
		{ "partial", no_argument, NULL, OPT_PARTIAL },
		{ "performed", required_argument, NULL, OPT_PERFORMED },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_cli_case cc = { 0 };
	struct fq_node *a, *visits;
	const char *on = NULL, *performed = NULL, *note = NULL, *st, *mode;
	char outcome[32];
	bool partial = false;
	int ch, ret;

	fq_cli_init(&cli, "fq-close", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_ON: on = optarg; break;
		case OPT_PERFORMED: performed = optarg; break;
		case OPT_PARTIAL: partial = true; break;
		case OPT_NOTE: note = optarg; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (argc - optind != 1)
		fq_cli_usage_error(&cli, "give one case ID");
	if (performed && partial)
		fq_cli_usage_error(&cli, "--performed and --partial exclude "
			"each other");
	if (partial && !note)
		fq_cli_usage_error(&cli, "--partial needs --note saying what "
			"is still owed");
	on = on ? fq_cli_date(&cli, "--on", on, false) : cli.today;
	if (performed)
		performed = fq_cli_date(&cli, "--performed", performed, false);
	if ((ret = fq_cli_begin(&cli, argv[optind], "close", &cc)))
		goto out;
	a = fq_map_get(cc.c, "agreement");
	if (!a || a->kind != FQ_NODE_MAP) {
		ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "%s has no agreement on "
			"record", argv[optind]);
		goto out;
	}
	if (performed) {
		fq_map_set_str(a, "performance_status", "performed");
		fq_map_set(a, "performed_on", fq_node_scalar(performed));
	} else if (partial) {
		fq_map_set_str(a, "performance_status", "partial");
	}
	st = fq_map_str(a, "performance_status");
	if (!st || (strcmp(st, "performed") && strcmp(st, "partial"))) {
		ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "%s: the agreement is not "
			"performed yet; give --performed DATE, or --partial "
			"--note TEXT", argv[optind]);
		goto out;
	}
	mode = fq_map_str(a, "performance_mode");
	visits = fq_map_get(cc.c, "visits");
	if ((!mode || strcmp(mode, "immediate")) &&
	    (!visits || visits->kind != FQ_NODE_SEQ || !visits->len)) {
		ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "%s: no follow-up visit "
			"on record; record one first with 'fq visit %s "
			"--method phone --satisfaction satisfied'", argv[optind],
			argv[optind]);
		goto out;
	}
	snprintf(outcome, sizeof(outcome), "mediated_%s",
		fq_map_str(a, "form") ? fq_map_str(a, "form") : "written");
	fq_case_move(cc.c, "closed", outcome, cli.now, on, fq_cli_actor(&cli),
		note ? note : "销号");
	ret = fq_cli_commit(&cli, &cc);
out:
	fq_cli_case_release(&cc);
	return fq_cli_finish(&cli, ret);
}
