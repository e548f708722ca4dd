/*
 * sync.c: fetch, integrate, push (see fq/sync.h).
 *
 * Besides store.c and sign.c, the only file that uses libgit2 (through
 * store_git.h).  Its merge commits are made, signed, by fq_commit_create().
 *
 * Layout on the county side: one bare repository, one branch per unit
 * (refs/heads/QSZ).  Here, the branch fetched is kept as the
 * remote-tracking ref refs/remotes/NAME/UNIT for a configured remote, or
 * refs/fq/sync/UNIT for a path or URL given on the command line.
 *
 * Integration makes one merge commit whose tree is this side's tree with
 * the other side's changes applied path by path (no rename detection:
 * a case's path never changes), and case files changed on both sides
 * merged by fq_case_merge3().  Then fq_store_move_to() takes the branch,
 * the working files and the index there together.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fq/case.h"
#include "fq/sync.h"
#include "internal.h"
#include "sign_git.h"
#include "store_git.h"

#define BUNDLE_V2 "# v2 git bundle\n"
#define BUNDLE_V3 "# v3 git bundle\n"

struct sync {
	fq_store *s;
	git_repository *repo;
	const struct fq_sync_opts *o;
	struct fq_sync_result *r;
	struct fq_error *err;
	const char *from;	/* for commit messages and conflicts */
	char unit_ref[64];	/* refs/heads/UNIT */
};

static void
note(struct sync *x, enum fq_sync_event ev, const char *id,
	const char *field, const char *kept, const char *other)
{
	if (x->o->note)
		x->o->note(ev, id, field, kept, other, x->o->data);
}

static bool
is_case_path(const char *path)
{
	size_t n = strlen(path);

	return !strncmp(path, "cases/", 6) && n > 11 &&
		!strcmp(path + n - 5, ".yaml");
}

/* The blob at path in tree, parsed; *out NULL when there is none. */
static int
parse_at(struct sync *x, git_tree *tree, const char *path,
	struct fq_node **out)
{
	git_tree_entry *e = NULL;
	git_blob *b = NULL;
	int ret = FQ_OK;

	*out = NULL;
	if (!tree || git_tree_entry_bypath(&e, tree, path) < 0) {
		git_error_clear();
		return FQ_OK;
	}
	if (git_blob_lookup(&b, x->repo, git_tree_entry_id(e)) < 0) {
		ret = fq_git_fail(x->err, "cannot read '%s'", path);
		goto out;
	}
	ret = fq_yaml_parse(out, git_blob_rawcontent(b),
		(size_t)git_blob_rawsize(b), path, x->err);
	if (ret == FQ_OK && (*out)->kind != FQ_NODE_MAP) {
		fq_node_free(*out);
		*out = NULL;
		ret = fq_error_setpos(x->err, FQ_EINVALID, path, 1, 1,
			"a case file must be a mapping");
	}
out:
	git_blob_free(b);
	git_tree_entry_free(e);
	return ret;
}

/* Merge one case file changed on both sides; *blob gets the result. */
static int
merge_case(struct sync *x, const char *path, git_tree *bt, git_tree *ot,
	git_tree *tt, git_oid *blob)
{
	struct fq_node *base = NULL, *ours = NULL, *theirs = NULL, *m = NULL;
	struct fq_conflicts cf = FQ_CONFLICTS_INIT;
	struct fq_merge_opts mo;
	struct fq_buf text = FQ_BUF_INIT;
	const char *id;
	size_t i;
	int ret;

	if ((ret = parse_at(x, bt, path, &base)) < 0 ||
	    (ret = parse_at(x, ot, path, &ours)) < 0 ||
	    (ret = parse_at(x, tt, path, &theirs)) < 0)
		goto out;
	memset(&mo, 0, sizeof(mo));
	mo.now = x->o->now;
	mo.from = x->from;
	mo.record = true;
	if ((ret = fq_case_merge3(&m, base, ours, theirs, &mo, &cf,
	    x->err)) < 0)
		goto out;
	id = fq_map_str(m, "id") ? fq_map_str(m, "id") : path;
	if (x->o->fix && (ret = x->o->fix(m, x->o->data)) < 0) {
		ret = fq_error_set(x->err, ret, "%s: cannot merge", id);
		goto out;
	}
	if ((ret = fq_case_render(&text, x->o->schema, m, x->err)) < 0) {
		char why[sizeof(x->err->msg)];

		snprintf(why, sizeof(why), "%s", x->err->msg);
		ret = fq_error_setpos(x->err, ret, path, 0, 0,
			"the merged case %s is not valid (%s); nothing written",
			id, why);
		goto out;
	}
	if (git_blob_create_from_buffer(blob, x->repo, text.buf,
	    text.len) < 0) {
		ret = fq_git_fail(x->err, "cannot store '%s'", path);
		goto out;
	}
	for (i = 0; i < cf.n; i++)
		note(x, FQ_SYNC_CONFLICT, id, cf.v[i].field, cf.v[i].kept,
			cf.v[i].other);
	x->r->merged_cases++;
	x->r->conflicts += cf.n;
out:
	fq_conflicts_release(&cf);
	fq_buf_release(&text);
	fq_node_free(base);
	fq_node_free(ours);
	fq_node_free(theirs);
	fq_node_free(m);
	return ret;
}

/* Highest NNNNNN of prefix ("QSZ-2024-") under cases/YYYY/ in tree. */
static unsigned long
max_number(struct sync *x, git_tree *tree, const char *prefix)
{
	git_tree_entry *ye = NULL;
	git_tree *yt = NULL, *mt = NULL;
	char ydir[16];
	size_t plen = strlen(prefix), i, j;
	unsigned long max = 0;

	snprintf(ydir, sizeof(ydir), "cases/%.4s", prefix + plen - 5);
	if (git_tree_entry_bypath(&ye, tree, ydir) < 0 ||
	    git_tree_lookup(&yt, x->repo, git_tree_entry_id(ye)) < 0) {
		git_error_clear();
		goto out;
	}
	for (i = 0; i < git_tree_entrycount(yt); i++) {
		const git_tree_entry *me = git_tree_entry_byindex(yt, i);

		if (git_tree_entry_type(me) != GIT_OBJECT_TREE ||
		    git_tree_lookup(&mt, x->repo, git_tree_entry_id(me)) < 0)
			continue;
		for (j = 0; j < git_tree_entrycount(mt); j++) {
			const char *name = git_tree_entry_name(
				git_tree_entry_byindex(mt, j));
			unsigned long n;
			char *end;

			if (strncmp(name, prefix, plen))
				continue;
			n = strtoul(name + plen, &end, 10);
			if (end == name + plen + 6 && !strcmp(end, ".yaml") &&
			    n > max)
				max = n;
		}
		git_tree_free(mt);
		mt = NULL;
	}
out:
	git_tree_free(yt);
	git_tree_entry_free(ye);
	return max;
}

