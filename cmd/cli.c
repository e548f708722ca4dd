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
#include "fq/index.h"

static void
set_clock(struct fq_cli *cli)
{
	const char *pin = getenv("FQ_TODAY");
	time_t t = time(NULL);
	struct tm tm;
	long off;

	localtime_r(&t, &tm);
	if (pin && strlen(pin) > 10) {
		/* FQ_TODAY=YYYY-MM-DDTHH:MM[:SS][+HH:MM] pins the time too */
		int64_t utc;
		int poff;

		if (fq_ts_parse(&utc, &poff, pin, fq_local_offset())) {
			fprintf(stderr, "%s: FQ_TODAY='%s' is not a date "
				"(YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM)\n",
				cli->prog, pin);
			exit(FQ_EXIT_USAGE);
		}
		fq_ts_format(cli->now, utc, poff);
		memcpy(cli->today, pin, 10);
		cli->today[10] = '\0';
		return;
	}
	if (pin && *pin) {
		if (!fq_valid_date(pin)) {
			fprintf(stderr, _("%s: FQ_TODAY='%s' is not a date "
				"(YYYY-MM-DD)\n"), cli->prog, pin);
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

const char *
fq_cli_clock(const struct fq_cli *cli)
{
	const char *pin = getenv("FQ_TODAY");

	return pin && *pin && strlen(pin) <= 10 ? NULL : cli->now;
}

void
fq_cli_i18n(void)
{
	const char *env = getenv("FQ_LOCALEDIR");
	char exe[PATH_MAX], dir[PATH_MAX + 32];
	ssize_t n;
	char *slash;

	setlocale(LC_ALL, "");
	/* numbers in JSON, CSV and options are always written "1.5" */
	setlocale(LC_NUMERIC, "C");
	if (env && *env) {
		snprintf(dir, sizeof(dir), "%s", env);
	} else if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')))
			*slash = '\0';
		snprintf(dir, sizeof(dir), "%s/../share/locale", exe);
	} else {
		snprintf(dir, sizeof(dir), "%s", FQ_DEFAULT_LOCALEDIR);
	}
	bindtextdomain(FQ_DOMAIN, dir);
	/* the data (labels, names) is UTF-8 whatever the locale's charset */
	bind_textdomain_codeset(FQ_DOMAIN, "UTF-8");
	textdomain(FQ_DOMAIN);
}

void
fq_cli_init(struct fq_cli *cli, const char *prog, const char *argv0,
	const char *const *usage)
{
	const char *e;

	fq_cli_i18n();
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
		fprintf(f, "%s%s\n", i ? _("   or: ") : _("usage: "),
			cli->usage[i]);
	if (!error)
		fprintf(f, _("\nSee %s(1) for the options; common: -C DIR, "
			"--help, --version.\n"), cli->prog);
	exit(error ? FQ_EXIT_USAGE : FQ_EXIT_OK);
}

void
fq_cli_usage_error(const struct fq_cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli->prog);
	va_start(ap, fmt);
	vfprintf(stderr, _(fmt), ap);
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
	vfprintf(stderr, _(fmt), ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

void
fq_cli_warn(const struct fq_cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, _("%s: warning: "), cli->prog);
	va_start(ap, fmt);
	vfprintf(stderr, _(fmt), ap);
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
			fprintf(stderr, _("%s: hint: set FQ_SCHEMA_DIR to the "
				"directory holding case.yaml\n"), cli->prog);
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

	fq_store_preload();
	if ((ret = fq_cli_schema(cli))) {
		fq_store_preload_wait();
		return ret;
	}
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
	fprintf(stderr, _("%s: %s: unknown %s '%s'; one of:\n"), cli->prog,
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
			fprintf(stderr, _("%s: hint: 'fq check' lists every "
				"problem; 'fq edit %s' fixes them\n"),
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

const char *
fq_cli_risk_sgr(const char *color)
{
	if (color && !strcmp(color, "red"))
		return "\033[31m";
	if (color && !strcmp(color, "yellow"))
		return "\033[33m";
	return "";
}

const char *
fq_cli_state_sgr(const struct fq_cli *cli, const char *state,
	const char *due_on, const char *due_at)
{
	static const char *const sgr[][2] = {
		{ "reported", "\033[35m" },	/* magenta: to accept */
		{ "accepted", "\033[36m" },	/* cyan: to mediate */
		{ "mediating", "\033[34m" },	/* blue: in hand */
		{ "agreed", "\033[32m" },	/* green: agreed */
		{ "referred_out", "\033[36m" },
	};
	const struct fq_enum_value *st;
	const char *open;
	size_t i;

	if (!state)
		return "";
	st = fq_enum_code(fq_schema_enum(cli->schema, "states"), state);
	open = fq_enum_extra(st, "open");
	if (open && !strcmp(open, "true") && due_on && *due_on &&
	    fq_due_passed(due_on, due_at, cli->today, fq_cli_clock(cli)))
		return "\033[1;31m";	/* overdue: bold red */
	for (i = 0; i < sizeof(sgr) / sizeof(sgr[0]); i++)
		if (!strcmp(sgr[i][0], state))
			return sgr[i][1];
	return "";
}

void
fq_cli_add_cell(struct fq_buf *out, const char *s, size_t width, bool pad,
	const char *sgr)
{
	size_t start = out->len, w;

	if (!sgr || !*sgr) {
		fq_buf_add_cols(out, s, width, pad);
		return;
	}
	fq_buf_adds(out, sgr);
	fq_buf_add_cols(out, s, width, false);
	fq_buf_adds(out, FQ_SGR_RESET);
	w = fq_display_width(out->buf + start);
	while (pad && w++ < width)
		fq_buf_addch(out, ' ');
}

char *
fq_cli_prompt(const char *prompt, const char *def)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	prompt = _(prompt);
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

/* The comments of fq_cli_edit_text: one per key, by line. */
struct note {
	unsigned line, column;
	char *text;
};

struct notes {
	struct note *v;
	size_t n, alloc;
	const char **seen;	/* "record.field" already explained */
	size_t nseen, seen_alloc;
};

#define GROW(p, n, alloc) do { \
	if ((n) >= (alloc)) { \
		(alloc) = (alloc) ? 2 * (alloc) : 32; \
		if (!((p) = realloc((p), (alloc) * sizeof(*(p))))) \
			abort(); \
	} \
} while (0)

/* What a field of this type takes ("" for a record: its fields say). */
static const char *
type_hint(const struct fq_field *f)
{
	switch (f->type) {
	case FQ_T_STRING: return _("one line of text");
	case FQ_T_TEXT: return _("text; several lines after '|-', indented");
	case FQ_T_ID: return _("a case ID (UNIT-YYYY-NNNNNN)");
	case FQ_T_DATE: return _("a date, YYYY-MM-DD");
	case FQ_T_DATETIME: return _("a time, YYYY-MM-DDTHH:MM:SS+08:00");
	case FQ_T_INT: return _("a whole number");
	case FQ_T_MONEY: return _("an amount in yuan, like 8000 or 8000.50");
	case FQ_T_BOOL: return _("true or false");
	case FQ_T_ENUM: return _("one of the codes below");
	case FQ_T_LIST:
		return f->rec ? _("a list: each item starts with '- '") :
			_("a list: one item per line, starting with '- '");
	case FQ_T_RECORD: return "";
	}
	return "";
}

/* What fq itself keeps: the clerk should leave it alone. */
static const char *
field_rule(const char *record, const char *field)
{
	static const char *const rules[][3] = {
		{ "case", "id", N_("do not change: the case's number") },
		{ "case", "status", N_("changed by the step commands "
			"(fq accept, fq mediate, fq agree ...), not here") },
		{ "case", "outcome", N_("set by the step that closes the "
			"case, not here") },
		{ "case", "closed_on", N_("set by the step that closes the "
			"case, not here") },
		{ "case", "due_on", N_("computed by fq from the deadlines") },
		{ "case", "events", N_("append only: add new events at the "
			"end, never change or delete the ones above") },
		{ "case", "created_at", N_("kept by fq") },
		{ "case", "updated_at", N_("kept by fq") },
	};
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i][0], record) && !strcmp(rules[i][1], field))
			return _(rules[i][2]);
	return NULL;
}

/* The enumeration's codes and labels, wrapped on comment lines. */
static void
add_choices(struct fq_buf *b, const struct fq_enum *e, const char *indent)
{
	size_t i, col = 0, w;

	if (e->n > 40) {
		fq_buf_addf(b, "\n%s#   ", indent);
		fq_buf_addf(b, _("see schemas/enums/%s.yaml"), e->name);
		return;
	}
	for (i = 0; i < e->n; i++) {
		w = fq_display_width(e->v[i].code) +
			fq_display_width(e->v[i].label) + 3;
		if (!col || col + w > 72) {
			fq_buf_addf(b, "\n%s#  ", indent);
			col = strlen(indent) + 3;
		}
		/* TRANSLATORS: after each choice but the last */
		fq_buf_addf(b, " %s %s%s", e->v[i].code, e->v[i].label,
			i + 1 < e->n ? _(",") : "");
		col += w;
	}
}

static void
describe(struct notes *x, const struct fq_record *r, const struct fq_field *f,
	const struct fq_node *key)
{
	struct fq_buf b = FQ_BUF_INIT, indent = FQ_BUF_INIT;
	const char *hint = type_hint(f), *rule = field_rule(r->name, f->name);
	unsigned i;

	for (i = 1; i < key->column; i++)
		fq_buf_addch(&indent, ' ');
	fq_buf_addf(&b, "%s# %s", indent.buf, f->label ? f->label : f->name);
	if (f->required)
		fq_buf_adds(&b, _(" (required)"));
	if (rule || *hint)
		fq_buf_adds(&b, _(": "));
	fq_buf_adds(&b, rule ? rule : hint);
	if (!rule && f->max)
		fq_buf_addf(&b, _(", at most %d characters"), f->max);
	if (!rule && f->en && f->en->n)
		add_choices(&b, f->en, indent.buf);
	fq_buf_addch(&b, '\n');
	GROW(x->v, x->n, x->alloc);
	x->v[x->n].line = key->line;
	x->v[x->n].column = key->column;
	x->v[x->n++].text = fq_buf_detach(&b, NULL);
	fq_buf_release(&indent);
}

static bool
seen(struct notes *x, const struct fq_record *r, const struct fq_field *f)
{
	size_t i;

	for (i = 0; i < x->nseen; i += 2)
		if (x->seen[i] == r->name && x->seen[i + 1] == f->name)
			return true;
	GROW(x->seen, x->nseen + 1, x->seen_alloc);
	x->seen[x->nseen++] = r->name;
	x->seen[x->nseen++] = f->name;
	return false;
}

static void
note_record(struct notes *x, const struct fq_record *r,
	const struct fq_node *map)
{
	size_t i, j;

	for (i = 0; map->kind == FQ_NODE_MAP && i < map->len; i++) {
		const struct fq_field *f = fq_record_field(r,
			map->keys[i]->str);
		const struct fq_node *v = map->vals[i];

		if (!f)
			continue;
		if (!seen(x, r, f) && map->keys[i]->line)
			describe(x, r, f, map->keys[i]);
		if (f->rec && v->kind == FQ_NODE_MAP)
			note_record(x, f->rec, v);
		for (j = 0; f->rec && v->kind == FQ_NODE_SEQ && j < v->len; j++)
			if (v->vals[j]->kind == FQ_NODE_MAP)
				note_record(x, f->rec, v->vals[j]);
	}
}

void
fq_cli_edit_text(const struct fq_cli *cli, struct fq_buf *out,
	const char *head, const char *yaml, size_t len)
{
	const struct fq_record *r = fq_schema_record(cli->schema, "case");
	struct notes x = { 0 };
	struct fq_node *root = NULL;
	const char *p = yaml, *end = yaml + len, *nl;
	unsigned line = 1;
	size_t i;

	fq_buf_adds(out, head);
	if (!r || fq_yaml_parse(&root, yaml, len, "-", NULL) ||
	    root->kind != FQ_NODE_MAP) {
		fq_buf_add(out, yaml, len);
		fq_node_free(root);
		return;
	}
	note_record(&x, r, root);
	for (; p < end; p = nl, line++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		nl = nl ? nl + 1 : end;
		for (i = 0; i < x.n; i++)
			if (x.v[i].line == line)
				fq_buf_adds(out, x.v[i].text);
		fq_buf_add(out, p, (size_t)(nl - p));
	}
	for (i = 0; i < x.n; i++)
		free(x.v[i].text);
	free(x.v);
	free(x.seen);
	fq_node_free(root);
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

int
fq_cli_begin(struct fq_cli *cli, const char *id, const char *verb,
	struct fq_cli_case *cc)
{
	struct fq_error err = FQ_ERROR_INIT;
	int ret;

	cc->c = NULL;
	fq_buf_init(&cc->path);
	if (!fq_id_valid(id))
		return fq_cli_fail(cli, FQ_EXIT_USAGE, "not a case ID: '%s' "
			"(expected UNIT-YYYY-NNNNNN)", id);
	if ((ret = fq_cli_open(cli)) || (ret = fq_cli_calendar(cli)) ||
	    (ret = fq_cli_lock(cli)))
		return ret;
	if ((ret = fq_cli_load_case(cli, id, &cc->c, &cc->path)))
		return ret;
	if (verb && fq_step_allowed(verb, fq_map_str(cc->c, "status"), &err)) {
		fprintf(stderr, "%s: %s: %s\n", cli->prog, id, err.msg);
		return err.code == FQ_ETRANSITION ? FQ_EXIT_FAIL :
			fq_cli_exit_code(err.code);
	}
	return 0;
}

int
fq_cli_commit(struct fq_cli *cli, struct fq_cli_case *cc)
{
	struct fq_error err = FQ_ERROR_INIT;

	if (fq_case_update_due(cc->c, cli->cal, fq_store_config(cli->store),
	    &err) ||
	    fq_case_save(cli->store, cli->schema, cc->c, cc->path.buf,
	    cli->prog, cli->now, &err))
		return fq_cli_error(cli, &err);
	return 0;
}

void
fq_cli_case_release(struct fq_cli_case *cc)
{
	fq_node_free(cc->c);
	cc->c = NULL;
	fq_buf_release(&cc->path);
}

const char *
fq_cli_date(const struct fq_cli *cli, const char *option, const char *value,
	bool future_ok)
{
	if (!fq_valid_date(value))
		fq_cli_usage_error(cli, "%s '%s' is not a date (YYYY-MM-DD)",
			option, value);
	if (!future_ok && strcmp(value, cli->today) > 0)
		fq_cli_usage_error(cli, "%s %s is in the future (today is %s)",
			option, value, cli->today);
	return value;
}

bool
fq_cli_valid_phone(const char *p)
{
	size_t digits = 0;

	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p != '-' && *p != '*')
			return false;
	}
	return digits >= 5 && digits <= 20;
}

