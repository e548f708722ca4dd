/*
 * sync.h: townships exchange commits with the county through git.
 *
 * The county keeps one bare git repository; each township pushes its
 * history to the branch named after its unit code (refs/heads/QSZ), and
 * every copy of a township's repository (the office PC, the clerk's
 * laptop) syncs with that same branch.  A repository whose history is
 * unrelated to the branch already there is refused: a unit code belongs
 * to one repository.
 *
 * fq_sync() fetches the branch, integrates it and pushes the result.
 * Integration fast-forwards when it can; otherwise it makes a merge
 * commit: files changed on one side only are taken from that side, and a
 * case file changed on both sides is merged per case by fq_case_merge3().
 *
 * Per-case merge.  Events are append-only, so the merged log is the union
 * of both logs (identical events once, ordered by `at`).  Every other
 * field is merged three ways: changed on one side, that side wins;
 * changed on both to the same value, that value; mappings (agreement,
 * docs, ...) merge key by key, referrals by their number, other lists as
 * sets (additions from both sides kept, an item removed on one side and
 * untouched on the other removed).  `updated_at` takes the later time and
 * `due_on` the earlier date.  A true conflict — one field changed to two
 * different values — keeps this side's value in the field and records the
 * other in the case's `conflicts:` list (with the time and where it came
 * from) plus a `flags:` entry, so the case shows up for review; nothing
 * is lost.
 *
 * The same ID registered in two copies (both added the file, with
 * different created_at): this side's case keeps the ID, the other's gets
 * the next free number in the merged tree and a correction event.
 */
#ifndef FQ_SYNC_H
#define FQ_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include "fq/buf.h"
#include "fq/error.h"
#include "fq/node.h"
#include "fq/schema.h"
#include "fq/store.h"

struct fq_conflict {
	char *field;	/* "status", "agreement.terms", "referrals[2].state" */
	char *kept;	/* the value kept (this side), NULL when absent */
	char *other;	/* the other side's value, NULL when absent */
};

struct fq_conflicts {
	struct fq_conflict *v;
	size_t n, alloc;
};

#define FQ_CONFLICTS_INIT { NULL, 0, 0 }

void fq_conflicts_release(struct fq_conflicts *c);

struct fq_merge_opts {
	const char *now;	/* `at` of recorded conflicts (ISO 8601) */
	const char *from;	/* where the other side came from, or NULL */
	bool record;		/* write conflicts into the case (conflicts:,
				 * flags:); the sync always does */
};

/*
 * Three-way merge of one case: base is the common ancestor's version
 * (NULL when both sides added the file), ours this repository's, theirs
 * the other side's.  *out gets a new tree (caller frees); each true
 * conflict is appended to conflicts (may be NULL).  The inputs are not
 * changed.  The result is not validated: render it with fq_case_render().
 */
int fq_case_merge3(struct fq_node **out, const struct fq_node *base,
	const struct fq_node *ours, const struct fq_node *theirs,
	const struct fq_merge_opts *o, struct fq_conflicts *conflicts,
	struct fq_error *err);

/* What fq_sync() tells its caller as it goes (the library never prints). */
enum fq_sync_event {
	FQ_SYNC_CONFLICT,	/* id, field, kept, other */
	FQ_SYNC_KEPT_BOTH,	/* id: a deleted file was changed on the other
				 * side and is kept */
	FQ_SYNC_RENUMBERED,	/* id (old), field (new id): the same ID was
				 * registered in two copies */
	FQ_SYNC_FILE_KEPT,	/* id = a non-case path changed on both sides:
				 * this side's copy kept */
	FQ_SYNC_RETRY		/* the push was refused: fetching again */
};

typedef void (*fq_sync_note_fn)(enum fq_sync_event ev, const char *id,
	const char *field, const char *kept, const char *other, void *data);

/* Called on every case the merge produced, before it is rendered (e.g.
 * to recompute due_on); returns 0 or a negative fq_code. */
typedef int (*fq_sync_fix_fn)(struct fq_node *c, void *data);

struct fq_sync_opts {
	const char *remote;	/* a configured remote's name, a path or a
				 * URL; NULL: "origin" */
	const char *bundle_in;	/* take this bundle instead of fetching */
	const char *now;	/* ISO 8601, for events and conflicts */
	const fq_schema *schema;
	int max_tries;		/* push attempts; 0: 3 */
	bool no_push;		/* integrate only */
	fq_sync_note_fn note;
	fq_sync_fix_fn fix;
	void *data;
};

struct fq_sync_result {
	bool fetched;		/* the other side had the unit's branch */
	bool fast_forward;	/* we moved to theirs without a merge */
	bool merged;		/* a merge commit was made */
	bool pushed;		/* the county branch now has our HEAD */
	bool up_to_date;	/* nothing came in, nothing went out */
	size_t files_in;	/* files changed by what came in */
	size_t merged_cases;	/* case files merged per case */
	size_t conflicts;	/* true conflicts recorded */
	int tries;		/* push attempts made */
};

/*
 * Fetch the unit's branch from o->remote (or read o->bundle_in),
 * integrate, push (lock must be held; the working tree must equal HEAD).
 * @retval FQ_EEXISTS	the branch there has a history unrelated to ours:
 *			the unit code belongs to another repository
 * @retval FQ_EPARSE, FQ_EINVALID	a case file that must be merged does
 *			not parse or validate (nothing written)
 */
int fq_sync(fq_store *s, const struct fq_sync_opts *o,
	struct fq_sync_result *r, struct fq_error *err);

/*
 * Write to path a git bundle (v2) of the current branch as
 * refs/heads/UNIT, leaving out what the remote had when it was last
 * fetched (its remote-tracking branch), if anything.  *commits gets the
 * number of commits in it (0: the other side has everything).
 */
int fq_sync_bundle_write(fq_store *s, const char *path, const char *remote,
	size_t *commits, struct fq_error *err);

/* True if path is a file that starts like a git bundle. */
bool fq_sync_is_bundle(const char *path);

/*
 * Does the repository at url (a remote's URL or a path) already hold
 * refs/heads/UNIT?  Used by fq init --remote.
 */
int fq_sync_remote_has_unit(const char *url, const char *unit, bool *has,
	struct fq_error *err);

/* Configure url as the remote called name (created or updated). */
int fq_sync_set_remote(fq_store *s, const char *name, const char *url,
	struct fq_error *err);

#endif