/*
 * The same ID registered in two copies (both added the file, and the two
 * cases were created at different times): ours keeps the ID, theirs gets
 * the next free number, with a correction event saying so.  *newpath
 * gets its path (caller frees), *blob its contents.
 */
static int
renumber(struct sync *x, const char *path, git_tree *ot, git_tree *tt,
	unsigned long *last, char **newpath, git_oid *blob, bool *done)
{
	struct fq_node *ours = NULL, *theirs = NULL;
	struct fq_buf text = FQ_BUF_INIT, note_text = FQ_BUF_INIT,
		np = FQ_BUF_INIT;
	const char *oid_, *oc, *tc, *slash;
	char prefix[FQ_ID_MAX], newid[FQ_ID_MAX + 32], old[FQ_ID_MAX];
	unsigned long n;
	int ret;

	*done = false;
	*newpath = NULL;
	if ((ret = parse_at(x, ot, path, &ours)) < 0 ||
	    (ret = parse_at(x, tt, path, &theirs)) < 0)
		goto out;
	oid_ = fq_map_str(theirs, "id");
	oc = fq_map_str(ours, "created_at");
	tc = fq_map_str(theirs, "created_at");
	if (!oid_ || !fq_id_valid(oid_) || !oc || !tc || !strcmp(oc, tc))
		goto out;	/* one case after all: merge it */
	snprintf(old, sizeof(old), "%s", oid_);
	snprintf(prefix, sizeof(prefix), "%.*s", (int)(strlen(old) - 6),
		old);
	n = max_number(x, ot, prefix);
	if (max_number(x, tt, prefix) > n)
		n = max_number(x, tt, prefix);
	if (*last > n)
		n = *last;
	if (n >= 999999) {
		ret = fq_error_set(x->err, FQ_ERROR, "no case numbers left "
			"to renumber %s", old);
		goto out;
	}
	*last = ++n;
	snprintf(newid, sizeof(newid), "%s%06lu", prefix, n);
	fq_map_set_str(theirs, "id", newid);
	fq_buf_addf(&note_text, "renumbered from %s by fq sync: %s was also "
		"registered in another copy of this repository", old, old);
	fq_case_add_event(theirs, x->o->now, "correction",
		fq_store_author_name(x->s), note_text.buf);
	if (x->o->fix && (ret = x->o->fix(theirs, x->o->data)) < 0)
		goto out;
	if ((ret = fq_case_render(&text, x->o->schema, theirs, x->err)) < 0) {
		char why[sizeof(x->err->msg)];

		snprintf(why, sizeof(why), "%s", x->err->msg);
		ret = fq_error_setpos(x->err, ret, path, 0, 0, "the "
			"renumbered case %s is not valid (%s); nothing written",
			newid, why);
		goto out;
	}
	if (git_blob_create_from_buffer(blob, x->repo, text.buf,
	    text.len) < 0) {
		ret = fq_git_fail(x->err, "cannot store %s", newid);
		goto out;
	}
	slash = strrchr(path, '/');
	fq_buf_addf(&np, "%.*s/%s.yaml", (int)(slash - path), path, newid);
	*newpath = fq_buf_detach(&np, NULL);
	*done = true;
	note(x, FQ_SYNC_RENUMBERED, old, newid, NULL, NULL);
out:
	fq_node_free(ours);
	fq_node_free(theirs);
	fq_buf_release(&text);
	fq_buf_release(&note_text);
	fq_buf_release(&np);
	return ret;
}

static int
diff_trees(struct sync *x, git_tree *a, git_tree *b, git_diff **out)
{
	git_diff_options o;

	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	if (git_diff_tree_to_tree(out, x->repo, a, b, &o) < 0)
		return fq_git_fail(x->err, "cannot compare two trees");
	return FQ_OK;
}

static const char *
delta_path(const git_diff_delta *d)
{
	return d->status == GIT_DELTA_DELETED ? d->old_file.path :
		d->new_file.path;
}

static int
lookup_tree(struct sync *x, const git_oid *commit, git_commit **c,
	git_tree **t)
{
	if (git_commit_lookup(c, x->repo, commit) < 0 ||
	    git_commit_tree(t, *c) < 0)
		return fq_git_fail(x->err, "cannot read a commit");
	return FQ_OK;
}

