/*
 * driver.c: replay inputs through a harness without libFuzzer, so the
 * harnesses build with any compiler and their seed corpora run in CTest
 * (under ASan and valgrind too).  Arguments are files or directories
 * (every regular file in them, not recursively).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0, r;

	if (!f) {
		perror(path);
		return 1;
	}
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		r = fread(buf + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	int i, bad = 0, runs = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *e;

		if (stat(argv[i], &st) < 0) {
			perror(argv[i]);
			bad++;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad += run_file(argv[i]);
			runs++;
			continue;
		}
		if (!(d = opendir(argv[i]))) {
			perror(argv[i]);
			bad++;
			continue;
		}
		while ((e = readdir(d)) != NULL) {
			char p[4096];
			struct stat fst;

			if (e->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s", argv[i], e->d_name);
			if (stat(p, &fst) == 0 && S_ISREG(fst.st_mode)) {
				bad += run_file(p);
				runs++;
			}
		}
		closedir(d);
	}
	printf("%d inputs run\n", runs);
	return bad || !runs;
}
