/*
 * case.c: one case file (see fq/case.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <stdio.h>

#include "fq/case.h"
#include "internal.h"

int
fq_case_parse(struct fq_node **out, const fq_schema *sc, const char *buf,
	size_t len, const char *name, struct fq_diags *diags,
	struct fq_error *err)
{
	struct fq_diags local = FQ_DIAGS_INIT;
	struct fq_diags *d = diags ? diags : &local;
	size_t before = d->n;
	int ret;

	*out = NULL;
	if ((ret = fq_yaml_parse(out, buf, len, name, err))) {
		if (diags)
			fq_diags_add(diags, name, err->line, err->column, "%s",
				err->msg);
		return ret;
	}
	if (fq_schema_validate(sc, "case", *out, name, d)) {
		const struct fq_diag *x = &d->v[before];

		ret = fq_error_setpos(err, FQ_EINVALID, x->file, x->line,
			x->column, "%s", x->msg);
	}
	fq_diags_release(&local);
	return ret;
}

/* True if a directory on rel (below root) is a symbolic link or not a
 * directory: a case is never read from outside the repository. */
static bool
linked_dir(const char *root, const char *rel)
{
	struct fq_buf p = FQ_BUF_INIT;
	const char *slash;
	struct stat st;
	bool bad = false;

	for (slash = strchr(rel, '/'); slash && !bad;
	    slash = strchr(slash + 1, '/')) {
		fq_buf_reset(&p);
		fq_buf_addf(&p, "%s/%.*s", root, (int)(slash - rel), rel);
		if (lstat(p.buf, &st) == 0 && !S_ISDIR(st.st_mode))
			bad = true;
	}
	fq_buf_release(&p);
	return bad;
}

int
fq_case_load(struct fq_node **out, fq_store *st, const fq_schema *sc,
	const char *id, struct fq_buf *relpath, struct fq_error *err)
{
	struct fq_buf rel = FQ_BUF_INIT, path = FQ_BUF_INIT, data = FQ_BUF_INIT;
	struct fq_node *c = NULL;
	const char *fid;
	int ret;

	*out = NULL;
	if ((ret = fq_store_find(st, id, &rel, err)))
		goto out;
	fq_buf_addf(&path, "%s/%s", fq_store_root(st), rel.buf);
	if (linked_dir(fq_store_root(st), rel.buf)) {
		ret = fq_error_setpos(err, FQ_ERROR, rel.buf, 0, 0, "cannot "
			"read case %s: a directory on its path is a symbolic "
			"link", id);
		goto out;
	}
	if (fq_buf_read_file(&data, path.buf, FQ_NODE_MAX_FILE) < 0) {
		int e = errno;

		ret = fq_error_setpos(err, e == ENOENT ? FQ_ENOTFOUND :
			e == EFBIG ? FQ_EPARSE : FQ_ERROR, rel.buf, 0, 0,
			"cannot read case %s: %s", id, e == ELOOP ?
			FQ_L_("it is a symbolic link") : e == EFBIG ?
			FQ_L_("file too large") : strerror(e));
		goto out;
	}
	if ((ret = fq_case_parse(&c, sc, data.buf, data.len, rel.buf, NULL,
	    err)))
		goto out;
	fid = fq_map_str(c, "id");
	if (!fid || strcmp(fid, id)) {
		struct fq_node *n = fq_map_get(c, "id");

		ret = fq_error_setpos(err, FQ_EINVALID, rel.buf,
			n ? n->line : 1, n ? n->column : 1,
			"id '%s' does not match the file name", fid ? fid : "");
		goto out;
	}
	if (relpath)
		fq_buf_adds(relpath, rel.buf);
	*out = c;
	c = NULL;
out:
	fq_node_free(c);
	fq_buf_release(&rel);
	fq_buf_release(&path);
	fq_buf_release(&data);
	return ret;
}

int
fq_case_render(struct fq_buf *out, const fq_schema *sc, struct fq_node *c,
	struct fq_error *err)
{
	struct fq_diags d = FQ_DIAGS_INIT;
	int ret = FQ_OK;

	fq_schema_canonicalize(sc, "case", c);
	if (fq_schema_validate(sc, "case", c, fq_map_str(c, "id") ?
	    fq_map_str(c, "id") : "case", &d)) {
		ret = fq_error_set(err, FQ_EINVALID, "%s", d.v[0].msg);
		goto out;
	}
	ret = fq_yaml_emit(out, c, err);
out:
	fq_diags_release(&d);
	return ret;
}

void
fq_case_message(struct fq_buf *out, const char *prog, const struct fq_node *c)
{
	const char *title = fq_map_str(c, "title");

	fq_buf_addf(out, "%s: %s", prog, fq_map_str(c, "id") ?
		fq_map_str(c, "id") : "?");
	if (title && *title)
		fq_buf_addf(out, " %s", title);
}

int
fq_case_save(fq_store *st, const fq_schema *sc, struct fq_node *c,
	const char *relpath, const char *prog, const char *now,
	struct fq_error *err)
{
	struct fq_buf text = FQ_BUF_INIT, msg = FQ_BUF_INIT;
	struct fq_change ch;
	int ret;

	if (now)
		fq_map_set(c, "updated_at", fq_node_scalar(now));
	if ((ret = fq_case_render(&text, sc, c, err)))
		goto out;
	fq_case_message(&msg, prog, c);
	ch.path = relpath;
	ch.data = text.buf;
	ch.len = text.len;
	ret = fq_store_commit(st, &ch, 1, msg.buf, NULL, err);
out:
	fq_buf_release(&text);
	fq_buf_release(&msg);
	return ret;
}

struct fq_node *
fq_case_add_event(struct fq_node *c, const char *at, const char *kind,
	const char *actor, const char *note)
{
	struct fq_node *events = fq_map_get(c, "events");
	struct fq_node *ev = fq_node_new(FQ_NODE_MAP);

	if (!events || events->kind != FQ_NODE_SEQ) {
		events = fq_node_new(FQ_NODE_SEQ);
		fq_map_set(c, "events", events);
	}
	fq_map_set(ev, "at", fq_node_scalar(at));
	fq_map_set_str(ev, "kind", kind);
	if (actor && *actor)
		fq_map_set_str(ev, "actor", actor);
	if (note && *note)
		fq_map_set_str(ev, "note", note);
	fq_seq_push(events, ev);
	return ev;
}

bool
fq_case_is_open(const fq_schema *sc, const struct fq_node *c)
{
	const struct fq_enum_value *v = fq_enum_code(
		fq_schema_enum(sc, "states"), fq_map_str(c, "status"));
	const char *open = fq_enum_extra(v, "open");

	return open && !strcmp(open, "true");
}