/* The merge commit of ours and theirs with base as their merge base. */
static int
merge(struct sync *x, const git_oid *ours, const git_oid *theirs,
	const git_oid *base, git_oid *out)
{
	git_commit *oc = NULL, *tc = NULL, *bc = NULL;
	git_tree *ot = NULL, *tt = NULL, *bt = NULL, *mt = NULL;
	git_diff *dout = NULL, *dthe = NULL;
	git_tree_update *upd = NULL;
	git_oid *blobs = NULL, tree_oid;
	git_signature *sig = NULL;
	const git_commit *parents[2];
	struct fq_buf msg = FQ_BUF_INIT;
	char **newpaths = NULL;
	unsigned long last = 0;
	size_t i, j, no, nt, nupd = 0, taken = 0;
	int ret;

	if ((ret = lookup_tree(x, ours, &oc, &ot)) < 0 ||
	    (ret = lookup_tree(x, theirs, &tc, &tt)) < 0 ||
	    (ret = lookup_tree(x, base, &bc, &bt)) < 0)
		goto out;
	if ((ret = diff_trees(x, bt, ot, &dout)) < 0 ||
	    (ret = diff_trees(x, bt, tt, &dthe)) < 0)
		goto out;
	no = git_diff_num_deltas(dout);
	nt = git_diff_num_deltas(dthe);
	upd = fq_xcalloc(nt + 1, sizeof(*upd));
	blobs = fq_xcalloc(nt + 1, sizeof(*blobs));
	newpaths = fq_xcalloc(nt + 1, sizeof(*newpaths));
	/* both lists are sorted by path: walk them side by side */
	for (i = 0, j = 0; j < nt; j++) {
		const git_diff_delta *t = git_diff_get_delta(dthe, j);
		const git_diff_delta *o = NULL;
		const char *path = delta_path(t);
		bool tdel = t->status == GIT_DELTA_DELETED;
		int c = 1;

		while (i < no && (c = strcmp(delta_path(
		    git_diff_get_delta(dout, i)), path)) < 0)
			i++;
		if (i < no && c == 0)
			o = git_diff_get_delta(dout, i);
		upd[nupd].path = path;
		upd[nupd].filemode = GIT_FILEMODE_BLOB;
		if (!o) {
			/* changed there only */
			upd[nupd].action = tdel ? GIT_TREE_UPDATE_REMOVE :
				GIT_TREE_UPDATE_UPSERT;
			git_oid_cpy(&upd[nupd].id, &t->new_file.id);
			upd[nupd].filemode = t->new_file.mode;
			nupd++;
			taken++;
			continue;
		}
		if (o->status == GIT_DELTA_DELETED && tdel)
			continue;
		if (o->status != GIT_DELTA_DELETED && !tdel &&
		    git_oid_equal(&o->new_file.id, &t->new_file.id))
			continue;
		if (tdel) {
			/* removed there, changed here: keep ours */
			note(x, FQ_SYNC_KEPT_BOTH, path, NULL, NULL, NULL);
			continue;
		}
		if (o->status == GIT_DELTA_DELETED) {
			/* removed here, changed there: keep theirs */
			note(x, FQ_SYNC_KEPT_BOTH, path, NULL, NULL, NULL);
			upd[nupd].action = GIT_TREE_UPDATE_UPSERT;
			git_oid_cpy(&upd[nupd].id, &t->new_file.id);
			nupd++;
			taken++;
			continue;
		}
		if (!is_case_path(path)) {
			note(x, FQ_SYNC_FILE_KEPT, path, NULL, NULL, NULL);
			continue;
		}
		if (o->status == GIT_DELTA_ADDED &&
		    t->status == GIT_DELTA_ADDED) {
			bool done;

			if ((ret = renumber(x, path, ot, tt, &last,
			    &newpaths[j], &blobs[j], &done)) < 0)
				goto out;
			if (done) {
				upd[nupd].action = GIT_TREE_UPDATE_UPSERT;
				upd[nupd].path = newpaths[j];
				git_oid_cpy(&upd[nupd].id, &blobs[j]);
				nupd++;
				taken++;
				continue;
			}
		}
		if ((ret = merge_case(x, path, bt, ot, tt, &blobs[j])) < 0)
			goto out;
		upd[nupd].action = GIT_TREE_UPDATE_UPSERT;
		git_oid_cpy(&upd[nupd].id, &blobs[j]);
		nupd++;
	}
	if (git_tree_create_updated(&tree_oid, x->repo, ot, nupd, upd) < 0 ||
	    git_tree_lookup(&mt, x->repo, &tree_oid) < 0) {
		ret = fq_git_fail(x->err, "cannot build the merged tree");
		goto out;
	}
	if ((ret = fq_store_signature(x->s, &sig, x->err)) < 0)
		goto out;
	fq_buf_addf(&msg, "fq-sync: merge %s from %s\n\n",
		fq_store_unit(x->s), x->from);
	fq_buf_addf(&msg, "%zu file(s) from the other side, %zu case(s) "
		"merged, %zu conflict(s) kept for review\n", taken,
		x->r->merged_cases, x->r->conflicts);
	parents[0] = oc;
	parents[1] = tc;
	if ((ret = fq_commit_create(out, x->repo, NULL, sig, msg.buf, mt, 2,
	    parents, x->err)) < 0)
		goto out;
	x->r->files_in += taken + x->r->merged_cases;
	ret = FQ_OK;
out:
	fq_buf_release(&msg);
	git_signature_free(sig);
	free(upd);
	free(blobs);
	for (j = 0; newpaths && j < nt; j++)
		free(newpaths[j]);
	free(newpaths);
	git_diff_free(dout);
	git_diff_free(dthe);
	git_tree_free(mt);
	git_tree_free(ot);
	git_tree_free(tt);
	git_tree_free(bt);
	git_commit_free(oc);
	git_commit_free(tc);
	git_commit_free(bc);
	return ret;
}

/* Number of files that differ between two commits. */
static size_t
count_changes(struct sync *x, const git_oid *a, const git_oid *b)
{
	git_commit *ac = NULL, *bc = NULL;
	git_tree *at = NULL, *bt = NULL;
	git_diff *d = NULL;
	size_t n = 0;

	if (lookup_tree(x, a, &ac, &at) == FQ_OK &&
	    lookup_tree(x, b, &bc, &bt) == FQ_OK &&
	    diff_trees(x, at, bt, &d) == FQ_OK)
		n = git_diff_num_deltas(d);
	git_diff_free(d);
	git_tree_free(at);
	git_tree_free(bt);
	git_commit_free(ac);
	git_commit_free(bc);
	return n;
}

