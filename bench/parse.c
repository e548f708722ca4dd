/*
 * parse.c: the baseline of bench/report.sh — read every file under DIR
 * and run libyaml's parser over it, doing nothing with the events.  Any
 * program that looks at every case file pays at least this much.
 *
 *	cc -O2 -o parse bench/parse.c -lyaml && ./parse REPO/cases
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static long files, events, bad;
static char *buf;
static size_t cap;

static void
parse_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t len = 0, n;
	yaml_parser_t p;
	yaml_event_t e;
	int done = 0;

	if (!f) {
		bad++;
		return;
	}
	for (;;) {
		if (len + 4096 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		n = fread(buf + len, 1, cap - len, f);
		if (!n)
			break;
		len += n;
	}
	fclose(f);
	files++;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &e)) {
			bad++;
			break;
		}
		done = e.type == YAML_STREAM_END_EVENT;
		events++;
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
}

static void
walk(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096];
	size_t n;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		n = strlen(de->d_name);
		if (de->d_type == DT_DIR)
			walk(path);
		else if (n > 5 && !strcmp(de->d_name + n - 5, ".yaml"))
			parse_file(path);
	}
	closedir(d);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: parse DIR\n");
		return 2;
	}
	walk(argv[1]);
	printf("%ld files, %ld events, %ld bad\n", files, events, bad);
	free(buf);
	return bad ? 1 : 0;
}