/* Split NAME[:ROLE[:PHONE]] (':' or '：') into a party mapping. */
struct fq_node *
fq_cli_party(const struct fq_cli *cli, const char *spec, size_t index)
{
	char *copy = strdup(spec), *fields[3] = { copy, NULL, NULL };
	char *p = copy;
	struct fq_node *party = fq_node_new(FQ_NODE_MAP);
	const char *role;
	int k = 1;

	while (*p && k < 3) {
		if (*p == ':') {
			*p = '\0';
			fields[k++] = p + 1;
		} else if (!strncmp(p, "\xEF\xBC\x9A", 3)) {	/* ： */
			*p = '\0';
			fields[k++] = p + 3;
			p += 2;
		}
		p++;
	}
	if (!*fields[0])
		fq_cli_usage_error(cli, "--party '%s': the name is empty", spec);
	if (fields[1] && *fields[1])
		role = fq_cli_enum(cli, "party_roles", "--party", fields[1]);
	else
		role = index == 0 ? "applicant" : index == 1 ? "respondent" :
			"party";
	fq_map_set_str(party, "role", role);
	fq_map_set_str(party, "kind", "person");
	fq_map_set_str(party, "name", fields[0]);
	if (fields[2] && *fields[2]) {
		struct fq_node *phones = fq_node_new(FQ_NODE_SEQ);

		if (!fq_cli_valid_phone(fields[2]))
			fq_cli_usage_error(cli, "--party '%s': '%s' is not a "
				"phone number", spec, fields[2]);
		fq_seq_push(phones, fq_node_text(fields[2]));
		fq_map_set(party, "phones", phones);
	}
	free(copy);
	return party;
}


