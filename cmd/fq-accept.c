/*
 * fq-accept: accept a case found by screening (T3: reported -> accepted).
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-accept [-C DIR] [--on DATE] [--category C] "
	"[--party NAME[:ROLE[:PHONE]]]... [--complexity LEVEL] "
	"[--note TEXT] ID",
	NULL
};

enum { OPT_ON = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_CATEGORY, OPT_PARTY,
	OPT_NOTE, OPT_COMPLEXITY };

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "category", required_argument, NULL, OPT_CATEGORY },
		{ "complexity", required_argument, NULL, OPT_COMPLEXITY },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ "on", required_argument, NULL, OPT_ON },
		{ "party", required_argument, NULL, OPT_PARTY },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_cli_case cc = { 0 };
	const char *on = NULL, *category = NULL, *note = NULL;
	const char *complexity = NULL;
	const char **parties = calloc((size_t)argc, sizeof(*parties));
	struct fq_node *seq;
	size_t np = 0, i;
	int ch, ret;

	fq_cli_init(&cli, "fq-accept", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_ON: on = optarg; break;
		case OPT_CATEGORY: category = optarg; break;
		case OPT_PARTY: parties[np++] = optarg; break;
		case OPT_NOTE: note = optarg; break;
		case OPT_COMPLEXITY: complexity = optarg; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (argc - optind != 1)
		fq_cli_usage_error(&cli, "give one case ID");
	on = on ? fq_cli_date(&cli, "--on", on, false) : cli.today;
	ret = 0;
	if (complexity && !(ret = fq_cli_schema(&cli)))
		complexity = fq_cli_enum(&cli, "complexity", "--complexity",
			complexity);
	if (ret || (ret = fq_cli_begin(&cli, argv[optind], "accept", &cc)))
		goto out;
	if (category)
		fq_map_set_str(cc.c, "category", fq_cli_enum(&cli, "categories",
			"--category", category));
	if (complexity)		/* R8: its own handling period */
		fq_map_set_str(cc.c, "complexity", complexity);
	seq = fq_map_get(cc.c, "parties");
	if (!seq || seq->kind != FQ_NODE_SEQ) {
		seq = fq_node_new(FQ_NODE_SEQ);
		fq_map_set(cc.c, "parties", seq);
	}
	for (i = 0; i < np; i++)
		fq_seq_push(seq, fq_cli_party(&cli, parties[i], seq->len));
	if (!seq->len) {
		ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "%s: a case is accepted "
			"with at least one party: give --party NAME",
			argv[optind]);
		goto out;
	}
	if (fq_map_str(cc.c, "reported_on") &&
	    strcmp(on, fq_map_str(cc.c, "reported_on")) < 0) {
		ret = fq_cli_fail(&cli, FQ_EXIT_USAGE, "--on %s is before the "
			"case was reported (%s)", on,
			fq_map_str(cc.c, "reported_on"));
		goto out;
	}
	fq_map_set(cc.c, "accepted_on", fq_node_scalar(on));
	fq_case_move(cc.c, "accepted", NULL, cli.now, on, fq_cli_actor(&cli),
		note);
	ret = fq_cli_commit(&cli, &cc);
out:
	fq_cli_case_release(&cc);
	free(parties);
	return fq_cli_finish(&cli, ret);
}
