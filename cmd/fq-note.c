/*
 * fq-note: add an event to a case's log (a call, a visit, a session, a
 * 会诊).  The first mediation session of an accepted case that has a
 * mediator also moves it to mediating (DOMAIN.md T6).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const usage[] = {
	"fq-note [-C DIR] [--kind KIND] [--place PLACE] ID TEXT...",
	NULL
};

enum { OPT_KIND = FQ_OPT_FIRST_PROGRAM_OPTION, OPT_PLACE };

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "kind", required_argument, NULL, OPT_KIND },
		{ "place", required_argument, NULL, OPT_PLACE },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_node *c = NULL, *ev;
	struct fq_buf path = FQ_BUF_INIT, text = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;
	const char *kind = "note", *place = NULL, *id;
	int ch, ret = 0, i;

	fq_cli_init(&cli, "fq-note", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_KIND: kind = optarg; break;
		case OPT_PLACE: place = optarg; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (argc - optind < 2)
		fq_cli_usage_error(&cli, argc == optind ? "which case? give "
			"an ID and the text" : N_("what happened? give the text"));
	id = argv[optind];
	for (i = optind + 1; i < argc; i++) {
		if (text.len)
			fq_buf_addch(&text, ' ');
		fq_buf_adds(&text, argv[i]);
	}
	if (!text.len || !text.buf[strspn(text.buf, " \t\r\n")])
		fq_cli_usage_error(&cli, "what happened? the text is empty");
	if (!fq_utf8_valid(text.buf))
		fq_cli_usage_error(&cli, "the text is not valid UTF-8");
	if (fq_text_control(text.buf))
		fq_cli_usage_error(&cli, "the text holds a control character "
			"(U+%04X)", fq_text_control(text.buf));
	if ((ret = fq_cli_open(&cli)) || (ret = fq_cli_calendar(&cli)))
		goto out;
	kind = fq_cli_enum(&cli, "event_kinds", "--kind", kind);
	if ((ret = fq_cli_lock(&cli)))
		goto out;
	if ((ret = fq_cli_load_case(&cli, id, &c, &path)))
		goto out;
	if (!strcmp(fq_map_str(c, "status"), "archived") &&
	    strcmp(kind, "follow_up") && strcmp(kind, "correction")) {
		ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "%s is archived: only "
			"follow_up and correction events may be added", id);
		goto out;
	}
	ev = fq_case_add_event(c, cli.now, kind, fq_cli_actor(&cli), text.buf);
	if (place)
		fq_map_set_str(ev, "place", place);
	if (!strcmp(kind, "session") &&
	    !strcmp(fq_map_str(c, "status"), "accepted")) {
		const struct fq_node *m = fq_map_get(c, "mediators");

		if (m && m->kind == FQ_NODE_SEQ && m->len) {
			fq_map_set_str(ev, "state_from", "accepted");
			fq_map_set_str(ev, "state_to", "mediating");
			fq_map_set_str(c, "status", "mediating");
		} else {
			fq_cli_warn(&cli, "%s stays accepted: it has no "
				"mediator yet (fq mediate %s --mediator NAME)",
				id, id);
		}
	}
	if (!strcmp(kind, "report_up") && (!fq_map_str(c, "risk_color") ||
	    strcmp(fq_map_str(c, "risk_color"), "red")))
		fq_cli_warn(&cli, "%s is not red: a report_up event is the "
			"4-hour report of a red case (R7)", id);
	/* a report_up answers R7, a session may start R1's clock: recompute */
	if (fq_case_update_due(c, cli.cal, fq_store_config(cli.store), &err) ||
	    fq_case_save(cli.store, cli.schema, c, path.buf, "fq-note",
	    cli.now, &err))
		ret = fq_cli_error(&cli, &err);
out:
	fq_node_free(c);
	fq_buf_release(&path);
	fq_buf_release(&text);
	return fq_cli_finish(&cli, ret);
}
