/*
 * fq-risk: grade a case red, yellow or blue (三色管理, T17).  A red or
 * yellow case is led by a named official (包案领导) and needs a plan (一案
 * 一策) within deadlines.plan_red / plan_yellow (3 / 7 days); until the
 * plan is written the case shows the plan deadline in `fq due`.  Every
 * change of colour is kept in the event log.
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-risk [-C DIR] --color red|yellow|blue [--plan TEXT] [--lead NAME] "
	"[--unit NAME] [--note TEXT] ID",
	NULL
};

enum { OPT_COLOR = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_PLAN, OPT_LEAD,
	OPT_UNIT, OPT_NOTE };

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "colour", required_argument, NULL, OPT_COLOR },
		{ "lead", required_argument, NULL, OPT_LEAD },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ "plan", required_argument, NULL, OPT_PLAN },
		{ "unit", required_argument, NULL, OPT_UNIT },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_cli_case cc = { 0 };
	struct fq_buf note = FQ_BUF_INIT;
	const char *color = NULL, *plan = NULL, *lead = NULL, *unit = NULL;
	const char *extra = NULL, *old;
	bool changed;
	int ch, ret;

	fq_cli_init(&cli, "fq-risk", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_COLOR: color = optarg; break;
		case OPT_PLAN: plan = optarg; break;
		case OPT_LEAD: lead = optarg; break;
		case OPT_UNIT: unit = optarg; break;
		case OPT_NOTE: extra = optarg; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (argc - optind != 1)
		fq_cli_usage_error(&cli, "give one case ID");
	if (!color && !plan && !lead && !unit)
		fq_cli_usage_error(&cli, "give --color, and for red or yellow "
			"--lead and --plan");
	if ((ret = fq_cli_schema(&cli)))
		goto out;
	if (color)
		color = fq_cli_enum(&cli, "colors", "--color", color);
	if ((ret = fq_cli_begin(&cli, argv[optind], "risk", &cc)))
		goto out;
	old = fq_map_str(cc.c, "risk_color");
	if (!color)
		color = old;
	if (plan)
		fq_map_set_str(cc.c, "plan", plan);
	if (lead)
		fq_map_set_str(cc.c, "lead_official", lead);
	if (unit)
		fq_map_set_str(cc.c, "responsible_unit", unit);
	if (strcmp(color, "blue") && !fq_map_str(cc.c, "lead_official")) {
		ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "a %s case is led by a "
			"named official: give --lead NAME (包案领导)", color);
		goto out;
	}
	if (strcmp(color, "blue") && !fq_map_str(cc.c, "plan"))
		fq_cli_warn(&cli, "%s: no plan yet (一案一策); 'fq due' shows "
			"when it is due", argv[optind]);
	if (old && strcmp(old, color))
		fq_buf_addf(&note, "%s → %s",
			fq_schema_label(cli.schema, "colors", old),
			fq_schema_label(cli.schema, "colors", color));
	if (extra)
		fq_buf_addf(&note, "%s%s", note.len ? "; " : "", extra);
	if (plan)
		fq_buf_addf(&note, "%s一案一策: %s", note.len ? "; " : "", plan);
	/* old borrows from the case: decide before replacing it. */
	changed = old && strcmp(old, color);
	if (!old || changed)
		fq_map_set_str(cc.c, "risk_color", color);
	fq_case_add_event(cc.c, cli.now, changed ? "risk_change" : "note",
		fq_cli_actor(&cli), note.len ? note.buf : "风险等级信息更新");
	ret = fq_cli_commit(&cli, &cc);
	if (!ret && (changed || !old) && !strcmp(color, "red"))
		fq_cli_warn(&cli, "%s is red: report it to the county "
			"(县综治中心) within deadlines.report_red (4 hours), "
			"then record it: fq note --kind report_up %s TEXT",
			argv[optind], argv[optind]);
out:
	fq_buf_release(&note);
	fq_cli_case_release(&cc);
	return fq_cli_finish(&cli, ret);
}
