/*
 * fq-show: one case, with its timeline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fq/docs.h"

static const char *const usage[] = {
	"fq-show [-C DIR] [--format text|yaml|json|agreement] [--show-pii] ID",
	"fq-show [-C DIR] --format referral-letter --referral N [--show-pii] ID",
	NULL
};

enum { OPT_FORMAT = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_REFERRAL };

static const char *
label(struct fq_cli *cli, const char *en, const char *code)
{
	return code ? fq_schema_label(cli->schema, en, code) : "";
}

static void
line(struct fq_cli *cli, const struct fq_node *c, const char *key)
{
	const struct fq_field *f = fq_record_field(
		fq_schema_record(cli->schema, "case"), key);
	const struct fq_node *v = fq_map_get(c, key);
	struct fq_buf b = FQ_BUF_INIT;
	size_t i;

	if (!f || !v || fq_node_is_empty(v))
		return;
	if (v->kind == FQ_NODE_SCALAR) {
		fq_buf_adds(&b, f->type == FQ_T_ENUM ?
			fq_enum_label(f->en, v->str) : v->str);
	} else if (v->kind == FQ_NODE_SEQ) {
		for (i = 0; i < v->len; i++) {
			const char *s = v->vals[i]->kind == FQ_NODE_SCALAR ?
				v->vals[i]->str : "";

			if (i)
				fq_buf_adds(&b, "、");
			fq_buf_adds(&b, f->item_type == FQ_T_ENUM ?
				fq_enum_label(f->en, s) : s);
		}
	} else {
		fq_buf_release(&b);
		return;
	}
	fputs("  ", stdout);
	{
		struct fq_buf k = FQ_BUF_INIT;

		fq_buf_add_cols(&k, f->label ? f->label : key, 14, true);
		fputs(k.buf, stdout);
		fq_buf_release(&k);
	}
	/* indent continuation lines of multi-line text */
	for (i = 0; i < b.len; i++) {
		putchar(b.buf[i]);
		if (b.buf[i] == '\n' && i + 1 < b.len)
			fputs("                ", stdout);
	}
	putchar('\n');
	fq_buf_release(&b);
}

/* One referral's steps, a dated line each: 发送, 签收, 反馈 / 退回 / 撤销,
 * with the deadline still running beside the step it follows. */
static void
referral_step(const char *on, const char *what, const char *who,
	const char *due_label, const char *due)
{
	printf("       %-10s  %s", on ? on : "", what);
	if (who && *who)
		printf("  %s", who);
	if (due)
		printf("  (%s %s)", due_label, due);
	putchar('\n');
}

static void
referral_timeline(struct fq_cli *cli, const struct fq_node *r)
{
	const char *st = fq_map_str(r, "state");
	const char *sent = fq_map_str(r, "sent_on");
	const char *recv = fq_map_str(r, "received_on");
	const char *ret = fq_map_str(r, "returned_on");
	const char *due = fq_map_str(r, "extended_until") ?
		fq_map_str(r, "extended_until") : fq_map_str(r, "due_result");
	const char *due_label = fq_map_str(r, "extended_until") ?
		"反馈时限（延长）" : "反馈时限";
	bool open = st && (!strcmp(st, "sent") || !strcmp(st, "received"));

	if (sent)
		referral_step(sent, "发送", NULL, "签收时限",
			fq_map_str(r, "due_receipt"));
	/* fq return fills in received_on when the answer came unsigned for:
	 * no separate 签收 line for that. */
	if (recv && (!ret || strcmp(recv, ret) || !sent ||
	    fq_map_str(r, "received_by")))
		referral_step(recv, "签收", fq_map_str(r, "received_by"),
			due_label, open ? due : NULL);
	else if (open && due)
		referral_step(NULL, "", NULL, due_label, due);
	if (st && !strcmp(st, "refused"))
		referral_step(ret, "退回", fq_map_str(r, "feedback"), NULL,
			NULL);
	else if (st && !strcmp(st, "cancelled"))
		referral_step(fq_map_str(r, "cancelled_on"), "撤销",
			fq_map_str(r, "note"), NULL, NULL);
	else if (ret) {
		struct fq_buf b = FQ_BUF_INIT;

		fq_buf_addf(&b, "%s%s%s", fq_map_str(r, "result") ?
			label(cli, "referral_results", fq_map_str(r, "result")) :
			"", fq_map_str(r, "feedback") ?
			": " : "", fq_map_str(r, "feedback") ?
			fq_map_str(r, "feedback") : "");
		referral_step(ret, "反馈", b.buf, NULL, NULL);
		fq_buf_release(&b);
	}
}

