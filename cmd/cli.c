/*
 * cli.c: the parts of every fq-VERB program that are the same (cli.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static void
set_clock(struct fq_cli *cli)
{
	const char *pin = getenv("FQ_TODAY");
	time_t t = time(NULL);
	struct tm tm;
	long off;

	localtime_r(&t, &tm);
	if (pin && *pin) {
		if (!fq_valid_date(pin)) {
			fprintf(stderr, "%s: FQ_TODAY='%s' is not a date "
				"(YYYY-MM-DD)\n", cli->prog, pin);
			exit(FQ_EXIT_USAGE);
		}
		memcpy(cli->today, pin, 10);
		cli->today[10] = '\0';
	} else {
		strftime(cli->today, sizeof(cli->today), "%Y-%m-%d", &tm);
	}
	off = tm.tm_gmtoff / 60;
	snprintf(cli->now, sizeof(cli->now), "%.10sT%02d:%02d:%02d%c%02ld:%02ld",
		cli->today, tm.tm_hour, tm.tm_min, tm.tm_sec,
		off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

void
fq_cli_init(struct fq_cli *cli, const char *prog, const char *argv0,
	const char *const *usage)
{
	const char *e;

	memset(cli, 0, sizeof(*cli));
	cli->prog = prog;
	cli->argv0 = argv0;
	cli->usage = usage;
	cli->dir = getenv("FQ_DIR");
	if (cli->dir && !*cli->dir)
		cli->dir = NULL;
	cli->tty_in = isatty(STDIN_FILENO);
	cli->tty_out = isatty(STDOUT_FILENO);
	if ((e = getenv("FQ_USER")) && *e)
		cli->user = strdup(e);
	if ((e = getenv("FQ_EMAIL")) && *e)
		cli->email = strdup(e);
	set_clock(cli);
}

void
fq_cli_usage(const struct fq_cli *cli, bool error)
{
	FILE *f = error ? stderr : stdout;
	size_t i;

	for (i = 0; cli->usage[i]; i++)
		fprintf(f, "%s%s\n", i ? "   or: " : "usage: ", cli->usage[i]);
	if (!error)
		fprintf(f, "\nSee %s(1) for the options; common: -C DIR, "
			"--help, --version.\n", cli->prog);
	exit(error ? FQ_EXIT_USAGE : FQ_EXIT_OK);
}

void
fq_cli_usage_error(const struct fq_cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fq_cli_usage(cli, true);
}

void
fq_cli_common_opt(struct fq_cli *cli, int c, const char *arg)
{
	switch (c) {
	case 'C':
		cli->dir = arg;
		return;
	case FQ_OPT_HELP:
		fq_cli_usage(cli, false);
	case FQ_OPT_VERSION:
		printf("%s (fq) %s\n", cli->prog, FQ_VERSION);
		exit(fflush(stdout) ? FQ_EXIT_FAIL : FQ_EXIT_OK);
	case FQ_OPT_SHOW_PII:
		cli->show_pii = true;
		return;
	default:
		/* getopt has printed what was wrong */
		fq_cli_usage(cli, true);
	}
}

int
fq_cli_exit_code(enum fq_code code)
{
	switch (code) {
	case FQ_OK: return FQ_EXIT_OK;
	case FQ_EPARSE:
	case FQ_EINVALID: return FQ_EXIT_DATA;
	case FQ_ELOCKED: return FQ_EXIT_BUSY;
	case FQ_EUSAGE: return FQ_EXIT_USAGE;
	default: return FQ_EXIT_FAIL;
	}
}

int
fq_cli_error(const struct fq_cli *cli, const struct fq_error *err)
{
	if (err->file[0] && err->line)
		fprintf(stderr, "%s: %s:%u:%u: %s\n", cli->prog, err->file,
			err->line, err->column, err->msg);
	else if (err->file[0])
		fprintf(stderr, "%s: %s: %s\n", cli->prog, err->file, err->msg);
	else
		fprintf(stderr, "%s: %s\n", cli->prog, err->msg);
	return fq_cli_exit_code(err->code);
}

