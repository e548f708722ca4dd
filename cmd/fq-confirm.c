/*
 * fq-confirm: record a 司法确认 of the agreement (T20): the joint
 * application, which must be made within 30 days of the agreement taking
 * effect (人民调解法 art. 33; deadlines.confirmation_window), and later
 * the court's decision.
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-confirm [-C DIR] --applied DATE [--court NAME] [--case-no NO] "
	"[--decided DATE --result valid|invalid] ID",
	NULL
};

enum { OPT_APPLIED = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_COURT, OPT_CASENO,
	OPT_DECIDED, OPT_RESULT };

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "applied", required_argument, NULL, OPT_APPLIED },
		{ "case-no", required_argument, NULL, OPT_CASENO },
		{ "court", required_argument, NULL, OPT_COURT },
		{ "decided", required_argument, NULL, OPT_DECIDED },
		{ "result", required_argument, NULL, OPT_RESULT },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_cli_case cc = { 0 };
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *list, *x = NULL;
	const char *applied = NULL, *court = NULL, *caseno = NULL;
	const char *decided = NULL, *result = NULL, *eff;
	char window[FQ_DATE_SIZE];
	size_t i;
	int ch, ret;

	fq_cli_init(&cli, "fq-confirm", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_APPLIED: applied = optarg; break;
		case OPT_COURT: court = optarg; break;
		case OPT_CASENO: caseno = optarg; break;
		case OPT_DECIDED: decided = optarg; break;
		case OPT_RESULT: result = optarg; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (argc - optind != 1)
		fq_cli_usage_error(&cli, "give one case ID");
	if (!applied)
		fq_cli_usage_error(&cli, "--applied DATE is required");
	applied = fq_cli_date(&cli, "--applied", applied, false);
	if (decided)
		decided = fq_cli_date(&cli, "--decided", decided, false);
	if ((decided != NULL) != (result != NULL))
		fq_cli_usage_error(&cli, "--decided and --result go together");
	if (result && strcmp(result, "valid") && strcmp(result, "invalid"))
		fq_cli_usage_error(&cli, "--result '%s': valid or invalid",
			result);
	if (decided && strcmp(decided, applied) < 0)
		fq_cli_usage_error(&cli, "--decided is before --applied");
	if ((ret = fq_cli_begin(&cli, argv[optind], "confirm", &cc)))
		goto out;
	eff = fq_map_str(fq_map_get(cc.c, "agreement"), "effective_on");
	if (!eff) {
		ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "%s has no agreement to "
			"confirm", argv[optind]);
		goto out;
	}
	if (fq_deadline_from(window, cli.cal, fq_store_config(cli.store),
	    "confirmation_window", "30 days", eff, &err)) {
		ret = fq_cli_error(&cli, &err);
		goto out;
	}
	if (strcmp(applied, window) > 0)
		fq_cli_warn(&cli, "applied %s, after the 30-day window that "
			"ended %s (人民调解法 art. 33)", applied, window);
	list = fq_map_get(cc.c, "confirmations");
	if (!list || list->kind != FQ_NODE_SEQ) {
		list = fq_node_new(FQ_NODE_SEQ);
		fq_map_set(cc.c, "confirmations", list);
	}
	/* The same application decided later: update it in place. */
	for (i = 0; i < list->len; i++)
		if (!strcmp(fq_map_str(list->vals[i], "applied_on"), applied))
			x = list->vals[i];
	if (!x) {
		x = fq_node_new(FQ_NODE_MAP);
		fq_map_set(x, "applied_on", fq_node_scalar(applied));
		fq_seq_push(list, x);
	}
	if (court)
		fq_map_set_str(x, "court", court);
	if (caseno)
		fq_map_set_str(x, "court_case_no", caseno);
	if (decided) {
		fq_map_set(x, "decided_on", fq_node_scalar(decided));
		fq_map_set_str(x, "result", result);
	}
	fq_case_add_event(cc.c, cli.now, "note", fq_cli_actor(&cli),
		decided ? (!strcmp(result, "valid") ? "司法确认：裁定有效" :
		"司法确认：裁定驳回") : "申请司法确认");
	ret = fq_cli_commit(&cli, &cc);
out:
	fq_cli_case_release(&cc);
	return fq_cli_finish(&cli, ret);
}