/* "  KEY VALUE" pieces of a line, when the value is there. */
static void
piece(const char *key, const char *v)
{
	if (v && *v)
		printf("  %s%s", key, v);
}

/* The agreement, the 回访 and the 司法确认, a line or two each. */
static void
show_after(struct fq_cli *cli, const struct fq_node *c)
{
	const struct fq_node *a = fq_map_get(c, "agreement");
	const struct fq_node *v = fq_map_get(c, "visits");
	const struct fq_node *k = fq_map_get(c, "confirmations");
	size_t i;

	if (a && a->kind == FQ_NODE_MAP) {
		const char *mode = fq_map_str(a, "performance_mode");
		const char *pd = fq_map_str(a, "performance_due");
		char perf[64] = "", amount[64] = "";

		if (mode && !strcmp(mode, "immediate"))
			snprintf(perf, sizeof(perf), "即时履行");
		else if (pd)
			snprintf(perf, sizeof(perf), "%s前", pd);
		printf("\n%s\n", _("Agreement 调解协议"));
		piece("", label(cli, "agreement_forms", fq_map_str(a, "form")));
		piece("", fq_map_str(a, "number"));
		piece("生效 ", fq_map_str(a, "effective_on"));
		if (fq_map_str(a, "amount"))
			snprintf(amount, sizeof(amount), "%s元",
				fq_map_str(a, "amount"));
		piece("金额 ", amount);
		piece("履行 ", perf);
		piece("", label(cli, "performance_status",
			fq_map_str(a, "performance_status")));
		piece("履行于 ", fq_map_str(a, "performed_on"));
		putchar('\n');
		if (fq_map_str(a, "terms"))
			printf("  %s\n", fq_map_str(a, "terms"));
	}
	if (v && v->kind == FQ_NODE_SEQ && v->len) {
		printf("\n%s\n", _("Visits 回访"));
		for (i = 0; i < v->len; i++) {
			const struct fq_node *e = v->vals[i];

			printf("  %s", fq_map_str(e, "on") ?
				fq_map_str(e, "on") : "");
			piece("", label(cli, "visit_methods",
				fq_map_str(e, "method")));
			piece("", label(cli, "satisfaction",
				fq_map_str(e, "satisfaction")));
			piece("", fq_map_str(e, "by"));
			piece("", label(cli, "performance_status",
				fq_map_str(e, "performance_status")));
			piece("", fq_map_str(e, "note"));
			piece("风险迹象: ", fq_map_str(e, "risk_signs"));
			putchar('\n');
		}
	}
	if (k && k->kind == FQ_NODE_SEQ && k->len) {
		printf("\n%s\n", _("Confirmations 司法确认"));
		for (i = 0; i < k->len; i++) {
			const struct fq_node *e = k->vals[i];

			printf("  %s 申请", fq_map_str(e, "applied_on") ?
				fq_map_str(e, "applied_on") : "");
			piece("", fq_map_str(e, "court"));
			piece("", fq_map_str(e, "court_case_no"));
			piece("受理 ", fq_map_str(e, "accepted_on"));
			piece("裁定 ", fq_map_str(e, "decided_on"));
			piece("", fq_map_str(e, "result"));
			putchar('\n');
		}
	}
}

