/*
 * docs.c: the 移送函 and the 人民调解协议书 as HTML (see fq/docs.h).
 *
 * The layout follows the paper forms of DOMAIN.md §2.8 and the contents
 * of an agreement in 人民调解法 art. 29 (parties, facts and points in
 * dispute, terms, manner and time of performance, signatures and seal).
 */
#include <stdio.h>

#include "fq/docs.h"
#include "fq/text.h"
#include "internal.h"

static const char css[] =
	"<style>\n"
	"@page { size: A4; margin: 25mm 20mm; }\n"
	"body { font-family: \"SimSun\", \"Songti SC\", \"Noto Serif CJK SC\","
	" serif; font-size: 14pt; line-height: 1.8; margin: 0 auto;"
	" max-width: 170mm; color: #000; }\n"
	"h1 { text-align: center; font-size: 20pt; letter-spacing: 0.2em;"
	" margin: 0 0 0.5em; }\n"
	".no { text-align: center; margin-bottom: 1em; }\n"
	".sign { margin-top: 2em; }\n"
	".right { text-align: right; }\n"
	"table { border-collapse: collapse; width: 100%; }\n"
	"td, th { border: 1px solid #000; padding: 4px 6px; vertical-align: top;"
	" text-align: left; }\n"
	".cut { border-top: 1px dashed #000; margin: 2.5em 0 1em;"
	" text-align: center; font-size: 10pt; }\n"
	"@media print { .noprint { display: none; } }\n"
	"</style>\n";

static void
head(struct fq_buf *b, const char *title)
{
	fq_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
		"<meta charset=\"utf-8\">\n<title>");
	fq_html_str(b, title);
	fq_buf_adds(b, "</title>\n");
	fq_buf_adds(b, css);
	fq_buf_adds(b, "</head>\n<body>\n");
}

static void
text(struct fq_buf *b, const char *s)
{
	fq_html_str(b, s ? s : "");
}

static const char *
str(const struct fq_node *n, const char *key)
{
	const char *v = fq_map_str(n, key);

	return v ? v : "";
}

/* "王某甲、王某乙" */
static void
party_names(struct fq_buf *b, const struct fq_node *c)
{
	const struct fq_node *p = fq_map_get(c, "parties");
	size_t i;

	for (i = 0; p && p->kind == FQ_NODE_SEQ && i < p->len; i++) {
		if (i)
			fq_buf_adds(b, "、");
		text(b, str(p->vals[i], "name"));
	}
}

/* 2024-03-05 -> 2024年3月5日 */
static void
cn_date(struct fq_buf *b, const char *iso)
{
	if (!iso || !fq_valid_date(iso)) {
		fq_buf_adds(b, "&nbsp;&nbsp;&nbsp;&nbsp;年&nbsp;&nbsp;&nbsp;月"
			"&nbsp;&nbsp;&nbsp;日");
		return;
	}
	fq_buf_addf(b, "%.4s年%d月%d日", iso, atoi(iso + 5), atoi(iso + 8));
}

static const struct fq_node *
find_referral(const struct fq_node *c, const char *n)
{
	const struct fq_node *r = fq_map_get(c, "referrals");
	size_t i;

	for (i = 0; r && r->kind == FQ_NODE_SEQ && i < r->len; i++)
		if (!strcmp(str(r->vals[i], "n"), n))
			return r->vals[i];
	return NULL;
}

int
fq_doc_referral_letter(struct fq_buf *out, const fq_schema *s,
	const struct fq_node *config, const struct fq_node *c, const char *n,
	struct fq_error *err)
{
	const struct fq_node *r = find_referral(c, n);
	const char *kind;

