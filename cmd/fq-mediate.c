/*
 * fq-mediate: start mediating (T6: accepted -> mediating).  The case needs
 * at least one mediator: one already named, or --mediator.  The first
 * mediator is the one who presides (主持人).
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-mediate [-C DIR] [--on DATE] [--mediator NAME]... [--note TEXT] ID",
	NULL
};

enum { OPT_ON = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_MEDIATOR, OPT_NOTE };

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "mediator", required_argument, NULL, OPT_MEDIATOR },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ "on", required_argument, NULL, OPT_ON },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_cli_case cc = { 0 };
	const char *on = NULL, *note = NULL;
	const char **med = calloc((size_t)argc, sizeof(*med));
	struct fq_node *seq;
	size_t nm = 0, i, j;
	int ch, ret;

	fq_cli_init(&cli, "fq-mediate", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_ON: on = optarg; break;
		case OPT_MEDIATOR:
			if (!*optarg)
				fq_cli_usage_error(&cli, "--mediator: empty name");
			med[nm++] = optarg;
			break;
		case OPT_NOTE: note = optarg; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (argc - optind != 1)
		fq_cli_usage_error(&cli, "give one case ID");
	on = on ? fq_cli_date(&cli, "--on", on, false) : cli.today;
	if ((ret = fq_cli_begin(&cli, argv[optind], "mediate", &cc)))
		goto out;
	seq = fq_map_get(cc.c, "mediators");
	if (!seq || seq->kind != FQ_NODE_SEQ) {
		seq = fq_node_new(FQ_NODE_SEQ);
		fq_map_set(cc.c, "mediators", seq);
	}
	for (i = 0; i < nm; i++) {
		bool have = false;

		for (j = 0; j < seq->len; j++)
			if (!strcmp(seq->vals[j]->str, med[i]))
				have = true;
		if (!have)
			fq_seq_push(seq, fq_node_text(med[i]));
	}
	if (!seq->len) {
		ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "%s has no mediator: "
			"give --mediator NAME", argv[optind]);
		goto out;
	}
	fq_case_move(cc.c, "mediating", NULL, cli.now, on, fq_cli_actor(&cli),
		note);
	ret = fq_cli_commit(&cli, &cc);
out:
	fq_cli_case_release(&cc);
	free(med);
	return fq_cli_finish(&cli, ret);
}
