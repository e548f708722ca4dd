/*
 * fq-new: register a case (T2 accepted, or T1 reported with --reported).
 *
 * With every required field given as an option it never prompts and
 * prints only the new ID on stdout, so scripts can use it.  On a terminal
 * it asks for what is missing; --edit opens $EDITOR on a template.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char *const usage[] = {
	"fq-new [-C DIR] --title T --category C --summary S "
	"--party NAME[:ROLE[:PHONE]]... [--source S] [--accepted DATE] "
	"[--risk COLOR] [--mediator NAME] [--village V] [--grid G] "
	"[--town T] [--plan P] [--lead NAME] [--complexity LEVEL] "
	"[--reported [--reported-on DATE]] [--edit]",
	NULL
};

enum {
	OPT_TITLE = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_CATEGORY, OPT_SUMMARY,
	OPT_PARTY, OPT_SOURCE, OPT_ACCEPTED, OPT_RISK, OPT_MEDIATOR,
	OPT_VILLAGE, OPT_GRID, OPT_TOWN, OPT_PLAN, OPT_LEAD, OPT_REPORTED,
	OPT_REPORTED_ON, OPT_EDIT, OPT_COMPLEXITY
};

struct opts {
	const char *title, *category, *summary, *source, *accepted, *risk;
	const char *village, *grid, *town, *plan, *lead, *reported_on;
	const char *complexity;
	const char **parties, **mediators;
	size_t nparties, nmediators;
	bool reported, edit;
	char *owned[64];	/* strings read from the terminal */
	size_t nowned;
};

static const char *
ask(struct opts *o, const char *prompt, const char *def)
{
	char *v;

	for (;;) {
		v = fq_cli_prompt(prompt, def);
		if (!v) {
			fputc('\n', stderr);
			exit(FQ_EXIT_USAGE);
		}
		if (*v)
			break;
		free(v);
	}
	if (o->nowned < (sizeof(o->owned) / sizeof(o->owned[0])))
		o->owned[o->nowned++] = v;
	return v;
}

/* Parties guided entry asks for at most (o.parties has room for them). */
#define MAX_ASKED_PARTIES 16

/* Keep a string made while asking, for the end. */
static const char *
own(struct opts *o, char *v)
{
	if (o->nowned < (sizeof(o->owned) / sizeof(o->owned[0])))
		o->owned[o->nowned++] = v;
	else
		abort();
	return v;
}

/* A line from the terminal, maybe empty (NULL at end of input: exit 2). */
static char *
ask_any(const char *prompt, const char *def)
{
	char *v = fq_cli_prompt(prompt, def);

	if (!v) {
		fputc('\n', stderr);
		exit(FQ_EXIT_USAGE);
	}
	return v;
}

/*
 * Guided entry: a numbered list of the values of enumeration enum_name,
 * then ask until the answer is a number of the list, a code, a label, an
 * alias or the pinyin initials (ljjf).  def (a code, or NULL) is taken on
 * an empty answer.  Returns the code.
 */
static const char *
choose(struct fq_cli *cli, const char *enum_name, const char *prompt,
	const char *def)
{
	const struct fq_enum *e = fq_schema_enum(cli->schema, enum_name);
	const struct fq_enum_value *ev;
	struct fq_buf line = FQ_BUF_INIT;
	size_t i;

	if (!e)
		return def;
	/* three to a line, aligned by display width */
	for (i = 0; i < e->n; i++) {
		struct fq_buf cell = FQ_BUF_INIT;

		fq_buf_addf(&cell, "%2zu %s", i + 1, e->v[i].label);
		if (e->v[i].pinyin)
			fq_buf_addf(&cell, " %s", e->v[i].pinyin);
		fq_buf_adds(&line, "  ");
		fq_buf_add_cols(&line, cell.buf, 28, i % 3 != 2 &&
			i + 1 != e->n);
		fq_buf_release(&cell);
		if (i % 3 == 2 || i + 1 == e->n) {
			fprintf(stderr, "%s\n", line.buf);
			fq_buf_reset(&line);
		}
	}
	fq_buf_release(&line);
	for (;;) {
		char *v = ask_any(prompt, def ? fq_enum_label(e, def) : NULL);
		char *end;
		unsigned long k = strtoul(v, &end, 10);

		if (*v >= '0' && *v <= '9' && !*end && k >= 1 && k <= e->n) {
			free(v);
			return e->v[k - 1].code;
		}
		if (*v && (ev = fq_enum_find(e, v))) {
			free(v);
			return ev->code;
		}
		if (*v)
			fprintf(stderr, _("  没有“%s”：请输入编号、名称或拼音首字母 "
				"(no such %s: give a number, a name or pinyin "
				"initials)\n"), v, e->label);
		free(v);
	}
}