	if (!r)
		return fq_error_set(err, FQ_ENOTFOUND, "%s has no referral #%s",
			str(c, "id"), n);
	kind = str(r, "kind");
	head(out, "矛盾纠纷移送函");
	fq_buf_addf(out, "<h1>%s</h1>\n", !strcmp(kind, "delegate") ?
		"委派调解函" : !strcmp(kind, "assign") ? "交办函" :
		!strcmp(kind, "invite") || !strcmp(kind, "summon") ?
		"邀请协助函" : "矛盾纠纷移送函");
	fq_buf_adds(out, "<p class=\"no\">");
	text(out, *str(r, "doc_no") ? str(r, "doc_no") : "");
	fq_buf_addf(out, "（%s-R%s）</p>\n<p>", str(c, "id"), n);
	text(out, str(r, "to_org"));
	fq_buf_adds(out, "：</p>\n<p>&emsp;&emsp;现将");
	party_names(out, c);
	fq_buf_adds(out, "之间的");
	text(out, fq_schema_label(s, "categories", str(c, "category")));
	fq_buf_adds(out, "（");
	text(out, str(c, "title"));
	fq_buf_adds(out, "）");
	if (!strcmp(kind, "invite") || !strcmp(kind, "summon"))
		fq_buf_adds(out, "情况函告你单位，请派员参加联合调处。");
	else
		fq_buf_adds(out, "移送你单位依法处理。");
	fq_buf_adds(out, "</p>\n<p>&emsp;&emsp;纠纷简要情况：");
	text(out, str(c, "summary"));
	fq_buf_adds(out, "</p>\n<p>&emsp;&emsp;对接类型：");
	text(out, fq_schema_label(s, "channels", str(r, "channel")));
	fq_buf_adds(out, "。");
	if (*str(r, "due_receipt")) {
		fq_buf_adds(out, "请于");
		cn_date(out, str(r, "due_receipt"));
		fq_buf_adds(out, "前签收");
	}
	if (*str(r, "due_result")) {
		fq_buf_adds(out, "，并于");
		cn_date(out, str(r, "due_result"));
		fq_buf_adds(out, "前将处理结果书面反馈我单位");
	}
	fq_buf_adds(out, "。</p>\n<p class=\"sign right\">");
	text(out, *str(r, "from_org") ? str(r, "from_org") :
		str(config, "name"));
	fq_buf_adds(out, "（盖章）<br>");
	cn_date(out, str(r, "sent_on"));
	fq_buf_adds(out, "</p>\n<div class=\"cut\">✂ 沿此线剪下 ✂</div>\n"
		"<h1>回执</h1>\n<table>\n<tr><th>移送编号</th><td>");
	fq_buf_addf(out, "%s-R%s", str(c, "id"), n);
	fq_buf_adds(out, "</td></tr>\n<tr><th>纠纷名称</th><td>");
	text(out, str(c, "title"));
	fq_buf_adds(out, "</td></tr>\n<tr><th>移送单位</th><td>");
	text(out, *str(r, "from_org") ? str(r, "from_org") :
		str(config, "name"));
	fq_buf_adds(out, "</td></tr>\n<tr><th>签收单位</th><td>");
	text(out, str(r, "to_org"));
	fq_buf_adds(out, "</td></tr>\n<tr><th>签收人</th><td>&nbsp;</td></tr>\n"
		"<tr><th>签收日期</th><td>");
	cn_date(out, NULL);
	fq_buf_adds(out, "</td></tr>\n<tr><th>处理结果</th>"
		"<td style=\"height:6em\">&nbsp;</td></tr>\n</table>\n"
		"<p class=\"right\">（签收单位盖章）</p>\n</body>\n</html>\n");
	return FQ_OK;
}

static void
party_rows(struct fq_buf *out, const fq_schema *s, const struct fq_node *c)
{
	const struct fq_node *p = fq_map_get(c, "parties");
	size_t i;

	for (i = 0; p && p->kind == FQ_NODE_SEQ && i < p->len; i++) {
		const struct fq_node *x = p->vals[i];
		const struct fq_node *ph = fq_map_get(x, "phones");

		fq_buf_adds(out, "<p>");
		text(out, fq_schema_label(s, "party_roles", str(x, "role")));
		fq_buf_adds(out, "：");
		text(out, str(x, "name"));
		if (*str(x, "gender"))
			fq_buf_addf(out, "，%s", !strcmp(str(x, "gender"), "M") ?
				"男" : "女");
		if (*str(x, "age"))
			fq_buf_addf(out, "，%s岁", str(x, "age"));
		if (*str(x, "ethnicity")) {
			fq_buf_adds(out, "，");
			text(out, str(x, "ethnicity"));
		}
		if (*str(x, "address")) {
			fq_buf_adds(out, "，住");
			text(out, str(x, "address"));
		}
		if (ph && ph->kind == FQ_NODE_SEQ && ph->len &&
		    ph->vals[0]->kind == FQ_NODE_SCALAR) {
			fq_buf_adds(out, "，联系电话：");
			text(out, ph->vals[0]->str);
		}
		if (*str(x, "representative")) {
			fq_buf_adds(out, "，");
			text(out, str(x, "representative"));
		}
		fq_buf_adds(out, "。</p>\n");
	}
}

