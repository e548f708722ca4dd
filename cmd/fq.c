/*
 * fq: runs fq-VERB, found beside this program, then on PATH (like git).
 */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Every command, in the order of DESIGN.md §4, for 'fq --help'. */
static const char *const commands[][2] = {
	{ "init", N_("create a case repository") },
	{ "new", N_("register a case (accepted, or --reported from screening)") },
	{ "show", N_("show one case with its timeline; print documents") },
	{ "list", N_("list and filter cases") },
	{ "note", N_("add an event to a case's log") },
	{ "accept", N_("accept a reported case (T3)") },
	{ "reject", N_("close a case as not accepted, 不予受理 (T4)") },
	{ "refuse", N_("close a case a party refused to mediate (T5)") },
	{ "mediate", N_("start mediating, with the mediators (T6)") },
	{ "withdraw", N_("close a case the applicant withdrew (T7)") },
	{ "agree", N_("record the mediation agreement (T8, T8a)") },
	{ "fail", N_("close a case whose mediation failed (T9)") },
	{ "close", N_("close an agreed case once performed, 销号 (T13)") },
	{ "reopen", N_("mediate an agreed or closed case again (T14, T15)") },
	{ "archive", N_("archive a closed case, 立卷归档 (T16)") },
	{ "merge", N_("close a duplicate into the case it repeats (T21)") },
	{ "risk", N_("三色 grading, with plan and lead official (T17)") },
	{ "extend", N_("extend the time limit with consent (T18)") },
	{ "refer", N_("refer a case to another agency, or cancel it") },
	{ "receive", N_("签收 of a referral, or register an inbound one") },
	{ "return", N_("feedback (反馈) on a referral, with its result") },
	{ "visit", N_("record a follow-up visit, 回访 (T19)") },
	{ "confirm", N_("record 司法确认 of an agreement (T20)") },
	{ "edit", N_("edit a case in $EDITOR, validated before commit") },
	{ "log", N_("who changed a case, and when") },
	{ "due", N_("overdue and soon-due cases and referrals, 督办") },
	{ "check", N_("validate every file and the repository") },
	{ "import", N_("import paper-ledger CSV, all or nothing") },
	{ "export", N_("all or selected cases out as CSV, JSON or YAML") },
	{ "report", N_("the monthly 台账 report to the county") },
	{ "sync", N_("exchange commits with the county repository or a bundle") },
	{ "purge", N_("anonymise archived cases past their retention") },
	{ NULL, NULL }
};

static void
usage(FILE *f)
{
	int i;

	fprintf(f, "%sfq [-C DIR] VERB [ARG...]\n"
		"%sfq help VERB\n"
		"%sfq --help | --version\n\n%s\n", _("usage: "), _("   or: "),
		_("   or: "), _("commands:"));
	for (i = 0; commands[i][0]; i++)
		fprintf(f, "  %-10s%s\n", commands[i][0], _(commands[i][1]));
	fputs(_("\n'fq help VERB' shows the manual of fq-VERB.\n"), f);
}

static int
valid_verb(const char *v)
{
	if (!*v || strlen(v) > 32)
		return 0;
	for (; *v; v++)
		if (!((*v >= 'a' && *v <= 'z') || *v == '-'))
			return 0;
	return 1;
}

/* The directory of this executable into dir; 0 if it cannot be told. */
static int
exe_dir(char *dir, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", dir, size - 1);
	char *slash;

	if (n <= 0)
		return 0;
	dir[n] = '\0';
	if (!(slash = strrchr(dir, '/')))
		return 0;
	*slash = '\0';
	return 1;
}

/* exec fq-VERB beside this executable, else on PATH; returns on failure. */
static void
run(const char *verb, char **argv)
{
	static char prog[PATH_MAX + 64];
	char exe[PATH_MAX];

	snprintf(prog, sizeof(prog), "fq-%s", verb);
	argv[0] = prog;
	if (exe_dir(exe, sizeof(exe))) {
		char path[PATH_MAX + 64];

		snprintf(path, sizeof(path), "%s/fq-%s", exe, verb);
		if (access(path, X_OK) == 0) {
			execv(path, argv);
			fprintf(stderr, _("fq: cannot run %s: %s\n"), path,
				strerror(errno));
			exit(1);
		}
	}
	execvp(prog, argv);
}