int
fq_cli_fail(const struct fq_cli *cli, int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

void
fq_cli_warn(const struct fq_cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", cli->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
schema_dir(struct fq_cli *cli, struct fq_buf *out)
{
	const char *env = getenv("FQ_SCHEMA_DIR");
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	if (env && *env) {
		fq_buf_adds(out, env);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		fq_buf_adds(out, FQ_DEFAULT_SCHEMA_DIR);
		return;
	}
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	fq_buf_addf(out, "%s/../share/fq/schemas", exe);
}

int
fq_cli_schema(struct fq_cli *cli)
{
	struct fq_buf dir = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;
	int ret = 0;

	if (cli->schema)
		return 0;
	schema_dir(cli, &dir);
	if (fq_schema_load(&cli->schema, dir.buf, &err)) {
		ret = fq_cli_error(cli, &err);
		if (err.code == FQ_ENOTFOUND)
			fprintf(stderr, "%s: hint: set FQ_SCHEMA_DIR to the "
				"directory holding case.yaml\n", cli->prog);
		ret = FQ_EXIT_FAIL;
	}
	fq_buf_release(&dir);
	return ret;
}

int
fq_cli_calendar(struct fq_cli *cli)
{
	struct fq_buf dir = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;
	int ret = 0, y;

	if (cli->cal)
		return 0;
	if ((ret = fq_cli_schema(cli)))
		return ret;
	fq_buf_addf(&dir, "%s/holidays", fq_schema_dir(cli->schema));
	if (fq_calendar_load(&cli->cal, dir.buf, &err)) {
		if (err.code != FQ_ENOTFOUND)
			ret = fq_cli_error(cli, &err);
		else
			fq_cli_warn(cli, "no holiday calendar in %s: counting "
				"weekends only", dir.buf);
		cli->cal = NULL;
		fq_buf_release(&dir);
		return ret;
	}
	fq_buf_release(&dir);
	y = atoi(cli->today);
	if (!ret && !fq_calendar_has_year(cli->cal, y))
		fq_cli_warn(cli, "no holiday calendar for %d: counting "
			"weekends only (add schemas/holidays/%d.yaml)", y, y);
	return ret;
}

const char *
fq_cli_actor(const struct fq_cli *cli)
{
	if (cli->user)
		return cli->user;
	if (cli->store)
		return fq_store_author_name(cli->store);
	return "fq";
}

int
fq_cli_open(struct fq_cli *cli)
{
	struct fq_error err = FQ_ERROR_INIT;
	int ret;

	if ((ret = fq_cli_schema(cli)))
		return ret;
	if (fq_store_open(&cli->store, cli->dir, &err)) {
		if (err.code == FQ_ENOTFOUND && !cli->dir)
			return fq_cli_fail(cli, FQ_EXIT_FAIL, "not in an fq "
				"repository (use -C DIR, set FQ_DIR, or create "
				"one with 'fq init')");
		ret = fq_cli_error(cli, &err);
		return ret == FQ_EXIT_DATA ? ret : FQ_EXIT_FAIL;
	}
	if (cli->user || cli->email)
		fq_store_set_author(cli->store, cli->user, cli->email);
	return 0;
}

int
fq_cli_lock(struct fq_cli *cli)
{
	struct fq_error err = FQ_ERROR_INIT;
	const char *t = getenv("FQ_LOCK_TIMEOUT");
	double secs = t && *t ? atof(t) : 10.0;

	if (secs < 0)
		secs = 0;
	if (fq_store_lock(cli->store, (int)(secs * 1000), &err))
		return fq_cli_error(cli, &err);
	cli->locked = true;
	return 0;
}

int
fq_cli_finish(struct fq_cli *cli, int ret)
{
	if (fflush(stdout) || ferror(stdout)) {
		if (ret == 0)
			ret = fq_cli_fail(cli, FQ_EXIT_FAIL,
				"cannot write output: %s", strerror(errno));
	}
	fq_store_free(cli->store);
	fq_schema_free(cli->schema);
	fq_calendar_free(cli->cal);
	cli->cal = NULL;
	free(cli->user);
	free(cli->email);
	cli->store = NULL;
	cli->schema = NULL;
	return ret;
}

const char *
fq_cli_enum(const struct fq_cli *cli, const char *enum_name,
	const char *option, const char *input)
{
	const struct fq_enum *e = fq_schema_enum(cli->schema, enum_name);
	const struct fq_enum_value *v = fq_enum_find(e, input);
	size_t i;

	if (v)
		return v->code;
	fprintf(stderr, "%s: %s: unknown %s '%s'; one of:\n", cli->prog,
		option, e ? e->label : enum_name, input);
	for (i = 0; e && i < e->n; i++)
		fprintf(stderr, "  %-22s %s\n", e->v[i].code, e->v[i].label);
	exit(FQ_EXIT_USAGE);
}

int
fq_cli_load_case(struct fq_cli *cli, const char *id, struct fq_node **out,
	struct fq_buf *relpath)
{
	struct fq_error err = FQ_ERROR_INIT;

	if (!fq_id_valid(id))
		return fq_cli_fail(cli, FQ_EXIT_USAGE, "not a case ID: '%s' "
			"(expected UNIT-YYYY-NNNNNN)", id);
	if (fq_case_load(out, cli->store, cli->schema, id, relpath, &err)) {
		int ret = fq_cli_error(cli, &err);

		if (ret == FQ_EXIT_DATA)
			fprintf(stderr, "%s: hint: 'fq check' lists every "
				"problem; 'fq edit %s' fixes them\n",
				cli->prog, id);
		return ret;
	}
	return 0;
}

struct fq_node *
fq_cli_display_copy(const struct fq_cli *cli, const struct fq_node *c)
{
	struct fq_node *d = fq_node_dup(c);

	if (!cli->show_pii)
		fq_mask_tree(cli->schema, "case", d);
	return d;
}

bool
fq_cli_color(const struct fq_cli *cli)
{
	const char *nc = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	return cli->tty_out && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
}

char *
fq_cli_prompt(const char *prompt, const char *def)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (def && *def)
		fprintf(stderr, "%s [%s]: ", prompt, def);
	else
		fprintf(stderr, "%s: ", prompt);
	fflush(stderr);
	n = getline(&line, &cap, stdin);
	if (n < 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (!*line && def) {
		free(line);
		return strdup(def);
	}
	return line;
}

int
fq_cli_run_editor(const struct fq_cli *cli, const char *path)
{
	const char *ed = getenv("VISUAL");
	pid_t pid;
	int status;

	if (!ed || !*ed)
		ed = getenv("EDITOR");
	if (!ed || !*ed)
		ed = "vi";
	setenv("FQ_EDITOR_CMD", ed, 1);
	pid = fork();
	if (pid < 0)
		return fq_cli_fail(cli, FQ_EXIT_FAIL, "cannot start the "
			"editor: %s", strerror(errno));
	if (pid == 0) {
		/* Through the shell, so EDITOR="emacs -nw" works. */
		execl("/bin/sh", "sh", "-c", "exec $FQ_EDITOR_CMD \"$1\"",
			"sh", path, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fq_cli_fail(cli, FQ_EXIT_FAIL, "waiting for the "
				"editor: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return fq_cli_fail(cli, FQ_EXIT_FAIL, "the editor '%s' "
			"failed", ed);
	return 0;
}
