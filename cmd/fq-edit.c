/*
 * fq-edit: edit a case in $EDITOR; validated before it is committed.
 *
 * The clerk edits a copy in .git/fq/edit/.  A valid result is committed
 * with a `correction` event naming the fields that changed.  An invalid
 * one is never lost: it stays where it was edited, every problem is
 * listed, and `fq edit ID --from FILE` takes it up again.  The event log
 * is append-only: earlier events may not be changed or removed, and the
 * ID may not change.  Nor may the lifecycle be bypassed: status, outcome
 * and closed_on change only through the step commands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char *const usage[] = {
	"fq-edit [-C DIR] [--from FILE] ID",
	NULL
};

enum { OPT_FROM = FQ_OPT_FIRST_PROGRAM_OPTION };

/* Top-level keys whose values differ; "" if none. */
static void
changed_keys(struct fq_buf *out, const struct fq_node *a,
	const struct fq_node *b)
{
	size_t i;

	for (i = 0; i < b->len; i++) {
		const char *k = b->keys[i]->str;

		if (!strcmp(k, "updated_at") || !strcmp(k, "events"))
			continue;
		if (!fq_node_equal(fq_map_get(a, k), b->vals[i]))
			fq_buf_addf(out, "%s%s", out->len ? ", " : "", k);
	}
	for (i = 0; a && i < a->len; i++) {
		const char *k = a->keys[i]->str;

		if (!fq_map_get(b, k))
			fq_buf_addf(out, "%s%s", out->len ? ", " : "", k);
	}
}

/* Earlier events must be kept as they were. */
static bool
events_kept(const struct fq_node *old, const struct fq_node *new)
{
	const struct fq_node *a = fq_map_get(old, "events");
	const struct fq_node *b = fq_map_get(new, "events");
	size_t i;

	if (!a || a->kind != FQ_NODE_SEQ)
		return true;
	if (!b || b->kind != FQ_NODE_SEQ || b->len < a->len)
		return false;
	for (i = 0; i < a->len; i++)
		if (!fq_node_equal(a->vals[i], b->vals[i]))
			return false;
	return true;
}

/* The step command that takes a case from state a to b, or NULL. */
static const char *
step_for(const char *a, const char *b, char *buf, size_t n)
{
	size_t i, j;

	for (i = 0; i < fq_nsteps; i++) {
		const struct fq_step *s = &fq_steps[i];
		bool from = false;

		if (!s->to || strcmp(s->to, b))
			continue;
		for (j = 0; s->from[j]; j++)
			if (!strcmp(s->from[j], a) || !strcmp(s->from[j], "*"))
				from = true;
		if (from && strcmp(s->verb, "merge")) {
			snprintf(buf, n, "fq %.*s", (int)strcspn(s->verb, "-"),
				s->verb);
			return buf;
		}
	}
	return NULL;
}

/* status, outcome and closed_on change through the lifecycle steps. */
static void
lifecycle_kept(struct fq_diags *d, const char *file, const struct fq_node *old,
	const struct fq_node *new)
{
	static const char *const keys[] = { "status", "outcome", "closed_on" };
	const char *a = fq_map_str(old, "status"), *b = fq_map_str(new, "status");
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct fq_node *o = fq_map_get(old, keys[i]);
		const struct fq_node *n = fq_map_get(new, keys[i]);
		const char *how;

		if (fq_node_equal(o, n))
			continue;
		how = _("fq reopen, then the step that closes the case");
		if (i == 0 && !(a && b && (how = step_for(a, b, buf,
		    sizeof(buf)))))
			how = _("the lifecycle step commands (see fq(7))");
		fq_diags_add(d, file, n ? n->line : 1, n ? n->column : 1,
			"%s cannot be changed by fq edit (was %s): use %s",
			keys[i], o && o->kind == FQ_NODE_SCALAR ? o->str :
			"absent", how);
	}
}

