/*
 * fq-withdraw: the applicant withdraws (T7: accepted or mediating ->
 * closed, outcome withdrawn).
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-withdraw [-C DIR] [--on DATE] [--party NAME] [--reason TEXT] ID",
	NULL
};

enum { OPT_ON = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_REASON, OPT_PARTY };

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "on", required_argument, NULL, OPT_ON },
		{ "party", required_argument, NULL, OPT_PARTY },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_cli_case cc = { 0 };
	struct fq_buf note = FQ_BUF_INIT;
	const char *on = NULL, *reason = NULL, *party = NULL;
	int ch, ret;

	fq_cli_init(&cli, "fq-withdraw", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_ON: on = optarg; break;
		case OPT_REASON: reason = optarg; break;
		case OPT_PARTY: party = optarg; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (argc - optind != 1)
		fq_cli_usage_error(&cli, "give one case ID");
	on = on ? fq_cli_date(&cli, "--on", on, false) : cli.today;
	if ((ret = fq_cli_begin(&cli, argv[optind], "withdraw", &cc)))
		goto out;
	fq_buf_adds(&note, "申请人撤回");
	if (party)
		fq_buf_addf(&note, " (%s)", party);
	if (reason)
		fq_buf_addf(&note, ": %s", reason);
	fq_case_move(cc.c, "closed", "withdrawn", cli.now, on,
		fq_cli_actor(&cli), note.buf);
	ret = fq_cli_commit(&cli, &cc);
out:
	fq_buf_release(&note);
	fq_cli_case_release(&cc);
	return fq_cli_finish(&cli, ret);
}
