/*
 * fq-log: who changed a case, and when, from git's history.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static const char *const usage[] = {
	"fq-log [-C DIR] [--format text|tsv] ID",
	NULL
};

enum { OPT_FORMAT = FQ_OPT_FIRST_PROGRAM_OPTION };

struct ctx {
	bool tsv;
	size_t n;
};

static int
each(const char *commit, const char *name, const char *email, long long when,
	int offset, const char *summary, void *data)
{
	struct ctx *x = data;
	time_t t = (time_t)(when + (long long)offset * 60);
	struct tm tm;
	char stamp[32];

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M", &tm);
	if (x->tsv)
		printf("%s\t%s %c%02d%02d\t%s\t%s\t%s\n", commit, stamp,
			offset < 0 ? '-' : '+', abs(offset) / 60,
			abs(offset) % 60, name, email, summary);
	else
		printf("%s %c%02d%02d  %.10s  %s <%s>  %s\n", stamp,
			offset < 0 ? '-' : '+', abs(offset) / 60,
			abs(offset) % 60, commit, name, email, summary);
	x->n++;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_buf path = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;
	struct ctx x = { 0 };
	const char *format = "text";
	int ch, ret = 0;

	fq_cli_init(&cli, "fq-log", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_FORMAT: format = optarg; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (strcmp(format, "text") && strcmp(format, "tsv"))
		fq_cli_usage_error(&cli, "--format '%s': use text or tsv",
			format);
	if (argc - optind != 1)
		fq_cli_usage_error(&cli, "give one case ID");
	x.tsv = !strcmp(format, "tsv");
	if ((ret = fq_cli_open(&cli)))
		goto out;
	if (!fq_id_valid(argv[optind])) {
		ret = fq_cli_fail(&cli, FQ_EXIT_USAGE, "not a case ID: '%s' "
			"(expected UNIT-YYYY-NNNNNN)", argv[optind]);
		goto out;
	}
	if (fq_store_find(cli.store, argv[optind], &path, &err) ||
	    fq_store_log(cli.store, path.buf, each, &x, &err))
		ret = fq_cli_error(&cli, &err);
out:
	fq_buf_release(&path);
	return fq_cli_finish(&cli, ret);
}