/* Is there an fq-VERB program beside this executable or on PATH? */
static int
have_program(const char *verb)
{
	char exe[PATH_MAX], path[PATH_MAX + 64];
	const char *p = getenv("PATH");

	if (exe_dir(exe, sizeof(exe))) {
		snprintf(path, sizeof(path), "%s/fq-%s", exe, verb);
		if (access(path, X_OK) == 0)
			return 1;
	}
	while (p && *p) {
		size_t n = strcspn(p, ":");

		if (n > 0 && n < PATH_MAX) {
			snprintf(path, sizeof(path), "%.*s/fq-%s", (int)n, p,
				verb);
			if (access(path, X_OK) == 0)
				return 1;
		}
		p += n;
		if (*p == ':')
			p++;
	}
	return 0;
}

/*
 * The man(1) language directory for the messages locale, as man-db picks
 * it: "zh_CN/" when the locale is Chinese (and installed: setlocale()
 * fails for one that is not, and man-db then shows English too), else "".
 */
static const char *
man_lang(void)
{
	const char *l = setlocale(LC_MESSAGES, "");

	return l && strncmp(l, "zh", 2) == 0 ? "zh_CN/" : "";
}

/*
 * fq help VERB: the manual of fq-VERB.  The page installed with this
 * program (../share/man/man1/fq-VERB.1 beside it, or its Chinese twin in
 * ../share/man/zh_CN/man1 under a Chinese locale; the build tree links
 * man/ there) comes first, shown by man(1) or mandoc(1); else man(1)
 * looks for it; without either, fq-VERB --help.
 */
static int
help(const char *verb)
{
	char exe[PATH_MAX], page[64], path[PATH_MAX + 128];
	char *args[] = { NULL, "--help", NULL };
	const char *langs[] = { man_lang(), "" };
	size_t i;

	snprintf(page, sizeof(page), "fq-%s", verb);
	for (i = 0; i < 2 && exe_dir(exe, sizeof(exe)); i++) {
		snprintf(path, sizeof(path), "%s/../share/man/%sman1/%s.1",
			exe, langs[i], page);
		if (access(path, R_OK) == 0) {
			execlp("man", "man", "-l", path, (char *)NULL);
			execlp("mandoc", "mandoc", "-a", path, (char *)NULL);
		}
	}
	if (!have_program(verb)) {
		fprintf(stderr, _("fq: '%s' is not an fq command\n"), verb);
		return 2;
	}
	execlp("man", "man", page, (char *)NULL);
	/* No man(1): fall back to the short help. */
	run(verb, args);
	fprintf(stderr, _("fq: no manual for '%s'\n"), verb);
	return 1;
}

int
main(int argc, char **argv)
{
	int i = 1;

	fq_cli_i18n();
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--version")) {
			printf("fq %s\n", FQ_VERSION);
			return 0;
		}
		if (!strcmp(argv[i], "-C")) {
			if (i + 1 >= argc) {
				fprintf(stderr, _("fq: -C needs a directory\n"));
				return 2;
			}
			if (setenv("FQ_DIR", argv[i + 1], 1) < 0)
				return 1;
			i += 2;
			continue;
		}
		fprintf(stderr, _("fq: unknown option '%s'\n"), argv[i]);
		usage(stderr);
		return 2;
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[i], "help")) {
		if (i + 1 >= argc) {
			usage(stdout);
			return 0;
		}
		if (!valid_verb(argv[i + 1])) {
			fprintf(stderr, _("fq: '%s' is not an fq command\n"),
				argv[i + 1]);
			return 2;
		}
		return help(argv[i + 1]);
	}
	if (!valid_verb(argv[i])) {
		fprintf(stderr, _("fq: '%s' is not an fq command\n"), argv[i]);
		return 2;
	}
	{
		/* run() points argv[i] at the program name: keep the verb. */
		const char *verb = argv[i];

		run(verb, argv + i);
		fprintf(stderr, _("fq: '%s' is not an fq command (no fq-%s "
			"found)\n"), verb, verb);
	}
	return 2;
}