/* Ask for a date, again until it is one and not after today. */
static const char *
ask_date(struct fq_cli *cli, struct opts *o, const char *prompt)
{
	for (;;) {
		char *v = ask_any(prompt, cli->today);

		if (fq_valid_date(v) && strcmp(v, cli->today) <= 0)
			return own(o, v);
		if (fq_valid_date(v))
			fprintf(stderr, _("  %s 在今天 (%s) 之后 (in the "
				"future)\n"), v, cli->today);
		else
			fprintf(stderr, _("  “%s”不是日期，请按 YYYY-MM-DD 输入，"
				"如 %s (not a date)\n"), v, cli->today);
		free(v);
	}
}

/* Ask for the parties: a name (NAME[:ROLE[:PHONE]] also), then a phone
 * checked as typed; an empty name ends the list once there is one. */
static void
ask_parties(struct fq_cli *cli, struct opts *o)
{
	struct fq_buf prompt = FQ_BUF_INIT, spec = FQ_BUF_INIT;

	while (o->nparties < MAX_ASKED_PARTIES) {
		char *name, *phone;

		fq_buf_reset(&prompt);
		fq_buf_addf(&prompt, _("当事人%zu 姓名 (party name)%s"),
			o->nparties + 1,
			o->nparties ? _("，回车结束") : "");
		name = ask_any(prompt.buf, NULL);
		if (!*name) {
			free(name);
			if (o->nparties)
				break;
			continue;
		}
		if (strchr(name, ':') || strstr(name, "\xEF\xBC\x9A")) {
			o->parties[o->nparties++] = own(o, name);
			continue;
		}
		for (;;) {
			phone = ask_any(_("  电话 (phone)，可不填"), NULL);
			if (!*phone || fq_cli_valid_phone(phone))
				break;
			fprintf(stderr, _("  “%s”不是电话号码 (not a phone "
				"number)\n"), phone);
			free(phone);
		}
		fq_buf_reset(&spec);
		fq_buf_addf(&spec, "%s%s%s", name, *phone ? "::" : "", phone);
		free(name);
		free(phone);
		o->parties[o->nparties++] = own(o,
			fq_buf_detach(&spec, NULL));
	}
	fq_buf_release(&prompt);
	fq_buf_release(&spec);
}

/* The case as the clerk gave it, to check before saving. */
static void
show_case(struct fq_cli *cli, const struct fq_node *c)
{
	static const struct {
		const char *key, *label, *en;
	} rows[] = {
		{ "title", "纠纷名称", NULL },
		{ "category", "纠纷类别", "categories" },
		{ "summary", "简要情况", NULL },
		{ "source", "案件来源", "sources" },
		{ "risk_color", "风险等级", "colors" },
		{ "accepted_on", "受理日期", NULL },
		{ "reported_on", "登记日期", NULL },
	};
	const struct fq_node *parties = fq_map_get(c, "parties");
	struct fq_buf b = FQ_BUF_INIT;
	size_t i, j;

	fputs(_("\n—— 请核对 (check) ——\n"), stderr);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *v = fq_map_str(c, rows[i].key);

		if (!v || (!strcmp(rows[i].key, "reported_on") &&
		    fq_map_str(c, "accepted_on")))
			continue;
		fprintf(stderr, "  %s：%s\n", rows[i].label, rows[i].en ?
			fq_schema_label(cli->schema, rows[i].en, v) : v);
	}
	for (i = 0; parties && parties->kind == FQ_NODE_SEQ &&
	    i < parties->len; i++) {
		const struct fq_node *p = parties->vals[i];
		const struct fq_node *ph = fq_map_get(p, "phones");

		fq_buf_reset(&b);
		fq_buf_addf(&b, "%s（%s）", fq_map_str(p, "name"),
			fq_schema_label(cli->schema, "party_roles",
			fq_map_str(p, "role")));
		for (j = 0; ph && ph->kind == FQ_NODE_SEQ && j < ph->len; j++)
			if (ph->vals[j]->kind == FQ_NODE_SCALAR) {
				fq_buf_adds(&b, " ");
				if (cli->show_pii)
					fq_buf_adds(&b, ph->vals[j]->str);
				else
					fq_mask_phone(&b, ph->vals[j]->str);
			}
		fprintf(stderr, "  %s%s\n", i ? "          " : "当 事 人：",
			b.buf);
	}
	fq_buf_release(&b);
}