/* Bring theirs into HEAD: nothing, a fast-forward or a merge. */
static int
integrate(struct sync *x, const git_oid *theirs)
{
	git_oid ours, base, m;
	struct fq_buf msg = FQ_BUF_INIT;
	int r, ret;

	if (git_reference_name_to_id(&ours, x->repo, "HEAD") < 0)
		return fq_git_fail(x->err, "cannot resolve HEAD");
	if (git_oid_equal(&ours, theirs))
		return FQ_OK;
	r = git_graph_descendant_of(x->repo, &ours, theirs);
	if (r < 0)
		return fq_git_fail(x->err, "cannot compare histories");
	if (r == 1)
		return FQ_OK;	/* we have all of theirs */
	fq_buf_addf(&msg, "fq-sync: from %s", x->from);
	r = git_graph_descendant_of(x->repo, theirs, &ours);
	if (r < 0) {
		ret = fq_git_fail(x->err, "cannot compare histories");
		goto out;
	}
	if (r == 1) {
		x->r->files_in += count_changes(x, &ours, theirs);
		ret = fq_store_move_to(x->s, theirs, msg.buf, x->err);
		if (ret == FQ_OK)
			x->r->fast_forward = true;
		goto out;
	}
	r = git_merge_base(&base, x->repo, &ours, theirs);
	if (r == GIT_ENOTFOUND) {
		git_error_clear();
		ret = fq_error_set(x->err, FQ_EEXISTS, "the unit code %s is "
			"already used on %s by another repository (their "
			"history and this one have nothing in common): "
			"nothing was changed", fq_store_unit(x->s), x->from);
		goto out;
	}
	if (r < 0) {
		ret = fq_git_fail(x->err, "cannot find the common history");
		goto out;
	}
	if ((ret = merge(x, &ours, theirs, &base, &m)) < 0)
		goto out;
	ret = fq_store_move_to(x->s, &m, msg.buf, x->err);
	if (ret == FQ_OK)
		x->r->merged = true;
out:
	fq_buf_release(&msg);
	return ret;
}

/*
 * Remotes.
 */
static bool
looks_like_location(const char *s)
{
	struct stat st;

	return strchr(s, '/') || strchr(s, ':') || stat(s, &st) == 0;
}

static int
credentials(git_credential **out, const char *url, const char *user,
	unsigned int allowed, void *payload)
{
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		return git_credential_ssh_key_from_agent(out,
			user ? user : "git");
	return GIT_PASSTHROUGH;
}

static void
set_callbacks(git_remote_callbacks *cb)
{
	git_remote_init_callbacks(cb, GIT_REMOTE_CALLBACKS_VERSION);
	cb->credentials = credentials;
}

/*
 * Remotes are read from and written to git's configuration directly
 * (remote.NAME.url): libgit2 1.5's git_remote_lookup() and
 * git_remote_create() leak the match data of the regular expressions
 * they run over the configuration, and fq needs neither their refspecs
 * nor url.*.insteadOf.
 */

/* remote.NAME.url, copied into url; FQ_ENOTFOUND when there is none. */
static int
remote_url(git_repository *repo, const char *name, char **url,
	struct fq_error *err)
{
	git_config *cfg = NULL;
	struct fq_buf key = FQ_BUF_INIT;
	const char *v = NULL;
	int r, ret = FQ_OK;

	*url = NULL;
	if (git_repository_config_snapshot(&cfg, repo) < 0)
		return fq_git_fail(err, "cannot read git's configuration");
	fq_buf_addf(&key, "remote.%s.url", name);
	r = git_config_get_string(&v, cfg, key.buf);
	if (r == GIT_ENOTFOUND || (r == 0 && (!v || !*v))) {
		git_error_clear();
		ret = FQ_ENOTFOUND;
	} else if (r < 0) {
		ret = fq_git_fail(err, "cannot read %s", key.buf);
	} else {
		*url = fq_xstrdup(v);
	}
	git_config_free(cfg);
	fq_buf_release(&key);
	return ret;
}

/*
 * The CA certificates libgit2 deferred (lib/tls.c), read before talking
 * to anything that is not a local path or file:// URL.
 */
static int
tls_for(const char *url, struct fq_error *err)
{
	if (!strstr(url, "://") || !strncmp(url, "file://", 7))
		return FQ_OK;
	if (fq_tls_load() < 0)
		return fq_error_set(err, FQ_ERROR, "cannot read the CA "
			"certificates");
	return FQ_OK;
}

/* A remote for url, bound to the repository, without a name. */
static int
remote_for(git_repository *repo, const char *url, git_remote **out,
	struct fq_error *err)
{
	git_remote_create_options o;
	int ret;

	if ((ret = tls_for(url, err)) < 0)
		return ret;
	git_remote_create_options_init(&o, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	o.repository = repo;
	o.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF |
		GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	if (git_remote_create_with_opts(out, url, &o) < 0)
		return fq_git_fail(err, "cannot use %s", url);
	return FQ_OK;
}

static int
set_remote(git_repository *repo, const char *name, const char *url,
	struct fq_error *err)
{
	git_config *cfg = NULL;
	struct fq_buf key = FQ_BUF_INIT, val = FQ_BUF_INIT;
	int ret = FQ_OK;

	if (git_repository_config(&cfg, repo) < 0)
		return fq_git_fail(err, "cannot open git's configuration");
	fq_buf_addf(&key, "remote.%s.url", name);
	if (git_config_set_string(cfg, key.buf, url) < 0) {
		ret = fq_git_fail(err, "cannot set %s", key.buf);
		goto out;
	}
	fq_buf_reset(&key);
	fq_buf_addf(&key, "remote.%s.fetch", name);
	fq_buf_addf(&val, "+refs/heads/*:refs/remotes/%s/*", name);
	if (git_config_set_string(cfg, key.buf, val.buf) < 0)
		ret = fq_git_fail(err, "cannot set %s", key.buf);
out:
	git_config_free(cfg);
	fq_buf_release(&key);
	fq_buf_release(&val);
	return ret;
}

/*
 * The remote to talk to: a configured one by name, else a path or URL.
 * With no "origin" configured yet, a path or URL becomes "origin".
 * *label gets the name to show (the remote's name, or the location).
 */
static int
open_remote(struct sync *x, const char *name, git_remote **out,
	struct fq_buf *track, struct fq_buf *label)
{
	char *url = NULL;
	int r, ret;