char *
fq_cli_commas(const char *value)
{
	struct fq_buf b = FQ_BUF_INIT;
	const char *p;

	for (p = value; *p;) {
		if (!strncmp(p, "\xEF\xBC\x8C", 3) ||
		    !strncmp(p, "\xE3\x80\x81", 3)) {
			fq_buf_addch(&b, ',');
			p += 3;
		} else {
			fq_buf_addch(&b, *p++);
		}
	}
	return fq_buf_detach(&b, NULL);
}

struct fq_node *
fq_cli_build_case(struct fq_cli *cli, const struct fq_newcase *o)
{
	struct fq_node *c = fq_node_new(FQ_NODE_MAP), *ev, *seq;
	const struct fq_node *cfg = fq_store_config(cli->store);
	size_t i;

	char placeholder[FQ_ID_MAX];

	/* A well-formed ID until the real one is allocated under the lock. */
	snprintf(placeholder, sizeof(placeholder), "%s-%.4s-000000",
		fq_store_unit(cli->store), o->reported ? o->reported_on :
		o->accepted);
	fq_map_set_str(c, "id", placeholder);
	fq_map_set_str(c, "title", o->title);
	fq_map_set_str(c, "status", o->reported ? "reported" : "accepted");
	fq_map_set_str(c, "category", o->category);
	fq_map_set_str(c, "source", o->source);
	fq_map_set_str(c, "source_ref", o->source_ref);
	fq_map_set_str(c, "level", fq_map_str(cfg, "level"));
	fq_map_set_str(c, "town", o->town ? o->town : fq_map_str(cfg, "town"));
	fq_map_set_str(c, "village", o->village);
	fq_map_set_str(c, "grid", o->grid);
	if (o->reported)
		fq_map_set(c, "reported_on", fq_node_scalar(o->reported_on));
	else
		fq_map_set(c, "accepted_on", fq_node_scalar(o->accepted));
	fq_map_set_str(c, "summary", o->summary);
	seq = fq_node_new(FQ_NODE_SEQ);
	for (i = 0; i < o->nparties; i++)
		fq_seq_push(seq, fq_cli_party(cli, o->parties[i], i));
	fq_map_set(c, "parties", seq);
	seq = fq_node_new(FQ_NODE_SEQ);
	for (i = 0; i < o->nmediators; i++)
		fq_seq_push(seq, fq_node_text(o->mediators[i]));
	fq_map_set(c, "mediators", seq);
	fq_map_set_str(c, "lead_official", o->lead);
	fq_map_set_str(c, "risk_color", o->risk);
	fq_map_set_str(c, "plan", o->plan);
	fq_map_set(c, "created_at", fq_node_scalar(cli->now));
	fq_map_set(c, "updated_at", fq_node_scalar(cli->now));
	ev = fq_case_add_event(c, cli->now, "intake", fq_cli_actor(cli),
		o->note ? o->note : o->reported ?
		"排查登记" : "登记受理");
	fq_map_set_str(ev, "state_to", o->reported ? "reported" : "accepted");
	{
		const char *on = o->reported ? o->reported_on : o->accepted;

		if (strncmp(on, cli->now, 10))
			fq_map_set(ev, "effective_on", fq_node_scalar(on));
	}
	return c;
}