int
fq_doc_agreement(struct fq_buf *out, const fq_schema *s,
	const struct fq_node *config, const struct fq_node *c,
	struct fq_error *err)
{
	const struct fq_node *a = fq_map_get(c, "agreement");
	const struct fq_node *p = fq_map_get(c, "parties");
	const struct fq_node *m = fq_map_get(c, "mediators");
	size_t nparties = p && p->kind == FQ_NODE_SEQ ? p->len : 0, i;
	const char *mode;

	if (!a || a->kind != FQ_NODE_MAP)
		return fq_error_set(err, FQ_ENOTFOUND, "%s has no agreement",
			str(c, "id"));
	head(out, "人民调解协议书");
	fq_buf_adds(out, "<h1>人民调解协议书</h1>\n<p class=\"no\">");
	text(out, str(a, "number"));
	fq_buf_adds(out, "</p>\n");
	party_rows(out, s, c);
	fq_buf_adds(out, "<p><b>纠纷主要事实、争议事项：</b></p>\n<p>&emsp;&emsp;");
	text(out, str(c, "summary"));
	fq_buf_adds(out, "</p>\n<p>&emsp;&emsp;经本委员会调解，双方当事人自愿达成"
		"如下协议：</p>\n<p>&emsp;&emsp;");
	text(out, *str(a, "terms") ? str(a, "terms") : "");
	fq_buf_adds(out, "</p>\n");
	if (*str(a, "amount")) {
		struct fq_buf cap = FQ_BUF_INIT;

		fq_money_capital(&cap, str(a, "amount"));
		fq_buf_adds(out, "<p>&emsp;&emsp;协议涉及金额：人民币");
		text(out, cap.buf);
		fq_buf_addf(out, "（¥%s）。</p>\n", str(a, "amount"));
		fq_buf_release(&cap);
	}
	mode = str(a, "performance_mode");
	fq_buf_adds(out, "<p><b>履行方式、时限：</b>");
	if (!strcmp(mode, "immediate")) {
		fq_buf_adds(out, "本协议当场履行。");
	} else if (*str(a, "performance_due")) {
		fq_buf_adds(out, "于");
		cn_date(out, str(a, "performance_due"));
		fq_buf_adds(out, "前履行完毕。");
	} else {
		fq_buf_adds(out, "按上述协议内容履行。");
	}
	fq_buf_addf(out, "</p>\n<p>&emsp;&emsp;本协议自各方当事人签名（盖章或按指印）、"
		"人民调解员签名并加盖人民调解委员会印章之日起生效。本协议一式%zu份，"
		"当事人各执一份，人民调解委员会留存一份。</p>\n", nparties + 1);
	fq_buf_adds(out, "<table class=\"sign\">\n");
	for (i = 0; i < nparties; i++) {
		fq_buf_adds(out, "<tr><th style=\"width:30%\">");
		text(out, fq_schema_label(s, "party_roles",
			str(p->vals[i], "role")));
		fq_buf_adds(out, "（签名）</th><td>&nbsp;</td></tr>\n");
	}
	fq_buf_adds(out, "<tr><th>人民调解员（签名）</th><td>");
	for (i = 0; m && m->kind == FQ_NODE_SEQ && i < m->len; i++) {
		if (i)
			fq_buf_adds(out, "、");
		text(out, m->vals[i]->kind == FQ_NODE_SCALAR ? m->vals[i]->str :
			"");
	}
	fq_buf_adds(out, "</td></tr>\n</table>\n<p class=\"sign right\">");
	text(out, str(config, "name"));
	fq_buf_adds(out, "（印章）<br>");
	cn_date(out, str(a, "effective_on"));
	fq_buf_adds(out, "</p>\n</body>\n</html>\n");
	return FQ_OK;
}
