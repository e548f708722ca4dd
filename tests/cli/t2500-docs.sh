#!/bin/sh
# Printable documents: the 人民调解协议书 and the 移送函 with its 回执.
. "$(dirname "$0")/lib.sh"

make_repo
REPO=repo
id=$(new_case --accepted 2024-03-05 --mediator 李调解)
fq -C repo mediate "$id" >/dev/null 2>&1
exits 1 "no agreement yet: exit 1" fq -C repo show --format agreement "$id"
like "and says so" "$(err)" "no agreement"
ok "agree in writing with an amount" fq -C repo agree "$id" --form written \
	--number '（2024）青人调协字第7号' --amount 1005.07 --perform by:2024-04-30 \
	--terms '王某乙于4月30日前拆除越界排水沟'
ok "render the agreement" fq -C repo show --format agreement "$id"
doc=$(out)
like "it is an HTML page" "$doc" "^<!DOCTYPE html>"
like "titled 人民调解协议书" "$doc" "<h1>人民调解协议书</h1>"
like "with its number" "$doc" "（2024）青人调协字第7号"
like "the amount in capitals" "$doc" "人民币壹仟零伍元零柒分（¥1005.07）"
like "the terms" "$doc" "拆除越界排水沟"
like "the performance deadline" "$doc" "于2024年4月30日前履行完毕"
like "both parties" "$doc" "申请人：王某甲.*"
like "phones masked" "$doc" "138\\*\\*\\*\\*0001"
unlike "never the full phone" "$doc" "13800000001"
like "one copy per party plus one kept" "$doc" "一式3份"
like "A4 print CSS" "$doc" "size: A4"
unlike "no external resources" "$doc" "https?://"
ok "--show-pii shows the phone" fq -C repo show --format agreement --show-pii "$id"
like "in full" "$(out)" "13800000001"

ok "refer to the tribunal" fq -C repo refer "$id" --to 青山人民法庭 --kind invite \
	--channel 诉调 --doc '青调函〔2024〕3号'
ok "render the referral letter" fq -C repo show --format referral-letter --referral 1 "$id"
doc=$(out)
like "a letter of invitation for an invite" "$doc" "邀请协助函"
like "addressed to the tribunal" "$doc" "<p>青山人民法庭："
like "with the document number" "$doc" "青调函〔2024〕3号"
like "and the referral id" "$doc" "$id-R1"
like "receipt deadline in Chinese date form" "$doc" "请于2024年3月21日前签收"
like "a 回执 stub" "$doc" "<h1>回执</h1>"
like "cut line" "$doc" "沿此线剪下"
exits 2 "referral-letter without --referral is a usage error" \
	fq -C repo show --format referral-letter "$id"
exits 1 "an unknown referral: exit 1" \
	fq -C repo show --format referral-letter --referral 9 "$id"
exits 2 "--referral with another format: usage error" \
	fq -C repo show --format text --referral 1 "$id"
# A whole amount, performed on the spot; an agreement without an amount.
W=$(TITLE=货款纠纷 CAT=contract new_case --accepted 2024-03-05 --mediator 李调解)
fq -C repo mediate "$W" >/dev/null 2>&1
ok "agree with a whole amount, on the spot" fq -C repo agree "$W" --form written \
	--number '（2024）青人调协字第8号' --amount 12000 --close
ok "render it" fq -C repo show --format agreement "$W"
like "... 大写 with 整" "$(out)" "协议涉及金额：人民币壹万贰仟元整（¥12000.00）"
like "... performed on the spot" "$(out)" "本协议当场履行"
Z=$(TITLE=无金额纠纷 new_case --accepted 2024-03-05 --mediator 李调解)
fq -C repo mediate "$Z" >/dev/null 2>&1
fq -C repo agree "$Z" --form written --number '（2024）青人调协字第9号' >/dev/null 2>&1
ok "an agreement without an amount" fq -C repo show --format agreement "$Z"
unlike "... has no amount line" "$(out)" "人民币|协议涉及金额"

# A transfer (移送函): its deadlines, and the 回执 the other side returns.
exits 1 "a closed case has no referral letter to print" \
	fq -C repo show --format referral-letter --referral 1 "$W"
T=$(TITLE=移交纠纷 new_case --accepted 2024-03-05 --mediator 李调解)
fq -C repo mediate "$T" >/dev/null 2>&1
ok "transfer a mediating case" fq -C repo refer "$T" --to 青山县人民法院 --kind transfer \
	--channel litigation --doc '青调移〔2024〕5号'
ok "render the 移送函" fq -C repo show --format referral-letter --referral 1 "$T"
doc=$(out)
like "... titled 矛盾纠纷移送函" "$doc" "<h1>矛盾纠纷移送函</h1>"
like "... hands the case over" "$doc" "移送你单位依法处理"
like "... with both deadlines in Chinese dates (04-20 is a Saturday)" "$doc" \
	"请于2024年3月21日前签收，并于2024年4月22日前将处理结果书面反馈我单位"
like "... sealed and dated" "$doc" "青山镇人民调解委员会（盖章）.*2024年3月20日"
stub=$(printf '%s\n' "$doc" | sed -n '/沿此线剪下/,$p')
like "... the 回执 comes after the cut line" "$stub" "<h1>回执</h1>"
unlike "... and the letter before it" "$stub" "矛盾纠纷移送函"
like "... stub: the referral id" "$stub" "移送编号.*$T-R1"
like "... stub: the case" "$stub" "纠纷名称.*移交纠纷"
like "... stub: who sent it" "$stub" "移送单位.*青山镇人民调解委员会"
like "... stub: who signs" "$stub" "签收单位.*青山县人民法院"
like "... stub: a line for the signer" "$stub" "签收人"
like "... stub: a date to fill in" "$stub" "签收日期.*年.*月.*日"
like "... stub: the result" "$stub" "处理结果"
like "... stub: the receiver's seal" "$stub" "（签收单位盖章）"
done_testing