/* y to save, n to give up; ask again otherwise. */
static bool
confirm(void)
{
	static const char *const yes[] = { "y", "yes", "Y", "是", "好", "对" };
	static const char *const no[] = { "n", "no", "N", "否", "不" };
	size_t i;

	for (;;) {
		char *v = ask_any(_("确认登记？(y/n)"), NULL);

		for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
			if (!strcmp(v, yes[i])) {
				free(v);
				return true;
			}
		for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
			if (!strcmp(v, no[i])) {
				free(v);
				return false;
			}
		free(v);
	}
}

/* Title for a case registered without one: the start of the summary. */
static void
title_from_summary(struct fq_buf *out, const char *summary)
{
	fq_buf_add_cols(out, summary, 40, false);
}


/*
 * --edit: open the editor on the case as it stands; read it back.  An
 * empty file gives up; an invalid one is kept in .git/fq/edit/ and named.
 */
static int
edit_case(struct fq_cli *cli, struct fq_node **c)
{
	struct fq_buf path = FQ_BUF_INIT, text = FQ_BUF_INIT;
	struct fq_buf yaml = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_diags d = FQ_DIAGS_INIT;
	struct fq_node *edited = NULL;
	FILE *f;
	int ret = 0, fd;
	size_t i;

	fq_buf_addf(&path, "%s/new-XXXXXX.yaml",
		fq_store_private_dir(cli->store));
	fd = mkstemps(path.buf, 5);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		ret = fq_cli_fail(cli, FQ_EXIT_FAIL, "cannot create %s",
			path.buf);
		goto out;
	}
	fq_yaml_emit(&yaml, *c, &err);
	fq_cli_edit_text(cli, &text, _("# A new case (新案件登记): fill in "
		"the fields, then save and quit to\n# register it; empty the "
		"file to give up.  Lines starting with # are\n# comments, "
		"which fq ignores: above each field, what it is and takes.\n"),
		yaml.buf, yaml.len);
	fq_buf_release(&yaml);
	fwrite(text.buf, 1, text.len, f);
	if (fclose(f)) {
		ret = fq_cli_fail(cli, FQ_EXIT_FAIL, "cannot write %s",
			path.buf);
		goto out;
	}
	if ((ret = fq_cli_run_editor(cli, path.buf)))
		goto out;
	fq_buf_reset(&text);
	if (fq_buf_read_file(&text, path.buf, FQ_NODE_MAX_FILE) < 0) {
		ret = fq_cli_fail(cli, FQ_EXIT_FAIL, "cannot read %s",
			path.buf);
		goto out;
	}
	if (fq_yaml_parse(&edited, text.buf, text.len, path.buf, &err) == 0 &&
	    edited->kind == FQ_NODE_NULL) {
		unlink(path.buf);
		ret = fq_cli_fail(cli, FQ_EXIT_FAIL, "empty file: nothing "
			"registered");
		goto out;
	}
	fq_node_free(edited);
	edited = NULL;
	if (fq_case_parse(&edited, cli->schema, text.buf, text.len, path.buf,
	    &d, &err)) {
		for (i = 0; i < d.n; i++)
			fprintf(stderr, "%s: %s:%u:%u: %s\n", cli->prog,
				d.v[i].file, d.v[i].line, d.v[i].column,
				d.v[i].msg);
		fprintf(stderr, _("%s: nothing registered; your text is kept "
			"in %s\n"), cli->prog, path.buf);
		ret = FQ_EXIT_DATA;
		goto out;
	}
	unlink(path.buf);
	fq_node_free(*c);
	*c = edited;
	edited = NULL;
