/*
 * fq-sync: exchange commits with the county repository (or a bundle on a
 * USB stick), under the repository lock.  See fq/sync.h for how two
 * copies of a case are merged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fq/sync.h"

static const char *const usage[] = {
	"fq-sync [-C DIR] [--no-push] [REMOTE]",
	"fq-sync [-C DIR] FILE.bundle",
	"fq-sync [-C DIR] --bundle FILE [REMOTE]",
	NULL
};

enum { OPT_BUNDLE = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_NO_PUSH };

struct ctx {
	struct fq_cli *cli;
	size_t conflicts;
};

static void
note(enum fq_sync_event ev, const char *id, const char *field,
	const char *kept, const char *other, void *data)
{
	struct ctx *x = data;

	switch (ev) {
	case FQ_SYNC_CONFLICT:
		x->conflicts++;
		fq_cli_warn(x->cli, "%s: %s was changed differently in two "
			"places: kept '%s' (this copy); the other value '%s' "
			"is recorded in the case for review (fq show %s)", id,
			field, kept ? kept : _("(none)"),
			other ? other : _("(none)"), id);
		break;
	case FQ_SYNC_KEPT_BOTH:
		fq_cli_warn(x->cli, "%s was removed on one side and changed "
			"on the other: the changed file is kept", id);
		break;
	case FQ_SYNC_RENUMBERED:
		fq_cli_warn(x->cli, "%s was registered in two copies: the "
			"other copy's case is now %s", id, field);
		break;
	case FQ_SYNC_FILE_KEPT:
		fq_cli_warn(x->cli, "%s was changed on both sides: this "
			"copy's version is kept, the other is in the merged "
			"history (git log)", id);
		break;
	case FQ_SYNC_RETRY:
		fq_cli_warn(x->cli, "someone pushed meanwhile: fetching "
			"again");
		break;
	}
}

static int
fix(struct fq_node *c, void *data)
{
	struct ctx *x = data;
	struct fq_error err = FQ_ERROR_INIT;

	return fq_case_update_due(c, x->cli->cal,
		fq_store_config(x->cli->store), &err);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "bundle", required_argument, NULL, OPT_BUNDLE },
		{ "no-push", no_argument, NULL, OPT_NO_PUSH },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_sync_opts o;
	struct fq_sync_result r;
	struct ctx x;
	const char *bundle_out = NULL, *arg = NULL;
	bool no_push = false;
	int ch, ret = 0;

	fq_cli_init(&cli, "fq-sync", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_BUNDLE: bundle_out = optarg; break;
		case OPT_NO_PUSH: no_push = true; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (argc - optind > 1)
		fq_cli_usage_error(&cli, "too many arguments: give one remote "
			"or one bundle");
	if (optind < argc)
		arg = argv[optind];
	if (arg && !*arg)
		fq_cli_usage_error(&cli, "an empty remote");
	if (bundle_out && !*bundle_out)
		fq_cli_usage_error(&cli, "--bundle: an empty file name");
	if (bundle_out && no_push)
		fq_cli_usage_error(&cli, "--bundle writes a file; --no-push "
			"does not apply");
	if ((ret = fq_cli_open(&cli)) || (ret = fq_cli_calendar(&cli)))
		goto out;
	if (bundle_out && arg && fq_sync_is_bundle(arg))
		fq_cli_usage_error(&cli, "--bundle FILE writes a bundle; to "
			"take %s in, run fq sync %s", arg, arg);
	if ((ret = fq_cli_lock(&cli)))
		goto out;

	if (bundle_out) {
		size_t n;

		if (fq_sync_bundle_write(cli.store, bundle_out, arg, &n,
		    &err)) {
			ret = fq_cli_error(&cli, &err);
			goto out;
		}
		if (n)
			printf(_("wrote %s: %zu commit(s) of %s\n"), bundle_out, n,
				fq_store_unit(cli.store));
		else
			printf(_("nothing to write: %s already has every commit "
				"of %s\n"), arg ? arg : "origin",
				fq_store_unit(cli.store));
		goto out;
	}

	memset(&x, 0, sizeof(x));
	x.cli = &cli;
	memset(&o, 0, sizeof(o));
	o.now = cli.now;
	o.schema = cli.schema;
	o.no_push = no_push;
	o.note = note;
	o.fix = fix;
	o.data = &x;
	if (arg && fq_sync_is_bundle(arg))
		o.bundle_in = arg;
	else
		o.remote = arg;
	if (fq_sync(cli.store, &o, &r, &err)) {
		ret = fq_cli_error(&cli, &err);
		goto out;
	}
	if (r.up_to_date) {
		printf(_("up to date with %s\n"), o.bundle_in ? o.bundle_in :
			arg ? arg : "origin");
		goto out;
	}
	if (r.fast_forward && r.files_in)
		printf(_("took in %zu changed file(s)\n"), r.files_in);
	else if (r.fast_forward)
		printf(_("took in the other side's commits (no file changed)\n"));
	if (r.merged)
		printf(_("merged: %zu file(s) from the other side, %zu case(s) "
			"changed in both places, %zu conflict(s) kept for "
			"review\n"), r.files_in, r.merged_cases, r.conflicts);
	if (r.pushed)
		printf(_("sent %s to %s\n"), fq_store_unit(cli.store),
			arg ? arg : "origin");
out:
	return fq_cli_finish(&cli, ret);
}