int
fq_cli_save_new(struct fq_cli *cli, struct fq_node *c, char id[FQ_ID_MAX])
{
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_buf probe = FQ_BUF_INIT, path = FQ_BUF_INIT;
	const char *intake;
	int ret = 0;

	if ((ret = fq_cli_calendar(cli)))
		goto out;
	if (fq_case_update_due(c, cli->cal, fq_store_config(cli->store),
	    &err)) {
		ret = fq_cli_error(cli, &err);
		goto out;
	}
	/* Validate before taking the lock, then allocate the ID under it. */
	if (fq_case_render(&probe, cli->schema, c, &err)) {
		ret = fq_cli_error(cli, &err);
		goto out;
	}
	if ((ret = fq_cli_lock(cli)))
		goto out;
	intake = fq_map_str(c, "accepted_on");
	if (!intake || !strcmp(fq_map_str(c, "status"), "reported"))
		intake = fq_map_str(c, "reported_on");
	if (!intake || !fq_valid_date(intake))
		intake = cli->today;
	if (fq_store_next_id(cli->store, atoi(intake), id, &err)) {
		ret = fq_cli_error(cli, &err);
		goto out;
	}
	fq_map_set_str(c, "id", id);
	fq_store_case_path(&path, id, intake);
	if (fq_case_save(cli->store, cli->schema, c, path.buf, cli->prog,
	    cli->now, &err))
		ret = fq_cli_error(cli, &err);
out:
	fq_buf_release(&probe);
	fq_buf_release(&path);
	return ret;
}

