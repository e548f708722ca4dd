/*
 * fq: runs fq-VERB, found beside this program, then on PATH (like git).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const commands[][2] = {
	{ "init", "create a case repository" },
	{ "new", "register a case" },
	{ "show", "show one case with its timeline" },
	{ "list", "list and filter cases" },
	{ "note", "add an event to a case's log" },
	{ "edit", "edit a case in $EDITOR" },
	{ "log", "who changed a case, and when" },
	{ "check", "validate every file and the repository" },
	{ NULL, NULL }
};

static void
usage(FILE *f)
{
	int i;

	fprintf(f, "usage: fq [-C DIR] VERB [ARG...]\n"
		"   or: fq help VERB\n"
		"   or: fq --help | --version\n\ncommands:\n");
	for (i = 0; commands[i][0]; i++)
		fprintf(f, "  %-8s %s\n", commands[i][0], commands[i][1]);
	fprintf(f, "\n'fq help VERB' shows the manual of fq-VERB.\n");
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

/* exec fq-VERB beside this executable, else on PATH; returns on failure. */
static void
run(const char *verb, char **argv)
{
	static char prog[PATH_MAX + 64];
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	snprintf(prog, sizeof(prog), "fq-%s", verb);
	argv[0] = prog;
	if (n > 0) {
		char *slash, path[PATH_MAX + 64];

		exe[n] = '\0';
		if ((slash = strrchr(exe, '/'))) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/fq-%s", exe, verb);
			if (access(path, X_OK) == 0) {
				execv(path, argv);
				fprintf(stderr, "fq: cannot run %s: %s\n", path,
					strerror(errno));
				exit(1);
			}
		}
	}
	execvp(prog, argv);
}

int
main(int argc, char **argv)
{
	int i = 1;

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
				fprintf(stderr, "fq: -C needs a directory\n");
				return 2;
			}
			if (setenv("FQ_DIR", argv[i + 1], 1) < 0)
				return 1;
			i += 2;
			continue;
		}
		fprintf(stderr, "fq: unknown option '%s'\n", argv[i]);
		usage(stderr);
		return 2;
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[i], "help")) {
		char page[64];

		if (i + 1 >= argc) {
			usage(stdout);
			return 0;
		}
		if (!valid_verb(argv[i + 1])) {
			fprintf(stderr, "fq: '%s' is not an fq command\n",
				argv[i + 1]);
			return 2;
		}
		snprintf(page, sizeof(page), "fq-%s", argv[i + 1]);
		execlp("man", "man", page, (char *)NULL);
		/* No man(1): fall back to the short help. */
		{
			char *args[] = { NULL, "--help", NULL };

			run(argv[i + 1], args);
		}
		fprintf(stderr, "fq: no manual for '%s'\n", argv[i + 1]);
		return 1;
	}
	if (!valid_verb(argv[i])) {
		fprintf(stderr, "fq: '%s' is not an fq command\n", argv[i]);
		return 2;
	}
	{
		/* run() points argv[i] at the program name: keep the verb. */
		const char *verb = argv[i];

		run(verb, argv + i);
		fprintf(stderr, "fq: '%s' is not an fq command (no fq-%s "
			"found)\n", verb, verb);
	}
	return 2;
}
