/*
 * fq-agree: an agreement is reached (T8: mediating -> agreed; with
 * --close, T8a: performed on the spot, mediating -> closed with outcome
 * mediated_written or mediated_oral).  A written agreement (调解协议书)
 * needs its number; an oral one (口头协议) takes effect the day it is
 * reached (人民调解法 arts. 28-30).
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-agree [-C DIR] --form written|oral [--effective DATE] "
	"[--number N] [--amount YUAN] [--perform immediate|by:DATE] "
	"[--terms TEXT] [--close] ID",
	NULL
};

enum { OPT_FORM = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_EFFECTIVE, OPT_NUMBER,
	OPT_AMOUNT, OPT_PERFORM, OPT_TERMS, OPT_CLOSE };

/* "8,000", "8000.5" -> "8000.50"; NULL if not an amount. */
static char *
money(const char *s)
{
	struct fq_buf b = FQ_BUF_INIT;
	const char *dot;

	for (; *s; s++)
		if (*s != ',' && *s != ' ')
			fq_buf_addch(&b, *s);
	if (!fq_valid_money(b.buf)) {
		fq_buf_release(&b);
		return NULL;
	}
	dot = strchr(b.buf, '.');
	if (!dot)
		fq_buf_adds(&b, ".00");
	else if (strlen(dot) == 2)
		fq_buf_addch(&b, '0');
	return fq_buf_detach(&b, NULL);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "amount", required_argument, NULL, OPT_AMOUNT },
		{ "close", no_argument, NULL, OPT_CLOSE },
		{ "effective", required_argument, NULL, OPT_EFFECTIVE },
		{ "form", required_argument, NULL, OPT_FORM },
		{ "number", required_argument, NULL, OPT_NUMBER },
		{ "perform", required_argument, NULL, OPT_PERFORM },
		{ "terms", required_argument, NULL, OPT_TERMS },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_cli_case cc = { 0 };
	struct fq_node *a = NULL;
	const char *form = NULL, *eff = NULL, *number = NULL, *perform = NULL;
	const char *terms = NULL, *amount_in = NULL, *by = NULL;
	char *amount = NULL, outcome[32];
	bool close = false;
	int ch, ret = 0;

	fq_cli_init(&cli, "fq-agree", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_FORM: form = optarg; break;
		case OPT_EFFECTIVE: eff = optarg; break;
		case OPT_NUMBER: number = optarg; break;
		case OPT_AMOUNT: amount_in = optarg; break;
		case OPT_PERFORM: perform = optarg; break;
		case OPT_TERMS: terms = optarg; break;
		case OPT_CLOSE: close = true; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (argc - optind != 1)
		fq_cli_usage_error(&cli, "give one case ID");
	if (!form)
		fq_cli_usage_error(&cli, "--form written|oral is required");
	eff = eff ? fq_cli_date(&cli, "--effective", eff, false) : cli.today;
	if (amount_in && !(amount = money(amount_in)))
		fq_cli_usage_error(&cli, "--amount '%s' is not an amount in "
			"yuan", amount_in);
	if (!perform)
		perform = close ? "immediate" : NULL;
	if (perform && strcmp(perform, "immediate")) {
		if (strncmp(perform, "by:", 3))
			fq_cli_usage_error(&cli, "--perform '%s': use immediate "
				"or by:YYYY-MM-DD", perform);
		by = fq_cli_date(&cli, "--perform by:", perform + 3, true);
	}
	if (close && by)
		fq_cli_usage_error(&cli, "--close is for an agreement performed "
			"on the spot (--perform immediate); otherwise close it "
			"later with 'fq close'");
	if ((ret = fq_cli_schema(&cli)))
		goto out;
	form = fq_cli_enum(&cli, "agreement_forms", "--form", form);
	if (!strcmp(form, "written") && (!number || !*number))
		fq_cli_usage_error(&cli, "a written agreement needs its number "
			"(--number, e.g. '（2024）青人调协字第7号')");
	if ((ret = fq_cli_begin(&cli, argv[optind], close ? "agree-close" :
	    "agree", &cc)))
		goto out;
	a = fq_node_new(FQ_NODE_MAP);
	fq_map_set_str(a, "form", form);
	fq_map_set_str(a, "number", number);
	fq_map_set(a, "effective_on", fq_node_scalar(eff));
	fq_map_set_str(a, "terms", terms);
	if (amount)
		fq_map_set(a, "amount", fq_node_scalar(amount));
	if (perform && !strcmp(perform, "immediate")) {
		fq_map_set_str(a, "performance_mode", "immediate");
		fq_map_set_str(a, "performance_status", "performed");
		fq_map_set(a, "performed_on", fq_node_scalar(eff));
	} else if (by) {
		fq_map_set_str(a, "performance_mode", "by_date");
		fq_map_set(a, "performance_due", fq_node_scalar(by));
		fq_map_set_str(a, "performance_status", "pending");
	} else {
		fq_map_set_str(a, "performance_status", "pending");
	}
	fq_cli_supersede_agreement(cc.c, eff);
	fq_map_set(cc.c, "agreement", a);
	{
		struct fq_node *ev = fq_case_add_event(cc.c, cli.now,
			"agreement_signed", fq_cli_actor(&cli), number);

		if (strncmp(eff, cli.now, 10))
			fq_map_set(ev, "effective_on", fq_node_scalar(eff));
	}
	snprintf(outcome, sizeof(outcome), "mediated_%s", form);
	if (close)
		fq_case_move(cc.c, "closed", outcome, cli.now, eff,
			fq_cli_actor(&cli), "当场调解，当场履行");
	else
		fq_case_move(cc.c, "agreed", NULL, cli.now, eff,
			fq_cli_actor(&cli), NULL);
	ret = fq_cli_commit(&cli, &cc);
out:
	free(amount);
	fq_cli_case_release(&cc);
	return fq_cli_finish(&cli, ret);
}