const char *
fq_cli_guess_agency(const char *org)
{
	static const char *const table[][2] = {
		{ "诉调对接", "court_mediation_center" },
		{ "诉前调解", "court_mediation_center" },
		{ "法庭", "tribunal" }, { "法院", "court" },
		{ "检察", "procuratorate" }, { "交警", "traffic_police" },
		{ "派出所", "police_station" }, { "警务", "police_station" },
		{ "公安", "police_bureau" }, { "司法局", "justice_bureau" },
		{ "司法所", "justice_office" }, { "调解中心", "mediation_center" },
		{ "调解委员会", "mediation_committee" },
		{ "调委会", "mediation_committee" },
		{ "综治", "zongzhi_center" }, { "信访", "petition_office" },
		{ "仲裁", "arbitration" }, { "村委", "village_committee" },
		{ "居委", "village_committee" },
		{ "法律服务", "legal_service" }, { "律师", "legal_service" },
		{ "人民政府", "township_gov" }, { "街道办", "township_gov" },
	};
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strstr(org, table[i][0]))
			return table[i][1];
	return NULL;
}

struct fq_node *
fq_cli_referral(struct fq_node *c, const char *n)
{
	struct fq_node *refs = fq_map_get(c, "referrals");
	size_t i;

	for (i = 0; refs && refs->kind == FQ_NODE_SEQ && i < refs->len; i++)
		if (fq_map_str(refs->vals[i], "n") &&
		    !strcmp(fq_map_str(refs->vals[i], "n"), n))
			return refs->vals[i];
	return NULL;
}