	*out = NULL;
	r = remote_url(x->repo, name, &url, x->err);
	if (r == FQ_OK) {
		fq_buf_addf(track, "refs/remotes/%s/%s", name,
			fq_store_unit(x->s));
		fq_buf_adds(label, name);
		ret = remote_for(x->repo, url, out, x->err);
		free(url);
		return ret;
	}
	if (r != FQ_ENOTFOUND)
		return r;
	if (!looks_like_location(name)) {
		if (!strcmp(name, "origin"))
			return fq_error_set(x->err, FQ_ENOTFOUND, "no county "
				"repository configured yet: give its path or "
				"URL once (fq sync /srv/county.git) and it is "
				"remembered as origin");
		return fq_error_set(x->err, FQ_ENOTFOUND, "no remote called "
			"'%s', and it is not a path or URL", name);
	}
	r = remote_url(x->repo, "origin", &url, x->err);
	if (r == FQ_OK && !strcmp(url, name)) {
		/* origin's own URL: the same remote, by its name */
		fq_buf_addf(track, "refs/remotes/origin/%s",
			fq_store_unit(x->s));
		fq_buf_adds(label, "origin");
		ret = remote_for(x->repo, url, out, x->err);
		free(url);
		return ret;
	}
	free(url);
	if (r == FQ_ENOTFOUND) {
		if ((ret = set_remote(x->repo, "origin", name, x->err)) < 0)
			return ret;
		fq_buf_addf(track, "refs/remotes/origin/%s",
			fq_store_unit(x->s));
		fq_buf_adds(label, "origin");
		return remote_for(x->repo, name, out, x->err);
	}
	if (r < 0)
		return r;
	fq_buf_addf(track, "refs/fq/sync/%s", fq_store_unit(x->s));
	fq_buf_adds(label, name);
	return remote_for(x->repo, name, out, x->err);
}

/* The id the remote gives for refname; *found false when none. */
static int
remote_head(struct sync *x, git_remote *rem, const char *refname,
	git_oid *oid, bool *found, struct fq_error *err)
{
	const git_remote_head **heads;
	size_t n, i;

	*found = false;
	if (git_remote_ls(&heads, &n, rem) < 0)
		return fq_git_fail(err, "cannot list the branches of %s",
			git_remote_url(rem));
	for (i = 0; i < n; i++) {
		if (!strcmp(heads[i]->name, refname)) {
			git_oid_cpy(oid, &heads[i]->oid);
			*found = true;
		}
	}
	return FQ_OK;
}

/* A remote on this machine: its directory (file:// or a path), or NULL. */
static const char *
local_path(const char *url)
{
	struct stat st;

	if (!strncmp(url, "file://", 7))
		return url + 7;
	if (!strstr(url, "://") && stat(url, &st) == 0 && S_ISDIR(st.st_mode))
		return url;
	return NULL;
}

/* The indexer keeps its progress in stats from one append to the next. */
struct packing {
	git_odb_writepack *wp;
	git_indexer_progress stats;
};

static int
pack_to_odb(void *buf, size_t size, void *data)
{
	struct packing *pk = data;

	return pk->wp->append(pk->wp, buf, size, &pk->stats);
}

/*
 * Fetch theirs from a repository on this machine.  libgit2's own local
 * transport packs the objects of every branch of the remote whatever the
 * refspec (libgit2 issues #3932, #6967): a township fetching its branch
 * from a county directory would receive every township's cases (a county
 * of 300 x 2,000 cases: the whole 220 MB, minutes).  Here the commits of
 * theirs that are not ours are packed in the remote repository, as a git
 * server would, and indexed into ours.
 */
static int
fetch_local(struct sync *x, const char *path, const git_oid *theirs,
	const char *track)
{
	git_repository *rr = NULL;
	git_revwalk *w = NULL;
	git_packbuilder *pb = NULL;
	git_odb *odb = NULL, *rodb = NULL;
	struct packing pk;
	const char *have[] = { "HEAD", track, NULL };
	git_oid id;
	int i, ret = FQ_OK;

	memset(&pk, 0, sizeof(pk));
	if (git_repository_open_ext(&rr, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
	    NULL) < 0 || git_repository_odb(&rodb, rr) < 0 ||
	    git_repository_odb(&odb, x->repo) < 0 ||
	    git_revwalk_new(&w, rr) < 0 || git_revwalk_push(w, theirs) < 0) {
		ret = fq_git_fail(x->err, "cannot read %s", x->from);
		goto out;
	}
	/* what we have that they have too: not sent again */
	for (i = 0; have[i]; i++)
		if (git_reference_name_to_id(&id, x->repo, have[i]) == 0 &&
		    git_odb_exists(rodb, &id) && git_revwalk_hide(w, &id) < 0) {
			ret = fq_git_fail(x->err, "cannot read %s", x->from);
			goto out;
		}
	git_error_clear();
	if (git_packbuilder_new(&pb, rr) < 0 ||
	    git_packbuilder_insert_walk(pb, w) < 0 ||
	    git_odb_write_pack(&pk.wp, odb, NULL, NULL) < 0 ||
	    git_packbuilder_foreach(pb, pack_to_odb, &pk) < 0 ||
	    pk.wp->commit(pk.wp, &pk.stats) < 0) {
		ret = fq_git_fail(x->err, "cannot fetch from %s", x->from);
		goto out;
	}
	git_odb_refresh(odb);
out:
	if (pk.wp)
		pk.wp->free(pk.wp);
	git_packbuilder_free(pb);
	git_revwalk_free(w);
	git_odb_free(odb);
	git_odb_free(rodb);
	git_repository_free(rr);
	return ret;
}

/* Fetch the unit's branch; *found false when the remote lacks it. */
static int
fetch(struct sync *x, git_remote *rem, const char *track, git_oid *theirs,
	bool *found)
{
	git_remote_callbacks cb;
	git_fetch_options fo;
	git_reference *ref = NULL;
	struct fq_buf spec = FQ_BUF_INIT;
	char *specs[1];
	git_strarray sa;
	git_odb *odb = NULL;
	int ret = FQ_OK;

	set_callbacks(&cb);
	if (git_remote_connect(rem, GIT_DIRECTION_FETCH, &cb, NULL,
	    NULL) < 0)
		return fq_git_fail(x->err, "cannot reach %s", x->from);
	if ((ret = remote_head(x, rem, x->unit_ref, theirs, found,
	    x->err)) < 0 || !*found)
		goto out;
	if (git_repository_odb(&odb, x->repo) < 0) {
		ret = fq_git_fail(x->err, "cannot open the object database");
		goto out;
	}
	if (!git_odb_exists(odb, theirs) && local_path(git_remote_url(rem))) {
		if ((ret = fetch_local(x, local_path(git_remote_url(rem)),
		    theirs, track)) < 0)
			goto out;
		if (!git_odb_exists(odb, theirs)) {
			ret = fq_error_set(x->err, FQ_ERROR, "%s did not send "
				"the commits of %s", x->from, x->unit_ref);
			goto out;
		}
	} else if (!git_odb_exists(odb, theirs)) {
		git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
		fo.callbacks = cb;
		fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
		fq_buf_addf(&spec, "+%s:%s", x->unit_ref, track);
		specs[0] = spec.buf;
		sa.strings = specs;
		sa.count = 1;
		if (git_remote_download(rem, &sa, &fo) < 0) {
			ret = fq_git_fail(x->err, "cannot fetch from %s",
				x->from);
			goto out;
		}
		git_odb_refresh(odb);
		if (!git_odb_exists(odb, theirs)) {
			ret = fq_error_set(x->err, FQ_ERROR, "%s did not send "
				"the commits of %s", x->from, x->unit_ref);
			goto out;
		}
	}
	if (git_reference_create(&ref, x->repo, track, theirs, 1,
	    "fq-sync: fetch") < 0)
		ret = fq_git_fail(x->err, "cannot update %s", track);
	x->r->fetched = true;
out:
	git_remote_disconnect(rem);
	git_reference_free(ref);
	git_odb_free(odb);
	fq_buf_release(&spec);
	return ret;
}

struct push_status {
	bool rejected;
	char msg[256];
};

static int
push_ref_cb(const char *refname, const char *status, void *data)
{
	struct push_status *ps = data;

	if (status) {
		ps->rejected = true;
		snprintf(ps->msg, sizeof(ps->msg), "%s: %s", refname, status);
	}
	return 0;
}

/* Push HEAD's branch to refs/heads/UNIT; *rejected when it was refused
 * (someone pushed meanwhile). */
static int
push(struct sync *x, git_remote *rem, bool *rejected)
{
	git_push_options po;
	struct push_status ps;
	struct fq_buf spec = FQ_BUF_INIT;
	char *branch = NULL, *specs[1];
	git_strarray sa;
	int r, ret = FQ_OK;

	*rejected = false;
	memset(&ps, 0, sizeof(ps));
	if ((ret = fq_store_branch(x->s, &branch, x->err)) < 0)
		return ret;
	fq_buf_addf(&spec, "%s:%s", branch, x->unit_ref);
	specs[0] = spec.buf;
	sa.strings = specs;
	sa.count = 1;
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	set_callbacks(&po.callbacks);
	po.callbacks.push_update_reference = push_ref_cb;
	po.callbacks.payload = &ps;
	r = git_remote_push(rem, &sa, &po);
	if (r == GIT_ENONFASTFORWARD || (r == 0 && ps.rejected)) {
		git_error_clear();
		*rejected = true;
	} else if (r < 0) {
		const git_error *e = git_error_last();

		/* the remote moved to commits we do not have yet */
		if (e && e->message && strstr(e->message, "not present "
		    "locally")) {
			git_error_clear();
			*rejected = true;
		} else {
			ret = fq_git_fail(x->err, "cannot push to %s",
				x->from);
		}
	}
	free(branch);
	fq_buf_release(&spec);
	return ret;
}

/*
 * Bundles (git's v2 format): "# v2 git bundle", lines "-OID comment" for
 * the commits the reader must already have, lines "OID REFNAME", an empty
 * line, then a pack.
 */
bool
fq_sync_is_bundle(const char *path)
{
	char head[sizeof(BUNDLE_V2)];
	struct stat st;
	ssize_t n;
	int fd;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, head, sizeof(head) - 1);
	close(fd);
	if (n != (ssize_t)sizeof(head) - 1)
		return false;
	head[n] = '\0';
	return !strcmp(head, BUNDLE_V2) || !strcmp(head, BUNDLE_V3);
}

