/*
 * fq-init: create a case repository.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fq/sync.h"

static const char *const usage[] = {
	"fq-init [DIR] --unit CODE --name NAME [--town TOWN] [--level LEVEL] "
	"[--remote URL]",
	NULL
};

enum {
	OPT_UNIT = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_NAME, OPT_TOWN, OPT_LEVEL,
	OPT_REMOTE
};

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "remote", required_argument, NULL, OPT_REMOTE },
		{ "town", required_argument, NULL, OPT_TOWN },
		{ "unit", required_argument, NULL, OPT_UNIT },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_store_init_opts o = { 0 };
	struct fq_error err = FQ_ERROR_INIT;
	const char *dir = ".", *remote = NULL;
	fq_store *st = NULL;
	bool taken = false;
	int c, ret = 0;

	fq_cli_init(&cli, "fq-init", argv[0], usage);
	while ((c = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_UNIT: o.unit = optarg; break;
		case OPT_NAME: o.name = optarg; break;
		case OPT_TOWN: o.town = optarg; break;
		case OPT_LEVEL: o.level = optarg; break;
		case OPT_REMOTE: remote = optarg; break;
		default: fq_cli_common_opt(&cli, c, optarg);
		}
	}
	if (argc - optind > 1)
		fq_cli_usage_error(&cli, "too many arguments");
	if (optind < argc)
		dir = argv[optind];
	else if (cli.dir)
		dir = cli.dir;
	if (!o.unit)
		fq_cli_usage_error(&cli, "--unit CODE is required "
			"(2 to 12 capital letters or digits, e.g. QSZ)");
	if (!fq_unit_valid(o.unit))
		fq_cli_usage_error(&cli, "--unit '%s': use 2 to 12 capital "
			"letters or digits (e.g. QSZ)", o.unit);
	if (!o.name || !*o.name)
		fq_cli_usage_error(&cli, "--name NAME is required "
			"(the office, e.g. 青山镇人民调解委员会)");
	if ((ret = fq_cli_schema(&cli)))
		goto out;
	if (o.level)
		o.level = fq_cli_enum(&cli, "levels", "--level", o.level);
	if (remote && !*remote)
		fq_cli_usage_error(&cli, "--remote: an empty URL");
	/* a unit code belongs to one repository: refuse one in use */
	if (remote) {
		if (fq_sync_remote_has_unit(remote, o.unit, &taken, &err)) {
			ret = fq_cli_error(&cli, &err);
			goto out;
		}
		if (taken) {
			ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "unit %s is "
				"already on %s: it belongs to another "
				"repository; choose another code, or copy "
				"that one (git clone -b %s %s DIR)", o.unit,
				remote, o.unit, remote);
			goto out;
		}
	}
	o.author_name = cli.user;
	o.author_email = cli.email;
	if (fq_store_init(dir, &o, &err)) {
		ret = fq_cli_error(&cli, &err);
		goto out;
	}
	if (remote && (fq_store_open(&st, dir, &err) ||
	    fq_sync_set_remote(st, "origin", remote, &err))) {
		ret = fq_cli_error(&cli, &err);
		goto out;
	}
	printf(_("Initialized fq repository %s (%s) in %s\n"), o.unit, o.name,
		dir);
out:
	fq_store_free(st);
	return fq_cli_finish(&cli, ret);
}
