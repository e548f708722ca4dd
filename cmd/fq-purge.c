/*
 * fq-purge: anonymise the archived cases whose retention period has run
 * out (个人信息保护法 arts. 19, 47; DOMAIN.md §3.10), as one commit.
 * What is kept and removed: lib/purge.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fq/purge.h"

static const char *const usage[] = {
	"fq-purge [-C DIR] [--before DATE] [--dry-run]",
	NULL
};

enum { OPT_BEFORE = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_DRY_RUN };

struct due {
	char *path;
	struct fq_node *c;
	char end[FQ_DATE_SIZE];
};

struct ctx {
	struct fq_cli *cli;
	const char *before;
	struct due *v;
	size_t n, alloc, bad;
	struct fq_buf data;
	struct fq_error err;
};

static int
each(const char *relpath, const char *oid, void *data)
{
	struct ctx *x = data;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_node *c = NULL;
	char end[FQ_DATE_SIZE];
	int ret;

	fq_buf_reset(&x->data);
	if (fq_store_read_blob(x->cli->store, oid, &x->data, &err) ||
	    fq_case_parse(&c, x->cli->schema, x->data.buf, x->data.len,
	    relpath, NULL, &err)) {
		fq_cli_warn(x->cli, "%s: %s", relpath, err.msg);
		x->bad++;
		fq_node_free(c);
		return 0;
	}
	ret = fq_retention_end(end, c, fq_store_config(x->cli->store), &err);
	if (ret == FQ_ENOTFOUND || (ret == 0 && strcmp(end, x->before) >= 0)) {
		fq_node_free(c);
		return 0;
	}
	if (ret) {
		x->err = err;
		fq_node_free(c);
		return ret;
	}
	if (x->n == x->alloc) {
		x->alloc = x->alloc ? x->alloc * 2 : 16;
		x->v = realloc(x->v, x->alloc * sizeof(*x->v));
		if (!x->v)
			abort();
	}
	x->v[x->n].path = strdup(relpath);
	x->v[x->n].c = c;
	memcpy(x->v[x->n].end, end, sizeof(end));
	x->n++;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "before", required_argument, NULL, OPT_BEFORE },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct ctx x = { 0 };
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_change *changes = NULL;
	struct fq_buf *texts = NULL, msg = FQ_BUF_INIT;
	bool dry_run = false;
	const char *before = NULL;
	size_t i;
	int ch, ret = 0;

	fq_cli_init(&cli, "fq-purge", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:hn", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_BEFORE: before = optarg; break;
		case 'n':
		case OPT_DRY_RUN: dry_run = true; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (optind < argc)
		fq_cli_usage_error(&cli, "unexpected argument '%s'",
			argv[optind]);
	/* a retention period still running is never cut short */
	x.before = before ? fq_cli_date(&cli, "--before", before, false) :
		cli.today;
	fq_buf_init(&x.data);
	x.cli = &cli;
	if ((ret = fq_cli_open(&cli)))
		goto out;
	if (!dry_run && (ret = fq_cli_lock(&cli)))
		goto out;
	if ((ret = fq_store_foreach(cli.store, each, &x, &err))) {
		ret = fq_cli_error(&cli, ret == FQ_EUSAGE || ret == FQ_EPARSE ?
			&x.err : &err);
		if (ret == FQ_EXIT_USAGE)
			ret = FQ_EXIT_DATA;	/* fq.yaml's period */
		goto out;
	}
	if (x.bad) {
		ret = fq_cli_fail(&cli, FQ_EXIT_DATA, "%zu case file%s could "
			"not be read; nothing purged (run 'fq check')", x.bad,
			x.bad == 1 ? "" : "s");
		goto out;
	}
	for (i = 0; i < x.n; i++) {
		const char *r = fq_map_str(x.v[i].c, "retention");

		printf("%s\t%s\t%s\t%s\n", fq_map_str(x.v[i].c, "id"),
			r ? r : "long", fq_map_str(x.v[i].c, "archived_on"),
			x.v[i].end);
	}
	if (dry_run || !x.n) {
		fprintf(stderr, _("%s: %zu case%s past retention before %s%s\n"),
			cli.prog, x.n, x.n == 1 ? "" : "s", x.before,
			dry_run && x.n ? _(" (dry run: nothing changed)") : "");
		goto out;
	}
	changes = calloc(x.n, sizeof(*changes));
	texts = calloc(x.n, sizeof(*texts));
	if (!changes || !texts)
		abort();
	fq_buf_addf(&msg, "fq-purge: %zu case%s past retention before %s\n\n",
		x.n, x.n == 1 ? "" : "s", x.before);
	for (i = 0; i < x.n; i++) {
		struct fq_node *c = x.v[i].c;
		char note[160];

		fq_buf_init(&texts[i]);
		fq_case_anonymise(c, cli.schema);
		fq_map_set_str(c, "purged_on", cli.today);
		snprintf(note, sizeof(note), "保管期限至 %s 届满，个人信息已"
			"去标识化 (fq purge)", x.v[i].end);
		fq_case_add_event(c, cli.now, "purge", fq_cli_actor(&cli), note);
		fq_map_set(c, "updated_at", fq_node_scalar(cli.now));
		if ((ret = fq_case_render(&texts[i], cli.schema, c, &err))) {
			ret = fq_cli_error(&cli, &err);
			goto out;
		}
		changes[i].path = x.v[i].path;
		changes[i].data = texts[i].buf;
		changes[i].len = texts[i].len;
		fq_buf_addf(&msg, "%s\n", fq_map_str(c, "id"));
	}
	if (fq_store_commit(cli.store, changes, x.n, msg.buf, NULL, &err)) {
		ret = fq_cli_error(&cli, &err);
		goto out;
	}
	fprintf(stderr, _("%s: %zu case%s anonymised\n"), cli.prog, x.n,
		x.n == 1 ? "" : "s");
out:
	for (i = 0; i < x.n; i++) {
		free(x.v[i].path);
		fq_node_free(x.v[i].c);
		if (texts)
			fq_buf_release(&texts[i]);
	}
	free(x.v);
	free(texts);
	free(changes);
	fq_buf_release(&msg);
	fq_buf_release(&x.data);
	return fq_cli_finish(&cli, ret);
}
