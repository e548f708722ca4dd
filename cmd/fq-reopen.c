/*
 * fq-reopen: mediate again (T14: agreed -> mediating, when the agreement
 * is unlawful, clearly unfair, or its performance is in dispute; T15:
 * closed -> mediating, within deadlines.reopen_window of the closing,
 * default 90 days).  A reopened case counts as reopened in the monthly
 * report, not as new.  The old outcome stays in the event log.
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-reopen [-C DIR] [--on DATE] --reason TEXT ID",
	NULL
};

enum { OPT_ON = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_REASON };

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "on", required_argument, NULL, OPT_ON },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_cli_case cc = { 0 };
	struct fq_error err = FQ_ERROR_INIT;
	const char *on = NULL, *reason = NULL, *closed;
	char limit[FQ_DATE_SIZE];
	int ch, ret;

	fq_cli_init(&cli, "fq-reopen", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_ON: on = optarg; break;
		case OPT_REASON: reason = optarg; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (argc - optind != 1)
		fq_cli_usage_error(&cli, "give one case ID");
	if (!reason || !*reason)
		fq_cli_usage_error(&cli, "--reason TEXT is required (it is "
			"kept in the case's log)");
	on = on ? fq_cli_date(&cli, "--on", on, false) : cli.today;
	if ((ret = fq_cli_begin(&cli, argv[optind], "reopen", &cc)))
		goto out;
	if (fq_map_str(cc.c, "merged_into")) {
		ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "%s was merged into %s "
			"as a duplicate: reopen that case instead", argv[optind],
			fq_map_str(cc.c, "merged_into"));
		goto out;
	}
	closed = fq_map_str(cc.c, "closed_on");
	if (!strcmp(fq_map_str(cc.c, "status"), "closed") && closed) {
		if (fq_deadline_from(limit, cli.cal, fq_store_config(cli.store),
		    "reopen_window", "90 days", closed, &err)) {
			ret = fq_cli_error(&cli, &err);
			goto out;
		}
		if (strcmp(on, limit) > 0) {
			ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "%s was closed on "
				"%s; it can be reopened until %s only "
				"(deadlines.reopen_window): register a new case",
				argv[optind], closed, limit);
			goto out;
		}
	}
	/* T14: mediated again, the agreement is set aside but kept. */
	if (!strcmp(fq_map_str(cc.c, "status"), "agreed"))
		fq_cli_supersede_agreement(cc.c, on);
	fq_case_move(cc.c, "mediating", NULL, cli.now, on, fq_cli_actor(&cli),
		reason);
	ret = fq_cli_commit(&cli, &cc);
out:
	fq_cli_case_release(&cc);
	return fq_cli_finish(&cli, ret);
}