static int
read_bundle(struct sync *x, const char *path, git_oid *theirs)
{
	struct fq_buf b = FQ_BUF_INIT;
	git_odb *odb = NULL;
	git_odb_writepack *wp = NULL;
	git_indexer_progress stats;
	const char *p, *end, *nl;
	bool found = false, missing = false;
	git_oid oid, need;
	char hex[GIT_OID_HEXSZ + 1];
	int ret = FQ_OK;

	if (fq_buf_read_file(&b, path, (size_t)1 << 31) < 0)
		return fq_error_set(x->err, FQ_ERROR, "cannot read %s: %s",
			path, strerror(errno));
	if (git_repository_odb(&odb, x->repo) < 0) {
		ret = fq_git_fail(x->err, "cannot open the object database");
		goto out;
	}
	p = b.buf;
	end = b.buf + b.len;
	if (b.len < sizeof(BUNDLE_V2) - 1 || (strncmp(p, BUNDLE_V2,
	    sizeof(BUNDLE_V2) - 1) && strncmp(p, BUNDLE_V3,
	    sizeof(BUNDLE_V3) - 1))) {
		ret = fq_error_set(x->err, FQ_EPARSE, "%s: not a git bundle",
			path);
		goto out;
	}
	p += sizeof(BUNDLE_V2) - 1;
	for (;;) {
		if (p >= end || !(nl = memchr(p, '\n', (size_t)(end - p)))) {
			ret = fq_error_set(x->err, FQ_EPARSE,
				"%s: the bundle is cut short", path);
			goto out;
		}
		if (nl == p) {
			p++;
			break;
		}
		if (*p == '@') {
			/* v3 capabilities: only sha1 objects are known here */
			if (strncmp(p, "@object-format=sha1\n", 20)) {
				ret = fq_error_set(x->err, FQ_EPARSE, "%s: a "
					"bundle capability fq does not know: "
					"%.*s", path, (int)(nl - p), p);
				goto out;
			}
		} else if (*p == '-') {
			if (nl - p < 41 || git_oid_fromstrn(&oid, p + 1,
			    40) < 0) {
				git_error_clear();
				ret = fq_error_set(x->err, FQ_EPARSE,
					"%s: bad bundle header", path);
				goto out;
			}
			if (!missing && !git_odb_exists(odb, &oid)) {
				missing = true;
				git_oid_cpy(&need, &oid);
			}
		} else {
			if (nl - p < 42 || p[40] != ' ' ||
			    git_oid_fromstrn(&oid, p, 40) < 0) {
				git_error_clear();
				ret = fq_error_set(x->err, FQ_EPARSE,
					"%s: bad bundle header", path);
				goto out;
			}
			if ((size_t)(nl - p - 41) == strlen(x->unit_ref) &&
			    !strncmp(p + 41, x->unit_ref,
			    strlen(x->unit_ref))) {
				git_oid_cpy(theirs, &oid);
				found = true;
			}
		}
		p = nl + 1;
	}
	if (!found) {
		ret = fq_error_set(x->err, FQ_ENOTFOUND, "%s holds no branch "
			"for unit %s (%s)", path, fq_store_unit(x->s),
			x->unit_ref);
		goto out;
	}
	if (missing) {
		ret = fq_error_set(x->err, FQ_ENOTFOUND, "%s needs commit "
			"%.12s, which this repository does not have: it was "
			"written for a copy that is further on; sync with that "
			"copy first, or write the bundle again", path,
			git_oid_tostr(hex, sizeof(hex), &need));
		goto out;
	}
	memset(&stats, 0, sizeof(stats));
	if (git_odb_write_pack(&wp, odb, NULL, NULL) < 0 ||
	    wp->append(wp, p, (size_t)(end - p), &stats) < 0 ||
	    wp->commit(wp, &stats) < 0) {
		const git_error *e = git_error_last();

		ret = fq_error_set(x->err, FQ_EPARSE, "%s: the bundle's pack "
			"is damaged (%s); nothing was taken in", path,
			e && e->message ? e->message : "?");
		git_error_clear();
		goto out;
	}
	git_odb_refresh(odb);
	if (!git_odb_exists(odb, theirs)) {
		ret = fq_error_set(x->err, FQ_EPARSE, "%s: the bundle lacks "
			"the commit it names", path);
		goto out;
	}
	x->r->fetched = true;
out:
	if (wp)
		wp->free(wp);
	git_odb_free(odb);
	fq_buf_release(&b);
	return ret;
}

