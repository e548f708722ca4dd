/*
 * fq-reject: do not accept a case (T4: reported or accepted -> closed,
 * outcome rejected), e.g. it is already before a court (若干规定 art. 22).
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-reject [-C DIR] [--on DATE] --reason TEXT ID",
	NULL
};

int
main(int argc, char **argv)
{
	static const struct fq_close_step step = {
		"fq-reject", "reject", "rejected", "不予受理", true,
		NULL, NULL, NULL
	};

	return fq_cli_close_main(argc, argv, usage, &step);
}
