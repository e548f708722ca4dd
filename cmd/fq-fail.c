/*
 * fq-fail: mediation did not succeed (T9: mediating -> closed, outcome
 * failed).  The law requires telling the parties where else they can go
 * (人民调解法 art. 26), so --advised is required.
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-fail [-C DIR] [--on DATE] --advised ROUTE[,ROUTE...] "
	"[--reason TEXT] ID",
	NULL
};

enum { OPT_ON = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_ADVISED, OPT_REASON };

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "advised", required_argument, NULL, OPT_ADVISED },
		{ "on", required_argument, NULL, OPT_ON },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_cli_case cc = { 0 };
	struct fq_node *routes = NULL;
	struct fq_buf note = FQ_BUF_INIT;
	const char *on = NULL, *advised = NULL, *reason = NULL, *p;
	char *list = NULL;
	int ch, ret = 0;
	size_t i;

	fq_cli_init(&cli, "fq-fail", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_ON: on = optarg; break;
		case OPT_ADVISED: advised = optarg; break;
		case OPT_REASON: reason = optarg; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (argc - optind != 1)
		fq_cli_usage_error(&cli, "give one case ID");
	if (!advised || !*advised)
		fq_cli_usage_error(&cli, "--advised is required: the routes the "
			"parties were told of (litigation, arbitration, "
			"administrative, petition)");
	on = on ? fq_cli_date(&cli, "--on", on, false) : cli.today;
	if ((ret = fq_cli_schema(&cli)))
		goto out;
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
	fq_map_set(cc.c, "failure_routes_advised", routes);
	routes = NULL;
	fq_case_move(cc.c, "closed", "failed", cli.now, on, fq_cli_actor(&cli),
		note.buf);
	ret = fq_cli_commit(&cli, &cc);
out:
	free(list);
	fq_node_free(routes);
	fq_buf_release(&note);
	fq_cli_case_release(&cc);
	return fq_cli_finish(&cli, ret);
}