/* After --from FILE succeeds: if FILE is the edit kept in .git/fq/edit/,
 * it has been taken up; remove it so the next 'fq edit ID' is not
 * blocked by it. */
static void
forget_kept(fq_store *s, const char *id, const char *from)
{
	struct fq_buf k = FQ_BUF_INIT;
	struct stat a, b;

	fq_buf_addf(&k, "%s/edit/%s.yaml", fq_store_private_dir(s), id);
	if (stat(k.buf, &a) == 0 && stat(from, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		unlink(k.buf);
	fq_buf_release(&k);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		FQ_CLI_COMMON_OPTIONS,
		{ "from", required_argument, NULL, OPT_FROM },
		{ NULL, 0, NULL, 0 }
	};
	struct fq_cli cli;
	struct fq_buf rel = FQ_BUF_INIT, abs = FQ_BUF_INIT, work = FQ_BUF_INIT;
	struct fq_buf text = FQ_BUF_INIT, old_text = FQ_BUF_INIT;
	struct fq_buf changes = FQ_BUF_INIT, head = FQ_BUF_INIT;
	struct fq_error err = FQ_ERROR_INIT;
	struct fq_diags d = FQ_DIAGS_INIT;
	struct fq_node *old = NULL, *new = NULL;
	const char *from = NULL, *id;
	int ch, ret = 0;
	size_t i;

	fq_cli_init(&cli, "fq-edit", argv[0], usage);
	while ((ch = getopt_long(argc, argv, "C:h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_FROM: from = optarg; break;
		default: fq_cli_common_opt(&cli, ch, optarg);
		}
	}
	if (argc - optind != 1)
		fq_cli_usage_error(&cli, "give one case ID");
	id = argv[optind];
	if (!fq_id_valid(id))
		fq_cli_usage_error(&cli, "not a case ID: '%s' (expected "
			"UNIT-YYYY-NNNNNN)", id);
	if ((ret = fq_cli_open(&cli)))
		goto out;
	if (fq_store_find(cli.store, id, &rel, &err)) {
		ret = fq_cli_error(&cli, &err);
		goto out;
	}
	fq_buf_addf(&abs, "%s/%s", fq_store_root(cli.store), rel.buf);
	if (fq_buf_read_file(&old_text, abs.buf, FQ_NODE_MAX_FILE) < 0) {
		ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "cannot read %s: %s",
			rel.buf, strerror(errno));
		goto out;
	}
	/* The old version may itself be broken: that is what edit fixes. */
	if (fq_yaml_parse(&old, old_text.buf, old_text.len, rel.buf, &err))
		old = NULL;

	if (from) {
		if (fq_buf_read_file(&text, from, FQ_NODE_MAX_FILE) < 0) {
			ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "cannot read "
				"%s: %s", from, strerror(errno));
			goto out;
		}
		fq_buf_adds(&work, from);
	} else {
		FILE *f;

		fq_buf_addf(&work, "%s/edit", fq_store_private_dir(cli.store));
		mkdir(work.buf, 0700);
		fq_buf_addf(&work, "/%s.yaml", id);
		if (access(work.buf, F_OK) == 0) {
			ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "an unfinished "
				"edit of %s is kept in %s; take it up with "
				"'fq edit %s --from %s' or delete it", id,
				work.buf, id, work.buf);
			goto out;
		}
		fq_buf_addf(&head, _("# fq edit %s: change what needs "
			"changing, then save and quit\n# to commit it; quit "
			"without saving to change nothing.  Lines\n# starting "
			"with # are comments: fq ignores them and does not "
			"keep\n# them.  Above each field, what it is and "
			"takes.\n"), id);
		fq_cli_edit_text(&cli, &text, head.buf, old_text.buf,
			old_text.len);
		if (!(f = fopen(work.buf, "wx")) ||
		    fwrite(text.buf, 1, text.len, f) != text.len ||
		    fclose(f)) {
			ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "cannot write "
				"%s: %s", work.buf, strerror(errno));
			goto out;
		}
		chmod(work.buf, 0600);
		if (!cli.tty_in)
			fq_cli_warn(&cli, "standard input is not a terminal; "
				"running the editor anyway");
		if ((ret = fq_cli_run_editor(&cli, work.buf)))
			goto out;
		fq_buf_reset(&text);
		if (fq_buf_read_file(&text, work.buf, FQ_NODE_MAX_FILE) < 0) {
			ret = fq_cli_fail(&cli, FQ_EXIT_FAIL, "cannot read "
				"%s: %s", work.buf, strerror(errno));
			goto out;
		}
	}

	if (fq_case_parse(&new, cli.schema, text.buf, text.len, work.buf, &d,
	    &err) == FQ_OK) {
		const char *nid = fq_map_str(new, "id");

		if (!nid || strcmp(nid, id)) {
			struct fq_node *n = fq_map_get(new, "id");

			fq_diags_add(&d, work.buf, n ? n->line : 1,
				n ? n->column : 1, "the ID cannot be changed "
				"(was %s)", id);
		}
		if (old)
			lifecycle_kept(&d, work.buf, old, new);
		if (old && !events_kept(old, new))
			fq_diags_add(&d, work.buf, 1, 1, "earlier events were "
				"changed or removed: the log is append-only "
				"(add a correction event instead)");
	}
	if (d.n) {
		for (i = 0; i < d.n; i++)
			fprintf(stderr, "%s: %s:%u:%u: %s\n", cli.prog,
				d.v[i].file, d.v[i].line, d.v[i].column,
				d.v[i].msg);
		fprintf(stderr, _("%s: nothing was changed; your edit is kept "
			"in %s\n%s: fix it and run 'fq edit %s --from %s'\n"),
			cli.prog, work.buf, cli.prog, id, work.buf);
		ret = FQ_EXIT_DATA;
		goto out;
	}
	changed_keys(&changes, old, new);
	if (!changes.len && old && fq_node_equal(fq_map_get(old, "events"),
	    fq_map_get(new, "events"))) {
		fprintf(stderr, _("%s: no changes\n"), cli.prog);
		if (!from)
			unlink(work.buf);
		else
			forget_kept(cli.store, id, from);
		goto out;
	}
	if ((ret = fq_cli_calendar(&cli)))
		goto out;
	if (fq_case_update_due(new, cli.cal, fq_store_config(cli.store),
	    &err)) {
		ret = fq_cli_error(&cli, &err);
		goto out;
	}
	if ((ret = fq_cli_lock(&cli))) {
		fprintf(stderr, _("%s: your edit is kept in %s; retry with "
			"'fq edit %s --from %s'\n"), cli.prog, work.buf, id,
			work.buf);
		goto out;
	}
	if (changes.len) {
		struct fq_buf note = FQ_BUF_INIT;

		fq_buf_addf(&note, "edited: %s", changes.buf);
		fq_case_add_event(new, cli.now, "correction",
			fq_cli_actor(&cli), note.buf);
		fq_buf_release(&note);
	}
	if (fq_case_save(cli.store, cli.schema, new, rel.buf, "fq-edit",
	    cli.now, &err)) {
		ret = fq_cli_error(&cli, &err);
		fprintf(stderr, _("%s: your edit is kept in %s\n"), cli.prog,
			work.buf);
		goto out;
	}
	if (!from)
		unlink(work.buf);
	else
		forget_kept(cli.store, id, from);
out:
	fq_node_free(old);
	fq_node_free(new);
	fq_diags_release(&d);
	fq_buf_release(&rel);
	fq_buf_release(&abs);
	fq_buf_release(&work);
	fq_buf_release(&text);
	fq_buf_release(&old_text);
	fq_buf_release(&changes);
	fq_buf_release(&head);
	return fq_cli_finish(&cli, ret);
}