static void
show_text(struct fq_cli *cli, const struct fq_node *c)
{
	static const char *const head[] = {
		"status", "outcome", "category", "source", "risk_color",
		"complexity",
		"town", "village", "grid", "reported_on", "accepted_on",
		"due_on", "due_at", "extended_until", "closed_on", "mediators",
		"lead_official", "responsible_unit", "plan",
		"people_involved", "households_involved",
		"amount_in_dispute", "failure_routes_advised", "merged_into",
		"docket_no", "imported_from", "flags", "summary", NULL
	};
	const struct fq_node *parties = fq_map_get(c, "parties");
	const struct fq_node *events = fq_map_get(c, "events");
	const struct fq_node *refs = fq_map_get(c, "referrals");
	size_t i, j;

	printf("%s  %s\n", fq_map_str(c, "id"), fq_map_str(c, "title"));
	for (i = 0; head[i]; i++)
		line(cli, c, head[i]);
	if (parties && parties->len) {
		printf("\n%s\n", _("Parties 当事人"));
		for (i = 0; i < parties->len; i++) {
			const struct fq_node *p = parties->vals[i];
			const struct fq_node *ph = fq_map_get(p, "phones");

			struct fq_buf r = FQ_BUF_INIT;

			fq_buf_add_cols(&r, label(cli, "party_roles",
				fq_map_str(p, "role")), 8, true);
			printf("  %s %s", r.buf, fq_map_str(p, "name") ?
				fq_map_str(p, "name") : "");
			fq_buf_release(&r);
			for (j = 0; ph && ph->kind == FQ_NODE_SEQ &&
			    j < ph->len; j++)
				printf("%s%s", j ? ", " : "  ",
					ph->vals[j]->str ? ph->vals[j]->str :
					"");
			if (fq_map_str(p, "id_number"))
				printf("  %s", fq_map_str(p, "id_number"));
			if (fq_map_str(p, "address"))
				printf("  %s", fq_map_str(p, "address"));
			if (fq_map_str(p, "note"))
				printf("  (%s)", fq_map_str(p, "note"));
			putchar('\n');
		}
	}
	show_after(cli, c);
	if (refs && refs->kind == FQ_NODE_SEQ && refs->len) {
		printf("\n%s\n", _("Referrals 移交对接"));
		for (i = 0; i < refs->len; i++) {
			const struct fq_node *r = refs->vals[i];

			printf("  #%s %s %s → %s  %s  %s\n",
				fq_map_str(r, "n") ? fq_map_str(r, "n") : "?",
				label(cli, "referral_kinds",
				fq_map_str(r, "kind")),
				fq_map_str(r, "from_org") ?
				fq_map_str(r, "from_org") : "",
				fq_map_str(r, "to_org") ?
				fq_map_str(r, "to_org") : "",
				label(cli, "channels", fq_map_str(r, "channel")),
				label(cli, "referral_states",
				fq_map_str(r, "state")));
			referral_timeline(cli, r);
		}
	}
	if (events && events->kind == FQ_NODE_SEQ && events->len) {
		printf("\n%s\n", _("Timeline 办理记录"));
		for (i = 0; i < events->len; i++) {
			const struct fq_node *e = events->vals[i];
			const char *at = fq_map_str(e, "at");
			const char *note = fq_map_str(e, "note");

			struct fq_buf k = FQ_BUF_INIT;

			fq_buf_add_cols(&k, label(cli, "event_kinds",
				fq_map_str(e, "kind")), 10, true);
			const char *eff = fq_map_str(e, "effective_on");

			/* A step recorded later than it happened shows the
			 * day it took effect. */
			if (eff)
				printf("  %s %-5s  %s", eff, "", k.buf);
			else
				printf("  %.10s %.5s  %s", at ? at : "",
					at && strlen(at) > 11 ? at + 11 : "",
					k.buf);
			fq_buf_release(&k);
			if (fq_map_str(e, "actor"))
				printf("  %s", fq_map_str(e, "actor"));
			if (fq_map_str(e, "state_to"))
				printf("  [%s%s%s]", fq_map_str(e, "state_from") ?
					label(cli, "states",
					fq_map_str(e, "state_from")) : "",
					fq_map_str(e, "state_from") ? " → " : "",
					label(cli, "states",
					fq_map_str(e, "state_to")));
			if (note)
				printf("  %s", note);
			putchar('\n');
		}
	}
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "referral", required_argument, NULL, OPT_REFERRAL },
		{ "show-pii", no_argument, NULL, FQ_OPT_SHOW_PII },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_node *c = NULL, *d = NULL;
	struct fq_buf out = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;
	const char *format = "text", *referral = NULL;
	int ch, ret = 0;

	fq_cli_init(&cli, "fq-show", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_FORMAT: format = optarg; break;
		case OPT_REFERRAL: referral = optarg; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (strcmp(format, "text") && strcmp(format, "yaml") &&
	    strcmp(format, "json") && strcmp(format, "agreement") &&
	    strcmp(format, "referral-letter"))
		fq_cli_usage_error(&cli, "--format '%s': use text, yaml, json, "
			"agreement or referral-letter", format);
	if (!strcmp(format, "referral-letter") != (referral != NULL))
		fq_cli_usage_error(&cli, "--referral N goes with --format "
			"referral-letter");
	if (argc - optind != 1)
		fq_cli_usage_error(&cli, argc == optind ? "which case? give "
			"an ID" : N_("one ID at a time"));
	if ((ret = fq_cli_open(&cli)))
		goto out;
	if (cli.show_pii) {
		/*
		 * PIPL art. 51 (DOMAIN.md §3.10): revealing ID numbers and
		 * phones is an access event in the case log, committed
		 * before anything is shown.  No record, no reveal.
		 */
		struct fq_buf path = FQ_BUF_INIT, note = FQ_BUF_INIT;

		if ((ret = fq_cli_lock(&cli)) ||
		    (ret = fq_cli_load_case(&cli, argv[optind], &c, &path))) {
			fq_buf_release(&path);
			goto out;
		}
		fq_buf_addf(&note, "fq show --show-pii --format %s", format);
		fq_case_add_event(c, cli.now, "access", fq_cli_actor(&cli),
			note.buf);
		if (fq_case_save(cli.store, cli.schema, c, path.buf, "fq-show",
		    cli.now, &err))
			ret = fq_cli_error(&cli, &err);
		fq_buf_release(&note);
		fq_buf_release(&path);
		if (ret)
			goto out;
		fq_store_unlock(cli.store);
		cli.locked = false;
	} else if ((ret = fq_cli_load_case(&cli, argv[optind], &c, NULL)))
		goto out;
	d = fq_cli_display_copy(&cli, c);
	if (!strcmp(format, "yaml")) {
		if (fq_yaml_emit(&out, d, &err)) {
			ret = fq_cli_error(&cli, &err);
			goto out;
		}
		fputs(out.buf, stdout);
	} else if (!strcmp(format, "agreement") ||
	    !strcmp(format, "referral-letter")) {
		int r = !strcmp(format, "agreement") ?
			fq_doc_agreement(&out, cli.schema,
			fq_store_config(cli.store), d, &err) :
			fq_doc_referral_letter(&out, cli.schema,
			fq_store_config(cli.store), d, referral, &err);

		if (r) {
			ret = fq_cli_error(&cli, &err);
			goto out;
		}
		fputs(out.buf, stdout);
	} else if (!strcmp(format, "json")) {
		fq_json_node(&out, cli.schema, "case", d, 2);
		puts(out.buf);
	} else {
		show_text(&cli, d);
	}
out:
	fq_node_free(c);
	fq_node_free(d);
	fq_buf_release(&out);
	return fq_cli_finish(&cli, ret);
}
