/*
 * fq-refuse: a party refuses mediation (T5: accepted or mediating ->
 * closed, outcome refused; 人民调解法 art. 17).
 */
#include "cli.h"

static const char *const usage[] = {
	"fq-refuse [-C DIR] [--on DATE] [--party NAME] [--reason TEXT] ID",
	NULL
};

int
main(int argc, char **argv)
{
	static const struct fq_close_step step = {
		"fq-refuse", "refuse", "refused", "当事人拒绝调解", false,
		NULL, NULL, NULL
	};

	return fq_cli_close_main(argc, argv, usage, &step);
}
