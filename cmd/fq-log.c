/*
 * fq-log: who changed a case, and when, from git's history.  With
 * --show-signature each commit carries git's %G? mark: G good, N
 * unsigned, B bad, U unknown signer, and for OpenPGP X expired
 * signature, Y good by an expired key, R revoked key, E cannot be
 * checked (lib/sign.c checks it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "fq/sign.h"

static const char *const usage[] = {
	"fq-log [-C DIR] [--format text|tsv] [--show-signature] ID",
	NULL
};

enum { OPT_FORMAT = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_SIGNATURE };

struct ctx {
	fq_store *store;
	bool tsv, sigs;
	size_t n;
	int failed;
	struct fq_error err;
};

/* "G " and so on, or "" without --show-signature. */
static const char *
mark(struct ctx *x, const char *commit, char *buf)
{
	struct fq_sign_result r;

	buf[0] = '\0';
	if (!x->sigs)
		return buf;
	fq_sign_result_init(&r);
	if (fq_sign_verify(x->store, commit, &r, &x->err) < 0)
		x->failed = 1;
	buf[0] = x->failed ? '?' : fq_sign_status_mark(r.status);
	buf[1] = x->tsv ? '\t' : ' ';
	buf[2] = '\0';
	fq_sign_result_release(&r);
	return buf;
}

static int
each(const char *commit, const char *name, const char *email, long long when,
	int offset, const char *summary, void *data)
{
	struct ctx *x = data;
	time_t t = (time_t)(when + (long long)offset * 60);
	struct tm tm;
	char stamp[32], sig[4];

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M", &tm);
	mark(x, commit, sig);
	if (x->failed)
		return -1;
	if (x->tsv)
		printf("%s\t%s%s %c%02d%02d\t%s\t%s\t%s\n", commit, sig,
			stamp, offset < 0 ? '-' : '+', abs(offset) / 60,
			abs(offset) % 60, name, email, summary);
	else
		printf("%s %c%02d%02d  %.10s  %s%s <%s>  %s\n", stamp,
			offset < 0 ? '-' : '+', abs(offset) / 60,
			abs(offset) % 60, commit, sig, name, email, summary);
	x->n++;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "show-signature", no_argument, NULL, OPT_SIGNATURE },
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
		case OPT_SIGNATURE: x.sigs = true; break;
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
	x.store = cli.store;
	if (fq_store_find(cli.store, argv[optind], &path, &err) ||
	    fq_store_log(cli.store, path.buf, each, &x, &err))
		ret = fq_cli_error(&cli, x.failed ? &x.err : &err);
out:
	fq_buf_release(&path);
	return fq_cli_finish(&cli, ret);
}