static int
sync_setup(struct sync *x, fq_store *s, const struct fq_sync_opts *o,
	struct fq_sync_result *r, struct fq_error *err)
{
	memset(x, 0, sizeof(*x));
	memset(r, 0, sizeof(*r));
	x->s = s;
	x->repo = fq_store_git(s);
	x->o = o;
	x->r = r;
	x->err = err;
	snprintf(x->unit_ref, sizeof(x->unit_ref), "refs/heads/%s",
		fq_store_unit(s));
	return FQ_OK;
}

int
fq_sync(fq_store *s, const struct fq_sync_opts *o, struct fq_sync_result *r,
	struct fq_error *err)
{
	struct sync x;
	struct fq_buf stray = FQ_BUF_INIT, track = FQ_BUF_INIT,
		label = FQ_BUF_INIT;
	git_remote *rem = NULL;
	git_oid theirs, before, after;
	size_t nstray = 0;
	bool found = false, rejected = false;
	int ret, tries, max = o->max_tries > 0 ? o->max_tries : 3;

	sync_setup(&x, s, o, r, err);
	if ((ret = fq_store_stray(s, &stray, &nstray, err)) < 0)
		goto out;
	if (nstray) {
		ret = fq_error_set(err, FQ_ERROR, "%zu file(s) differ from the "
			"last commit (first: %s): run 'fq check --repair' "
			"before syncing", nstray, stray.buf);
		goto out;
	}
	if (git_reference_name_to_id(&before, x.repo, "HEAD") < 0) {
		ret = fq_git_fail(err, "cannot resolve HEAD");
		goto out;
	}
	if (o->bundle_in) {
		x.from = o->bundle_in;
		if ((ret = read_bundle(&x, o->bundle_in, &theirs)) < 0 ||
		    (ret = integrate(&x, &theirs)) < 0)
			goto out;
		goto done;
	}
	if ((ret = open_remote(&x, o->remote ? o->remote : "origin", &rem,
	    &track, &label)) < 0)
		goto out;
	x.from = label.buf;
	for (tries = 0; tries < max; tries++) {
		if (tries)
			note(&x, FQ_SYNC_RETRY, NULL, NULL, NULL, NULL);
		if ((ret = fetch(&x, rem, track.buf, &theirs, &found)) < 0)
			goto out;
		if (found && (ret = integrate(&x, &theirs)) < 0)
			goto out;
		if (o->no_push)
			goto done;
		if (getenv("FQ_SYNC_BEFORE_PUSH") && !tries &&
		    *getenv("FQ_SYNC_BEFORE_PUSH")) {
			/* for tests: someone else pushes right now */
			char *cmd = fq_xstrdup(getenv("FQ_SYNC_BEFORE_PUSH"));
			int st;

			unsetenv("FQ_SYNC_BEFORE_PUSH");
			st = system(cmd);
			free(cmd);
			if (st != 0) {
				ret = fq_error_set(err, FQ_ERROR,
					"FQ_SYNC_BEFORE_PUSH failed");
				goto out;
			}
		}
		git_reference_name_to_id(&after, x.repo, "HEAD");
		if (found && git_oid_equal(&after, &theirs)) {
			/* they have it all already: nothing to push; but they
			 * may have moved since: ask again on a retry only */
			r->tries = tries + 1;
			goto done;
		}
		r->tries = tries + 1;
		if ((ret = push(&x, rem, &rejected)) < 0)
			goto out;
		if (!rejected) {
			git_reference *ref = NULL;

			r->pushed = true;
			/* the tracking ref now is what we pushed */
			if (git_reference_create(&ref, x.repo, track.buf,
			    &after, 1, "fq-sync: push") < 0)
				git_error_clear();
			git_reference_free(ref);
			goto done;
		}
	}
	ret = fq_error_set(err, FQ_ELOCKED, "%s kept changing while we "
		"pushed (%d tries): run fq sync again", x.from, max);
	goto out;
done:
	git_reference_name_to_id(&after, x.repo, "HEAD");
	r->up_to_date = git_oid_equal(&before, &after) && !r->pushed;
	ret = FQ_OK;
out:
	git_remote_free(rem);
	fq_buf_release(&stray);
	fq_buf_release(&track);
	fq_buf_release(&label);
	return ret;
}

