/*
 * fq-archive: file a closed case (立卷归档; T16: closed -> archived).
 * The 卷宗 must hold the application or registration form, the notice of
 * rights and duties, proof of identity, the mediation record, and for a
 * written agreement the agreement itself; --doc marks what is in the
 * file.  An archived case is read-only except for visits and corrections.
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-archive [-C DIR] [--on DATE] [--docket NO] "
	"[--retention permanent|long|short] [--doc NAME[,NAME...]] ID",
	NULL
};

enum { OPT_ON = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_DOCKET, OPT_RETENTION,
	OPT_DOC };

static const char *const doc_names[] = {
	"application", "notice", "id_proof", "record", "agreement",
	"visit_record", "confirmation", NULL
};

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "doc", required_argument, NULL, OPT_DOC },
		{ "docket", required_argument, NULL, OPT_DOCKET },
		{ "on", required_argument, NULL, OPT_ON },
		{ "retention", required_argument, NULL, OPT_RETENTION },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_cli_case cc = { 0 };
	struct fq_buf missing = FQ_BUF_INIT, docsarg = FQ_BUF_INIT;
	struct fq_node *docs;
	const char *on = NULL, *docket = NULL, *retention = NULL, *outcome;
	const char *need[6];
	size_t nneed = 0, i;
	int ch, ret;

	fq_cli_init(&cli, "fq-archive", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_ON: on = optarg; break;
		case OPT_DOCKET: docket = optarg; break;
		case OPT_RETENTION: retention = optarg; break;
		case OPT_DOC:
			if (docsarg.len)
				fq_buf_addch(&docsarg, ',');
			{
				char *c = fq_cli_commas(optarg);

				fq_buf_adds(&docsarg, c);
				free(c);
			}
			break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (argc - optind != 1)
		fq_cli_usage_error(&cli, "give one case ID");
	on = on ? fq_cli_date(&cli, "--on", on, false) : cli.today;
	if ((ret = fq_cli_schema(&cli)))
		goto out;
	retention = fq_cli_enum(&cli, "retention", "--retention",
		retention ? retention : "long");
	if ((ret = fq_cli_begin(&cli, argv[optind], "archive", &cc)))
		goto out;
	docs = fq_map_get(cc.c, "docs");
	if (!docs || docs->kind != FQ_NODE_MAP) {
		docs = fq_node_new(FQ_NODE_MAP);
		fq_map_set(cc.c, "docs", docs);
	}
	{
		const char *p = docsarg.buf;

		while (*p) {
			size_t l = strcspn(p, ",");
			bool known = false;

			for (i = 0; doc_names[i]; i++)
				if (strlen(doc_names[i]) == l &&
				    !strncmp(doc_names[i], p, l)) {
					fq_map_set(docs, doc_names[i],
						fq_node_scalar("true"));
					known = true;
				}
			if (!known && l) {
				ret = fq_cli_fail(&cli, FQ_EXIT_USAGE, "--doc "
					"'%.*s': one of application, notice, "
					"id_proof, record, agreement, "
					"visit_record, confirmation", (int)l, p);
				goto out;
			}
			p += l;
			if (*p)
				p++;
		}
	}
	need[nneed++] = "application";
	need[nneed++] = "notice";
	need[nneed++] = "id_proof";
	need[nneed++] = "record";
	outcome = fq_map_str(cc.c, "outcome");
	if (outcome && !strcmp(outcome, "mediated_written"))
		need[nneed++] = "agreement";
	for (i = 0; i < nneed; i++) {
		const char *v = fq_map_str(docs, need[i]);

		if (!v || strcmp(v, "true"))
			fq_buf_addf(&missing, "%s%s", missing.len ? ", " : "",
				need[i]);
	}
	if (missing.len) {
		ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "%s: the file (卷宗) lacks "
			"%s; add them and mark them with --doc", argv[optind],
			missing.buf);
		goto out;
	}
	if (!docket && !fq_map_str(cc.c, "docket_no")) {
		ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "%s has no docket number "
			"(卷号); give --docket NO", argv[optind]);
		goto out;
	}
	if (docket)
		fq_map_set_str(cc.c, "docket_no", docket);
	fq_map_set_str(cc.c, "retention", retention);
	fq_map_set(cc.c, "archived_on", fq_node_scalar(on));
	fq_case_move(cc.c, "archived", NULL, cli.now, on, fq_cli_actor(&cli),
		docket);
	ret = fq_cli_commit(&cli, &cc);
out:
	fq_buf_release(&missing);
	fq_buf_release(&docsarg);
	fq_cli_case_release(&cc);
	return fq_cli_finish(&cli, ret);
}