out:
	fq_node_free(edited);
	fq_diags_release(&d);
	fq_buf_release(&path);
	fq_buf_release(&text);
	return ret;
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "accepted", required_argument, NULL, OPT_ACCEPTED },
		{ "category", required_argument, NULL, OPT_CATEGORY },
		{ "complexity", required_argument, NULL, OPT_COMPLEXITY },
		{ "edit", no_argument, NULL, OPT_EDIT },
		{ "grid", required_argument, NULL, OPT_GRID },
		{ "lead", required_argument, NULL, OPT_LEAD },
		{ "mediator", required_argument, NULL, OPT_MEDIATOR },
		{ "party", required_argument, NULL, OPT_PARTY },
		{ "plan", required_argument, NULL, OPT_PLAN },
		{ "reported", no_argument, NULL, OPT_REPORTED },
		{ "reported-on", required_argument, NULL, OPT_REPORTED_ON },
		{ "risk", required_argument, NULL, OPT_RISK },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "summary", required_argument, NULL, OPT_SUMMARY },
		{ "title", required_argument, NULL, OPT_TITLE },
		{ "town", required_argument, NULL, OPT_TOWN },
		{ "village", required_argument, NULL, OPT_VILLAGE },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct opts o = { 0 };
	struct fq_node *c = NULL;
	struct fq_buf title = FQ_BUF_INIT;
	char id[FQ_ID_MAX];
	bool interactive, guided;
	int ch, ret = 0;
	size_t i;

	fq_cli_init(&cli, "fq-new", argv[0], usage);
	/* room for the --party options and MAX_ASKED_PARTIES asked */
	o.parties = calloc((size_t)argc + MAX_ASKED_PARTIES,
		sizeof(*o.parties));
	o.mediators = calloc((size_t)argc, sizeof(*o.mediators));
	while ((ch = getopt_long(argc, argv, "C:h", lopts, NULL)) != -1) {
		switch (ch) {
		case OPT_TITLE: o.title = optarg; break;
		case OPT_CATEGORY: o.category = optarg; break;
		case OPT_SUMMARY: o.summary = optarg; break;
		case OPT_PARTY: o.parties[o.nparties++] = optarg; break;
		case OPT_SOURCE: o.source = optarg; break;
		case OPT_ACCEPTED: o.accepted = optarg; break;
		case OPT_RISK: o.risk = optarg; break;
		case OPT_MEDIATOR: o.mediators[o.nmediators++] = optarg; break;
		case OPT_VILLAGE: o.village = optarg; break;
		case OPT_GRID: o.grid = optarg; break;
		case OPT_TOWN: o.town = optarg; break;
		case OPT_PLAN: o.plan = optarg; break;
		case OPT_LEAD: o.lead = optarg; break;
		case OPT_REPORTED: o.reported = true; break;
		case OPT_REPORTED_ON: o.reported_on = optarg; break;
		case OPT_EDIT: o.edit = true; break;
		case OPT_COMPLEXITY: o.complexity = optarg; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (optind < argc)
		fq_cli_usage_error(&cli, "unexpected argument '%s'",
			argv[optind]);
	if ((ret = fq_cli_open(&cli)))
		goto out;

	/* Check what was given before asking for anything. */
	if (o.category)
		o.category = fq_cli_enum(&cli, "categories", "--category",
			o.category);
	if (o.source)
		o.source = fq_cli_enum(&cli, "sources", "--source", o.source);
	if (o.risk)
		o.risk = fq_cli_enum(&cli, "colors", "--risk", o.risk);
	if (o.complexity)
		o.complexity = fq_cli_enum(&cli, "complexity", "--complexity",
			o.complexity);
	if (o.accepted && !fq_valid_date(o.accepted))
		fq_cli_usage_error(&cli, "--accepted '%s' is not a date "
			"(YYYY-MM-DD)", o.accepted);
	if (o.reported_on && !fq_valid_date(o.reported_on))
		fq_cli_usage_error(&cli, "--reported-on '%s' is not a date "
			"(YYYY-MM-DD)", o.reported_on);
	if (o.accepted && o.reported)
		fq_cli_usage_error(&cli, "--accepted and --reported do not go "
			"together: a reported case is accepted later with "
			"'fq accept'");
	if (o.accepted && strcmp(o.accepted, cli.today) > 0)
		fq_cli_usage_error(&cli, "--accepted %s is in the future "
			"(today is %s)", o.accepted, cli.today);
	if (o.reported_on && strcmp(o.reported_on, cli.today) > 0)
		fq_cli_usage_error(&cli, "--reported-on %s is in the future "
			"(today is %s)", o.reported_on, cli.today);
	if (o.title && (!o.title[strspn(o.title, " \t\r\n")] ||
	    !fq_utf8_valid(o.title)))
		fq_cli_usage_error(&cli, "--title: give the dispute's name "
			"(UTF-8 text, not empty)");
	if (o.summary && (!o.summary[strspn(o.summary, " \t\r\n")] ||
	    !fq_utf8_valid(o.summary)))
		fq_cli_usage_error(&cli, "--summary: give a short account of "
			"the dispute (UTF-8 text, not empty)");
	for (i = 0; i < o.nparties; i++)
		fq_node_free(fq_cli_party(&cli, o.parties[i], i));

	interactive = cli.tty_in && isatty(STDERR_FILENO) && !o.edit;
	/* Guided entry: on a terminal with something required missing, ask
	 * field by field, then show the case and ask before saving. */
	guided = interactive && (!o.category || !o.summary ||
		(!o.title && !o.reported) || (!o.nparties && !o.reported));
	if (guided) {
		fputs(_("新案件登记 (new case): 回车取 [ ] 中的默认值\n"), stderr);
		if (!o.category)
			o.category = choose(&cli, "categories",
				_("纠纷类别 (category): 编号、名称或拼音首字母"),
				NULL);
		if (!o.summary)
			o.summary = ask(&o, _("纠纷简要情况 (summary)"), NULL);
		if (!o.title) {
			title_from_summary(&title, o.summary);
			o.title = ask(&o, _("纠纷名称 (title)"), title.buf);
		}
		if (!o.nparties && !o.reported)
			ask_parties(&cli, &o);
		if (!o.source && !o.reported)
			o.source = choose(&cli, "sources",
				_("案件来源 (source)"), "application");
		if (!o.risk)
			o.risk = choose(&cli, "colors",
				_("风险等级 (risk colour)"), "blue");
		if (!o.accepted && !o.reported)
			o.accepted = ask_date(&cli, &o,
				_("受理日期 (accepted on)"));
	} else if (!o.edit) {
		const char *missing[4];
		size_t n = 0;

		if (!o.category)
			missing[n++] = "--category";
		if (!o.summary)
			missing[n++] = "--summary";
		if (!o.title && !o.reported)
			missing[n++] = "--title";
		if (!o.nparties && !o.reported)
			missing[n++] = "--party";
		if (n)
			fq_cli_usage_error(&cli, "missing %s%s%s%s%s%s%s",
				missing[0], n > 1 ? ", " : "",
				n > 1 ? missing[1] : "", n > 2 ? ", " : "",
				n > 2 ? missing[2] : "", n > 3 ? ", " : "",
				n > 3 ? missing[3] : "");
	}
	if (!o.title && o.summary) {
		title_from_summary(&title, o.summary);
		o.title = title.buf;
	}
	if (!o.source)
		o.source = o.reported ? "screening" : "application";
	if (!o.risk)
		o.risk = "blue";
	if (!o.accepted)
		o.accepted = cli.today;
	if (!o.reported_on)
		o.reported_on = cli.today;
	if (o.reported && strcmp(o.source, "screening") &&
	    strcmp(o.source, "grid_report") && strcmp(o.source, "hotline"))
		fq_cli_usage_error(&cli, "--reported: the source must be "
			"screening, grid_report or hotline, not '%s'", o.source);

	{
		struct fq_newcase nc = {
			.title = o.title, .category = o.category,
			.summary = o.summary, .source = o.source,
			.accepted = o.accepted, .reported_on = o.reported_on,
			.village = o.village, .grid = o.grid, .town = o.town,
			.risk = o.risk, .plan = o.plan, .lead = o.lead,
			.parties = o.parties, .nparties = o.nparties,
			.mediators = o.mediators, .nmediators = o.nmediators,
			.reported = o.reported
		};

		c = fq_cli_build_case(&cli, &nc);
		if (o.complexity)	/* R8: its own handling period */
			fq_map_set_str(c, "complexity", o.complexity);
	}
	if (o.edit && (ret = edit_case(&cli, &c)))
		goto out;
	if ((!strcmp(o.risk, "red") || !strcmp(o.risk, "yellow")) &&
	    (!o.plan || !o.lead))
		fq_cli_warn(&cli, "a %s case needs a plan (--plan) and a lead "
			"official (--lead); add them with 'fq risk'", o.risk);

	if (guided) {
		show_case(&cli, c);
		if (!confirm()) {
			ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "not confirmed: "
				"nothing registered");
			goto out;
		}
	}
	if ((ret = fq_cli_save_new(&cli, c, id)))
		goto out;
	printf("%s\n", id);
out:
	fq_node_free(c);
	fq_buf_release(&title);
	for (i = 0; i < o.nowned; i++)
		free(o.owned[i]);
	free(o.parties);
	free(o.mediators);
	return fq_cli_finish(&cli, ret);
}