int
fq_sync_bundle_write(fq_store *s, const char *path, const char *remote,
	size_t *commits, struct fq_error *err)
{
	git_repository *repo = fq_store_git(s);
	git_revwalk *walk = NULL;
	git_packbuilder *pb = NULL;
	git_buf pack = GIT_BUF_INIT;
	git_commit *basis = NULL;
	git_oid head, base, oid;
	struct fq_buf hdr = FQ_BUF_INIT, track = FQ_BUF_INIT,
		tmp = FQ_BUF_INIT;
	bool have_base = false;
	size_t n = 0;
	FILE *f = NULL;
	int fd, r, ret = FQ_OK;
	char hex[GIT_OID_HEXSZ + 1];

	*commits = 0;
	if (!remote)
		remote = "origin";
	if (looks_like_location(remote)) {
		char *url = NULL;

		if (remote_url(repo, "origin", &url, err) == FQ_OK &&
		    !strcmp(url, remote))
			fq_buf_addf(&track, "refs/remotes/origin/%s",
				fq_store_unit(s));
		else
			fq_buf_addf(&track, "refs/fq/sync/%s",
				fq_store_unit(s));
		free(url);
		fq_error_clear(err);
	} else
		fq_buf_addf(&track, "refs/remotes/%s/%s", remote,
			fq_store_unit(s));
	if (git_reference_name_to_id(&head, repo, "HEAD") < 0)
		return fq_git_fail(err, "cannot resolve HEAD");
	if (git_reference_name_to_id(&base, repo, track.buf) == 0)
		have_base = true;
	git_error_clear();
	if (git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_push(walk, &head) < 0 ||
	    (have_base && git_revwalk_hide(walk, &base) < 0)) {
		ret = fq_git_fail(err, "cannot walk the history");
		goto out;
	}
	while ((r = git_revwalk_next(&oid, walk)) == 0)
		n++;
	if (r != GIT_ITEROVER) {
		ret = fq_git_fail(err, "cannot walk the history");
		goto out;
	}
	*commits = n;
	if (!n)
		goto out;
	git_revwalk_reset(walk);
	if (git_revwalk_push(walk, &head) < 0 ||
	    (have_base && git_revwalk_hide(walk, &base) < 0) ||
	    git_packbuilder_new(&pb, repo) < 0 ||
	    git_packbuilder_insert_walk(pb, walk) < 0 ||
	    git_packbuilder_write_buf(&pack, pb) < 0) {
		ret = fq_git_fail(err, "cannot pack the commits");
		goto out;
	}
	fq_buf_adds(&hdr, BUNDLE_V2);
	if (have_base) {
		if (git_commit_lookup(&basis, repo, &base) < 0) {
			ret = fq_git_fail(err, "cannot read %s", track.buf);
			goto out;
		}
		fq_buf_addf(&hdr, "-%s %s\n", git_oid_tostr(hex, sizeof(hex),
			&base), git_commit_summary(basis) ?
			git_commit_summary(basis) : "");
	}
	fq_buf_addf(&hdr, "%s refs/heads/%s\n\n",
		git_oid_tostr(hex, sizeof(hex), &head), fq_store_unit(s));

	fq_buf_addf(&tmp, "%s.tmpXXXXXX", path);
	if ((fd = mkstemp(tmp.buf)) < 0 || !(f = fdopen(fd, "wb"))) {
		ret = fq_error_set(err, FQ_ERROR, "cannot create %s: %s",
			tmp.buf, strerror(errno));
		goto out;
	}
	fchmod(fd, 0600);
	if (fwrite(hdr.buf, 1, hdr.len, f) != hdr.len ||
	    fwrite(pack.ptr, 1, pack.size, f) != pack.size ||
	    fflush(f) != 0 || fsync(fd) < 0) {
		ret = fq_error_set(err, FQ_ERROR, "cannot write %s: %s",
			path, strerror(errno));
		fclose(f);
		f = NULL;
		unlink(tmp.buf);
		goto out;
	}
	if (fclose(f) != 0 || rename(tmp.buf, path) < 0) {
		f = NULL;
		ret = fq_error_set(err, FQ_ERROR, "cannot write %s: %s",
			path, strerror(errno));
		unlink(tmp.buf);
		goto out;
	}
	f = NULL;
out:
	git_commit_free(basis);
	git_buf_dispose(&pack);
	git_packbuilder_free(pb);
	git_revwalk_free(walk);
	fq_buf_release(&hdr);
	fq_buf_release(&track);
	fq_buf_release(&tmp);
	return ret;
}

int
fq_sync_remote_has_unit(const char *url, const char *unit, bool *has,
	struct fq_error *err)
{
	git_remote *rem = NULL;
	git_remote_callbacks cb;
	struct fq_buf ref = FQ_BUF_INIT;
	const git_remote_head **heads;
	size_t n, i;
	int ret = FQ_OK;

	*has = false;
	git_libgit2_init();
	if ((ret = tls_for(url, err)) < 0)
		goto out;
	if (git_remote_create_detached(&rem, url) < 0) {
		ret = fq_git_fail(err, "cannot use %s", url);
		goto out;
	}
	set_callbacks(&cb);
	if (git_remote_connect(rem, GIT_DIRECTION_FETCH, &cb, NULL,
	    NULL) < 0 || git_remote_ls(&heads, &n, rem) < 0) {
		ret = fq_git_fail(err, "cannot reach %s", url);
		goto out;
	}
	fq_buf_addf(&ref, "refs/heads/%s", unit);
	for (i = 0; i < n; i++)
		if (!strcmp(heads[i]->name, ref.buf))
			*has = true;
out:
	if (rem)
		git_remote_disconnect(rem);
	git_remote_free(rem);
	fq_buf_release(&ref);
	git_libgit2_shutdown();
	return ret;
}

int
fq_sync_set_remote(fq_store *s, const char *name, const char *url,
	struct fq_error *err)
{
	return set_remote(fq_store_git(s), name, url, err);
}
