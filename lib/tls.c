/*
 * The CA certificates, read when something goes over the network.
 *
 * Debian's libgit2 1.5 is built with mbedTLS, and git_libgit2_init()
 * parses every certificate of /etc/ssl/certs/ca-certificates.crt (about
 * 140 of them, 200 KiB of base64) whether or not the process will ever
 * open a TLS connection: a fifth of the CPU time of `fq note`.  No option
 * or environment variable turns it off.  Most fq commands never leave the
 * repository, so while libgit2 initializes (fq_tls_defer) this file's
 * mbedtls_x509_crt_parse_file(), which the dynamic linker binds libgit2's
 * call to ahead of libmbedx509's (a definition in the executable comes
 * first), only remembers the chain and the file; fq_tls_load() parses
 * them into that same chain, which libgit2 has already handed to its TLS
 * configuration, before anything connects (lib/sync.c).  Any other call
 * (GIT_OPT_SET_SSL_CERT_LOCATIONS) goes straight to mbedTLS.
 *
 * If a connection were made without fq_tls_load(), the chain would be
 * empty and every server certificate untrusted: the failure is a refused
 * connection, never a trusted one.
 */
#define _GNU_SOURCE		/* RTLD_NEXT */
#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fq/error.h"
#include "internal.h"

struct mbedtls_x509_crt;
typedef int parse_file_fn(struct mbedtls_x509_crt *, const char *);

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain,
	const char *path);

static pthread_mutex_t tls_lock = PTHREAD_MUTEX_INITIALIZER;
static bool deferring;			/* inside git_libgit2_init() */
static struct mbedtls_x509_crt *pending;	/* libgit2's chain, unparsed */
static char *pending_path;
static bool load_failed;		/* fq_tls_load() could not read them */

static parse_file_fn *
real_parse_file(void)
{
	static parse_file_fn *fn;
	void *sym;

	if (!fn) {
		sym = dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file");
		memcpy(&fn, &sym, sizeof(fn));
	}
	return fn;
}

int
mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain,
	const char *path)
{
	parse_file_fn *fn;
	char *copy;

	pthread_mutex_lock(&tls_lock);
	if (deferring && !pending && path && (copy = strdup(path))) {
		pending = chain;
		pending_path = copy;
		pthread_mutex_unlock(&tls_lock);
		return 0;
	}
	if (deferring && pending == chain && (fn = real_parse_file())) {
		/* a second file into the same chain (a directory of them):
		 * the one deferred is parsed now, so none is lost */
		if (fn(pending, pending_path) < 0)
			load_failed = true;
	}
	/* a new chain replaces the one libgit2 had: forget that one */
	pending = NULL;
	free(pending_path);
	pending_path = NULL;
	pthread_mutex_unlock(&tls_lock);
	if (!(fn = real_parse_file()))
		return -1;
	return fn(chain, path);
}

void
fq_tls_defer(bool on)
{
	pthread_mutex_lock(&tls_lock);
	deferring = on;
	pthread_mutex_unlock(&tls_lock);
}

bool
fq_tls_pending(void)
{
	bool r;

	pthread_mutex_lock(&tls_lock);
	r = pending != NULL;
	pthread_mutex_unlock(&tls_lock);
	return r;
}

int
fq_tls_load(void)
{
	parse_file_fn *fn;
	int r = 0;

	pthread_mutex_lock(&tls_lock);
	if (pending) {
		/*
		 * As libgit2 does: a bad certificate among good ones is
		 * skipped (a positive count), only a failure to read is
		 * an error, and then no certificate is trusted.
		 */
		if ((fn = real_parse_file()))
			r = fn(pending, pending_path);
		else
			r = -1;
		pending = NULL;
		free(pending_path);
		pending_path = NULL;
		if (r < 0)
			load_failed = true;
	}
	/* a failure stays one: a second remote is not told "loaded" */
	r = load_failed ? -1 : 0;
	pthread_mutex_unlock(&tls_lock);
	return r < 0 ? FQ_ERROR : FQ_OK;
}