void
fq_cli_supersede_agreement(struct fq_node *c, const char *on)
{
	struct fq_node *a = fq_map_get(c, "agreement");
	struct fq_node *list = fq_map_get(c, "superseded_agreements");

	if (!a || a->kind != FQ_NODE_MAP)
		return;
	a = fq_node_dup(a);
	fq_map_set(a, "superseded_on", fq_node_scalar(on));
	if (!list || list->kind != FQ_NODE_SEQ) {
		list = fq_node_new(FQ_NODE_SEQ);
		fq_map_set(c, "superseded_agreements", list);
	}
	fq_seq_push(list, a);
	fq_map_del(c, "agreement");
}

const char *
fq_cli_state_before_referral(const struct fq_node *c, const char *n)
{
	const struct fq_node *ev = fq_map_get(c, "events");
	size_t i;

	for (i = ev && ev->kind == FQ_NODE_SEQ ? ev->len : 0; i-- > 0;) {
		const struct fq_node *e = ev->vals[i];
		const char *to = fq_map_str(e, "state_to");
		const char *rn = fq_map_str(e, "referral");

		if (to && !strcmp(to, "referred_out") && rn && !strcmp(rn, n))
			return fq_map_str(e, "state_from");
	}
	return NULL;
}

int
fq_cli_close_main(int argc, char **argv, const char *const *usage,
	const struct fq_close_step *step)
{
	enum { OPT_ON = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_REASON, OPT_PARTY,
		OPT_ALT };
	struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "on", required_argument, NULL, OPT_ON },
		{ "party", required_argument, NULL, OPT_PARTY },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ step->alt_option, no_argument, NULL, OPT_ALT },
		{ NULL, 0, NULL, 0 }
	};
	const char *outcome = step->outcome, *label = step->label;
	struct fq_cli cli;
	struct fq_cli_case cc = { 0 };
	struct fq_buf note = FQ_BUF_INIT;
	const char *on = NULL, *reason = NULL, *party = NULL;
	int ch, ret;

	fq_cli_init(&cli, step->prog, argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_ON: on = optarg; break;
		case OPT_REASON: reason = optarg; break;
		case OPT_PARTY: party = optarg; break;
		case OPT_ALT:
			outcome = step->alt_outcome;
			label = step->alt_label;
			break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (argc - optind != 1)
		fq_cli_usage_error(&cli, "give one case ID");
	if (step->reason_required && (!reason || !*reason))
		fq_cli_usage_error(&cli, "--reason TEXT is required: say why");
	on = on ? fq_cli_date(&cli, "--on", on, false) : cli.today;
	if ((ret = fq_cli_begin(&cli, argv[optind], step->verb, &cc)))
		goto out;
	fq_buf_adds(&note, label);
	if (party)
		fq_buf_addf(&note, " (%s)", party);
	if (reason)
		fq_buf_addf(&note, ": %s", reason);
	fq_case_move(cc.c, "closed", outcome, cli.now, on,
		fq_cli_actor(&cli), note.buf);
	ret = fq_cli_commit(&cli, &cc);
out:
	fq_buf_release(&note);
	fq_cli_case_release(&cc);
	return fq_cli_finish(&cli, ret);
}

size_t
fq_cli_jobs(const struct fq_cli *cli, const char *name, size_t dflt)
{
	const char *e = getenv(name);
	char *end;
	long n;

	if (!e || !*e)
		return dflt;
	errno = 0;
	n = strtol(e, &end, 10);
	if (errno || *end || n < 0) {
		fq_cli_warn(cli, _("%s: not a number of threads: '%s' (using "
			"%zu)"), name, e, dflt);
		return dflt;
	}
	if (n < 1)
		return 1;	/* 0: none besides this one, as 1 */
	return n > FQ_INDEX_MAX_THREADS ? FQ_INDEX_MAX_THREADS : (size_t)n;
}
